"""Page objects: one per page type. `extract_page` picks the right one for a fetched page."""

from __future__ import annotations

from datetime import datetime

from scrapy.http import TextResponse

from newscrawl.extract import generic
from newscrawl.extract.charset import decode_html
from newscrawl.items import Article
from newscrawl.pages.yybnet import YybnetArticlePage
from newscrawl.urls import article_key_for, canonical_url, yybnet_ref


def decode_page(body: bytes, header_charset: str | None = None) -> str:
    """Bytes to text, surviving a missing or wrong charset (GB2312/GBK read as GB18030)."""
    return decode_html(body, header_charset)[0]


def response_markup(response: TextResponse) -> str:
    """A response's text by decode_html rather than Scrapy's header-first rule, which trusts a wrong header."""
    return decode_page(response.body, (response.headers.get("Content-Type") or b"").decode("latin-1") or None)


def extract_page(markup: str, url: str | None, *, crawled_at: datetime | None = None) -> Article:
    """The Article of one page: yybnet article URLs use the yybnet page object, any other page the generic one."""
    if url and yybnet_ref(url):
        return YybnetArticlePage(url, markup, crawled_at=crawled_at).to_item()
    return extract_generic(markup, url, crawled_at=crawled_at)


def extract_generic(markup: str, url: str | None, *, crawled_at: datetime | None = None) -> Article:
    """The generic extractor's Article, keyed like every other; ValueError for a page with no elements."""
    article = generic.extract(markup, url, now=crawled_at)
    if article.extra.get("empty"):
        raise ValueError("empty page: no HTML elements")
    if url:
        article.canonical_url, article.article_key = canonical_url(url), article_key_for(url)
    article.crawled_at = crawled_at
    return article
