"""Every prediction of the extractor, on every labelled set, equals the committed snapshot.

A refactor must not change what is extracted: this recomputes the golden fixtures, the mirror's pages
(yybnet page object and generic extractor), the third labelled set (eval/third) and shared/eval/real, and names each page and field that
changed. After a reviewed change of behaviour: `python tests/regen_fixtures.py --predictions`.
"""

import json
import os

import pytest

from fixture_cases import (
    PREDICTIONS,
    REAL_SET,
    compare_snapshot,
    fixture_predictions,
    mirror_predictions,
    real_predictions,
    snapshot_of,
    third_predictions,
)

SNAPSHOT = json.loads(PREDICTIONS.read_text(encoding="utf-8"))


def _check(prefixes: tuple[str, ...], predictions: dict) -> None:
    want = {page: value for page, value in SNAPSHOT.items() if page.startswith(prefixes)}
    assert want, f"the snapshot holds no page under {prefixes}"
    problems = compare_snapshot(want, snapshot_of(predictions))
    assert not problems, "predictions changed (rewrite the snapshot only after review):\n" + "\n".join(problems)


def test_fixture_predictions_unchanged():
    _check(("fixture/",), fixture_predictions())


def test_mirror_predictions_unchanged():
    _check(("mirror/", "mirror-generic/"), mirror_predictions())


def test_third_set_predictions_unchanged():
    _check(("third/",), third_predictions())


@pytest.mark.skipif(
    not REAL_SET.is_dir() and not os.environ.get("NEWSCRAWL_EVAL_DIR"), reason=f"shared/eval/real is not beside the checkout ({REAL_SET})"
)
def test_real_predictions_unchanged():
    _check(("real/",), real_predictions())
