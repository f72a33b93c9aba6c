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
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import String, cast, func, or_, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from newscrawl import db
from newscrawl.arguments import POSTGRES_HINT, require_redis
from newscrawl.diskspace import start_refusal
from newscrawl.migrate import is_current, upgrade
from newscrawl.spiders.common import EXAMPLES_KEPT, blind_reason

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_DRIFT = 3
EXIT_DEGRADED = 4  # too large a share of the night's fetches failed for good
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
        handle.write(f"pid {os.getpid()} since {datetime.now(UTC).isoformat(timespec='seconds')}\n")
        handle.flush()
        yield
    finally:
        handle.close()


def mark_interrupted_runs(database_url: str, spider: str, live_run_key: str | None = None, workers: list[str] | None = None) -> int:
    """Runs of this spider still 'running' while we hold the lock were killed: say so instead of leaving them open.

    The rows of a distributed run that is still live (joined now) are left alone; `workers` limits the
    marking to those processes (the killed children of this run).
    """
    engine = db.make_engine(database_url)
    try:
        with engine.begin() as connection:
            query = update(db.CrawlRun).where(db.CrawlRun.status == "running", db.CrawlRun.spider == spider)
            if live_run_key is not None and workers is None:
                query = query.where(or_(db.CrawlRun.run_key.is_(None), db.CrawlRun.run_key != live_run_key))
            if workers is not None:
                query = query.where(db.CrawlRun.run_key == live_run_key, db.CrawlRun.worker.in_(workers))
            result = connection.execute(
                query.values(status="interrupted", finish_reason="process ended without closing the run", finished_at=db.utcnow())
            )
            return result.rowcount
    finally:
        engine.dispose()


def run_rows(session: Session, run_id: int | None = None, run_key: str | None = None) -> list[db.CrawlRun]:
    """The rows of one run: every worker's row sharing the run key (a row without a key is a run alone)."""
    if run_key is None:
        run = session.get(db.CrawlRun, run_id)
        if run is None:
            return []
        if run.run_key is None:
            return [run]
        run_key = run.run_key
    return list(session.scalars(select(db.CrawlRun).where(db.CrawlRun.run_key == run_key).order_by(db.CrawlRun.id)))


STATUS_ORDER = ("running", "interrupted", "failed", "drift", "degraded", "finished")  # worst first


def run_status(rows: list[db.CrawlRun]) -> str:
    """A run is as bad as its worst worker."""
    return min((row.status for row in rows), key=lambda status: STATUS_ORDER.index(status) if status in STATUS_ORDER else 0)


def judge_run(database_url: str, run_id: int | None = None, drift_jump: float = DEFAULT_DRIFT_JUMP, run_key: str | None = None) -> tuple[int, str]:
    """(exit status, one-line summary) of a finished run, all its workers together; marks layout drift on its rows."""
    engine = db.make_engine(database_url)
    try:
        with Session(engine) as session, session.begin():
            rows = run_rows(session, run_id, run_key)
            if not rows:
                return EXIT_FAILED, f"run {run_key or run_id}: no record of it in the archive"
            ids = [row.id for row in rows]
            earlier = session.scalars(
                select(db.CrawlRun.incomplete_share)
                .where(db.CrawlRun.id < min(ids), db.CrawlRun.status == "finished", db.CrawlRun.incomplete_share.is_not(None))
                .order_by(db.CrawlRun.id.desc()).limit(DRIFT_HISTORY)
            ).all()  # fmt: skip
            shares_before = [share for share in earlier if share is not None]  # the query keeps only set ones
            baseline = statistics.median(shares_before) if shares_before else 0.0
            total = {name: sum(getattr(row, name) or 0 for row in rows) for name in SUMMED}
            workers = f" ({len(rows)} workers)" if len(rows) > 1 else ""
            summary = (
                f"run {rows[0].id}{workers} {{status}}: {total['pages']} pages, {total['articles_new']} new, "
                f"{total['articles_updated']} changed, {total['not_modified']} not modified, {total['removed']} removed, "
                f"{total['skipped']} skipped, {total['errors']} failed, {total['rejected']} without article"
                + "".join(f", {total[name]} {label}" for name, label in (("soft_404", "soft 404"), ("suspect", "held as suspect")) if total[name])
            )  # fmt: skip
            status = run_status(rows)
            if status not in ("finished", "degraded"):
                reasons = "; ".join(sorted({row.finish_reason or row.status for row in rows if row.status not in ("finished", "degraded")}))
                return EXIT_FAILED, summary.format(status=f"{status} ({reasons})")
            blind = blind_channels(rows)
            if blind:
                walked = {name for row in rows for name in (row.channel_links or {})}
                known = {name for name, facts in blind.items() if had_articles(session, facts["folder"])}
                if known or len(blind) == len(walked):  # a channel went blind, or the whole night saw nothing
                    named = [blind_reason(name, facts) for name, facts in sorted(blind.items()) if name in known or len(blind) == len(walked)]
                    reason = f"layout drift: no article links in {len(named)} of {len(walked)} channels: " + "; ".join(named)
                    for row in rows:
                        row.status, row.finish_reason = "drift", reason
                    return EXIT_DRIFT, summary.format(status=f"drift ({reason})")
            shares = [(row.incomplete_share, row.pages or 1) for row in rows if row.incomplete_share is not None]
            share = sum(s * pages for s, pages in shares) / sum(pages for _, pages in shares) if shares else None  # weighted by pages
            if share is not None and share >= baseline + drift_jump:
                reason = f"layout drift: {share:.0%} of article pages incomplete (usually {baseline:.0%})"
                for row in rows:
                    row.status, row.finish_reason = "drift", reason
                return EXIT_DRIFT, summary.format(status=f"drift ({reason})")
            if status == "degraded":
                for row in rows:  # the whole run is degraded when a worker's share of failed fetches was too high
                    row.status = "degraded"
                return EXIT_DEGRADED, summary.format(status=f"degraded ({total['errors']} fetches failed for good)")
            return EXIT_OK, summary.format(status="finished")
    finally:
        engine.dispose()


def blind_channels(rows: list[db.CrawlRun]) -> dict[str, dict[str, Any]]:
    """Channels whose list pages linked no article URL in any worker's part of the run, with their counts."""
    combined: dict[str, dict[str, Any]] = {}
    for row in rows:
        for name, facts in (row.channel_links or {}).items():
            total = combined.setdefault(
                name, {"folder": facts.get("folder", ""), "list_pages": 0, "article_links": 0, "other_links": 0, "examples": []}
            )
            for count in ("list_pages", "article_links", "other_links"):
                total[count] += facts.get(count, 0)
            total["examples"] = list(dict.fromkeys(total["examples"] + facts.get("examples", [])))[:EXAMPLES_KEPT]
    return {name: facts for name, facts in combined.items() if facts["list_pages"] and not facts["article_links"]}


def had_articles(session: Session, folder: str) -> bool:
    """Whether the archive holds articles fetched under this channel folder (it yielded articles before)."""
    if not folder:
        return False
    return session.scalar(select(db.Article.id).where(db.Article.url.contains(folder, autoescape=True)).limit(1)) is not None


SUMMED = (
    "pages", "articles_new", "articles_updated", "articles_unchanged", "not_modified", "removed", "skipped", "errors", "rejected", "reprints",
    "soft_404", "suspect",
)  # fmt: skip


class UsageError(ValueError):
    """A crawl that cannot work as asked; the message says what to do instead."""


def check_workers(workers: int, database_url: str, redis: str | None) -> None:
    if workers < 1:
        raise UsageError(f"--workers: expected a whole number of 1 or more, got {workers}")
    if workers > 1 and make_url(database_url).get_backend_name() == "sqlite":
        raise UsageError(
            f"--workers {workers} needs PostgreSQL: SQLite takes one writer at a time. "
            f"Use --db postgresql+psycopg://user@host/dbname ({POSTGRES_HINT}), or --workers 1"
        )  # fmt: skip
    if workers > 1 and not redis:
        raise UsageError(f"--workers {workers} needs Redis to share the run: set NEWSCRAWL_REDIS_URL (e.g. redis://127.0.0.1:6379/0)")


def run_crawl(
    spider: str,
    spider_args: dict[str, str],
    settings: dict[str, Any],
    database_url: str,
    data_dir: Path,
    drift_jump: float,
    workers: int = 1,
) -> int:
    from newscrawl.distributed.connection import MissingExtra, client, redis_url
    from newscrawl.runner import project_settings, run_spider
    from newscrawl.spill import import_spills

    redis = redis_url(settings.pop("NEWSCRAWL_REDIS_URL", None), project_settings())
    try:
        check_workers(workers, database_url, redis)
        if redis:
            require_redis()  # before the lock and the migrations: a missing extra is one line
        folders = {"NEWSCRAWL_WARC_DIR": str(data_dir / "warc"), "NEWSCRAWL_SPILL_DIR": str(data_dir / "spill")}
        refusal = start_refusal(project_settings(**{**folders, **settings, "NEWSCRAWL_DATABASE_URL": database_url}))
        if refusal is not None:  # before the lock, the migrations and the spill import: nothing is written
            print(f"newscrawl crawl: not starting: {refusal}", file=sys.stderr)
            return EXIT_FAILED
        with crawl_lock(data_dir / "crawl.lock"):
            upgrade(database_url)
            spilled = import_spills(database_url, Path(settings.get("NEWSCRAWL_SPILL_DIR") or data_dir / "spill"))
            if spilled:
                print(f"newscrawl crawl: stored {spilled['items']} items spilled by earlier runs ({spilled['files']} files)")
            run_key = None
            if redis:
                from newscrawl.distributed.runs import RunCoordinator

                ttl = int(settings.get("NEWSCRAWL_WORKER_TTL") or project_settings().getint("NEWSCRAWL_WORKER_TTL", 30))
                run_key = RunCoordinator(client(redis), spider, ttl=ttl).start_or_join()
            mark_interrupted_runs(database_url, spider, run_key)
            stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
            (data_dir / "logs").mkdir(parents=True, exist_ok=True)
            defaults = {"NEWSCRAWL_WARC_DIR": str(data_dir / "warc"), "NEWSCRAWL_SPILL_DIR": str(data_dir / "spill")}
            common = {**defaults, **settings, "NEWSCRAWL_DATABASE_URL": database_url}
            if redis:
                common |= {"NEWSCRAWL_REDIS_URL": redis, "NEWSCRAWL_RUN_KEY": run_key}
            if workers == 1:
                log_file = data_dir / "logs" / f"crawl-{stamp}.log"
                stats = run_spider(spider, settings={**common, "LOG_FILE": str(log_file)}, **spider_args)
                run_id = stats.get("newscrawl/run_id")
                if run_id is None:
                    print(f"newscrawl crawl: the run did not start (see {log_file})", file=sys.stderr)
                    return EXIT_FAILED
                status, summary = judge_run(database_url, run_id, drift_jump)
                print(f"{summary}; log: {log_file}")
                return status
            logs = [data_dir / "logs" / f"crawl-{stamp}-w{n}.log" for n in range(1, workers + 1)]
            killed = run_workers(spider, spider_args, common, logs)
            if killed:
                mark_interrupted_runs(database_url, spider, run_key, workers=killed)
            status, summary = judge_run(database_url, drift_jump=drift_jump, run_key=run_key)
            if killed and status == EXIT_OK:
                status = EXIT_FAILED
            print(f"{summary}; logs: {data_dir / 'logs'}/crawl-{stamp}-w*.log")
            return status
    except LockedError as error:
        print(f"newscrawl crawl: {error}", file=sys.stderr)
        return EXIT_LOCKED
    except (UsageError, MissingExtra) as error:
        print(f"newscrawl crawl: {error}", file=sys.stderr)
        return EXIT_USAGE


def run_workers(spider: str, spider_args: dict[str, str], settings: dict[str, Any], logs: list[Path]) -> list[str]:
    """Start one worker process per log file and wait for all; returns the workers that did not end by themselves."""
    import json
    import signal
    import socket
    import subprocess

    children = []
    for log in logs:
        command = [sys.executable, "-m", "newscrawl.worker", spider, json.dumps(spider_args), json.dumps({**settings, "LOG_FILE": str(log)})]
        children.append(subprocess.Popen(command))

    def forward(signum: int, _frame: Any) -> None:  # cron or systemd stopping us stops the workers too
        for child in children:
            child.send_signal(signum)

    previous = {signum: signal.signal(signum, forward) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        codes = [child.wait() for child in children]
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    host = socket.gethostname()
    return [f"{host}:{child.pid}" for child, code in zip(children, codes, strict=True) if code < 0]


def runs_table(database_url: str, limit: int = 10) -> str:
    if not is_current(database_url):
        return f"{database_url} is not an archive at the newest schema yet: run `newscrawl db upgrade` (or a crawl) first"
    engine = db.make_engine(database_url)
    try:
        with Session(engine) as session:
            group = func.coalesce(db.CrawlRun.run_key, cast(db.CrawlRun.id, String))
            newest = (
                select(group.label("run"), func.max(db.CrawlRun.id).label("last"))
                .group_by(group)
                .order_by(func.max(db.CrawlRun.id).desc())
                .limit(limit)
            )
            keys = [row.run for row in session.execute(newest)]
            members = session.scalars(select(db.CrawlRun).where(group.in_(keys)).order_by(db.CrawlRun.id)).all() if keys else []
    finally:
        engine.dispose()
    runs: dict[str, list[db.CrawlRun]] = {}
    for row in members:
        runs.setdefault(row.run_key or str(row.id), []).append(row)
    columns = (
        "id",
        "spider",
        "started (UTC)",
        "minutes",
        "workers",
        "status",
        "pages",
        "new",
        "changed",
        "304",
        "removed",
        "soft 404",
        "skipped",
        "failed",
        "no article",
        "incomplete",
    )
    table = [columns]
    for key in keys:
        rows = runs[key]
        first = rows[0]
        ends = [row.finished_at for row in rows if row.finished_at is not None]
        minutes = f"{(max(ends) - first.started_at).total_seconds() / 60:.1f}" if len(ends) == len(rows) else "-"
        shares = [row.incomplete_share for row in rows if row.incomplete_share is not None]
        share = f"{max(shares):.0%}" if shares else "-"
        total = {name: sum(getattr(row, name) or 0 for row in rows) for name in SUMMED}
        table.append((
            str(first.id), first.spider, f"{first.started_at:%Y-%m-%d %H:%M}", minutes, str(len(rows)), run_status(rows),
            str(total["pages"]), str(total["articles_new"]), str(total["articles_updated"]), str(total["not_modified"]),
            str(total["removed"]), str(total["soft_404"]), str(total["skipped"]), str(total["errors"]), str(total["rejected"]), share,
        ))  # fmt: skip
    widths = [max(len(row[i]) for row in table) for i in range(len(columns))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in table)
