"""Writing crawl results into the archive: one batch, one transaction. Used by the store pipeline and reparse.

Articles are upserted on article_key. A text met again unchanged only moves last_seen_at; a changed text
becomes the article's newest version and a new article_versions row, the earlier ones staying there.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from newscrawl import db
from newscrawl.items import Article, FetchFailure, NotModified, PageFailure, Removed

ARTICLE_FIELDS = (
    "url", "canonical_url", "city", "channel", "breadcrumbs", "title", "subtitle", "source", "published_at",
    "published_at_raw", "byline", "authors", "editors", "body", "content_hash",
)  # fmt: skip
VERSION_FIELDS = ("content_hash", "title", "subtitle", "source", "published_at", "byline", "authors", "editors", "body")
COUNTS = ("articles_new", "articles_updated", "articles_unchanged", "reprints", "page_failures", "not_modified", "removed", "fetch_failures")


# What the extractor made of a page: a difference in any of these is a new version (the body, or an
# extractor fix for the title, the people, the time ...). Where and when it was fetched is not.
EXTRACTED_FIELDS = tuple(name for name in ARTICLE_FIELDS if name not in ("url", "canonical_url"))


class Archive:
    """`keep_fetch_facts`: leave when/where an existing row was seen alone (reparse reads old captures)."""

    def __init__(self, engine: Engine, keep_fetch_facts: bool = False):
        self.engine = engine
        self.keep_fetch_facts = keep_fetch_facts

    def write(self, batch: list[Any], run_id: int | None, now: datetime | None = None) -> Counter:
        """Store a batch in one transaction; returns what happened, counted by COUNTS names."""
        counts: Counter = Counter()
        now = now or db.utcnow()
        keys = [item.article_key for item in batch if isinstance(item, (Article, NotModified, Removed))]
        with Session(self.engine) as session, session.begin():
            existing = {row.article_key: row for row in session.scalars(select(db.Article).where(db.Article.article_key.in_(keys)))}
            for item in batch:
                if isinstance(item, Article):
                    counts.update(self._article(session, existing, item, run_id, now))
                elif isinstance(item, NotModified) and item.article_key in existing:
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
        return counts

    def _article(self, session: Session, existing: dict[str, db.Article], item: Article, run_id: int | None, now: datetime) -> list[str]:
        """Insert or update one article; returns the counts it adds to."""
        row = existing.get(item.article_key)
        if row is None:
            row = db.Article(article_key=item.article_key, first_seen_at=now, first_run_id=run_id, version=1, changed_at=now)
            self._fill(row, item)
            row.reprint_of_id = self._first_copy_id(session, item.content_hash)
            self._touch(row, item, run_id, now)
            session.add(row)
            session.flush()  # gives the row its id, so versions and later items of this batch can link to it
            existing[item.article_key] = row
            session.add(self._version(row, item, run_id, now))
            return ["articles_new", "reprints"] if row.reprint_of_id is not None else ["articles_new"]
        self._touch(row, item, run_id, now)
        if not self._differs(row, item):
            return ["articles_unchanged"]
        self._fill(row, item)
        row.version += 1
        row.changed_at = now
        session.add(self._version(row, item, run_id, now))
        return ["articles_updated"]

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
    def _version(row: db.Article, item: Article, run_id: int | None, now: datetime) -> db.ArticleVersion:
        fields = {name: getattr(item, name) for name in VERSION_FIELDS}
        return db.ArticleVersion(
            article_id=row.id, version=row.version, fetched_at=item.crawled_at or now, run_id=run_id,
            warc_file=item.warc_file, warc_offset=item.warc_offset, **fields,
        )  # fmt: skip

    @staticmethod
    def _first_copy_id(session: Session, content_hash: str | None) -> int | None:
        if not content_hash:
            return None
        query = select(db.Article.id).where(db.Article.content_hash == content_hash).order_by(db.Article.id).limit(1)
        return session.scalar(query)
