"""`newscrawl stats`: what the archive holds, counted in SQL over the views of migration 0012.

Articles that are not removed (`articles_current`) are counted: in total and grouped by channel, source,
author or Beijing day, with the share of them that has a source, authors, a publication time and a
subtitle; the top sources and authors; and the stories with the most copies, from the `story_clusters`
view when it is there. Every figure is an aggregate query that runs the same on SQLite and PostgreSQL;
people are counted through `article_authors`, never by reading the JSON lists in Python. `--plot` draws
the articles per day and channel (newscrawl.plot).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, Text, and_, case, column, distinct, exists, func, inspect, literal, select, table
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from newscrawl import db
from newscrawl.history import ArchiveNotReady, _pad, _require_archive, _show_time, _width, parse_since

GROUPINGS = ("channel", "source", "author", "day")
FORMATS = ("table", "json")
PLOT_SUFFIXES = (".png", ".svg", ".pdf")
COVERAGE = ("with_source", "with_authors", "with_time", "with_subtitle")  # articles that have the field, per group
DEFAULT_TOP = 10

# The views of migration 0012 (not in the models' metadata: Alembic's autogenerate leaves them alone).
CURRENT = table(
    "articles_current",
    column("id", Integer), column("article_key", Text), column("city", Text), column("channel", Text), column("title", Text),
    column("subtitle", Text), column("source", Text), column("published_at", db.UTCDateTime()),
    column("published_date"),  # the Beijing day: text on SQLite, a date on PostgreSQL
)  # fmt: skip
AUTHORS = table("article_authors", column("article_id", Integer), column("article_key", Text), column("name", Text), column("position", Integer))
# Another migration's view (0011): one row per clustered article.
CLUSTERS = table("story_clusters", column("article_key", Text), column("cluster_id"), column("canonical_key", Text), column("copies", Integer))


class BadArgument(ValueError):
    """An option's value the command cannot use: reported in one line, exit status 2."""


def _filled(col: Any) -> Any:
    return and_(col.is_not(None), col != "")


def _day(value: Any) -> str | None:
    return None if value is None else str(value)[:10]  # SQLite gives text, PostgreSQL a date


def _coverage_columns() -> list[Any]:
    c = CURRENT.c
    has_authors = exists().where(AUTHORS.c.article_id == c.id)
    return [
        func.count(distinct(c.id)).label("articles"),
        func.sum(case((_filled(c.source), 1), else_=0)).label("with_source"),
        func.sum(case((has_authors, 1), else_=0)).label("with_authors"),
        func.count(c.published_at).label("with_time"),
        func.sum(case((_filled(c.subtitle), 1), else_=0)).label("with_subtitle"),
    ]


def _counts(row: Any) -> dict[str, int]:
    return {name: int(getattr(row, name) or 0) for name in ("articles", *COVERAGE)}


class Stats:
    """The queries, on one connection, for the articles published from `since` on (all when None)."""

    def __init__(self, connection: Connection, since: datetime | None = None):
        self.connection = connection
        self.since = since

    def _where(self, query: Any) -> Any:
        return query if self.since is None else query.where(CURRENT.c.published_at >= self.since)

    def totals(self) -> dict[str, Any]:
        c = CURRENT.c
        row = self.connection.execute(self._where(select(*_coverage_columns()))).one()
        days = self.connection.execute(
            self._where(select(func.min(c.published_date), func.max(c.published_date), func.count(distinct(c.published_date))))
        ).one()
        busiest = self.connection.execute(
            self._where(select(c.published_date, func.count().label("n")).where(c.published_date.is_not(None)))
            .group_by(c.published_date).order_by(func.count().desc(), c.published_date).limit(1)
        ).first()  # fmt: skip
        removed = select(func.count()).select_from(db.ARTICLES).where(db.ARTICLES.c.removed_at.is_not(None))
        if self.since is not None:
            removed = removed.where(db.ARTICLES.c.published_at >= self.since)
        return {
            **_counts(row),
            "removed": self.connection.scalar(removed) or 0,
            "first_day": _day(days[0]), "last_day": _day(days[1]), "days": days[2] or 0,
            "busiest_day": {"day": _day(busiest[0]), "articles": busiest[1]} if busiest else None,
        }  # fmt: skip

    def breakdown(self, by: str) -> list[dict[str, Any]]:
        """Articles and field coverage per channel, source, author or day; biggest first (days in order)."""
        c = CURRENT.c
        if by == "author":
            people = select(AUTHORS.c.article_id, AUTHORS.c.name).distinct().subquery()
            key = people.c.name
            query = select(key.label("key"), *_coverage_columns()).select_from(CURRENT.join(people, people.c.article_id == c.id))
        else:
            key = {"channel": c.channel, "source": c.source, "day": c.published_date}[by]
            query = select(key.label("key"), *_coverage_columns())
        rows = self.connection.execute(self._where(query).group_by(key)).all()
        out = [{by: _day(row.key) if by == "day" else row.key, **_counts(row)} for row in rows]
        if by == "day":
            return sorted(out, key=lambda r: (r["day"] is None, r["day"] or ""))
        return sorted(out, key=lambda r: (-r["articles"], r[by] is None, r[by] or ""))

    def top_sources(self, top: int) -> list[dict[str, Any]]:
        c = CURRENT.c
        query = self._where(select(c.source, func.count().label("n")).where(_filled(c.source)))
        rows = self.connection.execute(query.group_by(c.source).order_by(func.count().desc(), c.source).limit(top))
        return [{"source": source, "articles": n} for source, n in rows]

    def top_authors(self, top: int) -> list[dict[str, Any]]:
        c = CURRENT.c
        query = select(AUTHORS.c.name, func.count(distinct(c.id)).label("n")).select_from(CURRENT.join(AUTHORS, AUTHORS.c.article_id == c.id))
        query = self._where(query).group_by(AUTHORS.c.name).order_by(func.count(distinct(c.id)).desc(), AUTHORS.c.name).limit(top)
        return [{"name": name, "articles": n} for name, n in self.connection.execute(query)]

    def clusters(self, top: int) -> dict[str, Any]:
        """The stories with the most copies among the counted articles, or why there are none to show."""
        names = inspect(self.connection)
        if "story_clusters" not in {*names.get_view_names(), *names.get_table_names()}:
            return {"built": False, "note": "story clusters are not built (no story_clusters view in this archive)", "stories": []}
        if self.connection.execute(select(literal(1)).select_from(CLUSTERS).limit(1)).first() is None:
            return {"built": False, "note": "story clusters are not built yet (the story_clusters view is empty)", "stories": []}
        c, s = CURRENT.c, CLUSTERS.c
        copies, channels = func.count(distinct(c.id)), func.count(distinct(c.channel))
        groups = self._where(
            select(s.cluster_id, func.min(s.canonical_key).label("canonical_key"), copies.label("copies"), channels.label("channels"))
            .select_from(CLUSTERS.join(CURRENT, c.article_key == s.article_key))
        ).group_by(s.cluster_id).having(copies > 1)  # fmt: skip
        overall = self.connection.execute(select(func.count(), func.sum(groups.subquery().c.copies))).one()
        rows = self.connection.execute(groups.order_by(copies.desc(), func.min(s.canonical_key)).limit(top)).all()
        keys = [row.canonical_key for row in rows]
        titles = dict(self.connection.execute(select(db.Article.article_key, db.Article.title).where(db.Article.article_key.in_(keys))).all())
        stories = [
            {"cluster_id": row.cluster_id, "canonical_key": row.canonical_key, "title": titles.get(row.canonical_key),
             "copies": row.copies, "channels": row.channels}
            for row in rows
        ]  # fmt: skip
        note = None if stories else "no story has more than one copy"
        return {"built": True, "note": note, "stories_with_copies": overall[0] or 0, "articles_in_them": int(overall[1] or 0), "stories": stories}

    def per_day_and_channel(self) -> list[tuple[str, str | None, str, int]]:
        """(Beijing day, channel name, channel path from the article key e.g. weifang/news, articles), dated articles only."""
        c = CURRENT.c
        query = self._where(select(c.published_date, c.channel, func.min(c.article_key), func.count()).where(c.published_date.is_not(None)))
        rows = self.connection.execute(query.group_by(c.published_date, c.channel)).all()
        return [(str(day)[:10], channel, key.rsplit("/", 1)[0], n) for day, channel, key, n in rows]  # as _day, never None here


def collect(database_url: str, since: datetime | None = None, by: str = "channel", top: int = DEFAULT_TOP) -> dict[str, Any]:
    """Everything `newscrawl stats` shows, as a JSON-ready dict. Raises ArchiveNotReady for a database that
    is not an archive at the newest schema."""
    if by not in GROUPINGS:
        raise BadArgument(f"--by is one of {', '.join(GROUPINGS)}, not {by!r}")
    _require_archive(database_url)
    engine = db.make_engine(database_url)
    try:
        with engine.connect() as connection:
            stats = Stats(connection, since)
            return {
                "database": make_url(database_url).render_as_string(hide_password=True),
                "since": _show_time(since, "T") if since else None,
                "by": by,
                "totals": stats.totals(),
                "breakdown": stats.breakdown(by),
                "top_sources": stats.top_sources(top),
                "top_authors": stats.top_authors(top),
                "clusters": stats.clusters(top),
            }
    finally:
        engine.dispose()


def per_day_and_channel(database_url: str, since: datetime | None = None) -> list[tuple[str, str | None, str, int]]:
    engine = db.make_engine(database_url)
    try:
        with engine.connect() as connection:
            return Stats(connection, since).per_day_and_channel()
    finally:
        engine.dispose()


# --- rendering ---------------------------------------------------------------------------------------------


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def _grid(rows: Sequence[tuple[str, ...]], right: AbstractSet[int] = frozenset()) -> list[str]:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [" " * (w - _width(cell)) + cell if i in right else _pad(cell, w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
    return lines


NONE_LABEL = {"channel": "(no channel)", "source": "(no source)", "author": "(no author)", "day": "(no time)"}


def render_table(report: dict[str, Any]) -> str:
    totals, by = report["totals"], report["by"]
    n = totals["articles"]
    head = f"{report['database']}: {n} article{'s' if n != 1 else ''}"
    if totals["removed"]:
        head += f" ({totals['removed']} removed, not counted)"
    if report["since"]:
        head += f", published since {report['since'][:16].replace('T', ' ')} (+08:00)"
    lines = [head]
    if totals["first_day"]:
        busiest = totals["busiest_day"]
        lines.append(
            f"published {totals['first_day']} to {totals['last_day']} (Beijing time) on {totals['days']} days;"
            f" busiest {busiest['day']} with {busiest['articles']}"
        )
    lines.append("coverage: " + ", ".join(f"{name[5:]} {_share(totals[name], n)} ({totals[name]})" for name in COVERAGE))

    rows: list[tuple[str, ...]] = [(f"by {by}", "articles", "source", "authors", "time", "subtitle")]
    for row in report["breakdown"]:
        rows.append((row[by] or NONE_LABEL[by], str(row["articles"]), *(_share(row[name], row["articles"]) for name in COVERAGE)))
    lines += ["", *_grid(rows, right={1, 2, 3, 4, 5})]

    for name, label, title in (("top_sources", "source", "top sources"), ("top_authors", "name", "top authors")):
        if (by, name) in (("source", "top_sources"), ("author", "top_authors")):
            continue  # the breakdown above shows them already
        entries = report[name]
        lines.append("")
        if entries:
            lines += _grid([(title, "articles"), *((entry[label], str(entry["articles"])) for entry in entries)], right={1})
        else:
            lines.append(f"{title}: none")

    clusters = report["clusters"]
    lines.append("")
    if clusters["stories"]:
        stories = clusters["stories_with_copies"]
        have = "1 story has" if stories == 1 else f"{stories} stories have"
        lines.append(f"stories with the most copies ({have} copies, {clusters['articles_in_them']} articles in all)")
        rows = [("copies", "channels", "first copy", "title")]
        rows += [(str(s["copies"]), str(s["channels"]), s["canonical_key"] or "", s["title"] or "") for s in clusters["stories"]]
        lines += _grid(rows, right={0, 1})
    else:
        lines.append(clusters["note"])
    return "\n".join(lines)


def render(report: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report, ensure_ascii=False, indent=2)
    return render_table(report)


def write_plot(database_url: str, path: Path, since: datetime | None = None, font: str | bool | None = True) -> str | None:
    """Draw the articles per day and channel into `path`; returns a warning line when no CJK font is
    installed (channels are then labelled by slug). `font`: True to look one up, else the font to use."""
    from newscrawl import plot

    plot.require_matplotlib()
    if font is True:
        font = plot.cjk_font()
    series: dict[str, dict[date, int]] = defaultdict(dict)
    for day, channel, slug, count in per_day_and_channel(database_url, since):
        label = (channel or slug) if font else slug
        day_ = date.fromisoformat(day)
        series[label][day_] = series[label].get(day_, 0) + count  # channels without a name share their slug's series
    plot.articles_over_time(series, path, font=font or None, note=f" since {_show_time(since)[:10]}" if since else "")
    return None if font else plot.no_font_warning()


# --- the command -------------------------------------------------------------------------------------------


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the `newscrawl` parser."""
    stats = commands.add_parser("stats", help="articles per channel and day, field coverage, top sources, authors and copied stories")
    stats.add_argument("--db", help="SQLAlchemy URL (default: $NEWSCRAWL_DATABASE_URL or sqlite:///data/newscrawl.db)")
    stats.add_argument("--since", help="articles published from this date (YYYY-MM-DD, Beijing time) or time (ISO 8601)")
    stats.add_argument("--by", default="channel", help=f"group the articles by {', '.join(GROUPINGS)} (default channel)")
    stats.add_argument("--format", default="table", help="table or json")
    stats.add_argument("--top", default=str(DEFAULT_TOP), help=f"entries in the top lists (default {DEFAULT_TOP})")
    stats.add_argument("--plot", metavar="FILE.png", help="also draw the articles per day and channel into this image (needs matplotlib)")
    stats.set_defaults(run=cmd_stats)


def _arguments(args: argparse.Namespace) -> tuple[str, datetime | None, int, Path | None]:
    if args.by not in GROUPINGS:
        raise BadArgument(f"--by is one of {', '.join(GROUPINGS)}, not {args.by!r}")
    if args.format not in FORMATS:
        raise BadArgument(f"--format is table or json, not {args.format!r}")
    try:
        top = int(args.top)
    except ValueError:
        top = 0
    if top < 1:
        raise BadArgument(f"--top wants a whole number above 0, not {args.top!r}")
    try:
        since = parse_since(args.since) if args.since else None
    except ValueError as error:
        raise BadArgument(f"--since: {error}") from None
    url = db.database_url(args.db)
    try:
        make_url(url)
    except ArgumentError:
        raise BadArgument(f"--db: not a database URL: {url!r} (e.g. sqlite:///data/newscrawl.db)") from None
    path = Path(args.plot) if args.plot else None
    if path is not None:
        if path.suffix.lower() not in PLOT_SUFFIXES:
            raise BadArgument(f"--plot: name a {', '.join(PLOT_SUFFIXES)} file, not {args.plot!r}")
        if not path.parent.is_dir():
            raise BadArgument(f"--plot: no folder {str(path.parent)!r} to write {path.name} into")
    return url, since, top, path


def cmd_stats(args: argparse.Namespace) -> int:
    from newscrawl.plot import PlotUnavailable, require_matplotlib

    try:
        url, since, top, path = _arguments(args)
        if path is not None:
            require_matplotlib()
    except (BadArgument, PlotUnavailable) as error:
        print(f"newscrawl stats: {error}", file=sys.stderr)
        return 2
    try:
        report = collect(url, since, args.by, top)
        print(render(report, args.format))
        if path is not None:
            warning = write_plot(url, path, since)
            if warning:
                print(f"newscrawl stats: {warning}", file=sys.stderr)
            print(f"plot written to {path}", file=sys.stderr)
    except ArchiveNotReady as error:
        print(f"newscrawl stats: {error}", file=sys.stderr)
        return 1
    except OperationalError as error:
        print(
            f"newscrawl stats: cannot read {make_url(url).render_as_string(hide_password=True)}: {error.orig or error}".splitlines()[0],
            file=sys.stderr,
        )
        return 1
    return 0
