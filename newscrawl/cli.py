"""The `newscrawl` command: wiring only; the work is done in the modules it calls.

Options are checked up front by the parsers of newscrawl.arguments: a bad one is one line and exit status 2.
A database that cannot be opened, a missing file or a missing extra is one line and exit status 1 (2 for an
extra); `--verbose` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from newscrawl import arguments as a
from newscrawl.arguments import option

EXIT_FAILED = 1
EXIT_USAGE = 2
VERBOSE = "--verbose"
BENCH_TOOLS = ("newscrawl", "trafilatura", "gne")


class Parser(argparse.ArgumentParser):
    """argparse saying a bad option in one line (`newscrawl runs: --limit: expected ..., got 'x'`), exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message.removeprefix('argument ')}\n")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    verbose = VERBOSE in argv
    argv = [arg for arg in argv if arg != VERBOSE]  # accepted anywhere on the line, before or after the command
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.run(args) or 0
    except Exception as error:
        said = one_line(error, args)
        if said is None or verbose:
            raise
        line, status = said
        print(f"{parser.prog} {argv[0]}: {line}", file=sys.stderr)
        return status


def one_line(error: Exception, args: argparse.Namespace) -> tuple[str, int] | None:
    """(line, exit status) for an error a user can act on without a traceback, else None.

    A bad argument or a missing extra: exit 2. A file that cannot be read or a database that cannot be
    reached or opened (URL shown, password hidden): exit 1.
    """
    from sqlalchemy.exc import InterfaceError, OperationalError

    if isinstance(error, (a.ArgumentError, a.MissingExtra)):
        return str(error), EXIT_USAGE
    if isinstance(error, OSError) and error.filename is not None:
        return f"{error.filename}: {error.strerror or error}", EXIT_FAILED
    if isinstance(error, (OperationalError, InterfaceError)):
        from newscrawl.db import database_url

        explicit = args.url if args.run is cmd_db else getattr(args, "db", None) or getattr(args, "postgres", None)
        reason = str(error.orig if error.orig is not None else error).strip().splitlines() or [type(error).__name__]
        return f"cannot use the database {a.shown_url(database_url(explicit))}: {reason[0]} (--verbose for the traceback)", EXIT_FAILED
    return None


def add_postgres_server(bench: argparse.ArgumentParser) -> None:
    """--postgres: the server a benchmark makes its scratch database on."""
    bench.add_argument(
        "--postgres",
        type=option(a.database),
        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="a server to make a scratch database on",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="newscrawl", description="Archive Chinese regional news into SQL.")
    parser.add_argument(VERBOSE, action="store_true", help="show the traceback of an error, not only its one line")
    commands = parser.add_subparsers(title="commands")

    crawl = commands.add_parser("crawl", help="the cron entry point: a locked, logged crawl with a meaningful exit status")
    crawl.add_argument("--spider", default="yybnet", help="a spider of newscrawl.spiders (yybnet, news)")
    crawl.add_argument("-a", dest="spider_args", action="append", default=[], metavar="NAME=VALUE", help="spider argument, as for scrapy crawl")
    crawl.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE", help="Scrapy setting")
    crawl.add_argument("--db", type=option(a.database), help="SQLAlchemy URL (default: $NEWSCRAWL_DATABASE_URL or sqlite:///data/newscrawl.db)")
    crawl.add_argument("--data-dir", type=Path, default=Path("data"), help="where the lock file and logs/ go")
    crawl.add_argument(
        "--drift-jump", type=option(a.share), default=0.2, help="exit 3 when this much more of the article pages are incomplete than usual"
    )
    crawl.add_argument(
        "--workers", type=option(a.whole_number(1, 2)), default=1, help="worker processes sharing the run (needs NEWSCRAWL_REDIS_URL and PostgreSQL)"
    )
    crawl.set_defaults(run=cmd_crawl)

    reparse = commands.add_parser("reparse", help="extract the archived WARC responses again into the database; no network")
    reparse.add_argument("--db", type=option(a.database), help="SQLAlchemy URL")
    reparse.add_argument("--warc-dir", type=option(a.folder), default=Path("data/warc"))
    reparse.add_argument("--since", type=option(a.a_time), help="only records archived from this time on (ISO 8601; UTC if no offset)")
    reparse.set_defaults(run=cmd_reparse)

    runs = commands.add_parser("runs", help="show the recent crawl runs")
    runs.add_argument("--db", type=option(a.database), help="SQLAlchemy URL")
    runs.add_argument("--limit", type=option(a.whole_number(1, 10)), default=10)
    runs.set_defaults(run=cmd_runs)

    spill = commands.add_parser("spill", help="store the batches the database refused during earlier runs (data/spill/)")
    spill.add_argument("action", choices=["import"])
    spill.add_argument("--db", type=option(a.database), help="SQLAlchemy URL")
    spill.add_argument("--spill-dir", type=Path, default=Path("data/spill"))
    spill.set_defaults(run=cmd_spill)

    history = commands.add_parser("history", help="every version of one article, with what changed from one to the next")
    history.add_argument("article_key", help="the article's key, e.g. weifang/news/1234567")
    history.add_argument("--db", type=option(a.database), help="SQLAlchemy URL")
    history.add_argument("--format", choices=["text", "json"], default="text", help="text (coloured on a terminal, unless NO_COLOR is set) or json")
    history.set_defaults(run=cmd_history)

    changes = commands.add_parser("changes", help="the articles edited or removed in a period, with the size of each change")
    changes.add_argument("--db", type=option(a.database), help="SQLAlchemy URL")
    changes.add_argument("--since", help="from this date (YYYY-MM-DD, Beijing time) or time (ISO 8601); default: since the start")
    changes.add_argument("--city", help="a city slug, e.g. weifang")
    changes.add_argument("--channel", help="a channel's name (潍坊新闻) or slug (news, weifang/news)")
    changes.add_argument("--format", choices=["table", "json"], default="table")
    changes.set_defaults(run=cmd_changes)

    db = commands.add_parser(
        "db", help="manage the archive database: upgrade, current, check (Alembic migrations); reindex (the full-text index, compacted)"
    )
    db.add_argument("action", choices=["upgrade", "current", "check", "reindex"])
    db.add_argument("--url", type=option(a.database), help="SQLAlchemy URL (default: $NEWSCRAWL_DATABASE_URL or sqlite:///data/newscrawl.db)")
    db.set_defaults(run=cmd_db)

    mirror = commands.add_parser("mirror", help="serve a generated offline copy of the site's shape")
    mirror.add_argument("--port", type=option(a.whole_number(0, 8000, 65535)), default=8000)
    mirror.add_argument("--host", default="127.0.0.1")
    mirror.add_argument("--articles", type=option(a.whole_number(0, 60)), default=60)
    mirror.add_argument("--seed", type=option(a.whole_number(0, 0)), default=0)
    mirror.add_argument("--truth", help="write one JSONL line of gold fields per served article")
    mirror.add_argument("--day", type=option(a.whole_number(0, 3)), default=0, help="publish N days of new articles, edits and removals")
    mirror.add_argument(
        "--faults",
        help="fault rates, e.g. 5xx=0.1,slow=0.05,truncate=0.05,charset=0.1,redirect=0.05,loop=0.02,huge=0.02,malformed=0.1,"
        "robots=/weifang/qingzhou/",
    )
    mirror.add_argument("--variations", action="store_true", help="add edited reprints and look-alike column stories (story ids in --truth)")
    mirror.set_defaults(run=cmd_mirror)

    demo = commands.add_parser("demo", help="start a mirror, crawl it into data/demo.db, show what was stored")
    demo.add_argument("--articles", type=option(a.whole_number(1, 60)), default=60)
    demo.add_argument("--seed", type=option(a.whole_number(0, 0)), default=0)
    demo.add_argument("--db", type=option(a.database), default="sqlite:///data/demo.db", help="SQLAlchemy URL to store into")
    demo.set_defaults(run=cmd_demo)

    extract = commands.add_parser("extract", help="print the fields of saved pages as JSON")
    extract.add_argument("page", nargs="?", type=option(a.readable_file), help="an HTML file (raw bytes, any charset)")
    extract.add_argument("--url", help="the page's address (it decides the page object)")
    extract.add_argument("--manifest", type=option(a.readable_file), help='JSONL of {"id", "path", "url"}: one JSON answer per line')
    extract.set_defaults(run=cmd_extract)

    from newscrawl import clusters_cli, exchange, search, serve, stats

    for module in (search, clusters_cli, stats, exchange, serve):  # issue 9: asking the archive
        module.add_commands(commands)

    bench = commands.add_parser("bench", help="benchmarks that print figures (extraction, crawl speed, memory, Redis)")
    benches = bench.add_subparsers(title="benchmarks", required=True)
    extract_bench = benches.add_parser("extract", help="newscrawl vs trafilatura and GNE on one labelled set")
    extract_bench.add_argument("gold_dir", type=option(a.folder), help="a labelled set: labels.jsonl + pages/ (shared/eval/LABELS.md)")
    extract_bench.add_argument(
        "--tools", type=option(a.choice_list(BENCH_TOOLS)), default="newscrawl,trafilatura,gne", help="comma-separated tools to compare"
    )
    extract_bench.add_argument(
        "--repeats", type=option(a.whole_number(1, 3, 100)), default=3, help="runs of each tool on each page; the fastest counts (default 3)"
    )
    extract_bench.set_defaults(run=cmd_bench)
    crawl_bench = benches.add_parser("crawl", help="pages/s, peak RSS and CPU per page: bare Scrapy, SQLite, PostgreSQL, K workers")
    crawl_bench.add_argument("--articles", type=option(a.whole_number(1, 1500)), default=1500)
    crawl_bench.add_argument("--workers", type=option(a.whole_number(1, 2)), default=2)
    add_postgres_server(crawl_bench)
    crawl_bench.add_argument("--redis", type=option(a.redis), default="redis://127.0.0.1:6379", help="a server to use a free database number of")
    crawl_bench.set_defaults(run=cmd_bench_crawl)
    memory_bench = benches.add_parser("memory", help="peak RSS of the incremental crawl against archives of several sizes")
    memory_bench.add_argument("--archived", type=option(a.number_list), default="0,300000,1000000", help="comma-separated archive sizes")
    memory_bench.add_argument("--articles", type=option(a.whole_number(1, 400)), default=400, help="articles of the mirror crawled")
    memory_bench.set_defaults(run=cmd_bench_memory)
    revisits_bench = benches.add_parser("revisits", help="edits caught by the revisit schedule over N nights of the mirror, per budget")
    revisits_bench.add_argument("--nights", type=option(a.whole_number(1, 20)), default=20)
    revisits_bench.add_argument("--articles", type=option(a.whole_number(1, 200)), default=200)
    revisits_bench.add_argument("--budgets", default="5%", help="comma-separated budgets, e.g. 2%%,5%%,10%%")
    revisits_bench.add_argument(
        "--new-per-day", type=option(a.whole_number(0, 20)), default=None, help="articles the mirror publishes a day (default: a tenth of --articles)"
    )
    revisits_bench.set_defaults(run=cmd_bench_revisits)
    redis_bench = benches.add_parser("redis", help="Redis memory per million queued requests and fingerprints")
    redis_bench.add_argument("--redis", type=option(a.redis), default="redis://127.0.0.1:6379/15", help="a scratch Redis database (flushed)")
    redis_bench.add_argument("--count", type=option(a.whole_number(1, 100_000)), default=100_000)
    redis_bench.set_defaults(run=cmd_bench_redis)
    search_bench = benches.add_parser("search", help="ranked full-text search latency against a LIKE scan, SQLite and PostgreSQL")
    search_bench.add_argument("--articles", type=option(a.whole_number(1, 100_000)), default=100_000)
    add_postgres_server(search_bench)
    search_bench.set_defaults(run=cmd_bench_search)
    return parser


def pairs(values: list[str], option: str) -> dict[str, str]:
    out = {}
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep or not name:
            raise a.ArgumentError(option, "NAME=VALUE", value)
        out[name] = rest
    return out


def cmd_crawl(args: argparse.Namespace) -> int:
    from newscrawl.db import database_url
    from newscrawl.operate import run_crawl

    settings = pairs(args.settings, "-s")
    spider_args = pairs(args.spider_args, "-a")
    check_spider(args.spider, spider_args)
    url = a.check("--db", a.database, database_url(args.db or settings.pop("NEWSCRAWL_DATABASE_URL", None)))
    a.require_database_driver(url)
    return run_crawl(args.spider, spider_args, settings, url, args.data_dir, args.drift_jump, workers=args.workers)


def check_spider(name: str, spider_args: dict[str, str]) -> None:
    """ArgumentError for an unknown spider or a bad -a argument, before the lock, the migrations or any request."""
    from scrapy.spiderloader import get_spider_loader

    from newscrawl.runner import project_settings

    loader = get_spider_loader(project_settings())
    try:
        spidercls = loader.load(name)
    except KeyError:
        raise a.ArgumentError("--spider", f"a spider of this project ({', '.join(sorted(loader.list()))})", name) from None
    a.check_spider_arguments(spidercls, spider_args)


def cmd_reparse(args: argparse.Namespace) -> int:
    from newscrawl.db import database_url
    from newscrawl.reparse import reparse

    counts = reparse(database_url(args.db), args.warc_dir, args.since)
    print(" ".join(f"{name}={value}" for name, value in sorted(counts.items())))
    return 0


def cmd_spill(args: argparse.Namespace) -> int:
    from newscrawl.db import database_url
    from newscrawl.migrate import upgrade
    from newscrawl.spill import SpillError, import_spills

    url = database_url(args.db)
    upgrade(url)
    try:
        counts = import_spills(url, args.spill_dir)
    except SpillError as error:
        print(f"newscrawl spill import: {error}", file=sys.stderr)
        return 1
    print(" ".join(f"{name}={value}" for name, value in sorted(counts.items())) or f"no spill files in {args.spill_dir}")
    return 0


def cmd_runs(args: argparse.Namespace) -> int:
    from newscrawl.db import database_url
    from newscrawl.operate import runs_table

    print(runs_table(database_url(args.db), args.limit))
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from newscrawl.db import database_url
    from newscrawl.history import ArchiveNotReady, history, use_color

    color = args.format == "text" and use_color(sys.stdout)
    try:
        print(history(database_url(args.db), args.article_key, fmt=args.format, color=color))
    except (LookupError, ArchiveNotReady) as error:
        print(f"newscrawl history: {error}", file=sys.stderr)
        return 1
    return 0


def cmd_changes(args: argparse.Namespace) -> int:
    from newscrawl.db import database_url
    from newscrawl.history import ArchiveNotReady, changes, parse_since

    try:
        since = parse_since(args.since) if args.since else None
    except ValueError as error:
        print(f"newscrawl changes: --since: {error}", file=sys.stderr)
        return 2
    try:
        print(changes(database_url(args.db), since=since, city=args.city, channel=args.channel, fmt=args.format))
    except ArchiveNotReady as error:
        print(f"newscrawl changes: {error}", file=sys.stderr)
        return 1
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from newscrawl import migrate
    from newscrawl.db import database_url

    url = database_url(args.url)
    if args.action == "upgrade":
        migrate.upgrade(url)
        print(f"{a.shown_url(url)}: at revision {migrate.current_revision(url)} (head {migrate.head_revision()})")
    elif args.action == "current":
        print(f"{a.shown_url(url)}: revision {migrate.current_revision(url)} (head {migrate.head_revision()})")
    elif args.action == "reindex":
        from newscrawl import search_index
        from newscrawl.db import make_engine

        engine = make_engine(url)
        try:
            search_index.rebuild(engine)  # PostgreSQL: REINDEX (an index grown by inserts shrinks); SQLite: FTS5 rebuilt
        finally:
            engine.dispose()
        print(f"{a.shown_url(url)}: full-text index rebuilt")
    else:
        migrate.check(url)
    return 0


def cmd_mirror(args: argparse.Namespace) -> int:
    from newscrawl.mirror.faults import parse_faults
    from newscrawl.mirror.server import run_mirror

    if args.faults:
        try:
            parse_faults(args.faults)
        except ValueError as error:
            raise a.ArgumentError("--faults", "rates like 5xx=0.1,slow=0.05", args.faults, str(error)) from None

    run_mirror(
        port=args.port, host=args.host, articles=args.articles, seed=args.seed, truth=args.truth, day=args.day, faults=args.faults,
        variations=args.variations,
    )  # fmt: skip
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from newscrawl.demo import run_demo

    return run_demo(articles=args.articles, seed=args.seed, database_url=args.db)


def cmd_extract(args: argparse.Namespace) -> int:
    from newscrawl.extract_files import extract_file, extract_manifest

    if args.manifest:
        for answer in extract_manifest(Path(args.manifest)):
            print(json.dumps(answer, ensure_ascii=False), flush=True)
        return 0
    if not args.page:
        print("newscrawl extract: give a PAGE file or --manifest FILE", file=sys.stderr)
        return 2
    print(json.dumps(extract_file(Path(args.page), args.url), ensure_ascii=False, indent=2))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from newscrawl.bench import bench_extract

    print(bench_extract(args.gold_dir, args.tools, repeats=args.repeats))
    return 0


def cmd_bench_crawl(args: argparse.Namespace) -> int:
    from newscrawl.bench_crawl import bench_crawl

    print(bench_crawl(args.articles, workers=args.workers, postgres_url=args.postgres, redis_url=args.redis))
    return 0


def cmd_bench_memory(args: argparse.Namespace) -> int:
    from newscrawl.bench_memory import bench_memory

    print(bench_memory(args.archived, articles=args.articles))
    return 0


def cmd_bench_revisits(args: argparse.Namespace) -> int:
    from newscrawl.bench_revisits import bench_revisits, parse_budgets

    print(bench_revisits(args.nights, args.articles, parse_budgets(args.budgets), new_per_day=args.new_per_day))
    return 0


def cmd_bench_redis(args: argparse.Namespace) -> int:
    from newscrawl.bench_redis import bench_redis

    print(bench_redis(args.redis, args.count))
    return 0


def cmd_bench_search(args: argparse.Namespace) -> int:
    from newscrawl.bench_search import bench_search

    print(bench_search(args.articles, postgres_url=args.postgres))
    return 0


if __name__ == "__main__":
    sys.exit(main())
