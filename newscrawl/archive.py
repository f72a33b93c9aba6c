"""Writing crawl results into the archive: one batch, one transaction. Used by the store pipeline and reparse.

Articles are upserted on article_key. A text met again unchanged (or answered 304) only moves last_seen_at and
the next check time, which live in article_checks: the `articles` row is not written (newscrawl.db). A changed
text becomes the article's newest version and a new article_versions row, the earlier ones staying there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, case, delete, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.orm import Session

from newscrawl import db, indexes
from newscrawl.gone import chars
from newscrawl.history import version_change
from newscrawl.items import Article, FetchFailure, Gone, NotModified, PageFailure, Removed
from newscrawl.schedule import DEFAULT_AGES, next_check

ARTICLE_FIELDS = (
    "url", "canonical_url", "city", "channel", "breadcrumbs", "title", "subtitle", "source", "published_at",
    "published_at_raw", "byline", "authors", "editors", "body", "content_hash",
)  # fmt: skip
VERSION_FIELDS = ("content_hash", "title", "subtitle", "source", "published_at", "byline", "authors", "editors", "body")
COUNTS = (
    "articles_new", "articles_updated", "articles_unchanged", "reprints", "page_failures", "not_modified", "removed",
    "fetch_failures", "dead_links", "soft_404", "suspect",
)  # fmt: skip
# A new text that keeps under 1/SUSPECT_SHRINK of the previous one and lost its time and source is held as suspect.
SUSPECT_SHRINK = 5


KEY_CHUNK = 500  # keys per IN (...) list
DEAD_STATUSES = (404, 410)
# A link that answered 404/410 before it was ever archived waits 1, 2, 4, ... days (at most 90) for its next try.
DEAD_LINK_FIRST_WAIT = timedelta(days=1)
DEAD_LINK_MAX_WAIT = timedelta(days=90)


def _key(item: Article) -> str:
    """An archived article's key: the validate pipeline drops every article without one."""
    assert item.article_key is not None, item.url
    return item.article_key


def dead_link_backoff(failures: int) -> timedelta:
    """How long a link that answered 404/410 `failures` times in a row waits before it is tried again."""
    return min(DEAD_LINK_FIRST_WAIT * 2 ** max(failures - 1, 0), DEAD_LINK_MAX_WAIT)


def dead_link_retry_after(now: datetime) -> Any:
    """SQL for the next try after one more failure, from the failures already counted in the row."""
    steps = [(db.DeadLink.failures == n, now + dead_link_backoff(n + 1)) for n in range(1, 8)]
    return case(*steps, else_=now + DEAD_LINK_MAX_WAIT)


def text_changed(session: Session, article_id: int, old: Any, new: Any) -> None:
    """Note that an article's shown text changed in this transaction (old/new: anything with .title and .body;
    None for a row created or deleted); `write` hands the notes to the indexes (newscrawl.indexes) before commit."""
    before = indexes.Text(old.title or "", old.body or "") if old is not None else None
    after = indexes.Text(new.title or "", new.body or "") if new is not None else None
    session.info.setdefault("text_changes", []).append(indexes.TextChange(article_id, before, after))


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


def suspect_reason(row: db.Article, item: Article) -> str | None:
    """Why a changed text of an archived article looks like a take-down rather than an edit, or None.

    It keeps under 1/SUSPECT_SHRINK of the previous text's characters and shows neither a time nor a source,
    where the article had them: a CMS's error page no detector recognised, or a page cut short.
    """
    before, after = chars(row.body), chars(item.body)
    lost = [name for name, had in (("time", row.published_at is not None), ("source", bool(row.source))) if had]
    if after * SUSPECT_SHRINK >= before or item.published_at is not None or item.source or not lost:
        return None
    return f"keeps {after} of {before} characters, lost its {' and '.join(lost)}"


class Archive:
    """`keep_fetch_facts`: leave when/where an existing row was seen alone (reparse reads old captures).

    Safe with any number of concurrent writers: rows are inserted with INSERT ... ON CONFLICT DO NOTHING
    and updated under a row lock (SELECT ... FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite), taken
    in article-key order so that two batches never wait on each other in a circle; a transaction-level
    advisory lock per content fingerprint makes the first copy of a story the one every reprint links to,
    even when two copies are stored at the same moment.
    """

    def __init__(self, engine: Engine, keep_fetch_facts: bool = False, revisit_ages: Sequence[float] = DEFAULT_AGES):
        self.engine = engine
        self.keep_fetch_facts = keep_fetch_facts
        self.revisit_ages = tuple(revisit_ages)

    def _next_check(self, row: db.Article, now: datetime) -> datetime:
        """When the article is checked again (newscrawl.schedule): its ladder restarts at a change or a removal seen."""
        changed = row.changed_at if (row.version or 1) > 1 else None
        return next_check(row.published_at, now, changed_at=changed, removed_at=row.removed_at, ages=self.revisit_ages)

    def write(self, batch: list[Any], run_id: int | None, now: datetime | None = None) -> Counter:
        """Store a batch in one transaction; returns what happened, counted by COUNTS names."""
        counts: Counter = Counter()
        now = now or db.utcnow()
        articles = sorted((item for item in batch if isinstance(item, Article)), key=_key)
        others = [item for item in batch if not isinstance(item, Article)]
        keys = sorted({_key(item) for item in articles} | {item.article_key for item in others if isinstance(item, (NotModified, Removed))})
        with Session(self.engine) as session, session.begin():
            self._lock_fingerprints(session, [item.content_hash for item in articles])
            existing = self._locked_rows(session, keys)
            inserted = self._insert_new(session, existing, batch, articles, run_id, now, counts)
            for article in articles:
                if article.article_key in inserted:
                    continue
                happened = self._article(session, existing, article, run_id, now)
                counts.update(happened)
                row = existing.get(_key(article))
                if row is not None and "articles_new" not in happened and not (self.keep_fetch_facts and row.next_check_at):
                    row.next_check_at = self._next_check(row, now)  # checked now: the next step of its ladder
            for item in others:
                if isinstance(item, Gone):  # a soft 404: a removal (the Removed branch) when archived, else a PageFailure
                    item = self._soft_404(session, existing, item, run_id, now, counts)
                if isinstance(item, NotModified) and item.article_key in existing:
                    row = existing[item.article_key]
                    row.last_seen_at, row.last_run_id, row.removed_at = now, run_id, None
                    row.next_check_at = self._next_check(row, now)
                    counts["not_modified"] += 1
                elif isinstance(item, Removed) and item.article_key in existing:
                    row = existing[item.article_key]
                    row.removed_at = row.removed_at or now
                    row.last_run_id = run_id
                    row.next_check_at = self._next_check(row, now)  # removed pages are checked again: they come back
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
            session.flush()
            indexes.texts_changed(session, session.info.pop("text_changes", []))
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
        key = _key(item)
        row = existing.get(key)
        if row is None:
            row = self._insert(session, item, run_id, now)
            if row is not None:
                existing[key] = row
                text_changed(session, row.id, None, item)
                session.add(self._version(row, item, run_id, now))
                return ["articles_new", "reprints"] if row.reprint_of_id is not None else ["articles_new"]
            # Another writer stored this key since we looked: update its row like any archived one.
            row = existing[key] = self._locked_rows(session, [key])[key]
        validators = row.etag, row.last_modified  # kept when the new text is held as suspect: the next revisit refetches it
        self._touch(row, item, run_id, now)
        if not self._differs(row, item):
            self._drop_suspects(session, existing, row)  # the article's own text again: the take-down did not hold
            return ["articles_unchanged"]
        if held := self._hold_suspect(session, existing, row, item, run_id, now):
            row.etag, row.last_modified = validators
            return held
        before = {name: getattr(row, name) for name in VERSION_FIELDS}  # the previous version, before _fill overwrites it
        text_changed(session, row.id, row, item)
        self._fill(row, item)
        row.version += 1
        row.changed_at = now
        session.add(self._version(row, item, run_id, now, before))
        return ["articles_updated"]

    # --- soft 404s and suspect versions (newscrawl.gone) -------------------------------------------------
    def _soft_404(
        self, session: Session, existing: dict[str, db.Article], item: Gone, run_id: int | None, now: datetime, counts: Counter
    ) -> Gone | PageFailure:
        """A page that answered 200 but says the article is gone: never an article or a version.

        Archived key: the item goes on to the Removed branch (removed_at set, the text untouched). Unknown key:
        an extraction failure with its "soft 404: why" reason. Keys taken as articles earlier in the run with
        the same text (`item.earlier`, the same-text signal) are taken back first.
        """
        counts["soft_404"] += 1
        if item.earlier:
            self._take_back(session, item, run_id, now, counts)
        if item.article_key in existing:
            return item
        return PageFailure(url=item.url, reason=item.reason, article_key=item.article_key)

    def _take_back(self, session: Session, item: Gone, run_id: int | None, now: datetime, counts: Counter) -> None:
        """Undo what this run stored for pages later found to be one soft 404 served under many URLs.

        A row this run created with that text (version 1) is deleted and recorded as an extraction failure; an
        archived article whose suspect version this run held with that text loses it and is marked removed.
        Anything else (an older row, a text confirmed since) is left alone.
        """
        query = select(db.Article).where(db.Article.article_key.in_(sorted(set(item.earlier)))).order_by(db.Article.article_key)
        rows = list(session.scalars(query.with_for_update()))
        created = [row for row in rows if row.first_run_id == run_id and row.version == 1 and row.content_hash == item.content_hash]
        for row in created:
            session.add(db.ExtractionFailure(run_id=run_id, url=row.url, article_key=row.article_key, reason=item.reason, recorded_at=now))
            counts.update({"articles_new": -1, "reprints": -1 if row.reprint_of_id is not None else 0, "page_failures": 1, "soft_404": 1})
        if created:
            ids = [row.id for row in created]
            session.execute(update(db.ARTICLES).where(db.ARTICLES.c.reprint_of_id.in_(ids)).values(reprint_of_id=None))
            session.execute(delete(db.ArticleVersion).where(db.ArticleVersion.article_id.in_(ids)))
            for row in created:
                text_changed(session, row.id, row, None)
                session.delete(row)
            session.flush()
        for row in rows:
            if row in created:
                continue
            held = delete(db.SuspectVersion).where(
                db.SuspectVersion.article_id == row.id, db.SuspectVersion.content_hash == item.content_hash,
                db.SuspectVersion.run_id == run_id if run_id is not None else db.SuspectVersion.run_id.is_(None),
            )  # fmt: skip
            if cast(CursorResult, session.execute(held)).rowcount:
                row.removed_at = row.removed_at or now
                row.last_run_id = run_id
                row.next_check_at = self._next_check(row, now)  # as for any removal seen
                counts.update({"removed": 1, "soft_404": 1, "suspect": -1})

    @staticmethod
    def _suspects(session: Session, existing: dict[str, db.Article], row: db.Article) -> list[db.SuspectVersion]:
        """The suspect versions held for an article; which of the batch's articles have any is read once per batch."""
        cache = session.info.setdefault("suspect_articles", {"checked": set(), "held": set()})
        if row.id not in cache["checked"]:
            ids = sorted({r.id for r in existing.values() if r.id is not None} - cache["checked"] | {row.id})
            for start in range(0, len(ids), KEY_CHUNK):
                chunk = ids[start : start + KEY_CHUNK]
                cache["held"].update(session.scalars(select(db.SuspectVersion.article_id).where(db.SuspectVersion.article_id.in_(chunk)).distinct()))
            cache["checked"].update(ids)
        if row.id not in cache["held"]:
            return []
        query = select(db.SuspectVersion).where(db.SuspectVersion.article_id == row.id).order_by(db.SuspectVersion.id)
        return list(session.scalars(query))

    def _drop_suspects(self, session: Session, existing: dict[str, db.Article], row: db.Article) -> int:
        """Forget the suspect versions of an article; returns how many there were."""
        if not self._suspects(session, existing, row):
            return 0
        dropped = cast(CursorResult, session.execute(delete(db.SuspectVersion).where(db.SuspectVersion.article_id == row.id))).rowcount
        session.info["suspect_articles"]["held"].discard(row.id)
        return dropped

    def _hold_suspect(
        self, session: Session, existing: dict[str, db.Article], row: db.Article, item: Article, run_id: int | None, now: datetime
    ) -> list[str] | None:
        """Hold a changed text that looks like a take-down as a suspect version: the counts of that, or None to store
        the text as the article's next version (an ordinary edit, or a suspect text confirmed by a later fetch)."""
        fetched = item.crawled_at or now
        suspects = self._suspects(session, existing, row)
        if any(s.content_hash == item.content_hash and fetched > s.fetched_at for s in suspects):
            self._drop_suspects(session, existing, row)  # met again on a later fetch: confirmed, an ordinary version now
            return None
        reason = suspect_reason(row, item)
        if reason is None:
            self._drop_suspects(session, existing, row)  # a full text again: what was held was a passing fault
            return None
        if any(s.content_hash == item.content_hash for s in suspects):
            return ["suspect"]  # the same capture read again (reparse): held already
        session.add(db.SuspectVersion(
            article_id=row.id, content_hash=item.content_hash, title=item.title, source=item.source,
            published_at=item.published_at, body=item.body or "", fetched_at=fetched, run_id=run_id,
            warc_file=item.warc_file, warc_offset=item.warc_offset, reason=reason,
        ))  # fmt: skip
        session.info["suspect_articles"]["held"].add(row.id)
        return ["suspect"]

    def _insert_new(
        self,
        session: Session,
        existing: dict[str, db.Article],
        batch: list[Any],
        articles: list[Article],
        run_id: int | None,
        now: datetime,
        counts: Counter,
    ) -> set[str]:
        """Insert the batch's first articles not archived yet in one multi-row statement; returns their keys.

        The nightly common case, without an ORM object per row. It stores exactly what `_article` would, ids
        included: the new keys that come first in key order, up to the first new key that must go row by row
        (met twice in the batch, or carrying a text an archived row of the batch has or is given), are inserted
        in key order; a copy of a text first met in this batch is then linked to the lowest id holding it. Keys
        another writer took since we looked are left to `_article`, as is everything after the cut.
        """
        met = Counter(getattr(item, "article_key", None) for item in batch)
        # Texts an archived row of the batch has now or is given: where its update falls in key order decides links.
        moving_texts = {item.content_hash for item in articles if item.article_key in existing or met[item.article_key] > 1}
        moving_texts |= {existing[item.article_key].content_hash for item in articles if item.article_key in existing}
        new: list[Article] = []
        for item in articles:  # key order
            if item.article_key in existing:
                continue
            if met[item.article_key] > 1 or item.content_hash in moving_texts:
                break  # the row-by-row path takes it and every later new key, so that ids stay in key order
            new.append(item)
        if not new:
            return set()
        table = db.ARTICLES
        first_copy = self._first_copy_ids(session, sorted({item.content_hash for item in new if item.content_hash}))
        links = {item.article_key: first_copy.get(item.content_hash) if item.content_hash else None for item in new}
        statement = dialect_insert(session, table).on_conflict_do_nothing(index_elements=["article_key"])
        rows = {item.article_key: db.split_article(self._new_row(item, links[item.article_key], run_id, now)) for item in new}
        inserted = dict(session.execute(statement.returning(table.c.article_key, table.c.id), [own for own, _ in rows.values()]).all())
        if inserted:  # each new row's article_checks row (newscrawl.db)
            session.execute(insert(db.ARTICLE_CHECKS), [{**rows[key][1], "article_id": article_id} for key, article_id in inserted.items()])
        # Copies of a text not archived before this batch link to its first copy: the lowest id holding it now.
        fresh = sorted({item.content_hash for item in new if item.content_hash and item.content_hash not in first_copy})
        lowest = self._first_copy_ids(session, fresh)
        relinks = []
        for item in new:
            first = lowest.get(item.content_hash) if item.content_hash else None
            if item.article_key in inserted and first is not None and first != inserted[item.article_key]:
                links[item.article_key] = first
                relinks.append({"row_id": inserted[item.article_key], "first": first})
        if relinks:
            session.execute(update(table).where(table.c.id == bindparam("row_id")).values(reprint_of_id=bindparam("first")), relinks)
        stored = [item for item in new if item.article_key in inserted]
        for item in stored:
            text_changed(session, inserted[item.article_key], None, item)
        if stored:
            session.execute(
                cast(Table, db.ArticleVersion.__table__).insert(),
                [self._version_values(inserted[item.article_key], 1, item, run_id, now) for item in stored],
            )
        counts.update(["articles_new"] * len(stored) + ["reprints" for item in stored if links[item.article_key] is not None])
        return set(inserted)

    def _new_row(self, item: Article, reprint_of_id: int | None, run_id: int | None, now: datetime) -> dict[str, Any]:
        """The column values of a new article's row (its article_checks row's too, as `db.Article` names them): what
        `_fill` and `_touch` set on an archived one, and its first check time."""
        row = {name: getattr(item, name) for name in ARTICLE_FIELDS}
        row.update(
            article_key=item.article_key, canonical_url=item.canonical_url or item.url, images=[asdict(image) for image in item.images],
            crawled_at=item.crawled_at or db.utcnow(), warc_file=item.warc_file, warc_offset=item.warc_offset,
            reprint_of_id=reprint_of_id, first_seen_at=now, first_run_id=run_id, version=1, changed_at=now,
            last_seen_at=now, last_run_id=run_id, removed_at=None, etag=item.etag or None, last_modified=item.last_modified or None,
            next_check_at=next_check(item.published_at, now, ages=self.revisit_ages),
        )  # fmt: skip
        return row

    @staticmethod
    def _version_values(
        article_id: int, version: int, item: Article, run_id: int | None, now: datetime, previous: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The article_versions columns of `item`; `previous` is the version before it (None for the first), to store what changed."""
        fields = {name: getattr(item, name) for name in VERSION_FIELDS}
        fields_changed, chars_added, chars_removed = version_change(previous, fields)
        return dict(
            article_id=article_id, version=version, fetched_at=item.crawled_at or now, run_id=run_id, warc_file=item.warc_file,
            warc_offset=item.warc_offset, fields_changed=fields_changed, chars_added=chars_added, chars_removed=chars_removed, **fields,
        )  # fmt: skip

    @staticmethod
    def _first_copy_ids(session: Session, fingerprints: list[str]) -> dict[str, int]:
        """{content hash: id of its first archived copy} for the hashes that have one."""
        found: dict[str, int] = {}
        for start in range(0, len(fingerprints), KEY_CHUNK):
            chunk = fingerprints[start : start + KEY_CHUNK]
            query = (
                select(db.Article.content_hash, func.min(db.Article.id)).where(db.Article.content_hash.in_(chunk)).group_by(db.Article.content_hash)
            )
            found.update((fingerprint, first_id) for fingerprint, first_id in session.execute(query))
        return found

    def _insert(self, session: Session, item: Article, run_id: int | None, now: datetime) -> db.Article | None:
        """INSERT ... ON CONFLICT DO NOTHING: the new row, or None when the key is taken (by another writer)."""
        first_copy = self._first_copy_ids(session, [item.content_hash]).get(item.content_hash) if item.content_hash else None
        values, checks = db.split_article(self._new_row(item, first_copy, run_id, now))
        statement = dialect_insert(session, db.ARTICLES).values(**values).on_conflict_do_nothing(index_elements=["article_key"])
        new_id = session.execute(statement.returning(db.ARTICLES.c.id)).scalar()
        if new_id is None:
            return None
        session.execute(insert(db.ARTICLE_CHECKS).values(**checks, article_id=new_id))
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
                "retry_after": dead_link_retry_after(now),
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

    def _version(
        self, row: db.Article, item: Article, run_id: int | None, now: datetime, previous: dict[str, Any] | None = None
    ) -> db.ArticleVersion:
        """The version row of `item` (see `_version_values`)."""
        return db.ArticleVersion(**self._version_values(row.id, row.version, item, run_id, now, previous))
