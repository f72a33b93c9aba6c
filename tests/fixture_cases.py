"""Golden page fixtures: tests/fixtures/<case>/{page.html (raw bytes), meta.json, expected.json}."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import HtmlResponse

from newscrawl.pages import decode_page, extract_page

FIXTURES = Path(__file__).parent / "fixtures"


def cases() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if (p / "page.html").exists())


def extract_case(case: Path) -> dict[str, Any]:
    """Decode the raw bytes as the crawl does (a Scrapy response with the saved Content-Type), then extract."""
    meta = json.loads((case / "meta.json").read_text(encoding="utf-8"))
    response = HtmlResponse(url=meta["url"], body=(case / "page.html").read_bytes(), headers={"Content-Type": meta.get("content_type", "text/html")})
    return extract_page(response.text, response.url).to_json()


def expected(case: Path) -> dict[str, Any]:
    return json.loads((case / "expected.json").read_text(encoding="utf-8"))


# ---- The prediction snapshot: every labelled set's extraction, hashed, to prove a refactor changes nothing.
# `python tests/regen_fixtures.py --predictions` rewrites it after a reviewed change; tests/test_predictions.py
# recomputes every prediction and names the page and the field that changed.

PREDICTIONS = Path(__file__).parent / "predictions.json"
# shared/eval/real beside the checkout (third-party pages: never committed, only hashes of the answers)
# shared/eval/real beside the checkout, or where NEWSCRAWL_EVAL_DIR says (CI sets it: absent is then a failure).
REAL_SET = Path(os.environ.get("NEWSCRAWL_EVAL_DIR") or Path(__file__).resolve().parents[2] / "shared" / "eval" / "real")
# the third labelled set (issue 11), committed in the repository: eval/third
THIRD_SET = Path(__file__).resolve().parents[1] / "eval" / "third"
# a fixed clock, so a year-less or relative time on a page reads the same on every run
SNAPSHOT_NOW = datetime(2026, 1, 1, 12, 0, tzinfo=timezone(timedelta(hours=8)))
MIRROR_ARTICLES, MIRROR_SEED = 200, 0


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def digest(value: Any) -> str:
    return hashlib.sha256(canonical(value).encode("utf-8")).hexdigest()


def _answer(markup: str, url: str | None) -> dict[str, Any]:
    try:
        return extract_page(markup, url, crawled_at=SNAPSHOT_NOW).to_json()
    except ValueError as error:  # an empty page is an answer too
        return {"error": f"{type(error).__name__}: {error}"}


def real_predictions(root: Path = REAL_SET, prefix: str = "real") -> dict[str, dict[str, Any]]:
    """A labelled set (shared/eval/real by default) as `newscrawl extract --manifest` reads it (decode_page, then extract_page)."""
    out = {}
    for line in (root / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            label = json.loads(line)
            out[f"{prefix}/{label['id']}"] = _answer(decode_page((root / label["path"]).read_bytes()), label.get("url"))
    return out


def third_predictions() -> dict[str, dict[str, Any]]:
    return real_predictions(THIRD_SET, "third")


def fixture_predictions() -> dict[str, dict[str, Any]]:
    out = {}
    for case in cases():
        meta = json.loads((case / "meta.json").read_text(encoding="utf-8"))
        response = HtmlResponse(
            url=meta["url"], body=(case / "page.html").read_bytes(), headers={"Content-Type": meta.get("content_type", "text/html")}
        )
        out[f"fixture/{case.name}"] = _answer(response.text, response.url)
    return out


def mirror_predictions() -> dict[str, dict[str, Any]]:
    """The mirror's article pages (with variations), through the yybnet page object and through the generic
    extractor alone (no URL), so both paths are pinned."""
    from newscrawl.mirror.site import MirrorSite
    from newscrawl.yybnet import DEFAULT_BASE_URL

    site = MirrorSite(articles=MIRROR_ARTICLES, seed=MIRROR_SEED, variations=True)
    host = {"Host": urlsplit(DEFAULT_BASE_URL).netloc}
    out = {}
    for row in site.truth_rows(DEFAULT_BASE_URL):
        response = site.respond("GET", urlsplit(row["url"]).path, host)
        markup = decode_page(response.body)
        out[f"mirror/{row['article_key']}"] = _answer(markup, row["url"])
        out[f"mirror-generic/{row['article_key']}"] = _answer(markup, None)
    return out


def all_predictions(real: bool = True) -> dict[str, dict[str, Any]]:
    found = fixture_predictions() | mirror_predictions() | third_predictions()
    return found | real_predictions() if real else found


def snapshot_of(predictions: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per page: the SHA-256 of the whole prediction's canonical JSON, and a short hash per field."""
    return {
        page: {"sha256": digest(answer), "fields": {name: digest(value)[:12] for name, value in sorted(answer.items())}}
        for page, answer in sorted(predictions.items())
    }


def compare_snapshot(want: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """One line per difference: a page missing or new, or a page and the fields whose prediction changed."""
    problems = []
    for page in sorted(set(want) | set(got)):
        if page not in got:
            problems.append(f"{page}: in the snapshot, not predicted")
        elif page not in want:
            problems.append(f"{page}: predicted, not in the snapshot")
        elif want[page]["sha256"] != got[page]["sha256"]:
            old, new = want[page]["fields"], got[page]["fields"]
            changed = sorted(name for name in set(old) | set(new) if old.get(name) != new.get(name))
            problems.append(f"{page}: changed {', '.join(changed)}")
    return problems
