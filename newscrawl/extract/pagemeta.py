"""The page's machine-readable evidence: headline references, structured times and the declared source.

Read from `<title>`, `<meta>` (name=, property= or itemprop=: og:title, `article:published_time`,
`PubDate`, ...) and JSON-LD (`headline`, `datePublished`, `author`). Update times (`dateModified`,
`article:modified_time`) are kept apart: never the publication time, only the year of a shown year-less
time. Data that scripts carry (`var publish_time = "…"`, `"publishTime": 1523110915`, 微信's `var ct`
and `var nickname`) gives embedded times and the publishing account; a key whose occurrences disagree
(a list of related stories, each with its own time) gives nothing. The headline, meta line and time
finders weigh this evidence against what the page shows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from newscrawl.extract.clues import trim_source
from newscrawl.extract.lines import clean_text, text_content
from newscrawl.extract.results import PageMeta
from newscrawl.extract.vocabulary import SOURCE_LABEL

# Structured time evidence, best first: (attribute value, is the publication time).
META_TIME_KEYS = (
    "article:published_time",
    "datepublished",
    "og:release_date",
    "dcterms.created",
    "dcterms.issued",
    "dc.date.issued",
    "publishdate",
    "pubdate",
    "publish_date",
    "publishtime",
    "publish-time",
    "bytedance:published_time",  # the self-media platforms' own tags: 头条号, 微博文章, 凤凰号
    "weibo: article:create_at",
    "og:time",
    "date",
    "dc.date",
    "sailthru.date",
    "parsely-pub-date",
    "date.available",
)
# update/modification times: never the publication time, but they date the page (the year of a shown
# year-less time)
META_UPDATE_KEYS = ("dateupdate", "dateupdated", "datemodified", "article:modified_time", "og:updated_time", "lastmod")
META_SOURCE_KEYS = ("source", "contentsource", "og:article:source", "article:source")
JSON_LD_TIME_KEYS = ("datePublished", "dateCreated")
# Publication times in script data, best first (compared lower-case, without "_" and "-"); ct is 微信's
EMBEDDED_TIME_KEYS = ("publishtime", "pubtime", "publishdate", "pubdate", "datepublished", "releasetime", "ct")
EMBEDDED_ACCOUNT_KEYS = ("nickname", "medianame", "mediausername")
# `key = "value"`, `"key": "value"` or `key: 123` in a script, found from the first letters of the wanted
# keys (each pattern opens with a literal, which the regex engine finds fast; a pass over every identifier
# costs five times as much), in the lower-cased script; the key's other letters come before `:` or `=`
_SCRIPT_VALUE = r"""["']?\s*[:=]\s*(?:"([^"\\\n]{1,60})"|'([^'\\\n]{1,60})'|(\d{10}(?:\d{3})?)\b)"""
SCRIPT_KEYS = tuple(
    re.compile("(" + stem + r"[\w-]{0,20}?)" + _SCRIPT_VALUE) for stem in ("publish", "pub", "date", "release", "ct", "nick", "media")
)
SCRIPT_MAX_CHARS = 300_000  # script text read per page
JSON_LD_UPDATE_KEYS = ("dateModified",)


def find_meta(root: Any) -> PageMeta:
    """Headline references, structured publication times and the declared source of the page."""
    meta = PageMeta()
    title = root.find(".//title")
    if title is not None and text_content(title):
        meta.titles.append(clean_text(text_content(title)))
    found_times: dict[str, str] = {}
    for element in root.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        content = clean_text(element.get("content") or "")
        if not key or not content:
            continue
        if key in ("og:title", "twitter:title", "articletitle", "headline", "title"):
            meta.titles.append(_strip_tags(content))
        elif key in META_TIME_KEYS and key not in found_times:
            found_times[key] = content
        elif key in META_UPDATE_KEYS:
            meta.update_times.append((key, content))
        elif key in META_SOURCE_KEYS and meta.source is None:
            meta.source = trim_source(SOURCE_LABEL.sub("", content)) or None
    for item in _json_ld_objects(root):
        if isinstance(item.get("headline"), str):
            meta.titles.append(clean_text(item["headline"]))
        for key in JSON_LD_TIME_KEYS:
            if isinstance(item.get(key), str) and key.lower() not in found_times:
                found_times[key.lower()] = item[key]
        for key in JSON_LD_UPDATE_KEYS:
            if isinstance(item.get(key), str):
                meta.update_times.append((key.lower(), item[key]))
        meta.json_ld_authors.extend(_names_of(item.get("author")))
    order = {key: rank for rank, key in enumerate(META_TIME_KEYS)}
    meta.times = sorted(found_times.items(), key=lambda kv: order.get(kv[0], len(order)))
    meta.embedded_times, meta.account = _script_data(root)
    return meta


def _script_data(root: Any) -> tuple[list[tuple[str, str]], str | None]:
    """Publication times and the publishing account that inline scripts carry, each key read only where
    all its occurrences agree."""
    values: dict[str, set[str]] = {}
    wanted = set(EMBEDDED_TIME_KEYS) | set(EMBEDDED_ACCOUNT_KEYS)
    budget = SCRIPT_MAX_CHARS
    for script in root.iter("script"):
        code = script.text
        if not code or script.get("src") or (script.get("type") or "").lower() == "application/ld+json" or budget <= 0:
            continue
        code, budget = code[:budget], budget - len(code)
        lower = code.lower()
        if len(lower) != len(code):
            continue  # lower-casing changed the length (a rare letter): offsets would not hold
        for pattern in SCRIPT_KEYS:
            for match in pattern.finditer(lower):
                start = match.start()
                if start and (lower[start - 1].isalnum() or lower[start - 1] in "_.$"):
                    continue  # inside a longer name: object, reduct
                key = match.group(1).replace("_", "").replace("-", "")
                if key in wanted:
                    group = next(g for g in (2, 3, 4) if match.group(g) is not None)
                    value = clean_text(code[match.start(group) : match.end(group)])  # the original case
                    if value:
                        values.setdefault(key, set()).add(value)
    agreed = {key: next(iter(found)) for key, found in values.items() if len(found) == 1}
    times = [(key, agreed[key]) for key in EMBEDDED_TIME_KEYS if key in agreed]
    account = next((agreed[key] for key in EMBEDDED_ACCOUNT_KEYS if key in agreed and not agreed[key].isdecimal()), None)
    return times, account


def _strip_tags(text: str) -> str:
    """Text of a <meta> value that carries markup (`标题<div>——副题</div>`), tags dropped."""
    return clean_text(re.sub(r"<[^>]*>", " ", text)) if "<" in text else text


def _json_ld_objects(root: Any) -> Iterable[dict[str, Any]]:
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                if "@graph" in item:
                    stack.append(item["@graph"])


def _names_of(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, dict):
        return _names_of(value.get("name"))
    if isinstance(value, list):
        return [name for item in value for name in _names_of(item)]
    return []
