"""Placeholder: filled in by the work on issue 9."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session


def apply(session: Session, changes: Sequence) -> None:
    """Keep this index in step with the archive writer's text changes (newscrawl.indexes)."""


def rebuild(engine) -> None:
    """Derive this index again from every article row."""
