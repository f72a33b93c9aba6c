"""The search benchmark runs end to end on a tiny archive and ends with its one summary line."""

import re

from newscrawl.bench_search import bench_search, generate


def test_generated_articles_are_about_1200_characters():
    rows = list(generate(50, seed=1))
    assert [row["id"] for row in rows] == list(range(1, 51))
    assert all(1200 <= len(row["body"]) < 2000 for row in rows)


def test_bench_search_summary_line(postgres_server_url):
    report = bench_search(300, postgres_url=postgres_server_url)
    last = report.splitlines()[-1]
    assert re.fullmatch(
        r"search p95: sqlite [\d.]+ ms, postgresql [\d.]+ ms; LIKE scan p95: sqlite [\d.]+ ms, postgresql [\d.]+ ms \(300 articles\)", last
    ), last
    assert report.count("size: index") == 2
