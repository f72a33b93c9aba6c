"""Story clusters with many writers at once on PostgreSQL: no merge missed, the same clusters as a rebuild."""

from __future__ import annotations

import multiprocessing
import os
import random
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

from newscrawl import clusters, db
from newscrawl.archive import Archive
from newscrawl.migrate import upgrade
from newscrawl.mirror.site import MirrorSite
from newscrawl.pipelines.dedup import content_fingerprint
from test_clusters import item_from_truth, members, rebuilt, score

WRITERS = 4
BATCH = 1
HOLD = 0.05  # seconds each write holds its transaction open after the clusters' step


def site_items() -> tuple[dict[str, dict], list]:
    truth = {row["article_key"]: row for row in MirrorSite(articles=200, seed=5, variations=True).truth_rows("http://127.0.0.1:1/")}
    return truth, [item_from_truth(row) for row in truth.values()]


def writer_items(writer: int) -> list:
    """The copies of each story go to different writers, at the same place in their lists (stored at the same
    moment, where a merge is easiest to miss); every writer then stores everything again, in its own order."""
    truth, items = site_items()
    by_story: dict[str, list] = {}
    for item in items:
        by_story.setdefault(truth[item.article_key]["story"], []).append(item)
    # Copies with one text wait for each other anyway (the archive's lock per text): texts that differ do not.
    texts = [list({item.content_hash: item for item in copies}.values()) for copies in by_story.values()]
    mine = [copies[writer % len(copies)] for copies in texts if len(copies) > 1]
    again = list(items)
    random.Random(writer).shuffle(again)
    return mine + again


def store(url: str, writer: int, barrier_path: str) -> int:
    """One writer process: stores its items in small batches, once all writers are ready."""
    items = writer_items(writer)
    apply = clusters.apply

    def held_open(session, changes):  # the transaction stays open a while after its cluster step: batches overlap
        apply(session, changes)
        time.sleep(HOLD)

    clusters.apply = held_open
    engine = db.make_engine(url)
    warm_up = replace(
        items[0], article_key=f"warm-up/{writer}", body=f"第{writer}位写入者的预热稿。" * 20, content_hash=content_fingerprint(f"warm-up/{writer}")
    )
    Archive(engine).write([warm_up], run_id=None)  # the first write is slow: after it, the writers go in step
    open(f"{barrier_path}.{writer}", "w").close()
    while sum(os.path.exists(f"{barrier_path}.{n}") for n in range(WRITERS)) < WRITERS:
        time.sleep(0.01)
    stored = 0
    try:
        for start in range(0, len(items), BATCH):
            stored += sum(Archive(engine).write(items[start : start + BATCH], run_id=None).values())
    finally:
        engine.dispose()
    return stored


def test_concurrent_writers_leave_the_clusters_a_rebuild_would_make(postgres_url, tmp_path):
    upgrade(postgres_url)
    with ProcessPoolExecutor(WRITERS, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = [pool.submit(store, postgres_url, writer, str(tmp_path / "ready")) for writer in range(WRITERS)]
        assert all(future.result(timeout=300) > 0 for future in results)

    truth, _ = site_items()
    incremental = members(postgres_url)
    precision, recall = score({key: cluster for key, cluster in incremental.items() if not key.startswith("warm-up/")}, truth)
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)
    assert rebuilt(postgres_url) == incremental, "a merge was missed or made twice"
