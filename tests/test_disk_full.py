"""A full disk: the crawl stops and fails, nothing is stored without its raw record, the next run completes it.

The real spider runs against the mirror in a subprocess, with the disk filled three ways: an injected
ENOSPC in the WARC writer (this module's FullDiskWarcWriter, loaded by the subprocess from tests/), a real
96 KB tmpfs under the WARC folder (where this machine lets the tests mount one), and a free-space guard
that sees the space run out. This module is imported by those subprocesses: it imports no conftest.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler
from sqlalchemy import create_engine, select
from sqlalchemy.exc import OperationalError

from newscrawl import db, operate
from newscrawl.diskspace import (
    LOW_DISK_SPACE,
    DiskSpaceGuard,
    check_free_space,
    crawl_folders,
    describe_os_error,
    free_mb,
    is_disk_full,
    start_refusal,
)
from newscrawl.migrate import upgrade
from newscrawl.warc import WarcWriterMiddleware, iter_responses, read_record

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
ENOSPC_REASON = "WarcWriteError: WARC write failed: [Errno 28] No space left on device"
GUARD_OFF = ("-s", "NEWSCRAWL_MIN_FREE_MB=0")


# --- test-only components, loaded by the crawls below through -s settings ---------------------------------
class FullDiskWarcWriter(WarcWriterMiddleware):
    """The WARC writer on a disk that is full after TEST_WARC_WRITES_BEFORE_FULL writes: the write that meets
    the end puts half its bytes in first, as a real full disk does."""

    writes_left = 0

    @classmethod
    def from_crawler(cls, crawler):
        middleware = super().from_crawler(crawler)
        middleware.writes_left = crawler.settings.getint("TEST_WARC_WRITES_BEFORE_FULL")
        return middleware

    def _append(self, data: bytes) -> None:
        if self.writes_left <= 0:
            assert self.file is not None
            self.file.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.writes_left -= 1
        super()._append(data)


class ShrinkingDiskGuard(DiskSpaceGuard):
    """The guard on a disk with plenty of room until TEST_LOW_AFTER_RESPONSES responses came, then 1 MB."""

    def free(self, path: Path) -> float:
        received = self.crawler.stats.get_value("response_received_count", 0)
        return 1.0 if received >= self.crawler.settings.getint("TEST_LOW_AFTER_RESPONSES") else 1e9


# --- helpers ---------------------------------------------------------------------------------------------
def crawl(base_url: str, database_url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """`scrapy crawl yybnet` in a subprocess that can load this module's components."""
    command = [
        sys.executable, "-m", "scrapy", "crawl", "yybnet", "-a", f"base_url={base_url}",
        "-s", f"NEWSCRAWL_DATABASE_URL={database_url}", "-s", f"NEWSCRAWL_SPILL_DIR={tmp_path / 'spill'}",
        "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "LOG_LEVEL=INFO", *args,
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "NEWSCRAWL_DATABASE_URL"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TESTS), env.get("PYTHONPATH")]))
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-4000:]
    return done


def warc_pointers(database_url: str) -> list[tuple[str, str, str | None, int | None]]:
    """(what, url, warc_file, warc_offset) of every article and every article version."""
    engine = db.make_engine(database_url)
    try:
        with engine.connect() as connection:
            articles = connection.execute(select(db.Article.article_key, db.Article.url, db.Article.warc_file, db.Article.warc_offset)).all()
            versions = connection.execute(
                select(db.Article.article_key, db.Article.url, db.ArticleVersion.warc_file, db.ArticleVersion.warc_offset)
                .join(db.ArticleVersion, db.ArticleVersion.article_id == db.Article.id)
            ).all()  # fmt: skip
    finally:
        engine.dispose()
    return [("article", *row[1:]) for row in articles] + [("version", *row[1:]) for row in versions]


def assert_every_row_has_its_whole_record(database_url: str, *warc_dirs: Path) -> None:
    """No article (or version) without a WARC pointer, and each pointer reads back whole: its URL, a 200, a body."""
    where = {path.name: folder for folder in warc_dirs if folder.is_dir() for path in folder.glob("*.warc.gz")}
    pointers = warc_pointers(database_url)
    assert pointers
    for what, url, file, offset in pointers:
        assert file and offset is not None, f"{what} {url} is stored without its raw record"
        record = read_record(where[file], file, offset)  # ArchiveLoadFailed if cut off or damaged
        assert (record.url, record.status, record.record_type) == (url, 200, "response") and record.body


def assert_no_damage(caplog, *warc_dirs: Path) -> int:
    """Every WARC file reads to its end without a damaged record; returns the responses found."""
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="newscrawl.warc"):
        found = sum(1 for folder in warc_dirs for _ in iter_responses(folder))
    assert "damaged" not in caplog.text
    return found


def failures(database_url: str) -> list[str]:
    engine = db.make_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(connection.scalars(select(db.FetchFailure.reason)))
    finally:
        engine.dispose()


def one_line(log: str, text: str) -> str:
    lines = [line for line in log.splitlines() if text in line]
    assert len(lines) == 1, lines
    return lines[0]


# --- the WARC writer meets a full disk -------------------------------------------------------------------
def test_enospc_in_the_warc_writer_fails_the_run_and_the_next_run_completes_the_archive(mirror, truth, database_url, tmp_path, caplog):
    from test_e2e import mismatches, stored

    warc_dir = tmp_path / "warc"
    first = crawl(
        mirror.base_url, database_url, tmp_path, "-s", f"NEWSCRAWL_WARC_DIR={warc_dir}", *GUARD_OFF,
        "-s", 'DOWNLOADER_MIDDLEWARES={"newscrawl.warc.WarcWriterMiddleware": null, "test_disk_full.FullDiskWarcWriter": 950}',
        "-s", "TEST_WARC_WRITES_BEFORE_FULL=40",
    )  # fmt: skip
    assert "Closing spider (disk_full)" in first.stderr
    assert "could not archive" in one_line(first.stderr, "[Errno 28] No space left on device): no record of it was kept")

    articles, runs = stored(database_url)
    assert [(run.status, run.finish_reason) for run in runs] == [("failed", "disk_full")]
    assert 0 < len(articles) < len(truth)
    assert_every_row_has_its_whole_record(database_url, warc_dir)
    assert assert_no_damage(caplog, warc_dir) == 39  # the half-written exchange was cut back out of the file
    reasons = failures(database_url)
    assert reasons.count(ENOSPC_REASON) == 1  # the response that met the full disk, recorded: fetched again next run
    assert all(reason.startswith("WarcWriteError: WARC writ") for reason in reasons)  # the rest were in flight

    crawl(mirror.base_url, database_url, tmp_path, "-s", f"NEWSCRAWL_WARC_DIR={warc_dir}", *GUARD_OFF)  # space is back

    articles, runs = stored(database_url)
    assert runs[0].status in ("failed", "running") and runs[1].status == "finished"
    assert sorted(a.article_key for a in articles) == sorted(truth)
    assert mismatches(articles, truth) == []
    assert_every_row_has_its_whole_record(database_url, warc_dir)
    assert_no_damage(caplog, warc_dir)


@pytest.fixture
def tmpfs(tmp_path):
    """mount(size) -> a fresh tmpfs of that size (e.g. "96k"), unmounted after the test; skipped where mounting
    is not allowed (the injected-ENOSPC test covers the WARC writer everywhere)."""
    mounted: list[Path] = []

    def mount(size: str) -> Path:
        mount_point = tmp_path / f"tmpfs-{len(mounted)}"
        mount_point.mkdir()
        try:
            done = subprocess.run(
                ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount_point)], capture_output=True, text=True, timeout=30
            )
        except FileNotFoundError:
            pytest.skip("no mount command here")
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or f'mount exited {done.returncode}'}")
        mounted.append(mount_point)
        return mount_point

    yield mount
    for mount_point in mounted:
        if subprocess.run(["umount", str(mount_point)], capture_output=True, timeout=30).returncode != 0:
            subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, timeout=30)


def resize(mount_point: Path, size: str) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size}", str(mount_point)], check=True, capture_output=True, timeout=30)


def test_a_real_full_filesystem_under_the_warc_folder(tmpfs, mirror, truth, sqlite_url, tmp_path, caplog):
    from test_e2e import mismatches, stored

    warc_dir, roomy = tmpfs("96k") / "warc", tmp_path / "warc"  # a crawl of the test mirror writes about 175 KB of WARC
    first = crawl(mirror.base_url, sqlite_url, tmp_path, "-s", f"NEWSCRAWL_WARC_DIR={warc_dir}", *GUARD_OFF)
    assert "Closing spider (disk_full)" in first.stderr

    articles, runs = stored(sqlite_url)
    assert [(run.status, run.finish_reason) for run in runs] == [("failed", "disk_full")]
    assert 0 < len(articles) < len(truth)
    assert [p.stat().st_size > 0 for p in warc_dir.iterdir()] == [True]  # one file, no empty ones after it
    assert_every_row_has_its_whole_record(sqlite_url, warc_dir)
    assert_no_damage(caplog, warc_dir)
    assert failures(sqlite_url).count(ENOSPC_REASON) == 1

    crawl(mirror.base_url, sqlite_url, tmp_path, "-s", f"NEWSCRAWL_WARC_DIR={roomy}", *GUARD_OFF)

    articles, runs = stored(sqlite_url)
    assert runs[0].status in ("failed", "running") and runs[1].status == "finished"
    assert sorted(a.article_key for a in articles) == sorted(truth)
    assert mismatches(articles, truth) == []
    assert_every_row_has_its_whole_record(sqlite_url, warc_dir, roomy)


def test_a_real_full_filesystem_under_the_sqlite_database(tmpfs, mirror, truth, tmp_path, caplog):
    from test_e2e import mismatches, stored

    tiny, warc_dir = tmpfs("16m"), tmp_path / "warc"
    database_url = f"sqlite:///{tiny / 'archive.db'}"
    # Then room for a few batches more (each of 5 articles grows the file and its WAL by over 100 KB with the
    # search index and the story clusters); a crawl of the test mirror needs several times that.
    upgrade(database_url)
    resize(tiny, f"{shutil.disk_usage(tiny).used // 1024 + 256}k")
    small_batches = ("-s", "NEWSCRAWL_STORE_BATCH_SIZE=5", "-s", f"NEWSCRAWL_SPILL_DIR={tiny / 'spill'}")
    first = crawl(mirror.base_url, database_url, tmp_path, "-s", f"NEWSCRAWL_WARC_DIR={warc_dir}", *GUARD_OFF, *small_batches)
    assert "Closing spider (disk_full)" in first.stderr
    assert "the database's disk is full" in one_line(first.stderr, "closing the crawl")

    articles, runs = stored(database_url)
    # The run's own closing write may not fit either: then its row stays 'running' (newscrawl crawl marks it
    # interrupted next time, and the next run walks every list page), never 'finished'.
    assert len(runs) == 1 and (runs[0].status == "running" or (runs[0].status == "failed" and runs[0].finish_reason.startswith("disk_full; ")))
    assert 0 < len(articles) < len(truth)
    assert mismatches(articles, truth) == []  # what was stored is whole
    assert_every_row_has_its_whole_record(database_url, warc_dir)

    resize(tiny, "16m")  # space is back
    crawl(mirror.base_url, database_url, tmp_path, "-s", f"NEWSCRAWL_WARC_DIR={warc_dir}", *GUARD_OFF, *small_batches)

    articles, runs = stored(database_url)
    assert runs[0].status in ("failed", "running") and runs[1].status == "finished"
    assert sorted(a.article_key for a in articles) == sorted(truth)
    assert mismatches(articles, truth) == []
    assert_every_row_has_its_whole_record(database_url, warc_dir)


# --- NEWSCRAWL_MIN_FREE_MB ---------------------------------------------------------------------------------
def test_a_crawl_below_the_threshold_refuses_to_start_and_its_run_is_failed(mirror, sqlite_url, tmp_path):
    from test_e2e import stored

    done = crawl(
        mirror.base_url, sqlite_url, tmp_path, "-s", f"NEWSCRAWL_WARC_DIR={tmp_path / 'warc'}", "-s", "NEWSCRAWL_MIN_FREE_MB=1000000000",
        "-s", 'EXTENSIONS={"newscrawl.diskspace.DiskSpaceGuard": 0}',
    )  # fmt: skip
    line = one_line(done.stderr, "not starting the crawl:")
    assert f"MB free on {tmp_path / 'warc'} (the WARC folder, NEWSCRAWL_WARC_DIR); NEWSCRAWL_MIN_FREE_MB is 1000000000" in line
    assert "Closing spider (low_disk_space)" in done.stderr
    articles, runs = stored(sqlite_url)
    assert [(run.status, run.finish_reason, run.pages) for run in runs] == [("failed", "low_disk_space", 0)]
    assert articles == [] and not (tmp_path / "warc").exists()  # not one request was made


def test_a_crawl_that_sees_the_space_run_out_stops_cleanly(mirror, truth, sqlite_url, tmp_path, caplog):
    from test_e2e import mismatches, stored

    warc_dir = tmp_path / "warc"
    slow = ("-s", "CONCURRENT_REQUESTS=2", "-s", "DOWNLOAD_DELAY=0.02", "-s", "NEWSCRAWL_DISK_CHECK_SECONDS=0.05")
    done = crawl(
        mirror.base_url, sqlite_url, tmp_path, "-s", f"NEWSCRAWL_WARC_DIR={warc_dir}", *slow, "-s", "TEST_LOW_AFTER_RESPONSES=40",
        "-s", 'EXTENSIONS={"newscrawl.diskspace.DiskSpaceGuard": null, "test_disk_full.ShrinkingDiskGuard": 0}',
    )  # fmt: skip
    line = one_line(done.stderr, "stopping the crawl:")
    assert "only 1.0 MB free on" in line and "NEWSCRAWL_MIN_FREE_MB is 200" in line
    articles, runs = stored(sqlite_url)
    assert [(run.status, run.finish_reason) for run in runs] == [("failed", LOW_DISK_SPACE)]
    assert 0 < len(articles) < len(truth) and 40 <= runs[0].pages < 100  # stopped soon after, not at the end
    assert failures(sqlite_url) == []  # what was in flight was finished and stored
    assert_every_row_has_its_whole_record(sqlite_url, warc_dir)
    assert_no_damage(caplog, warc_dir)

    crawl(mirror.base_url, sqlite_url, tmp_path, "-s", f"NEWSCRAWL_WARC_DIR={warc_dir}", "-s", 'EXTENSIONS={"newscrawl.diskspace.DiskSpaceGuard": 0}')
    articles, runs = stored(sqlite_url)
    assert runs[0].status in ("failed", "running") and runs[1].status == "finished"
    assert sorted(a.article_key for a in articles) == sorted(truth)
    assert mismatches(articles, truth) == []


def test_newscrawl_crawl_refuses_to_start_with_one_line_and_exit_1(mirror, sqlite_url, tmp_path):
    command = [
        sys.executable, "-m", "newscrawl.cli", "crawl", "--data-dir", str(tmp_path), "--db", sqlite_url,
        "-a", f"base_url={mirror.base_url}", "-s", "NEWSCRAWL_MIN_FREE_MB=1000000000",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == operate.EXIT_FAILED
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("newscrawl crawl: not starting: only ") and f"MB free on {tmp_path / 'warc'} (the WARC folder" in line
    assert "NEWSCRAWL_MIN_FREE_MB is 1000000000" in line
    assert not (tmp_path / "warc").exists() and not (tmp_path / "logs").exists()


def test_the_guard_checks_while_crawling_and_closes_the_crawl_once(monkeypatch, tmp_path, caplog):
    closed = []
    monkeypatch.setattr("newscrawl.diskspace.close_crawl", lambda crawler, reason: closed.append(reason) or True)
    space = {"free": 500.0}

    class Guard(DiskSpaceGuard):
        def free(self, path: Path) -> float:
            return space["free"]

    settings = {"NEWSCRAWL_WARC_DIR": str(tmp_path / "warc"), "NEWSCRAWL_SPILL_DIR": str(tmp_path / "spill"), "NEWSCRAWL_DISK_CHECK_SECONDS": 0.01}
    guard = Guard.from_crawler(get_crawler(Spider, settings))

    async def crawl_while_the_disk_fills() -> None:
        guard.spider_opened()  # enough room: the crawl starts
        await asyncio.sleep(0.05)
        assert closed == [] and guard.task is not None and guard.task.running
        space["free"] = 150.0
        await asyncio.sleep(0.1)

    with caplog.at_level(logging.ERROR, logger="newscrawl.diskspace"):
        asyncio.run(crawl_while_the_disk_fills())
    assert closed == [LOW_DISK_SPACE] and guard.task is None  # asked once, then no more checks
    assert one_line(caplog.text, "stopping the crawl:").endswith(
        f"only 150 MB free on {tmp_path / 'warc'} (the WARC folder, NEWSCRAWL_WARC_DIR); NEWSCRAWL_MIN_FREE_MB is 200 "
        "(free some space, or lower NEWSCRAWL_MIN_FREE_MB; 0 turns the check off)"
    )
    assert guard.crawler.stats.get_value("diskspace/low").startswith("only 150 MB free")
    guard.spider_closed()


def test_the_guard_refuses_to_open_the_spider(tmp_path, caplog):
    class Full(DiskSpaceGuard):
        def free(self, path: Path) -> float:
            return 0.25

    guard = Full.from_crawler(get_crawler(Spider, {"NEWSCRAWL_WARC_DIR": str(tmp_path / "warc"), "NEWSCRAWL_MIN_FREE_MB": "50"}))
    with caplog.at_level(logging.ERROR, logger="newscrawl.diskspace"), pytest.raises(CloseSpider) as refused:
        guard.spider_opened()
    assert refused.value.reason == LOW_DISK_SPACE and guard.task is None
    assert "not starting the crawl: only 0.2 MB free on" in one_line(caplog.text, "NEWSCRAWL_MIN_FREE_MB is 50 ")


def test_the_guard_is_off_at_0():
    with pytest.raises(NotConfigured, match="NEWSCRAWL_MIN_FREE_MB is 0"):
        DiskSpaceGuard.from_crawler(get_crawler(Spider, {"NEWSCRAWL_MIN_FREE_MB": 0}))


# --- the pieces --------------------------------------------------------------------------------------------
FOLDERS = {"the WARC folder": "/srv/news/warc", "the spill folder": "/srv/news/spill"}


@pytest.mark.parametrize(
    ("folders", "free", "min_free_mb", "expected"),
    [
        (FOLDERS, {"/srv/news/warc": 900, "/srv/news/spill": 900}, 200, None),
        (FOLDERS, {"/srv/news/warc": 200, "/srv/news/spill": 200}, 200, None),  # exactly the threshold is enough
        (FOLDERS, {"/srv/news/warc": 12.4, "/srv/news/spill": 900}, 200,
         "only 12 MB free on /srv/news/warc (the WARC folder); NEWSCRAWL_MIN_FREE_MB is 200 (free some space, or lower NEWSCRAWL_MIN_FREE_MB; 0 turns the check off)"),
        (FOLDERS, {"/srv/news/warc": 900, "/srv/news/spill": 0.04}, 200,
         "only 0.0 MB free on /srv/news/spill (the spill folder); NEWSCRAWL_MIN_FREE_MB is 200 (free some space, or lower NEWSCRAWL_MIN_FREE_MB; 0 turns the check off)"),
        (FOLDERS, {"/srv/news/warc": 3, "/srv/news/spill": 1}, 200, "only 3.0 MB free on /srv/news/warc (the WARC folder)"),  # the first one short
        (["/srv/news/warc", "/srv/news/warc"], {"/srv/news/warc": 7.25}, 2.5, None),  # plain paths, each checked once
        (["/srv/news/warc"], {"/srv/news/warc": 1.5}, 2.5,
         "only 1.5 MB free on /srv/news/warc; NEWSCRAWL_MIN_FREE_MB is 2.5 (free some space, or lower NEWSCRAWL_MIN_FREE_MB; 0 turns the check off)"),
        (FOLDERS, {"/srv/news/warc": 0, "/srv/news/spill": 0}, 0, None),  # 0 turns the check off
        (FOLDERS, {"/srv/news/spill": 900}, 200, None),  # the WARC folder's space cannot be told: skipped, with a warning
    ],
)  # fmt: skip
def test_check_free_space_says_which_folder_how_much_and_which_setting(folders, free, min_free_mb, expected, caplog):
    def fake_free(path: Path) -> float:
        if str(path) not in free:
            raise OSError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return free[str(path)]

    with caplog.at_level(logging.WARNING, logger="newscrawl.diskspace"):
        line = check_free_space(folders, min_free_mb, free=fake_free)
    if expected is None:
        assert line is None
    else:
        assert line is not None and line.startswith(expected) and "\n" not in line
    if min_free_mb and "/srv/news/warc" not in free:
        assert "could not tell the free space on /srv/news/warc ([Errno 13] Permission denied)" in caplog.text


def test_free_mb_measures_the_nearest_folder_that_exists(tmp_path):
    expected = shutil.disk_usage(tmp_path).free / 1024 / 1024
    assert free_mb(tmp_path / "not" / "made" / "yet") == pytest.approx(expected, abs=64)
    assert free_mb("relative/not/there") == pytest.approx(shutil.disk_usage(".").free / 1024 / 1024, abs=64)


def test_the_folders_of_a_crawl(tmp_path):
    def settings(**values) -> Settings:
        made = Settings({"NEWSCRAWL_WARC_DIR": str(tmp_path / "warc"), "NEWSCRAWL_SPILL_DIR": str(tmp_path / "spill")})
        made.setdict(values, priority="cmdline")
        return made

    folders = crawl_folders(settings(NEWSCRAWL_DATABASE_URL=f"sqlite:///{tmp_path}/db/archive.db"))
    assert list(folders.values()) == [tmp_path / "warc", tmp_path / "db", tmp_path / "spill"]
    folders = crawl_folders(settings(NEWSCRAWL_DATABASE_URL="postgresql+psycopg://news@db.example/news", NEWSCRAWL_WARC_ENABLED=False))
    assert list(folders.values()) == [tmp_path / "spill"]  # a server's disk is the server's business
    assert start_refusal(settings(NEWSCRAWL_MIN_FREE_MB="1e12")).startswith("only ")
    assert start_refusal(settings(NEWSCRAWL_MIN_FREE_MB="1")) is None


def sqlite_full(tmp_path: Path) -> OperationalError:
    """The error SQLite gives when its file cannot grow (max_page_count stands for the disk)."""
    engine = create_engine(f"sqlite:///{tmp_path / 'full.db'}")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA max_page_count = 8")
            connection.exec_driver_sql("CREATE TABLE t (x BLOB)")
            with pytest.raises(OperationalError) as caught:
                connection.exec_driver_sql("INSERT INTO t VALUES (zeroblob(1000000))")
    finally:
        engine.dispose()
    return caught.value


def test_disk_full_errors_are_told_from_other_errors(tmp_path):
    psycopg_errors = pytest.importorskip("psycopg.errors")
    full = sqlite_full(tmp_path)
    assert "database or disk is full" in str(full)
    cases = [
        (full, True),
        (OperationalError("INSERT", {}, psycopg_errors.DiskFull('could not extend file "base/16384/2619"')), True),
        (OSError(errno.ENOSPC, "No space left on device"), True),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), True),
        (OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked")), False),
        (OperationalError("INSERT", {"body": "No space left on device"}, sqlite3.OperationalError("UNIQUE constraint failed")), False),
        (OperationalError("SELECT 1", {}, psycopg_errors.AdminShutdown("terminating connection")), False),
        (OSError(errno.EIO, "Input/output error"), False),
        (ValueError("naive datetime"), False),
    ]
    try:
        raise RuntimeError("could not write the spill file") from OSError(errno.ENOSPC, "No space left on device")
    except RuntimeError as wrapped:
        cases.append((wrapped, True))
    assert [is_disk_full(error) for error, _ in cases] == [expected for _, expected in cases]
    assert describe_os_error(OSError(errno.ENOSPC, "No space left on device", "/srv/x")) == "[Errno 28] No space left on device"
