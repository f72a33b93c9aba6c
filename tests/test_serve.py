"""`newscrawl serve`: a real server over a small archive of Chinese articles, asked through Datasette's JSON API."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from newscrawl import cli, migrate

pytest.importorskip("datasette", reason="newscrawl serve needs pip install -e '.[serve]'")

# (article_key, channel, city, title, body, source, published_at in UTC)
ARTICLES = [
    (
        "weifang/news/1",
        "潍坊新闻",
        "weifang",
        "党建引领乡村振兴",
        "本报讯 潍坊日报记者报道，党建工作扎实推进。",
        "潍坊日报",
        "2017-03-01 02:00:00.000000",
    ),
    ("weifang/news/2", "潍坊新闻", "weifang", "寿光蔬菜博览会开幕", "展会期间，党员志愿者服务游客。", "潍坊晚报", "2018-04-20 01:00:00.000000"),
    # The index finds 党，建 for 党建 and 潍坊 日报 for 潍坊日报 (separators drop out); LIKE must refuse them.
    ("weifang/shouguang/3", "寿光新闻", "weifang", "寿光举行党，建设研讨", "潍坊 日报的记者到场。", "寿光日报", "2017-12-31 17:00:00.000000"),
    ("zibo/news/4", "淄博新闻", "zibo", "淄博天气晴好", "今日无事，气温100%正常。", "淄博日报", "2016-05-05 05:00:00.000000"),
    ("zibo/news/5", "淄博新闻", "zibo", "淄博推进基层党建", "潍坊日报转载。", "潍坊日报", "2017-12-31 15:59:00.000000"),
    ("zibo/news/6", "淄博新闻", "zibo", "党史学习教育", "NBA 中国赛在淄博举行。", "淄博晚报", "2019-06-01 00:00:00.000000"),
]
QUERIES = ["党", "党建", "潍坊日报"]  # 1, 2 and 4 characters


def write_archive(url: str) -> None:
    migrate.upgrade(url)
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            for number, (key, channel, city, title, body, source, published) in enumerate(ARTICLES, 1):
                connection.execute(
                    text(
                        "INSERT INTO articles (id, article_key, url, canonical_url, city, channel, breadcrumbs, title, source,"
                        " published_at, authors, editors, body, images, content_hash, crawled_at, first_seen_at, version)"
                        " VALUES (:id, :key, :url, :url, :city, :channel, '[]', :title, :source, :published, '[\"张三\"]', '[]',"
                        " :body, '[]', :hash, :published, :published, 1)"
                    ),
                    {
                        "id": number,
                        "key": key,
                        "url": f"https://www.yybnet.net/{key}.html",
                        "city": city,
                        "channel": channel,
                        "title": title,
                        "source": source,
                        "published": published,
                        "body": body,
                        "hash": f"hash{number}",
                    },
                )
                connection.execute(
                    text("INSERT INTO article_checks (article_id, last_seen_at) VALUES (:id, :published)"), {"id": number, "published": published}
                )
        from newscrawl import indexes

        indexes.rebuild_all(engine)  # rows written here without the archive writer: search index and story clusters
    finally:
        engine.dispose()


def free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_command(*args: str) -> list[str]:
    return [sys.executable, "-c", "import sys; from newscrawl.cli import main; sys.exit(main(sys.argv[1:]))", "serve", *args]


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "archive.db"
    write_archive(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="module")
def served(archive):
    """The base URL of a `newscrawl serve` subprocess on the archive; the archive's bytes are checked unchanged after."""
    before = fingerprint(archive)
    port = free_port()
    process = subprocess.Popen(
        serve_command("--db", f"sqlite:///{archive}", "--port", str(port)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"newscrawl serve did not answer: {process.stdout.read() if process.poll() is not None else 'timeout'}")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
    assert fingerprint(archive) == before, "the archive file changed while served"


def fingerprint(path: Path) -> tuple:
    data = path.read_bytes()
    return path.stat().st_mtime_ns, len(data), hashlib.sha256(data).hexdigest()


def get_json(base: str, path: str, **params: str) -> dict | list:
    url = f"{base}{path}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def like_ids(archive: Path, query: str) -> set[int]:
    with closing(sqlite3.connect(archive)) as connection:
        pattern = f"%{query}%"
        return {row[0] for row in connection.execute("SELECT id FROM articles WHERE title LIKE ? OR body LIKE ?", (pattern, pattern))}


def fts_ids(archive: Path, query: str) -> set[int]:
    with closing(sqlite3.connect(archive)) as connection:
        phrase = '"' + " ".join(query) + '"'
        return {row[0] for row in connection.execute("SELECT rowid FROM article_search WHERE article_search MATCH ?", (phrase,))}


def test_the_archive_has_decoys_only_like_refuses(archive):
    assert fts_ids(archive, "党建") - like_ids(archive, "党建") == {3}
    assert fts_ids(archive, "潍坊日报") - like_ids(archive, "潍坊日报") == {3}


@pytest.mark.parametrize("query", QUERIES)
def test_table_search_box_finds_exactly_the_like_rows(served, archive, query):
    truth = like_ids(archive, query)
    assert truth
    rows = get_json(served, "/archive/articles.json", _search=query, _shape="array", _size="max")
    assert {row["id"] for row in rows} == truth
    page = get_json(served, "/archive/articles.json", _search=query)
    assert page["filtered_table_rows_count"] == len(truth)
    assert "article_search MATCH" in page["query"]["sql"]  # through the index, not a scan


@pytest.mark.parametrize("query", QUERIES)
def test_search_query_finds_the_like_rows_title_hits_first(served, archive, query):
    rows = get_json(served, "/archive/search.json", q=query, _shape="array")
    assert {row["id"] for row in rows} == like_ids(archive, query)
    in_title = [query in row["title"] for row in rows]
    assert in_title == sorted(in_title, reverse=True)
    assert all(f"【{query}】" in row["snippet"] for row in rows if query not in row["title"])


def test_search_without_letters_falls_back_to_like(served, archive):
    rows = get_json(served, "/archive/articles.json", _search="%", _shape="array")
    assert {row["id"] for row in rows} == {4}  # the percent sign taken literally
    rows = get_json(served, "/archive/search.json", q="%", _shape="array")
    assert {row["id"] for row in rows} == {4}  # the canned query as well


def test_the_view_of_current_articles_searches_too(served, archive):
    rows = get_json(served, "/archive/articles_current.json", _search="党建", _shape="array")
    assert {row["id"] for row in rows} == like_ids(archive, "党建")


def test_facets_on_channel_source_city_and_beijing_year(served):
    page = get_json(served, "/archive/articles.json")
    facets = {name: {value["value"]: value["count"] for value in facet["results"]} for name, facet in page["facet_results"].items()}
    assert facets["channel"] == {"潍坊新闻": 2, "寿光新闻": 1, "淄博新闻": 3}
    assert facets["source"]["潍坊日报"] == 2
    assert facets["city"] == {"weifang": 3, "zibo": 3}
    # 2017-12-31 15:59 UTC is 2017 in Beijing, 2017-12-31 17:00 UTC is 2018.
    assert facets["published_at"] == {"2016": 1, "2017": 2, "2018": 2, "2019": 1}
    rows = get_json(served, "/archive/articles.json", _published_at_year="2017", _shape="array")
    assert {row["id"] for row in rows} == {1, 5}


def test_readme_queries_are_canned(served):
    names = {query["name"] for query in get_json(served, "/archive.json")["queries"]}
    assert {
        "search",
        "source_word_year",
        "reprints",
        "top_authors",
        "last_runs",
        "extraction_failures",
        "edited_articles",
        "last_night_failures",
        "channel_links",
        "channel_edits",
        "most_authors",
        "story_copies",
        "stories_per_channel",
    } <= names
    rows = get_json(served, "/archive/source_word_year.json", source="潍坊日报", word="党建", year="2017", _shape="array")
    assert rows == [{"beijing_time": "2017-03-01 10:00:00", "channel": "潍坊新闻", "title": "党建引领乡村振兴"}]  # 党建 in the body
    assert get_json(served, "/archive/top_authors.json", _shape="array")[0]["articles"] == len(ARTICLES)
    assert get_json(served, "/archive/most_authors.json", _shape="array")[0] == {
        "name": "张三",
        "articles": len(ARTICLES),
        "channels": len({a[1] for a in ARTICLES}),
    }
    stories = get_json(served, "/archive/stories_per_channel.json", _shape="array")
    assert sum(row["articles"] for row in stories) == len(ARTICLES)  # every article has its cluster


def test_times_in_beijing(served):
    rows = get_json(served, "/archive/search.json", q="党建", _shape="array")
    assert {row["published_at_beijing"] for row in rows} == {"2017-03-01 10:00:00", "2017-12-31 23:59:00"}
    query = urllib.parse.urlencode({"_search": "党建"})
    with urllib.request.urlopen(f"{served}/archive/articles?{query}", timeout=10) as response:
        html = response.read().decode()
    assert "2017-12-31 23:59:00+08:00" in html and "党建引领乡村振兴" in html


def test_writes_are_refused(served):
    query = urllib.parse.urlencode({"sql": "DELETE FROM articles"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{served}/archive.json?{query}", timeout=10)
    assert refused.value.code == 400
    refused.value.close()
    assert len(get_json(served, "/archive/articles.json", _shape="array")) == len(ARTICLES)


def run_serve(capsys, *args: str) -> tuple[int, str]:
    status = cli.main(["serve", *args])
    captured = capsys.readouterr()
    return status, captured.err


def test_postgresql_is_refused_in_one_line(capsys, monkeypatch):
    monkeypatch.setenv("NEWSCRAWL_DATABASE_URL", "postgresql+psycopg://news:secret@dbhost/news")
    status, err = run_serve(capsys)
    assert status == 2
    assert err.count("\n") == 1 and "SQLite" in err and "psql" in err and "secret" not in err


def test_missing_file_in_one_line(capsys, tmp_path):
    status, err = run_serve(capsys, "--db", f"sqlite:///{tmp_path / 'none.db'}")
    assert status == 2
    assert err.count("\n") == 1 and "no SQLite archive" in err and "none.db" in err
    assert not (tmp_path / "none.db").exists()


def test_without_datasette_one_line_names_the_extra(capsys, monkeypatch, archive):
    for name in [name for name in sys.modules if name == "datasette" or name.startswith("datasette.")] + ["datasette"]:
        monkeypatch.setitem(sys.modules, name, None)  # None in sys.modules makes the import fail
    monkeypatch.delitem(sys.modules, "newscrawl.datasette.plugin", raising=False)
    status, err = run_serve(capsys, "--db", f"sqlite:///{archive}")
    assert status == 2
    assert err == "newscrawl serve needs Datasette: pip install 'newscrawl[serve]'\n"


def test_serve_is_a_command():
    result = subprocess.run(serve_command("--help"), capture_output=True, text=True, timeout=60, env={**os.environ, "NO_COLOR": "1"})
    assert result.returncode == 0 and "--port" in result.stdout and "--host" in result.stdout
