import pytest

from newscrawl.urls import article_key_for, canonical_url
from newscrawl.yybnet import channel_name, known_channels, parse_article_url, parse_channel_list

CANONICAL = "https://www.yybnet.net/weifang/news/201708/7283011.html"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.yybnet.net/weifang/news/201708/7283011.html",
        "http://www.yybnet.net/weifang/news/201708/7283011.html",
        "https://yybnet.net/weifang/news/201708/7283011.html",
        "http://m.yybnet.net/weifang/news/201708/7283011.html",
        "https://m.yybnet.net/weifang/news/201708/7283011.html?from=timeline&isappinstalled=0",
        "https://www.yybnet.net/weifang/news/201708/7283011.html#comments",
        "http://127.0.0.1:8000/weifang/news/201708/7283011.html",
        "http://localhost:8000/weifang/news/201708/7283011.html?from=index",
    ],
)
def test_one_article_whatever_host_scheme_query_or_fragment(url):
    assert article_key_for(url) == "weifang/news/7283011"
    assert canonical_url(url) == CANONICAL


@pytest.mark.parametrize(
    "url, key",
    [
        ("https://www.example.com/a/b.html?id=3&spm=1.2#top", "example.com/a/b.html?id=3"),
        ("http://m.example.com/a/b.html", "example.com/a/b.html"),
        ("https://news.example.com/x", "news.example.com/x"),
    ],
)
def test_other_sites_keep_path_and_meaningful_query(url, key):
    assert article_key_for(url) == key


@pytest.mark.parametrize(
    "url",
    [
        "https://www.yybnet.net/weifang/news/",
        "https://www.yybnet.net/weifang/news/201708/",
        "https://www.yybnet.net/weifang/news/201708/123.html",  # ids have 7-8 digits
        "https://www.yybnet.net/weifang/news/2017/7283011.html",
    ],
)
def test_non_article_urls(url):
    assert parse_article_url(url) is None


def test_channel_names_follow_the_site_including_old_slugs():
    assert channel_name("weifang", "news") == "潍坊新闻"
    assert channel_name("weifang", "shouguang") == "寿光新闻"
    assert channel_name("mianyang", "anxian") == "安州新闻"
    assert channel_name("xianyang", "binxian") == "彬州新闻"
    assert channel_name("nowhere", "news") is None


def test_channel_arguments():
    assert parse_channel_list("weifang/news, weifang/shouguang") == [("weifang", "news"), ("weifang", "shouguang")]
    assert ("weifang", "changle") in known_channels(["weifang"])
    assert all(city == "weifang" for city, _ in known_channels(["weifang"]))
    with pytest.raises(ValueError, match="city/channel"):
        parse_channel_list("weifang")
    with pytest.raises(ValueError, match="unknown city"):
        known_channels(["atlantis"])


def test_the_yybnet_grammar_on_another_site_is_that_site_s_url():
    url = "https://news.other.cn/local/city/201708/7283011.html"
    assert article_key_for(url) == "news.other.cn/local/city/201708/7283011.html"
    assert canonical_url(url) == url
    assert article_key_for("http://127.0.0.1:8000/weifang/news/201708/7283011.html") == "weifang/news/7283011"  # the mirror
