"""Story clusters: copies of a story (exact and edited) together, look-alikes apart, kept in step by the archive writer."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from conftest import query, run_crawl
from newscrawl import clusters, db
from newscrawl.archive import Archive
from newscrawl.clusters_cli import pairwise, precision_recall
from newscrawl.indexes import Text, TextChange
from newscrawl.items import Article, Gone
from newscrawl.migrate import upgrade
from newscrawl.mirror.server import MirrorServer
from newscrawl.mirror.site import MirrorSite
from newscrawl.pipelines.dedup import content_fingerprint

BEIJING = timezone(timedelta(hours=8))
LEAST = 0.95  # pairwise precision and recall against the mirror's story ids


def item_from_truth(row: dict) -> Article:
    """The article the extractor makes of a mirror page, from its gold row."""
    key = row["article_key"]
    city = key.split("/")[0]
    return Article(
        url=row["url"], canonical_url=row["url"], article_key=key, city=city, channel=row["channel"], title=row["title"],
        body=row["body"], source=row["source"], authors=row["authors"], editors=row["editors"],
        published_at=datetime.fromisoformat(row["published_at"]), content_hash=content_fingerprint(row["body"]),
        crawled_at=datetime(2026, 3, 1, tzinfo=UTC),
    )  # fmt: skip


def members(url: str) -> dict[str, int]:
    """{article key: cluster id} from the view."""
    return dict(query(url, "SELECT article_key, cluster_id FROM story_clusters"))


def score(found: dict[str, int], truth: dict[str, dict]) -> tuple[float, float]:
    """Pairwise precision and recall of clusters ({article key: cluster id}) against the mirror's story ids."""
    assert set(found) == set(truth), "every article has a cluster, and only articles do"
    keys = sorted(truth)
    return precision_recall(*pairwise([found[k] for k in keys], [truth[k]["story"] for k in keys]))


def store(url: str, items: list, batch: int = 20, run_id: int | None = None) -> None:
    engine = db.make_engine(url)
    try:
        for start in range(0, len(items), batch):
            Archive(engine).write(items[start : start + batch], run_id=run_id)
    finally:
        engine.dispose()


def rebuilt(url: str) -> dict[str, int]:
    engine = db.make_engine(url)
    try:
        clusters.rebuild(engine)
    finally:
        engine.dispose()
    return members(url)


@pytest.fixture(scope="module")
def varied_site() -> MirrorSite:
    return MirrorSite(articles=120, seed=11, variations=True)


@pytest.fixture(scope="module")
def varied_truth(varied_site) -> dict[str, dict]:
    return {row["article_key"]: row for row in varied_site.truth_rows("http://127.0.0.1:1/")}


def test_the_mirror_varies_copies_and_shares_boilerplate(varied_site, varied_truth):
    by_story = defaultdict(list)
    for row in varied_truth.values():
        by_story[row["story"]].append(row)
    edited = [rows for rows in by_story.values() if len({(r["title"], r["body"], tuple(r["editors"])) for r in rows}) > 1]
    assert len(edited) >= 8, "edited reprints keep the original's story id and show their own text"
    columns = defaultdict(set)
    for row in varied_truth.values():
        if row["body"].startswith("编者按"):
            columns[row["body"].split("\n")[0]].add(row["story"])
    assert columns and all(len(stories) >= 2 for stories in columns.values()), "a column's different stories share its note"
    plain = {row["article_key"]: row for row in MirrorSite(articles=120, seed=11).truth_rows("http://127.0.0.1:1/")}
    assert all(varied_truth[key] == row for key, row in plain.items()), "the pages without variations stay as they were"


@pytest.mark.parametrize("order", ["published", "shuffled"])
def test_written_articles_cluster_by_story_with_the_earliest_copy_canonical(database_url, varied_truth, order):
    upgrade(database_url)
    items = [item_from_truth(row) for row in varied_truth.values()]
    if order == "published":
        items.sort(key=lambda item: item.published_at)
    else:
        random.Random(3).shuffle(items)
    store(database_url, items)

    precision, recall = score(members(database_url), varied_truth)
    assert precision >= LEAST and recall >= LEAST, (precision, recall)

    # Canonical: the earliest published copy of the cluster (ties: lowest id); copies: the cluster's size.
    rows = query(
        database_url,
        "SELECT s.article_key, s.cluster_id, s.canonical_key, s.copies, a.published_at, a.id FROM story_clusters s JOIN articles a ON a.article_key = s.article_key",
    )
    groups = defaultdict(list)
    for key, cluster_id, canonical, copies, published, article_id in rows:
        groups[cluster_id].append((key, canonical, copies, str(published), article_id))
    for cluster_id, group in groups.items():
        earliest = min(group, key=lambda g: (g[3], g[4]))[0]
        assert {g[1] for g in group} == {earliest} and {g[2] for g in group} == {len(group)}
        assert cluster_id == min(g[4] for g in group), "a cluster's id is its lowest article id"
    assert any(len(group) > 2 for group in groups.values())
    (stories,) = query(database_url, "SELECT count(DISTINCT cluster_id) FROM story_clusters")[0]
    assert stories == len(groups) and abs(stories - len({r["story"] for r in varied_truth.values()})) <= 2

    # The exact-text link keeps its meaning: a copy with the same text points at the first row holding it.
    links = query(database_url, "SELECT a.content_hash, a.id, a.reprint_of_id FROM articles a")
    first = defaultdict(list)
    for content_hash, article_id, reprint_of in links:
        first[content_hash].append((article_id, reprint_of))
    for copies in first.values():
        lowest = min(article_id for article_id, _ in copies)
        assert sorted(reprint_of or 0 for _, reprint_of in copies) == [0] + [lowest] * (len(copies) - 1)

    assert rebuilt(database_url) == members(database_url) != {}


def test_stories_sharing_a_column_note_and_closing_lines_stay_apart(sqlite_url, varied_truth):
    upgrade(sqlite_url)
    store(sqlite_url, [item_from_truth(row) for row in varied_truth.values()])
    found = members(sqlite_url)
    column = [row for row in varied_truth.values() if row["body"].startswith("编者按")]
    assert len(column) >= 6
    assert len({found[row["article_key"]] for row in column}) == len({row["story"] for row in column})


# Three texts in a chain: X and Y share two of three paragraphs, Y and Z too, X and Z one.
PARAGRAPHS = ["".join(random.Random(n).choices("东南西北春夏秋冬山水田林路桥河湖村镇一二三四五六七八九十百千万", k=120)) for n in range(5)]
CHAIN = {"x": PARAGRAPHS[0:3], "y": PARAGRAPHS[1:4], "z": PARAGRAPHS[2:5]}


def chain_item(name: str, number: int, minutes: int = 0, body: list[str] | None = None) -> Article:
    text_ = "\n".join(body or CHAIN[name])
    url = f"https://www.yybnet.net/weifang/news/201708/{number}.html"
    return Article(
        url=url, canonical_url=url, article_key=f"weifang/news/{number}", city="weifang", channel="潍坊新闻", title=f"标题{name}",
        body=text_, content_hash=content_fingerprint(text_), crawled_at=datetime(2026, 3, 1, tzinfo=UTC),
        published_at=datetime(2017, 8, 13, 9, tzinfo=BEIJING) + timedelta(minutes=minutes),
    )  # fmt: skip


def test_a_link_in_the_chain_taken_back_splits_its_cluster_as_a_rebuild_would(database_url):
    upgrade(database_url)
    assert clusters.similarity(*(clusters.signature(Text("", "\n".join(CHAIN[n]))) for n in "xz")) < clusters.SCHEME.threshold
    store(database_url, [chain_item("x", 1), chain_item("z", 3)], run_id=None)
    assert len(set(members(database_url).values())) == 2
    engine = db.make_engine(database_url)
    try:
        with Session(engine) as session, session.begin():
            run = db.CrawlRun(spider="test", started_at=db.utcnow())
            session.add(run)
            session.flush()
            run_id = run.id
    finally:
        engine.dispose()
    store(database_url, [chain_item("y", 2, minutes=-5)], run_id=run_id)
    found = members(database_url)
    assert len(set(found.values())) == 1, "y links x and z"
    assert set(query(database_url, "SELECT canonical_key FROM story_clusters")) == {("weifang/news/2",)}, "y was published first"

    # The page turns out to be a soft 404 met under many URLs: the writer deletes the row it stored this run.
    y = chain_item("y", 2)
    store(database_url, [Gone(url=y.url, article_key="weifang/news/99", content_hash=y.content_hash, earlier=[y.article_key])], run_id=run_id)
    found = members(database_url)
    assert "weifang/news/2" not in found and len(set(found.values())) == 2
    assert query(database_url, "SELECT count(*) FROM story_bands WHERE article_id NOT IN (SELECT id FROM articles)") == [(0,)]
    assert rebuilt(database_url) == found


def test_a_new_version_moves_the_article_to_the_story_it_now_tells(database_url):
    upgrade(database_url)
    store(database_url, [chain_item("x", 1), chain_item("x", 2), chain_item("z", 3)])
    assert members(database_url) == {"weifang/news/1": 1, "weifang/news/2": 1, "weifang/news/3": 3}
    store(database_url, [chain_item("x", 1, body=CHAIN["z"])])  # key 1 now shows z's text: x's copy keeps its own cluster
    assert members(database_url) == {"weifang/news/1": 1, "weifang/news/2": 2, "weifang/news/3": 1}
    assert rebuilt(database_url) == members(database_url)


def test_apply_takes_the_first_old_and_the_last_new_text_of_a_batch(sqlite_url):
    upgrade(sqlite_url)
    store(sqlite_url, [chain_item("x", 1), chain_item("z", 2)])
    engine = db.make_engine(sqlite_url)
    x, z = (Text("标题" + n, "\n".join(CHAIN[n])) for n in "xz")
    try:
        with Session(engine) as session, session.begin():
            clusters.apply(session, [TextChange(1, x, z), TextChange(1, z, x)])  # back where it was: nothing to do
            clusters.apply(session, [TextChange(1, x, Text("标题", "别的")), TextChange(1, Text("标题", "别的"), z)])
    finally:
        engine.dispose()
    assert members(sqlite_url) == {"weifang/news/1": 1, "weifang/news/2": 1}


def test_a_crawl_of_the_mirror_clusters_by_story(sqlite_url):
    site = MirrorSite(articles=40, seed=7, variations=True)
    with MirrorServer(site) as server:
        truth = {row["article_key"]: row for row in site.truth_rows(server.base_url)}
        run_crawl(server.base_url, sqlite_url)
    precision, recall = score(members(sqlite_url), truth)
    assert precision >= LEAST and recall >= LEAST, (precision, recall)
    assert len({r["story"] for r in truth.values()}) < len(truth)


def test_the_migration_clusters_rows_archived_before_it(database_url):
    upgrade(database_url, "0010")
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            for number, name in ((1, "x"), (2, "x"), (3, "z")):
                connection.execute(text(
                    "INSERT INTO articles (article_key, url, canonical_url, breadcrumbs, title, body, authors, editors, images,"
                    " content_hash, crawled_at, first_seen_at, last_seen_at, published_at)"
                    " VALUES (:key, 'u', 'u', '[]', :title, :body, '[]', '[]', '[]', 'h', :t, :t, :t, :published)"
                ), {"key": f"k{number}", "title": name, "body": "\n".join(CHAIN[name]), "t": "2017-08-13 01:19:00",
                    "published": f"2017-08-1{4 - number} 01:19:00"})  # fmt: skip
    finally:
        engine.dispose()
    upgrade(database_url)
    assert sorted(query(database_url, "SELECT article_key, cluster_id, canonical_key, copies FROM story_clusters")) == [
        ("k1", 1, "k2", 2),
        ("k2", 1, "k2", 2),
        ("k3", 3, "k3", 1),
    ]


def test_the_commands_rebuild_and_measure(sqlite_url, capsys):
    from newscrawl.cli import main

    upgrade(sqlite_url)
    store(sqlite_url, [chain_item("x", 1), chain_item("x", 2), chain_item("z", 3)])
    engine = create_engine(sqlite_url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM story_members"))  # clusters lost: the command derives them again
    engine.dispose()
    assert main(["clusters", "rebuild", "--db", sqlite_url]) == 0
    assert "3 articles in 2 story clusters" in capsys.readouterr().out
    assert members(sqlite_url) == {"weifang/news/1": 1, "weifang/news/2": 1, "weifang/news/3": 3}

    assert main(["clusters", "measure", "--articles", "60", "--seeds", "1", "--shingles", "7", "--thresholds", "0.4,0.9"]) == 0
    lines = capsys.readouterr().out.splitlines()
    chosen = next(line for line in lines if line.endswith(" *")).split()
    assert chosen[:2] == [str(clusters.SCHEME.shingle), f"{clusters.SCHEME.threshold:.2f}"]
    assert float(chosen[3]) >= LEAST and float(chosen[4]) >= LEAST


def test_a_huge_text_is_signed_in_bounded_pieces(monkeypatch):
    import random

    import numpy as np

    from newscrawl import clusters
    from newscrawl.indexes import Text

    rng = random.Random(3)
    body = "".join(chr(0x4E00 + rng.randrange(20000)) for _ in range(3000))
    whole = clusters.signature(Text("标题", body))
    monkeypatch.setattr(clusters, "SHINGLES_PER_UPDATE", 7)  # many datasketch calls: the minimum is the same
    assert np.array_equal(clusters.signature(Text("标题", body)), whole)
    monkeypatch.setattr(clusters, "MAX_COMPARED_CHARS", 1000)  # only the start of a huge text is compared
    assert np.array_equal(clusters.signature(Text("标题", body)), clusters.signature(Text("标题", body[: 1000 - len("标题\n")])))
    assert not np.array_equal(clusters.signature(Text("标题", body)), whole)
