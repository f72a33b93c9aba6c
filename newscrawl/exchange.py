"""`newscrawl export` and `newscrawl import`: the archive as files, and the way to move it between databases.

    newscrawl export --db sqlite:///data/newscrawl.db --format jsonl | newscrawl import - --db postgresql+psycopg://...

Formats:

* `jsonl` (the archive, for `newscrawl import`): a header line
  `{"format": "newscrawl-archive", "format_version": 1, "schema_revision": "0013", ...}`, then one line per
  row, `{"table": "articles", "row": {...}}`, table by table in foreign-key order (parents first) and by
  primary key within a table, then a last line `{"end": true, "rows": {"articles": 60, ...}}` so that an
  import of a cut-off stream fails instead of loading part of an archive. Every table of the models'
  metadata is written (the tables are read from `newscrawl.db.Base.metadata` when the command runs) except
  the derived indexes, which `newscrawl import` rebuilds (`newscrawl.indexes.rebuild_all`): a table is
  derived when its name starts with one of `DERIVED_TABLE_PREFIXES` (`search_`, `story_`: the story
  clusters; or the comma-separated prefixes in $NEWSCRAWL_DERIVED_TABLE_PREFIXES) or its `Table.info` has
  `derived=True`. Times are ISO 8601 with their offset, JSON columns stay JSON, ids are kept, so
  `reprint_of_id`, run ids and the WARC pointers (`warc_file`, `warc_offset`) still hold: move the WARC
  folder (data/warc/) as it is. A file written before schema revision 0013 has no `article_checks` table:
  its `articles` rows carry last_seen_at, last_run_id, next_check_at, etag and last_modified, which the
  import moves into `article_checks` rows (`db.CHECK_COLUMNS`).
* `csv` and `parquet`: the articles only, one flat row each: the columns of `articles`, then those of its
  `article_checks` row (`db.CHECK_COLUMNS`); lists and objects as JSON text, times ISO 8601 with offset (CSV)
  or timestamp[us, UTC] (Parquet, one row group per batch).

Filters (`--since`, `--city`, `--channel`) select articles: published from `--since` on (a date is
00:00 Beijing time; articles without a time are left out), of one city, of one channel (name or slug).
The selected articles take their rows of any table with a foreign key to `articles` with them (versions,
suspect versions). Every crawl run is exported whatever the filters (few rows, and the articles point at
them); the failure tables are narrowed by `--since` alone, on when the failure was recorded
(`PERIOD_COLUMNS`). A reprint whose first copy is not selected loses its `reprint_of_id` in that export.

Rows are read in keyset pages of `BATCH_SIZE` and written as they come, and an import inserts batches of
`BATCH_SIZE` as it reads, so memory stays flat whatever the archive's size. An import is one transaction:
it loads all or nothing.
"""

from __future__ import annotations

import argparse
import base64
import csv
import io
import json
import os
import sys
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    Table,
    Time,
    TypeDecorator,
    Uuid,
    bindparam,
    case,
    exists,
    func,
    insert,
    or_,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

FORMAT = "newscrawl-archive"
FORMAT_VERSION = 1
FORMATS = ("jsonl", "csv", "parquet")
BATCH_SIZE = 1000  # rows per page read, per insert, per Parquet row group
SQL_NULL_JSON = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
# Tables rebuilt from the rows on import (full-text index, story clusters): never exported.
DERIVED_TABLE_PREFIXES = ("search_", "story_")
DERIVED_PREFIXES_ENV = "NEWSCRAWL_DERIVED_TABLE_PREFIXES"
# The time that puts a failure row in the `--since` period.
PERIOD_COLUMNS = {"fetch_failures": "recorded_at", "extraction_failures": "recorded_at", "dead_links": "last_failed_at"}
PARQUET_INSTALL = "pip install 'newscrawl[parquet]'"


class ExchangeError(Exception):
    """A refusal or a bad input, told to the user in one line."""


# ---- which tables --------------------------------------------------------------------------------------


def derived_prefixes() -> tuple[str, ...]:
    configured = os.environ.get(DERIVED_PREFIXES_ENV)
    if configured is None:
        return DERIVED_TABLE_PREFIXES
    return tuple(p.strip() for p in configured.split(",") if p.strip())


def is_derived(table: Table) -> bool:
    return bool(table.info.get("derived")) or table.name.startswith(derived_prefixes())


def archive_tables(metadata: Any = None) -> list[Table]:
    """The tables an archive file holds, parents before children: every table of the metadata but the derived."""
    if metadata is None:
        from newscrawl.db import Base

        metadata = Base.metadata
    return [table for table in metadata.sorted_tables if not is_derived(table)]


# ---- values --------------------------------------------------------------------------------------------


def encode(value: Any) -> Any:
    """json.dumps' `default`: the values JSON has no type for."""
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (Decimal, uuid.UUID)):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def _base_type(column: Any) -> Any:
    kind = column.type
    return kind.impl_instance if isinstance(kind, TypeDecorator) else kind


def _decoder(column: Any) -> Any:
    """How to read back a column's value from its JSON form (None: as it is)."""
    kind = _base_type(column)
    if isinstance(kind, JSON):
        return None
    if isinstance(kind, DateTime):
        return datetime.fromisoformat
    if isinstance(kind, Date):
        return date.fromisoformat
    if isinstance(kind, Time):
        return time.fromisoformat
    if isinstance(kind, LargeBinary):
        return base64.b64decode
    if isinstance(kind, Uuid):
        return uuid.UUID
    if isinstance(kind, Numeric) and not isinstance(kind, Float) and kind.asdecimal:
        return Decimal
    return None


def _flat(value: Any) -> Any:
    """A CSV cell: JSON text for lists and objects, ISO 8601 for times, empty for NULL."""
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return value


# ---- reading -------------------------------------------------------------------------------------------


class Selection:
    """The article filters, as conditions on `articles` or an alias of it."""

    def __init__(self, since: datetime | None = None, city: str | None = None, channel: str | None = None):
        self.since, self.city, self.channel = since, city, channel

    def __bool__(self) -> bool:
        return any(value is not None for value in (self.since, self.city, self.channel))

    def conditions(self, articles: Any) -> list[ColumnElement[bool]]:
        found = []
        if self.since is not None:
            found.append(articles.c.published_at >= self.since)
        if self.city:
            found.append(articles.c.city == self.city)
        if self.channel:
            slug = self.channel.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"{slug}/%" if "/" in self.channel else f"%/{slug}/%"
            found.append(or_(articles.c.channel == self.channel, articles.c.article_key.like(pattern, escape="\\")))
        return found

    def describe(self) -> dict[str, str]:
        described = {"since": self.since.isoformat() if self.since else None, "city": self.city, "channel": self.channel}
        return {name: value for name, value in described.items() if value is not None}


def _query(table: Table, selection: Selection) -> Any:
    """Every exported row of `table` under `selection`, without order or limit."""
    articles = table.metadata.tables["articles"]
    if not selection:
        return select(table)
    if table is articles:
        columns: list[ColumnElement[Any]] = []
        for column in table.columns:
            refs = [fk for fk in column.foreign_keys if fk.column.table is articles]
            if refs:  # a reprint keeps its link only to a selected first copy
                first = articles.alias("first_copy")
                chosen = exists().where(first.c.id == column, *selection.conditions(first))
                columns.append(case((chosen, column), else_=None).label(column.name))
            else:
                columns.append(column)
        return select(*columns).where(*selection.conditions(articles))
    query = select(table)
    chosen_ids = select(articles.c.id).where(*selection.conditions(articles))
    for column in table.columns:
        if any(fk.column.table is articles for fk in column.foreign_keys):
            query = query.where(or_(column.is_(None), column.in_(chosen_ids)))
    if table.name in PERIOD_COLUMNS and selection.since is not None:
        query = query.where(table.c[PERIOD_COLUMNS[table.name]] >= selection.since)
    return query


def read_pages(connection: Connection, table: Table, selection: Selection) -> Iterator[list[dict[str, Any]]]:
    """The rows of `table` in primary-key order, a page of at most BATCH_SIZE at a time (keyset paging)."""
    batch = BATCH_SIZE
    query = _query(table, selection)
    key = list(table.primary_key.columns)
    if not key:  # no key to page on: one streamed query
        result = connection.execution_options(yield_per=batch).execute(query).mappings()
        for page in result.partitions(batch):
            yield [dict(row) for row in page]
        return
    query = query.order_by(*key).limit(batch)
    last = None
    while True:
        page_query = query
        if last is not None:
            page_query = query.where(key[0] > last[0] if len(key) == 1 else tuple_(*key) > tuple_(*last))
        rows = [dict(row) for row in connection.execute(page_query).mappings()]
        if rows:
            yield rows
        if len(rows) < batch:
            return
        last = [rows[-1][column.name] for column in key]


# ---- export --------------------------------------------------------------------------------------------


def _open_source(url: str) -> Engine:
    """An engine on an existing archive at the newest schema, or ExchangeError."""
    from newscrawl import migrate
    from newscrawl.db import make_engine

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:" and not Path(parsed.database).exists():
        raise ExchangeError(f"no archive at {parsed.database}")
    revision, head = migrate.current_revision(url), migrate.head_revision()
    if revision != head:
        raise ExchangeError(f"{_shown(url)} is at schema revision {revision}, not {head}: run `newscrawl db upgrade --url URL` first")
    return make_engine(url)


def _snapshot(connection: Connection) -> Connection:
    """Every page of every table read from one snapshot, while a crawl may be writing."""
    if connection.dialect.name == "postgresql":
        connection.execution_options(isolation_level="REPEATABLE READ")
    elif connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        connection.exec_driver_sql("BEGIN")  # pysqlite opens no transaction for reads: WAL keeps this one's snapshot
    return connection


def export_jsonl(url: str, out: IO[str], selection: Selection | None = None) -> dict[str, int]:
    """Write the archive at `url` to `out` as JSONL; returns the rows written per table."""
    from newscrawl import migrate

    selection = selection or Selection()
    tables = archive_tables()
    engine = _open_source(url)
    counts: dict[str, int] = {}
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": migrate.head_revision(),
        "exported_at": datetime.now(UTC).isoformat(),
        "tables": [table.name for table in tables],
        "filters": selection.describe(),
    }
    try:
        with engine.connect() as connection:
            _snapshot(connection)
            out.write(json.dumps(header, ensure_ascii=False) + "\n")
            for table in tables:
                counts[table.name] = 0
                for page in read_pages(connection, table, selection):
                    out.write("".join(json.dumps({"table": table.name, "row": row}, ensure_ascii=False, default=encode) + "\n" for row in page))
                    counts[table.name] += len(page)
            out.write(json.dumps({"end": True, "rows": counts}) + "\n")
    finally:
        engine.dispose()
    return counts


def _article_columns() -> list[Any]:
    """The columns of a flat article row: those of `articles`, then those of its `article_checks` row."""
    from newscrawl.db import CHECK_COLUMNS, Base

    checks = Base.metadata.tables["article_checks"]
    return [*Base.metadata.tables["articles"].columns, *(checks.c[name] for name in CHECK_COLUMNS)]


def _article_pages(url: str, selection: Selection) -> Iterator[list[dict[str, Any]]]:
    """Flat article rows (`_article_columns`), a page at a time: the articles' page, then their article_checks rows."""
    from newscrawl.db import CHECK_COLUMNS, Base

    articles, checks = Base.metadata.tables["articles"], Base.metadata.tables["article_checks"]
    engine = _open_source(url)
    try:
        with engine.connect() as connection:
            for page in read_pages(_snapshot(connection), articles, selection):
                query = select(checks).where(checks.c.article_id.in_([row["id"] for row in page]))
                found = {row["article_id"]: row for row in connection.execute(query).mappings()}
                yield [{**row, **{name: found[row["id"]][name] if row["id"] in found else None for name in CHECK_COLUMNS}} for row in page]
    finally:
        engine.dispose()


def export_csv(url: str, out: IO[str], selection: Selection | None = None) -> int:
    """Write the articles to `out` as CSV (header row first); returns the rows written."""
    columns = _article_columns()
    writer = csv.writer(out)
    writer.writerow([column.name for column in columns])
    count = 0
    for page in _article_pages(url, selection or Selection()):
        writer.writerows([[_flat(row[column.name]) for column in columns] for row in page])
        count += len(page)
    return count


def _arrow_type(pa: Any, column: Any) -> Any:
    kind = _base_type(column)
    if isinstance(kind, JSON):
        return pa.string()
    if isinstance(kind, Boolean):
        return pa.bool_()
    if isinstance(kind, Integer):
        return pa.int64()
    if isinstance(kind, Float):
        return pa.float64()
    if isinstance(kind, DateTime):
        return pa.timestamp("us", tz="UTC") if kind.timezone else pa.timestamp("us")
    return pa.string()


def export_parquet(url: str, path: Path, selection: Selection | None = None) -> int:
    """Write the articles to a Parquet file at `path`, a row group per page; returns the rows written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([pa.field(column.name, _arrow_type(pa, column)) for column in _article_columns()])
    as_text = {field.name for field in schema if pa.types.is_string(field.type)}
    count = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        for page in _article_pages(url, selection or Selection()):
            rows = [
                {
                    name: (json.dumps(value, ensure_ascii=False) if name in as_text and isinstance(value, (list, dict)) else value)
                    for name, value in row.items()
                }
                for row in page
            ]
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
            count += len(page)
    return count


# ---- import --------------------------------------------------------------------------------------------


def _records(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise ExchangeError(f"line {number}: not JSON ({error.msg})") from None
        if not isinstance(record, dict):
            raise ExchangeError(f"line {number}: not a JSON object")
        yield number, record


def _check_header(number: int, header: dict[str, Any]) -> None:
    from alembic.script import ScriptDirectory

    from newscrawl import migrate

    if header.get("format") != FORMAT:
        raise ExchangeError(f"line {number}: not a newscrawl archive (export one with `newscrawl export --format jsonl`)")
    if header.get("format_version") != FORMAT_VERSION:
        raise ExchangeError(f"archive format version {header.get('format_version')!r}: this newscrawl reads version {FORMAT_VERSION}")
    revision = header.get("schema_revision")
    try:
        known = revision is not None and ScriptDirectory.from_config(migrate.alembic_config()).get_revision(revision) is not None
    except Exception:  # noqa: BLE001 - alembic raises several kinds for an unknown revision
        known = False
    if not known:
        raise ExchangeError(f"the archive is at schema revision {revision!r}, unknown to this newscrawl: upgrade newscrawl")


def _refuse_unless_empty(connection: Connection, tables: list[Table], url: str) -> None:
    for table in sorted(tables, key=lambda t: t.name != "articles"):
        if connection.execute(select(1).select_from(table).limit(1)).first() is not None:
            what = "articles" if table.name == "articles" else f"rows in {table.name}"
            raise ExchangeError(f"{_shown(url)} holds {what} already: import only into an empty archive (a new database)")


class _Loader:
    """Rows of one table, inserted a batch at a time; links to rows further on set once the table is in.

    `moved`: columns a row of an older file may carry that now belong to another table, and that table's loader
    (with the name of its column holding this row's key): they go there, flushed right after this loader's rows.
    """

    def __init__(self, connection: Connection, table: Table, moved: tuple[tuple[str, ...], _Loader, str] | None = None):
        self.connection, self.table, self.moved = connection, table, moved
        self.decoders = {column.name: decoder for column in table.columns if (decoder := _decoder(column)) is not None}
        key = list(table.primary_key.columns)
        self.key = key[0] if len(key) == 1 else None
        # Columns pointing into the same table (reprint_of_id): a row may point at one not inserted yet.
        self.self_refs = [c.name for c in table.columns if self.key is not None and any(fk.column is self.key for fk in c.foreign_keys)]
        self.pending: list[dict[str, Any]] = []
        self.later: dict[str, list[dict[str, Any]]] = {name: [] for name in self.self_refs}
        # None in a nullable JSON column was SQL NULL (an export reads JSON null and NULL alike): keep it NULL.
        nullable_json = {c.name: bindparam(c.name, type_=SQL_NULL_JSON) for c in table.columns if c.nullable and isinstance(c.type, JSON)}
        self.insert = table.insert().values(nullable_json) if nullable_json else table.insert()
        self.count = 0

    def add(self, number: int, row: Any, flush: bool = True) -> None:
        """Decode and hold a row, inserting the rows held every BATCH_SIZE (`flush` False: when this loader's
        owner flushes, for a row moved here from a row of the owner's that must go in first)."""
        if not isinstance(row, dict):
            raise ExchangeError(f"line {number}: the row is not a JSON object")
        if self.moved is not None and (present := [name for name in self.moved[0] if name in row]):
            _, other, key = self.moved
            if self.key is None or self.key.name not in row:
                raise ExchangeError(f"line {number}: {self.table.name} row without its {self.key.name if self.key is not None else 'key'}")
            other.add(number, {key: row[self.key.name], **{name: row.pop(name) for name in present}}, flush=False)
        unknown = set(row) - set(self.table.columns.keys())
        if unknown:
            raise ExchangeError(f"line {number}: {self.table.name} has no column {sorted(unknown)[0]!r}")
        try:
            for name, decode in self.decoders.items():
                if row.get(name) is not None:
                    row[name] = decode(row[name])
        except (ValueError, TypeError) as error:
            raise ExchangeError(f"line {number}: {self.table.name}.{name}: {error}") from None
        for name in self.self_refs:
            assert self.key is not None  # self_refs are only looked for under a one-column key
            target = row.get(name)
            if target is not None and target >= row[self.key.name]:  # rows come in key order: not inserted yet
                self.later[name].append({"_key": row[self.key.name], "_target": target})
                row[name] = None
        self.pending.append(row)
        self.count += 1
        if flush and len(self.pending) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.connection.execute(self.insert, self.pending)
            self.pending = []
        if self.moved is not None:
            self.moved[1].flush()

    def finish(self) -> None:
        self.flush()
        for name, links in self.later.items():
            assert self.key is not None  # rows wait in `later` only for a self_ref
            for start in range(0, len(links), BATCH_SIZE):
                statement = update(self.table).where(self.key == bindparam("_key")).values({name: bindparam("_target")})
                self.connection.execute(statement, links[start : start + BATCH_SIZE])


def _reset_sequences(connection: Connection, tables: list[Table]) -> None:
    """PostgreSQL: the next generated id follows the largest imported one."""
    quote = connection.dialect.identifier_preparer.quote
    for table in tables:
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(_base_type(key[0]), Integer) or key[0].autoincrement is False:
            continue
        name, column = quote(table.name), quote(key[0].name)
        connection.execute(
            text(f"SELECT setval(pg_get_serial_sequence(:table, :column), coalesce(max({column}), 0) + 1, false) FROM {name}"),
            {"table": name, "column": key[0].name},
        )


def import_jsonl(url: str, lines: Iterable[str]) -> dict[str, int]:
    """Load an archive file into the empty archive at `url` (migrated first); returns the rows loaded per table."""
    from newscrawl import migrate
    from newscrawl.db import make_engine
    from newscrawl.indexes import rebuild_all

    records = _records(lines)
    first = next(records, None)
    if first is None:
        raise ExchangeError("the input is empty")
    _check_header(*first)
    from newscrawl.db import Base

    tables = archive_tables()
    by_name = {table.name: table for table in tables}
    derived = set(Base.metadata.tables) - set(by_name)
    migrate.upgrade(url)
    engine = make_engine(url)
    counts: dict[str, int] = {}
    split: dict[str, int] = {}  # rows made from columns an older file kept in another table's rows
    try:
        with engine.begin() as connection:
            _refuse_unless_empty(connection, tables, url)
            loader: _Loader | None = None
            end = None
            for number, record in records:
                if end is not None:
                    raise ExchangeError(f"line {number}: rows after the end line")
                if record.get("end") is True:
                    end = record
                    continue
                name = record.get("table")
                if name not in by_name:
                    if isinstance(name, str) and (name in derived or name.startswith(derived_prefixes())):
                        continue  # a derived index: rebuilt below
                    raise ExchangeError(f"line {number}: unknown table {name!r}")
                if loader is None or loader.table.name != name:
                    if loader is not None:
                        _finish(loader, counts, split)
                    if name in counts:
                        raise ExchangeError(f"line {number}: rows of {name} after those of another table")
                    loader = _loader(connection, by_name, name)
                loader.add(number, record.get("row"))
            if loader is not None:
                _finish(loader, counts, split)
            if end is None:
                raise ExchangeError("the input stops before its end line: the export was cut off; nothing imported")
            expected = {name: n for name, n in (end.get("rows") or {}).items() if name in by_name and n}
            if expected != {name: n for name, n in counts.items() if n}:
                raise ExchangeError(f"rows read {counts} differ from those the end line counts {end.get('rows')}; nothing imported")
            if "article_checks" in by_name:  # every article has its article_checks row (newscrawl.db): one a file lacks starts empty
                split["article_checks"] = split.get("article_checks", 0) + _add_missing_checks(connection, by_name)
            if connection.dialect.name == "postgresql":
                _reset_sequences(connection, tables)
        rebuild_all(engine)
    finally:
        engine.dispose()
    for name, n in split.items():
        if n:
            counts[name] = counts.get(name, 0) + n
    return counts


def _loader(connection: Connection, by_name: dict[str, Table], name: str) -> _Loader:
    """The loader of a table; articles rows of a file older than schema revision 0013 hand their check columns on."""
    from newscrawl.db import CHECK_COLUMNS

    if name == "articles" and "article_checks" in by_name:
        return _Loader(connection, by_name[name], moved=(CHECK_COLUMNS, _Loader(connection, by_name["article_checks"]), "article_id"))
    return _Loader(connection, by_name[name])


def _finish(loader: _Loader, counts: dict[str, int], split: dict[str, int]) -> None:
    loader.finish()
    counts[loader.table.name] = loader.count
    if loader.moved is not None and loader.moved[1].count:
        split[loader.moved[1].table.name] = loader.moved[1].count


def _add_missing_checks(connection: Connection, by_name: dict[str, Table]) -> int:
    """An article_checks row for every article without one: last seen when first seen, due at once; returns how many."""
    articles, checks = by_name["articles"], by_name["article_checks"]
    missing = select(articles.c.id, articles.c.first_seen_at).where(~exists().where(checks.c.article_id == articles.c.id))
    count = connection.scalar(select(func.count()).select_from(missing.subquery())) or 0
    if count:
        connection.execute(insert(checks).from_select(["article_id", "last_seen_at"], missing))
    return count


# ---- command line --------------------------------------------------------------------------------------


def _shown(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the `newscrawl` parser."""
    export = commands.add_parser("export", help="write the archive (jsonl) or its articles (csv, parquet) to a file or stdout")
    export.add_argument("--db", help="SQLAlchemy URL (default: $NEWSCRAWL_DATABASE_URL or sqlite:///data/newscrawl.db)")
    export.add_argument(
        "--format", default="jsonl", metavar="jsonl|csv|parquet", help="jsonl: every table, for `newscrawl import`; csv, parquet: the articles"
    )
    export.add_argument("--output", "-o", type=Path, help="the file to write (default: stdout; parquet needs one)")
    export.add_argument("--since", help="articles published from this date (YYYY-MM-DD, Beijing time) or time (ISO 8601) on")
    export.add_argument("--city", help="a city slug, e.g. weifang")
    export.add_argument("--channel", help="a channel's name (潍坊新闻) or slug (news, weifang/news)")
    export.set_defaults(run=cmd_export)

    load = commands.add_parser("import", help="load a `newscrawl export --format jsonl` file into an empty archive")
    load.add_argument("file", metavar="FILE|-", help="the archive file, or - for stdin")
    load.add_argument("--db", help="SQLAlchemy URL (default: $NEWSCRAWL_DATABASE_URL or sqlite:///data/newscrawl.db)")
    load.set_defaults(run=cmd_import)


def _database_error(command: str, url: str, error: Exception) -> int:
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()
    print(f"newscrawl {command}: cannot use the database {_shown(url)}: {reason[0] if reason else type(error).__name__}", file=sys.stderr)
    return 1


def cmd_export(args: argparse.Namespace) -> int:
    from newscrawl.db import database_url
    from newscrawl.history import parse_since

    def usage(message: str) -> int:
        print(f"newscrawl export: {message}", file=sys.stderr)
        return 2

    if args.format not in FORMATS:
        return usage(f"unknown format {args.format!r} (jsonl, csv or parquet)")
    try:
        selection = Selection(parse_since(args.since) if args.since else None, args.city, args.channel)
    except ValueError as error:
        return usage(f"--since: {error}")
    if args.format == "parquet":
        if args.output is None:
            return usage("parquet needs --output FILE")
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            return usage(f"parquet needs pyarrow: {PARQUET_INSTALL}")
    if args.output is not None and not args.output.parent.is_dir():
        return usage(f"no such folder for --output: {args.output.parent}")
    url = database_url(args.db)
    try:
        make_url(url)
        if args.format == "parquet":
            export_parquet(url, args.output, selection)
        else:
            with _text_output(args.output) as out:
                (export_jsonl if args.format == "jsonl" else export_csv)(url, out, selection)
    except ExchangeError as error:
        print(f"newscrawl export: {error}", file=sys.stderr)
        return 1
    except (ArgumentError, NoSuchModuleError) as error:
        return usage(f"bad database URL {_shown(url)}: {error}")
    except SQLAlchemyError as error:
        return _database_error("export", url, error)
    except BrokenPipeError:  # the reader went away (| head): stop quietly
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - so the interpreter's final flush does not fail
        return 1
    return 0


class _text_output:
    """A UTF-8 text stream on a file or on stdout (left open), whatever the locale."""

    def __init__(self, path: Path | None):
        self.path = path

    def __enter__(self) -> IO[str]:
        if self.path is not None:
            self.stream = open(self.path, "w", encoding="utf-8", newline="")
        else:
            sys.stdout.flush()
            self.stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        return self.stream

    def __exit__(self, *exc: Any) -> None:
        if self.path is not None:
            self.stream.close()
        else:
            self.stream.flush()
            self.stream.detach()


def cmd_import(args: argparse.Namespace) -> int:
    from newscrawl.db import database_url

    url = database_url(args.db)
    if args.file == "-":
        source: io.TextIOWrapper = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8")
    else:
        path = Path(args.file)
        if not path.is_file():
            print(f"newscrawl import: no such file: {path}", file=sys.stderr)
            return 2
        source = open(path, encoding="utf-8")  # noqa: SIM115
    try:
        make_url(url)
        counts = import_jsonl(url, source)
    except ExchangeError as error:
        print(f"newscrawl import: {error}", file=sys.stderr)
        return 1
    except UnicodeDecodeError:
        print("newscrawl import: the input is not UTF-8 text (export one with `newscrawl export --format jsonl`)", file=sys.stderr)
        return 1
    except (ArgumentError, NoSuchModuleError) as error:
        print(f"newscrawl import: bad database URL {_shown(url)}: {error}", file=sys.stderr)
        return 2
    except SQLAlchemyError as error:
        return _database_error("import", url, error)
    finally:
        if args.file == "-":
            source.detach()
        else:
            source.close()
    print(" ".join(f"{name}={count}" for name, count in counts.items()))
    return 0
