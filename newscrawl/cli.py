"""The `newscrawl` command: wiring only; the work is done in the modules it calls."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    return args.run(args) or 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newscrawl", description="Archive Chinese regional news into SQL.")
    commands = parser.add_subparsers(title="commands")

    db = commands.add_parser("db", help="manage the archive database (Alembic migrations)")
    db.add_argument("action", choices=["upgrade", "current", "check"])
    db.add_argument("--url", help="SQLAlchemy URL (default: $NEWSCRAWL_DATABASE_URL or sqlite:///data/newscrawl.db)")
    db.set_defaults(run=cmd_db)

    mirror = commands.add_parser("mirror", help="serve a generated offline copy of the site's shape")
    mirror.add_argument("--port", type=int, default=8000)
    mirror.add_argument("--host", default="127.0.0.1")
    mirror.add_argument("--articles", type=int, default=60)
    mirror.add_argument("--seed", type=int, default=0)
    mirror.add_argument("--truth", help="write one JSONL line of gold fields per served article")
    mirror.set_defaults(run=cmd_mirror)

    demo = commands.add_parser("demo", help="start a mirror, crawl it into data/demo.db, show what was stored")
    demo.add_argument("--articles", type=int, default=60)
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--db", default="sqlite:///data/demo.db", help="SQLAlchemy URL to store into")
    demo.set_defaults(run=cmd_demo)

    extract = commands.add_parser("extract", help="print the fields of saved pages as JSON")
    extract.add_argument("page", nargs="?", help="an HTML file (raw bytes, any charset)")
    extract.add_argument("--url", help="the page's address (it decides the page object)")
    extract.add_argument("--manifest", help='JSONL of {"id", "path", "url"}: one JSON answer per line')
    extract.set_defaults(run=cmd_extract)
    return parser


def cmd_db(args: argparse.Namespace) -> int:
    from newscrawl import migrate
    from newscrawl.db import database_url

    url = database_url(args.url)
    if args.action == "upgrade":
        migrate.upgrade(url)
        print(f"{url}: at revision {migrate.current_revision(url)} (head {migrate.head_revision()})")
    elif args.action == "current":
        print(f"{url}: revision {migrate.current_revision(url)} (head {migrate.head_revision()})")
    else:
        migrate.check(url)
    return 0


def cmd_mirror(args: argparse.Namespace) -> int:
    from newscrawl.mirror.server import run_mirror

    run_mirror(port=args.port, host=args.host, articles=args.articles, seed=args.seed, truth=args.truth)
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


if __name__ == "__main__":
    sys.exit(main())
