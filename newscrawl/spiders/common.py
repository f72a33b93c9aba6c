"""What every news spider here shares: telling pagination links, and recording a request that failed for good."""

from __future__ import annotations

import re
from typing import Any

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from twisted.python.failure import Failure

from newscrawl.gone import gone_reason
from newscrawl.items import FetchFailure

NEXT_PAGE_TEXT = "下一页"
PAGE_NUMBER = re.compile(r"^\[?\s*\d{1,4}\s*\]?$")
ROBOTS = "robots.txt"  # in the message of the IgnoreRequest that RobotsTxtMiddleware raises


def is_pagination_text(text: str) -> bool:
    """A list page's link to another page of the same list: 下一页 or a page number."""
    return text == NEXT_PAGE_TEXT or bool(PAGE_NUMBER.match(text))


def failed_request(failure: Failure) -> Request:
    """The request of an errback's failure (Scrapy sets the attribute; Twisted's type does not declare it)."""
    request: Request = failure.request  # type: ignore[attr-defined]
    return request


def fetch_failure(spider: Any, failure: Failure, article_key: str | None) -> FetchFailure:
    """Log and count a request that failed for good (after the retries); the item records it in the archive."""
    response = getattr(failure.value, "response", None)
    status = response.status if response is not None else None
    error_type = failure.type.__name__ if failure.type is not None else "Error"
    reason = f"HTTP {status}" if status else f"{error_type}: {failure.getErrorMessage()}"
    if failure.check(IgnoreRequest) and ROBOTS in reason:
        # The site's own wish, not a download that failed: recorded, but it does not make the night unclean.
        spider.crawler.stats.inc_value("fetch/forbidden_by_robots")
        spider.logger.info("not fetched, robots.txt forbids it: %s", failed_request(failure).url)
    else:
        spider.crawler.stats.inc_value("fetch/failed")
        spider.crawler.stats.inc_value(f"fetch/failed/{error_type}")
        spider.logger.error("giving up on %s: %s", failed_request(failure).url, reason)
    return FetchFailure(url=failed_request(failure).url, reason=reason, article_key=article_key, http_status=status)


def count_article_page(spider: Any, item: Any) -> None:
    """Pages parsed, and those that yielded no title, body or time: the share that reveals layout drift.

    A page that says the article is gone (newscrawl.gone) is counted apart: it is the site's answer, not a
    page the extractor failed to read.
    """
    spider.crawler.stats.inc_value("pages/article")
    if item.title and item.body and item.published_at:
        return
    if gone_reason(item) is not None:  # asked only of incomplete pages: it costs a scan of the text
        spider.crawler.stats.inc_value("pages/gone")
    else:
        spider.crawler.stats.inc_value("pages/incomplete")


EXAMPLES_KEPT = 3
LIST_PAGE_PATH = re.compile(r"(/|/index(_\d+)?\.s?html?)$")  # a channel's own index pages, never an article


class ChannelWatch:
    """What each channel's list pages linked: article URLs, and other links under the channel (with examples).

    A channel whose list pages link no article URL at all is blind: the site changed its lists or its URL
    grammar. The store pipeline records every channel's counts on the run's row (`crawl_runs.channel_links`)
    and `newscrawl crawl` judges them over all the run's workers (newscrawl.operate).
    """

    def __init__(self) -> None:
        self.channels: dict[str, dict[str, Any]] = {}

    def _channel(self, name: str, folder: str) -> dict[str, Any]:
        return self.channels.setdefault(name, {"folder": folder, "list_pages": 0, "article_links": 0, "other_links": 0, "examples": []})

    def list_page(self, name: str, folder: str) -> None:
        self._channel(name, folder)["list_pages"] += 1

    def article_link(self, name: str, folder: str) -> None:
        self._channel(name, folder)["article_links"] += 1

    def other_link(self, name: str, folder: str, path: str) -> None:
        """A link under the channel's folder that is neither an article URL nor another list page."""
        if LIST_PAGE_PATH.search(path):
            return
        channel = self._channel(name, folder)
        channel["other_links"] += 1
        if len(channel["examples"]) < EXAMPLES_KEPT and path not in channel["examples"]:
            channel["examples"].append(path)

    def blind(self) -> dict[str, dict[str, Any]]:
        return {name: facts for name, facts in self.channels.items() if facts["list_pages"] and not facts["article_links"]}


def blind_reason(name: str, facts: dict[str, Any]) -> str:
    """Why a channel yielded nothing, in one phrase: no article links, and what its list pages linked instead."""
    pages = f"{facts['list_pages']} list page{'s' if facts['list_pages'] != 1 else ''}"
    if not facts["other_links"]:
        return f"{name}: {pages} linked no article URL"
    examples = ", ".join(facts["examples"])
    return f"{name}: {pages} linked no article URL; {facts['other_links']} links under the channel do not match the URL grammar (e.g. {examples})"
