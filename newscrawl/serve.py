"""`newscrawl serve`: the SQLite archive in Datasette, read-only, with the metadata and plugin of newscrawl/datasette/.

The database is opened with `mode=ro` (Datasette's mutable mode, which sees a crawl's new rows; `immutable`
would not), under the name `archive`: http://127.0.0.1:8001/archive/articles?_search=党建.
"""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from pathlib import Path

from sqlalchemy.engine import make_url

DATABASE_NAME = "archive"
EXIT_USAGE = 2


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the `newscrawl` parser."""
    serve = commands.add_parser("serve", help="browse and search the SQLite archive in Datasette, read-only")
    serve.add_argument("--db", help="SQLAlchemy URL of a SQLite archive (default: $NEWSCRAWL_DATABASE_URL or sqlite:///data/newscrawl.db)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8001)
    serve.set_defaults(run=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    from newscrawl.db import database_url

    path, problem = sqlite_path(database_url(args.db))
    if problem or path is None:
        print(f"newscrawl serve: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        datasette = build(path)
    except ImportError:
        print("newscrawl serve needs Datasette: pip install 'newscrawl[serve]'", file=sys.stderr)
        return EXIT_USAGE
    import uvicorn

    if not has_search_index(path):
        print("newscrawl serve: no full-text index in this archive yet (newscrawl db upgrade); searching with LIKE", file=sys.stderr)
    print(f"newscrawl serve: {path} read-only at http://{args.host}:{args.port}/{DATABASE_NAME}", flush=True)
    uvicorn.run(datasette.app(), host=args.host, port=args.port, log_level="warning", lifespan="on")
    return 0


def sqlite_path(url: str) -> tuple[Path | None, str | None]:
    """The archive file named by `url`, or why it cannot be served."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        return None, (
            f"Datasette reads SQLite only, not {parsed.render_as_string(hide_password=True)}; "
            "query PostgreSQL with psql, or copy the archive into a SQLite file and serve that with --db sqlite:///FILE"
        )
    if backend != "sqlite":
        return None, f"Datasette reads SQLite only, not {backend}"
    if not parsed.database or parsed.database == ":memory:":
        return None, "name a SQLite file, e.g. --db sqlite:///data/newscrawl.db"
    path = Path(parsed.database)
    if not path.is_file():
        return None, f"no SQLite archive at {path} (crawl first, or name one with --db sqlite:///FILE)"
    return path, None


def build(path: Path):
    """A Datasette serving `path` read-only with newscrawl's metadata and plugin (ImportError without Datasette)."""
    from datasette.app import Database, Datasette
    from datasette.plugins import pm
    from datasette.utils import parse_metadata

    from newscrawl.datasette import plugin

    if not pm.is_registered(plugin):
        pm.register(plugin, name="newscrawl")
    folder = resources.files("newscrawl.datasette")
    metadata = parse_metadata(folder.joinpath("metadata.yml").read_text(encoding="utf-8"))
    datasette = Datasette(metadata=metadata, template_dir=str(folder.joinpath("templates")), settings={"truncate_cells_html": 300})
    datasette.remove_database("_memory")  # added when no file is given; the archive is the only database
    datasette.add_database(Database(datasette, path=str(path), is_mutable=True), name=DATABASE_NAME)
    return datasette


def has_search_index(path: Path) -> bool:
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        return connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'article_search'").fetchone() is not None
