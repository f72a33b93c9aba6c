"""The archive's schema (SQLAlchemy 2 models) and the helpers to open and migrate a database.

The schema is owned by the Alembic migrations in `migrations/`; these models must agree with them
(tests/test_migrations.py checks it). Times are stored in UTC and read back timezone-aware.

An article is two rows, one in each of two tables: `articles` (what was extracted, the version shown, where its
capture lies, when it was first seen, changed, removed) and `article_checks` (what every fetch updates:
last_seen_at, last_run_id, next_check_at, etag, last_modified). The split is for PostgreSQL's full-text index, an expression GIN index on
`articles` (newscrawl.search_index): a revisit sets when the article was last seen and when it is checked next
(both indexed, so such an UPDATE is never HOT), and an UPDATE of the `articles` row would insert all its ~1,500
grams into the GIN index again although the text did not change. So a 304, or the same text fetched again,
writes article_checks only (migration 0013; tests/test_article_checks.py).

The class `Article` is mapped against the join of the two tables ("mapping a class against multiple tables"),
so that code keeps reading and setting `row.last_seen_at` and querying `Article.next_check_at` as before:
- the ORM writes only the table whose columns changed (a revisit is one UPDATE of article_checks), inserts both
  rows for a new object and deletes both for `session.delete`; `id` is articles.id and article_checks.article_id;
- every select of `Article` or of its attributes reads `articles JOIN article_checks` (SQLAlchemy adds the join
  itself, also for a bare `select(Article.id)`, so there is no cross product), `session.get` and
  `with_for_update` too (on PostgreSQL the lock covers both rows);
- what the ORM cannot do against a join: a bulk `update(Article)`, `delete(Article)` or `insert(Article)`. Core
  code writes the tables, `ARTICLES` and `ARTICLE_CHECKS`; `insert_articles` inserts both rows of each article.
Every article has its article_checks row (an article without one would be invisible to the ORM): the writer,
the import and the migration make it. Queries that need only the text (search, the story clusters, counts)
read `ARTICLES` alone, without the join.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
    insert,
    join,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, column_property, mapped_column

from newscrawl.arguments import require_database_driver

DEFAULT_DATABASE_URL = "sqlite:///data/newscrawl.db"
DATABASE_URL_ENV = "NEWSCRAWL_DATABASE_URL"

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC; SQLite keeps no zone, so the zone is put back on read."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: store aware times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# JSON on SQLite, JSONB on PostgreSQL (indexable, and queryable with the jsonb operators).
JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class CrawlRun(Base):
    """One run of a spider: when, with what arguments, how it ended, what it counted."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    spider: Mapped[str] = mapped_column(String(64))
    # One run may have many workers (processes, machines): each has its row, all rows share the run key.
    run_key: Mapped[str | None] = mapped_column(String(64), index=True)
    worker: Mapped[str | None] = mapped_column(Text)  # host:pid of the process that wrote this row
    args: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(32), default="running")  # running, finished, degraded, drift, failed, interrupted
    finish_reason: Mapped[str | None] = mapped_column(Text)
    pages: Mapped[int] = mapped_column(Integer, default=0)  # responses received
    articles_new: Mapped[int] = mapped_column(Integer, default=0)
    articles_updated: Mapped[int] = mapped_column(Integer, default=0)
    articles_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    reprints: Mapped[int] = mapped_column(Integer, default=0)  # stored articles whose text was met before
    rejected: Mapped[int] = mapped_column(Integer, default=0)  # pages that yielded no article
    errors: Mapped[int] = mapped_column(Integer, default=0)  # downloads that failed for good
    skipped: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # archived already, not fetched
    not_modified: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # revisits answered 304
    removed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # revisits answered 404/410
    soft_404: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # pages answering 200 that said "gone"
    suspect: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # changed texts held as suspect versions
    # Share of fetched article pages that yielded no title, body or time: a jump means the layout changed.
    incomplete_share: Mapped[float | None] = mapped_column(Float)
    # Per channel walked: list pages, article links, other links under it (with examples); see spiders/common.py.
    channel_links: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


# ---- articles: the text of a page (`articles`) and the bookkeeping of its fetches (`article_checks`) ----------
# Two tables, one row each per article, one mapped class: see the module's docstring.

ARTICLES = Table(
    "articles",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    # {city}/{channel}/{id} whatever host or scheme the page was met under
    Column("article_key", Text, nullable=False, unique=True),
    Column("url", Text, nullable=False),
    Column("canonical_url", Text, nullable=False),
    Column("city", Text, index=True),
    Column("channel", Text, index=True),
    Column("breadcrumbs", JSONType, nullable=False, default=list),
    Column("title", Text, nullable=False),
    Column("subtitle", Text),
    Column("source", Text, index=True),
    Column("published_at", UTCDateTime(), index=True),
    Column("published_at_raw", Text),
    Column("byline", Text),
    Column("authors", JSONType, nullable=False, default=list),
    Column("editors", JSONType, nullable=False, default=list),
    Column("body", Text, nullable=False),
    Column("images", JSONType, nullable=False, default=list),
    Column("content_hash", String(64), nullable=False, index=True),
    # The first stored article with the same text: set on reprints, so a story's copies can be joined.
    Column("reprint_of_id", ForeignKey("articles.id"), index=True),
    Column("crawled_at", UTCDateTime(), nullable=False),
    Column("first_seen_at", UTCDateTime(), nullable=False),
    Column("first_run_id", ForeignKey("crawl_runs.id")),
    Column("version", Integer, nullable=False, default=1, server_default="1"),  # article_versions.version shown here
    Column("changed_at", UTCDateTime()),  # when the newest version was met
    Column("removed_at", UTCDateTime()),  # the page answered 404/410 (row kept)
    # Where the raw response of the shown version lies: a WARC file under data/warc/ and the record's offset.
    Column("warc_file", String(255)),
    Column("warc_offset", BigInteger),
)

ARTICLE_CHECKS = Table(
    "article_checks",
    Base.metadata,
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("last_seen_at", UTCDateTime(), nullable=False, index=True),
    Column("last_run_id", ForeignKey("crawl_runs.id")),
    # When the article is checked again with a conditional request (newscrawl.schedule); NULL: due at once.
    Column("next_check_at", UTCDateTime(), index=True),
    # HTTP validators for conditional revisits (If-None-Match / If-Modified-Since).
    Column("etag", Text),
    Column("last_modified", Text),
)

# The columns that moved from `articles` to `article_checks` (migration 0013), as `Article` attributes.
CHECK_COLUMNS = tuple(column.name for column in ARTICLE_CHECKS.columns if column.name != "article_id")


class Article(Base):
    """One article page, keyed on {city}/{channel}/{id} whatever host or scheme it was met under.

    Mapped against `articles JOIN article_checks` (see the module's docstring): `id` is both articles.id and
    article_checks.article_id; every other attribute is the column of that name in one of the two tables.
    """

    __table__ = join(ARTICLES, ARTICLE_CHECKS, ARTICLES.c.id == ARTICLE_CHECKS.c.article_id)

    id: Mapped[int] = column_property(ARTICLES.c.id, ARTICLE_CHECKS.c.article_id)
    article_key: Mapped[str]
    url: Mapped[str]
    canonical_url: Mapped[str]
    city: Mapped[str | None]
    channel: Mapped[str | None]
    breadcrumbs: Mapped[list[str]]
    title: Mapped[str]
    subtitle: Mapped[str | None]
    source: Mapped[str | None]
    published_at: Mapped[datetime | None]
    published_at_raw: Mapped[str | None]
    byline: Mapped[str | None]
    authors: Mapped[list[str]]
    editors: Mapped[list[str]]
    body: Mapped[str]
    images: Mapped[list[dict[str, Any]]]
    content_hash: Mapped[str]
    reprint_of_id: Mapped[int | None]
    crawled_at: Mapped[datetime]
    first_seen_at: Mapped[datetime]
    first_run_id: Mapped[int | None]
    version: Mapped[int]
    changed_at: Mapped[datetime | None]
    removed_at: Mapped[datetime | None]
    warc_file: Mapped[str | None]
    warc_offset: Mapped[int | None]
    # article_checks
    last_seen_at: Mapped[datetime]
    last_run_id: Mapped[int | None]
    next_check_at: Mapped[datetime | None]
    etag: Mapped[str | None]
    last_modified: Mapped[str | None]


def split_article(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """An article's column values (as `Article` names them) as its `articles` values and its `article_checks` values.

    A check column left out is NULL, but last_seen_at, which is first_seen_at then (seen once, when first seen).
    The article_checks values lack `article_id` when `values` has no `id`."""
    own = {name: value for name, value in values.items() if name not in CHECK_COLUMNS}
    checks = {name: values.get(name) for name in CHECK_COLUMNS}
    if "last_seen_at" not in values:
        checks["last_seen_at"] = values.get("first_seen_at")
    if "id" in values:
        checks["article_id"] = values["id"]
    return own, checks


def insert_articles(connection: Connection | Session, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert article rows (the columns of both tables in one dict each, as `split_article` takes them) with Core,
    their article_checks rows included; returns their ids in the order of `rows`.

    Rows with an `id` keep it (all rows or none); the others get the next ids."""
    if not rows:
        return []
    texts, checks = zip(*(split_article(row) for row in rows), strict=True)
    if all("id" in row for row in rows):
        connection.execute(insert(ARTICLES), list(texts))
        ids = [row["id"] for row in rows]
    else:
        statement = insert(ARTICLES).returning(ARTICLES.c.id, sort_by_parameter_order=True)
        ids = list(connection.execute(statement, list(texts)).scalars())
    connection.execute(insert(ARTICLE_CHECKS), [{**check, "article_id": article_id} for check, article_id in zip(checks, ids, strict=True)])
    return ids


class ArticleVersion(Base):
    """Every text an article has had, the first included: earlier texts stay queryable after an edit."""

    __tablename__ = "article_versions"
    __table_args__ = (UniqueConstraint("article_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    subtitle: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    byline: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[list[str]] = mapped_column(JSONType, default=list)
    editors: Mapped[list[str]] = mapped_column(JSONType, default=list)
    body: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    warc_file: Mapped[str | None] = mapped_column(String(255))
    warc_offset: Mapped[int | None] = mapped_column(BigInteger)
    # What changed from the version before (newscrawl.history.version_change), measured when the row is
    # written: the fields, comma-separated from title, subtitle, source, published_at, people, body (NULL on
    # version 1; "" when only images, breadcrumbs or the raw time text changed), and the characters.
    fields_changed: Mapped[str | None] = mapped_column(Text)
    chars_added: Mapped[int | None] = mapped_column(Integer)
    chars_removed: Mapped[int | None] = mapped_column(Integer)


class FetchFailure(Base):
    """A request that failed for good in a run (after retries): 5xx, timeout, truncated body, too big, ..."""

    __tablename__ = "fetch_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    article_key: Mapped[str | None] = mapped_column(Text, index=True)
    reason: Mapped[str] = mapped_column(Text)
    http_status: Mapped[int | None] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DeadLink(Base):
    """An article link that answered 404/410 before it was ever archived: tried again later, with backoff."""

    __tablename__ = "dead_links"

    article_key: Mapped[str] = mapped_column(Text, primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    http_status: Mapped[int] = mapped_column(Integer)
    failures: Mapped[int] = mapped_column(Integer, default=1)  # answers 404/410 in a row
    first_failed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    retry_after: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)  # not fetched again before this


class ExtractionFailure(Base):
    """A page that was fetched but yielded no article (no title or no body), with the reason."""

    __tablename__ = "extraction_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    article_key: Mapped[str | None] = mapped_column(Text, index=True)
    reason: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SuspectVersion(Base):
    """A new text of an archived article that looks like a take-down, not an edit: held here, not shown.

    It keeps under a fifth of the previous text and lost the time and source the article had
    (newscrawl.archive). A later fetch of the same text confirms it (it becomes the article's next version
    and the article's suspect rows go); the article's own text met again drops them.
    """

    __tablename__ = "suspect_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    body: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    warc_file: Mapped[str | None] = mapped_column(String(255))
    warc_offset: Mapped[int | None] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)  # why it was held, e.g. "keeps 40 of 1200 characters, lost time and source"


# ---- story clusters (newscrawl.clusters, migration 0011) ----------------------------------------------------
# Derived from the articles' texts and rebuilt at will (`newscrawl clusters rebuild`): no foreign keys, so that
# deleting an article never waits on them; the archive writer removes an article's rows in the same transaction.


class StoryMember(Base):
    """Every article's story cluster (its id is the cluster's lowest article id) and the MinHash of its text."""

    __tablename__ = "story_members"

    article_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    cluster_id: Mapped[int] = mapped_column(Integer, index=True)
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)  # NUM_PERM uint32 values; NULL: too short a text


class StoryBand(Base):
    """One LSH band hash of an article's signature: articles sharing one are candidates for the same story."""

    __tablename__ = "story_bands"
    # The primary key is the table (no rowid copy on SQLite); an article's rows are found from its signature.
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 - SQLAlchemy's declarative attribute, read once

    band_hash: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    article_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


# ---- end of story clusters ----------------------------------------------------------------------------------


def database_url(explicit: str | None = None, settings: Any = None) -> str:
    """The one rule for which database to use, for every command and component.

    An explicit URL (--db, or `-s NEWSCRAWL_DATABASE_URL=` on a command line) wins, then the
    environment variable, then a non-default value in Scrapy settings, then the SQLite default.
    """
    if explicit:
        return explicit
    if settings is not None:
        from scrapy.settings import SETTINGS_PRIORITIES

        if (settings.getpriority("NEWSCRAWL_DATABASE_URL") or 0) >= SETTINGS_PRIORITIES["cmdline"]:
            return settings["NEWSCRAWL_DATABASE_URL"]
    return os.environ.get(DATABASE_URL_ENV) or (settings.get("NEWSCRAWL_DATABASE_URL") if settings is not None else None) or DEFAULT_DATABASE_URL


def make_engine(url: str, **options: Any) -> Engine:
    """An engine for `url`; for SQLite the folder is created and the connection set up for a crawler."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **options)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")  # readers don't block the crawler's writes
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    require_database_driver(url)  # a missing psycopg is one line naming the extra, not an ImportError
    return create_engine(url, pool_pre_ping=True, **options)


def utcnow() -> datetime:
    return datetime.now(UTC)
