"""The yybnet page object on golden fixtures: one test per case and field."""

import pytest
from fixture_cases import cases, expected, extract_case

PARAMS = [(case, field) for case in cases() for field in expected(case)]


@pytest.fixture(scope="module")
def extracted():
    return {case: extract_case(case) for case in cases()}


@pytest.mark.parametrize("case, field", PARAMS, ids=[f"{c.name}-{f}" for c, f in PARAMS])
def test_field(extracted, case, field):
    assert extracted[case][field] == expected(case)[field]


def test_every_case_has_the_core_fields():
    for case in cases():
        assert {"title", "source", "published_at", "authors", "editors", "body"} <= set(expected(case)), case.name
