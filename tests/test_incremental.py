"""Nightly runs over three days of the mirror: only what is new is fetched, edits become versions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import run_crawl
from newscrawl import db
from newscrawl.mirror.server import MirrorServer
from newscrawl.mirror.site import MirrorSite
from test_e2e import mismatches, stored

ARTICLES, SEED = 60, 11


def night(day: int, database_url: str, *args: str) -> dict[str, dict]:
    site = MirrorSite(articles=ARTICLES, seed=SEED, day=day)
    with MirrorServer(site) as server:
        run_crawl(server.base_url, database_url, "-s", f"NEWSCRAWL_NOW={site.today.isoformat()}", *args)
        return {row["article_key"]: row for row in site.truth_rows(server.base_url)}, site.removed_keys()


def versions(database_url: str, key: str) -> list[tuple[int, str]]:
    engine = db.make_engine(database_url)
    try:
        with Session(engine) as session:
            query = select(db.ArticleVersion.version, db.ArticleVersion.body).join(db.Article).where(db.Article.article_key == key)
            return [tuple(row) for row in session.execute(query.order_by(db.ArticleVersion.version))]
    finally:
        engine.dispose()


LADDER_ONLY = ("-s", "NEWSCRAWL_REVISIT_FILL=False")  # due articles only: no spare budget for the stalest


def test_three_nights(sqlite_url):
    night(0, sqlite_url, *LADDER_ONLY)
    truth1, _ = night(1, sqlite_url, *LADDER_ONLY)
    articles, runs = stored(sqlite_url)
    assert sorted(a.article_key for a in articles) == sorted(truth1)
    assert runs[1].articles_new == len(truth1) - ARTICLES and runs[1].skipped > 0

    truth2, removed = night(2, sqlite_url, *LADDER_ONLY)
    articles, runs = stored(sqlite_url)
    by_key = {a.article_key: a for a in articles}
    assert set(truth2) <= set(by_key)
    old_edits = [k for k, row in truth2.items() if row.get("edited_on_days") and row["first_published_day"] == 0]
    assert mismatches([by_key[k] for k in truth2 if k not in old_edits], truth2) == []  # newest texts

    young_edits = [k for k, row in truth2.items() if 2 in row.get("edited_on_days", []) and row["first_published_day"] >= 1]
    assert young_edits, "day 2 edits articles of day 1"
    for key in young_edits:
        assert by_key[key].version == 2
        history = versions(sqlite_url, key)
        assert [v for v, _ in history] == [1, 2] and history[0][1] == truth1[key]["body"] and history[1][1] == truth2[key]["body"]
    assert runs[2].articles_updated == len(young_edits)
    assert runs[2].not_modified > 0  # young, unchanged: a 304 and nothing else
    assert removed and all(by_key[k].removed_at is not None for k in removed)

    assert old_edits and all(by_key[k].version == 1 for k in old_edits)  # old articles are not on tonight's ladder...
    night(2, sqlite_url, "-a", "full=1")
    articles, _ = stored(sqlite_url)
    by_key = {a.article_key: a for a in articles}
    assert all(by_key[k].version == 2 for k in old_edits)  # ...but a full pass finds the edit
    assert mismatches([by_key[k] for k in truth2], truth2) == []


def test_spare_budget_catches_edits_of_old_articles_without_a_full_pass(sqlite_url):
    """Nights 0-6 at a budget of half the archive: the due articles, then those checked longest ago."""
    budget = ("-s", "NEWSCRAWL_REVISIT_BUDGET=50%", "-s", "NEWSCRAWL_REVISIT_BUDGET_MIN=0")
    revisited = []
    for day in range(7):
        truth, _ = night(day, sqlite_url, *budget)
        _, runs = stored(sqlite_url)
        revisited.append(runs[-1].not_modified + runs[-1].articles_updated + runs[-1].removed)
    articles, runs = stored(sqlite_url)
    by_key = {a.article_key: a for a in articles}
    old_edits = [k for k, row in truth.items() if row.get("edited_on_days") and row["first_published_day"] == 0 and max(row["edited_on_days"]) <= 3]
    assert old_edits, "the mirror edits old articles too"
    assert all(by_key[k].body == truth[k]["body"] for k in old_edits), "an edit of an old article was not caught"
    assert [r.status for r in runs] == ["finished"] * 7 and all(r.args.get("full") is False for r in runs)
    assert all(count <= 0.5 * len(articles) + 1 for count in revisited), revisited  # never past the budget
    assert min(revisited[1:]) > 0
