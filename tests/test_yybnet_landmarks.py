"""Small rules of the yybnet page object, as tables."""

import pytest

from newscrawl.pages.yybnet import YybnetArticlePage, is_same_headline

URL = "https://www.yybnet.net/weifang/news/201708/7283011.html"


@pytest.mark.parametrize(
    "line, title, same",
    [
        ("潍坊市启动党建引领示范工程", "潍坊市启动党建引领示范工程", True),
        ("潍坊市启动党建引领示范工程全面推进", "潍坊市启动党建引领示范工程", True),  # <title> cut short
        ("潍坊市启动党建引领示范", "潍坊市启动党建引领示范工程", True),  # the page's line cut short
        ("潍坊新闻", "潍坊新闻发布会召开 通报上半年经济运行", False),  # a nav item is not the headline
        ("潍坊", "潍坊", True),
    ],
)
def test_is_same_headline(line, title, same):
    assert is_same_headline(line, title) is same


@pytest.mark.parametrize("prefix", ["", "您现在的位置：", "当前位置: "])
def test_breadcrumb_with_or_without_a_you_are_here_label(prefix):
    markup = f"""<html><head><title>标题一二三四五_潍坊新闻_地方网</title></head><body>
    <div>{prefix}地方网 &gt; 山东 &gt; 潍坊市 &gt; 潍坊新闻 &gt; 正文</div><h1>标题一二三四五</h1>
    <div>来源:潍坊日报 2017-08-13 09:19</div><p>正文第一段，内容充实。</p></body></html>"""
    page = YybnetArticlePage(URL, markup)
    assert page.breadcrumbs() == ["地方网", "山东", "潍坊市", "潍坊新闻"]
    assert page.title() == "标题一二三四五"


@pytest.mark.parametrize(
    "text, furniture",
    [
        ("字体：大 中 小", True),
        ("字号：A+A-", True),
        ("【大 中 小】", True),
        ("字号: A+ A-", True),
        ("【打印】【关闭】", True),
        ("分享到：", True),
        ("(D)④", True),
        ("版权声明：本文为潍坊日报原创", True),
        ("字体设计大赛在潍坊举行，来自全国的设计师参加。", False),
        ("大中小学生参加夏令营。", False),
        ("本报讯(记者刘晓峰)8月12日，记者获悉。", False),
    ],
)
def test_page_furniture(text, furniture):
    from newscrawl.pages.yybnet import is_page_furniture

    assert is_page_furniture(text) is furniture


@pytest.mark.parametrize(
    "text, furniture",
    [("分享到:微信新浪微博QQ空间", True), ("分享至：微博", True), ("分享会在潍坊举行", False), ("分享经验很重要，他说。", False)],
)
def test_share_bars(text, furniture):
    from newscrawl.pages.yybnet import is_page_furniture

    assert is_page_furniture(text) is furniture


def test_fields_taken_from_the_generic_reading_are_recorded():
    from fixture_cases import FIXTURES

    case = FIXTURES / "desktop_unknown_meta_order"
    page = YybnetArticlePage("https://www.yybnet.net/weifang/news/201803/7600123.html", (case / "page.html").read_text(encoding="utf-8"))
    assert {"source", "published_at", "body"} <= set(page.to_item().extra["fallback"])


def test_a_share_bar_under_the_meta_line_does_not_end_the_body():
    markup = """<html><head><title>标题一二三四五_潍坊新闻_地方网</title></head><body><h1>标题一二三四五</h1>
    <div>来源:潍坊日报 2017-08-13 09:19</div><div>分享到:微信新浪微博</div><p>正文第一段，内容充实。</p>
    <div>新闻推荐</div></body></html>"""
    item = YybnetArticlePage(URL, markup).to_item()
    assert item.body == "正文第一段，内容充实。" and "fallback" not in item.extra
