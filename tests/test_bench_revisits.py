"""The revisit benchmark plays nights of the mirror and counts the edits a budget catches."""

from __future__ import annotations

import re

from newscrawl.bench_revisits import bench_revisits, line


def test_a_budget_of_the_whole_archive_catches_every_edit_the_night_it_is_made():
    table = bench_revisits(nights=3, articles=30, budgets=("100%",))
    last = table.splitlines()[-1]
    match = re.fullmatch(r"edits caught (\d+)% \((\d+) of (\d+)\), median delay (\S+) nights, revisits per night ([\d.]+) \(budget 100% of (\d+) archived\)", last)
    assert match, last
    caught, edits = int(match[2]), int(match[3])
    assert edits > 0 and caught == edits and match[4] == "0"
    assert float(match[5]) > 0


def test_the_summary_line_says_what_was_caught():
    result = {"budget": "5%", "edits": 4, "caught": 3, "median_delay": 1.5, "revisits": 2.25, "archived": 80}
    assert line(result) == "edits caught 75% (3 of 4), median delay 1.5 nights, revisits per night 2.2 (budget 5% of 80 archived)"
