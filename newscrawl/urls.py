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
            return host[len(prefix) :]
    return host


SITE_HOSTS = {"yybnet.net"}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}  # the project's own mirror of the site


def yybnet_ref(url: str):
    """The yybnet article a URL names, on yybnet's own hosts or a local mirror; None for any other site."""
    host = urlsplit(url).hostname or ""
    if site_host(host) not in SITE_HOSTS and host not in LOOPBACK_HOSTS:
        return None
    return parse_article_url(url)


def canonical_url(url: str) -> str:
    """One address per article: yybnet articles map onto https://www.yybnet.net/..., others are normalised."""
    ref = yybnet_ref(url)
    if ref is not None:
        return ref.url(DEFAULT_BASE_URL)
    parts = urlsplit(canonicalize_url(url, keep_fragments=False))
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k.lower() not in TRACKING_PARAMS])
    return urlunsplit(("https", parts.netloc.lower(), parts.path or "/", query, ""))


def article_key_for(url: str) -> str:
    """The dedup key: '{city}/{channel}/{id}' for yybnet, else 'host/path?query' without host variants."""
    ref = yybnet_ref(url)
    if ref is not None:
        return ref.key
    parts = urlsplit(canonical_url(url))
    key = site_host(parts.netloc) + parts.path
    return f"{key}?{parts.query}" if parts.query else key
