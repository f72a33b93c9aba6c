"""What every news spider here shares: telling pagination links, and recording a request that failed for good."""

from __future__ import annotations

import re
from typing import Any

from scrapy.exceptions import IgnoreRequest
from twisted.python.failure import Failure

from newscrawl.items import FetchFailure

NEXT_PAGE_TEXT = "下一页"
PAGE_NUMBER = re.compile(r"^\[?\s*\d{1,4}\s*\]?$")
ROBOTS = "robots.txt"  # in the message of the IgnoreRequest that RobotsTxtMiddleware raises


def is_pagination_text(text: str) -> bool:
    """A list page's link to another page of the same list: 下一页 or a page number."""
    return text == NEXT_PAGE_TEXT or bool(PAGE_NUMBER.match(text))


def fetch_failure(spider: Any, failure: Failure, article_key: str | None) -> FetchFailure:
    """Log and count a request that failed for good (after the retries); the item records it in the archive."""
    response = getattr(failure.value, "response", None)
    status = response.status if response is not None else None
    reason = f"HTTP {status}" if status else f"{failure.type.__name__}: {failure.getErrorMessage()}"
    if failure.check(IgnoreRequest) and ROBOTS in reason:
        # The site's own wish, not a download that failed: recorded, but it does not make the night unclean.
        spider.crawler.stats.inc_value("fetch/forbidden_by_robots")
        spider.logger.info("not fetched, robots.txt forbids it: %s", failure.request.url)
    else:
        spider.crawler.stats.inc_value("fetch/failed")
        spider.crawler.stats.inc_value(f"fetch/failed/{failure.type.__name__}")
        spider.logger.error("giving up on %s: %s", failure.request.url, reason)
    return FetchFailure(url=failure.request.url, reason=reason, article_key=article_key, http_status=status)


def count_article_page(spider: Any, item: Any) -> None:
    """Pages parsed, and those that yielded no title, body or time: the share that reveals layout drift."""
    spider.crawler.stats.inc_value("pages/article")
    if not (item.title and item.body and item.published_at):
        spider.crawler.stats.inc_value("pages/incomplete")
