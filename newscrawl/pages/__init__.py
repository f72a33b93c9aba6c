"""Page objects: one per page type. `extract_page` picks the right one for a fetched page."""

from __future__ import annotations

from datetime import datetime

from w3lib.encoding import html_to_unicode

from newscrawl.items import Article
from newscrawl.pages.yybnet import YybnetArticlePage
from newscrawl.yybnet import parse_article_url


def decode_page(body: bytes, header_charset: str | None = None) -> str:
    """Bytes to text by the HTTP header, BOM or <meta> charset (GB2312/GBK read as GB18030)."""
    content_type = f"text/html; charset={header_charset}" if header_charset else None
    return html_to_unicode(content_type, body)[1]


def extract_page(markup: str, url: str | None, *, crawled_at: datetime | None = None) -> Article:
    """The Article of one page: yybnet article URLs use the yybnet page object."""
    if url and parse_article_url(url):
        return YybnetArticlePage(url, markup, crawled_at=crawled_at).to_item()
    return YybnetArticlePage(url or "", markup, crawled_at=crawled_at).to_item()
