"""Memory of an incremental crawl against archives of growing size: it must follow the night's work.

    bench_memory()                                   # -> a printable table (0, 300,000 and 1,000,000 archived)
    python -m newscrawl.bench_memory [--archived 0,300000,1000000] [--articles 400] [--seed 7]

For each archived count a scratch SQLite archive is built (migrated with newscrawl.migrate.upgrade) and
bulk-filled with that many synthetic OTHER articles: keys like `weifang/news/<id>` spread over the very
channels the mirror serves (the honest case: every per-channel or per-city query of the crawl sees them),
ids the mirror does not use, short bodies, and publish dates in 2001-2010, years before the mirror's, so
they are archived but never young. Then three crawls of a mirror of `articles` articles (MirrorSite +
MirrorServer) run, one a night, each as users run it, `python -m scrapy crawl yybnet -a base_url=... -s ...`
in a child process from the repo folder, with NEWSCRAWL_NOW pinned to the mirror's day:

- night 1 (mirror day 0): every mirror article is new; it is downloaded and stored.
- night 2 (mirror day 1): most links are archived (skipped), the day's new articles are stored.
- night 3 (mirror day 2): the measured incremental night, with everything a nightly run does: archived
  links skipped, list walks stopped early, new articles stored, and the young articles of night 2
  revisited conditionally (304, a new version, or 404 -> removed).

The figure reported is night 3's peak RSS against the same nights on an empty archive (every night
is printed). Peak RSS is the crawl process's own VmHWM (see run_crawl: not ru_maxrss, which a vforked
child inherits from its parent), so every crawl is measured alone; the mirror server runs in this
process and is not counted. The archive's fill is not timed into the crawl seconds. Synthetic articles have no article_versions rows:
a crawl never reads other articles' versions.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from newscrawl import db
from newscrawl.migrate import upgrade
from newscrawl.mirror.server import MirrorServer
from newscrawl.mirror.site import MirrorSite
from newscrawl.yybnet import DEFAULT_BASE_URL, channel_name, known_channels

REPO = Path(__file__).resolve().parent.parent
FILL_CHUNK = 20_000
NOT_DUE = datetime(2100, 1, 1, tzinfo=UTC)  # synthetic articles count as checked: none falls due during the nights
OLD_START = datetime(2001, 1, 1, tzinfo=UTC)  # synthetic articles: 2001-2010, never young
OLD_SPAN_DAYS = 10 * 365
DAYS = (0, 1, 2)  # one crawl a night; the last is the one measured
STAT_NAMES = ("incremental/skipped", "incremental/revisited", "store/not_modified", "downloader/request_count", "item_scraped_count")


@dataclass
class Crawl:
    peak_rss_mb: float
    seconds: float
    stats: dict[str, int] = field(default_factory=dict)


@dataclass
class Row:
    archived: int
    fill_seconds: float
    nights: list[Crawl]


def fill_archive(database_url: str, count: int, taken_keys: set[str], seed: int = 0) -> None:
    """Insert `count` synthetic old articles of the mirror's channels, in chunks of plain dicts (executemany)."""
    if count <= 0:
        return
    rng = random.Random(seed)
    channels = known_channels()
    engine = db.make_engine(database_url)
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA synchronous=OFF")
            number, made = 10_000_000, 0
            rows: list[dict[str, Any]] = []
            while made < count:
                number += 1
                city, channel = channels[number % len(channels)]
                key = f"{city}/{channel}/{number}"
                if key in taken_keys:
                    continue
                made += 1
                published = OLD_START + timedelta(minutes=rng.randrange(OLD_SPAN_DAYS * 24 * 60))
                url = f"{DEFAULT_BASE_URL}/{city}/{channel}/{published:%Y%m}/{number}.html"
                body = f"第{number}号稿件。旧闻一则，正文从略。"
                rows.append({
                    "article_key": key, "url": url, "canonical_url": url, "city": city, "channel": channel_name(city, channel),
                    "breadcrumbs": [], "title": f"旧闻{number}", "subtitle": None, "source": "地方网",
                    "published_at": published, "published_at_raw": f"{published:%Y-%m-%d %H:%M}", "byline": None,
                    "authors": [], "editors": [], "body": body, "images": [],
                    "content_hash": hashlib.sha256(body.encode()).hexdigest(), "reprint_of_id": None,
                    "crawled_at": published + timedelta(hours=1), "first_seen_at": published + timedelta(hours=1),
                    "last_seen_at": published + timedelta(hours=1), "first_run_id": None, "last_run_id": None,
                    "version": 1, "changed_at": None, "removed_at": None, "etag": f'"{number:x}"',
                    "next_check_at": NOT_DUE,
                    "last_modified": f"{published:%a, %d %b %Y %H:%M:%S} GMT", "warc_file": None, "warc_offset": None,
                })  # fmt: skip
                if len(rows) >= FILL_CHUNK:
                    db.insert_articles(connection, rows)
                    rows = []
            if rows:
                db.insert_articles(connection, rows)
    finally:
        engine.dispose()


# Runs `python -m scrapy ...` and, at exit, writes the process's own VmHWM (peak RSS, KiB) to argv[1].
HWM_WRAPPER = """
import atexit, runpy, sys
report = sys.argv.pop(1)

def write_peak():
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(report, "w") as out:
        out.write(peak)

atexit.register(write_peak)
sys.argv[0] = "scrapy"
runpy.run_module("scrapy", run_name="__main__", alter_sys=True)
"""


def vm_hwm_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError):  # gone, or a zombie without memory
        return None


def run_crawl(base_url: str, database_url: str, warc_dir: Path, log_path: Path, *args: str, timeout: float = 1800) -> Crawl:
    """One crawl in a fresh child process; its own peak RSS (VmHWM), seconds and a few stats.

    Not ru_maxrss: a child started by vfork and exec counts the parent's peak RSS in it (Linux keeps the
    larger of the two at exec), and this parent has just filled the archive. VmHWM belongs to the crawl's
    own memory map: the child writes it at exit, and it is polled meanwhile in case the child cannot.
    """
    report = log_path.with_suffix(".peak")
    command = [
        sys.executable, "-c", HWM_WRAPPER, str(report), "crawl", "yybnet", "-a", f"base_url={base_url}",
        "-s", f"NEWSCRAWL_DATABASE_URL={database_url}", "-s", f"NEWSCRAWL_WARC_DIR={warc_dir}", "-s", "LOG_LEVEL=INFO",
        "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", *args,
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != db.DATABASE_URL_ENV}
    started, polled = time.monotonic(), 0
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        while process.poll() is None:
            polled = max(polled, vm_hwm_kib(process.pid) or 0)
            if time.monotonic() - started > timeout:
                process.kill()
                process.wait()
                break
            time.sleep(0.05)
    seconds = time.monotonic() - started
    output = log_path.read_text(encoding="utf-8", errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"crawl failed ({process.returncode}), log {log_path}:\n{output[-4000:]}")
    peak = max(polled, int(report.read_text()) if report.exists() else 0)
    stats = {name: int(m[1]) for name in STAT_NAMES if (m := re.search(rf"'{re.escape(name)}': (\d+)", output))}
    return Crawl(peak / 1024, seconds, stats)


def measure(archived: int, articles: int = 400, seed: int = 7, workdir: Path | None = None, log=print) -> Row:
    """Fill a scratch archive with `archived` other articles, then crawl the mirror on days 0, 1 and 2."""
    folder = Path(tempfile.mkdtemp(prefix=f"bench-memory-{archived}-", dir=workdir))
    try:
        database_url = f"sqlite:///{folder / 'archive.db'}"
        upgrade(database_url)
        sites = [MirrorSite(articles=articles, seed=seed, day=day) for day in DAYS]
        taken = {a.ref.key for site in sites for a in site.articles} | {k for site in sites for k in site.removed_keys()}
        started = time.monotonic()
        fill_archive(database_url, archived, taken, seed)
        fill_seconds = time.monotonic() - started
        log(f"  {archived:>9,} archived: filled in {fill_seconds:.0f} s")
        nights = []
        for night, site in enumerate(sites, 1):
            with MirrorServer(site) as server:
                crawl = run_crawl(
                    server.base_url, database_url, folder / "warc", folder / f"night{night}.log",
                    "-s", f"NEWSCRAWL_NOW={site.today.isoformat()}",
                )  # fmt: skip
            log(f"  {archived:>9,} archived: night {night} peak {crawl.peak_rss_mb:.1f} MB in {crawl.seconds:.1f} s {crawl.stats}")
            nights.append(crawl)
        return Row(archived, fill_seconds, nights)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def format_table(rows: list[Row], articles: int) -> str:
    """One line per archive size: each night's peak RSS, the last night's delta against the empty archive."""
    base = next((r for r in rows if r.archived == 0), rows[0])
    last = len(base.nights)
    night_heads = " ".join(f"{f'night {n} MB':>10}" for n in range(1, last + 1))
    lines = [
        f"incremental crawl of a {articles}-article mirror, one crawl a night; night {last} is the measured one",
        f"{'archived':>10} {night_heads} {'delta MB':>9} {'night ' + str(last) + ' s':>9} {'skipped':>8} {'revisited':>9}",
    ]
    for row in rows:
        measured = row.nights[-1]
        delta = measured.peak_rss_mb - base.nights[-1].peak_rss_mb
        peaks = " ".join(f"{night.peak_rss_mb:>10.1f}" for night in row.nights)
        lines.append(
            f"{row.archived:>10} {peaks} {delta:>+9.1f} {measured.seconds:>9.1f}"
            f" {measured.stats.get('incremental/skipped', 0):>8} {measured.stats.get('incremental/revisited', 0):>9}"
        )  # fmt: skip
    parts = []
    for row in rows:
        text = f"{row.archived} archived {row.nights[-1].peak_rss_mb:.0f} MB"
        if row is not base:
            text += f" ({row.nights[-1].peak_rss_mb - base.nights[-1].peak_rss_mb:+.0f} MB)"
        parts.append(text)
    lines.append("incremental crawl peak RSS: " + ", ".join(parts))
    return "\n".join(lines)


def bench_memory(
    archived_counts: tuple[int, ...] = (0, 300_000, 1_000_000), articles: int = 400, seed: int = 7,
    workdir: Path | None = None, log=print,
) -> str:  # fmt: skip
    """Peak RSS of the incremental night against archives of each size; returns the printable table."""
    rows = [measure(count, articles, seed, workdir, log) for count in archived_counts]
    return format_table(rows, articles)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archived", default="0,300000,1000000", help="comma-separated archive sizes (0 is the baseline)")
    parser.add_argument("--articles", type=int, default=400, help="articles of the mirror")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=None, help="where scratch archives go (default: the temp folder)")
    options = parser.parse_args(argv)
    counts = tuple(int(n) for n in options.archived.split(",") if n.strip())
    print(bench_memory(counts, options.articles, options.seed, options.workdir), flush=True)


if __name__ == "__main__":
    main()
