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
import statistics
import sys
import tempfile
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newscrawl import db
from newscrawl.bench_memory import run_crawl
from newscrawl.mirror.server import MirrorServer
from newscrawl.mirror.site import MirrorSite


def play(nights: int, articles: int, budget: str, seed: int = 11, workdir: Path | None = None) -> dict[str, object]:
    """One budget, `nights` nights; the figures of the summary line."""
    folder = Path(tempfile.mkdtemp(prefix="newscrawl-bench-revisits-", dir=workdir))
    database_url = f"sqlite:///{folder / 'archive.db'}"
    truths: list[dict[str, dict]] = []
    for day in range(nights):
        site = MirrorSite(articles=articles, seed=seed, day=day)
        with MirrorServer(site) as server:
            run_crawl(
                server.base_url, database_url, folder / "warc", folder / f"night-{day}.log",
                "-s", f"NEWSCRAWL_NOW={site.today.isoformat()}", "-s", f"NEWSCRAWL_REVISIT_BUDGET={budget}",
                "-s", "NEWSCRAWL_REVISIT_BUDGET_MIN=0",
            )  # fmt: skip
            truths.append({row["article_key"]: row for row in site.truth_rows(server.base_url)})
    engine = db.make_engine(database_url)
    try:
        with Session(engine) as session:
            runs = list(session.scalars(select(db.CrawlRun).order_by(db.CrawlRun.id)))
            night_of_run = {run.id: night for night, run in enumerate(runs)}
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
    last = truths[-1]
    for key, row in last.items():
        for day in row.get("edited_on_days") or []:
            if day >= nights or key not in truths[day]:
                continue
            edits += 1
            caught = seen.get(key, {}).get(truths[day][key]["body"])
            if caught is not None and caught >= day:
                delays.append(caught - day)
    revisits = [run.not_modified + run.articles_updated + run.articles_unchanged + run.removed for run in runs[1:]]
    return {
        "budget": budget, "edits": edits, "caught": len(delays), "median_delay": statistics.median(delays) if delays else None,
        "revisits": statistics.mean(revisits) if revisits else 0.0, "archived": archived,
    }  # fmt: skip


def caught_share_and_delay(result: dict[str, object]) -> tuple[float, str]:
    share = 100 * result["caught"] / result["edits"] if result["edits"] else 100.0  # type: ignore[operator]
    return share, "-" if result["median_delay"] is None else f"{result['median_delay']:g}"


def line(result: dict[str, object]) -> str:
    share, delay = caught_share_and_delay(result)
    return (
        f"edits caught {share:.0f}% ({result['caught']} of {result['edits']}), median delay {delay} nights, "
        f"revisits per night {result['revisits']:.1f} (budget {result['budget']} of {result['archived']} archived)"
    )


def bench_revisits(nights: int = 20, articles: int = 200, budgets: tuple[str, ...] = ("5%",), seed: int = 11) -> str:
    """A table of budget against edits caught and delay; the last line is the summary of the last budget."""
    results = [play(nights, articles, budget, seed) for budget in budgets]
    rows = [f"{nights} nights of a {articles}-article mirror (seed {seed}), no full pass", "budget  edits caught  median delay  revisits/night"]
    for result in results:
        share, delay = caught_share_and_delay(result)
        rows.append(f"{result['budget']:>6}  {share:5.0f}% ({result['caught']}/{result['edits']})  {delay:>12}  {result['revisits']:14.1f}")
    rows.append(line(results[-1]))
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="newscrawl bench revisits", description=__doc__)
    parser.add_argument("--nights", type=int, default=20)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--budgets", default="5%", help="comma-separated budgets, e.g. 2%%,5%%,10%%")
    args = parser.parse_args(argv)
    print(bench_revisits(args.nights, args.articles, tuple(b.strip() for b in args.budgets.split(",") if b.strip())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
