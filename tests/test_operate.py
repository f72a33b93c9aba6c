"""Running unattended: the lock, exit statuses, layout drift, a SIGKILL mid-run, the database going away."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from conftest import REPO, run_crawl
from newscrawl import db
from newscrawl.migrate import upgrade
from newscrawl.operate import EXIT_DRIFT, EXIT_FAILED, EXIT_LOCKED, EXIT_OK, crawl_lock, judge_run
from test_e2e import mismatches, stored

FAST = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0"]


def newscrawl_crawl(*args: str, data_dir: Path, database_url: str, wait: bool = True):
    command = [sys.executable, "-m", "newscrawl.cli", "crawl", "--data-dir", str(data_dir), *(["--db", database_url] if database_url else []), *args]
    if not wait:
        return subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)


def count_articles(database_url: str) -> int:
    engine = db.make_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(db.Article))
    except Exception:  # noqa: BLE001 - not created yet, or the server is down: nothing counted
        return 0
    finally:
        engine.dispose()


def test_a_second_crawl_exits_at_once_while_one_holds_the_lock(tmp_path, sqlite_url, mirror):
    with crawl_lock(tmp_path / "crawl.lock"):
        started = time.monotonic()
        done = newscrawl_crawl("-a", f"base_url={mirror.base_url}", *FAST, data_dir=tmp_path, database_url=sqlite_url)
    assert done.returncode == EXIT_LOCKED
    assert "another crawl holds" in done.stderr and f"pid {os.getpid()}" in done.stderr
    assert time.monotonic() - started < 30


def test_crawl_command_logs_and_exits_by_outcome(tmp_path, sqlite_url, mirror, truth):
    done = newscrawl_crawl("-a", f"base_url={mirror.base_url}", *FAST, data_dir=tmp_path, database_url=sqlite_url)
    assert done.returncode == EXIT_OK, done.stderr
    assert f"{len(truth)} new" in done.stdout
    logs = list((tmp_path / "logs").glob("crawl-*.log"))
    assert logs and "Spider closed (finished)" in logs[0].read_text(encoding="utf-8")

    dead = newscrawl_crawl("-a", "base_url=http://127.0.0.1:9", "-s", "RETRY_TIMES=0", *FAST, data_dir=tmp_path, database_url=sqlite_url)
    assert dead.returncode == EXIT_FAILED
    assert "failed" in dead.stdout

    runs = subprocess.run([sys.executable, "-m", "newscrawl.cli", "runs", "--db", sqlite_url], capture_output=True, text=True, cwd=REPO)
    assert runs.returncode == 0 and "finished" in runs.stdout and "failed" in runs.stdout


def test_layout_drift_is_judged_against_earlier_runs(database_url):
    upgrade(database_url)
    engine = db.make_engine(database_url)
    with Session(engine) as session, session.begin():
        for share, status in [(0.02, "finished"), (0.05, "finished"), (0.04, "finished"), (0.10, "finished"), (0.70, "finished"), (0.0, "failed")]:
            session.add(db.CrawlRun(spider="yybnet", args={}, started_at=db.utcnow(), status=status, incomplete_share=share))
    engine.dispose()
    assert judge_run(database_url, 4)[0] == EXIT_OK  # 10% against a usual 4%: not a jump
    status, summary = judge_run(database_url, 5)
    assert status == EXIT_DRIFT and "layout drift: 70%" in summary
    assert judge_run(database_url, 6)[0] == EXIT_FAILED
    engine = db.make_engine(database_url)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT status FROM crawl_runs WHERE id = 5")) == "drift"
    engine.dispose()


def test_sigkill_mid_run_then_restart_loses_nothing_and_duplicates_nothing(tmp_path, sqlite_url, mirror, truth):
    slow = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0.15", "-s", "CONCURRENT_REQUESTS=1", "-s", "NEWSCRAWL_STORE_BATCH_SIZE=2"]
    crawl = newscrawl_crawl("-a", f"base_url={mirror.base_url}", *slow, data_dir=tmp_path, database_url=sqlite_url, wait=False)
    deadline = time.monotonic() + 120
    while count_articles(sqlite_url) < 6 and crawl.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert crawl.poll() is None, "the crawl ended before it could be killed"
    crawl.send_signal(signal.SIGKILL)
    crawl.communicate(timeout=30)
    assert 0 < count_articles(sqlite_url) < len(truth)

    done = newscrawl_crawl("-a", f"base_url={mirror.base_url}", *FAST, data_dir=tmp_path, database_url=sqlite_url)
    assert done.returncode == EXIT_OK, done.stdout + done.stderr
    articles, runs = stored(sqlite_url)
    assert sorted(a.article_key for a in articles) == sorted(truth)
    assert mismatches(articles, truth) == []
    assert [r.status for r in runs] == ["interrupted", "finished"]


PG_CLUSTER = Path("/etc/postgresql")


def postgres_control(action: str) -> None:
    version = sorted(os.listdir(PG_CLUSTER))[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action], check=True, capture_output=True, timeout=60)


@pytest.mark.skipif(
    not shutil.which("pg_ctlcluster") or not PG_CLUSTER.is_dir(), reason="needs a local PostgreSQL cluster that pg_ctlcluster controls"
)
def test_postgres_stopped_and_started_mid_run(postgres_url, mirror, truth, tmp_path):
    # slow enough that the articles left after the fourth (about 36, 0.3 s apart) outlast stopping the server
    # on a loaded machine: at 0.1 s the crawl could store its last batch before the server was down
    slow = ["-s", "DOWNLOAD_DELAY=0.3", "-s", "CONCURRENT_REQUESTS=1", "-s", "NEWSCRAWL_STORE_BATCH_SIZE=2", "-s", "NEWSCRAWL_STORE_RETRIES=8"]
    command = [
        sys.executable, "-m", "scrapy", "crawl", "yybnet", "-a", f"base_url={mirror.base_url}", "-s", f"NEWSCRAWL_DATABASE_URL={postgres_url}",
        "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"NEWSCRAWL_WARC_DIR={tmp_path / 'warc'}", *slow,
    ]  # fmt: skip
    crawl = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while count_articles(postgres_url) < 4 and crawl.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert crawl.poll() is None, "the crawl ended before the database could be stopped"
        postgres_control("stop")
        assert crawl.poll() is None, "the crawl ended while the database was being stopped: the outage met nothing"
        time.sleep(3)
    finally:
        postgres_control("start")
    _, log = crawl.communicate(timeout=300)
    assert "'store/retries'" in log  # the pipeline met the outage and retried

    run_crawl(mirror.base_url, postgres_url)  # whatever could not be written is fetched again
    articles, _ = stored(postgres_url)
    assert sorted(a.article_key for a in articles) == sorted(truth)
    assert mismatches(articles, truth) == []


def test_a_site_answering_503_everywhere_is_a_failed_night(tmp_path, sqlite_url):
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    class Unavailable(BaseHTTPRequestHandler):
        def do_GET(self):  # http.server's name
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Unavailable)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        done = newscrawl_crawl(
            "-a", f"base_url=http://127.0.0.1:{server.server_port}", "-a", "channels=weifang/news", "-s", "RETRY_TIMES=0", *FAST,
            data_dir=tmp_path, database_url=sqlite_url,
        )  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == EXIT_FAILED, done.stdout + done.stderr


def test_the_database_named_with_dash_s_is_the_one_used(tmp_path, mirror):
    wanted = tmp_path / "wanted.db"
    done = newscrawl_crawl(
        "-a", f"base_url={mirror.base_url}", "-a", "channels=zibo/news", "-s", f"NEWSCRAWL_DATABASE_URL=sqlite:///{wanted}", *FAST,
        data_dir=tmp_path, database_url="",
    )  # fmt: skip
    assert done.returncode == EXIT_OK, done.stderr
    assert count_articles(f"sqlite:///{wanted}") > 0
