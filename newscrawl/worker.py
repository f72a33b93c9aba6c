"""One worker process of `newscrawl crawl --workers K`: `python -m newscrawl.worker SPIDER ARGS_JSON SETTINGS_JSON`."""

from __future__ import annotations

import json
import sys

from newscrawl.runner import run_spider


def main(argv: list[str]) -> int:
    spider, spider_args, settings = argv[0], json.loads(argv[1]), json.loads(argv[2])
    stats = run_spider(spider, settings=settings, **spider_args)
    return 0 if stats.get("newscrawl/run_id") is not None and stats.get("finish_reason") == "finished" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
