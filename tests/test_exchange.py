"""newscrawl export / import: whole archives moved between SQLite and PostgreSQL unchanged, and flat article files."""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import JSON, Column, ForeignKey, Integer, MetaData, Table, Text, create_engine, event, func, insert, null, select, update
from sqlalchemy.engine import Engine

from conftest import REPO, load_jsonl, run_crawl
from newscrawl import cli, db, exchange, migrate
from newscrawl.mirror.server import MirrorServer
from newscrawl.mirror.site import MirrorSite, parse_faults

ARTICLES, SEED = 40, 3
NEWSCRAWL = str(Path(sys.executable).parent / "newscrawl")


def night(day: int, database_url: str, *args: str, faults: str | None = None) -> None:
    site = MirrorSite(articles=ARTICLES, seed=SEED, day=day, faults=parse_faults(faults) if faults else None)
    with MirrorServer(site) as server:
        run_crawl(server.base_url, database_url, "-s", f"NEWSCRAWL_NOW={site.today.isoformat()}", *args)


def dump(database_url: str) -> dict[str, list[dict]]:
    """Every row of every exported table, as dicts, in primary-key order."""
    engine = db.make_engine(database_url)
    try:
        with engine.connect() as connection:
            return {
                table.name: [dict(row) for row in connection.execute(select(table).order_by(*table.primary_key.columns)).mappings()]
                for table in exchange.archive_tables()
            }  # fmt: skip
    finally:
        engine.dispose()


def sql_nulls(database_url: str) -> dict[str, int]:
    """Per JSON column, the rows holding SQL NULL (which `dump` cannot tell from a stored JSON null)."""
    engine = db.make_engine(database_url)
    try:
        with engine.connect() as connection:
            found = {}
            for table in exchange.archive_tables():
                for column in table.columns:
                    if isinstance(column.type, JSON) and (count := connection.execute(select(func.count()).where(column.is_(None))).scalar()):
                        found[f"{table.name}.{column.name}"] = count
            return found
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> str:
    """A SQLite archive of three nights (a faulty one, edits, removals), with a row in every table."""
    url = f"sqlite:///{tmp_path_factory.mktemp('exchange') / 'source.db'}"
    night(0, url, "-s", "RETRY_TIMES=0", faults="5xx=0.15")
    night(1, url)
    night(2, url, "-a", "full=1")
    engine = db.make_engine(url)
    at = datetime(2017, 8, 15, 2, 3, 4, 567890, tzinfo=UTC)
    with engine.begin() as connection:
        first, last = connection.execute(select(db.Article.id).order_by(db.Article.id)).scalars().all()[:: ARTICLES - 1][:2]
        run = connection.execute(select(db.CrawlRun.id)).scalars().first()
        # Rows the mirror does not make happen, so that every table and column kind travels.
        connection.execute(insert(db.DeadLink), [{"article_key": "weifang/news/999", "url": "https://www.yybnet.net/weifang/news/201708/999.html",
                                                  "http_status": 404, "failures": 2, "first_failed_at": at, "last_failed_at": at, "retry_after": at + timedelta(days=2)}])  # fmt: skip
        connection.execute(
            insert(db.ExtractionFailure),
            [{"run_id": run, "url": "https://www.yybnet.net/x", "article_key": None, "reason": "no body", "recorded_at": at}],
        )
        connection.execute(insert(db.SuspectVersion), [{"article_id": last, "content_hash": "0" * 64, "title": "已删除", "source": None, "published_at": None,
                                                        "body": "该内容已删除。", "fetched_at": at, "run_id": run, "warc_file": "x.warc.gz", "warc_offset": 2**40, "reason": "keeps 7 of 900 characters"}])  # fmt: skip
        # A link to a row further on in the file: the import must set it once that row is in.
        connection.execute(update(db.ARTICLES).where(db.ARTICLES.c.id == first).values(reprint_of_id=last))
    engine.dispose()
    return url


def test_the_archive_fixture_has_every_kind_of_row(archive):
    rows = dump(archive)
    assert all(rows[name] for name in rows), {name: len(found) for name, found in rows.items()}
    assert any(v["version"] == 2 for v in rows["article_versions"]), "night 2 edits articles"
    assert any(a["removed_at"] for a in rows["articles"]) and any(a["reprint_of_id"] for a in rows["articles"])
    assert rows["fetch_failures"] and len(rows["crawl_runs"]) == 3


def export(url: str, *args: str) -> tuple[int, str, str]:
    out, err = io.BytesIO(), io.StringIO()
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = io.TextIOWrapper(out, encoding="utf-8"), err
    try:
        code = cli.main(["export", "--db", url, *args])
    finally:
        sys.stdout.detach()
        sys.stdout, sys.stderr = stdout, stderr
    return code, out.getvalue().decode("utf-8"), err.getvalue()


def test_round_trip_sqlite_to_sqlite(archive, tmp_path, capsys, monkeypatch):
    rebuilt = []
    monkeypatch.setattr("newscrawl.indexes.rebuild_all", lambda engine: rebuilt.append(engine.url.database))
    file, target = tmp_path / "archive.jsonl", f"sqlite:///{tmp_path / 'copy.db'}"
    assert cli.main(["export", "--db", archive, "--format", "jsonl", "--output", str(file)]) == 0
    assert cli.main(["import", str(file), "--db", target]) == 0
    assert dump(target) == dump(archive)
    assert sql_nulls(target) == sql_nulls(archive)
    assert rebuilt == [str(tmp_path / "copy.db")]
    assert migrate.is_current(target)

    lines = load_jsonl(file)
    header, end = lines[0], lines[-1]
    assert header["format"] == "newscrawl-archive" and header["format_version"] == 1 and header["schema_revision"] == migrate.head_revision()
    assert header["tables"] == [t.name for t in exchange.archive_tables()]
    assert end == {"end": True, "rows": {name: len(found) for name, found in dump(archive).items()}}
    first_article = next(line["row"] for line in lines if line.get("table") == "articles")
    assert isinstance(first_article["authors"], list) and datetime.fromisoformat(first_article["crawled_at"]).utcoffset() == timedelta(0)

    capsys.readouterr()
    assert cli.main(["import", str(file), "--db", target]) == 1  # never into an archive that holds articles
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "holds articles already" in err and "Traceback" not in err
    assert dump(target) == dump(archive)


def test_pipe_sqlite_to_postgres_then_back_to_sqlite(archive, postgres_url, tmp_path):
    pipe = f"{NEWSCRAWL} export --db {archive} --format jsonl | {NEWSCRAWL} import - --db {postgres_url}"
    done = subprocess.run(["bash", "-o", "pipefail", "-c", pipe], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    source = dump(archive)
    assert f"articles={len(source['articles'])}" in done.stdout
    assert dump(postgres_url) == source

    # Explicit ids were inserted: the sequences go on after the largest.
    engine = db.make_engine(postgres_url)
    with engine.begin() as connection:
        run = connection.execute(insert(db.CrawlRun).values(spider="yybnet", started_at=datetime.now(UTC)).returning(db.CrawlRun.id)).scalar_one()
        failure = connection.execute(
            insert(db.FetchFailure).values(url="u", reason="r", recorded_at=datetime.now(UTC)).returning(db.FetchFailure.id)
        ).scalar_one()
    engine.dispose()
    assert run == max(r["id"] for r in source["crawl_runs"]) + 1
    assert failure == max(r["id"] for r in source["fetch_failures"]) + 1

    # PostgreSQL -> SQLite: the same rows again (less the two just added).
    file, back = tmp_path / "pg.jsonl", f"sqlite:///{tmp_path / 'back.db'}"
    with engine.begin() as connection:
        connection.execute(db.FetchFailure.__table__.delete().where(db.FetchFailure.id == failure))
        connection.execute(db.CrawlRun.__table__.delete().where(db.CrawlRun.id == run))
    engine.dispose()
    assert cli.main(["export", "--db", postgres_url, "-o", str(file)]) == 0
    assert cli.main(["import", str(file), "--db", back]) == 0
    assert dump(back) == source


def old_format(lines: list[str]) -> list[str]:
    """An export as newscrawl wrote it before schema revision 0013: no article_checks table, its columns in the articles rows."""
    records = [json.loads(line) for line in lines]
    checks = {r["row"].pop("article_id"): r["row"] for r in records if r.get("table") == "article_checks"}
    out = []
    for record in records:
        if record.get("format"):
            record.update(schema_revision="0012", tables=[name for name in record["tables"] if name != "article_checks"])
        elif record.get("end"):
            record["rows"].pop("article_checks")
        elif record.get("table") == "article_checks":
            continue
        elif record.get("table") == "articles":
            record["row"].update(checks.pop(record["row"]["id"]))
        out.append(json.dumps(record, ensure_ascii=False) + "\n")
    assert not checks
    return out


def test_an_export_written_before_0013_imports_its_check_columns_into_their_table(archive, database_url, monkeypatch):
    """Older files carry last_seen_at, next_check_at, etag, ... in the articles rows: they land in article_checks."""
    _, out, _ = export(archive)
    lines = old_format(out.splitlines(keepends=True))
    assert '"article_checks"' not in "".join(lines) and '"last_seen_at"' in "".join(lines)
    monkeypatch.setattr(exchange, "BATCH_SIZE", 7)  # batches of articles and of the rows split from them, in turn
    counts = exchange.import_jsonl(database_url, lines)
    source = dump(archive)
    assert counts["article_checks"] == counts["articles"] == len(source["articles"])
    assert dump(database_url) == source


def test_an_article_the_file_gives_no_check_values_gets_an_empty_checks_row(archive, tmp_path):
    """Every article has its article_checks row after an import, whatever the file held: last seen when first seen, due."""
    _, out, _ = export(archive)
    lines = old_format(out.splitlines(keepends=True))
    at = next(n for n, line in enumerate(lines) if line.startswith('{"table": "articles"'))
    record = json.loads(lines[at])
    for name in db.CHECK_COLUMNS:
        del record["row"][name]
    lines[at] = json.dumps(record, ensure_ascii=False) + "\n"
    target = f"sqlite:///{tmp_path / 'copy.db'}"
    assert exchange.import_jsonl(target, lines)["article_checks"] == len(dump(archive)["articles"])
    article = next(a for a in dump(target)["articles"] if a["id"] == record["row"]["id"])
    check = next(c for c in dump(target)["article_checks"] if c["article_id"] == article["id"])
    assert check == {"article_id": article["id"], "last_seen_at": article["first_seen_at"], **dict.fromkeys(db.CHECK_COLUMNS[1:])}


def test_filters_take_versions_with_their_articles(archive, tmp_path):
    source = dump(archive)
    city = source["articles"][0]["city"]
    slug = source["articles"][0]["article_key"].split("/")[1]
    dated = sorted(a["published_at"] for a in source["articles"] if a["published_at"])
    since = dated[len(dated) // 2]  # half the articles
    cases = [
        (["--city", city], lambda a: a["city"] == city),
        (["--channel", slug], lambda a: a["article_key"].split("/")[1] == slug),
        (["--channel", f"{city}/{slug}"], lambda a: a["article_key"].startswith(f"{city}/{slug}/")),
        (["--since", since.isoformat()], lambda a: a["published_at"] is not None and a["published_at"] >= since),
    ]
    for number, (args, chosen) in enumerate(cases):
        code, out, err = export(archive, *args)
        assert code == 0, err
        lines = [json.loads(line) for line in out.splitlines()]
        rows = {name: [line["row"] for line in lines if line.get("table") == name] for name in source}
        expected = {a["id"] for a in source["articles"] if chosen(a)}
        assert 0 < len(expected) < len(source["articles"]), args
        assert {a["id"] for a in rows["articles"]} == expected, args
        assert {v["id"] for v in rows["article_versions"]} == {v["id"] for v in source["article_versions"] if v["article_id"] in expected}
        assert {v["article_id"] for v in rows["suspect_versions"]} <= expected
        assert rows["crawl_runs"] == json.loads(json.dumps(source["crawl_runs"], default=exchange.encode))  # every run
        assert all(a["reprint_of_id"] is None or a["reprint_of_id"] in expected for a in rows["articles"])
        if "--since" in args:
            assert {f["id"] for f in rows["fetch_failures"]} == {f["id"] for f in source["fetch_failures"] if f["recorded_at"] >= since}
        else:
            assert len(rows["fetch_failures"]) == len(source["fetch_failures"])

        # A selection is an archive of its own: it imports into an empty one.
        file, target = tmp_path / "part.jsonl", f"sqlite:///{tmp_path / f'part{number}.db'}"
        file.write_text(out, encoding="utf-8")
        assert cli.main(["import", str(file), "--db", target]) == 0
        assert {a["id"] for a in dump(target)["articles"]} == expected


def test_csv_and_parquet_hold_the_articles_with_their_types(archive, tmp_path):
    import pyarrow.parquet as pq

    rows = dump(archive)
    checks = {c["article_id"]: c for c in rows["article_checks"]}
    articles = [{**a, **{name: checks[a["id"]][name] for name in db.CHECK_COLUMNS}} for a in rows["articles"]]  # a flat row each
    by_id = {a["id"]: a for a in articles}

    code, out, err = export(archive, "--format", "csv")
    assert code == 0, err
    table = list(csv.DictReader(io.StringIO(out)))
    assert len(table) == len(articles) and list(table[0]) == list(articles[0])
    assert list(table[0])[-len(db.CHECK_COLUMNS) :] == list(db.CHECK_COLUMNS)
    for row in table:
        stored = by_id[int(row["id"])]
        assert json.loads(row["authors"]) == stored["authors"] and json.loads(row["images"]) == stored["images"]
        assert row["body"] == stored["body"] and row["title"] == stored["title"]
        assert datetime.fromisoformat(row["crawled_at"]) == stored["crawled_at"]
        assert datetime.fromisoformat(row["crawled_at"]).tzinfo is not None
        assert (datetime.fromisoformat(row["published_at"]) if row["published_at"] else None) == stored["published_at"]
        assert datetime.fromisoformat(row["last_seen_at"]) == stored["last_seen_at"] and row["etag"] == (stored["etag"] or "")

    path = tmp_path / "articles.parquet"
    assert cli.main(["export", "--db", archive, "--format", "parquet", "--output", str(path)]) == 0
    parquet = pq.read_table(path)
    assert parquet.num_rows == len(articles)
    types = {field.name: str(field.type) for field in parquet.schema}
    assert types["id"] == "int64" and types["warc_offset"] == "int64" and types["title"] == "string"
    assert types["published_at"] == types["crawled_at"] == "timestamp[us, tz=UTC]"
    assert types["last_seen_at"] == types["next_check_at"] == "timestamp[us, tz=UTC]"
    for row in parquet.to_pylist():
        stored = by_id[row["id"]]
        assert row["crawled_at"] == stored["crawled_at"] and row["published_at"] == stored["published_at"]
        assert row["last_seen_at"] == stored["last_seen_at"] and row["etag"] == stored["etag"]
        assert json.loads(row["breadcrumbs"]) == stored["breadcrumbs"] and row["reprint_of_id"] == stored["reprint_of_id"]


def test_export_and_import_work_in_pages_of_the_batch_size(archive, tmp_path, monkeypatch):
    """Memory stays flat: no query reads more than a batch, and rows are written before the next page is read."""
    monkeypatch.setattr(exchange, "BATCH_SIZE", 7)
    articles = len(dump(archive)["articles"])
    assert articles > 3 * 7
    written: list[str] = []
    pages: list[tuple[int, int]] = []  # (LIMIT, lines written when the page was asked for)
    inserts: list[int] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if exporting and statement.lstrip().startswith("SELECT") and "FROM articles" in statement:
            pages.append((context.compiled.statement._limit, len(written)))
        if not exporting and statement.startswith("INSERT INTO articles"):
            inserts.append(len(parameters) if executemany else 1)

    class Lines(io.StringIO):
        def write(self, text: str) -> int:
            written.extend(text.splitlines())
            return len(text)

    exporting = True
    event.listen(Engine, "before_cursor_execute", seen)
    try:
        exchange.export_jsonl(archive, out := Lines())
        exporting = False
        assert len(pages) == articles // 7 + 1 and all(limit == 7 for limit, _ in pages)
        assert all(before < after for (_, before), (_, after) in pairwise(pages)), "each page is written before the next is read"
        file = tmp_path / "archive.jsonl"
        file.write_text("\n".join(written) + "\n", encoding="utf-8")
        target = f"sqlite:///{tmp_path / 'copy.db'}"
        with file.open(encoding="utf-8") as lines:
            exchange.import_jsonl(target, lines)
        assert sum(inserts) == articles and max(inserts) == 7 and len(inserts) == math.ceil(articles / 7)
        assert dump(target) == dump(archive)

        path = tmp_path / "articles.parquet"
        exchange.export_parquet(archive, path)
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    import pyarrow.parquet as pq

    assert pq.ParquetFile(path).metadata.num_row_groups == math.ceil(articles / 7)
    del out


def test_the_tables_come_from_the_metadata_in_foreign_key_order(monkeypatch):
    metadata = MetaData()
    notes = Table("notes", metadata, Column("id", Integer, primary_key=True), Column("article_id", ForeignKey("articles.id")))
    Table("articles", metadata, Column("id", Integer, primary_key=True), Column("reprint_of_id", ForeignKey("articles.id")))
    Table("story_clusters", metadata, Column("id", Integer, primary_key=True), Column("article_id", ForeignKey("articles.id")))
    Table("search_terms", metadata, Column("term", Text, primary_key=True))
    Table("labels", metadata, Column("id", Integer, primary_key=True), info={"derived": True})
    assert [t.name for t in exchange.archive_tables(metadata)] == ["articles", "notes"]
    monkeypatch.setenv(exchange.DERIVED_PREFIXES_ENV, "search_,notes")
    assert [t.name for t in exchange.archive_tables(metadata)] == ["articles", "story_clusters"]
    assert notes not in exchange.archive_tables(metadata)

    monkeypatch.delenv(exchange.DERIVED_PREFIXES_ENV)
    names = [t.name for t in exchange.archive_tables()]
    assert {"crawl_runs", "articles", "article_versions", "fetch_failures", "extraction_failures", "dead_links", "suspect_versions"} <= set(names)
    assert set(names) == {t.name for t in db.Base.metadata.tables.values() if not exchange.is_derived(t)}
    assert names.index("crawl_runs") < names.index("articles") < names.index("article_versions")


def cli_run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([NEWSCRAWL, *args], input=stdin, cwd=REPO, capture_output=True, text=True, timeout=120)


def test_bad_arguments_get_one_line_and_no_traceback(archive, tmp_path):
    cases = [
        (("export", "--db", archive, "--format", "xml"), 2, "unknown format 'xml'"),
        (("export", "--db", archive, "--format", "parquet"), 2, "parquet needs --output"),
        (("export", "--db", archive, "--since", "yesterday"), 2, "--since"),
        (("export", "--db", f"sqlite:///{tmp_path / 'none.db'}"), 1, "no archive at"),
        (("export", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none"), 1, "cannot use the database"),
        (("import", str(tmp_path / "missing.jsonl"), "--db", f"sqlite:///{tmp_path / 'x.db'}"), 2, "no such file"),
        (("import", "-", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none"), 1, "cannot use the database"),
    ]
    header = json.dumps({"format": "newscrawl-archive", "format_version": 1, "schema_revision": migrate.head_revision()})
    for args, code, message in cases:
        done = cli_run(*args, stdin=header + "\n" if args[1] == "-" else None)
        assert (done.returncode, done.stderr.count("\n")) == (code, 1), (args, done.stderr)
        assert message in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_parquet_without_pyarrow_says_what_to_install(archive, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    assert cli.main(["export", "--db", archive, "--format", "parquet", "--output", str(tmp_path / "a.parquet")]) == 2
    assert capsys.readouterr().err == "newscrawl export: parquet needs pyarrow: pip install 'newscrawl[parquet]'\n"


def test_bad_input_imports_nothing(archive, tmp_path, capsys):
    _, out, _ = export(archive)
    lines = out.splitlines()
    cases = {
        "cut off": "\n".join(lines[:-1]),  # the end line lost: a broken pipe
        "row lost": "\n".join(lines[:5] + lines[6:]),
        "not an archive": '{"hello": 1}\n',
        "newer schema": json.dumps({**json.loads(lines[0]), "schema_revision": "9999"}) + "\n",
        "unknown table": "\n".join([lines[0], '{"table": "nope", "row": {}}', lines[-1]]),
        "not json": "\n".join([lines[0], "{"]),
    }
    for name, content in cases.items():
        file, target = tmp_path / f"{name}.jsonl", f"sqlite:///{tmp_path / (name + '.db')}"
        file.write_text(content, encoding="utf-8")
        capsys.readouterr()
        assert cli.main(["import", str(file), "--db", target]) == 1, name
        err = capsys.readouterr().err
        assert err.startswith("newscrawl import: ") and err.count("\n") == 1, (name, err)
        if Path(tmp_path / (name + ".db")).exists():
            assert not any(dump(target).values()), name


def test_scrapy_feed_exports_keep_working(mirror, truth, sqlite_url, tmp_path):
    feed = tmp_path / "items.jsonl"
    run_crawl(mirror.base_url, sqlite_url, "-o", str(feed))
    items = [item for item in load_jsonl(feed) if item.get("article_key")]
    assert sorted(item["article_key"] for item in items) == sorted(truth)
    for item in items:
        gold = truth[item["article_key"]]
        assert (item["title"], item["body"], item["authors"]) == (gold["title"], gold["body"], gold["authors"])
        assert datetime.fromisoformat(item["published_at"]) == datetime.fromisoformat(gold["published_at"])
    engine = create_engine(sqlite_url)
    with engine.connect() as connection:
        assert len(connection.execute(select(db.Article.id)).all()) == len(truth)  # and the archive still fills
    engine.dispose()


def test_a_sqlite_export_reads_one_snapshot_while_a_crawl_writes(archive, tmp_path, monkeypatch):
    import shutil

    source = tmp_path / "live.db"
    shutil.copy(archive.removeprefix("sqlite:///"), source)
    live = f"sqlite:///{source}"
    writer = db.make_engine(live)
    articles, checks, versions = db.ARTICLES, db.ARTICLE_CHECKS, db.ArticleVersion.__table__
    pages = exchange.read_pages

    def read_pages_while_a_batch_lands(connection, table, selection):
        for number, page in enumerate(pages(connection, table, selection)):
            yield page
            if table.name == "articles" and number == 0:  # a crawl commits an article, its checks row and its version meanwhile
                with writer.begin() as other:
                    row = dict(other.execute(select(articles).limit(1)).mappings().one())
                    new_id = other.execute(
                        insert(articles).values({**row, "id": None, "article_key": "late/news/1"}).returning(articles.c.id)
                    ).scalar()
                    check = dict(other.execute(select(checks).limit(1)).mappings().one())
                    other.execute(insert(checks).values({**check, "article_id": new_id}))
                    version = dict(other.execute(select(versions).limit(1)).mappings().one())
                    other.execute(insert(versions).values({**version, "id": None, "article_id": new_id}))

    monkeypatch.setattr(exchange, "BATCH_SIZE", 5)
    monkeypatch.setattr(exchange, "read_pages", read_pages_while_a_batch_lands)
    file, target = tmp_path / "archive.jsonl", f"sqlite:///{tmp_path / 'copy.db'}"
    try:
        assert cli.main(["export", "--db", live, "--output", str(file)]) == 0
    finally:
        writer.dispose()
    assert cli.main(["import", str(file), "--db", target]) == 0  # the late version is not there without its article
    assert dump(target) == dump(archive)


def test_sql_null_in_a_json_column_stays_null(archive, tmp_path):
    import shutil

    source = tmp_path / "nulls.db"
    shutil.copy(archive.removeprefix("sqlite:///"), source)
    engine = db.make_engine(f"sqlite:///{source}")
    with engine.begin() as connection:  # a run that ended before it counted its channels
        connection.execute(update(db.CrawlRun.__table__).where(db.CrawlRun.id == 1).values(channel_links=null()))
    engine.dispose()
    file, target = tmp_path / "archive.jsonl", f"sqlite:///{tmp_path / 'copy.db'}"
    assert cli.main(["export", "--db", f"sqlite:///{source}", "--output", str(file)]) == 0
    assert cli.main(["import", str(file), "--db", target]) == 0
    assert sql_nulls(target) == sql_nulls(f"sqlite:///{source}")
    assert sql_nulls(target).get("crawl_runs.channel_links", 0) >= 1
