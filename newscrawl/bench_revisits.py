"""`newscrawl bench revisits`: how many of the mirror's edits the nightly revisit schedule catches, and how late.

Plays `nights` nights of a mirror of `articles` articles (`MirrorSite(day=n)`: new articles, edits of young
and of old articles, removals), each crawled by the real spider in its own process with "now" pinned to
the mirror's day (NEWSCRAWL_NOW), no `full=1`, and a revisit budget (NEWSCRAWL_REVISIT_BUDGET, with no
minimum, so that the share is the whole budget). An edit made on day d is caught on the first night n >= d
at which a stored version of the article holds the edited text; its delay is n - d nights. Edits of the
last night count too (a delay of 0 if caught that night). Revisits per night are the night's 304s,
changed and unchanged refetches and removals.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newscrawl import db
from newscrawl.bench_memory import run_crawl
from newscrawl.mirror.server import MirrorServer
from newscrawl.mirror.site import MirrorSite

YOUNG_DAYS = 7  # an edit within a week of publication is one the ladder (1, 3, 7 days) is there to catch


def play(nights: int, articles: int, budget: str, seed: int = 11, workdir: Path | None = None, new_per_day: int | None = None) -> dict[str, object]:
    """One budget, `nights` nights; the figures of the summary line."""
    folder = Path(tempfile.mkdtemp(prefix="newscrawl-bench-revisits-", dir=workdir))
    try:
        database_url = f"sqlite:///{folder / 'archive.db'}"
        truths: list[dict[str, dict]] = []
        for day in range(nights):
            site = MirrorSite(articles=articles, seed=seed, day=day, new_per_day=new_per_day)
            with MirrorServer(site) as server:
                run_crawl(
                    server.base_url, database_url, folder / "warc", folder / f"night-{day}.log",
                    "-s", f"NEWSCRAWL_NOW={site.today.isoformat()}", "-s", f"NEWSCRAWL_REVISIT_BUDGET={budget}",
                    "-s", "NEWSCRAWL_REVISIT_BUDGET_MIN=0",
                )  # fmt: skip
                truths.append({row["article_key"]: row for row in site.truth_rows(server.base_url)})
        return tally(database_url, truths, nights, budget)
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # a night's WARC files and archive: tens of MB per budget


def tally(database_url: str, truths: list[dict[str, dict]], nights: int, budget: str) -> dict[str, object]:
    """Which of the nights' edits a stored version holds, and from which night on."""
    engine = db.make_engine(database_url)
    try:
        with Session(engine) as session:
            runs = list(session.scalars(select(db.CrawlRun).order_by(db.CrawlRun.id)))
            night_of_run: dict[int | None, int] = {run.id: night for night, run in enumerate(runs)}
            seen: dict[str, dict[str, int]] = {}  # article key -> body -> first night a version held it
            query = select(db.Article.article_key, db.ArticleVersion.body, db.ArticleVersion.run_id).join(db.Article)
            for key, body, run_id in session.execute(query):
                night = night_of_run.get(run_id, 0)
                seen.setdefault(key, {})
                seen[key][body] = min(night, seen[key].get(body, night))
            archived = session.scalar(select(func.count()).select_from(db.Article)) or 0
    finally:
        engine.dispose()
    edits, delays = 0, []
    old_edits, old_caught, old_bound = 0, 0, 0.0
    for key, row in truths[-1].items():
        for day in row.get("edited_on_days") or []:
            if day >= nights or key not in truths[day]:
                continue
            edits += 1
            caught = seen.get(key, {}).get(truths[day][key]["body"])
            if caught is not None and caught >= day:
                delays.append(caught - day)
            if is_old(row, day):
                old_edits += 1
                old_caught += caught is not None and caught >= day
                old_bound += best_chance(truths[day], day, nights, budget)
    revisits = [run.not_modified + run.articles_updated + run.articles_unchanged + run.removed for run in runs[1:]]
    return {
        "budget": budget, "edits": edits, "caught": len(delays), "median_delay": statistics.median(delays) if delays else None,
        "revisits": statistics.mean(revisits) if revisits else 0.0, "archived": archived,
        "old_edits": old_edits, "old_caught": old_caught, "old_bound": old_bound,
    }  # fmt: skip


def is_old(row: dict[str, Any], day: int) -> bool:
    """An edit of an article published over YOUNG_DAYS before it (or before the first night): nothing foretells it."""
    return day - int(row.get("first_published_day") or 0) > YOUNG_DAYS or not row.get("first_published_day")


def best_chance(truth: dict[str, dict], day: int, nights: int, budget: str) -> float:
    """The best chance any schedule has of catching an edit of a random old article made on `day`: the share of the old
    articles that the nights left (`day` to the last) can check at all, if every revisit went to them."""
    if not budget.endswith("%"):
        return 1.0
    old = sum(1 for row in truth.values() if is_old(row, day)) or 1
    checks = len(truth) * float(budget[:-1]) / 100 * (nights - day)
    return min(1.0, checks / old)


def caught_share_and_delay(result: dict[str, object]) -> tuple[float, str]:
    share = 100 * result["caught"] / result["edits"] if result["edits"] else 100.0  # type: ignore[operator]
    return share, "-" if result["median_delay"] is None else f"{result['median_delay']:g}"


def line(result: dict[str, object]) -> str:
    share, delay = caught_share_and_delay(result)
    return (
        f"edits caught {share:.0f}% ({result['caught']} of {result['edits']}), median delay {delay} nights, "
        f"revisits per night {result['revisits']:.1f} (budget {result['budget']} of {result['archived']} archived)"
    )


def old_edits_line(result: dict[str, object]) -> str:
    """Edits of old articles: caught, and how many any schedule would catch on average at most (best_chance summed)."""
    if not result["old_edits"]:
        return "no edit of an old article in these nights"
    bound = 100 * result["old_bound"] / result["old_edits"]  # type: ignore[operator]
    return (
        f"edits of old articles (over {YOUNG_DAYS} days after publication): caught {result['old_caught']} of {result['old_edits']}; "
        f"on average no schedule catches more than about {bound:.0f}% of them at this budget"
    )


def parse_budgets(text: str) -> tuple[str, ...]:
    """--budgets "2%,5%,10%" as its budgets."""
    return tuple(budget.strip() for budget in text.split(",") if budget.strip())


def bench_revisits(nights: int = 20, articles: int = 200, budgets: tuple[str, ...] = ("5%",), seed: int = 11, new_per_day: int | None = None) -> str:
    """A table of budget against edits caught and delay; the last line is the summary of the last budget."""
    results = [play(nights, articles, budget, seed, new_per_day=new_per_day) for budget in budgets]
    published = MirrorSite(articles=0, new_per_day=new_per_day).new_per_day if new_per_day is not None else max(2, articles // 10)
    rows = [
        f"{nights} nights of a {articles}-article mirror publishing {published} a day (seed {seed}), no full pass",
        "budget  edits caught  median delay  revisits/night  old articles' edits caught (most expected)",
    ]  # fmt: skip
    for result in results:
        share, delay = caught_share_and_delay(result)
        bound = f"{100 * result['old_bound'] / result['old_edits']:.0f}%" if result["old_edits"] else "-"  # type: ignore[operator]
        rows.append(
            f"{result['budget']:>6}  {share:5.0f}% ({result['caught']}/{result['edits']})  {delay:>12}  {result['revisits']:14.1f}"
            f"  {result['old_caught']}/{result['old_edits']} ({bound})"
        )  # fmt: skip
    rows.append(old_edits_line(results[-1]))
    rows.append(line(results[-1]))
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="newscrawl bench revisits", description=__doc__)
    parser.add_argument("--nights", type=int, default=20)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--budgets", default="5%", help="comma-separated budgets, e.g. 2%%,5%%,10%%")
    parser.add_argument("--new-per-day", type=int, default=None, help="articles the mirror publishes a day (default: a tenth of --articles)")
    args = parser.parse_args(argv)
    print(bench_revisits(args.nights, args.articles, parse_budgets(args.budgets), new_per_day=args.new_per_day))
    return 0


if __name__ == "__main__":
    sys.exit(main())
