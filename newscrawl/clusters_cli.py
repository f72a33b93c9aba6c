"""`newscrawl clusters rebuild|measure`: derive the story clusters again, or measure how well they match the mirror.

`measure` clusters the pages of a generated mirror with variations (edited reprints, look-alike stories of one
column; newscrawl.mirror.content.add_variations) as `apply` would, for several shingle lengths and thresholds,
and prints the pairwise precision and recall against the mirror's story ids. newscrawl.clusters.SCHEME holds
the figures chosen from it.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from itertools import combinations
from pathlib import Path

from newscrawl.indexes import Text

SHINGLES = (2, 3, 4, 5, 6)
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the `newscrawl` parser."""
    clusters = commands.add_parser("clusters", help="story clusters: copies of one story, edited or not (newscrawl.clusters)")
    actions = clusters.add_subparsers(title="actions", required=True)

    rebuild = actions.add_parser("rebuild", help="derive every article's cluster again from the rows")
    rebuild.add_argument("--db", help="SQLAlchemy URL (default: $NEWSCRAWL_DATABASE_URL or sqlite:///data/newscrawl.db)")
    rebuild.set_defaults(run=cmd_rebuild)

    measure = actions.add_parser("measure", help="pairwise precision/recall against the mirror's story ids, per shingle length and threshold")
    measure.add_argument("--articles", type=int, default=400, help="mirror size (variations come on top)")
    measure.add_argument("--seeds", default="1,2,3", help="mirror seeds, comma-separated; the figures are over all of them")
    measure.add_argument("--shingles", default=",".join(map(str, SHINGLES)), help="shingle lengths in characters")
    measure.add_argument("--thresholds", default=",".join(map(str, THRESHOLDS)), help="least estimated Jaccard similarities")
    measure.add_argument("--timing", action="store_true", help="also time the chosen scheme's incremental update per article (temporary SQLite)")
    measure.set_defaults(run=cmd_measure)


def cmd_rebuild(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from newscrawl import clusters, db

    engine = db.make_engine(db.database_url(args.db))
    try:
        started = time.perf_counter()
        clusters.rebuild(engine)
        with engine.connect() as connection:
            members = connection.scalar(select(func.count()).select_from(db.StoryMember))
            count = connection.scalar(select(func.count(func.distinct(db.StoryMember.cluster_id))))
    finally:
        engine.dispose()
    print(f"{members} articles in {count} story clusters ({time.perf_counter() - started:.1f} s)")
    return 0


def mirror_pages(articles: int, seed: int) -> list[tuple[str, Text]]:
    """(story id, text as the extractor gives it) of every page of a mirror with variations."""
    from newscrawl.mirror.site import MirrorSite

    rows = MirrorSite(articles=articles, seed=seed, variations=True).truth_rows("http://mirror/")
    return [(row["story"], Text(row["title"], row["body"])) for row in rows]


def pairwise(predicted: list[int], truth: list[str]) -> tuple[int, int, int]:
    """(pairs in both, pairs predicted, pairs true) of a clustering over the same items as `truth`."""
    same_predicted = same_true = both = 0
    for i, j in combinations(range(len(truth)), 2):
        p, t = predicted[i] == predicted[j], truth[i] == truth[j]
        same_predicted += p
        same_true += t
        both += p and t
    return both, same_predicted, same_true


def precision_recall(both: int, predicted: int, true: int) -> tuple[float, float]:
    return (both / predicted if predicted else 1.0), (both / true if true else 1.0)


def measure(articles: int, seeds: list[int], shingles: list[int], thresholds: list[float]) -> list[dict]:
    """One row per (shingle, threshold): precision and recall over every seed's mirror, pooled by pairs."""
    from newscrawl.clusters import Scheme, components, signature

    mirrors = [mirror_pages(articles, seed) for seed in seeds]
    results = []
    for k in shingles:
        signed = [[signature(item, Scheme(k, 0.5)) for _, item in pages] for pages in mirrors]
        for threshold in thresholds:
            scheme = Scheme(k, threshold)
            tp = predicted = true = 0
            for pages, sigs in zip(mirrors, signed, strict=True):
                found = components(dict(enumerate(sigs)), scheme)
                b, p, t = pairwise([found[i] for i in range(len(pages))], [story for story, _ in pages])
                tp, predicted, true = tp + b, predicted + p, true + t
            precision, recall = precision_recall(tp, predicted, true)
            results.append({
                "shingle": k, "threshold": threshold, "bands": scheme.bands, "precision": precision, "recall": recall,
                "pairs_found": predicted, "pairs_true": true,
            })  # fmt: skip
    return results


def time_updates(pages: list[tuple[str, Text]], batch: int = 50) -> float:
    """Seconds per article of the incremental update (`update_clusters`, as `apply` runs it) on a temporary SQLite archive."""
    from newscrawl import clusters, db, migrate

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'timing.db'}"
        migrate.upgrade(url)
        engine = db.make_engine(url)
        try:
            spent = 0.0
            for start in range(0, len(pages), batch):
                arriving = {start + n + 1: item for n, (_, item) in enumerate(pages[start : start + batch])}
                with engine.begin() as connection:
                    began = time.perf_counter()
                    clusters.update_clusters(connection, set(), arriving)
                    spent += time.perf_counter() - began
        finally:
            engine.dispose()
    return spent / len(pages)


def cmd_measure(args: argparse.Namespace) -> int:
    from newscrawl.clusters import SCHEME

    seeds = [int(s) for s in args.seeds.split(",")]
    shingles = [int(s) for s in args.shingles.split(",")]
    thresholds = [float(t) for t in args.thresholds.split(",")]
    print(f"mirror: {args.articles} articles + variations, seeds {seeds}; chosen: shingle {SCHEME.shingle}, threshold {SCHEME.threshold}")
    print(f"{'shingle':>7} {'threshold':>9} {'bands':>7} {'precision':>9} {'recall':>7} {'pairs found':>11} {'pairs true':>10}")
    for row in measure(args.articles, seeds, shingles, thresholds):
        chosen = " *" if (row["shingle"], row["threshold"]) == (SCHEME.shingle, SCHEME.threshold) else ""
        bands = f"{row['bands'][0]}x{row['bands'][1]}"
        print(
            f"{row['shingle']:>7} {row['threshold']:>9.2f} {bands:>7} {row['precision']:>9.3f} {row['recall']:>7.3f}"
            f" {row['pairs_found']:>11} {row['pairs_true']:>10}{chosen}"
        )
    if args.timing:
        per_article = time_updates(mirror_pages(args.articles, seeds[0]))
        print(f"incremental update, chosen scheme, batches of 50 on SQLite: {per_article * 1000:.2f} ms per article")
    return 0
