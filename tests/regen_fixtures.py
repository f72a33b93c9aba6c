"""Rewrite tests/fixtures/*/expected.json from the current extractor, after a reviewed change.

    python tests/regen_fixtures.py [CASE ...]

Only the fields already in each expected.json are rewritten; review `git diff tests/fixtures` before committing.
"""

import json
import sys

from fixture_cases import cases, expected, extract_case

if __name__ == "__main__":
    wanted = set(sys.argv[1:])
    for case in cases():
        if wanted and case.name not in wanted:
            continue
        got = extract_case(case)
        new = {field: got[field] for field in expected(case)}
        (case / "expected.json").write_text(json.dumps(new, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"rewrote {case.name}")
