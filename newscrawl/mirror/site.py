"""A local, generated stand-in for yybnet.net: routing and responses, no sockets.

`MirrorSite` answers requests for article pages, channel list pages, pictures and robots.txt, and writes
the gold truth of every article page it serves. Content comes from `content.py`, markup from `render.py`.
"""

from __future__ import annotations

import json
import math
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from newscrawl.yybnet import ARTICLE_PATH, CHANNELS, known_channels

from .content import MirrorArticle, generate_articles, person_name, tagline
from .render import SIDE_LISTS, ListPage, Trail, render_article, render_home, render_list

LIST_PAGE_PATH = re.compile(r"^/(?P<city>[a-z]+)/(?P<channel>[a-z]+)/(?:index(?:_(?P<page>\d+))?\.html)?$")
ROBOTS_TXT = b"User-agent: *\nAllow: /\n"
# The smallest valid GIF: 1x1, transparent.
PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")
TEXT_CONTENT_TYPE = {"utf-8": "text/html; charset=utf-8", "gbk": "text/html"}  # GBK pages declare it in <meta> only
LIST_MARKUPS = ("list-a", "list-b")
LIST_ENCODING = {"list-a": "utf-8", "list-b": "gbk"}
PAGE_STYLES = ("index", "query")  # /{city}/{channel}/index_2.html or /{city}/{channel}/?page=2


@dataclass
class MirrorResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def list_style(city: str, channel: str) -> tuple[str, str]:
    """(pagination URL style, list markup) of a channel: fixed, so both kinds show up across channels."""
    position = known_channels().index((city, channel))
    return PAGE_STYLES[list(CHANNELS).index(city) % 2], LIST_MARKUPS[position % 2]


def list_page_url(city: str, channel: str, page: int) -> str:
    base = f"/{city}/{channel}/"
    if page == 1:
        return base
    style, _ = list_style(city, channel)
    return f"{base}index_{page}.html" if style == "index" else f"{base}?page={page}"


class MirrorSite:
    """A deterministic generated site: `articles` article pages from `seed`, `page_size` links per list page."""

    def __init__(self, articles: int = 60, seed: int = 0, page_size: int = 10) -> None:
        if articles < 0 or page_size < 1:
            raise ValueError("articles must be >= 0 and page_size >= 1")
        self.seed = seed
        self.page_size = page_size
        self.articles: list[MirrorArticle] = generate_articles(articles, seed)
        self._by_path = {a.path: a for a in self.articles}
        self._images = {image.path for a in self.articles for image in a.story.images}
        self._by_channel: dict[tuple[str, str], list[MirrorArticle]] = {pair: [] for pair in known_channels()}
        for article in sorted(self.articles, key=lambda a: (a.published, a.id), reverse=True):
            self._by_channel[(article.city, article.channel)].append(article)

    # ---- truth

    def truth_rows(self, base_url: str) -> list[dict]:
        """One gold row per served article page (shared/eval/LABELS.md fields plus mirror keys)."""
        return [article.truth(base_url) for article in self.articles]

    def write_truth(self, path: str | Path, base_url: str) -> None:
        with open(path, "w", encoding="utf-8") as out:
            for row in self.truth_rows(base_url):
                out.write(json.dumps(row, ensure_ascii=False) + "\n")

    # ---- navigation facts, for tests and callers

    def channel_articles(self, city: str, channel: str) -> list[MirrorArticle]:
        """A channel's articles, newest first, as its list pages show them."""
        return list(self._by_channel[(city, channel)])

    def page_count(self, city: str, channel: str) -> int:
        return max(1, math.ceil(len(self._by_channel[(city, channel)]) / self.page_size))

    # ---- requests

    def respond(self, method: str, path_with_query: str, headers: dict[str, str]) -> MirrorResponse:
        method = method.upper()
        if method not in ("GET", "HEAD"):
            return self._finish(method, MirrorResponse(405, {"Allow": "GET, HEAD", "Content-Type": "text/plain"}, b""))
        url = urlsplit(path_with_query)
        host = next((v for k, v in headers.items() if k.lower() == "host"), "")
        return self._finish(method, self._route(url.path, url.query, host))

    def _route(self, path: str, query: str, host: str) -> MirrorResponse:
        if path == "/robots.txt":
            return MirrorResponse(200, {"Content-Type": "text/plain; charset=utf-8"}, ROBOTS_TXT)
        if path == "/":
            return self._html(render_home(), "utf-8")
        if ARTICLE_PATH.match(path):
            article = self._by_path.get(path)
            if article is None:
                return _not_found()
            return self._html(render_article(article, self._trail(article)), article.encoding)
        if path in self._images:
            return MirrorResponse(200, {"Content-Type": "image/gif"}, PIXEL)
        match = LIST_PAGE_PATH.match(path)
        if match and (match["city"], match["channel"]) in self._by_channel:
            page = self._list_page_number(match["city"], match["channel"], match["page"], path, query)
            if page is not None:
                return self._list(match["city"], match["channel"], page, host)
        return _not_found()

    def _list_page_number(self, city: str, channel: str, index_page: str | None, path: str, query: str) -> int | None:
        """The list page a request asks for, or None when this channel does not use that URL form."""
        style, _ = list_style(city, channel)
        requested = parse_qs(query).get("page", [])
        if path.endswith(".html"):
            if style != "index" or requested or index_page == "1":
                return None
            page = int(index_page or 1)
        elif requested:
            if style != "query" or not requested[0].isdigit():
                return None
            page = int(requested[0])
        else:
            page = 1
        return page if 1 <= page <= self.page_count(city, channel) else None

    def _list(self, city: str, channel: str, page: int, host: str) -> MirrorResponse:
        pages = self.page_count(city, channel)
        items = self._by_channel[(city, channel)][(page - 1) * self.page_size : page * self.page_size]
        others = [a for a in self.articles if (a.city, a.channel) != (city, channel)]
        hot = random.Random(f"{self.seed}/list/{city}/{channel}/{page}").sample(others, min(6, len(others)))
        variants = {a.id: url for a in items if (url := _variant_url(a, host))}
        urls = {n: list_page_url(city, channel, n) for n in range(1, pages + 1)}
        _, markup = list_style(city, channel)
        html = render_list(ListPage(city, channel, page, pages, items, hot, urls, variants), markup)
        return self._html(html, LIST_ENCODING[markup])

    def _trail(self, article: MirrorArticle) -> Trail:
        """The other stories around an article page, fixed per page."""
        rng = random.Random(f"{self.seed}/trail/{article.id}")
        others = [a for a in self.articles if a.story is not article.story]

        def pick(count: int) -> list[MirrorArticle]:
            return rng.sample(others, min(count, len(others)))

        teaser = rng.choice(others) if others else None
        teaser_text = ""
        if teaser:
            text = teaser.story.first_text
            if not text.startswith(("本报", "晚报", "□")):
                text = f"本报讯(记者{person_name(rng)}){text}"  # teasers carry another story's byline
            teaser_text = text[:60] + "..."
        return Trail(
            teaser=teaser,
            teaser_headline=rng.random() > 0.2,
            teaser_text=teaser_text,
            tagline=tagline(article.city, rng.randrange(6)),
            related=pick(5),
            guess=pick(4),
            channel_picks=pick(6),
            side={name: pick(5) for name in SIDE_LISTS},
            side_credits=[f"(记者{person_name(rng)} 文/图)" for _ in range(3)],
        )

    def _html(self, text: str, encoding: str) -> MirrorResponse:
        return MirrorResponse(200, {"Content-Type": TEXT_CONTENT_TYPE[encoding]}, text.encode(encoding))

    @staticmethod
    def _finish(method: str, response: MirrorResponse) -> MirrorResponse:
        response.headers["Content-Length"] = str(len(response.body))
        if method == "HEAD":
            response.body = b""
        return response


def _not_found() -> MirrorResponse:
    body = "<html><body>404 页面不存在</body></html>".encode()
    return MirrorResponse(404, {"Content-Type": "text/html; charset=utf-8"}, body)


def _variant_url(article: MirrorArticle, host: str) -> str | None:
    """A second link to the same article: another host name for this server, a tracking query or a fragment."""
    kind = article.variant_link
    if kind == "other-host" and host:
        name, _, port = host.partition(":")
        other = {"127.0.0.1": "localhost", "localhost": "127.0.0.1"}.get(name)
        if other:
            return f"http://{other}{':' + port if port else ''}{article.path}"
        kind = "from-index"
    if kind == "other-host" or kind == "from-index":
        return article.path + "?from=index"
    if kind == "comments":
        return article.path + "#comments"
    return None
