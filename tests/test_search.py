"""Full-text search finds exactly what LIKE finds, ranks title hits first, and its command prints what it found."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import or_, select

from newscrawl import db
from newscrawl.archive import Archive
from newscrawl.cli import main
from newscrawl.history import _like_escape
from newscrawl.items import Article
from newscrawl.migrate import upgrade
from newscrawl.mirror.content import generate_articles
from newscrawl.pipelines.dedup import content_fingerprint
from newscrawl.search import Filters, Query, QueryError, parse_query, search, snippet

BEIJING = timezone(timedelta(hours=8))
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
BASE = "https://www.yybnet.net"


def mirror_items(count: int = 120, seed: int = 3) -> list[Article]:
    """Articles as a crawl of the mirror stores them (title, body, channel name, source, authors, time)."""
    items = []
    for page in generate_articles(count, seed):
        body = "\n".join(page.story.paragraphs)
        items.append(Article(
            url=page.ref.url(BASE), article_key=page.ref.key, city=page.city, channel=page.channel_name, title=page.story.title,
            source=page.story.source, published_at=page.published, authors=list(page.story.authors),
            editors=list(page.story.editors), body=body, content_hash=content_fingerprint(body), crawled_at=NOW,
        ))  # fmt: skip
    return items


def handmade() -> list[Article]:
    """Texts for the cases the mirror's text lacks: ASCII case, LIKE's wildcards, punctuation between words."""
    texts = [
        ("NBA总决赛在潍坊转播", "球迷说：nba真好看。100%的人满意，a_b 测试。"),
        ("寿光蔬菜博览会开幕", "今年的菜博会吸引了Nba球迷。潍，坊之间有逗号。"),
        ("50%折扣", "说明：a%b 与 axb 不同；潍坊高新区。"),
        # Letters to Python, not to FTS5 (U+19B0, U+19C8, U+1CF2); symbols newer than FTS5's Unicode 6.1 (🤔, ₽).
        ("傣文ᦰᧈ招牌", "表情好🤔的人不少，售价₽100，ᳲ。"),
    ]
    out = []
    for n, (title, body) in enumerate(texts):
        out.append(Article(
            url=f"{BASE}/weifang/news/201701/{900 + n}.html", article_key=f"weifang/news/{900 + n}", city="weifang",
            channel="潍坊新闻", title=title, body=body, source="潍坊晚报", authors=["王五"],
            published_at=datetime(2017, 1, 1 + n, 9, tzinfo=BEIJING), content_hash=content_fingerprint(body), crawled_at=NOW,
        ))  # fmt: skip
    return out


@pytest.fixture
def archive(database_url):
    upgrade(database_url)
    engine = db.make_engine(database_url)
    Archive(engine).write(mirror_items() + handmade(), run_id=None, now=NOW)
    yield engine
    engine.dispose()


def like_truth(engine, query: Query, filters: Filters | None = None) -> set[str]:
    """The ground truth: every key whose title or body is LIKE each word and none of the excluded."""
    article = db.Article

    def has(word):
        pattern = f"%{_like_escape(word)}%"
        return or_(article.title.like(pattern, escape="\\"), article.body.like(pattern, escape="\\"))

    statement = select(article.article_key).where(*(has(w) for w in query.words), *(~has(w) for w in query.excluded))
    with engine.connect() as connection:
        return set(connection.scalars(statement))


QUERIES = [
    "潍", "的", "坊", "潍坊", "新区", "寿光市", "高新区", "人民群众", "潍坊新闻网", "文明城市创建",
    "潍坊 活动", "寿光 -潍坊", '"潍坊 高新"', "nba", "NBA", "Nba 球迷", "100%", "%", "a_b", "_", "a%b",
    "潍，坊", "，", "：", "菜博会 -NBA", "不存在的词语", "的 -的", '-"潍坊新闻" 寿光',
    "ᦰᧈ", "文ᦰᧈ招", "ᳲ", "好🤔的", "价₽1",
]  # fmt: skip


def test_search_equals_like_for_every_query(archive):
    wrong, sizes = {}, {}
    for query in QUERIES:
        parsed = parse_query(query)
        truth = like_truth(archive, parsed)
        found = [hit.article_key for hit in search(archive, parsed, limit=10_000)]
        sizes[query] = len(truth)
        if sorted(found) != sorted(truth):
            wrong[query] = (sorted(set(found) - truth), sorted(truth - set(found)), len(found) - len(set(found)))
    assert wrong == {}
    total = len(mirror_items()) + len(handmade())
    assert sizes["的"] > total / 2 and 0 < sizes["潍坊 活动"] < sizes["潍坊"] and sizes["不存在的词语"] == 0  # the table tests something
    case_blind = archive.dialect.name == "sqlite"  # LIKE ignores ASCII case there, not on PostgreSQL
    assert sizes["nba"] == (2 if case_blind else 1) and sizes["a%b"] == 1 and sizes["潍，坊"] == 1
    assert sizes["ᦰᧈ"] == sizes["文ᦰᧈ招"] == sizes["ᳲ"] == sizes["好🤔的"] == sizes["价₽1"] == 1


def test_every_character_python_calls_a_token_is_one_to_fts5():
    """The other way round (FTS5 tokens Python calls separators: 🤔) only splits a word's phrase, so widens."""
    import sqlite3
    import sys

    from newscrawl.search import _is_token

    kept = [chr(cp) for cp in range(1, sys.maxunicode + 1) if not 0xD800 <= cp <= 0xDFFF and _is_token(chr(cp))]
    chunks = [kept[i : i + 1000] for i in range(0, len(kept), 1000)]
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 0')")
    connection.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    connection.executemany("INSERT INTO t (rowid, x) VALUES (?, ?)", [(n, " ".join(chunk)) for n, chunk in enumerate(chunks)])
    tokens = dict(connection.execute("SELECT doc, count(*) FROM v GROUP BY doc"))
    assert {n: tokens.get(n, 0) for n in range(len(chunks))} == {n: len(chunk) for n, chunk in enumerate(chunks)}


def test_a_query_of_too_many_words_is_refused_and_the_most_allowed_runs(archive):
    from newscrawl.search import MAX_WORDS

    words = [f"词{n}" for n in range(MAX_WORDS)]
    assert search(archive, " ".join(words[:-1] + ["-的"])) == []
    with pytest.raises(QueryError, match=f"more than {MAX_WORDS}"):
        parse_query(" ".join(words + ["-的"]))


@pytest.mark.parametrize("query", ["的", "潍坊", "寿光 -的", "，", "nba"])
def test_a_common_word_ranks_only_the_newest_matches(archive, monkeypatch, query):
    from newscrawl import search as module

    monkeypatch.setattr(module, "RANK_CAP", 7)
    items = {item.article_key: item for item in mirror_items() + handmade()}
    some_city = next(iter(items.values())).city
    with archive.connect() as connection:
        ids = dict(connection.execute(select(db.Article.article_key, db.Article.id)).all())
    for filters in (Filters(), Filters(city=some_city)):
        truth = [key for key in like_truth(archive, parse_query(query)) if not filters.city or items[key].city == filters.city]
        newest = sorted(truth, key=ids.get, reverse=True)[:7]
        assert sorted(hit.article_key for hit in search(archive, query, filters, limit=100)) == sorted(newest), filters


def test_limit_keeps_the_best(archive):
    everything = search(archive, "潍坊", limit=10_000)
    assert [hit.article_key for hit in search(archive, "潍坊", limit=5)] == [hit.article_key for hit in everything[:5]]


@pytest.mark.parametrize(
    ("query", "words", "excluded"),
    [
        ("潍坊", ("潍坊",), ()),
        ("潍坊  高新区\t寿光", ("潍坊", "高新区", "寿光"), ()),
        ('"潍坊 高新区" 新闻', ("潍坊 高新区", "新闻"), ()),
        ("潍坊 -足球 -\"世界 杯\"", ("潍坊",), ("足球", "世界 杯")),
        ('"没有结尾的 引号', ("没有结尾的 引号",), ()),
        ("潍坊 潍坊", ("潍坊",), ()),
        ("- 潍坊 \"\"", ("潍坊",), ()),
        ("100% a_b", ("100%", "a_b"), ()),
        ("--x 潍", ("潍",), ("-x",)),
    ],
)  # fmt: skip
def test_parse_query(query, words, excluded):
    assert parse_query(query) == Query(words, excluded)


@pytest.mark.parametrize("query", ["", "   ", "-潍坊", '""', "-"])
def test_a_query_without_a_word_to_find_is_refused(query):
    with pytest.raises(QueryError):
        parse_query(query)


def dated(number: int, title: str, body: str, day: int, **fields) -> Article:
    return Article(
        url=f"{BASE}/weifang/news/201703/{number}.html", article_key=f"weifang/news/{number}", city="weifang", channel="潍坊新闻",
        title=title, body=body, published_at=datetime(2017, 3, day, 8, tzinfo=BEIJING), content_hash=content_fingerprint(body),
        crawled_at=NOW, **fields,
    )  # fmt: skip


def test_ranking_title_then_occurrences_then_recency(database_url):
    upgrade(database_url)
    engine = db.make_engine(database_url)
    Archive(engine).write([
        dated(1, "青州古城", "游客不少。", 1),  # the oldest, but a title hit
        dated(2, "一则消息", "青州古城青州古城青州古城，说三遍。", 2),
        dated(3, "另一则消息", "去青州古城。", 3),
        dated(4, "第三则消息", "也去青州古城。", 5),  # as many occurrences as 3, published later
        dated(5, "无关", "没有这个词。", 9),
        dated(6, "青州古城游记", "青州古城的夜景。", 4),  # title and body: above the title-only hit
    ], run_id=None, now=NOW)  # fmt: skip
    assert [hit.article_key.rsplit("/", 1)[1] for hit in search(engine, "青州古城")] == ["6", "1", "2", "4", "3"]
    two = search(engine, "青州 古城")  # two words: titles holding both first, occurrences summed over the words
    assert [hit.title_words for hit in two][:2] == [2, 2] and [hit.article_key[-1] for hit in two][2] == "2"
    engine.dispose()


def test_snippets_mark_every_hit():
    body = "第一段没有。" * 10 + "\n潍坊高新区的潍坊人说：潍坊好。" + "结尾" * 60
    text = snippet("标题", body, ["潍坊"], sqlite=False)
    assert text.startswith("…") and text.endswith("…")
    assert text.count("[潍坊]") == 3 and "\n" not in text and len(text) < 140
    assert snippet("标题", "看NBA比赛", ["nba"], sqlite=True) == "看[NBA]比赛"  # LIKE's case rule on SQLite
    assert snippet("标题", "看NBA比赛", ["NBA"], sqlite=False) == "看[NBA]比赛"
    assert snippet("潍坊的标题", "正文没有。", ["潍坊"], sqlite=False) == "[潍坊]的标题"  # a title hit only: the title
    assert snippet("t", "高新区", ["高新", "新区"], sqlite=False, marks=("<b>", "</b>")) == "<b>高新区</b>"  # overlaps merge


def test_filters(archive):
    items = mirror_items() + handmade()
    some = next(item for item in items if item.authors and "的" in item.body)
    cases = [
        (Filters(city=some.city), lambda item: item.city == some.city),
        (Filters(channel=some.channel), lambda item: item.channel == some.channel),
        (Filters(channel=some.article_key.split("/")[1]), lambda item: item.article_key.split("/")[1] == some.article_key.split("/")[1]),
        (Filters(source=some.source), lambda item: item.source == some.source),
        (Filters(author=some.authors[0]), lambda item: some.authors[0] in item.authors),
        (Filters(since=date(2015, 1, 1), until=date(2016, 12, 31)), lambda item: date(2015, 1, 1) <= item.published_at.date() <= date(2016, 12, 31)),
    ]  # fmt: skip
    for filters, keep in cases:
        expected = {item.article_key for item in items if "的" in item.title + item.body and keep(item)}
        assert expected, filters
        assert {hit.article_key for hit in search(archive, "的", filters, limit=10_000)} == expected, filters


def test_until_is_a_whole_beijing_day(database_url):
    upgrade(database_url)
    engine = db.make_engine(database_url)
    late = dated(1, "深夜新闻", "夜里十一点半。", 3)
    late.published_at = datetime(2017, 3, 3, 23, 30, tzinfo=BEIJING)  # 15:30 UTC: still March 3rd in Beijing
    Archive(engine).write([late], run_id=None, now=NOW)
    assert len(search(engine, "新闻", Filters(until=date(2017, 3, 3)))) == 1
    assert search(engine, "新闻", Filters(since=date(2017, 3, 4))) == []
    engine.dispose()


def test_command_prints_jsonl_in_beijing_time(archive, database_url, capsys):
    assert main(["search", "菜博会", "--db", database_url, "--format", "jsonl"]) == 0
    lines = capsys.readouterr().out.splitlines()
    [row] = [json.loads(line) for line in lines]
    assert row["article_key"] == "weifang/news/901" and row["title"] == "寿光蔬菜博览会开幕"
    assert row["published_at"] == "2017-01-02T09:00:00+08:00" and row["channel"] == "潍坊新闻" and row["source"] == "潍坊晚报"
    assert "[菜博会]" in row["snippet"]
    assert main(["search", "潍坊", "--db", database_url, "--format", "json", "--limit", "3", "--author", "王五"]) == 0
    assert [hit["article_key"] for hit in json.loads(capsys.readouterr().out)] == ["weifang/news/900", "weifang/news/902"]
    assert main(["search", "菜博会", "--db", database_url]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["published", "(+08:00)", "article", "channel", "source", "title"]
    assert table[1].split()[:3] == ["2017-01-02", "09:00", "weifang/news/901"] and "[菜博会]" in table[2]


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--since", "2017-13-01"], "--since: not a date"),
        (["--until", "yesterday"], "--until: not a date"),
        (["--since", "2017-03-02", "--until", "2017-03-01"], "is after --until"),
        (["--limit", "0"], "--limit"),
        (["--limit", "ten"], "--limit"),
        (["--format", "xml"], "--format"),
        (["--limit", "-3"], "--limit"),
    ],
)  # fmt: skip
def test_command_refuses_bad_arguments_in_one_line(sqlite_url, capsys, args, complaint):
    with pytest.raises(SystemExit) as exit:
        main(["search", "潍坊", "--db", sqlite_url, *args])
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("newscrawl search: ") and complaint in err


def test_command_refuses_a_query_of_exclusions_and_a_missing_archive(sqlite_url, capsys):
    with pytest.raises(SystemExit) as exit:
        main(["search", "--db", sqlite_url, "--", "-潍坊"])
    assert exit.value.code == 2 and "no word to look for" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit:
        main(["search", "--db", sqlite_url, " ".join(f"w{n}" for n in range(600))])
    err = capsys.readouterr().err
    assert exit.value.code == 2 and err.count("\n") == 1 and "600 words and exclusions, more than 32" in err and len(err) < 200
    assert main(["search", "潍坊", "--db", sqlite_url]) == 1
    assert "does not exist" in capsys.readouterr().err
