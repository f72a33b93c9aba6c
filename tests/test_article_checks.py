"""The bookkeeping of every fetch lives in article_checks: a revisit never writes the `articles` row (newscrawl.db).

That is what lets PostgreSQL's search index be an expression GIN index on `articles` (newscrawl.search_index):
an UPDATE of a row there inserts all its grams into the index again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from newscrawl import db, search_index
from newscrawl.archive import Archive
from newscrawl.incremental import IncrementalMiddleware
from newscrawl.items import NotModified, Removed
from newscrawl.migrate import upgrade
from newscrawl.search import search
from test_search import BASE, NOW, handmade, mirror_items
from test_search_index import story

WRITE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)", re.IGNORECASE)


def writes(engine, run: Callable[[], object]) -> list[tuple[str, str]]:
    """(statement kind, table) of every INSERT, UPDATE and DELETE sent while `run` runs."""
    seen: list[tuple[str, str]] = []

    def record(_connection, _cursor, statement, _parameters, _context, _executemany) -> None:
        if found := WRITE.match(statement):
            seen.append((found.group(1).split()[0].upper(), found.group(2).lower()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def new_run(engine) -> int:
    with Session(engine) as session, session.begin():
        run = db.CrawlRun(spider="yybnet", started_at=NOW)
        session.add(run)
        session.flush()
        return run.id


def test_a_304_and_an_unchanged_refetch_write_article_checks_only(database_url):
    upgrade(database_url)
    engine = db.make_engine(database_url)
    archive = Archive(engine)
    first_run, second_run = new_run(engine), new_run(engine)
    pages = [story(n, f"标题{n}", f"第{n}篇的正文，写着潍坊。") for n in (1, 2, 3)]
    for page in pages:
        page.etag = f'"v1-{page.article_key}"'
    archive.write(pages, run_id=first_run, now=NOW)
    later = NOW + timedelta(days=2)
    again = story(2, "标题2", "第2篇的正文，写着潍坊。")
    again.etag = '"v2"'  # the server's validator changed, the text did not
    revisits = [NotModified(url=f"{BASE}/weifang/news/201703/1.html", article_key="weifang/news/1"), again]

    seen = writes(engine, lambda: archive.write(revisits, run_id=second_run, now=later))
    assert [(kind, table) for kind, table in seen if table == "articles"] == []  # no UPDATE, no INSERT of an articles row
    assert ("UPDATE", "article_checks") in seen
    with Session(engine) as session:
        rows = {row.article_key: row for row in session.scalars(select(db.Article).order_by(db.Article.id))}
        for key in ("weifang/news/1", "weifang/news/2"):
            assert rows[key].last_seen_at == later and rows[key].last_run_id == second_run
            assert rows[key].next_check_at is not None and rows[key].next_check_at > later
            assert rows[key].version == 1 and rows[key].first_run_id == first_run
        assert rows["weifang/news/1"].etag == '"v1-weifang/news/1"' and rows["weifang/news/2"].etag == '"v2"'
        assert rows["weifang/news/3"].last_seen_at == NOW and rows["weifang/news/3"].last_run_id == first_run

    # What does change the row still writes it: a new text, a removal.
    edited = story(3, "标题3", "第3篇改过的正文。")
    gone = Removed(url=f"{BASE}/weifang/news/201703/1.html", article_key="weifang/news/1", http_status=404)
    seen = writes(engine, lambda: archive.write([edited, gone], run_id=second_run, now=later))
    assert ("UPDATE", "articles") in seen and ("INSERT", "article_versions") in seen
    assert {hit.article_key for hit in search(engine, "改过")} == {"weifang/news/3"}
    engine.dispose()


def test_new_articles_get_their_checks_row_by_either_insert_path(database_url, monkeypatch):
    """The multi-row insert and the row-by-row one both write the two rows, and the ORM reads them as one."""
    upgrade(database_url)
    engine = db.make_engine(database_url)
    Archive(engine).write(mirror_items(6), run_id=None, now=NOW)
    monkeypatch.setattr(Archive, "_insert_new", lambda self, *args: set())  # every article through `_insert`
    Archive(engine).write(handmade(), run_id=None, now=NOW)
    with engine.connect() as connection:
        articles = connection.scalar(text("SELECT count(*) FROM articles"))
        joined = connection.scalar(text("SELECT count(*) FROM articles a JOIN article_checks c ON c.article_id = a.id"))
        assert articles == joined == 6 + len(handmade())
        assert connection.scalar(text("SELECT count(*) FROM article_checks WHERE last_seen_at IS NULL OR next_check_at IS NULL")) == 0
    engine.dispose()


def test_the_orm_maps_one_article_over_both_tables(database_url):
    """session.add, get, a locking select and delete each cover both rows; selects join the tables once."""
    upgrade(database_url)
    engine = db.make_engine(database_url)
    row = Archive(engine)._new_row(story(7, "标题", "正文。"), None, None, NOW)
    with Session(engine) as session, session.begin():
        article = db.Article(**row)
        session.add(article)
        session.flush()
        article_id = article.id
    with Session(engine) as session, session.begin():
        locked = session.scalars(select(db.Article).where(db.Article.id == article_id).with_for_update()).one()
        assert locked.last_seen_at == NOW and locked.title == "标题"
        locked.etag = '"e"'
        seen = writes(engine, session.flush)
        assert seen == [("UPDATE", "article_checks")]
    with Session(engine) as session, session.begin():
        article = session.get(db.Article, article_id)
        assert article is not None and article.etag == '"e"'
        session.delete(article)
        seen = writes(engine, session.flush)
        assert seen == [("DELETE", "article_checks"), ("DELETE", "articles")]
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM article_checks")) == 0

    # The revisit selection (newscrawl.incremental) reads the join, once: no cross product with a second FROM.
    due = IncrementalMiddleware._facts().where(db.Article.next_check_at <= NOW).order_by(db.Article.next_check_at, db.Article.last_seen_at)
    sql = str(due.compile(engine))
    assert len(re.findall(r"\bFROM\b", sql)) == 1 and "FROM articles JOIN article_checks ON articles.id = article_checks.article_id" in sql
    engine.dispose()


def test_postgresql_search_reads_the_expression_index(postgres_url):
    """The search spells the indexed expression as the index does: EXPLAIN shows the GIN index answering it."""
    upgrade(postgres_url)
    engine = db.make_engine(postgres_url)
    Archive(engine).write(mirror_items(60) + handmade(), run_id=None, now=NOW)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE articles"))
    captured: list[tuple[str, object]] = []

    def record(_connection, _cursor, statement, parameters, _context, _executemany) -> None:
        if "newscrawl_grams" in statement:
            captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        hits = search(engine, "菜博会")  # rare: the first window finds nothing, the index is asked
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert [hit.article_key for hit in hits] == ["weifang/news/901"]
    assert captured, "the search did not ask the index"
    with engine.begin() as connection:
        connection.exec_driver_sql("SELECT set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'off', true)")
        for statement, parameters in captured:
            plan = "\n".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters))  # type: ignore[arg-type]
            assert f"Bitmap Index Scan on {search_index.PG_INDEX}" in plan, plan
    engine.dispose()
