"""The configurable news spider: a site crawled by configuration alone, through the generic extractor."""

from urllib.parse import urlsplit

import pytest

from conftest import run_crawl
from newscrawl.spiders.news import NewsSiteSpider
from test_e2e import LABEL_FIELDS, mismatches, stored

ARTICLE_PATTERN = r"/\d{6}/\d{7,8}\.html$"


def test_a_site_configured_by_arguments_is_crawled_with_the_generic_extractor(mirror, truth, sqlite_url):
    channels = ["weifang/news", "mianyang/news"]
    start_urls = ",".join(f"{mirror.base_url}/{c}/" for c in channels)
    done = run_crawl(mirror.base_url, sqlite_url, "-a", f"start_urls={start_urls}", "-a", f"article_pattern={ARTICLE_PATTERN}", spider="news")
    articles, runs = stored(sqlite_url)
    keys = {a.article_key for a in articles}
    wanted = {k for k in truth if any(k.startswith(c + "/") for c in channels)}
    assert wanted <= keys  # every article of both channels, found by pattern and pagination
    assert mismatches(articles, truth, LABEL_FIELDS) == []  # and read right by the generic extractor
    assert runs[0].spider == "news" and "'yybnet/fallback" not in done.stderr


def test_configuration_is_required():
    with pytest.raises(ValueError, match="start_urls"):
        NewsSiteSpider(article_pattern=ARTICLE_PATTERN)
    spider = NewsSiteSpider(start_urls="https://example.com/local/index.html", article_pattern=ARTICLE_PATTERN)
    assert spider.start_urls == ["https://example.com/local/index.html"]
    assert urlsplit(spider.start_urls[0]).path.rsplit("/", 1)[0] == "/local"
