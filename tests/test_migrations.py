"""The schema is the migrations': upgrade from empty works, and the models agree with them."""

from alembic import command
from sqlalchemy import create_engine, inspect

from newscrawl import migrate

TABLES = {"articles", "article_checks", "article_versions", "crawl_runs", "extraction_failures", "fetch_failures", "alembic_version"}


def test_upgrade_from_empty_matches_models_and_downgrades(database_url):
    migrate.upgrade(database_url)
    assert migrate.is_current(database_url)
    migrate.check(database_url)  # raises if models and migrations disagree

    engine = create_engine(database_url)
    try:
        assert set(inspect(engine).get_table_names()) >= TABLES
        columns = {c["name"] for c in inspect(engine).get_columns("articles")}
        assert {"article_key", "published_at", "authors", "editors", "content_hash", "first_seen_at"} <= columns
        assert {c["name"] for c in inspect(engine).get_columns("article_checks")} == {
            "article_id",
            "last_seen_at",
            "last_run_id",
            "next_check_at",
            "etag",
            "last_modified",
        }
    finally:
        engine.dispose()

    command.downgrade(migrate.alembic_config(database_url), "base")
    assert migrate.current_revision(database_url) is None
    migrate.upgrade(database_url)
    assert migrate.is_current(database_url)


def test_articles_archived_before_0002_get_their_text_as_version_one(database_url):
    from sqlalchemy import text

    migrate.upgrade(database_url, "0001")
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO articles (article_key, url, canonical_url, breadcrumbs, title, body, authors, editors, images,"
                " content_hash, crawled_at, first_seen_at, last_seen_at)"
                " VALUES ('weifang/news/1234567', 'u', 'u', '[]', '标题', '正文', '[\"张三\"]', '[]', '[]', 'h',"
                " '2017-08-13 01:19:00', '2017-08-13 01:19:00', '2017-08-13 01:19:00')"
            ))  # fmt: skip
        migrate.upgrade(database_url)
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT a.article_key, v.version, v.body, a.version FROM article_versions v JOIN articles a ON a.id = v.article_id")
            ).all()
        assert [tuple(r) for r in rows] == [("weifang/news/1234567", 1, "正文", 1)]
    finally:
        engine.dispose()


MOVED = ("last_seen_at", "last_run_id", "next_check_at", "etag", "last_modified")


def test_0013_moves_the_check_columns_out_of_articles_and_back(database_url):
    """An archive of rows at 0012 up to 0013, down and up again: the values kept, search still equal to LIKE."""
    from sqlalchemy import text

    from newscrawl import db
    from newscrawl.search import search
    from test_search import mirror_items

    migrate.upgrade(database_url, "0009")  # rows stored before the search index (0010), which indexes them, as a writer would have
    engine = db.make_engine(database_url)
    items = mirror_items(40)
    with engine.begin() as connection:
        run = connection.execute(text(
            "INSERT INTO crawl_runs (spider, args, started_at, status, pages, articles_new, articles_updated, articles_unchanged,"
            " reprints, rejected, errors) VALUES ('yybnet', '{}', '2017-08-13 01:19:00', 'finished', 0, 0, 0, 0, 0, 0, 0) RETURNING id"
        )).scalar()  # fmt: skip
        for number, item in enumerate(items):
            connection.execute(text(
                "INSERT INTO articles (article_key, url, canonical_url, city, channel, breadcrumbs, title, body, authors, editors, images,"
                " content_hash, crawled_at, first_seen_at, last_seen_at, last_run_id, next_check_at, etag, last_modified, version, removed_at)"
                " VALUES (:key, :url, :url, :city, :channel, '[]', :title, :body, '[]', '[]', '[]', :hash, '2017-08-13 01:19:00',"
                " '2017-08-13 01:19:00', :seen, :run, :next, :etag, :modified, 1, :removed)"
            ), {
                "key": item.article_key, "url": item.url, "city": item.city, "channel": item.channel, "title": item.title, "body": item.body,
                "hash": item.content_hash, "seen": f"2017-09-{number % 28 + 1:02d} 03:04:05", "run": run if number % 2 else None,
                "next": None if number % 5 == 0 else f"2018-0{number % 9 + 1}-01 00:00:00", "etag": f'"e{number}"' if number % 3 else None,
                "modified": "Sun, 13 Aug 2017 01:19:00 GMT" if number % 4 else None, "removed": "2017-10-01 00:00:00" if number == 7 else None,
            })  # fmt: skip

    def at_0012() -> list[tuple]:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(f"SELECT id, {', '.join(MOVED)} FROM articles ORDER BY id"))]

    def at_0013() -> list[tuple]:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(f"SELECT article_id, {', '.join(MOVED)} FROM article_checks ORDER BY 1"))]

    def searches_equal_like() -> None:
        with engine.connect() as connection:
            for word in ("潍坊", "的", items[3].title[2:5], items[11].body[40:44]):
                like = set(connection.scalars(text("SELECT article_key FROM articles WHERE title LIKE :w OR body LIKE :w"), {"w": f"%{word}%"}))
                assert {hit.article_key for hit in search(connection, word, limit=10_000)} == like and like, word

    def views() -> list[tuple]:
        with engine.connect() as connection:
            return [
                tuple(row)
                for row in connection.execute(text("SELECT id, article_key, last_seen_at, published_date FROM articles_current ORDER BY id"))
            ]

    migrate.upgrade(database_url, "0012")
    before, shown = at_0012(), views()
    assert len(before) == len(items) and len(shown) == len(items) - 1  # one removed
    try:
        migrate.upgrade(database_url)
        migrate.check(database_url)
        assert at_0013() == before and views() == shown
        columns = {c["name"] for c in inspect(engine).get_columns("articles")}
        assert not columns & set(MOVED)
        searches_equal_like()
        with engine.connect() as connection:
            story_rows = connection.scalar(text("SELECT count(*) FROM story_clusters")) + connection.scalar(
                text("SELECT count(*) FROM article_changes")
            )
        assert story_rows == len(items) + 1  # the views of 0005 and 0011 are back (every article clustered, one removal)
        if engine.dialect.name == "postgresql":
            assert "search_grams" not in inspect(engine).get_table_names()
            assert "ix_articles_search" in {index["name"] for index in inspect(engine).get_indexes("articles")}

        command.downgrade(migrate.alembic_config(database_url), "0012")
        assert at_0012() == before and views() == shown
        assert "article_checks" not in inspect(engine).get_table_names()
        if engine.dialect.name == "postgresql":  # the side table of 0010, filled again, and the search reading it
            with engine.connect() as connection:
                kept = connection.execute(text("SELECT article_id, grams FROM search_grams ORDER BY 1")).all()
                derived = connection.execute(text("SELECT id, newscrawl_grams(title || E'\\n' || body) FROM articles ORDER BY 1")).all()
            assert kept == derived and len(kept) == len(items)

        migrate.upgrade(database_url)
        migrate.check(database_url)
        assert at_0013() == before and views() == shown
        searches_equal_like()
    finally:
        engine.dispose()
