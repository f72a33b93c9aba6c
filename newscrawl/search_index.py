"""The full-text index of the articles' titles and bodies, kept in step by the archive writer (newscrawl.indexes).

SQLite: the contentless FTS5 table `article_search(title, body)`, rowid = articles.id, whose indexed text is
the title and the body with one space between every character (`spaced`), so that every character is a
token and any substring is the FTS5 phrase of its characters. Contentless without contentless_delete
(SQLite 3.40): an entry is removed with the 'delete' command and the exact values it was indexed with, which
the writer's notes carry (TextChange.old).

PostgreSQL: the expression GIN index `ix_articles_search` on `newscrawl_grams(title || E'\\n' || body)`: every
distinct 1- and 2-character substring of the title and body (as integers, computed by the SQL function
`newscrawl_grams`). PostgreSQL keeps it in step by itself, so `apply` has nothing to do there. That is cheap only
because revisits do not write `articles`: an UPDATE of a row that is not HOT inserts all the row's grams into the
GIN index again, text changed or not, so the bookkeeping of every fetch (last_seen_at, next_check_at and the
validators, the first two indexed) lives in `article_checks` (migration 0013, newscrawl.db). Migrations 0010 to
0012 kept the grams in a side table, `search_grams`, for that reason; its definitions stay here for those
migrations (0010 creates it, 0013 drops it, 0013's downgrade makes it again).

newscrawl.search queries both and checks every candidate with LIKE on the row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from newscrawl.indexes import TextChange

TABLE = "article_search"
CREATE_FTS = f"CREATE VIRTUAL TABLE {TABLE} USING fts5(title, body, content='', tokenize='unicode61 remove_diacritics 0')"
INSERT = text(f"INSERT INTO {TABLE} (rowid, title, body) VALUES (:id, :title, :body)")
DELETE = text(f"INSERT INTO {TABLE} ({TABLE}, rowid, title, body) VALUES ('delete', :id, :title, :body)")
BATCH = 2000  # rows read and indexed at a time by `fill`

# PostgreSQL: every character as its code point, and every two adjacent ones as (first << 21) | second (code
# points need 21 bits, so the two kinds never meet). Integers rather than text: the GIN build compares keys
# with no collation, about 3 times faster at the same size. COST: about 1 ms for 1,500 characters.
GRAMS_FUNCTION = r"""
CREATE OR REPLACE FUNCTION newscrawl_grams(text) RETURNS bigint[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000000 AS $$
    SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
        SELECT ascii(x)::bigint AS g FROM unnest(string_to_array($1, NULL)) AS x
        UNION ALL
        SELECT (ascii(x)::bigint << 21) | ascii(y)
        FROM unnest(string_to_array($1, NULL), (string_to_array($1, NULL))[2:]) AS t(x, y) WHERE y IS NOT NULL
    ) s
$$
"""
# A query must spell the expression as the index does, or the planner cannot use the index (newscrawl.search).
GRAMS_EXPRESSION = "newscrawl_grams(title || E'\\n' || body)"
PG_INDEX = "ix_articles_search"
CREATE_PG_INDEX = f"CREATE INDEX {PG_INDEX} ON articles USING gin (({GRAMS_EXPRESSION}))"
REINDEX_PG = f"REINDEX INDEX {PG_INDEX}"

# The side table of migrations 0010 to 0012 (see above). Migration 0010 runs CREATE_PG_TABLE and fill_postgresql,
# 0013's downgrade too: these must not change.
PG_TABLE = "search_grams"  # "search_": a derived table, which newscrawl export skips and newscrawl import rebuilds
PG_TABLE_INDEX = "ix_search_grams_grams"
CREATE_PG_TABLE = (
    f"CREATE TABLE {PG_TABLE} (article_id integer NOT NULL, grams bigint[] NOT NULL, CONSTRAINT pk_{PG_TABLE} PRIMARY KEY (article_id),"
    f" CONSTRAINT fk_{PG_TABLE}_article_id_articles FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE)"
)
CREATE_PG_TABLE_INDEX = f"CREATE INDEX {PG_TABLE_INDEX} ON {PG_TABLE} USING gin (grams)"
PG_FILL = f"INSERT INTO {PG_TABLE} (article_id, grams) SELECT id, {GRAMS_EXPRESSION} FROM articles"


def spaced(value: str | None) -> str:
    """The text as the FTS5 table indexes it: one space between every character."""
    return " ".join(value or "")


def grams(term: str) -> list[int]:
    """The PostgreSQL index entries every text containing `term` has: its pairs of characters, or its one character."""
    if len(term) == 1:
        return [ord(term)]
    return sorted({ord(a) << 21 | ord(b) for a, b in pairwise(term)})


def apply(session: Session, changes: Sequence[TextChange]) -> None:
    """Keep the index in step with the archive writer's text changes (flushed), in its transaction, in their order.

    SQLite only: PostgreSQL's expression index follows the rows by itself."""
    if session.bind.dialect.name != "sqlite":  # type: ignore[union-attr]
        return
    steps: list[tuple[Any, dict[str, Any]]] = []
    for change in changes:
        if change.old is not None:
            steps.append((DELETE, _values(change.article_id, change.old.title, change.old.body)))
        if change.new is not None:
            steps.append((INSERT, _values(change.article_id, change.new.title, change.new.body)))
    for statement, rows in _runs(steps):
        session.execute(statement, rows)


def _values(article_id: int, title: str | None, body: str | None) -> dict[str, Any]:
    return {"id": article_id, "title": spaced(title), "body": spaced(body)}


def _runs(steps: list[tuple[Any, dict[str, Any]]]) -> Iterable[tuple[Any, list[dict[str, Any]]]]:
    """Consecutive steps of one statement, as one executemany each (the order between them is kept)."""
    run: list[dict[str, Any]] = []
    current = None
    for statement, values in steps:
        if statement is not current and run:
            yield current, run
            run = []
        current = statement
        run.append(values)
    if run:
        yield current, run


def fill(connection: Connection) -> int:
    """Index every article row (the index empty), in batches by id; returns the rows indexed. SQLite only."""
    last, count = 0, 0
    while True:
        rows = connection.execute(
            text("SELECT id, title, body FROM articles WHERE id > :last ORDER BY id LIMIT :n"), {"last": last, "n": BATCH}
        ).all()
        if not rows:
            return count
        connection.execute(INSERT, [_values(row.id, row.title, row.body) for row in rows])
        last, count = rows[-1].id, count + len(rows)


def fill_postgresql(connection: Connection) -> None:
    """Derive migration 0010's side table from every article row, its GIN index built after the rows (faster, smaller)."""
    connection.execute(text(f"DROP INDEX IF EXISTS {PG_TABLE_INDEX}"))
    connection.execute(text(f"TRUNCATE {PG_TABLE}"))
    connection.execute(text(PG_FILL))
    connection.execute(text(CREATE_PG_TABLE_INDEX))


def rebuild(engine: Engine) -> None:
    """Derive the index again from every article row, in one transaction.

    PostgreSQL: REINDEX of the expression index (compact again after many inserts; created if it went missing)."""
    with engine.begin() as connection:
        if engine.dialect.name != "sqlite":
            present = connection.scalar(text("SELECT to_regclass(:name) IS NOT NULL"), {"name": PG_INDEX})
            connection.execute(text(REINDEX_PG if present else CREATE_PG_INDEX))
            return
        connection.execute(text(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('delete-all')"))
        fill(connection)
