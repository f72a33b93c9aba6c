"""The archive's schema (SQLAlchemy 2 models) and the helpers to open and migrate a database.

The schema is owned by the Alembic migrations in `migrations/`; these models must agree with them
(tests/test_migrations.py checks it). Times are stored in UTC and read back timezone-aware.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

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


class Article(Base):
    """One article page, keyed on {city}/{channel}/{id} whatever host or scheme it was met under."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_key: Mapped[str] = mapped_column(Text, unique=True)
    url: Mapped[str] = mapped_column(Text)
    canonical_url: Mapped[str] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(Text, index=True)
    channel: Mapped[str | None] = mapped_column(Text, index=True)
    breadcrumbs: Mapped[list[str]] = mapped_column(JSONType, default=list)
    title: Mapped[str] = mapped_column(Text)
    subtitle: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text, index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    published_at_raw: Mapped[str | None] = mapped_column(Text)
    byline: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[list[str]] = mapped_column(JSONType, default=list)
    editors: Mapped[list[str]] = mapped_column(JSONType, default=list)
    body: Mapped[str] = mapped_column(Text)
    images: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    # The first stored article with the same text: set on reprints, so a story's copies can be joined.
    reprint_of_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"), index=True)
    crawled_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    first_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    last_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # article_versions.version shown here
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # when the newest version was met
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the page answered 404/410 (row kept)
    # When the article is checked again with a conditional request (newscrawl.schedule); NULL: due at once.
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # HTTP validators for conditional revisits (If-None-Match / If-Modified-Since).
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    # Where the raw response of the shown version lies: a WARC file under data/warc/ and the record's offset.
    warc_file: Mapped[str | None] = mapped_column(String(255))
    warc_offset: Mapped[int | None] = mapped_column(BigInteger)


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
