"""The memory bench's parts: the synthetic archive it fills, how it reads a peak, the table it prints."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newscrawl import db
from newscrawl.bench_memory import Crawl, Row, fill_archive, format_table, vm_hwm_kib
from newscrawl.migrate import upgrade
from newscrawl.yybnet import known_channels, parse_article_url


def test_the_synthetic_archive_is_old_articles_of_the_mirrors_channels_that_avoid_its_keys(sqlite_url):
    upgrade(sqlite_url)
    taken = {"weifang/news/10000001", "weifang/qingzhou/10000002"}
    fill_archive(sqlite_url, 90, taken)
    engine = db.make_engine(sqlite_url)
    try:
        with Session(engine) as session:
            rows = session.scalars(select(db.Article)).all()
            assert session.scalar(select(func.count()).select_from(db.Article)) == 90
    finally:
        engine.dispose()
    keys = {row.article_key for row in rows}
    assert len(keys) == 90 and not keys & taken
    assert all(parse_article_url(row.canonical_url).key == row.article_key for row in rows)
    assert {(row.city, row.article_key.split("/")[1]) for row in rows} == set(known_channels())  # every channel
    assert max(row.published_at for row in rows) < datetime(2011, 1, 1, tzinfo=UTC)  # never young
    assert all(row.etag and row.last_modified and row.removed_at is None for row in rows)


def test_the_peak_is_the_crawl_processes_own_not_its_parents():
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        mine, its = vm_hwm_kib(os.getpid()), vm_hwm_kib(child.pid)
        assert mine and its and its < mine  # a fresh interpreter's own map, not a copy of this process's peak
    finally:
        child.communicate(b"")
    assert vm_hwm_kib(child.pid) is None  # gone


def test_the_table_ends_with_the_summary_line():
    def row(archived: int, *peaks: float) -> Row:
        return Row(archived, 1.0, [Crawl(peak, 5.0, {"incremental/skipped": 400, "incremental/revisited": 40}) for peak in peaks])

    table = format_table([row(0, 120, 119, 120), row(300_000, 121, 121, 122.4), row(1_000_000, 122, 122, 123.6)], 400)
    lines = table.splitlines()
    assert "night 3 MB" in lines[1] and "+2.4" in lines[3] and "+3.6" in lines[4]
    assert lines[-1] == "incremental crawl peak RSS: 0 archived 120 MB, 300000 archived 122 MB (+2 MB), 1000000 archived 124 MB (+4 MB)"
