"""The full-text index stays in step with the rows: new versions, rows taken back, reparse, rebuild, migration."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from newscrawl import db, indexes, migrate, search_index
from newscrawl.archive import Archive
from newscrawl.items import Article, Gone, NotModified
from newscrawl.pipelines.dedup import content_fingerprint
from newscrawl.reparse import reparse
from newscrawl.search import search
from test_reparse import (
    archiver,  # noqa: F401 - the fixture
    path_of,
    picked,
)
from test_search import BASE, NOW, handmade, mirror_items

BEIJING = timezone(timedelta(hours=8))


def keys(engine, query: str) -> set[str]:
    return {hit.article_key for hit in search(engine, query, limit=10_000)}


def vocabulary(engine) -> list[tuple]:
    """Every (term, article, column, position) the FTS5 index holds: what a wrong 'delete' would leave behind."""
    with engine.begin() as connection:
        connection.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_terms USING fts5vocab(main, article_search, 'instance')"))
        return [tuple(row) for row in connection.execute(text("SELECT term, doc, col, offset FROM temp.search_terms ORDER BY 1, 2, 3, 4"))]


def index_agrees_with_rows(engine) -> None:
    """PostgreSQL: the expression index proposes for a gram exactly the rows whose text holds it (checked for a sample
    of the grams the rows hold, and one they do not)."""
    with engine.connect() as connection:
        held = list(connection.scalars(text(f"SELECT DISTINCT unnest({search_index.GRAMS_EXPRESSION}) AS g FROM articles ORDER BY g")))
        sample = held[:: max(1, len(held) // 40)] + [ord("\u9fff")]
        for gram in sample:
            found = []
            for scan in ("enable_seqscan", "enable_bitmapscan"):  # through the index; then a scan of the rows
                connection.execute(text(f"SET LOCAL {scan} = off"))
                query = text(f"SELECT id FROM articles WHERE {search_index.GRAMS_EXPRESSION} @> ARRAY[CAST(:g AS bigint)] ORDER BY id")
                found.append(list(connection.scalars(query, {"g": gram})))
                connection.execute(text(f"RESET {scan}"))
            assert found[0] == found[1], gram
        plan = "\n".join(connection.scalars(text(f"EXPLAIN SELECT id FROM articles WHERE {search_index.GRAMS_EXPRESSION} @> ARRAY[1::bigint]")))
        assert search_index.PG_INDEX in plan or "Seq Scan" in plan  # a tiny table may be read whole


def assert_index_matches_rows(engine) -> None:
    """The index kept by the writer holds exactly what one derived again from the rows holds."""
    if engine.dialect.name != "sqlite":
        index_agrees_with_rows(engine)
        return
    kept = vocabulary(engine)
    search_index.rebuild(engine)
    assert kept == vocabulary(engine)


def story(number: int, title: str, body: str) -> Article:
    return Article(
        url=f"{BASE}/weifang/news/201703/{number}.html", article_key=f"weifang/news/{number}", city="weifang", channel="潍坊新闻",
        title=title, body=body, published_at=datetime(2017, 3, 1, 8, tzinfo=BEIJING), content_hash=content_fingerprint(body),
        crawled_at=NOW,
    )  # fmt: skip


def test_a_new_version_replaces_the_old_text_in_the_index(database_url):
    migrate.upgrade(database_url)
    engine = db.make_engine(database_url)
    archive = Archive(engine)
    archive.write(mirror_items(30) + [story(1, "昌乐火山口", "旧的正文提到蓝宝石。")], run_id=None, now=NOW)
    assert keys(engine, "蓝宝石") == {"weifang/news/1"}
    later = NOW + timedelta(days=1)
    archive.write([story(1, "昌乐火山公园", "新的正文提到恐龙化石。")], run_id=None, now=later)
    assert keys(engine, "蓝宝石") == set() and keys(engine, "火山口") == set()
    assert keys(engine, "恐龙化石") == {"weifang/news/1"} and keys(engine, "火山公园") == {"weifang/news/1"}
    # The same key twice in one batch: inserted, then replaced, in one transaction.
    archive.write([story(2, "甲标题", "第一稿写着青州。"), story(2, "甲标题", "第二稿写着临朐。")], run_id=None, now=later)
    assert keys(engine, "第一稿") == set() and keys(engine, "第二稿") == {"weifang/news/2"}
    assert_index_matches_rows(engine)
    engine.dispose()


def test_rows_taken_back_leave_the_index(database_url):
    migrate.upgrade(database_url)
    engine = db.make_engine(database_url)
    archive = Archive(engine)
    body = "本栏目稿件正在整理中，敬请期待。"
    pages = [story(n, "地方网", body) for n in (11, 12)]
    archive.write(pages + [story(13, "留下的文章", "正文里也有敬请期待。")], run_id=None, now=NOW)
    assert keys(engine, "敬请期待") == {"weifang/news/11", "weifang/news/12", "weifang/news/13"}
    gone = Gone(url=f"{BASE}/weifang/news/201703/14.html", article_key="weifang/news/14", reason="soft 404: the same text",
                content_hash=content_fingerprint(body), earlier=["weifang/news/11", "weifang/news/12"])  # fmt: skip
    counts = archive.write([gone], run_id=None, now=NOW)
    assert counts["articles_new"] == -2
    assert keys(engine, "敬请期待") == {"weifang/news/13"}
    assert_index_matches_rows(engine)
    engine.dispose()


def test_a_direct_delete_noted_for_the_indexes_leaves_the_index(sqlite_url):
    migrate.upgrade(sqlite_url)
    engine = db.make_engine(sqlite_url)
    Archive(engine).write([story(21, "要删的文章", "删掉以后找不到。"), story(22, "别的文章", "还在。")], run_id=None, now=NOW)
    from sqlalchemy.orm import Session

    from newscrawl.archive import text_changed

    with Session(engine) as session, session.begin():
        row = session.get(db.Article, 1)
        session.execute(text("DELETE FROM article_versions WHERE article_id = 1"))
        text_changed(session, row.id, row, None)
        session.delete(row)
        session.flush()
        indexes.texts_changed(session, session.info.pop("text_changes"))
    assert keys(engine, "找不到") == set() and keys(engine, "文章") == {"weifang/news/22"}
    assert_index_matches_rows(engine)
    engine.dispose()


def test_rebuild_derives_the_index_from_the_rows(sqlite_url):
    migrate.upgrade(sqlite_url)
    engine = db.make_engine(sqlite_url)
    Archive(engine).write(mirror_items(40) + handmade(), run_id=None, now=NOW)
    with engine.begin() as connection:  # rows written past the writer (as an import does), the index stale
        connection.execute(text("UPDATE articles SET body = body || '新加的尾巴' WHERE article_key = 'weifang/news/900'"))
        connection.execute(text(f"INSERT INTO {search_index.TABLE} ({search_index.TABLE}) VALUES ('delete-all')"))
    assert keys(engine, "潍坊") == set()
    indexes.rebuild_all(engine)
    assert keys(engine, "新加的尾巴") == {"weifang/news/900"}
    with engine.connect() as connection:
        like = set(connection.scalars(text("SELECT article_key FROM articles WHERE title LIKE '%潍坊%' OR body LIKE '%潍坊%'")))
    assert keys(engine, "潍坊") == like and len(like) > 10
    assert_index_matches_rows(engine)
    engine.dispose()


def test_reparse_keeps_the_index_in_step(database_url, archiver, truth, monkeypatch, tmp_path):  # noqa: F811
    pages = picked(truth)
    for row in pages:
        archiver.capture(path_of(row))
    archiver.close()
    reparse(database_url, tmp_path / "warc")
    engine = db.make_engine(database_url)
    title = pages[0]["title"]
    assert pages[0]["article_key"] in keys(engine, title)

    from newscrawl import reparse as module

    real_extract = module.extract_page

    def fixed_extract(markup, url, *, crawled_at=None):
        item = real_extract(markup, url, crawled_at=crawled_at)
        if item.article_key == pages[0]["article_key"]:
            item.title, item.body = "重新解析后的标题", item.body + "\n重新解析补上的一段。"
        return item

    monkeypatch.setattr(module, "extract_page", fixed_extract)
    assert reparse(database_url, tmp_path / "warc")["articles_updated"] == 1
    assert keys(engine, "重新解析") == {pages[0]["article_key"]}
    assert pages[0]["article_key"] not in keys(engine, title)
    assert_index_matches_rows(engine)
    engine.dispose()


def test_the_migration_indexes_rows_archived_before_it(database_url):
    migrate.upgrade(database_url, "0009")
    engine = db.make_engine(database_url)
    with engine.begin() as connection:
        for n, (title, body) in enumerate([("潍坊风筝节开幕", "来自各国的风筝。"), ("寿光菜博会", "NBA球迷也来了，潍坊人。")]):
            connection.execute(text(
                "INSERT INTO articles (article_key, url, canonical_url, breadcrumbs, title, body, authors, editors, images,"
                " content_hash, crawled_at, first_seen_at, last_seen_at, version)"
                f" VALUES ('weifang/news/{n}', 'u', 'u', '[]', :title, :body, '[]', '[]', '[]', :hash,"
                " '2017-08-13 01:19:00', '2017-08-13 01:19:00', '2017-08-13 01:19:00', 1)"
            ), {"title": title, "body": body, "hash": f"h{n}"})  # fmt: skip
    migrate.upgrade(database_url)
    assert keys(engine, "潍坊") == {"weifang/news/0", "weifang/news/1"}
    assert keys(engine, "风筝") == {"weifang/news/0"} and keys(engine, "NBA球迷") == {"weifang/news/1"}
    assert_index_matches_rows(engine)
    engine.dispose()


def test_a_revisit_leaves_the_postgresql_rows_and_their_grams_alone(postgres_url):
    """The index is on articles, and a revisit writes article_checks only: the articles rows keep their tuple (no new
    grams in the GIN index); a new version writes its row; a deleted row takes its checks row with it."""
    migrate.upgrade(postgres_url)
    engine = db.make_engine(postgres_url)
    archive = Archive(engine)
    archive.write([story(31, "寿光蔬菜", "蔬菜大棚一年四季。"), story(32, "青州古城", "古城的夜景。")], run_id=None, now=NOW)

    def versions() -> dict[int, tuple]:
        with engine.connect() as connection:
            return {row[0]: (row[1], row[2]) for row in connection.execute(text("SELECT id, xmin::text, ctid::text FROM articles"))}

    def article_id(number: int) -> int:
        with engine.connect() as connection:
            return connection.scalar(text("SELECT id FROM articles WHERE article_key = :key"), {"key": f"weifang/news/{number}"})

    before = versions()
    assert len(before) == 2
    later = NOW + timedelta(days=1)
    revisits = [NotModified(url=f"{BASE}/weifang/news/201703/31.html", article_key="weifang/news/31"), story(32, "青州古城", "古城的夜景。")]
    assert archive.write(revisits, run_id=None, now=later)["not_modified"] == 1  # a 304, and the same text again: touches only
    with engine.begin() as connection:
        connection.execute(text("UPDATE article_checks SET last_seen_at = now(), next_check_at = now()"))
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM article_checks WHERE last_seen_at > :now"), {"now": NOW}) == 2
    assert versions() == before
    # A new version rewrites its row only; a row deleted takes its article_checks row along (ON DELETE CASCADE).
    archive.write([story(32, "青州古城新貌", "古城修缮一新。")], run_id=None, now=later)
    after = versions()
    assert after[article_id(31)] == before[article_id(31)] and after[article_id(32)] != before[article_id(32)]
    assert keys(engine, "修缮") == {"weifang/news/32"} and keys(engine, "夜景") == set()
    assert_index_matches_rows(engine)
    gone = article_id(31)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM article_versions WHERE article_id = :id"), {"id": gone})
        connection.execute(text("DELETE FROM articles WHERE id = :id"), {"id": gone})
    assert set(versions()) == {article_id(32)}
    with engine.connect() as connection:
        assert list(connection.scalars(text("SELECT article_id FROM article_checks"))) == [article_id(32)]
    assert_index_matches_rows(engine)
    engine.dispose()


def test_rebuild_reindexes_the_postgresql_expression_index(postgres_url):
    migrate.upgrade(postgres_url)
    engine = db.make_engine(postgres_url)
    Archive(engine).write(mirror_items(20) + handmade(), run_id=None, now=NOW)

    def index_oid() -> int:
        with engine.connect() as connection:
            return connection.scalar(text("SELECT relfilenode FROM pg_class WHERE relname = :name"), {"name": search_index.PG_INDEX})

    before = index_oid()
    search_index.rebuild(engine)
    assert index_oid() != before  # REINDEX writes a new file
    with engine.begin() as connection:  # gone (by hand): rebuild makes it again
        connection.execute(text(f"DROP INDEX {search_index.PG_INDEX}"))
    search_index.rebuild(engine)
    assert index_oid() is not None
    with engine.connect() as connection:
        like = set(connection.scalars(text("SELECT article_key FROM articles WHERE title LIKE '%潍坊%' OR body LIKE '%潍坊%'")))
    assert keys(engine, "潍坊") == like and like
    assert_index_matches_rows(engine)
    engine.dispose()


def test_an_import_rebuilds_the_index_it_does_not_carry(database_url, tmp_path):
    import io

    from newscrawl import exchange

    source = f"sqlite:///{tmp_path / 'source.db'}"
    migrate.upgrade(source)
    engine = db.make_engine(source)
    Archive(engine).write(mirror_items(20) + handmade(), run_id=None, now=NOW)
    engine.dispose()
    exchange.export_jsonl(source, out := io.StringIO())
    assert '"search_' not in out.getvalue() and '"article_search' not in out.getvalue()  # derived: never exported
    exchange.import_jsonl(database_url, out.getvalue().splitlines(keepends=True))
    engine = db.make_engine(database_url)
    with engine.connect() as connection:
        like = set(connection.scalars(text("SELECT article_key FROM articles WHERE title LIKE '%潍坊%' OR body LIKE '%潍坊%'")))
    assert keys(engine, "潍坊") == like and keys(engine, "菜博会") == {"weifang/news/901"}
    assert_index_matches_rows(engine)
    engine.dispose()


def test_db_reindex_command_rebuilds_the_index(database_url, capsys):
    """`newscrawl db reindex` compacts an index grown by inserts (PostgreSQL) or derives it again (SQLite)."""
    from newscrawl.cli import main

    migrate.upgrade(database_url)
    engine = db.make_engine(database_url)
    Archive(engine).write(mirror_items(20) + handmade(), run_id=None, now=NOW)
    like_query = text("SELECT article_key FROM articles WHERE title LIKE '%潍坊%' OR body LIKE '%潍坊%'")
    if engine.dialect.name == "sqlite":
        with engine.begin() as connection:  # an index that lost its entries: the command derives them again
            connection.execute(text(f"INSERT INTO {search_index.TABLE} ({search_index.TABLE}) VALUES ('delete-all')"))
        assert keys(engine, "潍坊") == set()
    assert main(["db", "reindex", "--url", database_url]) == 0
    assert "full-text index rebuilt" in capsys.readouterr().out
    with engine.connect() as connection:
        like = set(connection.scalars(like_query))
    assert keys(engine, "潍坊") == like and like
    assert_index_matches_rows(engine)
    engine.dispose()
