"""What is derived from the articles' texts and kept in step with them by the archive writer.

`Archive.write` notes every change of an article's shown title and body in its transaction (a new row, a
new version, a row taken back) and calls `texts_changed` before commit, so the full-text index
(newscrawl.search_index) and the story clusters (newscrawl.clusters) never lag the rows they describe.
Paths that write rows without `Archive` (newscrawl import) rebuild both instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session


class Text(NamedTuple):
    title: str
    body: str


class TextChange(NamedTuple):
    """One article's text: `old` None for a row just created, `new` None for a row deleted."""

    article_id: int
    old: Text | None
    new: Text | None


def texts_changed(session: Session, changes: Sequence[TextChange]) -> None:
    """Bring every derived index up to date with `changes`, in the writer's transaction."""
    if not changes:
        return
    from newscrawl import clusters, search_index

    search_index.apply(session, changes)
    clusters.apply(session, changes)


def rebuild_all(engine: Engine) -> None:
    """Derive every index again from the rows as they are (after an import, or to repair)."""
    from newscrawl import clusters, search_index

    search_index.rebuild(engine)
    clusters.rebuild(engine)
