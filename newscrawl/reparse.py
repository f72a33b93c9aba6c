"""Reparse: rebuild the articles from the raw archive (the WARC files) after an extractor fix. No network.

For every article page archived with status 200 (a yybnet article URL, or any URL whose article key is
already a row in `articles`), the newest capture is decoded and extracted again and written through the
same `Archive` as a crawl: an unchanged text stays as it is, a changed one becomes a new version. Pages
that yield no title or body are recorded as extraction failures, as the validate pipeline does.

A capture that is a CMS's error page answered with 200 (a soft 404, newscrawl.gone) is never stored as an
article or a version: under a key not archived yet it is an extraction failure "soft 404: <why>", as in a
crawl; under an archived key it is only counted and the row left alone, removed_at included (an old capture
says nothing of what the site shows now; removals are recorded by the crawls that fetch the page).
The crawl's same-text rule (pipelines/dedup.py) is not applied: it reads the pages of one run, not a whole archive.

Reparsing says nothing about whether the site still shows an article, so it leaves the fetch facts of
existing rows alone (last_seen_at, last_run_id, removed_at, etag, last_modified): a second reparse of the
same files changes nothing. The run is recorded in `crawl_runs` with spider "reparse".

Memory stays flat in the archive's size: the newest capture of each article is kept in a scratch SQLite
file (where it lies, not its body), stored rows are read per batch of keys, never all at once.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from warcio.exceptions import ArchiveLoadFailed

from newscrawl import db
from newscrawl.archive import COUNTS, Archive
from newscrawl.gone import gone_reason
from newscrawl.items import Article, Gone, PageFailure
from newscrawl.migrate import upgrade
from newscrawl.pages import decode_page, extract_page
from newscrawl.pipelines.dedup import content_fingerprint
from newscrawl.pipelines.validate import REQUIRED_FIELDS, soft_404
from newscrawl.urls import article_key_for, yybnet_ref
from newscrawl.warc import ArchivedResponse, iter_responses, read_record

logger = logging.getLogger(__name__)

SPIDER_NAME = "reparse"
# A stored text fetched this much later than the newest capture came from a fetch not in the archive
# (WARC off, file deleted): the older capture must not replace it. The margin covers the moments between
# receiving a response and parsing it, which is when a crawl stamps crawled_at.
NEWER_THAN_CAPTURE = timedelta(minutes=10)
SCAN_BATCH = 1000  # responses read before the archive is asked, in one query, which of their keys it holds
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Capture(NamedTuple):
    date: datetime
    file: str
    offset: int


class Stored(NamedTuple):
    crawled_at: datetime | None
    warc_file: str | None
    warc_offset: int | None


def reparse(database_url: str, warc_dir: Path, since: datetime | None = None, batch_size: int = 100) -> Counter:
    """Extract every archived article page again and store the results; returns what happened.

    Counts: the Archive's (articles_new, articles_updated, articles_unchanged, reprints, page_failures)
    plus responses (response records read), captures (article captures extracted, the newest per
    article), superseded (older captures of the same article), not_article, not_ok (status not 200),
    older_than_stored (captures older than the stored text), soft_404 (captures that are an error page,
    archived key or not) and unreadable.
    """
    if since is not None and since.tzinfo is None:
        raise ValueError(f"naive datetime {since!r}: give an aware time")
    warc_dir = Path(warc_dir)
    upgrade(database_url)
    engine = db.make_engine(database_url)
    counts: Counter = Counter()
    try:
        run_id = _start_run(engine, warc_dir, since, batch_size)
        try:
            with closing(_captures_store()) as captures:
                _newest_captures(engine, warc_dir, since, captures, counts)
                _extract_and_write(engine, warc_dir, captures, run_id, batch_size, counts)
        except BaseException as error:
            _finish_run(engine, run_id, counts, "failed", f"{type(error).__name__}: {error}"[:128])
            raise
        _finish_run(engine, run_id, counts, "finished", "finished")
        logger.info("reparse of %s done: %s", warc_dir, dict(counts))
        return counts
    finally:
        engine.dispose()


def _stored_rows(engine: Engine, keys: Iterable[str], batch: int = 500) -> dict[str, Stored]:
    """The stored rows of these keys (absent keys are not archived), `batch` keys per query."""
    wanted = list(dict.fromkeys(keys))
    found: dict[str, Stored] = {}
    with Session(engine) as session:
        for start in range(0, len(wanted), batch):
            query = select(db.Article.article_key, db.Article.crawled_at, db.Article.warc_file, db.Article.warc_offset)
            query = query.where(db.Article.article_key.in_(wanted[start : start + batch]))
            found.update((key, Stored(crawled_at, file, offset)) for key, crawled_at, file, offset in session.execute(query))
    return found


def _captures_store() -> sqlite3.Connection:
    """A private scratch SQLite file (deleted when closed): the newest capture per article key, on disk."""
    store = sqlite3.connect("")  # "": a temporary on-disk database, only its page cache is in memory
    store.execute("CREATE TABLE newest (key TEXT PRIMARY KEY, date_us INTEGER NOT NULL, file TEXT NOT NULL, offset INTEGER NOT NULL)")
    store.execute("CREATE INDEX newest_order ON newest (date_us, key)")
    return store


def _micros(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


def _newest_captures(engine: Engine, warc_dir: Path, since: datetime | None, captures: sqlite3.Connection, counts: Counter) -> None:
    """The newest 200 capture of each article page into `captures`: where it lies, not its body (re-read when extracted)."""
    pending: list[tuple[str, bool, Capture]] = []  # (key, is a yybnet article URL, capture)
    for response in iter_responses(warc_dir, since):
        counts["responses"] += 1
        if response.status != 200:
            counts["not_ok"] += 1
            continue
        pending.append((article_key_for(response.url), yybnet_ref(response.url) is not None, Capture(response.date, response.file, response.offset)))
        if len(pending) >= SCAN_BATCH:
            _keep_newest(engine, captures, pending, counts)
            pending = []
    _keep_newest(engine, captures, pending, counts)
    (kept,) = captures.execute("SELECT count(*) FROM newest").fetchone()
    if superseded := counts.pop("article_captures", 0) - kept:  # every capture of a key after its first
        counts["superseded"] = superseded


def _keep_newest(engine: Engine, captures: sqlite3.Connection, pending: list[tuple[str, bool, Capture]], counts: Counter) -> None:
    """Keep the article captures among `pending` (a later-read capture wins a tie, as it always has)."""
    stored = _stored_rows(engine, [key for key, is_yybnet, _ in pending if not is_yybnet])
    rows = []
    for key, is_yybnet, capture in pending:
        if not is_yybnet and key not in stored:
            counts["not_article"] += 1
            continue
        counts["article_captures"] += 1
        rows.append((key, _micros(capture.date), capture.file, capture.offset))
    captures.executemany(
        "INSERT INTO newest VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE"
        " SET date_us = excluded.date_us, file = excluded.file, offset = excluded.offset WHERE excluded.date_us >= newest.date_us",
        rows,
    )


def _oldest_first(captures: sqlite3.Connection, batch_size: int) -> Iterator[list[tuple[str, Capture]]]:
    """The kept captures by (date, key), oldest first, `batch_size` at a time."""
    cursor = captures.execute("SELECT key, date_us, file, offset FROM newest ORDER BY date_us, key")
    while page := cursor.fetchmany(batch_size):
        yield [(key, Capture(EPOCH + timedelta(microseconds=date_us), file, offset)) for key, date_us, file, offset in page]


def _newer_text_stored(engine: Engine, page: list[tuple[str, Capture]], counts: Counter) -> list[tuple[str, Capture, bool]]:
    """The captures of `page` that may replace what is stored, with whether their key is archived: not those
    older than a text fetched later."""
    stored = _stored_rows(engine, [key for key, _ in page])
    kept = []
    for key, capture in page:
        row = stored.get(key)
        if (
            row is not None
            and row.crawled_at is not None
            and (row.warc_file, row.warc_offset) != (capture.file, capture.offset)
            and row.crawled_at > capture.date + NEWER_THAN_CAPTURE
        ):
            logger.info("%s: stored text (%s) is newer than the newest capture (%s); kept", key, row.crawled_at, capture.date)
            counts["older_than_stored"] += 1
            continue
        kept.append((key, capture, row is not None))
    return kept


def _extract_and_write(engine: Engine, warc_dir: Path, captures: sqlite3.Connection, run_id: int, batch_size: int, counts: Counter) -> None:
    archive = Archive(engine, keep_fetch_facts=True)
    batch: list[Any] = []
    for page in _oldest_first(captures, batch_size):  # oldest first: reprints link to the first copy
        # Stored rows are read before this page is written; a page's keys are its own, so no write of
        # this run changes a row checked later.
        for key, capture, archived in _newer_text_stored(engine, page, counts):
            try:
                response = read_record(warc_dir, capture.file, capture.offset)
            except ArchiveLoadFailed as error:
                logger.warning("%s: cannot read %s:%s again (%s)", key, capture.file, capture.offset, error)
                counts["unreadable"] += 1
                continue
            counts["captures"] += 1
            item = page_item(response, key)
            if isinstance(item, Gone):  # never handed to the Archive: on an archived key it would record a removal
                counts["soft_404"] += 1
                if archived:
                    logger.info("%s: the newest capture (%s) is a %s; the stored text is kept", key, capture.date, item.reason)
                    continue
                item = PageFailure(url=item.url, reason=item.reason, article_key=item.article_key)
            batch.append(item)
            if len(batch) >= batch_size:
                counts.update(archive.write(batch, run_id))
                batch = []
    if batch:
        counts.update(archive.write(batch, run_id))


def page_item(response: ArchivedResponse, article_key: str | None = None) -> Article | PageFailure | Gone:
    """What a crawl's spider, validate and dedup steps make of one archived article response (a Gone: a soft 404)."""
    key = article_key or article_key_for(response.url)
    markup = decode_page(response.body, response.header("Content-Type"))
    try:
        item = extract_page(markup, response.url, crawled_at=response.date)
    except ValueError as error:  # an empty or unparseable page
        return PageFailure(url=response.url, reason=str(error), article_key=key)
    item.article_key = item.article_key or key
    missing = [name for name in REQUIRED_FIELDS if not (getattr(item, name) or "").strip()]
    if missing:
        return PageFailure(url=response.url, reason="no " + " and no ".join(missing), article_key=item.article_key)
    if (why := gone_reason(item)) is not None:
        return soft_404(item, why)
    item.content_hash = content_fingerprint(item.body or "")
    item.warc_file, item.warc_offset = response.file, response.offset
    item.etag, item.last_modified = response.header("ETag"), response.header("Last-Modified")
    return item


def _start_run(engine: Engine, warc_dir: Path, since: datetime | None, batch_size: int) -> int:
    args = {"warc_dir": str(warc_dir), "since": since.isoformat() if since else None, "batch_size": batch_size}
    with Session(engine) as session, session.begin():
        run = db.CrawlRun(spider=SPIDER_NAME, args=args, started_at=db.utcnow(), status="running")
        session.add(run)
        session.flush()
        return run.id


def _finish_run(engine: Engine, run_id: int, counts: Counter, status: str, reason: str) -> None:
    with Session(engine) as session, session.begin():
        run = session.get(db.CrawlRun, run_id)
        assert run is not None, run_id  # made by _start_run
        run.finished_at = db.utcnow()
        run.status, run.finish_reason = status, reason
        run.pages = counts["captures"]
        for name in COUNTS:
            if hasattr(run, name):
                setattr(run, name, counts[name])
        run.rejected = counts["page_failures"]
        run.errors = counts["unreadable"]
