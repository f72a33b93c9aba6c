"""Rewrite tests/fixtures/*/expected.json from the current extractor, after a reviewed change.

    python tests/regen_fixtures.py [CASE ...]     rewrite expected.json (only the fields already there)
    python tests/regen_fixtures.py --check        recompute every prediction, compare with the snapshot
    python tests/regen_fixtures.py --predictions  rewrite the snapshot tests/predictions.json

The snapshot covers the golden fixtures, the mirror's pages and, where it exists, shared/eval/real
(hashes only: those pages are third-party content). Review `git diff tests/fixtures` before committing.
"""

import json
import sys

from fixture_cases import PREDICTIONS, REAL_SET, all_predictions, cases, compare_snapshot, expected, extract_case, snapshot_of


def check() -> int:
    want = json.loads(PREDICTIONS.read_text(encoding="utf-8"))
    real = REAL_SET.is_dir()
    if not real:
        want = {page: value for page, value in want.items() if not page.startswith("real/")}
        print(f"{REAL_SET} is absent: its pages are not checked")
    problems = compare_snapshot(want, snapshot_of(all_predictions(real)))
    for problem in problems:
        print(problem)
    print(f"{len(want)} pages, {len(problems)} changed")
    return 1 if problems else 0


def write_snapshot() -> int:
    if not REAL_SET.is_dir():
        print(f"{REAL_SET} is absent: refusing to write a snapshot without its pages", file=sys.stderr)
        return 1
    snapshot = snapshot_of(all_predictions())
    rows = [f"{json.dumps(page, ensure_ascii=False)}: {json.dumps(value, sort_keys=True)}" for page, value in sorted(snapshot.items())]
    PREDICTIONS.write_text("{\n" + ",\n".join(rows) + "\n}\n", encoding="utf-8")  # one page a line: readable diffs
    print(f"wrote {len(snapshot)} predictions to {PREDICTIONS}")
    return 0


if __name__ == "__main__":
    if "--check" in sys.argv[1:]:
        sys.exit(check())
    if "--predictions" in sys.argv[1:]:
        sys.exit(write_snapshot())
    wanted = set(sys.argv[1:])
    for case in cases():
        if wanted and case.name not in wanted:
            continue
        got = extract_case(case)
        new = {field: got[field] for field in expected(case)}
        (case / "expected.json").write_text(json.dumps(new, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"rewrote {case.name}")
