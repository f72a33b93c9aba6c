"""Bad nights: the real spider against a mirror that injects faults, then a fault-free night.

Every article must end up either stored with the right fields or accounted for by a recorded failure
(its own fetch, or the list page that links it); the next fault-free run completes the archive.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from conftest import MIRROR_ARTICLES, run_crawl
from newscrawl import db
from newscrawl.mirror.server import MirrorServer
from newscrawl.mirror.site import MirrorSite, parse_faults
from test_e2e import mismatches, stored

FAULTS = (
    "5xx=0.1,slow=0.1,truncate=0.08,charset=0.15,redirect=0.1,loop=0.06,huge=0.04,malformed=0.15,"
    "robots=/weifang/qingzhou/,slow_seconds=3,huge_bytes=20971520"
)
RECORDED_KINDS = {"5xx", "truncate", "slow", "loop"}  # the fetch fails for good: a fetch_failures row
SURVIVING_KINDS = {"charset", "redirect", "huge", "malformed"}  # a robust crawler still stores the article
CRAWL_SETTINGS = ("-s", "DOWNLOAD_TIMEOUT=1.5", "-s", "RETRY_TIMES=1")


@pytest.fixture(scope="module")
def faulty_site(mirror_site) -> MirrorSite:
    return MirrorSite(articles=MIRROR_ARTICLES, seed=mirror_site.seed, faults=parse_faults(FAULTS))


def failures(database_url: str) -> dict[str, str]:
    engine = db.make_engine(database_url)
    try:
        with engine.connect() as connection:
            return {urlsplit(url).path: reason for url, reason in connection.execute(select(db.FetchFailure.url, db.FetchFailure.reason))}
    finally:
        engine.dispose()


def test_faults_are_recorded_and_a_clean_night_completes_the_archive(faulty_site, mirror, truth, sqlite_url):
    kinds = {faulty_site.fault_for(urlsplit(row["url"]).path) for row in truth.values()}
    assert kinds | {None} >= RECORDED_KINDS | SURVIVING_KINDS, "every fault kind should hit some article"

    with MirrorServer(faulty_site) as server:
        run_crawl(server.base_url, sqlite_url, *CRAWL_SETTINGS)
    articles, runs = stored(sqlite_url)
    by_key = {a.article_key: a for a in articles}
    failed = failures(sqlite_url)
    blocked = {path for path, reason in failed.items() if "robots.txt" in reason}
    assert blocked, "robots.txt blocks are recorded too"
    assert runs[0].errors == len(failed) - len(blocked) > 0  # robots.txt blocks are no download errors
    # About a fifth of the night's fetches failed for good: more than NEWSCRAWL_DEGRADED_SHARE (10%).
    assert runs[0].status == "degraded"

    outcome = {}
    for key, row in truth.items():
        path = urlsplit(row["url"]).path
        kind = faulty_site.fault_for(path)
        list_page = urlsplit(faulty_site.list_page_for(path) or "").path
        if key in by_key:
            outcome[key] = "stored"
            assert kind not in RECORDED_KINDS, f"{key} should have failed ({kind})"
        elif path in failed:
            outcome[key] = "recorded"
            assert kind in RECORDED_KINDS, f"{key} failed without a fault: {failed[path]}"
        elif list_page in failed or any(path.startswith(prefix) for prefix in faulty_site.faults.robots):
            outcome[key] = "list page failed or robots.txt"
        else:
            pytest.fail(f"{key} ({kind}) is neither stored nor accounted for")
        if kind in SURVIVING_KINDS and outcome[key] != "list page failed or robots.txt":
            assert outcome[key] == "stored", f"{key} should survive its {kind} fault"
    assert mismatches(articles, truth) == []  # what was stored under faults is right
    assert any("robots" in reason.lower() for reason in failed.values())

    run_crawl(mirror.base_url, sqlite_url)  # the next night has no faults
    articles, runs = stored(sqlite_url)
    assert sorted(a.article_key for a in articles) == sorted(truth)
    assert mismatches(articles, truth) == []
