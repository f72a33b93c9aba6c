"""Reading the history of the archive: what changed between an article's versions, and what changed lately.

`version_change` measures one version against the one before it (which fields changed, how many characters
were added and removed); the archive writer stores that on the version row, and migration 0005 computed it
for the versions archived before. The view `article_changes` lists those rows (one per edit) and the removed
articles, the same on SQLite and PostgreSQL. `history` renders every version of one article with a readable
diff between consecutive versions (character-level, as Chinese text has no word boundaries); `changes` lists
the edits and removals of a period. Times are shown in Beijing time (+08:00).

Importable without Scrapy: the migrations import `version_change` from here.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Integer, String, Text, column, or_, select, table
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from newscrawl import db

BEIJING = timezone(timedelta(hours=8))

# The fields a change is named by, in this order; "people" is the byline, the authors and the editors.
CHANGE_FIELDS = ("title", "subtitle", "source", "published_at", "people", "body")
TEXT_FIELDS = ("title", "subtitle", "source", "people", "body")  # whose characters are counted
SHORT_FIELDS = ("title", "subtitle", "source", "published_at", "people")  # shown whole: old -> new

# --- character diff -------------------------------------------------------------------------------------

# Character-level matching costs about len(a) * len(b) in the worst case: a changed stretch longer than
# this (product of both sides' lengths) is first matched by smaller units - paragraphs, then sentences,
# then clauses - and only the stretches that differ are matched by characters.
CHAR_BUDGET = 250_000
_SPLITTERS = (
    re.compile(r"(?<=\n)"),  # paragraphs (the body's paragraphs are joined by "\n")
    re.compile(r"(?<=[。！？!?；;…])(?![。！？!?；;…”’」』）)\"'])"),  # sentences, closing quotes kept with them
    re.compile(r"(?<=[，,、：:])"),  # clauses
)
# An equal stretch this short between two edits is folded into them: "[-今-]{+明+}天[-天气好-]{+下雨+}"
# reads worse than "[-今天天气好-]{+明天下雨+}" (the counts then include it on both sides).
SHORT_EQUAL = 2


@dataclass(frozen=True)
class Edit:
    """old[i1:i2] became new[j1:j2] (a deletion when j1 == j2, an insertion when i1 == i2)."""

    i1: int
    i2: int
    j1: int
    j2: int


def char_edits(old: str, new: str) -> list[Edit]:
    """The edits that turn `old` into `new`, character by character, in order; [] when they are equal.

    difflib.SequenceMatcher without its "junk" heuristic (which would ignore frequent characters such as
    的 and 。 in long texts), long texts matched paragraph by paragraph first so that it stays fast.
    """
    raw: list[Edit] = []
    _diff(old, new, 0, 0, 0, raw)
    return _fold_short_equals(_merge_adjacent(raw))


def _diff(a: str, b: str, a0: int, b0: int, level: int, out: list[Edit]) -> None:
    prefix = _common_prefix(a, b)
    suffix = _common_suffix(a[prefix:], b[prefix:])
    a, b = a[prefix : len(a) - suffix], b[prefix : len(b) - suffix]
    a0, b0 = a0 + prefix, b0 + prefix
    if not a and not b:
        return
    if not a or not b or len(a) * len(b) <= CHAR_BUDGET:
        _char_diff(a, b, a0, b0, out)
        return
    while level < len(_SPLITTERS):
        units_a = [unit for unit in _SPLITTERS[level].split(a) if unit]
        units_b = [unit for unit in _SPLITTERS[level].split(b) if unit]
        level += 1
        if len(units_a) > 1 or len(units_b) > 1:
            break
    else:  # one long run without any separator: a character match would be too slow, replace it whole
        out.append(Edit(a0, a0 + len(a), b0, b0 + len(b)))
        return
    starts_a, starts_b = _starts(units_a), _starts(units_b)
    matcher = difflib.SequenceMatcher(None, units_a, units_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        ca1, ca2, cb1, cb2 = starts_a[i1], starts_a[i2], starts_b[j1], starts_b[j2]
        _diff(a[ca1:ca2], b[cb1:cb2], a0 + ca1, b0 + cb1, level, out)


def _char_diff(a: str, b: str, a0: int, b0: int, out: list[Edit]) -> None:
    if not a or not b:
        out.append(Edit(a0, a0 + len(a), b0, b0 + len(b)))
        return
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            out.append(Edit(a0 + i1, a0 + i2, b0 + j1, b0 + j2))


def _starts(units: list[str]) -> list[int]:
    starts = [0]
    for unit in units:
        starts.append(starts[-1] + len(unit))
    return starts


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _common_suffix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[-1 - i] == b[-1 - i]:
        i += 1
    return i


def _merge_adjacent(edits: list[Edit]) -> list[Edit]:
    merged: list[Edit] = []
    for edit in edits:
        if merged and merged[-1].i2 == edit.i1 and merged[-1].j2 == edit.j1:
            merged[-1] = Edit(merged[-1].i1, edit.i2, merged[-1].j1, edit.j2)
        else:
            merged.append(edit)
    return merged


def _fold_short_equals(edits: list[Edit]) -> list[Edit]:
    """Join two edits separated by an equal stretch of at most SHORT_EQUAL characters, when that stretch is
    no longer than either edit: a lone matching 天 inside a rewritten sentence is noise, and "12.5" -> "13.6"
    reads better as one edit of 2.5 into 3.6."""
    folded: list[Edit] = []
    for edit in edits:
        if folded:
            last = folded[-1]
            gap = edit.i1 - last.i2
            if gap <= SHORT_EQUAL and gap <= _size(last) and gap <= _size(edit):
                folded[-1] = Edit(last.i1, edit.i2, last.j1, edit.j2)
                continue
        folded.append(edit)
    return folded


def _size(edit: Edit) -> int:
    return max(edit.i2 - edit.i1, edit.j2 - edit.j1)


# --- what changed between two versions --------------------------------------------------------------------


def field_texts(version: Mapping[str, Any]) -> dict[str, str]:
    """The text of each change field of a version: "" for a missing value; people as the byline, or the
    names (authors, then editors, joined by 、) when there is no byline."""
    published_at = version.get("published_at")
    return {
        "title": version.get("title") or "",
        "subtitle": version.get("subtitle") or "",
        "source": version.get("source") or "",
        "published_at": _show_time(published_at) if isinstance(published_at, datetime) else str(published_at or ""),
        "people": version.get("byline") or "、".join([*(version.get("authors") or []), *(version.get("editors") or [])]),
        "body": version.get("body") or "",
    }


def changed_fields(previous: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """The change fields that differ between two versions, in CHANGE_FIELDS order."""
    changed = []
    for name in CHANGE_FIELDS:
        if name == "people":
            differs = (
                (previous.get("byline") or "") != (current.get("byline") or "")
                or list(previous.get("authors") or []) != list(current.get("authors") or [])
                or list(previous.get("editors") or []) != list(current.get("editors") or [])
            )  # fmt: skip
        elif name == "published_at":
            differs = _same_time(previous.get("published_at"), current.get("published_at")) is False
        else:
            differs = (previous.get(name) or "") != (current.get(name) or "")
        if differs:
            changed.append(name)
    return changed


def version_change(previous: Mapping[Any, Any] | None, current: Mapping[Any, Any]) -> tuple[str | None, int, int]:  # Any keys: RowMapping too
    """(fields changed, characters added, characters removed) from `previous` to `current`.

    Both are mappings of the version fields (title, subtitle, source, published_at, byline, authors,
    editors, body; a missing key is an empty value). The fields are named from CHANGE_FIELDS and joined by
    commas ("title,body"); the first version (`previous` None) has None, 0, 0. A later version whose
    differences are all outside these fields (images, breadcrumbs, the raw time text) has "", 0, 0.
    Characters are counted by a character diff of title, subtitle, source, people and body (a new time
    counts as a changed field, not as characters).
    """
    if previous is None:
        return None, 0, 0
    names = changed_fields(previous, current)
    old_texts, new_texts = field_texts(previous), field_texts(current)
    added = removed = 0
    for name in names:
        if name not in TEXT_FIELDS:
            continue
        for edit in char_edits(old_texts[name], new_texts[name]):
            removed += edit.i2 - edit.i1
            added += edit.j2 - edit.j1
    return ",".join(names), added, removed


def _same_time(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, datetime) and isinstance(b, datetime) and (a.tzinfo is None) != (b.tzinfo is None):
        # One read back from SQLite (naive, UTC), one from an item (aware).
        a, b = (x.replace(tzinfo=UTC) if x.tzinfo is None else x for x in (a, b))
    return a == b


# --- rendering ---------------------------------------------------------------------------------------------

RED, GREEN, BOLD, RESET = "\x1b[31m", "\x1b[32m", "\x1b[1m", "\x1b[0m"
CONTEXT = 12  # characters of unchanged text shown on each side of a body edit
NEWLINE_MARK = "⏎"  # a paragraph break inside an edit


def use_color(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Colour for a terminal, plain text when piped or redirected, and never when NO_COLOR is set (no-color.org)."""
    environ = os.environ if environ is None else environ
    if environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class _Style:
    def __init__(self, color: bool):
        self.color = color

    def deleted(self, text: str) -> str:
        return f"{RED}{text}{RESET}" if self.color else f"[-{text}-]"

    def inserted(self, text: str) -> str:
        return f"{GREEN}{text}{RESET}" if self.color else f"{{+{text}+}}"

    def bold(self, text: str) -> str:
        return f"{BOLD}{text}{RESET}" if self.color else text

    def old(self, text: str) -> str:
        return f"{RED}{text}{RESET}" if self.color else text

    def new(self, text: str) -> str:
        return f"{GREEN}{text}{RESET}" if self.color else text


def body_hunks(old: str, new: str, context: int = CONTEXT) -> list[dict[str, Any]]:
    """The body's edits grouped in hunks with some unchanged text around them (never past a paragraph
    break): {"paragraph" (1-based, in the new text), "before", "after" (context), "parts": [(kind, text)]}
    where kind is "equal", "deleted" or "inserted"; "cut_before"/"cut_after" say whether the context
    stops inside a paragraph."""
    edits = char_edits(old, new)
    hunks: list[list[Edit]] = []
    for edit in edits:
        if hunks and edit.i1 - hunks[-1][-1].i2 <= 2 * context:
            hunks[-1].append(edit)
        else:
            hunks.append([edit])
    out = []
    for group in hunks:
        first, last = group[0], group[-1]
        start = max(first.i1 - context, old.rfind("\n", 0, first.i1) + 1)
        end_break = old.find("\n", last.i2)
        end = min(last.i2 + context, len(old) if end_break < 0 else end_break)
        parts: list[tuple[str, str]] = []
        for previous, edit in zip([None, *group], group, strict=False):  # each edit with the one before it
            if previous is not None and edit.i1 > previous.i2:
                parts.append(("equal", old[previous.i2 : edit.i1]))
            if edit.i2 > edit.i1:
                parts.append(("deleted", old[edit.i1 : edit.i2]))
            if edit.j2 > edit.j1:
                parts.append(("inserted", new[edit.j1 : edit.j2]))
        inserted = new[first.j1 : first.j2] if first.i1 == first.i2 else ""
        lead = len(inserted) - len(inserted.lstrip("\n"))  # a paragraph added: number it, not the one before
        out.append({
            "paragraph": new.count("\n", 0, first.j1 + lead) + 1,
            "before": old[start : first.i1], "after": old[last.i2 : end],
            "cut_before": start > 0 and old[start - 1] != "\n", "cut_after": end < len(old) and old[end] != "\n",
            "parts": parts,
        })  # fmt: skip
    return out


def _render_hunk(hunk: dict[str, Any], style: _Style) -> str:
    text = ("…" if hunk["cut_before"] else "") + hunk["before"]
    for kind, part in hunk["parts"]:
        part = part.replace("\n", NEWLINE_MARK)
        text += style.deleted(part) if kind == "deleted" else style.inserted(part) if kind == "inserted" else part
    return text + hunk["after"] + ("…" if hunk["cut_after"] else "")


def diff_lines(previous: Mapping[str, Any], current: Mapping[str, Any], color: bool = False) -> list[str]:
    """Readable lines for what changed between two versions: `field: old -> new` for the short fields, the
    changed stretches of the body with some context (plain: [-deleted-] {+inserted+}; coloured: red, green)."""
    style = _Style(color)
    old_texts, new_texts = field_texts(previous), field_texts(current)
    lines = []
    for name in changed_fields(previous, current):
        if name in SHORT_FIELDS:
            old, new = old_texts[name], new_texts[name]
            if old == new:  # people: the same byline, other names read from it (an extractor fix)
                old, new = (_names(version) for version in (previous, current))
            old, new = (value.replace("\n", NEWLINE_MARK) or "(none)" for value in (old, new))
            lines.append(f"{name}: {style.old(old)} -> {style.new(new)}")
        else:
            for hunk in body_hunks(old_texts[name], new_texts[name]):
                lines.append(f"{name} ¶{hunk['paragraph']}: {_render_hunk(hunk, style)}")
    return lines


def _names(version: Mapping[str, Any]) -> str:
    authors, editors = "、".join(version.get("authors") or []), "、".join(version.get("editors") or [])
    return f"{authors or '-'} (editors: {editors or '-'})"


def _show_time(value: datetime | None, sep: str = " ") -> str:
    if value is None:
        return ""
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(BEIJING).isoformat(sep=sep, timespec="seconds")


def _json_time(value: datetime | None) -> str | None:
    return _show_time(value, "T") or None


def _width(text: str) -> int:
    """Columns a terminal gives the text: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


# --- reading the archive ------------------------------------------------------------------------------------


class ArchiveNotReady(RuntimeError):
    """The database is missing or not migrated far enough to read the history from."""


VERSION_COLUMNS = (
    "version",
    "content_hash",
    "title",
    "subtitle",
    "source",
    "published_at",
    "byline",
    "authors",
    "editors",
    "body",
    "fetched_at",
    "run_id",
)


def _require_archive(database_url: str) -> None:
    from alembic.script import ScriptDirectory

    from newscrawl import migrate

    parsed = make_url(database_url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:" and not Path(parsed.database).exists():
        raise ArchiveNotReady(f"no archive at {database_url}: the file {parsed.database} does not exist")
    current = migrate.current_revision(database_url)
    if current is None:
        raise ArchiveNotReady(f"{database_url} is not an archive yet: run `newscrawl db upgrade` (or a crawl) first")
    script = ScriptDirectory.from_config(migrate.alembic_config())
    known = {revision.revision for revision in script.walk_revisions()}
    if current != script.get_current_head() and current in known:  # older (a newer, unknown revision is fine)
        raise ArchiveNotReady(f"{database_url} is at revision {current}, older than {script.get_current_head()}: run `newscrawl db upgrade` first")


def history(database_url: str, article_key: str, fmt: str = "text", color: bool = False) -> str:
    """Every version of one article, when it was seen, and what changed from one to the next.

    `fmt` "text" (for people; `color` adds ANSI colours) or "json". Raises LookupError for a key that is
    not archived, ArchiveNotReady for a database that is not an archive at the newest schema.
    """
    if fmt not in ("text", "json"):
        raise ValueError(f"history format is text or json, not {fmt!r}")
    _require_archive(database_url)
    engine = db.make_engine(database_url)
    try:
        with Session(engine) as session:
            article = session.scalar(select(db.Article).where(db.Article.article_key == article_key))
            if article is None:
                raise LookupError(f"no archived article has the key {article_key!r} (keys look like weifang/news/1234567)")
            query = select(*(getattr(db.ArticleVersion, name) for name in VERSION_COLUMNS)).where(db.ArticleVersion.article_id == article.id)
            versions = [dict(row._mapping) for row in session.execute(query.order_by(db.ArticleVersion.version))]
            facts = {
                name: getattr(article, name)
                for name in ("article_key", "url", "city", "channel", "title", "first_seen_at", "last_seen_at", "removed_at", "version")
            }
    finally:
        engine.dispose()
    if fmt == "json":
        return json.dumps(_history_json(facts, versions), ensure_ascii=False, indent=2)
    return _history_text(facts, versions, _Style(color))


def _pairs(versions: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any] | None, dict[str, Any]]]:
    return zip([None, *versions], versions, strict=False)  # each version with the one before it


def _history_text(facts: dict[str, Any], versions: list[dict[str, Any]], style: _Style) -> str:
    where = " / ".join(part for part in (facts["city"], facts["channel"]) if part)
    lines = [style.bold(f"{facts['article_key']}  {facts['title']}"), f"{where}  {facts['url']}" if where else facts["url"]]
    seen = f"first seen {_show_time(facts['first_seen_at'])}, last seen {_show_time(facts['last_seen_at'])}"
    if facts["removed_at"] is not None:
        seen += f", removed {_show_time(facts['removed_at'])} (the page answered 404/410)"
    lines.append(f"{len(versions)} version{'s' if len(versions) != 1 else ''}; {seen}")
    for previous, current in _pairs(versions):
        run = f"  run {current['run_id']}" if current["run_id"] is not None else ""
        lines.append("")
        if previous is None:
            lines.append(style.bold(f"version {current['version']}  seen {_show_time(current['fetched_at'])}") + run)
            continue
        fields, added, removed = version_change(previous, current)
        size = f"{fields.replace(',', ', ') if fields else 'no named field'}; +{added} -{removed} characters"
        lines.append(
            style.bold(f"version {previous['version']} -> {current['version']}  seen {_show_time(current['fetched_at'])}") + f"{run}  ({size})"
        )
        lines.extend(f"  {line}" for line in diff_lines(previous, current, style.color))
        if not fields:
            lines.append("  (only what is not shown here changed: images, breadcrumbs or the raw time text)")
    return "\n".join(lines)


def _history_json(facts: dict[str, Any], versions: list[dict[str, Any]]) -> dict[str, Any]:
    out = {name: _json_time(value) if isinstance(value, datetime) or name.endswith("_at") else value for name, value in facts.items()}
    out["versions"] = entries = []
    for previous, current in _pairs(versions):
        entry = {name: _json_time(value) if name in ("published_at", "fetched_at") else value for name, value in current.items()}
        entry["seen_at"] = entry.pop("fetched_at")
        fields, added, removed = version_change(previous, current)
        entry.update(fields_changed=fields.split(",") if fields else [] if previous else None, chars_added=added, chars_removed=removed)
        if previous is not None:
            old_texts, new_texts = field_texts(previous), field_texts(current)
            entry["changes"] = {
                name: {"old": old_texts[name] or None, "new": new_texts[name] or None} if name in SHORT_FIELDS else [
                    {"position": edit.i1, "removed": old_texts[name][edit.i1 : edit.i2], "added": new_texts[name][edit.j1 : edit.j2]}
                    for edit in char_edits(old_texts[name], new_texts[name])
                ]
                for name in changed_fields(previous, current)
            }  # fmt: skip
        entries.append(entry)
    return out


# The view created by migration 0005, as a table for queries (it is not in the models' metadata, so that
# Alembic's autogenerate leaves it alone).
ARTICLE_CHANGES = table(
    "article_changes",
    column("article_id", Integer), column("article_key", Text), column("city", Text), column("channel", Text),
    column("title", Text), column("kind", String), column("from_version", Integer), column("to_version", Integer),
    column("changed_at", db.UTCDateTime()), column("run_id", Integer), column("fields_changed", Text),
    column("chars_added", Integer), column("chars_removed", Integer), column("removed_at", db.UTCDateTime()),
)  # fmt: skip


def parse_since(value: str) -> datetime:
    """A date (YYYY-MM-DD: from 00:00 Beijing time that day) or an ISO 8601 time (Beijing time if no offset)."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"not a date or time: {value!r} (use YYYY-MM-DD or YYYY-MM-DDTHH:MM[+08:00])") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=BEIJING)


def _since_time(since: datetime | date | str | None) -> datetime | None:
    if since is None or isinstance(since, datetime):
        return since if since is None or since.tzinfo else since.replace(tzinfo=BEIJING)
    if isinstance(since, date):
        return datetime.combine(since, time(), BEIJING)
    return parse_since(since)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def change_rows(
    database_url: str, since: datetime | date | str | None = None, city: str | None = None, channel: str | None = None
) -> list[dict[str, Any]]:
    """The rows of `article_changes` in the period, oldest first, with fields_changed as a list.

    `channel` is the channel's name (潍坊新闻) or its slug in the article key (`news`, or `weifang/news`).
    Versions written without the change measured (NULL fields_changed, by a writer older than this module)
    are measured here from their texts.
    """
    _require_archive(database_url)
    view = ARTICLE_CHANGES
    query = select(view).order_by(view.c.changed_at, view.c.article_key, view.c.to_version)
    start = _since_time(since)
    if start is not None:
        query = query.where(view.c.changed_at >= start)
    if city:
        query = query.where(view.c.city == city)
    if channel:
        slug = _like_escape(channel)
        pattern = f"{slug}/%" if "/" in channel else f"%/{slug}/%"
        query = query.where(or_(view.c.channel == channel, view.c.article_key.like(pattern, escape="\\")))
    engine = db.make_engine(database_url)
    try:
        with Session(engine) as session:
            rows = [dict(row._mapping) for row in session.execute(query)]
            for row in rows:
                if row["kind"] == "edited" and row["fields_changed"] is None:
                    row["fields_changed"], row["chars_added"], row["chars_removed"] = _measure(session, row["article_id"], row["to_version"])
    finally:
        engine.dispose()
    for row in rows:
        fields = row["fields_changed"]
        row["fields_changed"] = None if fields is None else [name for name in fields.split(",") if name]
    return rows


def _measure(session: Session, article_id: int, version: int) -> tuple[str | None, int, int]:
    query = select(*(getattr(db.ArticleVersion, name) for name in VERSION_COLUMNS)).where(
        db.ArticleVersion.article_id == article_id, db.ArticleVersion.version.in_([version - 1, version])
    )
    found = {row.version: dict(row._mapping) for row in session.execute(query)}
    return version_change(found.get(version - 1), found[version])


def changes(
    database_url: str, since: datetime | date | str | None = None, city: str | None = None, channel: str | None = None, fmt: str = "table"
) -> str:
    """The articles edited or removed in the period (from `since`, a date in Beijing time, or everything),
    with the size of each change: `fmt` "table" or "json"."""
    if fmt not in ("table", "json"):
        raise ValueError(f"changes format is table or json, not {fmt!r}")
    rows = change_rows(database_url, since, city, channel)
    if fmt == "json":
        out = []
        for row in rows:
            entry = {name: value for name, value in row.items() if name != "article_id"}
            entry["changed_at"], entry["removed_at"] = _json_time(row["changed_at"]), _json_time(row["removed_at"])
            out.append(entry)
        return json.dumps(out, ensure_ascii=False, indent=2)
    if not rows:
        start = _since_time(since)
        return "no article was edited or removed" + (f" since {_show_time(start)}" if start else "")
    return _table(rows)


def _table(rows: Sequence[dict[str, Any]]) -> str:
    columns = ("when (+08:00)", "article", "city", "channel", "change", "fields", "+chars", "-chars", "title")
    table_rows = [columns]
    for row in rows:
        edited = row["kind"] == "edited"
        fields = row["fields_changed"]
        table_rows.append((
            _show_time(row["changed_at"])[:16], row["article_key"], row["city"] or "", row["channel"] or "",
            f"v{row['from_version']}->v{row['to_version']}" if edited else "removed",
            (",".join(fields) or "other") if edited and fields is not None else "-",
            str(row["chars_added"]) if edited else "-", str(row["chars_removed"]) if edited else "-", row["title"] or "",
        ))  # fmt: skip
    widths = [max(_width(row[i]) for row in table_rows) for i in range(len(columns))]
    return "\n".join("  ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in table_rows)
