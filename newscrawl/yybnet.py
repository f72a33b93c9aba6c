"""What is known about yybnet.net: its cities, channels and URL grammar (shared/yybnet/LAYOUT.md).

Pure data and pure functions; the spider, the page object, the dedup pipeline and the mirror share them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_BASE_URL = "https://www.yybnet.net"
PORTAL_NAME = "地方网"

# city slug -> (Chinese city name, province) ; channel slugs below follow the site's nav order.
CITIES: dict[str, tuple[str, str]] = {
    "weifang": ("潍坊", "山东"),
    "zibo": ("淄博", "山东"),
    "jinan": ("济南", "山东"),
    "yantai": ("烟台", "山东"),
    "chengdu": ("成都", "四川"),
    "mianyang": ("绵阳", "四川"),
    "ganzi": ("甘孜", "四川"),
    "xianyang": ("咸阳", "陕西"),
    "xian": ("西安", "陕西"),
    "wuzhou": ("梧州", "广西"),
}

# city slug -> [(channel slug, place name shown in "{name}新闻")]; `news` is the city's own channel.
# Slugs keep old place names (anxian is shown as 安州, binxian as 彬州).
CHANNELS: dict[str, list[tuple[str, str]]] = {
    "weifang": [
        ("news", "潍坊"),
        ("qingzhou", "青州"),
        ("zhucheng", "诸城"),
        ("shouguang", "寿光"),
        ("anqiu", "安丘"),
        ("gaomi", "高密"),
        ("changyi", "昌邑"),
        ("linqu", "临朐"),
        ("changle", "昌乐"),
    ],
    "mianyang": [
        ("news", "绵阳"),
        ("anxian", "安州"),
        ("jiangyou", "江油"),
        ("zitong", "梓潼"),
        ("santai", "三台"),
        ("yanting", "盐亭"),
        ("pingwu", "平武"),
        ("beichuan", "北川"),
    ],
    "jinan": [("news", "济南"), ("zhangqiu", "章丘"), ("pingyin", "平阴"), ("jiyang", "济阳"), ("shanghe", "商河")],
    "xianyang": [("news", "咸阳"), ("binxian", "彬州")],
    "zibo": [("news", "淄博")],
    "yantai": [("news", "烟台")],
    "chengdu": [("news", "成都")],
    "ganzi": [("news", "甘孜")],
    "xian": [("news", "西安")],
    "wuzhou": [("news", "梧州")],
}

# /{city}/{channel}/{YYYYMM}/{id}.html ; ids are 7-8 digits.
ARTICLE_PATH = re.compile(r"^/(?P<city>[a-z]+)/(?P<channel>[a-z]+)/(?P<month>\d{6})/(?P<id>\d{7,8})\.html$")
LIST_PATH = re.compile(r"^/(?P<city>[a-z]+)/(?P<channel>[a-z]+)/(?:[\w-]+\.html?)?$")


@dataclass(frozen=True)
class ArticleRef:
    """One article, whatever host or scheme it was reached under."""

    city: str
    channel: str
    month: str
    id: str

    @property
    def key(self) -> str:
        return f"{self.city}/{self.channel}/{self.id}"

    @property
    def path(self) -> str:
        return f"/{self.city}/{self.channel}/{self.month}/{self.id}.html"

    def url(self, base_url: str = DEFAULT_BASE_URL) -> str:
        return base_url.rstrip("/") + self.path


def parse_article_url(url: str) -> ArticleRef | None:
    """The article a URL names, or None. Host, scheme, query and fragment do not matter."""
    match = ARTICLE_PATH.match(urlsplit(url).path)
    if not match:
        return None
    return ArticleRef(match["city"], match["channel"], match["month"], match["id"])


def channel_name(city: str, channel: str) -> str | None:
    """The Chinese channel name shown on the site, e.g. ('weifang', 'shouguang') -> '寿光新闻'."""
    for slug, place in CHANNELS.get(city, []):
        if slug == channel:
            return f"{place}新闻"
    if channel == "news" and city in CITIES:
        return f"{CITIES[city][0]}新闻"
    return None


def known_channels(cities: list[str] | None = None) -> list[tuple[str, str]]:
    """(city, channel) pairs for the given cities (all known cities when None)."""
    selected = cities if cities is not None else list(CHANNELS)
    unknown = [c for c in selected if c not in CHANNELS]
    if unknown:
        raise ValueError(f"unknown city slug(s): {', '.join(unknown)}; known: {', '.join(CHANNELS)}")
    return [(city, slug) for city in selected for slug, _ in CHANNELS[city]]


def parse_channel_list(spec: str) -> list[tuple[str, str]]:
    """'weifang/news,weifang/shouguang' -> [('weifang', 'news'), ('weifang', 'shouguang')]."""
    pairs = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        city, sep, channel = part.strip("/").partition("/")
        if not sep or not re.fullmatch(r"[a-z]+", city) or not re.fullmatch(r"[a-z]+", channel):
            raise ValueError(f"bad channel {part!r}: expected city/channel, e.g. weifang/shouguang")
        pairs.append((city, channel))
    return pairs
