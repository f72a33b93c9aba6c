"""The revisit benchmark plays nights of the mirror and counts the edits a budget catches."""

from __future__ import annotations

import re

import pytest

from newscrawl.bench_revisits import YOUNG_DAYS, bench_revisits, best_chance, is_old, line, old_edits_line


def test_a_budget_of_the_whole_archive_catches_every_edit_the_night_it_is_made():
    table = bench_revisits(nights=3, articles=30, budgets=("100%",))
    last = table.splitlines()[-1]
    match = re.fullmatch(
        r"edits caught (\d+)% \((\d+) of (\d+)\), median delay (\S+) nights, revisits per night ([\d.]+) \(budget 100% of (\d+) archived\)", last
    )
    assert match, last
    caught, edits = int(match[2]), int(match[3])
    assert edits > 0 and caught == edits and match[4] == "0"
    assert float(match[5]) > 0


def test_the_summary_line_says_what_was_caught():
    result = {"budget": "5%", "edits": 4, "caught": 3, "median_delay": 1.5, "revisits": 2.25, "archived": 80}
    assert line(result) == "edits caught 75% (3 of 4), median delay 1.5 nights, revisits per night 2.2 (budget 5% of 80 archived)"


def test_no_schedule_can_catch_more_old_edits_than_the_nights_left_can_check():
    truth = {f"k{n}": {"first_published_day": 0} for n in range(90)} | {f"y{n}": {"first_published_day": 4} for n in range(10)}
    assert is_old(truth["k1"], 5) and not is_old(truth["y1"], 5) and is_old(truth["y1"], 4 + YOUNG_DAYS + 1)
    assert best_chance(truth, day=5, nights=10, budget="5%") == pytest.approx(100 * 0.05 * 5 / 90)
    assert best_chance(truth, day=9, nights=10, budget="5%") == pytest.approx(5 / 90)  # the last night: one night's checks
    assert best_chance(truth, day=0, nights=30, budget="5%") == 1.0
    result = {"old_edits": 4, "old_caught": 1, "old_bound": 2.0}
    assert old_edits_line(result) == (
        f"edits of old articles (over {YOUNG_DAYS} days after publication): caught 1 of 4; on average no schedule catches more than about 50% of them at this budget"
    )
