"""URL identity: which addresses name the same article.

Host variants (`m.`, `www.`, bare), scheme, fragments and tracking parameters never make a new article.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from newscrawl.yybnet import DEFAULT_BASE_URL, parse_article_url

HOST_PREFIXES = ("www.", "m.", "wap.", "3g.")
TRACKING_PARAMS = {"from", "spm", "share", "source", "ref", "isappinstalled", "scene", "clicktime", "wxshare_count"}


def site_host(host: str) -> str:
    """'m.yybnet.net' / 'www.yybnet.net' / 'YYBNET.NET:443' -> 'yybnet.net'."""
    host = host.lower().split(":")[0]
    for prefix in HOST_PREFIXES:
        if host.startswith(prefix):
            return host[len(prefix):]
    return host


def canonical_url(url: str) -> str:
    """One address per article: yybnet articles map onto https://www.yybnet.net/..., others are normalised."""
    ref = parse_article_url(url)
    if ref is not None:
        return ref.url(DEFAULT_BASE_URL)
    parts = urlsplit(canonicalize_url(url, keep_fragments=False))
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k.lower() not in TRACKING_PARAMS])
    return urlunsplit(("https", parts.netloc.lower(), parts.path or "/", query, ""))


def article_key_for(url: str) -> str:
    """The dedup key: '{city}/{channel}/{id}' for yybnet, else 'host/path?query' without host variants."""
    ref = parse_article_url(url)
    if ref is not None:
        return ref.key
    parts = urlsplit(canonical_url(url))
    key = site_host(parts.netloc) + parts.path
    return f"{key}?{parts.query}" if parts.query else key
