"""Nights that see nothing: a channel whose list pages link no article URL is named, and drift is the verdict."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import MIRROR_ARTICLES, REPO
from newscrawl import db
from newscrawl.mirror.server import MirrorServer
from newscrawl.mirror.site import MirrorSite
from newscrawl.operate import EXIT_DRIFT, EXIT_OK, blind_channels
from newscrawl.spiders.common import ChannelWatch, blind_reason
from newscrawl.yybnet import known_channels

FAST = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0"]
ARTICLE_LINK = re.compile(rb'(href="[^"]*/\d{6}/\d+)\.html(?=["?#])')


class RenamedLinks:
    """The mirror, with the article links of its list pages under another file suffix (the site changed its grammar)."""

    def __init__(self, site: MirrorSite, channels: set[str] | None = None):
        self.site = site
        self.channels = channels  # None: every channel

    def __getattr__(self, name):
        return getattr(self.site, name)

    def respond(self, method, path, headers):
        response = self.site.respond(method, path, headers)
        city_channel = "/".join(path.split("/")[1:3])
        is_list = path.endswith("/") or "/index" in path
        if is_list and response.status == 200 and (self.channels is None or city_channel in self.channels):
            response.body = ARTICLE_LINK.sub(rb"\1.shtml", response.body)
            response.headers = {**response.headers, "Content-Length": str(len(response.body))}
        return response


def crawl(base_url: str, database_url: str, data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    command = [
        sys.executable,
        "-m",
        "newscrawl.cli",
        "crawl",
        "--data-dir",
        str(data_dir),
        "--db",
        database_url,
        "-a",
        f"base_url={base_url}",
        *FAST,
        *args,
    ]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)


def test_a_channel_that_goes_blind_ends_the_night_with_drift_and_says_why(tmp_path, sqlite_url):
    site = MirrorSite(articles=MIRROR_ARTICLES, seed=7)
    with MirrorServer(site) as server:
        first = crawl(server.base_url, sqlite_url, tmp_path, "-a", "cities=weifang")
    assert first.returncode == EXIT_OK, first.stdout + first.stderr

    with MirrorServer(RenamedLinks(site, {"weifang/news"})) as server:
        second = crawl(server.base_url, sqlite_url, tmp_path, "-a", "cities=weifang")
    assert second.returncode == EXIT_DRIFT, second.stdout + second.stderr
    assert "no article links in 1 of" in second.stdout and "weifang/news:" in second.stdout
    assert re.search(r"do not match the URL grammar \(e\.g\. /weifang/news/\d{6}/\d+\.shtml", second.stdout)
    log = max((tmp_path / "logs").glob("crawl-*.log")).read_text(encoding="utf-8")
    assert "channel without article links: weifang/news" in log


def test_a_night_on_which_no_channel_links_any_article_is_drift_even_on_a_new_archive(tmp_path, sqlite_url):
    with MirrorServer(RenamedLinks(MirrorSite(articles=MIRROR_ARTICLES, seed=7))) as server:
        done = crawl(server.base_url, sqlite_url, tmp_path, "-a", "channels=weifang/news,weifang/shouguang")
    assert done.returncode == EXIT_DRIFT, done.stdout + done.stderr
    assert "no article links in 2 of 2 channels" in done.stdout


def test_channel_counts_are_combined_over_workers():
    a, b = ChannelWatch(), ChannelWatch()
    a.list_page("weifang/news", "/weifang/news/")
    a.other_link("weifang/news", "/weifang/news/", "/weifang/news/201708/1.shtml")
    a.other_link("weifang/news", "/weifang/news/", "/weifang/news/index_2.html")  # its own list pages are no example
    b.list_page("weifang/news", "/weifang/news/")
    b.list_page("weifang/gaomi", "/weifang/gaomi/")
    b.article_link("weifang/gaomi", "/weifang/gaomi/")
    rows = [db.CrawlRun(channel_links=a.channels), db.CrawlRun(channel_links=b.channels)]
    blind = blind_channels(rows)
    assert list(blind) == ["weifang/news"]
    assert blind["weifang/news"]["list_pages"] == 2 and blind["weifang/news"]["examples"] == ["/weifang/news/201708/1.shtml"]
    assert blind_reason("weifang/news", blind["weifang/news"]) == (
        "weifang/news: 2 list pages linked no article URL; 1 links under the channel do not match the URL grammar (e.g. /weifang/news/201708/1.shtml)"
    )
    c = ChannelWatch()
    c.list_page("x", "/x/")
    assert blind_reason("x", c.blind()["x"]) == "x: 1 list page linked no article URL"


def test_a_normal_night_names_only_the_channels_that_have_no_articles(tmp_path, sqlite_url, mirror, mirror_site):
    done = crawl(mirror.base_url, sqlite_url, tmp_path, "-a", "cities=weifang")
    assert done.returncode == EXIT_OK, done.stdout + done.stderr  # empty channels that never had articles are no drift
    log = max((tmp_path / "logs").glob("crawl-*.log")).read_text(encoding="utf-8")
    named = set(re.findall(r"channel without article links: (\S+):", log))
    empty = {f"weifang/{channel}" for city, channel in known_channels(["weifang"]) if not mirror_site.channel_articles(city, channel)}
    assert named == empty
