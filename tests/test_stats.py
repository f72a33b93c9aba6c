"""`newscrawl stats`: the figures against the mirror's truth, the formats, the plot and its font, bad arguments."""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, text

from conftest import run_crawl
from newscrawl import plot, stats
from newscrawl.cli import main
from test_views import write_archive

BEIJING = timezone(timedelta(hours=8))


def coverage(rows: list[dict]) -> dict[str, int]:
    return {
        "articles": len(rows),
        "with_source": sum(1 for r in rows if r["source"]),
        "with_authors": sum(1 for r in rows if r["authors"]),
        "with_time": sum(1 for r in rows if r["published_at"]),
        "with_subtitle": sum(1 for r in rows if r["subtitle"]),
    }


def beijing_day(row: dict) -> str | None:
    return datetime.fromisoformat(row["published_at"]).astimezone(BEIJING).date().isoformat() if row["published_at"] else None


def assert_top(entries: list[dict], name: str, expected: Counter, top: int) -> None:
    """The entries are the `top` biggest of `expected` (ties may come in any order), with the right counts."""
    assert [entry["articles"] for entry in entries] == sorted(expected.values(), reverse=True)[:top]
    assert all(expected[entry[name]] == entry["articles"] for entry in entries)


def test_stats_of_a_crawl_match_the_truth(mirror, truth, database_url):
    run_crawl(mirror.base_url, database_url)
    rows = list(truth.values())

    report = stats.collect(database_url, by="channel", top=5)
    totals = report["totals"]
    assert {name: totals[name] for name in coverage(rows)} == coverage(rows)
    assert totals["removed"] == 0
    days = Counter(beijing_day(r) for r in rows if r["published_at"])
    assert (totals["first_day"], totals["last_day"], totals["days"]) == (min(days), max(days), len(days))
    assert totals["busiest_day"]["articles"] == max(days.values()) and days[totals["busiest_day"]["day"]] == max(days.values())

    by_channel = {entry["channel"]: entry for entry in report["breakdown"]}
    channels = {r["channel"] for r in rows}
    assert set(by_channel) == channels
    for channel in channels:
        assert {k: v for k, v in by_channel[channel].items() if k != "channel"} == coverage([r for r in rows if r["channel"] == channel])
    assert [entry["articles"] for entry in report["breakdown"]] == sorted((e["articles"] for e in report["breakdown"]), reverse=True)

    assert_top(report["top_sources"], "source", Counter(r["source"] for r in rows if r["source"]), 5)
    authors = Counter(name for r in rows for name in set(r["authors"]))
    assert_top(report["top_authors"], "name", authors, 5)

    per_day = stats.collect(database_url, by="day")["breakdown"]
    assert {entry["day"]: entry["articles"] for entry in per_day} == {
        **days, **({None: sum(1 for r in rows if not r["published_at"])} if not all(r["published_at"] for r in rows) else {})
    }  # fmt: skip
    assert [entry["day"] for entry in per_day if entry["day"]] == sorted(days)
    per_author = stats.collect(database_url, by="author")["breakdown"]
    assert {entry["author"]: entry["articles"] for entry in per_author} == dict(authors)
    per_source = stats.collect(database_url, by="source")["breakdown"]
    assert {entry["source"]: entry["articles"] for entry in per_source} == dict(Counter(r["source"] for r in rows))

    since = datetime.fromisoformat(sorted(r["published_at"] for r in rows if r["published_at"])[len(rows) // 2])
    later = stats.collect(database_url, since=since)
    assert later["totals"]["articles"] == sum(1 for r in rows if r["published_at"] and datetime.fromisoformat(r["published_at"]) >= since)

    clusters = report["clusters"]
    if clusters["built"]:  # story_clusters (migration 0011): the stories the mirror reprinted, with their copies
        stories = [n for n in Counter(r["story"] for r in rows).values() if n > 1]
        assert (clusters["stories_with_copies"], clusters["articles_in_them"]) == (len(stories), sum(stories))
        assert [s["copies"] for s in clusters["stories"]] == sorted(stories, reverse=True)[:5]
        first = clusters["stories"][0]
        assert first["title"] == truth[first["canonical_key"]]["title"]
        assert first["channels"] == len({r["channel"] for r in rows if r["story"] == truth[first["canonical_key"]]["story"]})
    else:
        assert "not built" in clusters["note"]


@pytest.fixture
def archive(database_url) -> str:
    write_archive(database_url)
    return database_url


def test_small_archive_figures_json_and_since(archive, capsys):
    assert main(["stats", "--db", archive, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    totals = report["totals"]
    assert (totals["articles"], totals["removed"], totals["with_source"], totals["with_authors"], totals["with_time"], totals["with_subtitle"]) == (
        3,
        1,
        1,
        1,
        1,
        1,
    )
    assert (totals["first_day"], totals["last_day"], totals["days"]) == ("2017-08-14", "2017-08-14", 1)
    assert report["breakdown"] == [
        {"channel": "潍坊新闻", "articles": 2, "with_source": 1, "with_authors": 1, "with_time": 1, "with_subtitle": 1},
        {"channel": "淄博新闻", "articles": 1, "with_source": 0, "with_authors": 0, "with_time": 0, "with_subtitle": 0},
    ]
    assert report["top_sources"] == [{"source": "潍坊日报", "articles": 1}]
    assert sorted(report["top_authors"], key=lambda e: e["name"]) == [
        {"name": "张三", "articles": 1},
        {"name": "李四", "articles": 1},
    ]  # 赵六's is removed

    # From 14 August 02:00 in Beijing (18:00 UTC on the 13th) on: the article published then counts, one a minute later does not.
    assert main(["stats", "--db", archive, "--format", "json", "--since", "2017-08-14T02:00"]) == 0
    assert json.loads(capsys.readouterr().out)["totals"]["articles"] == 1
    assert main(["stats", "--db", archive, "--format", "json", "--since", "2017-08-14T02:01+08:00"]) == 0
    assert json.loads(capsys.readouterr().out)["totals"]["articles"] == 0


def test_table_output(archive, capsys):
    assert main(["stats", "--db", archive]) == 0
    out = capsys.readouterr().out
    assert "3 articles (1 removed, not counted)" in out
    assert "coverage: source 33% (1), authors 33% (1), time 33% (1), subtitle 33% (1)" in out
    channel_lines = [line.split() for line in out.splitlines() if line.startswith(("潍坊新闻", "淄博新闻"))]
    assert channel_lines == [["潍坊新闻", "2", "50%", "50%", "50%", "50%"], ["淄博新闻", "1", "0%", "0%", "0%", "0%"]]
    assert main(["stats", "--db", archive, "--by", "day"]) == 0
    out = capsys.readouterr().out
    assert "2017-08-14" in out and "(no time)" in out


def test_without_story_clusters_the_output_says_so(sqlite_url, capsys):
    write_archive(sqlite_url)
    engine = create_engine(sqlite_url)
    with engine.begin() as connection:
        connection.execute(text("DROP VIEW IF EXISTS story_clusters"))
    engine.dispose()
    assert main(["stats", "--db", sqlite_url]) == 0
    assert "story clusters are not built" in capsys.readouterr().out
    assert main(["stats", "--db", sqlite_url, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["clusters"]["built"] is False


@pytest.mark.parametrize(
    "argv",
    [
        ["--by", "weekday"], ["--format", "csv"], ["--since", "yesterday"], ["--top", "0"], ["--top", "ten"],
        ["--plot", "out.txt"], ["--plot", "/no/such/folder/out.png"], ["--db", "not a url"],
    ],
)  # fmt: skip
def test_bad_arguments_say_one_line_and_exit_2(sqlite_url, capsys, argv):
    assert main(["stats", "--db", sqlite_url, *argv] if argv[0] != "--db" else ["stats", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.strip().splitlines()) == 1 and captured.err.startswith("newscrawl stats: ")


def test_no_archive_exits_1(tmp_path, capsys):
    assert main(["stats", "--db", f"sqlite:///{tmp_path / 'none.db'}"]) == 1
    assert "does not exist" in capsys.readouterr().err


# --- the plot ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fonts", "expected"),
    [
        (["DejaVu Sans", "cmr10"], None),
        (["DejaVu Sans", "WenQuanYi Micro Hei"], "WenQuanYi Micro Hei"),
        (["Droid Sans Fallback", "Noto Sans CJK JP", "DejaVu Sans"], "Noto Sans CJK JP"),  # the better one wins
        ([], None),
    ],
)
def test_cjk_font_choice(fonts, expected):
    assert plot.cjk_font(fonts) == expected


def is_png(path) -> bool:
    data = path.read_bytes()
    return data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_plot_without_a_cjk_font_uses_slugs_and_warns(archive, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(plot, "installed_fonts", lambda: ["DejaVu Sans"])
    drawn = {}
    real = plot.articles_over_time

    def spy(series, path, font=None, note=""):
        drawn.update(labels=set(series), font=font)
        return real(series, path, font=font, note=note)

    monkeypatch.setattr(plot, "articles_over_time", spy)
    out = tmp_path / "days.png"
    assert main(["stats", "--db", archive, "--plot", str(out)]) == 0
    assert is_png(out)
    assert drawn == {"labels": {"weifang/news"}, "font": None}  # 1000001 is the only dated current article
    err = capsys.readouterr().err.splitlines()
    assert len([line for line in err if "warning" in line]) == 1
    assert "apt install fonts-noto-cjk" in err[0] and "slug" in err[0]


def test_plot_with_a_cjk_font_uses_channel_names(archive, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(plot, "installed_fonts", lambda: ["DejaVu Sans", "Noto Sans CJK SC"])
    drawn = {}
    monkeypatch.setattr(plot, "articles_over_time", lambda series, path, font=None, note="": drawn.update(series=series, font=font))
    assert main(["stats", "--db", archive, "--plot", str(tmp_path / "days.png")]) == 0
    assert drawn["font"] == "Noto Sans CJK SC"
    assert {label: dict(days) for label, days in drawn["series"].items()} == {"潍坊新闻": {datetime(2017, 8, 14).date(): 1}}
    assert "warning" not in capsys.readouterr().err


def test_plot_draws_many_channels_over_a_long_span(tmp_path):
    start = datetime(2015, 1, 1).date()
    series = {f"city/channel{n}": {start + timedelta(days=17 * i + n): 1 + (i % 3) for i in range(60)} for n in range(14)}
    out = tmp_path / "long.png"
    assert plot.articles_over_time(series, out) == "month"  # three years: one bar a month, the small channels as "other"
    assert is_png(out)
    assert plot.period_of([start, start + timedelta(days=30)]) == "day"
    assert plot.period_of([start, start + timedelta(days=300)]) == "week"


def test_plot_without_matplotlib_names_the_extra(archive, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    out = tmp_path / "days.png"
    assert main(["stats", "--db", archive, "--plot", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == "newscrawl stats: --plot needs matplotlib: pip install 'newscrawl[plot]'"
    assert not out.exists()
