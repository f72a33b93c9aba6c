"""Validation: an article needs a title and a body; a page without them becomes a recorded PageFailure."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from newscrawl.items import Article, PageFailure

REQUIRED_FIELDS = ("title", "body")


class ValidatePipeline:
    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        missing = [name for name in REQUIRED_FIELDS if not (getattr(item, name) or "").strip()]
        if not missing:
            self.stats.inc_value("validate/ok")
            return item
        reason = "no " + " and no ".join(missing)
        self.stats.inc_value("validate/rejected")
        self.stats.inc_value(f"validate/rejected/{'_'.join(missing)}")
        return PageFailure(url=item.url, reason=reason, article_key=item.article_key)
