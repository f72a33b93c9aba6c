"""Reading the history: what changed between versions (stored, in the view, shown by history and changes)."""

from __future__ import annotations

import io
import json
import random
import re
import time
import unicodedata
from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from conftest import query
from newscrawl import migrate
from newscrawl.archive import Archive
from newscrawl.db import make_engine
from newscrawl.history import (
    ArchiveNotReady,
    change_rows,
    changes,
    char_edits,
    diff_lines,
    history,
    parse_since,
    use_color,
    version_change,
)
from newscrawl.items import Article, Removed
from newscrawl.pipelines.dedup import content_fingerprint

BEIJING = timezone(timedelta(hours=8))
KEY = "weifang/shouguang/1000001"
OTHER_KEY = "weifang/news/1000002"
GONE_KEY = "zibo/news/1000003"
DAY1, DAY2, DAY3, DAY4 = (datetime(2017, 8, day, 10, 0, tzinfo=BEIJING) for day in (13, 14, 15, 16))

BODY1 = "第十八届中国（寿光）国际蔬菜科技博览会今天开幕，展期持续一个月。\n本届菜博会共有展商1200家，比上届增长12.5%。"
BODY2 = BODY1.replace("12.5%", "13.5%")  # a figure corrected
BODY3 = BODY2 + "\n开幕当天，共接待游客5万人次。"  # a paragraph added

V1 = {"title": "寿光蔬菜博览会开幕", "subtitle": None, "source": "潍坊日报", "published_at": DAY1 - timedelta(hours=1),
      "byline": "记者 张三 李四", "authors": ["张三", "李四"], "editors": ["王五"], "body": BODY1}  # fmt: skip
V2 = {**V1, "title": "寿光菜博会开幕 展期一个月", "body": BODY2}
V3 = {**V2, "byline": "记者 张三", "authors": ["张三"], "body": BODY3}  # a name removed, a paragraph added


# --- version_change: the measure stored on every version ----------------------------------------------------

BASE = {"title": "标题", "subtitle": None, "source": "潍坊日报", "published_at": datetime(2017, 8, 13, 1, 19, tzinfo=UTC),
        "byline": "记者 张三", "authors": ["张三"], "editors": ["王五"], "body": "潍坊市今年粮食总产量达到12.5亿斤。"}  # fmt: skip


@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [
        pytest.param(None, BASE, (None, 0, 0), id="first version"),
        pytest.param(BASE, dict(BASE), ("", 0, 0), id="nothing named changed"),
        pytest.param(BASE, {**BASE, "body": "潍坊市今年粮食总产量达到13.5亿斤。"}, ("body", 1, 1), id="figure corrected"),
        pytest.param(BASE, {**BASE, "body": BASE["body"] + "\n全市夏粮实现丰收。"}, ("body", 10, 0), id="paragraph added"),
        pytest.param(
            {**BASE, "byline": "记者 张三 李四", "authors": ["张三", "李四"]}, BASE, ("people", 0, 3), id="name removed from the byline"
        ),
        pytest.param(BASE, {**BASE, "byline": None, "authors": [], "editors": []}, ("people", 0, 5), id="byline gone"),
        pytest.param({**BASE, "byline": None}, {**BASE, "byline": None, "editors": ["王五", "赵六"]}, ("people", 3, 0), id="editor added, no byline"),
        pytest.param(BASE, {**BASE, "body": "潍坊市今年粮食总产量达到１２.５亿斤."}, ("body", 5, 5), id="full-width digits and a half-width stop"),
        pytest.param({**BASE, "body": "潍坊,寿光"}, {**BASE, "body": "潍坊，寿光"}, ("body", 1, 1), id="comma width"),
        pytest.param(BASE, {**BASE, "title": "新标题", "source": "潍坊晚报"}, ("title,source", 2, 1), id="title and source"),
        pytest.param(BASE, {**BASE, "published_at": datetime(2017, 8, 13, 10, 19, tzinfo=BEIJING)}, ("published_at", 0, 0), id="time moved"),
        pytest.param(BASE, {**BASE, "published_at": datetime(2017, 8, 13, 9, 19, tzinfo=BEIJING)}, ("", 0, 0), id="same instant, other zone"),
        pytest.param(BASE, {**BASE, "published_at": datetime(2017, 8, 13, 1, 19)}, ("", 0, 0), id="same instant read back from SQLite"),
        pytest.param(BASE, {**BASE, "subtitle": "", "authors": ("张三",)}, ("", 0, 0), id="empty is missing"),
        pytest.param(BASE, {**BASE, "subtitle": "副题", "published_at": None, "body": "全文改写。"}, ("subtitle,published_at,body", 6, 18), id="field order"),
        pytest.param({**BASE, "body": "今天天气很好"}, {**BASE, "body": "明天下雨了吗"}, ("body", 6, 6), id="sentence rewritten"),
    ],
)  # fmt: skip
def test_version_change(previous, current, expected):
    assert version_change(previous, current) == expected


def test_version_change_takes_any_mapping_with_missing_keys():
    assert version_change({"title": "甲", "body": "正文"}, {"title": "甲", "body": "正文。"}) == ("body", 1, 0)


def test_char_edits_rebuild_the_new_text_and_skip_lone_matching_characters():
    rng = random.Random(5)
    alphabet = "潍坊寿光青州新闻记者，。、0123456789\n"
    for _ in range(200):
        old = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 80)))
        new = list(old)
        for _ in range(rng.randrange(0, 6)):
            at = rng.randrange(len(new) + 1)
            new[at:at + rng.randrange(0, 4)] = rng.choice(["", "改", "新增一段。\n", "，"])  # fmt: skip
        new = "".join(new)
        rebuilt, at = [], 0
        for edit in char_edits(old, new):
            rebuilt.append(old[at : edit.i1] + new[edit.j1 : edit.j2])
            at = edit.i2
        assert "".join(rebuilt) + old[at:] == new
    assert [(e.i1, e.i2, e.j1, e.j2) for e in char_edits("今天天气很好", "明天下雨了吗")] == [(0, 6, 0, 6)]


def test_long_bodies_are_measured_fast():
    rng = random.Random(1)
    paragraphs = ["".join(rng.choice("潍坊市寿光县蔬菜博览会开幕展商增长的了在是，、") for _ in range(300)) + "。" for _ in range(300)]
    old = "\n".join(paragraphs)
    new = "\n".join(p if i % 2 else "改写：" + p[::-1] for i, p in enumerate(paragraphs))
    started = time.perf_counter()
    fields, added, removed = version_change({"body": old}, {"body": new})
    assert fields == "body" and added > 100 * 300 and removed > 100 * 300
    pathological = "新闻的" * 20_000  # 60,000 characters and no paragraph, sentence or clause to split at
    assert version_change({"body": pathological}, {"body": "的新闻" * 20_000 + "完"})[0] == "body"
    few = old.replace("增长", "下降", 3)
    assert version_change({"body": old}, {"body": few}) == ("body", 6, 6)
    assert time.perf_counter() - started < 5


def test_diff_lines_name_the_fields_and_mark_the_body_edits():
    assert diff_lines(V1, V2) == [
        "title: 寿光蔬菜博览会开幕 -> 寿光菜博会开幕 展期一个月",
        "body ¶2: …1200家，比上届增长1[-2-]{+3+}.5%。",
    ]
    assert diff_lines(V2, V3) == [
        "people: 记者 张三 李四 -> 记者 张三",
        "body ¶3: …，比上届增长13.5%。{+⏎开幕当天，共接待游客5万人次。+}",
    ]
    assert diff_lines(V1, {**V1, "authors": ["张三"]}) == ["people: 张三、李四 (editors: 王五) -> 张三 (editors: 王五)"]
    assert diff_lines(V1, {**V1, "subtitle": "——第二行\n续", "source": None}) == ["subtitle: (none) -> ——第二行⏎续", "source: 潍坊日报 -> (none)"]
    coloured = diff_lines(V1, V2, color=True)
    assert coloured[1] == "body ¶2: …1200家，比上届增长1\x1b[31m2\x1b[0m\x1b[32m3\x1b[0m.5%。"


def test_color_only_on_a_terminal_and_never_with_no_color():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert use_color(Terminal(), environ={}) is True
    assert use_color(Terminal(), environ={"NO_COLOR": "1"}) is False
    assert use_color(Terminal(), environ={"NO_COLOR": ""}) is True  # no-color.org: set and not empty
    assert use_color(io.StringIO(), environ={}) is False


def test_since_is_a_date_in_beijing_time():
    assert parse_since("2017-08-14") == datetime(2017, 8, 14, tzinfo=BEIJING)
    assert parse_since("2017-08-14T02:00+00:00") == datetime(2017, 8, 14, 10, tzinfo=BEIJING)
    with pytest.raises(ValueError, match="not a date"):
        parse_since("last week")


# --- an archive with an article of three versions -----------------------------------------------------------


def item(key: str, version: dict, seen: datetime, channel: str = "寿光新闻") -> Article:
    city, slug, number = key.split("/")
    url = f"https://www.yybnet.net/{city}/{slug}/201708/{number}.html"
    return Article(
        url=url, canonical_url=url, article_key=key, city=city, channel=channel, breadcrumbs=["地方网", channel],
        published_at_raw="2017-08-13 09:00", content_hash=content_fingerprint(version["body"]),
        crawled_at=seen.astimezone(UTC), **version,
    )  # fmt: skip


@pytest.fixture
def archive(database_url) -> str:
    """KEY in three versions (13, 14, 15 August), OTHER_KEY edited once (16th), GONE_KEY removed (16th)."""
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    try:
        writer = Archive(engine)
        other = {**V1, "title": "潍坊新闻", "body": "潍坊市召开会议。"}
        writer.write([item(KEY, V1, DAY1), item(OTHER_KEY, other, DAY1, "潍坊新闻"), item(GONE_KEY, other, DAY1, "淄博新闻")], None, DAY1)
        writer.write([item(KEY, V2, DAY2)], None, DAY2)
        writer.write([item(KEY, V3, DAY3)], None, DAY3)
        writer.write([item(OTHER_KEY, {**other, "body": "潍坊市召开全体会议。"}, DAY4, "潍坊新闻")], None, DAY4)
        writer.write([Removed(url="u", article_key=GONE_KEY, http_status=404)], None, DAY4 + timedelta(hours=1))
    finally:
        engine.dispose()
    return database_url


def test_the_archive_writer_stores_the_change_on_each_version(archive):
    rows = query(
        archive,
        "SELECT v.version, v.fields_changed, v.chars_added, v.chars_removed FROM article_versions v"
        f" JOIN articles a ON a.id = v.article_id WHERE a.article_key = '{KEY}' ORDER BY v.version",
    )
    assert rows == [(1, None, 0, 0), (2, "title,body", 7, 3), (3, "people,body", 16, 3)]


def test_the_view_has_one_row_per_edit_and_per_removal(archive):
    rows = query(
        archive,
        "SELECT article_key, kind, from_version, to_version, fields_changed, chars_added, chars_removed, channel"
        " FROM article_changes ORDER BY changed_at, article_key",
    )
    assert rows == [
        (KEY, "edited", 1, 2, "title,body", 7, 3, "寿光新闻"),
        (KEY, "edited", 2, 3, "people,body", 16, 3, "寿光新闻"),
        (OTHER_KEY, "edited", 1, 2, "body", 2, 0, "潍坊新闻"),
        (GONE_KEY, "removed", 1, None, None, None, None, "淄博新闻"),
    ]
    # The README's example: the edits of one channel that touched the body, biggest first.
    example = query(
        archive,
        "SELECT article_key, to_version, chars_added + chars_removed AS size FROM article_changes"
        " WHERE kind = 'edited' AND channel = '寿光新闻' AND fields_changed LIKE '%body%' ORDER BY size DESC",
    )
    assert example == [(KEY, 3, 19), (KEY, 2, 10)]


def test_history_text_plain(archive):
    out = history(archive, KEY)
    assert "\x1b" not in out
    lines = out.splitlines()
    assert lines[0] == f"{KEY}  寿光菜博会开幕 展期一个月"
    assert lines[1] == "weifang / 寿光新闻  https://www.yybnet.net/weifang/shouguang/201708/1000001.html"
    assert lines[2] == "3 versions; first seen 2017-08-13 10:00:00+08:00, last seen 2017-08-15 10:00:00+08:00"
    assert lines[3:] == [
        "",
        "version 1  seen 2017-08-13 10:00:00+08:00",
        "",
        "version 1 -> 2  seen 2017-08-14 10:00:00+08:00  (title, body; +7 -3 characters)",
        "  title: 寿光蔬菜博览会开幕 -> 寿光菜博会开幕 展期一个月",
        "  body ¶2: …1200家，比上届增长1[-2-]{+3+}.5%。",
        "",
        "version 2 -> 3  seen 2017-08-15 10:00:00+08:00  (people, body; +16 -3 characters)",
        "  people: 记者 张三 李四 -> 记者 张三",
        "  body ¶3: …，比上届增长13.5%。{+⏎开幕当天，共接待游客5万人次。+}",
    ]


def test_history_text_coloured_and_of_a_removed_article(archive):
    out = history(archive, KEY, color=True)
    assert "[-" not in out and "{+" not in out
    assert "增长1\x1b[31m2\x1b[0m\x1b[32m3\x1b[0m.5%" in out
    assert "people: \x1b[31m记者 张三 李四\x1b[0m -> \x1b[32m记者 张三\x1b[0m" in out
    assert "removed 2017-08-16 11:00:00+08:00" in history(archive, GONE_KEY)


def test_history_json(archive):
    data = json.loads(history(archive, KEY, fmt="json"))
    assert data["article_key"] == KEY and data["first_seen_at"] == "2017-08-13T10:00:00+08:00" and data["removed_at"] is None
    versions = data["versions"]
    assert [(v["version"], v["seen_at"], v["fields_changed"], v["chars_added"], v["chars_removed"]) for v in versions] == [
        (1, "2017-08-13T10:00:00+08:00", None, 0, 0),
        (2, "2017-08-14T10:00:00+08:00", ["title", "body"], 7, 3),
        (3, "2017-08-15T10:00:00+08:00", ["people", "body"], 16, 3),
    ]
    assert versions[0]["body"] == BODY1 and versions[0]["published_at"] == "2017-08-13T09:00:00+08:00"
    assert versions[1]["changes"] == {
        "title": {"old": "寿光蔬菜博览会开幕", "new": "寿光菜博会开幕 展期一个月"},
        "body": [{"position": BODY1.index("12.5") + 1, "removed": "2", "added": "3"}],
    }
    assert versions[2]["changes"]["people"] == {"old": "记者 张三 李四", "new": "记者 张三"}


def test_history_of_an_unknown_key_names_it(archive):
    with pytest.raises(LookupError, match="weifang/news/9999999"):
        history(archive, "weifang/news/9999999")


def test_history_needs_an_archive(tmp_path):
    with pytest.raises(ArchiveNotReady, match="does not exist"):
        history(f"sqlite:///{tmp_path / 'nope.db'}", KEY)
    assert not (tmp_path / "nope.db").exists()
    old = f"sqlite:///{tmp_path / 'old.db'}"
    migrate.upgrade(old, "0004")
    with pytest.raises(ArchiveNotReady, match="newscrawl db upgrade"):
        changes(old)


def width(text_: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text_)


def test_changes_table_lists_edits_and_removals(archive):
    lines = changes(archive).splitlines()
    assert lines[0].split() == ["when", "(+08:00)", "article", "city", "channel", "change", "fields", "+chars", "-chars", "title"]
    assert [line.split() for line in lines[1:]] == [
        ["2017-08-14", "10:00", KEY, "weifang", "寿光新闻", "v1->v2", "title,body", "7", "3", "寿光菜博会开幕", "展期一个月"],
        ["2017-08-15", "10:00", KEY, "weifang", "寿光新闻", "v2->v3", "people,body", "16", "3", "寿光菜博会开幕", "展期一个月"],
        ["2017-08-16", "10:00", OTHER_KEY, "weifang", "潍坊新闻", "v1->v2", "body", "2", "0", "潍坊新闻"],
        ["2017-08-16", "11:00", GONE_KEY, "zibo", "淄博新闻", "removed", "-", "-", "-", "潍坊新闻"],
    ]
    # Columns line up on a terminal, where a Chinese character takes two columns.
    columns = {width(re.split(r" (?=v\d->v\d|removed)", line)[0]) for line in lines[1:]}
    assert len(columns) == 1


def test_changes_filters(archive):
    def keys(**filters) -> list[tuple]:
        return [(row["article_key"], row["kind"], row["to_version"]) for row in change_rows(archive, **filters)]

    assert keys(since="2017-08-15") == [(KEY, "edited", 3), (OTHER_KEY, "edited", 2), (GONE_KEY, "removed", None)]
    assert keys(since=datetime(2017, 8, 16, 10, 30, tzinfo=BEIJING)) == [(GONE_KEY, "removed", None)]
    assert keys(city="zibo") == [(GONE_KEY, "removed", None)]
    assert keys(channel="寿光新闻") == [(KEY, "edited", 2), (KEY, "edited", 3)]
    assert keys(channel="shouguang") == keys(channel="weifang/shouguang") == [(KEY, "edited", 2), (KEY, "edited", 3)]
    assert keys(city="weifang", channel="news") == [(OTHER_KEY, "edited", 2)]
    assert keys(since="2017-08-17") == []
    assert changes(archive, since="2017-08-17") == "no article was edited or removed since 2017-08-17 00:00:00+08:00"


def test_changes_json(archive):
    data = json.loads(changes(archive, since="2017-08-16", fmt="json"))
    assert data == [
        {"article_key": OTHER_KEY, "city": "weifang", "channel": "潍坊新闻", "title": "潍坊新闻", "kind": "edited", "from_version": 1,
         "to_version": 2, "changed_at": "2017-08-16T10:00:00+08:00", "run_id": None, "fields_changed": ["body"], "chars_added": 2,
         "chars_removed": 0, "removed_at": None},
        {"article_key": GONE_KEY, "city": "zibo", "channel": "淄博新闻", "title": "潍坊新闻", "kind": "removed", "from_version": 1,
         "to_version": None, "changed_at": "2017-08-16T11:00:00+08:00", "run_id": None, "fields_changed": None, "chars_added": None,
         "chars_removed": None, "removed_at": "2017-08-16T11:00:00+08:00"},
    ]  # fmt: skip


def test_changes_measures_versions_stored_without_the_measure(archive):
    """A version written by an older writer (no fields_changed) is measured from its texts when listed."""
    engine = create_engine(archive)
    with engine.begin() as connection:
        connection.execute(text("UPDATE article_versions SET fields_changed = NULL, chars_added = NULL, chars_removed = NULL"))
    engine.dispose()
    rows = [(row["to_version"], row["fields_changed"], row["chars_added"], row["chars_removed"]) for row in change_rows(archive, channel="寿光新闻")]
    assert rows == [(2, ["title", "body"], 7, 3), (3, ["people", "body"], 16, 3)]


# --- migration 0005: the versions archived before it are measured -----------------------------------------


def test_migration_measures_the_versions_archived_before_it_and_downgrades(database_url):
    migrate.upgrade(database_url, "0004")
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO articles (article_key, url, canonical_url, city, channel, breadcrumbs, title, body, authors, editors,"
                " images, content_hash, crawled_at, first_seen_at, last_seen_at, version, removed_at)"
                " VALUES (:key, 'u', 'u', 'weifang', '寿光新闻', '[]', '新标题', :body, '[\"张三\"]', '[]', '[]', 'h3',"
                " '2017-08-15 02:00:00', '2017-08-13 02:00:00', '2017-08-15 02:00:00', 3, '2017-08-16 02:00:00')"
            ), {"key": KEY, "body": BODY3})  # fmt: skip
            article_id = connection.execute(text("SELECT id FROM articles")).scalar()
            for version, (title, byline, authors, body) in enumerate(
                [("旧标题", "记者 张三 李四", '["张三", "李四"]', BODY1), ("新标题", "记者 张三 李四", '["张三", "李四"]', BODY2),
                 ("新标题", "记者 张三", '["张三"]', BODY3)], start=1,
            ):  # fmt: skip
                connection.execute(text(
                    "INSERT INTO article_versions (article_id, version, content_hash, title, byline, authors, editors, body, fetched_at)"
                    " VALUES (:id, :version, 'h', :title, :byline, :authors, '[]', :body, :at)"
                ), {"id": article_id, "version": version, "title": title, "byline": byline, "authors": authors, "body": body,
                    "at": f"2017-08-1{2 + version} 02:00:00"})  # fmt: skip
        migrate.upgrade(database_url)
        migrate.check(database_url)  # the view is not in the models, and autogenerate leaves it alone
        rows = query(database_url, "SELECT version, fields_changed, chars_added, chars_removed FROM article_versions ORDER BY version")
        assert rows == [(1, None, 0, 0), (2, "title,body", 2, 2), (3, "people,body", 16, 3)]
        assert query(database_url, "SELECT kind, from_version, to_version FROM article_changes ORDER BY kind, from_version") == [
            ("edited", 1, 2),
            ("edited", 2, 3),
            ("removed", 3, None),
        ]

        command.downgrade(migrate.alembic_config(database_url), "0004")
        assert "article_changes" not in inspect(engine).get_view_names()
        assert not {"fields_changed", "chars_added", "chars_removed"} & {c["name"] for c in inspect(engine).get_columns("article_versions")}
        migrate.upgrade(database_url)
        assert "article_changes" in inspect(engine).get_view_names()
    finally:
        engine.dispose()


# --- the commands ---------------------------------------------------------------------------------------------


def test_cli_history_and_changes(archive, capsys, monkeypatch):
    from newscrawl.cli import main

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert main(["history", KEY, "--db", archive]) == 0
    out = capsys.readouterr().out
    assert "{+3+}" in out and "\x1b" not in out  # captured output is not a terminal: plain

    assert main(["history", KEY, "--db", archive, "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["versions"]) == 3

    assert main(["history", "weifang/news/9999999", "--db", archive]) == 1
    assert "weifang/news/9999999" in capsys.readouterr().err

    assert main(["changes", "--db", archive, "--since", "2017-08-16", "--city", "zibo", "--format", "json"]) == 0
    assert [row["article_key"] for row in json.loads(capsys.readouterr().out)] == [GONE_KEY]

    assert main(["changes", "--db", archive, "--channel", "寿光新闻"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3

    assert main(["changes", "--db", archive, "--since", "yesterday"]) == 2
    assert "yesterday" in capsys.readouterr().err
