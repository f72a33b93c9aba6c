"""Spill files: batches the database refused after every retry, kept as JSONL, and loading them back.

The store pipeline writes such a batch to `{NEWSCRAWL_SPILL_DIR}/run-{id}.jsonl` (an Article as its
JSON, any other item as `{"TypeName": fields}`). `newscrawl spill import`, and every `newscrawl crawl`
before it starts, stores them through the same Archive as a crawl, so nothing has to be fetched again;
an imported file is renamed `*.jsonl.imported`, never deleted.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from newscrawl import db
from newscrawl.archive import Archive
from newscrawl.items import Article, FetchFailure, Gone, Image, NotModified, PageFailure, Removed

logger = logging.getLogger(__name__)

ITEM_TYPES = {cls.__name__: cls for cls in (PageFailure, NotModified, Removed, Gone, FetchFailure)}
BATCH = 100


class SpillError(ValueError):
    """A spill line that is not an item newscrawl wrote."""


def item_from_json(row: dict[str, Any]) -> Any:
    """The item a spill line holds (the inverse of the store pipeline's spill writer)."""
    if len(row) == 1:
        ((name, values),) = row.items()
        if name not in ITEM_TYPES or not isinstance(values, dict):
            raise SpillError(f"unknown item {name!r}")
        return ITEM_TYPES[name](**values)
    known = {field.name for field in fields(Article)}
    if "url" not in row or not set(row) <= known:
        raise SpillError(f"not an article: fields {sorted(set(row) - known) or 'without url'}")
    data = dict(row)
    for name in ("published_at", "crawled_at"):
        if data.get(name):
            data[name] = datetime.fromisoformat(data[name])
    data["images"] = [Image(**image) for image in data.get("images") or []]
    return Article(**data)


def spill_files(spill_dir: Path) -> list[Path]:
    return sorted(Path(spill_dir).glob("run-*.jsonl"))


def import_spills(database_url: str, spill_dir: Path) -> Counter:
    """Store every spill file under spill_dir; returns the Archive's counts plus files and lines read."""
    counts: Counter = Counter()
    paths = spill_files(spill_dir)
    if not paths:
        return counts
    engine = db.make_engine(database_url)
    try:
        for path in paths:
            run_id = _run_id(path)
            with engine.connect() as connection:  # the run's row may be in another archive than the one imported into
                if run_id is not None and connection.scalar(select(db.CrawlRun.id).where(db.CrawlRun.id == run_id)) is None:
                    run_id = None
            items = []
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    items.append(item_from_json(json.loads(line)))
                except (ValueError, TypeError) as error:  # a damaged line is reported, the file kept as it is
                    raise SpillError(f"{path}:{number}: {error}") from error
            for start in range(0, len(items), BATCH):
                counts.update(Archive(engine).write(items[start : start + BATCH], run_id))
            path.rename(path.with_name(path.name + ".imported"))
            counts["files"] += 1
            counts["items"] += len(items)
            logger.info("imported %d spilled items from %s", len(items), path)
    finally:
        engine.dispose()
    return counts


def _run_id(path: Path) -> int | None:
    """The crawl run that spilled the file (run-12.jsonl), so stored rows keep pointing at it."""
    try:
        return int(path.stem.removeprefix("run-"))
    except ValueError:
        return None
