"""What the finders hand on: the results one part of the extractor gives the next.

The orchestrator (`generic.extract`) passes these between the finders, so no finder needs another's
internals: `PageMeta` (pagemeta), `Headline` (headline), `Body` and `CleanBody` (body), `MetaLine`
(metaline).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class PageMeta:
    """Machine-readable evidence from <head>, <meta>, JSON-LD and the data scripts carry."""

    titles: list[str] = field(default_factory=list)  # <title>, og:title, headline, ... (raw)
    times: list[tuple[str, str]] = field(default_factory=list)  # (key, value) in META_TIME_KEYS order
    source: str | None = None
    json_ld_authors: list[str] = field(default_factory=list)
    update_times: list[tuple[str, str]] = field(default_factory=list)  # (key, value): dateModified, ...
    embedded_times: list[tuple[str, str]] = field(default_factory=list)  # (key, value) from script data, EMBEDDED_TIME_KEYS order
    account: str | None = None  # the publishing account named in script data (微信 nickname, media_name)


@dataclass
class Body:
    container: Any
    start: int  # first line index in the container
    end: int  # one past the last
    score: float


@dataclass
class Headline:
    text: str
    index: int | None  # line index, None when taken from <title>
    rule: str


@dataclass
class MetaLine:
    indexes: list[int] = field(default_factory=list)
    text: str = ""


@dataclass
class CleanBody:
    paragraphs: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    source_lines: list[str] = field(default_factory=list)
    time_lines: list[str] = field(default_factory=list)  # short lines in or after the body with a labelled time
    # the editor of a production-credit block far below the body: the page's editor when nothing else names one
    block_editors: list[str] = field(default_factory=list)
    block_byline: str = ""
    dropped: dict[str, int] = field(default_factory=dict)
