"""Benchmark newscrawl's generic extractor against trafilatura and GNE on a labelled page set.

    bench_extract(Path("shared/eval/real"))            # -> a printable table
    python -m newscrawl.bench shared/eval/real [--tools newscrawl,trafilatura,gne]

Every tool gets the same decoded text (newscrawl's `decode_html` of the raw bytes), so the charset
step is neither timed nor allowed to decide the comparison. Scores are computed exactly as the gold
set's `score.py` computes them: that file is loaded from beside the gold folder when present
(or from `score_path`), else from an identical copy below. A page's time is the fastest of `repeats`
extraction calls (the page already read and decoded), the tools taking turns page by page so that
whatever else the machine does falls on all of them; a tool's time is the median over the pages. Absolute times depend on the
machine, so each tool's median is also given as a ratio to the anchor tool's median measured in the
same run (column `× trafilatura`; `-` when the anchor was not run): compare speeds by that ratio.

How the other tools' outputs are mapped onto the LABELS fields:
- trafilatura (`bare_extraction(..., with_metadata=True, include_comments=False)`, htmldate asked for
  `%Y-%m-%d %H:%M:%S` with `original_date`): title, author (split on `;`/`,`) -> authors,
  sitename -> source, date -> published_at, text -> body.
  It has no subtitle or editors.
- GNE (`GeneralNewsExtractor().extract(html)`): title, author -> authors, publish_time -> published_at,
  content -> body. It has no subtitle, source or editors.
- Both return naive times; they are read as Beijing time (+08:00), which is what these pages show;
  a time of exactly 00:00:00 is htmldate's "no time known" and is answered as the date alone.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import statistics
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from newscrawl.extract.charset import decode_html

TOOLS = ("newscrawl", "trafilatura", "gne")
BENCH_EXTRA_HINT = "pip install -e .[bench]"
BEIJING = timezone(timedelta(hours=8))
NAIVE_TIME = re.compile(
    r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?"
)
# Ask htmldate (inside trafilatura) for the time of day too; its default output is the date alone.
TRAFILATURA_DATE_PARAMS = {"extensive_search": True, "original_date": True, "outputformat": "%Y-%m-%d %H:%M:%S"}
AUTHOR_SEPARATORS = re.compile(r"[;,，、；]\s*")
ANCHOR_TOOL = "trafilatura"  # speeds are reported as ratios to this tool's time in the same run
REPEATS = 3  # runs of each tool on each page; the fastest counts

Extractor = Callable[[str, "str | None"], dict[str, Any]]


# --- scoring: an identical copy of shared/eval/score.py, used only when that file is not found ---
class _Scoring:
    BEIJING = BEIJING
    TEXT_FIELDS = ("title", "subtitle", "source")
    NAME_FIELDS = ("authors", "editors")
    FIELDS = TEXT_FIELDS + ("published_at",) + NAME_FIELDS + ("body",)

    @staticmethod
    def norm(text):
        if text is None:
            return ""
        return "".join(unicodedata.normalize("NFKC", str(text)).split())

    @classmethod
    def f1(cls, gold: Counter, pred: Counter) -> float:
        if not gold and not pred:
            return 1.0
        common = sum((gold & pred).values())
        if not common:
            return 0.0
        p, r = common / sum(pred.values()), common / sum(gold.values())
        return 2 * p * r / (p + r)

    @classmethod
    def bigrams(cls, text):
        t = cls.norm(text)
        return Counter(t[i : i + 2] for i in range(len(t) - 1)) if len(t) > 1 else Counter(t)

    @classmethod
    def names(cls, value):
        if not value:
            return Counter()
        if isinstance(value, str):
            value = value.replace("、", " ").replace(",", " ").replace("，", " ").split()
        return Counter(cls.norm(v) for v in value if cls.norm(v))

    @classmethod
    def same_time(cls, gold, pred):
        if not gold:
            return not pred
        if not pred:
            return False
        try:
            answer = datetime.fromisoformat(str(pred).replace("Z", "+00:00"))
        except ValueError:
            return False
        if len(gold) == 10:
            if answer.tzinfo is None:
                return answer.date().isoformat() == gold
            return answer.astimezone(BEIJING).date().isoformat() == gold
        if answer.tzinfo is None:
            return False
        want = datetime.fromisoformat(gold)
        if want.second == 0 and len(gold) <= 22:
            answer = answer.replace(second=0, microsecond=0)
        return answer == want

    @classmethod
    def score_page(cls, gold, pred):
        out = {}
        for field in cls.TEXT_FIELDS:
            out[field] = float(cls.norm(gold.get(field)) == cls.norm(pred.get(field)))
        out["published_at"] = float(cls.same_time(gold.get("published_at"), pred.get("published_at")))
        for field in cls.NAME_FIELDS:
            out[field] = cls.f1(cls.names(gold.get(field)), cls.names(pred.get(field)))
        out["body"] = cls.f1(cls.bigrams(gold.get("body")), cls.bigrams(pred.get("body")))
        return out


def load_scoring(gold_dir: Path, score_path: Path | None = None) -> Any:
    """The scoring module: `score_path`, else `score.py` beside the gold folder, else the copy above."""
    for path in (score_path, gold_dir.parent / "score.py", gold_dir / "score.py"):
        if path is not None and Path(path).is_file():
            spec = importlib.util.spec_from_file_location("_newscrawl_bench_score", path)
            if spec and spec.loader:
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
                if hasattr(module, "score_page") and hasattr(module, "FIELDS"):
                    return module
    return _Scoring


# --- the tools, each mapped onto the LABELS fields ---
def _naive_time_to_iso(value: str | None) -> str | None:
    """A tool's naive time string as ISO 8601 in Beijing time; a date alone stays a date."""
    if not value:
        return None
    match = NAIVE_TIME.search(str(value))
    if not match:
        return None
    year, month, day, hour, minute, second = match.groups()
    try:
        if hour is None or (int(hour), int(minute), int(second or 0)) == (0, 0, 0):
            # no time, or htmldate's midnight placeholder for "time unknown": a date-only answer
            return datetime(int(year), int(month), int(day)).date().isoformat()
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0), tzinfo=BEIJING)
    except ValueError:
        return None
    return moment.isoformat()


def _split_authors(value: str | None) -> list[str]:
    if not value:
        return []
    return [part.strip() for part in AUTHOR_SEPARATORS.split(str(value)) if part.strip()]


def _newscrawl_tool() -> Extractor:
    from newscrawl.pages import extract_page  # what the product runs: yybnet pages get their page object

    def run(html: str, url: str | None) -> dict[str, Any]:
        return extract_page(html, url).to_json()

    return run


def _trafilatura_tool() -> Extractor:
    import trafilatura

    def run(html: str, url: str | None) -> dict[str, Any]:
        result = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, date_extraction_params=TRAFILATURA_DATE_PARAMS
        )
        if not result:
            return {}
        doc = result if isinstance(result, dict) else result.as_dict()
        return {
            "title": doc.get("title"),
            "subtitle": None,
            "source": doc.get("sitename"),
            "published_at": _naive_time_to_iso(doc.get("date")),
            "authors": _split_authors(doc.get("author")),
            "editors": [],
            "body": doc.get("text"),
        }

    return run


def _gne_tool() -> Extractor:
    from gne import GeneralNewsExtractor

    extractor = GeneralNewsExtractor()

    def run(html: str, url: str | None) -> dict[str, Any]:
        doc = extractor.extract(html)
        return {
            "title": doc.get("title"),
            "subtitle": None,
            "source": None,
            "published_at": _naive_time_to_iso(doc.get("publish_time")),
            "authors": _split_authors(doc.get("author")),
            "editors": [],
            "body": doc.get("content"),
        }

    return run


TOOL_FACTORIES: dict[str, Callable[[], Extractor]] = {
    "newscrawl": _newscrawl_tool,
    "trafilatura": _trafilatura_tool,
    "gne": _gne_tool,
}


def _load_tool(name: str) -> Extractor:
    if name not in TOOL_FACTORIES:
        raise ValueError(f"unknown tool {name!r}; choose from {', '.join(TOOLS)}")
    try:
        return TOOL_FACTORIES[name]()
    except ImportError as exc:
        raise SystemExit(f"bench: {name} is not installed ({exc}); install the benchmark extra: {BENCH_EXTRA_HINT}") from exc


def _read_pages(gold_dir: Path) -> list[tuple[dict[str, Any], str]]:
    labels_file = gold_dir / "labels.jsonl"
    if not labels_file.is_file():
        raise FileNotFoundError(f"no labels.jsonl in {gold_dir}")
    pages = []
    for line in labels_file.read_text(encoding="utf-8").splitlines():
        if line.strip():
            label = json.loads(line)
            html, _ = decode_html((gold_dir / label["path"]).read_bytes())
            pages.append((label, html))
    return pages


def bench_extract(gold_dir: Path, tools: list[str] | None = None, *, score_path: Path | None = None, repeats: int = REPEATS) -> str:
    """Run each tool on every labelled page of `gold_dir`; return a table of field means and ms/page."""
    gold_dir = Path(gold_dir)
    names = list(tools or TOOLS)
    extractors = {name: _load_tool(name) for name in names}
    scoring = load_scoring(gold_dir, score_path)
    pages = _read_pages(gold_dir)
    fields = list(scoring.FIELDS)

    # Tools take turns page by page, each page `repeats` times: background load falls on every tool alike,
    # and the fastest run of a page is its time (the others only add what the machine did meanwhile).
    per_field: dict[str, dict[str, list[float]]] = {name: {field: [] for field in fields} for name in names}
    best_ms: dict[str, list[float]] = {name: [] for name in names}
    crashes = Counter[str]()
    for label, html in pages:
        for name, run in extractors.items():
            times, pred = [], None
            for _ in range(max(1, repeats)):
                started = time.perf_counter()
                try:
                    pred = run(html, label.get("url")) or {}
                except Exception:  # noqa: BLE001 - a tool that crashes on a page scores zero there, and is counted
                    pred = None
                times.append((time.perf_counter() - started) * 1000)
            if pred is None:
                crashes[name] += 1
            best_ms[name].append(min(times))
            for field, value in scoring.score_page(label, pred or {}).items():
                per_field[name][field].append(value)
    rows = []
    for name in names:
        means = {field: sum(values) / len(values) if values else 0.0 for field, values in per_field[name].items()}
        rows.append((name, means, statistics.median(best_ms[name]) if best_ms[name] else 0.0, crashes[name]))

    anchor_ms = {name: median_ms for name, _, median_ms, _ in rows}.get(ANCHOR_TOOL)
    ratio_title = f"× {ANCHOR_TOOL}"
    header = f"{'tool':12s}" + "".join(f"{field:>13s}" for field in fields) + f"{'ms/page':>10s}{ratio_title:>15s}{'errors':>8s}"
    lines = [f"pages: {len(pages)}  gold: {gold_dir}", header, "-" * len(header)]
    for name, means, median_ms, failures in rows:
        lines.append(
            f"{name:12s}"
            + "".join(f"{means[field]:13.3f}" for field in fields)
            + f"{median_ms:10.1f}{speed_ratio(median_ms, anchor_ms):>15s}{failures:8d}"
        )
    return "\n".join(lines)


def speed_ratio(median_ms: float, anchor_ms: float | None) -> str:
    """A tool's median time as a multiple of the anchor's median in the same run: `0.42` (faster), `-`
    when the anchor was not run or took no measurable time."""
    if anchor_ms is None or anchor_ms <= 0:
        return "-"
    return f"{median_ms / anchor_ms:.2f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Benchmark newscrawl, trafilatura and GNE on labelled pages.")
    parser.add_argument("gold_dir", type=Path)
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated subset of: " + ", ".join(TOOLS))
    parser.add_argument("--score", type=Path, help="score.py to load (default: beside the gold folder)")
    parser.add_argument("--repeats", type=int, default=REPEATS, help=f"runs of each tool on each page, the fastest counts (default {REPEATS})")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error(f"--repeats: expected a whole number of at least 1, got {args.repeats}")
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    print(bench_extract(args.gold_dir, tools, score_path=args.score, repeats=args.repeats))


if __name__ == "__main__":
    main()
