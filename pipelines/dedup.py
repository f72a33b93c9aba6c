"""Dedup: one item per article key in a run, and a content fingerprint to recognise reprints.

The same page reached twice (another host, scheme, query or fragment) has the same key and is dropped
here. A story reprinted under another channel has its own key: it passes with its fingerprint, and
storage links it to the first stored copy with that fingerprint (articles.reprint_of_id).
"""

from __future__ import annotations

import hashlib
import unicodedata
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawl.items import Article
from newscrawl.urls import article_key_for


def content_fingerprint(body: str) -> str:
    """sha256 of the body with width variants folded and all whitespace removed."""
    normalised = "".join(unicodedata.normalize("NFKC", body).split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


class DedupPipeline:
    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        self.seen_keys: set[str] = set()

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
        return item
