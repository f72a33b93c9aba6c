"""When an archived article is checked again: a ladder of ages, and a nightly budget.

Stories change most soon after publication, so an article is rechecked (a conditional request: a 304
costs little) at growing ages after it was published: about 1, 3, 7, 30, 90 and 365 days
(NEWSCRAWL_REVISIT_AGES), then once a year. A change seen restarts the ladder from the moment it was
seen; a removal too (pages come back). The next check is kept in `article_checks.next_check_at`.

A night revisits at most its budget (NEWSCRAWL_REVISIT_BUDGET: a number of pages, or a share of the
archive such as "5%"), most overdue first; what did not fit stays due and comes first the next night.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

DEFAULT_AGES = (1, 3, 7, 30, 90, 365)  # days after publication (or after the last change seen)
YEAR = timedelta(days=365)


def parse_ages(value: str | Sequence[float] | None) -> tuple[float, ...]:
    """NEWSCRAWL_REVISIT_AGES: "1,3,7,30,90,365" (days, increasing); ValueError with the expected form."""
    if value is None or value == "":
        return DEFAULT_AGES
    items = value.split(",") if isinstance(value, str) else list(value)
    try:
        ages = tuple(float(item) for item in items)
    except (TypeError, ValueError):
        raise ValueError(f"NEWSCRAWL_REVISIT_AGES: expected increasing days like 1,3,7,30,90,365, got {value!r}") from None
    if not ages or any(age <= 0 for age in ages) or list(ages) != sorted(set(ages)):
        raise ValueError(f"NEWSCRAWL_REVISIT_AGES: expected increasing days like 1,3,7,30,90,365, got {value!r}")
    return ages


def parse_budget(value: str | int | float | None, archived: int) -> int:
    """Revisits allowed tonight: a page count ("2000") or a share of the archive ("5%"); at least 1 if any archived."""
    if value is None or value == "":
        value = "5%"
    text = str(value).strip()
    try:
        budget = archived * float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise ValueError(f"NEWSCRAWL_REVISIT_BUDGET: expected pages per night (2000) or a share of the archive (5%), got {value!r}") from None
    if budget < 0:
        raise ValueError(f"NEWSCRAWL_REVISIT_BUDGET: expected a positive number, got {value!r}")
    return max(int(budget + 0.5), 1 if archived and budget > 0 else 0)


def next_check(
    published_at: datetime | None,
    checked_at: datetime,
    changed_at: datetime | None = None,
    removed_at: datetime | None = None,
    ages: Sequence[float] = DEFAULT_AGES,
) -> datetime:
    """The first step of the ladder after `checked_at`; the ladder starts at publication, or at the last change or removal seen."""
    anchors = [moment for moment in (published_at, changed_at, removed_at) if moment is not None]
    anchor = max(anchors) if anchors else checked_at
    for age in ages:
        moment = anchor + timedelta(days=age)
        if moment > checked_at:
            return moment
    last = anchor + timedelta(days=ages[-1])
    years = int((checked_at - last) / YEAR) + 1  # whole years past the last step, then the next one
    return last + years * YEAR
