"""The archive's multi-row insert of new articles stores exactly what the row-by-row path stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from newscrawl import db
from newscrawl.archive import Archive
from newscrawl.items import Article, Image, NotModified, PageFailure
from newscrawl.migrate import upgrade
from newscrawl.pipelines.dedup import content_fingerprint

BEIJING = timezone(timedelta(hours=8))
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
SKIP = {"id", "article_id", "reprint_of_id"}  # ids are compared through the keys they point at


def article(number: int, body: str) -> Article:
    url = f"https://www.yybnet.net/weifang/news/201708/{number}.html"
    return Article(
        url=url, canonical_url=None, article_key=f"weifang/news/{number}", city="weifang", channel="潍坊新闻", title=f"标题{number}",
        body=body, content_hash=content_fingerprint(body), published_at=datetime(2017, 8, 13, 9, 19, tzinfo=BEIJING),
        authors=["张三"], editors=["李四"], images=[Image("https://www.yybnet.net/a.jpg", "图")], etag=f'"{number}"',
        crawled_at=datetime(2026, 3, 1, 11, number % 60, tzinfo=UTC), warc_file="a.warc.gz", warc_offset=number * 100,
    )  # fmt: skip


def text(name: str) -> str:
    return f"{name}的正文。" * 20


def nights() -> list[list[Any]]:
    """Batches that mix every case the multi-row insert must hand over or get right."""
    first = [article(1, text("甲")), article(2, text("乙")), article(3, text("丙"))]
    # Key 4 goes row by row (met twice), key 5 after it: ids must still follow key order, for later first copies.
    order = [article(4, text("癸")), PageFailure(url="u", reason="no body", article_key="weifang/news/4"), article(5, text("子"))]
    same = [article(4, text("丑")), article(5, text("丑"))]  # both edited to one text
    later_copy = [article(6, text("丑"))]  # its first copy is the lower id of the two: key 4's
    second = [
        article(10, text("丁")), article(11, text("丁")), article(12, text("丁")),  # three copies of a new text
        article(13, text("甲")), article(14, text("甲")),  # two more copies of an archived text
        article(2, text("戊")), article(15, text("戊")),  # an archived article edited to a new article's text
        article(1, text("壬")), article(19, text("壬")),  # an archived first copy edited away from the text 13 and 14 carry
        article(16, text("己")), article(16, text("己") + "补"),  # one key twice in a batch
        article(17, text("庚")), NotModified(url="https://www.yybnet.net/weifang/news/201708/17.html", article_key="weifang/news/17"),
        article(18, text("辛")),
    ]  # fmt: skip
    return [first, second, order, same, later_copy]


def stored(url: str) -> dict[str, Any]:
    engine = db.make_engine(url)
    try:
        with Session(engine) as session:
            rows = list(session.scalars(select(db.Article)))
            keys = {row.id: row.article_key for row in rows}
            rank = {row_id: position for position, row_id in enumerate(sorted(keys))}
            out: dict[str, Any] = {}
            for row in rows:
                values = {prop.key: getattr(row, prop.key) for prop in db.Article.__mapper__.column_attrs if prop.key not in SKIP}
                values["reprint_of"] = keys.get(row.reprint_of_id)
                values["id_rank"] = rank[row.id]  # the order of ids decides which copy is the first
                versions = session.scalars(
                    select(db.ArticleVersion).where(db.ArticleVersion.article_id == row.id).order_by(db.ArticleVersion.version)
                )
                values["versions"] = [{c.key: getattr(v, c.key) for c in db.ArticleVersion.__table__.columns if c.key not in SKIP} for v in versions]
                out[row.article_key] = values
            return out
    finally:
        engine.dispose()


def write_nights(url: str) -> list[dict[str, int]]:
    upgrade(url)
    engine = db.make_engine(url)
    try:
        return [dict(Archive(engine).write(batch, None, now=NOW + timedelta(days=night))) for night, batch in enumerate(nights())]
    finally:
        engine.dispose()


def test_the_multi_row_insert_stores_what_the_row_by_row_path_stores(database_url, tmp_path, monkeypatch):
    multi_row = []
    real_insert_new = Archive._insert_new
    monkeypatch.setattr(Archive, "_insert_new", lambda self, *args: multi_row.extend(sorted(keys := real_insert_new(self, *args))) or keys)
    fast_counts = write_nights(database_url)
    # The multi-row path did the inserting (so the comparison below means something): 1 to 3, then 10 to 12 (13 carries
    # the text of key 1, which the batch edits), then none before key 4, then key 6.
    assert multi_row == [f"weifang/news/{n}" for n in (1, 2, 3, 10, 11, 12, 6)]
    fast = stored(database_url)
    slow_url = f"sqlite:///{tmp_path / 'row-by-row.db'}"
    monkeypatch.setattr(Archive, "_insert_new", lambda self, *args: set())  # every article through `_article`
    slow_counts = write_nights(slow_url)
    assert fast_counts == slow_counts
    assert fast == stored(slow_url)
    assert fast["weifang/news/11"]["reprint_of"] == fast["weifang/news/12"]["reprint_of"] == "weifang/news/10"
    assert fast["weifang/news/15"]["reprint_of"] is None  # "weifang/news/15" sorts before the edit of "weifang/news/2"
    assert fast["weifang/news/19"]["reprint_of"] == "weifang/news/1"  # the edit of "weifang/news/1" sorts first
    assert [v["version"] for v in fast["weifang/news/16"]["versions"]] == [1, 2]
    assert fast["weifang/news/6"]["reprint_of"] == "weifang/news/4"


def test_new_rows_fill_every_column_of_the_articles_table():
    row = Archive(None)._new_row(article(1, text("甲")), None, None, NOW)  # type: ignore[arg-type]
    assert set(row) == {prop.key for prop in db.Article.__mapper__.column_attrs} - {"id"}
    own, checks = db.split_article(row)  # the two tables' columns (the ids: the insert's)
    assert set(own) == {column.name for column in db.ARTICLES.columns} - {"id"}
    assert set(checks) == {column.name for column in db.ARTICLE_CHECKS.columns} - {"article_id"}


@pytest.mark.parametrize("taken", ["weifang/news/10", "weifang/news/11"])
def test_a_key_taken_by_another_writer_meanwhile_goes_row_by_row(sqlite_url, monkeypatch, taken):
    """Another writer stored one of the batch's new keys after our look: nothing is lost and links stay right."""
    first, second = nights()[:2]
    upgrade(sqlite_url)
    engine = db.make_engine(sqlite_url)
    real_locked_rows = Archive._locked_rows

    raced = []

    def look_then_lose_the_race(session, keys):
        rows = real_locked_rows(session, keys)
        if taken in keys and not raced:  # the other writer's row appears between our look and our insert
            raced.append(taken)
            other = next(item for item in second if getattr(item, "article_key", None) == taken)
            db.insert_articles(session, [Archive(engine)._new_row(other, None, None, NOW)])
            rows.pop(taken, None)
        return rows

    try:
        Archive(engine).write(first, None, now=NOW)
        monkeypatch.setattr(Archive, "_locked_rows", staticmethod(look_then_lose_the_race))
        counts = Archive(engine).write(second, None, now=NOW + timedelta(days=1))
    finally:
        engine.dispose()
    archive = stored(sqlite_url)
    assert counts["articles_new"] == 9  # keys 10 to 19 but the taken one, an update now
    assert {archive[key]["reprint_of"] for key in ("weifang/news/10", "weifang/news/11", "weifang/news/12")} <= {
        None,
        "weifang/news/10",
        "weifang/news/11",
    }
    firsts = [key for key in ("weifang/news/10", "weifang/news/11", "weifang/news/12") if archive[key]["reprint_of"] is None]
    assert len(firsts) == 1 and all(
        archive[key]["reprint_of"] in (None, firsts[0]) for key in ("weifang/news/10", "weifang/news/11", "weifang/news/12")
    )
    assert all(len(archive[key]["versions"]) == 1 for key in archive if key not in (taken, "weifang/news/1", "weifang/news/2", "weifang/news/16"))
