"""Validation: an article needs a title and a body, and must not be a CMS's "gone" page.

A page without a title or a body becomes a recorded PageFailure. A page that answered 200 but says the
article is gone (页面不存在, 已删除, 已撤稿, an error template: newscrawl.gone) becomes a Gone item: storage
records it as an extraction failure "soft 404: <why>" on a first fetch, and as a removal on a revisit.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from newscrawl.gone import gone_reason
from newscrawl.items import Article, Gone, PageFailure
from newscrawl.urls import article_key_for

REQUIRED_FIELDS = ("title", "body")
SOFT_404 = "soft 404"


def soft_404(item: Article, why: str, earlier: list[str] | None = None) -> Gone:
    """The Gone item of an article page that is a soft 404, with its reason."""
    key = item.article_key or article_key_for(item.canonical_url or item.url)
    return Gone(url=item.url, article_key=key, reason=f"{SOFT_404}: {why}", content_hash=item.content_hash, earlier=list(earlier or []))


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
        if missing:
            reason = "no " + " and no ".join(missing)
            self.stats.inc_value("validate/rejected")
            self.stats.inc_value(f"validate/rejected/{'_'.join(missing)}")
            return PageFailure(url=item.url, reason=reason, article_key=item.article_key)
        why = gone_reason(item)
        if why is not None:
            self.stats.inc_value("validate/soft_404")
            return soft_404(item, why)
        self.stats.inc_value("validate/ok")
        return item
