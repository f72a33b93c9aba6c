"""Running a crawl from Python (used by `newscrawl demo`); `scrapy crawl yybnet` is the same crawl."""

from __future__ import annotations

import os
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings


def project_settings(**overrides: Any):
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawl.settings")
    settings = get_project_settings()
    settings.setdict(overrides, priority="cmdline")
    return settings


def run_spider(spider: str = "yybnet", settings: dict[str, Any] | None = None, **spider_args: Any) -> dict[str, Any]:
    """Run one crawl to the end in this process and return its stats. Twisted allows one per process."""
    process = CrawlerProcess(project_settings(**(settings or {})))
    crawler = process.create_crawler(spider)
    process.crawl(crawler, **spider_args)
    process.start()
    return crawler.stats.get_stats()
