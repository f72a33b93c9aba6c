"""Unattended runs: `newscrawl crawl` (the cron entry point) and `newscrawl runs`.

A crawl takes a lock so two never overlap, logs to data/logs/, leaves a crawl_runs row and exits
non-zero when the run failed or when the share of article pages without title, body or time jumps
(the site's layout changed under the extractor).
"""

from __future__ import annotations

import fcntl
import os
import statistics
import sys
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from newscrawl import db
from newscrawl.migrate import is_current, upgrade

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_DRIFT = 3
EXIT_LOCKED = 75  # EX_TEMPFAIL: cron may simply try again later
DRIFT_HISTORY = 7  # earlier finished runs the share is compared with
DEFAULT_DRIFT_JUMP = 0.2  # this much more of the pages incomplete than usual is drift


class LockedError(RuntimeError):
    pass


@contextmanager
def crawl_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on `path`, released when the process ends however it ends (flock)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise LockedError(f"another crawl holds {path} ({holder}); not starting a second one") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {datetime.now(timezone.utc).isoformat(timespec='seconds')}\n")
        handle.flush()
        yield
    finally:
        handle.close()


def mark_interrupted_runs(database_url: str, spider: str) -> int:
    """This spider's runs still 'running' while we hold the lock were killed: say so instead of leaving them open."""
    engine = db.make_engine(database_url)
    try:
        with engine.begin() as connection:
            result = connection.execute(
                update(db.CrawlRun).where(db.CrawlRun.status == "running", db.CrawlRun.spider == spider)
                .values(status="interrupted", finish_reason="process ended without closing the run", finished_at=db.utcnow())
            )  # fmt: skip
            return result.rowcount
    finally:
        engine.dispose()


def judge_run(database_url: str, run_id: int, drift_jump: float = DEFAULT_DRIFT_JUMP) -> tuple[int, str]:
    """(exit status, one-line summary) of a finished run; marks layout drift on the row."""
    engine = db.make_engine(database_url)
    try:
        with Session(engine) as session, session.begin():
            run = session.get(db.CrawlRun, run_id)
            earlier = session.scalars(
                select(db.CrawlRun.incomplete_share)
                .where(db.CrawlRun.id < run_id, db.CrawlRun.status == "finished", db.CrawlRun.incomplete_share.is_not(None))
                .order_by(db.CrawlRun.id.desc()).limit(DRIFT_HISTORY)
            ).all()  # fmt: skip
            baseline = statistics.median(earlier) if earlier else 0.0
            summary = (
                f"run {run.id} {{status}}: {run.pages} pages, {run.articles_new} new, {run.articles_updated} changed, "
                f"{run.not_modified} not modified, {run.removed} removed, {run.skipped} skipped, {run.errors} failed, "
                f"{run.rejected} without article"
            )
            if run.status != "finished":
                return EXIT_FAILED, summary.format(status=f"{run.status} ({run.finish_reason})")
            share = run.incomplete_share
            if share is not None and share >= baseline + drift_jump:
                run.status = "drift"
                run.finish_reason = f"layout drift: {share:.0%} of article pages incomplete (usually {baseline:.0%})"
                return EXIT_DRIFT, summary.format(status=f"drift ({run.finish_reason})")
            return EXIT_OK, summary.format(status="finished")
    finally:
        engine.dispose()


def run_crawl(
    spider: str, spider_args: dict[str, str], settings: dict[str, Any], database_url: str, data_dir: Path, drift_jump: float
) -> int:
    from newscrawl.runner import run_spider

    try:
        with crawl_lock(data_dir / "crawl.lock"):
            upgrade(database_url)
            mark_interrupted_runs(database_url, spider)
            log_file = data_dir / "logs" / f"crawl-{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}.log"
            log_file.parent.mkdir(parents=True, exist_ok=True)
            defaults = {"LOG_FILE": str(log_file), "NEWSCRAWL_WARC_DIR": str(data_dir / "warc"), "NEWSCRAWL_SPILL_DIR": str(data_dir / "spill")}
            stats = run_spider(spider, settings={**defaults, **settings, "NEWSCRAWL_DATABASE_URL": database_url}, **spider_args)
            run_id = stats.get("newscrawl/run_id")
            if run_id is None:
                print(f"newscrawl crawl: the run did not start (see {log_file})", file=sys.stderr)
                return EXIT_FAILED
            status, summary = judge_run(database_url, run_id, drift_jump)
            print(f"{summary}; log: {log_file}")
            return status
    except LockedError as error:
        print(f"newscrawl crawl: {error}", file=sys.stderr)
        return EXIT_LOCKED


def runs_table(database_url: str, limit: int = 10) -> str:
    if not is_current(database_url):
        return f"{database_url} is not an archive at the newest schema yet: run `newscrawl db upgrade` (or a crawl) first"
    engine = db.make_engine(database_url)
    try:
        with Session(engine) as session:
            runs = session.scalars(select(db.CrawlRun).order_by(db.CrawlRun.id.desc()).limit(limit)).all()
    finally:
        engine.dispose()
    columns = ("id", "spider", "started (UTC)", "minutes", "status", "pages", "new", "changed", "304", "removed", "skipped", "failed", "no article", "incomplete")
    rows = [columns]
    for run in runs:
        minutes = f"{(run.finished_at - run.started_at).total_seconds() / 60:.1f}" if run.finished_at else "-"
        share = f"{run.incomplete_share:.0%}" if run.incomplete_share is not None else "-"
        rows.append((
            str(run.id), run.spider, f"{run.started_at:%Y-%m-%d %H:%M}", minutes, run.status, str(run.pages),
            str(run.articles_new), str(run.articles_updated), str(run.not_modified), str(run.removed),
            str(run.skipped), str(run.errors), str(run.rejected), share,
        ))  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows)
