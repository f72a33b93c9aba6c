"""Request identity: an article is one request whatever host, scheme, query or fragment it was linked under.

`ArticleKeyFingerprinter` gives every request that carries `meta["article_key"]` the fingerprint of that
key, so the local dupefilter and the shared one on Redis (newscrawl.distributed) agree that
`m.`/`www.`/http/https variants are one article. Other requests (list pages) keep Scrapy's fingerprint.

Redirect hops are never filtered (`is_redirect_hop`): a hop carries the article key of the request it
came from, and filtering it would swallow a redirect loop without a trace instead of letting
RedirectMiddleware give up on it and the failure be recorded. REDIRECT_MAX_TIMES bounds them.
"""

from __future__ import annotations

import hashlib
from typing import Any

from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.request import RequestFingerprinter


def is_redirect_hop(request: Request) -> bool:
    return bool(request.meta.get("redirect_times"))


class ArticleKeyFingerprinter:
    """Article requests by key (method included), everything else as Scrapy's default fingerprinter does."""

    def __init__(self, crawler: Any = None):
        self.default = RequestFingerprinter(crawler)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArticleKeyFingerprinter:
        return cls(crawler)

    def fingerprint(self, request: Request) -> bytes:
        key = request.meta.get("article_key")
        if key is None or is_redirect_hop(request):
            return self.default.fingerprint(request)
        return hashlib.sha1(f"article\0{request.method}\0{key}".encode()).digest()


class ArticleDupeFilter(RFPDupeFilter):
    """Scrapy's in-memory dupefilter, with the article-key fingerprints and redirect hops let through."""

    def request_seen(self, request: Request) -> bool:
        if is_redirect_hop(request):
            return False
        return super().request_seen(request)
