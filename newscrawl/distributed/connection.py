"""Which Redis, and the client for it: the one place that reads NEWSCRAWL_REDIS_URL and imports redis."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy.engine import make_url

from newscrawl.arguments import REDIS_HINT, MissingExtra, require_redis

REDIS_URL_ENV = "NEWSCRAWL_REDIS_URL"
INSTALL_HINT = REDIS_HINT
__all__ = ["INSTALL_HINT", "MissingExtra", "client", "redis_url", "shown"]


def redis_url(explicit: str | None = None, settings: Any = None) -> str | None:
    """The Redis that distributes the crawl, or None for one process without Redis.

    The same rule as the database URL: an explicit URL (-s on the command line) wins, then the
    environment variable, then settings.py.
    """
    if explicit:
        return explicit
    if settings is not None:
        from scrapy.settings import SETTINGS_PRIORITIES

        if (settings.getpriority("NEWSCRAWL_REDIS_URL") or 0) >= SETTINGS_PRIORITIES["cmdline"]:
            return settings["NEWSCRAWL_REDIS_URL"] or None
    return os.environ.get(REDIS_URL_ENV) or (settings.get("NEWSCRAWL_REDIS_URL") if settings is not None else None) or None


def client(url: str) -> Any:
    """A Redis client for `url` (bytes replies, the way scrapy-redis stores requests)."""
    require_redis()
    import redis

    return redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10, health_check_interval=30)


def shown(url: str) -> str:
    """The URL for a log line or an error message, password hidden."""
    try:
        return make_url(url.replace("redis://", "redis+x://", 1)).render_as_string(hide_password=True).replace("redis+x://", "redis://", 1)
    except Exception:  # noqa: BLE001 - a URL SQLAlchemy cannot parse is shown without its credentials part
        return url.split("@")[-1]
