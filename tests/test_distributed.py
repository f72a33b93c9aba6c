"""Many workers, one run: scrapy-redis's shared queue with the real Redis and PostgreSQL of this machine.

Each test has a Redis database number of its own (conftest.redis_url) and a PostgreSQL database of its
own; the Redis-restart test runs a redis-server of its own on a free port.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import func, select

from conftest import REPO, WARC_ROOT, run_crawl
from newscrawl import db
from newscrawl.operate import EXIT_OK, EXIT_USAGE
from newscrawl.urls import yybnet_ref
from newscrawl.warc import iter_responses
from test_e2e import mismatches, stored

TTL = 6  # seconds a killed worker's busy mark outlives it
SLOW = ["-s", "DOWNLOAD_DELAY=0.08", "-s", "CONCURRENT_REQUESTS=2", "-s", "NEWSCRAWL_STORE_BATCH_SIZE=2"]


def worker(base_url: str, database_url: str, redis_url: str, *settings: str, log: Path, spider: str = "yybnet") -> subprocess.Popen:
    """One `scrapy crawl SPIDER` worker, as a user starts one on any machine: same Redis, same database."""
    warc_dir = Path(tempfile.mkdtemp(dir=WARC_ROOT))
    site = ["-a", f"base_url={base_url}"] if spider == "yybnet" else []
    command = [
        sys.executable, "-m", "scrapy", "crawl", spider, *site,
        "-s", f"NEWSCRAWL_DATABASE_URL={database_url}", "-s", f"NEWSCRAWL_REDIS_URL={redis_url}",
        "-s", f"NEWSCRAWL_WARC_DIR={warc_dir}", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"NEWSCRAWL_WORKER_TTL={TTL}",
        "-s", "LOG_LEVEL=INFO", "-s", f"LOG_FILE={log}", *settings,
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSCRAWL_DATABASE_URL", "NEWSCRAWL_REDIS_URL")}
    with log.with_suffix(".stderr").open("w") as stderr:  # a file, not a pipe: nobody has to drain it
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    process.warc_dir = warc_dir  # type: ignore[attr-defined]
    process.log = log  # type: ignore[attr-defined]
    return process


def tail(process: subprocess.Popen) -> str:
    """The end of a worker's stderr and log, for a failed assertion."""
    texts = [path.read_text(encoding="utf-8")[-1500:] for path in (process.log.with_suffix(".stderr"), process.log) if path.exists()]  # type: ignore[attr-defined]
    return "\n".join(texts)


def finish(process: subprocess.Popen, timeout: float = 120) -> int:
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail(f"worker {process.pid} did not exit by itself within {timeout} s")
    return process.returncode


def article_fetches(*warc_dirs: Path) -> Counter:
    """Responses received per article key, over the WARC files of every worker."""
    fetched: Counter = Counter()
    for warc_dir in warc_dirs:
        for response in iter_responses(warc_dir):
            ref = yybnet_ref(response.url)
            if ref is not None:
                fetched[ref.key] += 1
    return fetched


def count_articles(database_url: str) -> int:
    engine = db.make_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(db.Article)) or 0
    except Exception:  # noqa: BLE001 - not migrated yet: nothing stored
        return 0
    finally:
        engine.dispose()


def wait_for_articles(database_url: str, count: int, processes: list[subprocess.Popen], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while count_articles(database_url) < count and time.monotonic() < deadline:
        assert all(p.poll() is None for p in processes), "a worker ended before the test could interfere"
        time.sleep(0.1)


def test_two_workers_share_one_run_and_fetch_each_article_once(mirror, truth, postgres_url, redis_url, tmp_path):
    workers = [worker(mirror.base_url, postgres_url, redis_url, *SLOW, log=tmp_path / f"w{n}.log") for n in (1, 2)]
    started = time.monotonic()
    assert [finish(w) for w in workers] == [0, 0], [tail(w) for w in workers]
    assert time.monotonic() - started < 120

    fetched = article_fetches(*(w.warc_dir for w in workers))
    assert set(fetched) == set(truth)
    assert [key for key, times in fetched.items() if times != 1] == [], "an article was fetched by both workers"

    articles, runs = stored(postgres_url)
    assert sorted(a.article_key for a in articles) == sorted(truth)
    assert mismatches(articles, truth) == []
    assert len(runs) == 2 and runs[0].run_key == runs[1].run_key and runs[0].worker != runs[1].worker
    assert [r.status for r in runs] == ["finished", "finished"]
    assert all(r.articles_new > 0 for r in runs), "both workers should have done part of the work"
    for n in (1, 2):
        assert "Traceback" not in (tmp_path / f"w{n}.log").read_text(encoding="utf-8")


def test_a_sigkilled_worker_stalls_nobody_and_the_next_run_completes_the_archive(mirror, truth, postgres_url, redis_url, tmp_path):
    slower = ["-s", "DOWNLOAD_DELAY=0.15", "-s", "CONCURRENT_REQUESTS=1", "-s", "NEWSCRAWL_STORE_BATCH_SIZE=2"]
    seeder = worker(mirror.base_url, postgres_url, redis_url, *slower, log=tmp_path / "w1.log")
    time.sleep(1.5)
    victim = worker(mirror.base_url, postgres_url, redis_url, *slower, log=tmp_path / "w2.log")
    wait_for_articles(postgres_url, 8, [seeder, victim])
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    killed_at = time.monotonic()
    assert finish(seeder) == 0, tail(seeder)
    assert time.monotonic() - killed_at < 90

    articles, runs = stored(postgres_url)
    assert {r.status for r in runs} == {"finished", "running"}  # the killed worker never closed its row
    run_crawl(mirror.base_url, postgres_url)  # the next night, one process: walks every list page after the unclean run
    articles, runs = stored(postgres_url)
    assert sorted(a.article_key for a in articles) == sorted(truth)
    assert mismatches(articles, truth) == []


def test_leftovers_of_a_killed_run_in_redis_make_a_new_run_skip_nothing(mirror, truth, postgres_url, redis_url, tmp_path):
    import redis
    from scrapy import Request

    from newscrawl.fingerprint import ArticleKeyFingerprinter

    client = redis.Redis.from_url(redis_url)
    fingerprints = ArticleKeyFingerprinter()
    old = "newscrawl:run:killed-run"
    client.set("newscrawl:yybnet:current", "killed-run")  # its state expired with its workers
    client.sadd(f"{old}:dupefilter", *[fingerprints.fingerprint(Request(row["url"], meta={"article_key": key})).hex() for key, row in truth.items()])
    client.zadd(f"{old}:requests", {b"not a request": 0})
    client.sadd(f"{old}:workers", "gone:1")

    w = worker(mirror.base_url, postgres_url, redis_url, log=tmp_path / "w.log")
    assert finish(w) == 0, tail(w)
    articles, runs = stored(postgres_url)
    assert sorted(a.article_key for a in articles) == sorted(truth)
    assert runs[0].run_key != "killed-run"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(port: int, folder: Path) -> subprocess.Popen:
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.05)
    server.kill()
    pytest.fail("the test's own redis-server did not start")


def test_redis_restarted_mid_run_fails_the_run_cleanly_and_the_next_run_completes(mirror, truth, postgres_url, redis_server_url, tmp_path):
    if not shutil.which("redis-server"):
        pytest.fail("this test restarts a redis-server of its own; install redis-server (Debian package redis-server)")
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    server = start_redis(port, tmp_path)
    slower = ["-s", "DOWNLOAD_DELAY=0.15", "-s", "CONCURRENT_REQUESTS=1", "-s", "NEWSCRAWL_STORE_BATCH_SIZE=2"]
    try:
        workers = [worker(mirror.base_url, postgres_url, url, *slower, log=tmp_path / f"w{n}.log") for n in (1, 2)]
        wait_for_articles(postgres_url, 8, workers)
        server.terminate()  # it keeps nothing on disk: the queue and the run are lost
        server.wait(timeout=30)
        time.sleep(1)
        server = start_redis(port, tmp_path)
        codes = [finish(w, timeout=90) for w in workers]
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert codes == [0, 0]
    articles, runs = stored(postgres_url)
    assert [r.status for r in runs] == ["failed", "failed"]
    assert all(r.finish_reason.startswith("redis_") for r in runs), [r.finish_reason for r in runs]
    assert len(articles) < len(truth)
    for n in (1, 2):
        log = (tmp_path / f"w{n}.log").read_text(encoding="utf-8")
        assert "Redis" in log and "marked failed" in log
        assert "Traceback" not in log, log[log.index("Traceback") - 500 :][:3000]

    run_crawl(mirror.base_url, postgres_url)  # the next night walks every list page and completes the archive
    articles, _ = stored(postgres_url)
    assert sorted(a.article_key for a in articles) == sorted(truth)
    assert mismatches(articles, truth) == []


def newscrawl_crawl(*args: str, data_dir: Path, env_redis: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSCRAWL_DATABASE_URL", "NEWSCRAWL_REDIS_URL")}
    if env_redis:
        env["NEWSCRAWL_REDIS_URL"] = env_redis
    command = [sys.executable, "-m", "newscrawl.cli", "crawl", "--data-dir", str(data_dir), *args]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


def test_newscrawl_crawl_workers_is_one_run_with_one_summary(mirror, truth, postgres_url, redis_url, tmp_path):
    done = newscrawl_crawl(
        "--workers", "2", "--db", postgres_url, "-a", f"base_url={mirror.base_url}", *SLOW, "-s", f"NEWSCRAWL_WORKER_TTL={TTL}",
        "-s", "AUTOTHROTTLE_ENABLED=False", data_dir=tmp_path, env_redis=redis_url,
    )  # fmt: skip
    assert done.returncode == EXIT_OK, done.stdout + done.stderr
    assert "(2 workers) finished" in done.stdout and f"{len(truth)} new" in done.stdout
    assert len(list((tmp_path / "logs").glob("crawl-*-w*.log"))) == 2
    articles, runs = stored(postgres_url)
    assert sorted(a.article_key for a in articles) == sorted(truth)
    assert len({r.run_key for r in runs}) == 1 and len(runs) == 2

    table = subprocess.run([sys.executable, "-m", "newscrawl.cli", "runs", "--db", postgres_url], capture_output=True, text=True, cwd=REPO)
    lines = table.stdout.splitlines()
    assert len(lines) == 2, table.stdout  # the header and one line for the run
    header, row = lines[0].split(), lines[1].split()
    assert row[header.index("workers")] == "2"  # "started (UTC)" is two words, as the date and time of a row are


def test_more_than_one_worker_on_sqlite_is_refused_naming_postgresql(tmp_path, mirror):
    done = newscrawl_crawl(
        "--workers",
        "2",
        "--db",
        f"sqlite:///{tmp_path / 'a.db'}",
        "-a",
        f"base_url={mirror.base_url}",
        data_dir=tmp_path,
        env_redis="redis://127.0.0.1:1/0",
    )
    assert done.returncode == EXIT_USAGE
    assert "PostgreSQL" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "a.db").exists()


def test_more_than_one_worker_without_redis_is_refused(tmp_path, postgres_url):
    done = newscrawl_crawl("--workers", "3", "--db", postgres_url, data_dir=tmp_path)
    assert done.returncode == EXIT_USAGE
    assert "NEWSCRAWL_REDIS_URL" in done.stderr and "Traceback" not in done.stderr


class TimedSite:
    """A mirror site that notes when each request arrived."""

    def __init__(self, site):
        self.site = site
        self.times: list[float] = []

    def __getattr__(self, name):
        return getattr(self.site, name)

    def respond(self, method, path, headers):
        self.times.append(time.monotonic())
        return self.site.respond(method, path, headers)


def test_the_download_delay_is_the_sites_across_all_workers(postgres_url, redis_url, tmp_path):
    from newscrawl.mirror.server import MirrorServer
    from newscrawl.mirror.site import MirrorSite

    delay = 0.25
    site = TimedSite(MirrorSite(articles=10, seed=11))
    polite = ["-s", f"DOWNLOAD_DELAY={delay}", "-s", "RANDOMIZE_DOWNLOAD_DELAY=False", "-s", "CONCURRENT_REQUESTS=4"]
    with MirrorServer(site) as server:
        workers = [worker(server.base_url, postgres_url, redis_url, *polite, "-a", "cities=weifang", log=tmp_path / f"w{n}.log") for n in (1, 2)]
        assert [finish(w) for w in workers] == [0, 0], [tail(w) for w in workers]
    gaps = [later - earlier for earlier, later in pairwise(site.times)]
    assert len(site.times) > 10
    # Arrival times at the server carry the noise of connection set-up and of a loaded machine, so the test asks
    # for the rate, not for every gap: with a delay per worker, two workers would need about half this time.
    assert site.times[-1] - site.times[0] >= 0.9 * delay * len(gaps), f"{len(site.times)} requests too fast for DOWNLOAD_DELAY={delay}"
    assert sum(gap < delay / 2 for gap in gaps) <= 2, [round(gap, 3) for gap in gaps]


def test_the_news_spider_shares_a_run_the_same_way(mirror, truth, postgres_url, redis_url, tmp_path):
    from test_e2e import LABEL_FIELDS
    from test_news_spider import ARTICLE_PATTERN

    channels = ["weifang/news", "mianyang/news", "weifang/shouguang"]
    start_urls = ",".join(f"{mirror.base_url}/{c}/" for c in channels)
    news = ["-a", f"start_urls={start_urls}", "-a", f"article_pattern={ARTICLE_PATTERN}"]
    workers = [worker(mirror.base_url, postgres_url, redis_url, *SLOW, *news, log=tmp_path / f"w{n}.log", spider="news") for n in (1, 2)]
    assert [finish(w) for w in workers] == [0, 0], [tail(w) for w in workers]

    fetched = article_fetches(*(w.warc_dir for w in workers))
    wanted = {key for key in truth if any(key.startswith(channel + "/") for channel in channels)}
    assert wanted <= set(fetched)
    assert [key for key, times in fetched.items() if times != 1] == [], "an article was fetched by both workers"
    articles, runs = stored(postgres_url)
    assert wanted <= {a.article_key for a in articles}
    assert mismatches(articles, truth, LABEL_FIELDS) == []
    assert [r.spider for r in runs] == ["news", "news"] and len({r.run_key for r in runs}) == 1
    assert all(r.status == "finished" for r in runs)
