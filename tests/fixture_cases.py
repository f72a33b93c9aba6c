"""Golden page fixtures: tests/fixtures/<case>/{page.html (raw bytes), meta.json, expected.json}."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scrapy.http import HtmlResponse

from newscrawl.pages import extract_page

FIXTURES = Path(__file__).parent / "fixtures"


def cases() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if (p / "page.html").exists())


def extract_case(case: Path) -> dict[str, Any]:
    """Decode the raw bytes as the crawl does (a Scrapy response with the saved Content-Type), then extract."""
    meta = json.loads((case / "meta.json").read_text(encoding="utf-8"))
    response = HtmlResponse(
        url=meta["url"], body=(case / "page.html").read_bytes(), headers={"Content-Type": meta.get("content_type", "text/html")}
    )
    return extract_page(response.text, response.url).to_json()


def expected(case: Path) -> dict[str, Any]:
    return json.loads((case / "expected.json").read_text(encoding="utf-8"))
