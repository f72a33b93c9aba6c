"""Checking what a user gives before any work starts: spider arguments, command options, database and Redis URLs.

Each parser turns one text value into what the code uses, or raises `Invalid` with the form it expected;
the callers name the argument, so a bad one is always reported as one line:

    since: expected a date like 2017-08-01, got 'notadate'

Spiders declare their arguments as {name: parser} (`YybnetSpider.ARGUMENTS`) and `spider_arguments` checks
them (the `scrapy crawl` command of newscrawl.commands and `newscrawl crawl` call it before any request);
`option` adapts a parser to argparse for the `newscrawl` command's options.
"""

from __future__ import annotations

import argparse
import importlib
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url

from newscrawl.yybnet import CHANNELS, parse_channel_list

TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off", "")
DATABASES = ("sqlite", "postgresql")
DATABASE_EXAMPLE = "sqlite:///data/newscrawl.db or postgresql+psycopg://user@host/dbname"
POSTGRES_HINT = "pip install 'newscrawl[postgres]'"
REDIS_HINT = "pip install 'newscrawl[redis]'"


class Invalid(ValueError):
    """Raised by a parser: `expected` is the form wanted, e.g. "a date like 2017-08-01"; `why` an optional detail."""

    def __init__(self, expected: str, why: str | None = None):
        super().__init__(expected)
        self.expected, self.why = expected, why


class ArgumentError(ValueError):
    """A bad argument, named; str() is the whole line a user sees (exit status 2)."""

    def __init__(self, name: str, expected: str, value: Any = None, why: str | None = None, *, line: str | None = None):
        got = "nothing" if value is None else repr(value)
        super().__init__(line or f"{name}: expected {expected}, got {got}" + (f" ({why})" if why else ""))
        self.name = name


class MissingExtra(RuntimeError):
    """An optional part of newscrawl is asked for but not installed; the message names the pip line."""


Parser = Callable[[str], Any]


# --- parsers: text in, value out, Invalid(expected form) otherwise -------------------------------------------------
def a_date(value: str | date) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid("a date like 2017-08-01") from None


def a_time(value: str) -> datetime:
    """An ISO 8601 date or time; UTC when it names no offset."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Invalid("a time like 2017-08-01T09:00:00+08:00 (UTC if no offset)") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def whole_number(minimum: int = 0, example: int = 5, maximum: int | None = None) -> Parser:
    expected = f"a whole number of {minimum} or more, like {example}" if maximum is None else f"a whole number from {minimum} to {maximum}"

    def parse(value: str) -> int:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise Invalid(expected) from None
        if number < minimum or (maximum is not None and number > maximum):
            raise Invalid(expected)
        return number

    return parse


def share(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise Invalid("a share from 0 to 1, like 0.2") from None
    if not 0 <= number <= 1:
        raise Invalid("a share from 0 to 1, like 0.2")
    return number


def flag(value: str | bool) -> bool:
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise Invalid("1 or 0 (or true/false, yes/no, on/off)")


def web_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Invalid("an http(s) URL like http://127.0.0.1:8000")
    return value.strip()


def url_list(value: str) -> list[str]:
    urls = [u.strip() for u in value.split(",") if u.strip()]
    expected = "list page URLs like https://example.com/local/, separated by commas"
    if not urls or any(urlsplit(u).scheme not in ("http", "https") or not urlsplit(u).netloc for u in urls):
        raise Invalid(expected)
    return urls


def regex(value: str) -> re.Pattern[str]:
    try:
        return re.compile(value)
    except re.error as error:
        raise Invalid(r"a regular expression like '/\d{4}-\d{2}/\d{2}/c_\d+\.htm$'", str(error)) from None


def city_list(value: str) -> list[str]:
    cities = [c.strip() for c in value.split(",") if c.strip()]
    if not cities or any(c not in CHANNELS for c in cities):
        raise Invalid(f"city slugs separated by commas, from {', '.join(CHANNELS)}")
    return cities


def channel_list(value: str) -> list[tuple[str, str]]:
    try:
        channels = parse_channel_list(value)
    except ValueError:
        channels = []
    if not channels:
        raise Invalid("city/channel pairs separated by commas, like weifang/news,weifang/shouguang")
    return channels


def database(value: str) -> str:
    """An SQLAlchemy URL of a database newscrawl can use (its driver is checked when it is opened)."""
    try:
        backend = make_url(value.strip()).get_backend_name()
    except Exception:  # noqa: BLE001 - SQLAlchemy raises several kinds for text that is no URL
        backend = None
    if backend not in DATABASES:
        raise Invalid(f"an SQLAlchemy URL like {DATABASE_EXAMPLE}")
    return value.strip()


def redis(value: str) -> str:
    if urlsplit(value.strip()).scheme not in ("redis", "rediss", "unix"):
        raise Invalid("a Redis URL like redis://127.0.0.1:6379/0")
    return value.strip()


def readable_file(value: str) -> Path:
    path = Path(value)
    if not path.is_file():
        raise Invalid("a file", "no such file" if not path.exists() else "not a file")
    return path


def folder(value: str) -> Path:
    path = Path(value)
    if not path.is_dir():
        raise Invalid("a folder", "no such folder" if not path.exists() else "not a folder")
    return path


def choice_list(choices: tuple[str, ...]) -> Parser:
    def parse(value: str) -> list[str]:
        chosen = [c.strip() for c in value.split(",") if c.strip()]
        if not chosen or any(c not in choices for c in chosen):
            raise Invalid(f"names separated by commas, from {','.join(choices)}")
        return chosen

    return parse


def number_list(value: str) -> tuple[int, ...]:
    try:
        numbers = tuple(int(n) for n in value.split(",") if n.strip())
    except ValueError:
        numbers = ()
    if not numbers or min(numbers) < 0:
        raise Invalid("whole numbers separated by commas, like 0,300000,1000000")
    return numbers


# --- using them -----------------------------------------------------------------------------------------------------
def check(name: str, parser: Parser, value: Any) -> Any:
    try:
        return parser(value)
    except Invalid as error:
        raise ArgumentError(name, error.expected, value, error.why) from None


# Spider attributes a `-a` may set for Scrapy itself: UserAgentMiddleware and HttpAuthMiddleware read them.
SCRAPY_SPIDER_ATTRIBUTES = frozenset({"user_agent", "http_user", "http_pass", "http_auth_domain"})


def spider_arguments(spider: str, declared: Mapping[str, Parser], given: Mapping[str, Any]) -> dict[str, Any]:
    """The spider's arguments parsed; ArgumentError for an unknown one or a bad value. Empty values mean unset.

    Arguments starting with "_" pass unchecked (scrapyd adds `_job`), as do the spider attributes Scrapy's own
    middlewares read (SCRAPY_SPIDER_ATTRIBUTES).
    """
    for name in given:
        if name not in declared and not name.startswith("_") and name not in SCRAPY_SPIDER_ATTRIBUTES:
            raise ArgumentError(name, "", line=f"{name}: not an argument of the {spider} spider, which takes {', '.join(sorted(declared))}")
    return {name: check(name, parser, given[name]) for name, parser in declared.items() if given.get(name) not in (None, "")}


def check_spider_arguments(spidercls: Any, given: Mapping[str, Any]) -> None:
    """Raise ArgumentError if `given` would not start a crawl of `spidercls` (a spider without ARGUMENTS takes anything)."""
    declared = getattr(spidercls, "ARGUMENTS", None)
    if declared is not None:
        spider_arguments(spidercls.name, declared, given)
        extra = getattr(spidercls, "check_required", None)
        if extra is not None:
            extra(given)


def option(parser: Parser) -> Callable[[str], Any]:
    """An argparse `type=`: the same parser, its failure in argparse's words ("argument --limit: expected ...")."""

    def parse(value: str) -> Any:
        try:
            return parser(value)
        except Invalid as error:
            raise argparse.ArgumentTypeError(f"expected {error.expected}, got {value!r}" + (f" ({error.why})" if error.why else "")) from None

    parse.__name__ = getattr(parser, "__name__", "value")
    return parse


# --- extras: the optional parts a URL needs ----------------------------------------------------------------------------
def shown_url(url: str) -> str:
    """A database URL for a message, password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a URL SQLAlchemy cannot parse is shown without its credentials part
        return url.split("@")[-1]


def require_database_driver(url: str) -> None:
    """MissingExtra if the database's driver is not installed (psycopg for postgresql+psycopg://...)."""
    parsed = make_url(url)
    try:
        parsed.get_dialect().import_dbapi()
    except ImportError as error:
        if parsed.get_backend_name() == "postgresql":
            driver = parsed.get_driver_name()
            if driver != "psycopg":
                raise MissingExtra(
                    f"{shown_url(url)}: the {driver} driver is not installed; use postgresql+psycopg://... and {POSTGRES_HINT}"
                ) from None
            raise MissingExtra(f"{shown_url(url)}: PostgreSQL needs psycopg, which is not installed: {POSTGRES_HINT}") from None
        raise MissingExtra(f"{shown_url(url)}: the database driver is not installed ({error})") from None


def require_redis() -> None:
    """MissingExtra if redis or scrapy-redis is not installed."""
    for module in ("redis", "scrapy_redis"):
        try:
            importlib.import_module(module)
        except ImportError:
            raise MissingExtra(f"NEWSCRAWL_REDIS_URL is set but {module.replace('_', '-')} is not installed: {REDIS_HINT}") from None
