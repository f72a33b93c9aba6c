"""Extraction from saved pages (the `newscrawl extract` command and shared/eval/score.py's contract)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newscrawl.pages import decode_page, extract_page

logger = logging.getLogger(__name__)


def extract_file(path: Path, url: str | None = None) -> dict[str, Any]:
    """The item of one saved page as a JSON-ready dict."""
    markup = decode_page(path.read_bytes())
    return extract_page(markup, url).to_json()


def extract_manifest(manifest: Path) -> Iterator[dict[str, Any]]:
    """One answer per manifest line; a page that fails gives {"id", "error"} and the rest go on."""
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        entry: dict[str, Any] = {}
        try:
            entry = json.loads(line)
            answer = extract_file(Path(entry["path"]), entry.get("url"))
        except Exception as error:  # noqa: BLE001 - one bad line or page costs its answer, not the run
            logger.error("manifest line %d (%s): %s: %s", number, entry.get("path"), type(error).__name__, error)
            yield {"id": entry.get("id"), "error": f"{type(error).__name__}: {error}"}
            continue
        yield {"id": entry.get("id"), **answer}
