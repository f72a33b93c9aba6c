"""Writing crawl results into the archive: one batch, one transaction. Used by the store pipeline and reparse.

Articles are upserted on article_key. A text met again unchanged only moves last_seen_at; a changed text
becomes the article's newest version and a new article_versions row, the earlier ones staying there.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from newscrawl import db
from newscrawl.history import version_change
from newscrawl.items import Article, FetchFailure, NotModified, PageFailure, Removed

ARTICLE_FIELDS = (
    "url", "canonical_url", "city", "channel", "breadcrumbs", "title", "subtitle", "source", "published_at",
    "published_at_raw", "byline", "authors", "editors", "body", "content_hash",
)  # fmt: skip
VERSION_FIELDS = ("content_hash", "title", "subtitle", "source", "published_at", "byline", "authors", "editors", "body")
COUNTS = (
    "articles_new", "articles_updated", "articles_unchanged", "reprints", "page_failures", "not_modified", "removed",
    "fetch_failures", "dead_links",
)  # fmt: skip


KEY_CHUNK = 500  # keys per IN (...) list
DEAD_STATUSES = (404, 410)
# A link that answered 404/410 before it was ever archived waits 1, 2, 4, ... days (at most 90) for its next try.
DEAD_LINK_FIRST_WAIT = timedelta(days=1)
DEAD_LINK_MAX_WAIT = timedelta(days=90)


def dead_link_backoff(failures: int) -> timedelta:
    """How long a link that answered 404/410 `failures` times in a row waits before it is tried again."""
    return min(DEAD_LINK_FIRST_WAIT * 2 ** max(failures - 1, 0), DEAD_LINK_MAX_WAIT)


def dead_link_retry_after(session: Session, now: datetime) -> Any:
    """SQL for the next try after one more failure, from the failures already counted in the row."""
    steps = [(db.DeadLink.failures == n, now + dead_link_backoff(n + 1)) for n in range(1, 8)]
    return case(*steps, else_=now + DEAD_LINK_MAX_WAIT)


def dialect_insert(session: Session, table: Any) -> Any:
    """The INSERT with ON CONFLICT clauses of the session's database (PostgreSQL or SQLite)."""
    name = session.bind.dialect.name  # type: ignore[union-attr]
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"newscrawl stores into PostgreSQL or SQLite, not {name}")


# What the extractor made of a page: a difference in any of these is a new version (the body, or an
# extractor fix for the title, the people, the time ...). Where and when it was fetched is not.
EXTRACTED_FIELDS = tuple(name for name in ARTICLE_FIELDS if name not in ("url", "canonical_url"))


class Archive:
    """`keep_fetch_facts`: leave when/where an existing row was seen alone (reparse reads old captures).

    Safe with any number of concurrent writers: rows are inserted with INSERT ... ON CONFLICT DO NOTHING
    and updated under a row lock (SELECT ... FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite), taken
    in article-key order so that two batches never wait on each other in a circle; a transaction-level
    advisory lock per content fingerprint makes the first copy of a story the one every reprint links to,
    even when two copies are stored at the same moment.
    """

    def __init__(self, engine: Engine, keep_fetch_facts: bool = False):
        self.engine = engine
        self.keep_fetch_facts = keep_fetch_facts

    def write(self, batch: list[Any], run_id: int | None, now: datetime | None = None) -> Counter:
        """Store a batch in one transaction; returns what happened, counted by COUNTS names."""
        counts: Counter = Counter()
        now = now or db.utcnow()
        articles = sorted((item for item in batch if isinstance(item, Article)), key=lambda item: item.article_key)
        others = [item for item in batch if not isinstance(item, Article)]
        keys = sorted({item.article_key for item in batch if isinstance(item, (Article, NotModified, Removed))})
        with Session(self.engine) as session, session.begin():
            self._lock_fingerprints(session, [item.content_hash for item in articles])
            existing = self._locked_rows(session, keys)
            for item in articles:
                counts.update(self._article(session, existing, item, run_id, now))
            for item in others:
                if isinstance(item, NotModified) and item.article_key in existing:
                    row = existing[item.article_key]
                    row.last_seen_at, row.last_run_id, row.removed_at = now, run_id, None
                    counts["not_modified"] += 1
                elif isinstance(item, Removed) and item.article_key in existing:
                    row = existing[item.article_key]
                    row.removed_at = row.removed_at or now
                    row.last_run_id = run_id
                    counts["removed"] += 1
                elif isinstance(item, PageFailure):
                    session.add(db.ExtractionFailure(run_id=run_id, url=item.url, article_key=item.article_key, reason=item.reason, recorded_at=now))
                    counts["page_failures"] += 1
                elif isinstance(item, FetchFailure):
                    session.add(db.FetchFailure(
                        run_id=run_id, url=item.url, article_key=item.article_key, reason=item.reason,
                        http_status=item.http_status, recorded_at=now,
                    ))  # fmt: skip
                    counts["fetch_failures"] += 1
                    if item.http_status in DEAD_STATUSES and item.article_key and not self._archived(session, existing, item.article_key):
                        self._dead_link(session, item, now)
                        counts["dead_links"] += 1
            stored_keys = [item.article_key for item in articles]
            if stored_keys:  # a link that answered 404 once and has now been stored is alive again
                session.execute(delete(db.DeadLink).where(db.DeadLink.article_key.in_(stored_keys)))
        return counts

    def _lock_fingerprints(self, session: Session, fingerprints: list[str | None]) -> None:
        """Serialise writers storing the same text, so that only one of them can be the first copy.

        SQLite allows one writer at a time anyway (the transaction starts with BEGIN IMMEDIATE).
        """
        dialect = session.bind.dialect.name  # type: ignore[union-attr]
        if dialect == "sqlite":
            session.execute(text("BEGIN IMMEDIATE"))  # take the write lock now: what we read stays true until commit
            return
        if dialect != "postgresql":
            return
        for lock_id in sorted({int(fingerprint[:15], 16) for fingerprint in fingerprints if fingerprint}):
            session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock_id})

    @staticmethod
    def _locked_rows(session: Session, keys: list[str]) -> dict[str, db.Article]:
        """The archived rows of these keys, locked for this transaction in key order."""
        rows: dict[str, db.Article] = {}
        for start in range(0, len(keys), KEY_CHUNK):
            query = (
                select(db.Article).where(db.Article.article_key.in_(keys[start : start + KEY_CHUNK]))
                .order_by(db.Article.article_key).with_for_update().execution_options(populate_existing=True)
            )  # fmt: skip
            rows.update((row.article_key, row) for row in session.scalars(query))
        return rows

    def _article(self, session: Session, existing: dict[str, db.Article], item: Article, run_id: int | None, now: datetime) -> list[str]:
        """Insert or update one article; returns the counts it adds to."""
        row = existing.get(item.article_key)
        if row is None:
            row = self._insert(session, item, run_id, now)
            if row is not None:
                existing[item.article_key] = row
                session.add(self._version(row, item, run_id, now))
                return ["articles_new", "reprints"] if row.reprint_of_id is not None else ["articles_new"]
            # Another writer stored this key since we looked: update its row like any archived one.
            row = existing[item.article_key] = self._locked_rows(session, [item.article_key])[item.article_key]
        self._touch(row, item, run_id, now)
        if not self._differs(row, item):
            return ["articles_unchanged"]
        before = {name: getattr(row, name) for name in VERSION_FIELDS}  # the previous version, before _fill overwrites it
        self._fill(row, item)
        row.version += 1
        row.changed_at = now
        session.add(self._version(row, item, run_id, now, before))
        return ["articles_updated"]

    def _insert(self, session: Session, item: Article, run_id: int | None, now: datetime) -> db.Article | None:
        """INSERT ... ON CONFLICT DO NOTHING: the new row, or None when the key is taken (by another writer)."""
        row = db.Article(article_key=item.article_key, first_seen_at=now, first_run_id=run_id, version=1, changed_at=now)
        self._fill(row, item)
        row.reprint_of_id = self._first_copy_id(session, item.content_hash)
        self._touch(row, item, run_id, now)
        values = {column.key: getattr(row, column.key) for column in db.Article.__table__.columns if column.key != "id"}
        statement = dialect_insert(session, db.Article).values(**values).on_conflict_do_nothing(index_elements=["article_key"])
        new_id = session.execute(statement.returning(db.Article.id)).scalar()
        if new_id is None:
            return None
        return session.get(db.Article, new_id)

    @staticmethod
    def _archived(session: Session, existing: dict[str, db.Article], key: str) -> bool:
        return key in existing or session.scalar(select(db.Article.id).where(db.Article.article_key == key)) is not None

    @staticmethod
    def _dead_link(session: Session, item: FetchFailure, now: datetime) -> None:
        """Count one more 404/410 for a link never archived, and put its next try further away."""
        assert item.article_key is not None and item.http_status is not None
        statement = dialect_insert(session, db.DeadLink).values(
            article_key=item.article_key, url=item.url, http_status=item.http_status, failures=1,
            first_failed_at=now, last_failed_at=now, retry_after=now + dead_link_backoff(1),
        )  # fmt: skip
        failures = db.DeadLink.failures + 1
        # The backoff doubles with each failure: computed in SQL so that concurrent writers agree.
        statement = statement.on_conflict_do_update(
            index_elements=["article_key"],
            set_={
                "url": item.url, "http_status": item.http_status, "failures": failures, "last_failed_at": now,
                "retry_after": dead_link_retry_after(session, now),
            },
        )  # fmt: skip
        session.execute(statement)

    @staticmethod
    def _fill(row: db.Article, item: Article) -> None:
        for name in ARTICLE_FIELDS:
            setattr(row, name, getattr(item, name))
        row.canonical_url = item.canonical_url or item.url
        row.images = [asdict(image) for image in item.images]
        row.crawled_at = item.crawled_at or db.utcnow()
        row.warc_file, row.warc_offset = item.warc_file, item.warc_offset

    @staticmethod
    def _differs(row: db.Article, item: Article) -> bool:
        if any(getattr(row, name) != getattr(item, name) for name in EXTRACTED_FIELDS):
            return True
        return (row.images or []) != [asdict(image) for image in item.images]

    def _touch(self, row: db.Article, item: Article, run_id: int | None, now: datetime) -> None:
        if self.keep_fetch_facts and row.last_seen_at is not None:
            if row.warc_file is None and item.warc_file:  # stored before its crawl archived responses
                row.warc_file, row.warc_offset = item.warc_file, item.warc_offset
            return
        row.last_seen_at, row.last_run_id, row.removed_at = now, run_id, None
        row.etag, row.last_modified = item.etag or row.etag, item.last_modified or row.last_modified

    @staticmethod
    def _version(
        row: db.Article, item: Article, run_id: int | None, now: datetime, previous: dict[str, Any] | None = None
    ) -> db.ArticleVersion:
        """The version row of `item`; `previous` is the version before it (None for the first), to store what changed."""
        fields = {name: getattr(item, name) for name in VERSION_FIELDS}
        fields_changed, chars_added, chars_removed = version_change(previous, fields)
        return db.ArticleVersion(
            article_id=row.id, version=row.version, fetched_at=item.crawled_at or now, run_id=run_id,
            warc_file=item.warc_file, warc_offset=item.warc_offset, fields_changed=fields_changed,
            chars_added=chars_added, chars_removed=chars_removed, **fields,
        )  # fmt: skip

    @staticmethod
    def _first_copy_id(session: Session, content_hash: str | None) -> int | None:
        if not content_hash:
            return None
        query = select(db.Article.id).where(db.Article.content_hash == content_hash).order_by(db.Article.id).limit(1)
        return session.scalar(query)
