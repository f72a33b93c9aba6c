"""Dedup: one item per article key in a run, and a content fingerprint to recognise reprints.

The same page reached twice (another host, scheme, query or fragment) has the same key and is dropped
here. A story reprinted under another channel has its own key: it passes with its fingerprint, and
storage links it to the first stored copy with that fingerprint (articles.reprint_of_id).

A short text without a publish time met under SAME_TEXT_KEYS keys in one run is not a story reprinted but a
CMS's "gone" page served under many URLs (a soft 404, even when its words say nothing of it): the third page
and every later one become Gone items. The first ones were passed on as articles before anyone could know;
the third carries their keys (`Gone.earlier`) and storage takes back what it stored for them in this run
(newscrawl.archive). Reprints keep their publish time, so a reprinted story is never taken for this.
"""

from __future__ import annotations

import hashlib
import unicodedata
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawl.gone import SHORT_BODY_CHARS, chars
from newscrawl.items import Article
from newscrawl.pipelines.validate import soft_404
from newscrawl.urls import article_key_for

SAME_TEXT_KEYS = 3  # pages with one short, time-less text in a run from which it is a soft 404


def content_fingerprint(body: str) -> str:
    """sha256 of the body with width variants folded and all whitespace removed."""
    normalised = "".join(unicodedata.normalize("NFKC", body).split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


class DedupPipeline:
    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        self.seen_keys: set[str] = set()
        self.short_texts: dict[str, list[str]] = {}  # fingerprint of a short, time-less body -> keys met with it

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        item.article_key = item.article_key or article_key_for(item.canonical_url or item.url)
        if item.article_key in self.seen_keys:
            self.stats.inc_value("dedup/duplicate_key")
            raise DropItem(f"article {item.article_key} already met in this run ({item.url})")
        self.seen_keys.add(item.article_key)
        item.content_hash = content_fingerprint(item.body or "")  # storage links reprints by it
        if item.published_at is None and chars(item.body) <= SHORT_BODY_CHARS:
            keys = self.short_texts.setdefault(item.content_hash, [])
            keys.append(item.article_key)
            if len(keys) >= SAME_TEXT_KEYS:
                self.stats.inc_value("dedup/soft_404")
                earlier = keys[:-1] if len(keys) == SAME_TEXT_KEYS else []  # later pages: the first ones are taken back already
                return soft_404(item, f"the same {chars(item.body)}-character text under {len(keys)} pages", earlier)
        return item
