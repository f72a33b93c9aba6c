"""Many writers, one archive: processes storing overlapping batches of the same articles at the same moment."""

from __future__ import annotations

import multiprocessing
import random
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta, timezone

import pytest

from newscrawl import db
from newscrawl.archive import Archive
from newscrawl.items import Article
from newscrawl.migrate import upgrade
from newscrawl.pipelines.dedup import content_fingerprint
from test_store import rows

BEIJING = timezone(timedelta(hours=8))
STORIES = 8  # each story is stored under COPIES keys (reprints in several channels)
COPIES = 3
EDITED = 6  # articles each writer stores with a text of its own (edits: new versions)
WRITERS = 4
ROUNDS = 3


def article(key: str, body: str) -> Article:
    url = f"https://www.yybnet.net/weifang/{key.replace('/', '_')}/201708/1.html"
    return Article(
        url=url, canonical_url=url, article_key=key, city="weifang", channel="潍坊新闻", title=f"标题 {key}", body=body,
        content_hash=content_fingerprint(body), published_at=datetime(2017, 8, 13, 9, 19, tzinfo=BEIJING),
        crawled_at=datetime.now(UTC),
    )  # fmt: skip


def writer_items(writer: int, round_no: int) -> list[Article]:
    items = [
        article(f"story{story}/copy{copy}", f"第{story}篇稿件的正文，第{round_no}轮。" * 20) for story in range(STORIES) for copy in range(COPIES)
    ]
    items += [article(f"edited/{n}", f"作者{writer}改过的第{n}篇正文，第{round_no}轮。" * 20) for n in range(EDITED)]
    random.Random(writer * 100 + round_no).shuffle(items)
    return items


def store(url: str, writer: int, round_no: int, barrier_path: str) -> int:
    """One writer process: waits for the others, then stores its items in batches of 5."""
    import os
    import time

    engine = db.make_engine(url)
    open(f"{barrier_path}.{writer}", "w").close()
    while sum(os.path.exists(f"{barrier_path}.{n}") for n in range(WRITERS)) < WRITERS:
        time.sleep(0.01)
    items = writer_items(writer, round_no)
    stored = 0
    try:
        for start in range(0, len(items), 5):
            stored += sum(Archive(engine).write(items[start : start + 5], run_id=None).values())
    finally:
        engine.dispose()
    return stored


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_concurrent_writers_store_once_link_reprints_and_number_versions(backend, request, tmp_path):
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "postgres_url")
    upgrade(url)
    with ProcessPoolExecutor(WRITERS, mp_context=multiprocessing.get_context("spawn")) as pool:
        for round_no in range(ROUNDS):
            barrier = str(tmp_path / f"round{round_no}")
            results = [pool.submit(store, url, writer, round_no, barrier) for writer in range(WRITERS)]
            assert all(future.result(timeout=120) > 0 for future in results)  # no writer raised

    keys = rows(url, "SELECT article_key, count(*) FROM articles GROUP BY article_key")
    assert len(keys) == STORIES * COPIES + EDITED
    assert all(count == 1 for _, count in keys), "an article stored twice"

    # Versions: 1..n without gaps or duplicates, and the article shows its newest.
    versions: dict[int, list[int]] = defaultdict(list)
    for article_id, version in rows(url, "SELECT article_id, version FROM article_versions ORDER BY article_id, version"):
        versions[article_id].append(version)
    shown = dict(rows(url, "SELECT id, version FROM articles"))
    for article_id, numbers in versions.items():
        assert numbers == list(range(1, len(numbers) + 1)), f"article {article_id}: versions {numbers}"
        assert shown[article_id] == numbers[-1]
    assert set(versions) == set(shown)
    edited = rows(url, "SELECT version FROM articles WHERE article_key LIKE 'edited/%'")
    assert all(version > 1 for (version,) in edited), "writers' different texts must become versions"

    # Reprints: the first stored copy of each story links nowhere, every other copy links to it.
    by_story: dict[str, list[tuple[int, int | None]]] = defaultdict(list)
    for key, article_id, reprint_of in rows(url, "SELECT article_key, id, reprint_of_id FROM articles WHERE article_key LIKE 'story%'"):
        by_story[key.split("/")[0]].append((article_id, reprint_of))
    for story, copies in by_story.items():
        first = min(article_id for article_id, _ in copies)
        assert sorted(reprint_of or 0 for _, reprint_of in copies) == [0] + [first] * (COPIES - 1), f"{story}: {copies}"
