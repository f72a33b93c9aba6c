"""Benchmark the whole crawl against bare Scrapy on a local pre-rendered mirror: pages/s, peak RSS, CPU per page.

    bench_crawl(1000, workers=2, postgres_url="postgresql+psycopg://postgres@127.0.0.1:5432/test",
                redis_url="redis://127.0.0.1:6379")                   # -> a printable table
    python -m newscrawl.bench_crawl --articles 1000 --workers 2 [--postgres-url URL] [--redis-url URL]

A mirror of N articles is served from its own process, every page rendered once before the first request
(`FastMirrorServer`), so that serving costs next to nothing. Then, one at a time, each in its own process:

- sqlite: `scrapy crawl yybnet -a full=1` into a fresh SQLite archive, WARC on (the product);
- bare scrapy: a spider that fetches exactly the URLs the SQLite crawl fetched, and does nothing else
  (no project settings, no parsing, no middlewares of ours, no pipelines);
- postgresql: the SQLite crawl again, into a fresh PostgreSQL database (created and dropped on the server);
- K workers: K `scrapy crawl yybnet` processes started together with the same NEWSCRAWL_REDIS_URL (a scratch
  Redis database) and the same PostgreSQL database: they are meant to share one run's work.

Every run has no politeness delay and the same concurrency (CONCURRENT_REQUESTS(_PER_DOMAIN) 16); bare Scrapy
also gets the project's SHARED_SETTINGS (user agent, CONCURRENT_ITEMS, LOG_LEVEL, timeout, retries), the
product runs get the project's settings as they are. `settings` (-s NAME=VALUE) go to every run, to try one.
For each run: pages fetched, seconds (crawl: spider opened to closed; wall: the whole process), pages/s over
the crawl seconds and their ratio to bare Scrapy, peak RSS (VmHWM of the crawl process, + its child processes
if it has any), CPU milliseconds per page of the crawl process with its children (an extraction pool), of the
crawl process alone, and of the mirror process, and how many cores the crawl and the mirror kept busy
together (where two cores are the limit, this shows it). A run that cannot be made says `n/a: why`.

Each crawl process loads `BenchStats` (an extension, added to the project's EXTENSIONS): it writes the URLs
it fetched and its counts to a JSON file named by NEWSCRAWL_BENCH_STATS_FILE when the spider closes.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals

REPO = Path(__file__).resolve().parent.parent
STATS_FILE_SETTING = "NEWSCRAWL_BENCH_STATS_FILE"
URLS_FILE_SETTING = "NEWSCRAWL_BENCH_URLS_FILE"
EXTENSION = "newscrawl.bench_crawl.BenchStats"
DEFAULT_ARTICLES = 1000  # about 1,130 pages: one bench run (four crawls) well under two minutes on 2 cores
CONCURRENCY = 16
NO_POLITENESS = {
    "DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "ROBOTSTXT_OBEY": "True",
    "CONCURRENT_REQUESTS": str(CONCURRENCY), "CONCURRENT_REQUESTS_PER_DOMAIN": str(CONCURRENCY),
}  # fmt: skip
# Settings of the project that bare Scrapy gets too (it runs without the project's settings otherwise).
SHARED_SETTINGS = ("USER_AGENT", "CONCURRENT_ITEMS", "LOG_LEVEL", "DOWNLOAD_TIMEOUT", "RETRY_TIMES")
RUN_TIMEOUT = 600
POSTGRES_ENV = ("NEWSCRAWL_BENCH_POSTGRES_URL", "NEWSCRAWL_TEST_POSTGRES_URL")
REDIS_ENV = ("NEWSCRAWL_BENCH_REDIS_URL", "NEWSCRAWL_TEST_REDIS_URL")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SAMPLE_SECONDS = 0.05
MIN_CHILD_SAMPLES = 3  # a child seen in fewer samples is a helper run between fork and exec, not a worker


# --- inside the crawl processes -------------------------------------------------------------------------
class BenchStats:
    """Writes what one crawl fetched (request URLs, in order) and its counts to NEWSCRAWL_BENCH_STATS_FILE."""

    def __init__(self, crawler: Any, path: str):
        self.crawler = crawler
        self.path = path
        self.urls: list[str] = []
        self.opened_at = self.opened_mono = 0.0
        self.first_response_at = self.last_response_at = 0.0
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> BenchStats:
        from scrapy.exceptions import NotConfigured

        path = crawler.settings.get(STATS_FILE_SETTING)
        if not path:
            raise NotConfigured(f"{STATS_FILE_SETTING} is not set")
        return cls(crawler, path)

    def spider_opened(self) -> None:
        self.opened_at, self.opened_mono = time.time(), time.monotonic()

    def response_received(self, response: Any, request: Any) -> None:
        self.urls.append(request.url)
        self.last_response_at = time.time()
        self.first_response_at = self.first_response_at or self.last_response_at

    def spider_closed(self, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        data = {
            "reason": reason, "opened_at": self.opened_at, "closed_at": time.time(),
            "first_response_at": self.first_response_at, "last_response_at": self.last_response_at,
            "elapsed": time.monotonic() - self.opened_mono, "pages": stats.get("response_received_count", 0),
            "self_cpu": _self_cpu(),
            "urls": self.urls,
            "stats": {k: v for k, v in stats.items() if isinstance(v, (int, float, str)) and not isinstance(v, bool)},
        }  # fmt: skip
        Path(self.path).write_text(json.dumps(data), encoding="utf-8")


def _self_cpu() -> float:
    """CPU seconds of this process alone (not of its child processes)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class BareSpider(scrapy.Spider):
    """Fetches the URLs listed in NEWSCRAWL_BENCH_URLS_FILE (one a line) and does nothing with the answers."""

    name = "bench_bare"

    async def start(self) -> Any:
        path = self.settings.get(URLS_FILE_SETTING)
        for url in Path(path).read_text(encoding="utf-8").split():
            yield scrapy.Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response: Any) -> None:
        return None


# --- measuring processes ---------------------------------------------------------------------------------
@dataclass
class Proc:
    """One finished process: wall seconds, CPU seconds (its reaped children included), peak RSS in MB."""

    returncode: int
    wall: float
    cpu: float
    rss_mb: float  # VmHWM of the process itself (sampled; ru_maxrss when the sampler saw nothing)
    children_rss_mb: float  # sum of the peak RSS of its child processes (an extraction pool), sampled
    stats: dict[str, Any] = field(default_factory=dict)
    log: Path | None = None


def _proc_children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(child) for child in handle.read().split()]
    except OSError:
        return found
    for child in list(found):
        found += _proc_children(child)
    return found


def _status_kb(pid: int, field_name: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(field_name):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """utime + stime of a live process, from /proc/PID/stat."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    except (OSError, ValueError, IndexError):
        return 0.0


class _Sampler(threading.Thread):
    """Peak VmHWM of a process and of each of its descendants, every SAMPLE_SECONDS while it runs."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.main_kb = 0
        self.children_kb: dict[int, int] = {}
        self.children_seen: dict[int, int] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_SECONDS):
            self.main_kb = max(self.main_kb, _status_kb(self.pid, "VmHWM:"))
            for child in _proc_children(self.pid):
                self.children_kb[child] = max(self.children_kb.get(child, 0), _status_kb(child, "VmHWM:"))
                self.children_seen[child] = self.children_seen.get(child, 0) + 1

    def children_peak_kb(self) -> int:
        return sum(kb for child, kb in self.children_kb.items() if self.children_seen[child] >= MIN_CHILD_SAMPLES)


def start_process(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> tuple[subprocess.Popen, _Sampler, float]:
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    sampler = _Sampler(process.pid)
    sampler.start()
    return process, sampler, time.monotonic()


def finish_process(process: subprocess.Popen, sampler: _Sampler, started: float, log: Path, stats_file: Path | None) -> Proc:
    deadline = started + RUN_TIMEOUT
    while True:  # os.wait4 gives the CPU time and the peak RSS of the process and of its reaped children
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            process.kill()
        time.sleep(0.02)
    wall = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    sampler.done.set()
    sampler.join()
    stats = {}
    if stats_file is not None and stats_file.is_file():
        stats = json.loads(stats_file.read_text(encoding="utf-8"))
    return Proc(
        returncode=process.returncode, wall=wall, cpu=usage.ru_utime + usage.ru_stime,
        rss_mb=(sampler.main_kb or usage.ru_maxrss) / 1024, children_rss_mb=sampler.children_peak_kb() / 1024,
        stats=stats, log=log,
    )  # fmt: skip


# --- the mirror, in its own process -------------------------------------------------------------------------
def serve_mirror(articles: int, seed: int = 0) -> None:
    """Serve a pre-rendered mirror; print its base URL; stop when stdin closes."""
    from newscrawl.mirror.server import FastMirrorServer
    from newscrawl.mirror.site import MirrorSite

    with FastMirrorServer(MirrorSite(articles=articles, seed=seed)) as server:
        print(server.base_url, len(server.pages), flush=True)
        sys.stdin.read()


class Mirror:
    def __init__(self, articles: int, seed: int = 0):
        command = [sys.executable, "-m", "newscrawl.bench_crawl", "--serve", "--articles", str(articles), "--seed", str(seed)]
        self.process = subprocess.Popen(command, cwd=REPO, env=_clean_env(True), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline().split() if self.process.stdout else []
        if not line:
            self.stop()
            raise RuntimeError("the mirror process did not start")
        self.base_url, self.pages = line[0], int(line[1])

    def cpu(self) -> float:
        return cpu_seconds(self.process.pid)

    def rss_mb(self) -> float:
        return _status_kb(self.process.pid, "VmHWM:") / 1024

    def stop(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()


# --- the runs -----------------------------------------------------------------------------------------------
@dataclass
class Row:
    name: str
    procs: list[Proc] = field(default_factory=list)
    mirror_cpu: float = 0.0
    na: str | None = None  # "n/a" reason
    pages: int = 0
    seconds: float = 0.0  # spider opened to closed (for workers: first opened to last closed)
    wall: float = 0.0

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds > 0 else 0.0


def _settings_args(settings: dict[str, str]) -> list[str]:
    return [arg for name, value in settings.items() for arg in ("-s", f"{name}={value}")]


def _extensions_setting() -> str:
    """The project's EXTENSIONS plus BenchStats, as JSON for -s (a -s replaces the project's dict, so merge)."""
    extensions = {}
    for key, order in _project_settings().getdict("EXTENSIONS").items():
        name = key if isinstance(key, str) else f"{key.__module__}.{key.__qualname__}"
        extensions[name] = order
    extensions[EXTENSION] = 0
    return json.dumps(extensions)


def _clean_env(project: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSCRAWL_DATABASE_URL", "NEWSCRAWL_REDIS_URL")}
    if not project:
        env.pop("SCRAPY_SETTINGS_MODULE", None)
    # This checkout's code in every process, whatever else is installed (the bare run has another cwd).
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    return env


def _crawl_command(base_url: str, database_url: str, work: Path, tag: str, extensions: str, extra: dict[str, str] | None = None) -> list[str]:
    settings = {
        **NO_POLITENESS, "NEWSCRAWL_DATABASE_URL": database_url, "NEWSCRAWL_WARC_DIR": str(work / f"warc-{tag}"),
        "NEWSCRAWL_SPILL_DIR": str(work / f"spill-{tag}"), "EXTENSIONS": extensions,
        STATS_FILE_SETTING: str(work / f"stats-{tag}.json"), **(extra or {}),
    }  # fmt: skip
    return [sys.executable, "-m", "scrapy", "crawl", "yybnet", "-a", f"base_url={base_url}", "-a", "full=1", *_settings_args(settings)]


def _failure(proc: Proc) -> str | None:
    """Why a crawl process did not finish properly, or None."""
    if proc.returncode != 0:
        tail = proc.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:] if proc.log else []
        return f"exit status {proc.returncode}" + (f" ({tail[0][:160]})" if tail else "")
    if not proc.stats:
        return "no stats written (the BenchStats extension did not run)"
    if proc.stats.get("reason") != "finished":
        return f"finish reason {proc.stats.get('reason')}"
    return None


def _single(name: str, command: list[str], cwd: Path, env: dict[str, str], work: Path, tag: str, mirror: Mirror) -> Row:
    before = mirror.cpu()
    log = work / f"{tag}.log"
    process, sampler, started = start_process(command, cwd, env, log)
    proc = finish_process(process, sampler, started, log, work / f"stats-{tag}.json")
    row = Row(name, [proc], mirror_cpu=mirror.cpu() - before, wall=proc.wall)
    if (reason := _failure(proc)) is not None:
        row.na = reason
        return row
    row.pages = int(proc.stats["pages"])
    row.seconds = float(proc.stats["elapsed"])
    return row


def _workers(k: int, base_url: str, pg_url: str, redis_url: str, work: Path, extensions: str, mirror: Mirror, extra: dict[str, str]) -> Row:
    row = Row(f"{k} workers (redis+pg)")
    before = mirror.cpu()
    started_all = time.monotonic()
    running = []
    for n in range(1, k + 1):
        tag = f"worker{n}"
        command = _crawl_command(base_url, pg_url, work, tag, extensions, {**extra, "NEWSCRAWL_REDIS_URL": redis_url})
        running.append((tag, *start_process(command, REPO, _clean_env(project=True), work / f"{tag}.log")))
    row.procs = [finish_process(p, s, t, work / f"{tag}.log", work / f"stats-{tag}.json") for tag, p, s, t in running]
    row.wall = time.monotonic() - started_all
    row.mirror_cpu = mirror.cpu() - before
    reasons = [f"worker {n}: {reason}" for n, proc in enumerate(row.procs, 1) if (reason := _failure(proc))]
    if reasons:
        row.na = "; ".join(reasons)
        return row
    row.pages = sum(int(proc.stats["pages"]) for proc in row.procs)
    row.seconds = max(p.stats["closed_at"] for p in row.procs) - min(p.stats["opened_at"] for p in row.procs)
    urls = [url for proc in row.procs for url in proc.stats["urls"] if urlsplit(url).path != "/robots.txt"]
    if k > 1 and len(urls) > 1.2 * len(set(urls)):
        row.na = (
            f"the workers did not share the work: {len(urls)} pages fetched for {len(set(urls))} distinct URLs "
            "(is NEWSCRAWL_REDIS_URL supported yet?)"
        )
    return row


def _scratch_postgres(server_url: str) -> tuple[str, Any]:
    """A fresh database on the server: (its URL, a function that drops it)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"newscrawl_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(server_url).set(database=name).render_as_string(hide_password=False), drop


def _scratch_redis(server_url: str) -> tuple[str, Any]:
    """An empty database number on the Redis server: (its URL, a function that empties it again)."""
    import redis

    parts = urlsplit(server_url)
    for number in range(15, 0, -1):
        client = redis.Redis.from_url(f"{parts.scheme}://{parts.netloc}/{number}")
        if client.dbsize() == 0:

            def flush(client: Any = client) -> None:
                client.flushdb()
                client.close()

            return f"{parts.scheme}://{parts.netloc}/{number}", flush
        client.close()
    raise RuntimeError(f"no empty database number on {server_url}")


def _from_env(names: tuple[str, ...]) -> str | None:
    return next((os.environ[name] for name in names if os.environ.get(name)), None)


# --- the table ----------------------------------------------------------------------------------------------
def _ms(cpu: float, pages: int) -> str:
    return f"{1000 * cpu / pages:.2f}" if pages else "-"


def _rss(proc: Proc) -> str:
    return f"{proc.rss_mb:.0f}" + (f"+{proc.children_rss_mb:.0f}" if proc.children_rss_mb else "")


def format_table(rows: list[Row], articles: int, mirror_pages: int, mirror_rss: float, settings: dict[str, str] | None = None) -> str:
    bare = next((r for r in rows if r.name == "bare scrapy" and not r.na), None)
    header = (
        f"{'run':22s}{'pages':>7s}{'crawl s':>9s}{'wall s':>8s}{'pages/s':>9s}{'x bare':>8s}{'RSS MB':>9s}"
        f"{'cpu ms/page':>13s}{'main ms/page':>14s}{'mirror ms/page':>16s}{'cores busy':>12s}"
    )
    lines = [
        f"crawl bench: mirror of {articles} articles ({mirror_pages} pre-rendered pages, mirror RSS {mirror_rss:.0f} MB), "
        f"{os.cpu_count()} cores, concurrency {CONCURRENCY}, no politeness delay"
        + "".join(f", {name}={value}" for name, value in (settings or {}).items()),
        header, "-" * len(header),
    ]  # fmt: skip
    for row in rows:
        if row.na:
            lines.append(f"{row.name:22s}  n/a: {row.na}")
            continue
        cpu = sum(p.cpu for p in row.procs)
        ratio = f"{row.rate / bare.rate:.2f}" if bare and bare.rate else "-"
        rss = _rss(row.procs[0]) if len(row.procs) == 1 else "/".join(f"{p.rss_mb:.0f}" for p in row.procs)
        busy = (cpu + row.mirror_cpu) / row.wall if row.wall else 0.0
        lines.append(
            f"{row.name:22s}{row.pages:7d}{row.seconds:9.2f}{row.wall:8.2f}{row.rate:9.1f}{ratio:>8s}{rss:>9s}"
            f"{_ms(cpu, row.pages):>13s}{_ms(sum(p.stats.get('self_cpu', 0.0) for p in row.procs), row.pages):>14s}"
            f"{_ms(row.mirror_cpu, row.pages):>16s}{busy:12.2f}"
        )
        if len(row.procs) > 1:
            start = min(p.stats["opened_at"] for p in row.procs)
            for n, proc in enumerate(row.procs, 1):
                pages = int(proc.stats.get("pages", 0))
                elapsed = float(proc.stats.get("elapsed", 0.0))
                opened = proc.stats.get("opened_at", start) - start
                first, last = (proc.stats.get(k, 0.0) - start for k in ("first_response_at", "last_response_at"))
                fetched = f"fetched from {first:.1f} to {last:.1f} s" if pages else "fetched nothing"
                lines.append(
                    f"{'  worker ' + str(n):22s}{pages:7d}{elapsed:9.2f}{proc.wall:8.2f}"
                    f"{(pages / elapsed if elapsed else 0):9.1f}{'':>8s}{_rss(proc):>9s}{_ms(proc.cpu, pages):>13s}"
                    f"{_ms(proc.stats.get('self_cpu', 0.0), pages):>14s}"
                    f"   opened at {opened:.1f} s, {fetched}, closed at {opened + elapsed:.1f} s"
                )
    lines.append(
        "(crawl s: spider opened to closed, pages/s over it; wall s: the whole process; RSS: peak of the crawl process "
        "+ its child processes; cpu: the crawl process and its children (extraction); main: the crawl process alone, "
        "start to spider closed; cores busy: crawl + mirror CPU over wall time)"
    )
    lines.append(summary_line(rows))
    return "\n".join(lines)


def summary_line(rows: list[Row]) -> str:
    by_name = {row.name: row for row in rows}
    bare = by_name.get("bare scrapy")
    parts = []
    for row in rows:
        label = "bare scrapy" if row is bare else row.name.replace(" (redis+pg)", "")
        if row.na:
            parts.append(f"{label} n/a")
        elif row is bare:
            parts.append(f"{label} {row.rate:.1f} p/s")
        elif row.name.endswith("(redis+pg)"):
            one = by_name.get("postgresql")
            ratio = f"{row.rate / one.rate:.2f}x of one" if one and not one.na and one.rate else "- of one"
            parts.append(f"{label} {row.rate:.1f} p/s ({ratio})")
        else:
            ratio = f"{row.rate / bare.rate:.2f}x" if bare and not bare.na and bare.rate else "-"
            parts.append(f"{label} {row.rate:.1f} p/s ({ratio})")
    return "crawl: " + "; ".join(parts)


# --- the bench ----------------------------------------------------------------------------------------------
def bench_crawl(
    articles: int = DEFAULT_ARTICLES,
    workers: int = 2,
    postgres_url: str | None = None,
    redis_url: str | None = None,
    *,
    seed: int = 0,
    keep: Path | None = None,
    settings: dict[str, str] | None = None,
) -> str:
    """Run the crawls one after the other against one mirror; return the table (see the module docstring).

    `postgres_url` names a server where a scratch database may be created (None: the PostgreSQL rows are
    n/a); `redis_url` a Redis server where an empty database number is borrowed (None: the workers row is
    n/a). `keep` keeps the logs, WARC files and archives in that folder instead of a temporary one.
    `settings` are given to every run (-s NAME=VALUE), the bare one included, e.g. to try a setting.
    """
    work = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="newscrawl-bench-crawl-"))
    work.mkdir(parents=True, exist_ok=True)
    extensions = _extensions_setting()
    extra = dict(settings or {})
    rows: list[Row] = []
    mirror = Mirror(articles, seed)
    try:
        base_url = mirror.base_url
        sqlite_url = f"sqlite:///{work / 'archive.db'}"
        sqlite = _single(
            "sqlite", _crawl_command(base_url, sqlite_url, work, "sqlite", extensions, extra), REPO, _clean_env(True), work, "sqlite", mirror
        )

        bare = Row("bare scrapy", na="no URL list: the SQLite crawl did not finish")
        if not sqlite.na:
            urls = [url for url in sqlite.procs[0].stats["urls"] if urlsplit(url).path != "/robots.txt"]
            (work / "urls.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
            settings = {
                **NO_POLITENESS, "EXTENSIONS": json.dumps({EXTENSION: 0}),
                STATS_FILE_SETTING: str(work / "stats-bare.json"), URLS_FILE_SETTING: str(work / "urls.txt"),
                # What bare Scrapy shares with the product: who it says it is, how many items per response it
                # processes at once (Scrapy starts that many tasks for every response), and what it logs.
                **{name: _project_setting(name) for name in SHARED_SETTINGS},
                "TELNETCONSOLE_ENABLED": "False", **extra,
            }  # fmt: skip
            command = [sys.executable, "-m", "scrapy", "runspider", str(Path(__file__).resolve()), *_settings_args(settings)]
            bare_cwd = work / "bare"  # no scrapy.cfg here: Scrapy's defaults, not the project's settings
            bare_cwd.mkdir(exist_ok=True)
            bare = _single("bare scrapy", command, bare_cwd, _clean_env(project=False), work, "bare", mirror)
        rows += [bare, sqlite]

        postgres_url = postgres_url or _from_env(POSTGRES_ENV)
        if not postgres_url:
            rows.append(Row("postgresql", na="no PostgreSQL server named (--postgres-url or NEWSCRAWL_BENCH_POSTGRES_URL)"))
        else:
            rows.append(_with_postgres(postgres_url, lambda url: _single(
                "postgresql", _crawl_command(base_url, url, work, "postgresql", extensions, extra), REPO, _clean_env(True), work,
                "postgresql", mirror,
            ), "postgresql"))  # fmt: skip

        name = f"{workers} workers (redis+pg)"
        redis_url = redis_url or _from_env(REDIS_ENV)
        if workers < 1:
            pass
        elif not postgres_url:
            rows.append(Row(name, na="no PostgreSQL server named"))
        elif not redis_url:
            rows.append(Row(name, na="no Redis server named (--redis-url or NEWSCRAWL_BENCH_REDIS_URL)"))
        else:
            rows.append(_with_postgres(postgres_url, lambda url: _with_redis(redis_url, lambda scratch: _workers(
                workers, base_url, url, scratch, work, extensions, mirror, extra,
            ), name), name, migrate=True))  # fmt: skip
        mirror_rss = mirror.rss_mb()
    finally:
        mirror.stop()
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return format_table(rows, articles, mirror.pages, mirror_rss, extra)


@functools.cache
def _project_settings() -> Any:
    """newscrawl/settings.py over Scrapy's defaults, as `scrapy crawl` reads them (without touching os.environ)."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("newscrawl.settings", priority="project")
    return settings


def _project_setting(name: str) -> str:
    return str(_project_settings().get(name))


def _why(error: BaseException) -> str:
    first_line = str(error).splitlines()[0][:160] if str(error) else ""
    return f"{type(error).__name__}: {first_line}"


def _with_postgres(server_url: str, run: Any, name: str, migrate: bool = False) -> Row:
    """`run(url)` on a scratch database of the server, dropped afterwards; a row saying why when it cannot be."""
    try:
        url, drop = _scratch_postgres(server_url)
    except Exception as error:  # noqa: BLE001 - an unreachable server is a row that says so
        return Row(name, na=f"PostgreSQL at {server_url}: {_why(error)}")
    try:
        if migrate:  # workers started together need not race to create the tables
            from newscrawl.migrate import upgrade

            upgrade(url)
        return run(url)
    except Exception as error:  # noqa: BLE001 - one row that cannot be made must not cost the others
        return Row(name, na=_why(error))
    finally:
        drop()


def _with_redis(server_url: str, run: Any, name: str) -> Row:
    """`run(url)` on an empty database number of the Redis server, emptied again afterwards."""
    try:
        url, flush = _scratch_redis(server_url)
    except Exception as error:  # noqa: BLE001 - no redis package, server down, no free database: n/a
        return Row(name, na=f"Redis at {server_url}: {_why(error)}")
    try:
        return run(url)
    finally:
        flush()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Crawl throughput: bare Scrapy vs the full crawl on a local mirror.")
    parser.add_argument("--articles", type=int, default=DEFAULT_ARTICLES)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--postgres-url", default=None, help="a PostgreSQL server (a scratch database is made there)")
    parser.add_argument("--redis-url", default=None, help="a Redis server (an empty database number is borrowed)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, default=None, help="keep logs, WARC files and archives in this folder")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a setting for every run")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)  # the mirror process
    args = parser.parse_args(argv)
    if args.serve:
        serve_mirror(args.articles, args.seed)
        return
    settings = dict(item.split("=", 1) for item in args.set)
    print(bench_crawl(args.articles, args.workers, args.postgres_url, args.redis_url, seed=args.seed, keep=args.keep, settings=settings))


if __name__ == "__main__":
    main()
