"""The yybnet spider's callbacks on single responses: what becomes of odd answers."""

from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from newscrawl.items import PageFailure, Removed
from newscrawl.pages.yybnet import YybnetArticlePage
from newscrawl.spiders.yybnet import YybnetSpider

ARTICLE = "http://127.0.0.1:8000/weifang/news/201708/7283011.html"


def spider() -> YybnetSpider:
    crawler = get_crawler(YybnetSpider)
    return crawler._create_spider(channels="weifang/news", base_url="http://127.0.0.1:8000")


def response(url: str, body: bytes = b"<html><body><p>x</p></body></html>", **meta) -> HtmlResponse:
    request = Request(ARTICLE, meta={"article_key": "weifang/news/7283011", **meta})
    return HtmlResponse(url=url, body=body, request=request, encoding="utf-8")


def test_a_revisit_redirected_off_the_article_is_a_removal():
    items = list(spider().parse_article(response("http://127.0.0.1:8000/weifang/news/", revisit=True, redirect_urls=[ARTICLE])))
    assert items == [Removed(url=ARTICLE, article_key="weifang/news/7283011", http_status=200)]


def test_a_first_visit_redirected_off_the_article_is_a_recorded_failure():
    (item,) = spider().parse_article(response("http://127.0.0.1:8000/", redirect_urls=[ARTICLE]))
    assert isinstance(item, PageFailure) and item.article_key == "weifang/news/7283011" and "redirected" in item.reason


def test_an_extractor_crash_costs_one_recorded_page(monkeypatch):
    def crash(self):
        raise IndexError("list index out of range")

    monkeypatch.setattr(YybnetArticlePage, "to_item", crash)
    (item,) = spider().parse_article(response(ARTICLE))
    assert isinstance(item, PageFailure) and item.reason.startswith("IndexError")


def test_a_link_no_url_can_be_made_of_costs_that_link_only():
    body = (
        '<html><body><a href="/weifang/news/201708/7283011.html">一</a><a href="http://[bad">坏</a><a>无</a>'
        '<a href="/weifang/news/201708/7283012.html">二</a><a href="/weifang/news/index_2.html">下一页</a></body></html>'
    ).encode()
    crawl = spider()
    list_page = HtmlResponse(
        url="http://127.0.0.1:8000/weifang/news/", body=body, encoding="utf-8", request=Request("http://127.0.0.1:8000/weifang/news/")
    )
    urls = [request.url for request in crawl.parse_list(list_page, city="weifang", channel="news")]
    assert urls == [
        "http://127.0.0.1:8000/weifang/news/201708/7283011.html", "http://127.0.0.1:8000/weifang/news/201708/7283012.html",
        "http://127.0.0.1:8000/weifang/news/index_2.html",
    ]  # fmt: skip
