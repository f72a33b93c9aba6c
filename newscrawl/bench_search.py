"""Benchmark of the full-text search: ranked top-20 latency against a LIKE scan, on SQLite and PostgreSQL.

    newscrawl bench search --articles 100000 [--postgres URL]

Fills a scratch archive (a temporary SQLite file, and a database created and dropped on the PostgreSQL
server) with N articles of about 1,200 characters written by the mirror's text generator, the index built
as the archive writer builds it on SQLite (newscrawl.search_index.apply in the insert's transaction) and on
PostgreSQL as migration 0013 and `rebuild` build it (the expression GIN index created after the rows), then
times a fixed mix of 1-6 character queries: rare words, and common ones found in a third of the archive or
more. Prints the index's size beside the table's, and ends with one line:
`search p95: sqlite X ms, postgresql Y ms; LIKE scan p95: sqlite Z ms, postgresql W ms (N articles)`.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import case, or_, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from newscrawl import db, migrate, search_index
from newscrawl.bench_crawl import _scratch_postgres
from newscrawl.indexes import Text, TextChange
from newscrawl.mirror.content import CHANNEL_WEIGHTS, _Writer, channel_name
from newscrawl.search import _like, parse_query, search

BEIJING = timezone(timedelta(hours=8))
BODY_CHARS = 1200
STORIES = 4000  # the generator's stories whose paragraphs the articles are made of
FILL_BATCH = 2000
REPEATS = 5  # timings per query (the first run of each is a warm-up, not counted)
LIKE_REPEATS = 2
COMMON_SHARE = 1 / 3


def bench_search(articles: int, postgres_url: str | None = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres", seed: int = 0) -> str:
    """Run the benchmark; returns the report, whose last line is the summary."""
    rows = list(generate(articles, seed))
    queries = pick_queries(rows, seed)
    lines = [f"{articles} articles, {sum(len(r['body']) for r in rows) / max(len(rows), 1):.0f} body characters on average", ""]
    lines.append("queries: " + "  ".join(f"{q}({share:.0%})" for q, share in queries))
    summary: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        summary["sqlite"] = _run("sqlite", url, rows, queries, lines)
    if postgres_url:
        url, drop = _scratch_postgres(postgres_url)
        try:
            summary["postgresql"] = _run("postgresql", url, rows, queries, lines)
        finally:
            drop()
    sqlite, postgresql = summary["sqlite"], summary.get("postgresql", (float("nan"), float("nan")))
    lines.append(
        f"search p95: sqlite {sqlite[0]:.1f} ms, postgresql {postgresql[0]:.1f} ms; "
        f"LIKE scan p95: sqlite {sqlite[1]:.1f} ms, postgresql {postgresql[1]:.1f} ms ({articles} articles)"
    )
    return "\n".join(lines)


# --- the archive ------------------------------------------------------------------------------------------


def generate(count: int, seed: int) -> Iterator[dict[str, Any]]:
    """`count` article rows: a generated story's title, and paragraphs of generated stories up to ~BODY_CHARS."""
    rng = random.Random(seed)
    writer = _Writer(rng)
    channels = list(CHANNEL_WEIGHTS)
    start = datetime(2011, 1, 1, tzinfo=BEIJING)
    titles: list[str] = []
    paragraphs: list[str] = []
    for number in range(min(STORIES, max(count, 1))):
        city, channel = rng.choice(channels)
        story = writer.story(number, city, channel, start + timedelta(days=rng.randrange(4000)), set())
        titles.append(story.title)
        paragraphs.extend(story.paragraphs)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    for number in range(1, count + 1):
        city, channel = rng.choice(channels)
        body: list[str] = []
        while sum(map(len, body)) < BODY_CHARS:
            body.append(rng.choice(paragraphs))
        published = start + timedelta(minutes=rng.randrange(11 * 365 * 24 * 60))
        yield {
            "id": number, "article_key": f"{city}/{channel}/{10_000_000 + number}", "url": f"https://www.yybnet.net/{city}/{channel}/{number}.html",
            "canonical_url": f"https://www.yybnet.net/{city}/{channel}/{number}.html", "city": city, "channel": channel_name(city, channel),
            "breadcrumbs": [], "title": rng.choice(titles), "source": None, "published_at": published, "authors": [], "editors": [],
            "body": "\n".join(body), "images": [], "content_hash": f"{number:064x}", "crawled_at": now, "first_seen_at": now,
            "last_seen_at": now, "version": 1,
        }  # fmt: skip


def fill(engine: Engine, rows: list[dict[str, Any]], bulk: bool = True) -> None:
    """Bulk inserts (each row's article_checks row too), the index kept as the archive writer keeps it: search_index.apply
    in each batch's transaction (SQLite; PostgreSQL maintains its expression index itself).

    `bulk` on PostgreSQL: the expression index is dropped for the inserts and created again after them, as migration
    0013 builds it (kept up to date row by row, it is slower to fill and larger).
    """
    postgresql = engine.dialect.name == "postgresql" and bulk
    if postgresql:
        with engine.begin() as connection:
            connection.execute(text(f"DROP INDEX {search_index.PG_INDEX}"))
    for start in range(0, len(rows), FILL_BATCH):
        batch = rows[start : start + FILL_BATCH]
        with Session(engine) as session, session.begin():
            db.insert_articles(session, batch)
            search_index.apply(session, [TextChange(row["id"], None, Text(row["title"], row["body"])) for row in batch])
    if postgresql:
        with engine.begin() as connection:
            connection.execute(text(search_index.CREATE_PG_INDEX))


# --- the queries ------------------------------------------------------------------------------------------


def pick_queries(rows: list[dict[str, Any]], seed: int) -> list[tuple[str, float]]:
    """A fixed mix (for a seed and N): for each length 1-6, the most common string of Chinese characters (in a
    third of the articles or more where one is) and a rare one; then two words, and a word with an exclusion."""
    rng = random.Random(seed + 1)
    sample = rng.sample(rows, min(len(rows), 1500))
    texts = [row["title"] + "\n" + row["body"] for row in sample]
    picked: list[str] = []
    for length in range(1, 7):
        counts: Counter = Counter()
        for value in texts:
            counts.update({value[i : i + length] for i in range(len(value) - length + 1)})
        # Chinese words, most common first; ties in the order of the strings (not of the set, which varies with the hash seed)
        usable = sorted(((gram, n) for gram, n in counts.items() if all("\u4e00" <= ch <= "\u9fff" for ch in gram)), key=lambda gn: (-gn[1], gn[0]))
        picked.append(usable[0][0])
        rare = [gram for gram, n in usable if n == 1]
        picked.append(rng.choice(rare) if rare else usable[-1][0])
    picked += [f"{picked[2]} {picked[4]}", f"{picked[2]} -{picked[3]}"]
    return [(query, _share(texts, query)) for query in picked]


def _share(texts: list[str], query: str) -> float:
    parsed = parse_query(query)
    hits = sum(all(w in t for w in parsed.words) and not any(w in t for w in parsed.excluded) for t in texts)
    return hits / max(len(texts), 1)


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def _timed(run: Callable[[], Any], repeats: int) -> list[float]:
    run()  # warm-up: the first run reads pages into the cache
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def like_scan(engine: Engine, query: str, limit: int = 20) -> list[int]:
    """The same ranked top-20 without an index: LIKE over every row, title hits first, then the newest."""
    parsed = parse_query(query)
    article = db.ARTICLES.c
    found = [or_(_like(article.title, w), _like(article.body, w)) for w in parsed.words]
    excluded = [~or_(_like(article.title, w), _like(article.body, w)) for w in parsed.excluded]
    in_title: Any = sum((case((_like(article.title, w), 1), else_=0) for w in parsed.words), start=0)  # an SQL expression
    statement = select(article.id).where(*found, *excluded).order_by(in_title.desc(), article.published_at.desc(), article.id.desc())
    with engine.connect() as connection:
        return list(connection.scalars(statement.limit(limit)))


def _run(name: str, url: str, rows: list[dict[str, Any]], queries: list[tuple[str, float]], lines: list[str]) -> tuple[float, float]:
    migrate.upgrade(url)
    engine = db.make_engine(url)
    try:
        started = time.perf_counter()
        fill(engine, rows)
        filled = time.perf_counter() - started
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for statement in ["VACUUM ANALYZE articles", "VACUUM ANALYZE article_checks"] if name == "postgresql" else ["ANALYZE"]:
                connection.execute(text(statement))
        lines += ["", f"{name}: filled in {filled:.1f} s ({len(rows) / filled:.0f} articles/s, index included)", sizes(engine)]
        searches: list[float] = []
        scans: list[float] = []
        for query, share in queries:
            times = _timed(partial(search, engine, query, limit=20), REPEATS)
            like_times = _timed(partial(like_scan, engine, query), LIKE_REPEATS)
            searches += times
            scans += like_times
            search_ms, like_ms = statistics.median(times), statistics.median(like_times)
            lines.append(f"  {query:<14} in {share:>4.0%}  search {search_ms:7.1f} ms (max {max(times):6.1f})  LIKE scan {like_ms:8.1f} ms")
        result = (_p95(searches), _p95(scans))
        lines.append(f"  p95: search {result[0]:.1f} ms, LIKE scan {result[1]:.1f} ms")
        return result
    finally:
        engine.dispose()


def sizes(engine: Engine) -> str:
    """The index's size beside the table's (SQLite: dbstat pages; PostgreSQL: relation sizes)."""
    mb = 1024 * 1024
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            used: dict[str, int] = dict(connection.execute(text("SELECT name, sum(pgsize) FROM dbstat GROUP BY name")).all())
            index = sum(size for table, size in used.items() if table.startswith(search_index.TABLE))
            table = used.get("articles", 0)
            return f"  size: index {index / mb:.1f} MB (FTS5 shadow tables), articles table {table / mb:.1f} MB"
        index, table, total, checks = connection.execute(text(
            f"SELECT pg_relation_size('{search_index.PG_INDEX}'), pg_table_size('articles'), pg_total_relation_size('articles'),"
            " pg_total_relation_size('article_checks')"
        )).one()  # fmt: skip
    return (
        f"  size: index {index / mb:.1f} MB (GIN expression index), articles table {table / mb:.1f} MB"
        f" (heap and TOAST; {total / mb:.1f} MB with all its indexes; article_checks {checks / mb:.1f} MB with its indexes)"
    )
