"""A local, generated stand-in for yybnet.net: routing and responses, no sockets.

`MirrorSite` answers requests for article pages, channel list pages, pictures and robots.txt, and writes
the gold truth of every article page it serves. Content comes from `content.py`, markup from `render.py`,
fault choices and page rewrites from `faults.py`. A site can be played forward `day` days (new, edited and
removed articles, some removed ones put back later; ETag/Last-Modified and 304s) and told to misbehave on some
paths (`Faults`).
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from newscrawl.yybnet import ARTICLE_PATH, CHANNELS, known_channels, parse_article_url

from .content import (
    MIRROR_EPOCH,
    MirrorArticle,
    day_rng,
    edit_story,
    generate_articles,
    new_articles,
    person_name,
    site_today,
    tagline,
)
from .faults import (
    ARTICLE_KINDS,
    LIST_KINDS,
    Faults,
    break_markup,
    fault_score,
    is_soft404_removed,
    pad_page,
    parse_faults,
    pick_fault,
    robots_txt,
    soft404_page,
)
from .render import SIDE_LISTS, ListPage, Trail, render_article, render_home, render_list

__all__ = ["MIRROR_EPOCH", "Faults", "MirrorResponse", "MirrorSite", "list_page_url", "list_style", "parse_faults"]

LIST_PAGE_PATH = re.compile(r"^/(?P<city>[a-z]+)/(?P<channel>[a-z]+)/(?:index(?:_(?P<page>\d+))?\.html)?$")
# The smallest valid GIF: 1x1, transparent.
PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")
TEXT_CONTENT_TYPE = {"utf-8": "text/html; charset=utf-8", "gbk": "text/html"}  # GBK pages declare it in <meta> only
WRONG_CONTENT_TYPE = {"utf-8": "text/html; charset=gb2312", "gbk": "text/html; charset=utf-8"}  # the charset fault
REDIRECT_MARK = "redirect"  # `?from=redirect` ends a redirect chain at the article's own path
LIST_MARKUPS = ("list-a", "list-b")
LIST_ENCODING = {"list-a": "utf-8", "list-b": "gbk"}
PAGE_STYLES = ("index", "query")  # /{city}/{channel}/index_2.html or /{city}/{channel}/?page=2
RESTORE_CHANCE = 0.3  # the share of days on which one article removed on an earlier day comes back


@dataclass
class MirrorResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0  # seconds the server waits before answering (the slow fault)
    truncate_at: int | None = None  # the server sends only this many body bytes, then closes (the truncate fault)


@dataclass
class ArticleHistory:
    """When an article page appeared and when it changed, in site days."""

    first_published_day: int = 0
    edits: list[tuple[int, datetime]] = field(default_factory=list)  # (day, Beijing time of the edit)
    removed: list[int] = field(default_factory=list)  # days it was taken down
    restored: list[int] = field(default_factory=list)  # days it was put back, at its URL with the text it had


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
    """A deterministic generated site: `articles` article pages from `seed`, `page_size` links per list page.

    `day` N > 0 plays N days forward from MIRROR_EPOCH: each day publishes `new_per_day` articles, edits
    young and old ones, removes a young one and, on some days (RESTORE_CHANCE), puts back one removed on an
    earlier day. `faults` makes some paths misbehave, the same way on every request. `variations` adds edited
    reprints and look-alike stories of one column (`content.add_variations`) after the `articles` pages.
    """

    def __init__(
        self,
        articles: int = 60,
        seed: int = 0,
        page_size: int = 10,
        day: int = 0,
        new_per_day: int | None = None,
        faults: Faults | None = None,
        variations: bool = False,
    ) -> None:
        if articles < 0 or page_size < 1 or day < 0 or (new_per_day is not None and new_per_day < 0):
            raise ValueError("articles, day and new_per_day must be >= 0 and page_size >= 1")
        self.seed = seed
        self.page_size = page_size
        self.day = day
        self.new_per_day = max(2, articles // 10) if new_per_day is None else new_per_day
        self.today: datetime = site_today(day)
        self.faults = faults
        base = generate_articles(articles, seed, variations)
        self._pool = base  # trails pick from the day-0 pages, so an unchanged page keeps its bytes (and ETag)
        self.history: dict[str, ArticleHistory] = {a.ref.key: ArticleHistory() for a in base}
        self._removed: list[str] = []
        self.articles: list[MirrorArticle] = self._play_days(base)
        self._by_path = {a.path: a for a in self.articles}
        self._images = {image.path for a in self.articles for image in a.story.images}
        self._by_channel: dict[tuple[str, str], list[MirrorArticle]] = {pair: [] for pair in known_channels()}
        for article in sorted(self.articles, key=lambda a: (a.published, a.id), reverse=True):
            self._by_channel[(article.city, article.channel)].append(article)
        self._faults: dict[str, str] = {}  # article path -> fault
        self._hops: dict[str, tuple[str, int]] = {}  # /r/ token -> (article path, hop number)
        self._chains: dict[str, list[str]] = {}  # redirect or loop article path -> its /r/ tokens
        if faults:
            for article in self.articles:
                if kind := pick_fault(faults, seed, article.path, ARTICLE_KINDS):
                    self._faults[article.path] = kind
                if kind in ("redirect", "loop"):
                    hops = 1 if kind == "loop" else 2 + (fault_score(seed, "redirect-hops", article.path) < 0.5)
                    tokens = [self._token(article.path, n) for n in range(hops)]
                    self._chains[article.path] = tokens
                    self._hops.update({t: (article.path, n) for n, t in enumerate(tokens)})

    def _play_days(self, base: list[MirrorArticle]) -> list[MirrorArticle]:
        """The article pages live on `self.day`, after each day's edits, removals and publications."""
        live = {a.ref.key: a for a in base}
        taken_ids = {a.id for a in base}
        taken_titles = {a.story.title for a in base}
        number = max((a.story.number for a in base), default=0) + 1
        shared = {a.story.key for a in base if a.reprint}
        old = [key for key, a in live.items() if a.story.key not in shared]  # edits keep reprint copies alike
        gone_articles: dict[str, MirrorArticle] = {}  # removed key -> the page as it was when taken down
        for day in range(1, self.day + 1):
            rng = day_rng(self.seed, day)
            start = site_today(day - 1)
            # the last two days; a restored article is never young again, and kept out so the draws stay the same
            young = [k for k in live if self.history[k].first_published_day >= max(1, day - 2) and not self.history[k].restored]
            edit_count = min(rng.randint(1, 2), max(len(young) - 1, 1)) if young else 0
            edited = rng.sample(young, edit_count)
            if old:
                edited.append(rng.choice(old))
            for key in edited:
                when = start + timedelta(minutes=rng.randint(1, 24 * 60 - 1))
                article = live[key]
                live[key] = replace(article, story=edit_story(article.story, article.city, article.channel, when, rng))
                self.history[key].edits.append((day, when))
            if removable := [k for k in young if k not in edited]:
                gone = rng.choice(removable)
                gone_articles[gone] = live.pop(gone)
                self._removed.append(gone)
                self.history[gone].removed.append(day)
            for article in new_articles(rng, self.new_per_day, day, number, taken_ids, taken_titles):
                live[article.ref.key] = article
                self.history[article.ref.key] = ArticleHistory(day)
            number += self.new_per_day
            self._restore(day, live, gone_articles)
        return list(live.values())

    def _restore(self, day: int, live: dict[str, MirrorArticle], gone_articles: dict[str, MirrorArticle]) -> None:
        """After the day's other events, maybe put back one article removed on an earlier day, unchanged.

        Its own rng, so the day's edits, removal and new articles are drawn as without restorations.
        """
        rng = random.Random(f"{self.seed}/restore/{day}")
        candidates = [k for k in self._removed if self.history[k].removed[-1] < day]
        if candidates and rng.random() < RESTORE_CHANCE:
            key = rng.choice(candidates)
            live[key] = gone_articles.pop(key)
            self._removed.remove(key)
            self.history[key].restored.append(day)

    def _token(self, path: str, hop: int) -> str:
        return hashlib.sha256(f"{self.seed}/r/{path}/{hop}".encode()).hexdigest()[:16]

    # ---- truth

    def truth_rows(self, base_url: str) -> list[dict]:
        """One gold row per served article page (shared/eval/LABELS.md fields plus mirror keys).

        Rows of a later day (day > 0) show the current text and add `first_published_day`, `edited_on_days` and
        `restored_on_days` (days a removed article was put back).
        """
        rows = [article.truth(base_url) for article in self.articles]
        if self.day:
            for row in rows:
                history = self.history[row["article_key"]]
                row["first_published_day"] = history.first_published_day
                row["edited_on_days"] = [day for day, _ in history.edits]
                row["restored_on_days"] = list(history.restored)
        return rows

    def removed_keys(self, base_url: str | None = None) -> list[str]:
        """Article keys removed by this day and not put back (they answer 404); keys do not depend on `base_url`."""
        return list(self._removed)

    def last_modified(self, article: MirrorArticle) -> datetime:
        """When the page last changed: its last edit, else its publication (Beijing time); a restoration changes nothing."""
        history = self.history.get(article.ref.key)
        return history.edits[-1][1] if history and history.edits else article.published

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

    # ---- faults

    def fault_for(self, path: str) -> str | None:
        """The fault a path (query ignored, except list page numbers) gets on this server, or None."""
        if not self.faults:
            return None
        url = urlsplit(path)
        if url.path.startswith("/r/"):
            hop = self._hops.get(url.path[3:])
            return self._faults[hop[0]] if hop else None
        if any(url.path.startswith(prefix) for prefix in self.faults.robots):
            return "robots"
        if ARTICLE_PATH.match(url.path):
            return self._faults.get(url.path)
        match = LIST_PAGE_PATH.match(url.path)
        if match and (match["city"], match["channel"]) in self._by_channel:
            page = self._list_page_number(match["city"], match["channel"], match["page"], url.path, url.query)
            if page is not None:
                return self._list_fault(match["city"], match["channel"], page)
        return None

    def list_page_for(self, path: str) -> str | None:
        """The list page URL that links a live article path (a 5xx list page hides its articles from a list walk)."""
        article = self._by_path.get(urlsplit(path).path)
        if article is None:
            return None
        position = self._by_channel[(article.city, article.channel)].index(article)
        return list_page_url(article.city, article.channel, position // self.page_size + 1)

    def fault_map(self) -> dict[str, str]:
        """Every served article and list page path that gets a fault -> the fault."""
        if not self.faults:
            return {}
        faults = {a.path: kind for a in self.articles if (kind := self.fault_for(a.path))}
        for city, channel in known_channels():
            for page in range(1, self.page_count(city, channel) + 1):
                if kind := self._list_fault(city, channel, page):
                    faults[list_page_url(city, channel, page)] = kind
        return faults

    def _list_fault(self, city: str, channel: str, page: int) -> str | None:
        path = list_page_url(city, channel, page)
        if not self.faults:
            return None
        if any(path.startswith(prefix) for prefix in self.faults.robots):
            return "robots"
        return pick_fault(self.faults, self.seed, path, LIST_KINDS) if page > 1 else None  # page 1 always answers

    # ---- pre-rendered pages, for a server that must cost next to nothing per request

    def prerender(self, host: str) -> dict[str, MirrorResponse]:
        """The GET answer of every page a crawl asks for, rendered once for requests whose Host is `host`.

        Keys are paths (with query) as requested: robots.txt, the home page, every list page and every article
        page. Pages with a fault are left out (their answers depend on time or on the request), and so is what
        depends on request headers (a conditional request): a server answers those with `respond`.
        """
        paths = ["/robots.txt", "/"]
        paths += [article.path for article in self.articles if article.path not in self._faults]
        for city, channel in known_channels():
            for page in range(1, self.page_count(city, channel) + 1):
                if not self._list_fault(city, channel, page):
                    paths.append(list_page_url(city, channel, page))
        headers = {"Host": host}
        return {path: self.respond("GET", path, headers) for path in paths}

    # ---- requests

    def respond(self, method: str, path_with_query: str, headers: dict[str, str]) -> MirrorResponse:
        method = method.upper()
        if method not in ("GET", "HEAD"):
            return self._finish(method, MirrorResponse(405, {"Allow": "GET, HEAD", "Content-Type": "text/plain"}, b""))
        url = urlsplit(path_with_query)
        lower = {k.lower(): v for k, v in headers.items()}
        return self._finish(method, self._route(url.path, url.query, lower))

    def _route(self, path: str, query: str, headers: dict[str, str]) -> MirrorResponse:
        if path == "/robots.txt":
            return MirrorResponse(200, {"Content-Type": "text/plain; charset=utf-8"}, robots_txt(self.faults))
        if path == "/":
            return self._html(render_home(), "utf-8")
        if ARTICLE_PATH.match(path):
            article = self._by_path.get(path)
            if article is None:  # never served, or removed on a played day: 404, or the CMS's error page with a 200
                return self._soft404(path) if self._soft404_removed(path) else _not_found()
            return self._article(article, query, headers)
        if path.startswith("/r/") and (hop := self._hops.get(path[3:])):
            return self._next_hop(*hop)
        if path in self._images:
            return MirrorResponse(200, {"Content-Type": "image/gif"}, PIXEL)
        match = LIST_PAGE_PATH.match(path)
        if match and (match["city"], match["channel"]) in self._by_channel:
            city, channel = match["city"], match["channel"]
            page = self._list_page_number(city, channel, match["page"], path, query)
            if page is not None:
                fault = self._list_fault(city, channel, page)
                if fault == "5xx":
                    return self._server_error(list_page_url(city, channel, page))
                response = self._list(city, channel, page, headers.get("host", ""))
                if fault == "slow" and self.faults:
                    response.delay = self.faults.slow_seconds
                return response
        return _not_found()

    def _article(self, article: MirrorArticle, query: str, headers: dict[str, str]) -> MirrorResponse:
        fault = self._faults.get(article.path)
        if fault == "5xx":
            return self._server_error(article.path)
        if fault == "soft404":
            return self._soft404(article.path)
        if fault == "loop" or (fault == "redirect" and parse_qs(query).get("from") != [REDIRECT_MARK]):
            return self._redirect(article.path, 0, "/r/" + self._chains[article.path][0])
        html = render_article(article, self._trail(article))
        if fault == "malformed":
            html = break_markup(html)
        body = html.encode(article.encoding)
        if fault == "huge" and self.faults:
            body = pad_page(body, self.faults.huge_bytes)
        content_type = (WRONG_CONTENT_TYPE if fault == "charset" else TEXT_CONTENT_TYPE)[article.encoding]
        modified = self.last_modified(article).astimezone(UTC)
        validators = {
            "ETag": '"' + hashlib.sha256(body).hexdigest()[:20] + '"',
            "Last-Modified": format_datetime(modified, usegmt=True),
        }
        if _not_modified(headers, validators["ETag"], modified):
            response = MirrorResponse(304, validators)
        else:
            response = MirrorResponse(200, {"Content-Type": content_type, **validators}, body)
            if fault == "truncate":
                response.truncate_at = len(body) // 2
        if fault == "slow" and self.faults:
            response.delay = self.faults.slow_seconds
        return response

    def _next_hop(self, path: str, hop: int) -> MirrorResponse:
        """A /r/ URL: on to the next one, then back to the article (`?from=redirect`), or for a loop back to it."""
        tokens = self._chains[path]
        if self._faults[path] == "loop":
            return self._redirect(path, hop + 1, path)
        target = f"/r/{tokens[hop + 1]}" if hop + 1 < len(tokens) else f"{path}?from={REDIRECT_MARK}"
        return self._redirect(path, hop + 1, target)

    def _redirect(self, path: str, hop: int, location: str) -> MirrorResponse:
        status = 301 if fault_score(self.seed, f"redirect-status/{hop}", path) < 0.5 else 302
        body = f'<html><body><a href="{location}">moved</a></body></html>'.encode()
        return MirrorResponse(status, {"Location": location, "Content-Type": "text/html; charset=utf-8"}, body)

    def _soft404_removed(self, path: str) -> bool:
        """A removed article (`--day`) that answers 200 with the CMS's error page instead of 404 (`soft404_removed`)."""
        ref = parse_article_url(path)
        return ref is not None and ref.key in self._removed and is_soft404_removed(self.faults, self.seed, path)

    def _soft404(self, path: str) -> MirrorResponse:
        """The CMS's "gone" page, status 200 and no validators: the city's navigation, an apology where the headline
        stands, 热点阅读 of other stories (the `soft404` fault, and removed articles under `soft404_removed`)."""
        ref = parse_article_url(path)
        assert ref is not None
        others = [a for a in self._pool if a.path != path]
        picks = random.Random(f"{self.seed}/soft404/{path}").sample(others, min(8, len(others)))
        return self._html(soft404_page(self.seed, path, ref.city, ref.channel, picks), "utf-8")

    def _server_error(self, path: str) -> MirrorResponse:
        status = (503, 500, 502)[int(fault_score(self.seed, "5xx-status", path) * 3)]
        body = f"<html><body>{status} 服务器繁忙,请稍后再试</body></html>".encode()
        return MirrorResponse(status, {"Content-Type": "text/html; charset=utf-8"}, body)

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
        others = [a for a in self._pool if a.story.key != article.story.key]

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
        if response.status != 304:  # a 304 has no body, and a Content-Length of 0 would describe the wrong one
            response.headers["Content-Length"] = str(len(response.body))
        if method == "HEAD":
            response.body = b""
            response.truncate_at = None
        return response


def _not_modified(headers: dict[str, str], etag: str, modified: datetime) -> bool:
    """RFC 9110 order: If-None-Match decides when sent; else If-Modified-Since at or after Last-Modified."""
    if (match := headers.get("if-none-match")) is not None:
        tags = {t.strip().removeprefix("W/") for t in match.split(",")}
        return "*" in tags or etag in tags
    if since := headers.get("if-modified-since"):
        try:
            when = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return when >= modified
    return False


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
