"""The mirror's later days (new, edited and removed articles, conditional requests) and its injected faults."""

from __future__ import annotations

import http.client
import json
import re
import time
import urllib.request
import urllib.robotparser
from datetime import datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from html import escape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from protego import Protego
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import run_crawl
from newscrawl import db
from newscrawl.mirror.content import BEIJING
from newscrawl.mirror.faults import Faults, parse_faults
from newscrawl.mirror.server import MirrorServer, run_mirror
from newscrawl.mirror.site import MIRROR_EPOCH, MirrorSite, list_page_url
from newscrawl.yybnet import known_channels, parse_article_url

BASE = "http://127.0.0.1:8000"
HOST = {"Host": "127.0.0.1:8000"}
SPEC = "5xx=0.1,slow=0.05,truncate=0.05,charset=0.1,redirect=0.05,loop=0.02,huge=0.02,malformed=0.1,robots=/weifang/qingzhou/"


@pytest.fixture(scope="module")
def day1() -> MirrorSite:
    return MirrorSite(articles=60, seed=0, day=1)


@pytest.fixture(scope="module")
def day2() -> MirrorSite:
    return MirrorSite(articles=60, seed=0, day=2)


def rows_by_key(site: MirrorSite) -> dict[str, dict]:
    return {row["article_key"]: row for row in site.truth_rows(BASE)}


def fetch(server: MirrorServer, path: str, method: str = "GET", **headers: str) -> tuple[int, dict[str, str], bytes]:
    """One raw request over a socket, no redirects followed: (status, headers, body)."""
    parts = urlsplit(server.base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request(method, path, headers={k.replace("_", "-"): v for k, v in headers.items()})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


class _Text(HTMLParser):
    """Every text run of a page, whatever its markup: a tag-soup view that loses nothing after stray end tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def listed_paths(site: MirrorSite, city: str, channel: str) -> list[str]:
    """Article paths of a channel in list order, read from its list pages' markup."""
    paths: list[str] = []
    for page in range(1, site.page_count(city, channel) + 1):
        url = list_page_url(city, channel, page)
        response = site.respond("GET", url, HOST)
        assert response.status == 200
        text = response.body.decode("utf-8" if b'charset="utf-8"' in response.body[:300] else "gbk")
        for href in re.findall(r'href="([^"]+)"', text):
            ref = parse_article_url(urljoin(BASE + url, href))
            if ref and (ref.city, ref.channel) == (city, channel) and ref.path not in paths:
                paths.append(ref.path)
    return paths


# ---- days


def test_day_zero_is_the_default_site() -> None:
    default, explicit = MirrorSite(articles=60, seed=0), MirrorSite(articles=60, seed=0, day=0, faults=None)
    assert explicit.truth_rows(BASE) == default.truth_rows(BASE)
    assert explicit.today == MIRROR_EPOCH and MIRROR_EPOCH.utcoffset() == timedelta(hours=8)
    assert all(a.published < MIRROR_EPOCH for a in MirrorSite(articles=500, seed=1).articles)
    for article in default.articles[:10]:
        assert explicit.respond("GET", article.path, HOST).body == default.respond("GET", article.path, HOST).body
    assert explicit.removed_keys(BASE) == [] and explicit.fault_for(default.articles[0].path) is None


def test_each_day_publishes_new_articles_listed_first(day2: MirrorSite) -> None:
    base = MirrorSite(articles=60, seed=0)
    rows = day2.truth_rows(BASE)
    assert day2.new_per_day == 6 and day2.today == MIRROR_EPOCH + timedelta(days=2)
    assert len(rows) + len(day2.removed_keys(BASE)) == 60 + 2 * day2.new_per_day
    base_keys = {r["article_key"] for r in base.truth_rows(BASE)}
    new = [r for r in rows if r["article_key"] not in base_keys]
    assert {r["first_published_day"] for r in new} == {1, 2}
    assert all(r["first_published_day"] == 0 for r in rows if r["article_key"] in base_keys)
    for row in new:
        published = datetime.fromisoformat(row["published_at"])
        day = row["first_published_day"]
        assert MIRROR_EPOCH + timedelta(days=day - 1) < published < MIRROR_EPOCH + timedelta(days=day)
        assert row["channel"].endswith("新闻") and row["body"]
    assert len({r["article_key"] for r in rows}) == len(rows)
    assert len({r["title"] for r in rows}) == len({r["story"] for r in rows})
    new_paths = {parse_article_url(r["url"]).path for r in new}
    for city, channel in known_channels():
        listed = listed_paths(day2, city, channel)
        assert listed == [a.path for a in day2.channel_articles(city, channel)]
        fresh = [p for p in listed if p in new_paths]
        assert listed[: len(fresh)] == fresh  # newest first: the new articles head the list
        assert listed[len(fresh) :] == [a.path for a in base.channel_articles(city, channel)]
    for row in new:
        assert day2.respond("GET", urlsplit(row["url"]).path, HOST).status == 200


def test_days_are_deterministic_and_agree_with_each_other(day1: MirrorSite, day2: MirrorSite) -> None:
    assert MirrorSite(articles=60, seed=0, day=2).truth_rows(BASE) == day2.truth_rows(BASE)
    assert MirrorSite(articles=60, seed=1, day=2).truth_rows(BASE) != day2.truth_rows(BASE)
    before, after = rows_by_key(day1), rows_by_key(day2)
    for key, row in before.items():
        if key in after and 2 not in after[key]["edited_on_days"]:
            assert after[key] == row  # nothing changed that was not edited
    assert set(before) - set(after) == set(day2.removed_keys()) - set(day1.removed_keys())


def test_edits_change_young_and_old_articles(day1: MirrorSite, day2: MirrorSite) -> None:
    before, after = rows_by_key(day1), rows_by_key(day2)
    edited = [r for r in after.values() if 2 in r["edited_on_days"]]
    young = [r for r in edited if r["first_published_day"] == 1]
    old = [r for r in edited if r["first_published_day"] == 0]
    assert 1 <= len(young) <= 2 and len(old) == 1
    for row in young + old:
        earlier = before[row["article_key"]]
        assert row["body"] != earlier["body"] and row["title"] == earlier["title"]
        assert row["body"].split("\n")[0] == earlier["body"].split("\n")[0]  # the byline lead is kept
        path = urlsplit(row["url"]).path
        old_page, new_page = day1.respond("GET", path, HOST), day2.respond("GET", path, HOST)
        assert old_page.body != new_page.body
        old_time = parsedate_to_datetime(old_page.headers["Last-Modified"])
        new_time = parsedate_to_datetime(new_page.headers["Last-Modified"])
        assert old_time < new_time <= day2.today
        assert new_page.headers["ETag"] != old_page.headers["ETag"]
        assert all(p in new_page.body.decode(row["encoding"]) for p in row["body"].split("\n"))


def test_conditional_requests_over_http(day1: MirrorSite, day2: MirrorSite) -> None:
    after = rows_by_key(day2)
    unchanged = next(r for r in day1.truth_rows(BASE) if r["article_key"] in after and not after[r["article_key"]]["edited_on_days"])
    edited = next(r for r in after.values() if 2 in r["edited_on_days"] and r["first_published_day"] == 1)
    with MirrorServer(day1) as old, MirrorServer(day2) as new:
        validators = {}
        for row in (unchanged, edited):
            status, headers, _ = fetch(old, urlsplit(row["url"]).path)
            assert status == 200 and headers["ETag"].startswith('"') and headers["ETag"].endswith('"')
            validators[row["article_key"]] = headers
        path = urlsplit(unchanged["url"]).path
        first = validators[unchanged["article_key"]]
        etag, modified = first["ETag"], first["Last-Modified"]
        status, headers, body = fetch(new, path, If_None_Match=etag)
        assert (status, body) == (304, b"") and headers["ETag"] == etag and "Content-Length" not in headers
        assert fetch(new, path, If_None_Match=f'"other", W/{etag}')[0] == 304
        assert fetch(new, path, If_Modified_Since=modified)[0] == 304
        assert fetch(new, path, If_None_Match='"other"', If_Modified_Since=modified)[0] == 200  # the ETag decides
        earlier = format_datetime(parsedate_to_datetime(modified) - timedelta(seconds=1), usegmt=True)
        assert fetch(new, path, If_Modified_Since=earlier)[0] == 200
        assert fetch(new, path, If_Modified_Since="not a date")[0] == 200
        path = urlsplit(edited["url"]).path
        old_headers = validators[edited["article_key"]]
        status, headers, body = fetch(new, path, If_None_Match=old_headers["ETag"])
        assert status == 200 and headers["ETag"] != old_headers["ETag"]
        assert edited["body"].split("\n")[-1] in body.decode(edited["encoding"])
        assert fetch(new, path, If_Modified_Since=old_headers["Last-Modified"])[0] == 200


def test_removed_articles_404_and_leave_the_lists(day1: MirrorSite, day2: MirrorSite) -> None:
    gone = day2.removed_keys(BASE)
    assert len(gone) == 1 and day1.removed_keys(BASE) == []
    row = rows_by_key(day1)[gone[0]]
    assert row["first_published_day"] == 1 and gone[0] not in rows_by_key(day2)
    path = urlsplit(row["url"]).path
    assert day1.respond("GET", path, HOST).status == 200 and day2.respond("GET", path, HOST).status == 404
    ref = parse_article_url(row["url"])
    assert path in listed_paths(day1, ref.city, ref.channel) and path not in listed_paths(day2, ref.city, ref.channel)
    later = MirrorSite(articles=60, seed=0, day=6)
    assert later.removed_keys()[: len(gone)] == gone and len(later.removed_keys()) == 5  # one a day from day 2
    assert later.respond("GET", path, HOST).status == 404 and not set(later.removed_keys()) & set(rows_by_key(later))


def test_a_small_site_still_plays_its_days() -> None:
    site = MirrorSite(articles=0, seed=4, day=3, new_per_day=1)
    rows = site.truth_rows(BASE)
    assert len(rows) + len(site.removed_keys()) == 3
    for row in rows:
        assert site.respond("GET", urlsplit(row["url"]).path, HOST).status == 200


def test_removed_articles_come_back_on_later_days() -> None:
    """Some removed articles are put back: live at their URL with the text they had, listed again, not removed."""
    site = MirrorSite(articles=60, seed=0, day=20)
    rows = rows_by_key(site)
    back = {key: row for key, row in rows.items() if row["restored_on_days"]}
    assert back, "20 days put no removed article back"
    assert site.removed_keys()  # some, not all
    assert all(row["restored_on_days"] == [] for key, row in rows.items() if key not in back)
    removals = [day for key in rows.keys() | set(site.removed_keys()) for day in site.history[key].removed]
    assert sorted(removals) == list(range(2, 21))  # still one removal a day from day 2: restorations draw apart
    for key, row in back.items():
        [removed], [restored] = site.history[key].removed, row["restored_on_days"]
        assert removed < restored and key not in site.removed_keys()
        assert all(day < removed for day in row["edited_on_days"])  # not edited (nor removed) again once back
        before, gone, after = (MirrorSite(articles=60, seed=0, day=day) for day in (removed - 1, restored - 1, restored))
        assert key in gone.removed_keys() and key not in rows_by_key(gone) and key not in after.removed_keys()
        assert rows_by_key(after)[key] == row and rows_by_key(before)[key] == {**row, "restored_on_days": []}  # the same text
        path = urlsplit(row["url"]).path
        first, missing, again = (s.respond("GET", path, HOST) for s in (before, gone, site))
        assert missing.status == 404 and again.status == 200 and again.body == first.body
        assert again.headers["ETag"] == first.headers["ETag"] and again.headers["Last-Modified"] == first.headers["Last-Modified"]
        assert site.respond("GET", path, {**HOST, "If-None-Match": first.headers["ETag"]}).status == 304
        ref = parse_article_url(row["url"])
        listed = listed_paths(site, ref.city, ref.channel)
        assert path in listed and path not in listed_paths(gone, ref.city, ref.channel)
        assert listed == [a.path for a in site.channel_articles(ref.city, ref.channel)]
        times = [a.published for a in site.channel_articles(ref.city, ref.channel)]
        assert times == sorted(times, reverse=True)  # back where its publication time puts it
    soft = MirrorSite(articles=60, seed=0, day=20, faults=parse_faults("soft404_removed=1"))
    for row in back.values():
        page = soft.respond("GET", urlsplit(row["url"]).path, HOST)
        assert page.status == 200 and "ETag" in page.headers and row["title"] in page.body.decode(row["encoding"])


def test_a_restored_article_is_no_longer_removed_in_the_archive(sqlite_url) -> None:
    """Nightly crawls: an article removed on day 2 is marked removed, and once back on day 3 its revisit clears that."""
    sites = [MirrorSite(articles=30, seed=11, day=day) for day in range(4)]
    [key] = sites[2].removed_keys()
    assert sites[3].history[key].restored == [3] and key not in sites[3].removed_keys()  # the seed's days, as this test needs
    archived = []
    for site in sites:
        with MirrorServer(site) as server:
            run_crawl(server.base_url, sqlite_url, "-s", f"NEWSCRAWL_NOW={site.today.isoformat()}")
        engine = db.make_engine(sqlite_url)
        try:
            with Session(engine, expire_on_commit=False) as session:
                archived.append(session.scalars(select(db.Article).where(db.Article.article_key == key)).one_or_none())
        finally:
            engine.dispose()
    assert archived[0] is None and [row.removed_at is None for row in archived[1:]] == [True, False, True]  # published on day 1
    assert archived[3].version == 1 and archived[3].body == rows_by_key(sites[3])[key]["body"]
    assert archived[3].last_seen_at > archived[2].last_seen_at  # revisited on night 3


# ---- faults


def test_parse_faults() -> None:
    faults = parse_faults(SPEC + ",robots=/jinan/,slow_seconds=0.5,huge_bytes=1000")
    assert faults.server_error == 0.1 and faults.malformed == 0.1 and faults.loop == 0.02
    assert faults.robots == ("/weifang/qingzhou/", "/jinan/")
    assert faults.slow_seconds == 0.5 and faults.huge_bytes == 1000
    assert parse_faults(faults.spec()) == faults and parse_faults("") == Faults()
    with pytest.raises(ValueError, match=r"valid keys: 5xx, slow, truncate.*robots"):
        parse_faults("5xx=0.1,teapot=0.2")
    for bad in ("slow=2", "5xx=-0.1", "huge=lots", "truncate", "robots=weifang"):
        with pytest.raises(ValueError):
            parse_faults(bad)


def test_faults_are_stable_per_path_and_gone_without_faults() -> None:
    site = MirrorSite(articles=200, seed=0, faults=parse_faults(SPEC))
    again = MirrorSite(articles=200, seed=0, faults=parse_faults(SPEC))
    faults = site.fault_map()
    assert faults == again.fault_map() and {"5xx", "charset", "malformed", "robots", "loop"} <= set(faults.values())
    assert faults != MirrorSite(articles=200, seed=1, faults=parse_faults(SPEC)).fault_map()
    rows = site.truth_rows(BASE)
    share = sum(1 for r in rows if site.fault_for(urlsplit(r["url"]).path) not in (None, "robots")) / len(rows)
    assert 0.2 < share < 0.6
    for row in rows:
        path = urlsplit(row["url"]).path
        kind = site.fault_for(path)
        assert kind == site.fault_for(path + "?from=index") and kind == faults.get(path)
        first, second = (site.respond("GET", path, HOST) for _ in range(2))
        assert (first.status, first.body, first.headers) == (second.status, second.body, second.headers)
        assert (first.status >= 500) == (kind == "5xx")
        assert (first.status in (301, 302)) == (kind in ("redirect", "loop"))
        if kind == "5xx":
            assert first.status in (500, 502, 503)
    assert {site.respond("GET", p, HOST).status for p, k in faults.items() if k == "5xx"} <= {500, 502, 503}
    clean = MirrorSite(articles=200, seed=0)
    assert all(clean.respond("GET", urlsplit(r["url"]).path, HOST).status == 200 for r in rows)
    assert clean.truth_rows(BASE) == rows  # faults never change the truth


def test_list_faults_spare_first_pages() -> None:
    site = MirrorSite(articles=300, seed=2, faults=Faults(server_error=0.3, slow=0.3, slow_seconds=0.01))
    hit = {"5xx": 0, "slow": 0}
    for city, channel in known_channels():
        assert site.respond("GET", list_page_url(city, channel, 1), HOST).status == 200
        for page in range(2, site.page_count(city, channel) + 1):
            url = list_page_url(city, channel, page)
            kind, response = site.fault_for(url), site.respond("GET", url, HOST)
            assert kind in (None, "5xx", "slow") and (response.status >= 500) == (kind == "5xx")
            assert response.delay == (0.01 if kind == "slow" else 0)
            hit[kind] = hit.get(kind, 0) + 1
    assert hit["5xx"] and hit["slow"]
    hidden = [a for a in site.articles if site.fault_for(site.list_page_for(a.path)) == "5xx"]
    assert hidden and site.list_page_for("/weifang/news/201701/1234567.html") is None
    for article in site.articles[:40] + hidden:
        listing = site.list_page_for(article.path)
        assert listing.startswith(f"/{article.city}/{article.channel}/")
        if site.fault_for(listing) != "5xx":
            assert article.path.encode() in site.respond("GET", listing, HOST).body


def test_truncate_sends_less_than_content_length() -> None:
    site = MirrorSite(articles=8, seed=1, faults=Faults(truncate=1.0))
    path = site.articles[0].path
    with MirrorServer(site) as server:
        parts = urlsplit(server.base_url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            declared = int(response.getheader("Content-Length"))
            with pytest.raises(http.client.IncompleteRead) as error:
                response.read()
            assert 0 < len(error.value.partial) < declared
            assert declared == len(MirrorSite(articles=8, seed=1).respond("GET", path, HOST).body)
        finally:
            connection.close()
        status, headers, body = fetch(server, path, method="HEAD")
        assert status == 200 and body == b"" and int(headers["Content-Length"]) == declared


def test_slow_pages_really_wait() -> None:
    site = MirrorSite(articles=8, seed=1, faults=Faults(slow=1.0, slow_seconds=0.4))
    with MirrorServer(site) as server:
        start = time.monotonic()
        status, _, body = fetch(server, site.articles[0].path)
        assert status == 200 and body and time.monotonic() - start >= 0.4
        start = time.monotonic()
        assert fetch(server, "/robots.txt")[0] == 200 and time.monotonic() - start < 0.4


def test_redirect_chains_end_at_the_article_and_loops_loop() -> None:
    site = MirrorSite(articles=40, seed=5, faults=Faults(redirect=0.5, loop=0.5))
    rows = {urlsplit(r["url"]).path: r for r in site.truth_rows(BASE)}
    chains = [p for p in rows if site.fault_for(p) == "redirect"]
    loops = [p for p in rows if site.fault_for(p) == "loop"]
    assert chains and loops
    with MirrorServer(site) as server:
        hop_counts = set()
        for path in chains:
            url, hops = path, []
            while True:
                status, headers, body = fetch(server, url)
                if status not in (301, 302):
                    break
                hops.append(status)
                url = urljoin(url, headers["Location"])
                assert url.startswith("/r/") or urlsplit(url).path == path
                assert site.fault_for(url) == "redirect"
                assert len(hops) < 10
            assert status == 200 and urlsplit(url).path == path
            assert rows[path]["title"] in body.decode(rows[path]["encoding"])
            hop_counts.add(len(hops))
        assert hop_counts <= {3, 4} and {301, 302} >= set(hops)
        with urllib.request.urlopen(server.base_url + chains[0], timeout=10) as response:  # a client that follows
            assert urlsplit(response.url).path == chains[0] and response.status == 200
        for path in loops:
            status, headers, _ = fetch(server, path)
            middle = headers["Location"]
            assert status in (301, 302) and middle.startswith("/r/")
            status, headers, _ = fetch(server, middle)
            assert status in (301, 302) and headers["Location"] == path
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(server.base_url + loops[0], timeout=10)
        assert "redirect" in str(error.value).lower()
        error.value.close()
        assert fetch(server, "/r/0123456789abcdef")[0] == 404


def test_huge_pages_are_padded_after_the_article() -> None:
    site = MirrorSite(articles=8, seed=1, faults=Faults(huge=1.0, huge_bytes=300_000))
    clean = MirrorSite(articles=8, seed=1)
    with MirrorServer(site) as server:
        for row in site.truth_rows(BASE)[:4]:
            path = urlsplit(row["url"]).path
            status, headers, body = fetch(server, path)
            assert status == 200 and len(body) >= 300_000 and int(headers["Content-Length"]) == len(body)
            normal = clean.respond("GET", path, HOST).body
            end = normal.rfind(b"</body>")
            assert body.startswith(normal[:end]) and body.endswith(normal[end:])  # padding sits before </body> only
            text = visible_text(body.decode(row["encoding"]))
            assert all(p in text for p in row["body"].split("\n")) and row["title"] in text


def test_malformed_pages_keep_every_paragraph() -> None:
    site = MirrorSite(articles=24, seed=3, faults=Faults(malformed=1.0))
    plain = MirrorSite(articles=24, seed=3)
    rows = site.truth_rows(BASE)
    assert {r["template"] for r in rows} == {"desktop-a", "desktop-b", "mobile-old", "mobile-new"}
    for row in rows:
        response = site.respond("GET", urlsplit(row["url"]).path, HOST)
        html = response.body.decode(row["encoding"])
        assert response.status == 200 and "</html></body>" in html
        assert html.index("</html></body>") < html.index(escape(row["title"]), html.index("<body"))
        text = visible_text(html)
        positions = [text.index(p) for p in row["body"].split("\n")]
        assert positions == sorted(positions) and row["title"] in text
        clean = plain.respond("GET", urlsplit(row["url"]).path, HOST).body.decode(row["encoding"])
        assert "".join(text.split()) == "".join(visible_text(clean).split())  # tags moved, not text


def test_charset_fault_lies_in_the_header_only() -> None:
    site = MirrorSite(articles=16, seed=2, faults=Faults(charset=1.0))
    clean = MirrorSite(articles=16, seed=2)
    for row in site.truth_rows(BASE):
        path = urlsplit(row["url"]).path
        wrong, right = site.respond("GET", path, HOST), clean.respond("GET", path, HOST)
        assert wrong.body == right.body
        expected = "text/html; charset=utf-8" if row["encoding"] == "gbk" else "text/html; charset=gb2312"
        assert wrong.headers["Content-Type"] == expected


def test_robots_txt_disallows_the_prefix() -> None:
    site = MirrorSite(articles=60, seed=0, faults=parse_faults("robots=/weifang/qingzhou/"))
    robots = site.respond("GET", "/robots.txt", HOST)
    assert robots.status == 200 and b"Disallow: /weifang/qingzhou/" in robots.body
    inside = next(a.path for a in site.articles if a.path.startswith("/weifang/qingzhou/"))
    outside = next(a.path for a in site.articles if not a.path.startswith("/weifang/qingzhou/"))
    assert site.fault_for(inside) == "robots" and site.fault_for("/weifang/qingzhou/") == "robots"
    assert site.fault_for(outside) is None and site.respond("GET", inside, HOST).status == 200  # advice, not a wall
    text = robots.body.decode()
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(text.splitlines())
    protego = Protego.parse(text)
    for path, allowed in ((inside, False), ("/weifang/qingzhou/", False), (outside, True), ("/weifang/news/", True)):
        assert parser.can_fetch("newscrawl", BASE + path) == allowed
        assert protego.can_fetch(BASE + path, "newscrawl") == allowed
    assert b"Disallow" not in MirrorSite().respond("GET", "/robots.txt", HOST).body


def test_faults_over_http_with_a_later_day() -> None:
    site = MirrorSite(articles=60, seed=9, day=2, faults=parse_faults(SPEC + ",slow_seconds=0.05,huge_bytes=100000"))
    with MirrorServer(site) as server:
        for row in site.truth_rows(server.base_url):
            path = urlsplit(row["url"]).path
            kind = site.fault_for(path)
            if kind in ("truncate", "loop", "redirect"):
                continue
            status, _, body = fetch(server, path)
            if kind == "5xx":
                assert status in (500, 502, 503)
            else:
                assert status == 200 and row["title"] in visible_text(body.decode(row["encoding"]))


def test_run_mirror_passes_day_and_faults(tmp_path, monkeypatch, capsys) -> None:
    def interrupt(seconds: float) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("newscrawl.mirror.server.time.sleep", interrupt)
    truth = tmp_path / "truth.jsonl"
    run_mirror(port=0, articles=20, seed=2, truth=str(truth), day=3, faults="5xx=0.2,robots=/jinan/")
    base_url, summary = capsys.readouterr().out.splitlines()
    assert "day 3" in summary and "faults 5xx=0.2,robots=/jinan/" in summary
    rows = [json.loads(line) for line in truth.read_text(encoding="utf-8").splitlines()]
    assert rows == MirrorSite(articles=20, seed=2, day=3).truth_rows(base_url)
    with pytest.raises(ValueError):
        run_mirror(port=0, faults="nope=1")
    assert datetime.fromisoformat(rows[-1]["published_at"]) > MIRROR_EPOCH.astimezone(BEIJING)
