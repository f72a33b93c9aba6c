"""Shared fixtures: the mirror site (served once per session on a free port) and the test databases."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from newscrawl.mirror.server import MirrorServer
from newscrawl.mirror.site import MirrorSite

REPO = Path(__file__).resolve().parent.parent
POSTGRES_ENV = "NEWSCRAWL_TEST_POSTGRES_URL"
MIRROR_ARTICLES = 40


@pytest.fixture(scope="session")
def mirror_site() -> MirrorSite:
    return MirrorSite(articles=MIRROR_ARTICLES, seed=7)


@pytest.fixture(scope="session")
def mirror(mirror_site):
    with MirrorServer(mirror_site) as server:
        yield server


@pytest.fixture(scope="session")
def truth(mirror, mirror_site) -> dict[str, dict]:
    return {row["article_key"]: row for row in mirror_site.truth_rows(mirror.base_url)}


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """The PostgreSQL server CI names; a bare machine without it skips, CI with it unreachable fails."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure to reach the server fails the test
        pytest.fail(f"{POSTGRES_ENV}={url} is set but unreachable: {error}")
    finally:
        engine.dispose()
    return url


@pytest.fixture
def postgres_url(postgres_server_url):
    """A fresh, empty database on the CI server for one test, dropped afterwards."""
    name = f"newscrawl_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()  # a test may restart the server: the drop below uses a fresh connection
    yield make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


REDIS_ENV = "NEWSCRAWL_TEST_REDIS_URL"
REDIS_CLAIM = "newscrawl:test:claim"


@pytest.fixture(scope="session")
def redis_server_url() -> str:
    """The Redis server CI names; a bare machine without it skips, CI with it unreachable fails."""
    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"distributed tests need {REDIS_ENV} (e.g. redis://127.0.0.1:6379) and pip install -e '.[redis]'")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()
    except Exception as error:  # noqa: BLE001 - any failure to reach the server fails the test
        pytest.fail(f"{REDIS_ENV}={url} is set but unreachable: {error}")
    return url


@pytest.fixture
def redis_url(redis_server_url):
    """A Redis database number of its own (1-15) for one test: claimed while empty, flushed afterwards."""
    import redis

    claim = f"{os.getpid()}-{uuid.uuid4().hex}"
    for number in range(1, 16):
        client = redis.Redis.from_url(redis_server_url, db=number)
        if not client.set(REDIS_CLAIM, claim, nx=True, ex=3600):
            continue  # another test run holds it
        if client.dbsize() > 1:  # someone's data that is not ours: leave it alone
            client.delete(REDIS_CLAIM)
            continue
        try:
            yield f"{redis_server_url.rstrip('/')}/{number}"
        finally:
            client.flushdb()
            client.close()
        return
    pytest.fail("no free Redis database number (1-15) to run a distributed test in")


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'archive.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request) -> str:
    """Each storage test runs on SQLite and on the real PostgreSQL server."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")


WARC_ROOT = Path(tempfile.mkdtemp(prefix="newscrawl-test-warc-"))


@pytest.fixture(scope="session", autouse=True)
def _remove_test_warc_files():
    yield
    shutil.rmtree(WARC_ROOT, ignore_errors=True)


def run_crawl(
    base_url: str, database_url: str, *args: str, cwd: Path = REPO, warc_dir: Path | None = None, spider: str = "yybnet"
) -> subprocess.CompletedProcess:
    """The real spider, as users run it: `scrapy crawl yybnet` in a subprocess (WARC files in a temporary folder)."""
    warc_dir = warc_dir or Path(tempfile.mkdtemp(dir=WARC_ROOT))
    spider_args = ["-a", f"base_url={base_url}"] if spider == "yybnet" else []
    command = [
        sys.executable, "-m", "scrapy", "crawl", spider, *spider_args,
        "-s", f"NEWSCRAWL_DATABASE_URL={database_url}", "-s", "LOG_LEVEL=INFO", "-s", f"NEWSCRAWL_WARC_DIR={warc_dir}",
        "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", *args,
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "NEWSCRAWL_DATABASE_URL"}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise AssertionError(f"crawl failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return done


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def query(url: str, sql: str) -> list[tuple]:
    """The rows of one SQL statement, read through a short-lived engine."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()
