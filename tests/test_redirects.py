"""The meta-refresh check that looks at the bytes first follows exactly the refreshes Scrapy's own check follows."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from newscrawl.redirects import LazyMetaRefreshMiddleware, may_refresh

URL = "https://www.yybnet.net/weifang/news/201708/1.html"
REFRESH = '<meta http-equiv="Refresh" content="0; url=/weifang/news/">'


def page(head: str, charset: str, filler: int = 0) -> bytes:
    html = f'<html><head><meta charset="{charset}"><title>{"新闻" * filler}</title>{head}</head><body><p>正文</p></body></html>'
    return html.encode(charset)


CASES = [
    ("no refresh", page("", "utf-8"), None, False),
    ("refresh", page(REFRESH, "utf-8"), None, True),
    ("refresh after 1,600 Chinese characters (4,800 bytes of UTF-8)", page(REFRESH, "utf-8", 800), None, True),
    ("refresh after 2,000 Chinese characters of GBK", page(REFRESH, "gbk", 1000), None, True),
    ("refresh in UTF-16", page(REFRESH, "utf-16"), None, True),
    ("refresh past the first 4,096 characters", page(REFRESH, "utf-8", 2100), None, False),
    ("refresh quoted in a script (Scrapy follows it)", page(f"<script>'{REFRESH}'</script>", "utf-8"), None, True),
]


CASES += [  # the charset named by the Content-Type header alone, no byte-order mark
    (f"refresh in {charset} named by the header alone", REFRESH.encode(charset), f"text/html; charset={charset}", True)
    for charset in ("utf-16le", "utf-32be", "cp037")
]


@pytest.mark.parametrize(("name", "body", "content_type", "redirects"), CASES, ids=[case[0] for case in CASES])
def test_the_lazy_check_follows_what_scrapys_check_follows(name, body, content_type, redirects):
    crawler = get_crawler()
    lazy, scrapys = LazyMetaRefreshMiddleware.from_crawler(crawler), MetaRefreshMiddleware.from_crawler(crawler)
    request = Request(URL)
    headers = {"Content-Type": content_type} if content_type else {}
    ours = lazy.process_response(request, HtmlResponse(URL, body=body, headers=headers))
    theirs = scrapys.process_response(request, HtmlResponse(URL, body=body, headers=headers))
    assert isinstance(ours, Request) == isinstance(theirs, Request) == redirects
    if redirects:
        assert ours.url == theirs.url == "https://www.yybnet.net/weifang/news/"


def test_a_page_without_the_word_is_passed_on_undecoded():
    response = HtmlResponse(URL, body=page("", "utf-8", 100))
    assert not may_refresh(response.body)
    assert LazyMetaRefreshMiddleware.from_crawler(get_crawler()).process_response(Request(URL), response) is response
    assert response._cached_ubody is None  # where Scrapy's TextResponse keeps the decoded body
