"""The revisit schedule's arithmetic: the ladder of ages, restarts after a change or a removal, the nightly budget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newscrawl.schedule import DEFAULT_AGES, next_check, parse_ages, parse_budget

T0 = datetime(2017, 8, 13, 1, 0, tzinfo=UTC)  # published


def days(n: float) -> datetime:
    return T0 + timedelta(days=n)


@pytest.mark.parametrize(
    ("checked", "expected"),
    [
        (days(0), days(1)), (days(0.5), days(1)), (days(1), days(3)), (days(2), days(3)), (days(3), days(7)),
        (days(10), days(30)), (days(30), days(90)), (days(100), days(365)), (days(365), days(730)),
        (days(800), days(1095)), (days(3000), days(3285)),
    ],
)  # fmt: skip
def test_the_ladder_of_ages_after_publication_then_yearly(checked, expected):
    assert next_check(T0, checked) == expected


def test_a_change_seen_restarts_the_ladder_and_so_does_a_removal():
    changed = days(400)
    assert next_check(T0, changed, changed_at=changed) == changed + timedelta(days=1)
    assert next_check(T0, days(402), changed_at=changed) == changed + timedelta(days=3)
    removed = days(900)
    assert next_check(T0, removed, changed_at=changed, removed_at=removed) == removed + timedelta(days=1)
    assert next_check(None, days(5)) == days(6)  # no publication time: the ladder starts at the check


def test_configured_ages():
    assert parse_ages("2,10") == (2.0, 10.0)
    assert next_check(T0, days(0), ages=(2, 10)) == days(2)
    assert next_check(T0, days(11), ages=(2, 10)) == days(375)
    assert parse_ages(None) == DEFAULT_AGES


@pytest.mark.parametrize("bad", ["1,x", "3,1", "0,2", "-1", "1,1"])
def test_bad_ages_are_a_clear_error(bad):
    with pytest.raises(ValueError, match="NEWSCRAWL_REVISIT_AGES: expected increasing days"):
        parse_ages(bad)


@pytest.mark.parametrize(
    ("value", "archived", "budget"),
    [("5%", 10_000, 500), ("5%", 10, 1), ("5%", 0, 0), ("2000", 10, 2000), (300, 1_000_000, 300), ("0", 50, 0), (None, 1000, 50), ("0.5%", 999, 5)],
)
def test_the_nightly_budget(value, archived, budget):
    assert parse_budget(value, archived) == budget


@pytest.mark.parametrize("bad", ["lots", "-5", "5 %x"])
def test_a_bad_budget_is_a_clear_error(bad):
    with pytest.raises(ValueError, match="NEWSCRAWL_REVISIT_BUDGET"):
        parse_budget(bad, 100)
