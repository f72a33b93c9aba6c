"""The local yybnet mirror: deterministic content, pages that show their truth, lists that reach every article."""

from __future__ import annotations

import json
import re
import urllib.request
from collections import defaultdict
from datetime import datetime
from urllib.error import HTTPError
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from w3lib.encoding import html_to_unicode

from newscrawl.mirror.content import TEMPLATES
from newscrawl.mirror.server import MirrorServer, run_mirror
from newscrawl.mirror.site import MirrorSite, list_page_url
from newscrawl.yybnet import CHANNELS, known_channels, parse_article_url

BASE = "http://127.0.0.1:8000"
HOST = {"Host": "127.0.0.1:8000"}
TRUTH_KEYS = {
    "article_key",
    "url",
    "city",
    "channel",
    "story",
    "template",
    "encoding",
    "title",
    "subtitle",
    "source",
    "published_at",
    "authors",
    "editors",
    "body",
    "images",
}


@pytest.fixture(scope="module")
def site() -> MirrorSite:
    return MirrorSite(articles=60, seed=0)


@pytest.fixture(scope="module")
def rows(site: MirrorSite) -> list[dict]:
    return site.truth_rows(BASE)


def get(site: MirrorSite, url: str) -> tuple[str, lxml.html.HtmlElement, dict[str, str]]:
    """Fetch a path or URL from the site; (decoded html, parsed tree, headers)."""
    parts = urlsplit(url)
    response = site.respond("GET", parts.path + (f"?{parts.query}" if parts.query else ""), HOST)
    assert response.status == 200, url
    _, text = html_to_unicode(response.headers["Content-Type"], response.body)
    return text, lxml.html.fromstring(text), response.headers


def page_text(tree: lxml.html.HtmlElement) -> str:
    """The text the page shows: the <body>, without <title>."""
    return tree.body.text_content()


def test_same_seed_same_site_other_seed_other_site(rows: list[dict]) -> None:
    again = MirrorSite(articles=60, seed=0)
    assert again.truth_rows(BASE) == rows
    path = again.articles[0].path
    assert again.respond("GET", path, HOST).body == MirrorSite(seed=0).respond("GET", path, HOST).body
    assert MirrorSite(articles=60, seed=1).truth_rows(BASE) != rows


def test_truth_rows_are_well_formed(site: MirrorSite, rows: list[dict]) -> None:
    assert len(rows) == 60
    assert len({r["article_key"] for r in rows}) == 60
    ids = [r["article_key"].rsplit("/", 1)[1] for r in rows]
    assert all(re.fullmatch(r"\d{7,8}", i) for i in ids)
    assert ids != sorted(ids, key=int)  # ids are not in date order
    for row in rows:
        assert set(row) == TRUTH_KEYS
        ref = parse_article_url(row["url"])
        assert ref is not None and ref.key == row["article_key"] and row["url"].startswith(BASE)
        published = datetime.fromisoformat(row["published_at"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00\+08:00", row["published_at"])
        assert ref.month == published.strftime("%Y%m") and 2011 <= published.year <= 2021
        assert row["subtitle"] is None or not row["subtitle"].startswith("—")
        assert row["channel"].endswith("新闻") and row["body"]
    assert len({r["city"] for r in rows}) >= 4 and len({r["channel"] for r in rows}) >= 6
    assert any(r["authors"] for r in rows) and any(r["editors"] for r in rows) and any(r["subtitle"] for r in rows)


def test_every_truth_page_shows_its_fields(site: MirrorSite, rows: list[dict]) -> None:
    for row in rows:
        html, tree, _ = get(site, row["url"])
        text = page_text(tree)
        assert tree.findtext(".//title") == f"{row['title']}_{row['channel']}_地方网"
        assert row["title"] in text and row["source"] in text
        published = datetime.fromisoformat(row["published_at"]).strftime("%Y-%m-%d %H:%M")
        assert published in text
        for paragraph in row["body"].split("\n"):
            assert paragraph in text, (row["article_key"], paragraph)
        for name in row["authors"] + row["editors"]:
            assert name in text
        if row["subtitle"]:
            assert "——" + row["subtitle"] in text
        for image in row["images"]:
            assert urlsplit(image["url"]).path in html and image["caption"] in row["body"]


def test_desktop_pages_keep_the_landmark_order(site: MirrorSite, rows: list[dict]) -> None:
    for row in rows:
        if not row["template"].startswith("desktop"):
            continue
        text = re.sub(r"\s+", " ", page_text(get(site, row["url"])[1]))
        crumb = re.search(r"地方网 > \S+ > \S+市 > (\S+) > 正文", text)
        assert crumb and crumb[1] == row["channel"]
        assert text.index(row["channel"]) < crumb.start()  # the city nav comes first
        meta = re.search(r"来源[:：](\S+) (\d{4}-\d\d-\d\d \d\d:\d\d) +https://www\.yybnet\.net/", text)
        assert meta and meta[1] == row["source"]
        first_line = row["body"].split("\n")[0]
        landmarks = [crumb.start(), text.index(row["title"]), meta.start(), text.index(first_line)]
        for mark in ("新闻推荐", "新闻,", "相关新闻:", "猜你喜欢:", "评论:(", "频道推荐", "热点阅读", "图文看点", "乡里乡亲", "热点排行"):
            landmarks.append(text.index(mark, landmarks[-1]))
        assert landmarks == sorted(landmarks)
        trailing = text[text.index("新闻推荐", landmarks[3]) :]
        assert re.search(r"讯\((记者|通讯员)|□记者", trailing) and re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", trailing)


def test_mobile_pages_have_no_label_and_no_address(site: MirrorSite, rows: list[dict]) -> None:
    for row in rows:
        if not row["template"].startswith("mobile"):
            continue
        text = re.sub(r"\s+", " ", page_text(get(site, row["url"])[1])).strip()
        when = datetime.fromisoformat(row["published_at"]).strftime("%Y-%m-%d %H:%M")
        assert f"{row['source']} {when} 大字" in text and "来源" not in text and "yybnet.net" not in text
        old = row["template"] == "mobile-old"
        assert text.startswith("看家乡事,品故乡情") == old
        assert ("相关新闻" in text) == old and ("相关推荐" in text) != old and "新闻推荐" in text


def test_templates_and_encodings_all_appear_with_different_markup(site: MirrorSite, rows: list[dict]) -> None:
    assert {r["template"] for r in rows} == set(TEMPLATES)
    assert {r["encoding"] for r in rows} == {"utf-8", "gbk"}
    markup = {r["template"]: get(site, r["url"])[0] for r in rows}
    assert "<table" in markup["desktop-b"] and "<font" in markup["desktop-b"] and "<br><br>" in markup["desktop-b"]
    assert "<table" not in markup["desktop-a"] and "<h1" in markup["desktop-a"]
    assert "<article" in markup["mobile-new"] and "<article" not in markup["mobile-old"]
    classes = {t: set(re.findall(r'class="([^"]+)"', html)) for t, html in markup.items()}
    assert all(classes[a] != classes[b] for a in TEMPLATES for b in TEMPLATES if a < b)


def test_gbk_pages_declare_their_charset_only_in_meta(site: MirrorSite, rows: list[dict]) -> None:
    for row in rows:
        response = site.respond("GET", urlsplit(row["url"]).path, HOST)
        content_type = response.headers["Content-Type"]
        if row["encoding"] == "gbk":
            assert content_type == "text/html" and b'charset=gb2312">' in response.body[:1024]
            with pytest.raises(UnicodeDecodeError):
                response.body.decode("utf-8")
        else:
            assert content_type == "text/html; charset=utf-8"
        encoding, text = html_to_unicode(content_type, response.body)
        assert encoding in ({"gb18030"} if row["encoding"] == "gbk" else {"utf-8"})
        assert row["title"] in text


def walk_channel(site: MirrorSite, city: str, channel: str) -> tuple[list[str], set[str], list[str]]:
    """Follow 下一页 from a channel's first list page: (list page URLs, article keys of the channel, all links)."""
    url = f"{BASE}/{city}/{channel}/"
    pages, keys, links = [], set(), []
    while url:
        assert url not in pages
        pages.append(url)
        _, tree, _ = get(site, url)
        hrefs = [urljoin(url, a.get("href")) for a in tree.iter("a")]
        links += hrefs
        keys |= {ref.key for h in hrefs if (ref := parse_article_url(h)) and (ref.city, ref.channel) == (city, channel)}
        following = [urljoin(url, a.get("href")) for a in tree.iter("a") if a.text_content() == "下一页"]
        assert len(following) <= 1
        url = following[0] if following else None
    return pages, keys, links


def test_list_pagination_reaches_exactly_the_channel_articles(site: MirrorSite, rows: list[dict]) -> None:
    expected: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in rows:
        ref = parse_article_url(row["url"])
        expected[(ref.city, ref.channel)].add(ref.key)
    styles, multi_page = set(), 0
    for city, channel in known_channels():
        pages, keys, links = walk_channel(site, city, channel)
        assert keys == expected.get((city, channel), set())
        assert len(pages) == max(1, -(-len(keys) // site.page_size))
        for number, url in enumerate(pages[1:], start=2):
            styles.add("index" if url.endswith(f"index_{number}.html") else "query" if f"?page={number}" in url else url)
        multi_page += len(pages) > 1
        nav = {urlsplit(h).path for h in links}
        assert {f"/{city}/{slug}/" for slug, _ in CHANNELS[city]} <= nav  # the city nav
        if keys:  # 热点排行 links articles of other channels
            assert any((r := parse_article_url(h)) and (r.city, r.channel) != (city, channel) for h in links)
    assert styles == {"index", "query"} and multi_page >= 2


def test_list_pages_carry_variant_links_to_this_server(site: MirrorSite) -> None:
    variants = []
    for city, channel in known_channels():
        for number in range(1, site.page_count(city, channel) + 1):
            path = list_page_url(city, channel, number)
            _, tree, _ = get(site, path)
            for a in tree.iter("a"):
                href = a.get("href")
                if (ref := parse_article_url(urljoin(BASE + path, href))) and (
                    href.startswith("http://localhost:8000/") or "?from=index" in href or href.endswith("#comments")
                ):
                    assert ref.path in {x.path for x in site.channel_articles(city, channel)}
                    variants.append(href)
    assert any(v.startswith("http://localhost:8000/") for v in variants)
    assert any("?" in v or "#" in v for v in variants)


def test_reprints_share_a_story_under_other_keys(rows: list[dict]) -> None:
    stories: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        stories[row["story"]].append(row)
    copies = [group for group in stories.values() if len(group) > 1]
    assert 3 <= len(copies) <= 9
    for group in copies:
        assert len({r["article_key"] for r in group}) == len(group)
        assert len({(r["city"], r["channel"]) for r in group}) == len(group)
        same = ("title", "subtitle", "source", "body", "authors", "editors")
        assert all(all(r[k] == group[0][k] for k in same) for r in group)


def test_bylines_staff_lines_and_photos(site: MirrorSite, rows: list[dict]) -> None:
    leads = [r for r in rows if re.match(r"(本报|晚报|□记者)\S*?(讯)?\(?(记者|通讯员)", r["body"])]
    assert leads and all(r["authors"] for r in leads)
    standalone = [a for a in site.articles if a.story.start_byline or a.story.end_byline]
    assert standalone
    for article in standalone:
        body = "\n".join(article.story.paragraphs)
        for line in (article.story.start_byline, article.story.end_byline, article.story.staff_line):
            assert line is None or line not in body
    photos = [r for r in rows if r["images"]]
    assert photos
    for row in photos:
        assert re.match(r"图[①-⑤]:", row["images"][0]["caption"])
        picture = site.respond("GET", urlsplit(row["images"][0]["url"]).path, HOST)
        assert picture.status == 200 and picture.headers["Content-Type"].startswith("image/")


@pytest.mark.parametrize(
    "path",
    [
        "/nope",
        "/weifang/news/201701/1234567.html",
        "/weifang/unknown/",
        "/atlantis/news/",
        "/weifang/news/?page=99",
        "/weifang/news/index_99.html",
        "/uploads/201701/p9999_1.jpg",
    ],
)
def test_unknown_paths_are_404(site: MirrorSite, path: str) -> None:
    assert site.respond("GET", path, HOST).status == 404


def test_robots_head_and_methods(site: MirrorSite) -> None:
    robots = site.respond("GET", "/robots.txt", HOST)
    assert robots.status == 200 and b"Allow: /" in robots.body and b"Disallow" not in robots.body
    path = site.articles[0].path
    full = site.respond("GET", path + "?from=index", HOST)
    head = site.respond("HEAD", path, HOST)
    assert head.status == 200 and head.body == b"" and head.headers["Content-Length"] == str(len(full.body))
    assert site.respond("POST", path, HOST).status == 405


def test_every_channel_list_answers(site: MirrorSite) -> None:
    for city, channel in known_channels():
        response = site.respond("GET", f"/{city}/{channel}/", HOST)
        assert response.status == 200
        if not site.channel_articles(city, channel):
            _, text = html_to_unicode(response.headers["Content-Type"], response.body)
            hrefs = re.findall(r'href="([^"]+)"', text)
            assert not any(parse_article_url(urljoin(BASE, h)) and f"/{city}/{channel}/" in h for h in hrefs)


def test_write_truth_is_utf8_jsonl(site: MirrorSite, tmp_path) -> None:
    path = tmp_path / "truth.jsonl"
    site.write_truth(path, BASE)
    raw = path.read_bytes().decode("utf-8")
    assert "新闻" in raw and "\\u" not in raw
    assert [json.loads(line) for line in raw.splitlines()] == site.truth_rows(BASE)


def test_server_answers_over_http_and_stops() -> None:
    site = MirrorSite(articles=12, seed=3)
    with MirrorServer(site, port=0) as server:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.base_url) and not server.base_url.endswith(":0")
        row = site.truth_rows(server.base_url)[0]
        with urllib.request.urlopen(row["url"], timeout=5) as response:
            assert response.status == 200
            assert response.read() == site.respond("GET", urlsplit(row["url"]).path, {}).body
        with pytest.raises(HTTPError) as error:
            urllib.request.urlopen(server.base_url + "/missing", timeout=5)
        assert error.value.code == 404
        error.value.close()
        request = urllib.request.Request(server.base_url + "/weifang/news/", method="HEAD")
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200 and response.read() == b""
    with pytest.raises(RuntimeError):
        _ = server.base_url


def test_run_mirror_writes_truth_and_stops_on_ctrl_c(tmp_path, monkeypatch, capsys) -> None:
    def interrupt(seconds: float) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("newscrawl.mirror.server.time.sleep", interrupt)
    truth = tmp_path / "truth.jsonl"
    run_mirror(port=0, articles=10, seed=2, truth=str(truth))
    base_url, summary = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base_url) and "10 article pages" in summary
    rows = [json.loads(line) for line in truth.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 10 and all(r["url"].startswith(base_url + "/") for r in rows)


@pytest.mark.parametrize(("articles", "seed"), [(0, 0), (1, 1), (2, 2), (7, 3), (25, 4), (120, 5)])
def test_any_size_and_seed_serves_every_page(articles: int, seed: int) -> None:
    site = MirrorSite(articles=articles, seed=seed)
    rows = site.truth_rows(BASE)
    assert len(rows) == articles and len({r["article_key"] for r in rows}) == articles
    for row in rows:
        assert site.respond("GET", urlsplit(row["url"]).path, HOST).status == 200
    for city, channel in known_channels():
        for number in range(1, site.page_count(city, channel) + 1):
            assert site.respond("GET", list_page_url(city, channel, number), HOST).status == 200
