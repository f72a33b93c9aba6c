"""`scrapy crawl`, checking the spider's arguments and the extras its URLs need before the crawl starts.

Scrapy builds the spider inside the running crawl, where a bad argument ends in a traceback; here it ends
in one logged line (e.g. `since: expected a date like 2017-08-01, got 'notadate'`) and exit status 2,
before any request.
"""

from __future__ import annotations

import argparse
import logging

from scrapy.commands.crawl import Command as ScrapyCrawl

from newscrawl import arguments
from newscrawl.arguments import ArgumentError, MissingExtra, check_spider_arguments, require_database_driver, require_redis

logger = logging.getLogger(__name__)
EXIT_USAGE = 2


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) == 1 and self.crawler_process is not None:
            try:
                self.check(args[0], opts.spargs)
            except (ArgumentError, MissingExtra) as error:
                logger.error("%s", error)
                self.exitcode = EXIT_USAGE
                return
        super().run(args, opts)

    def check(self, spider: str, spider_args: dict[str, str]) -> None:
        from newscrawl.db import database_url
        from newscrawl.distributed.connection import redis_url

        assert self.crawler_process is not None and self.settings is not None
        try:
            spidercls = self.crawler_process.spider_loader.load(spider)
        except KeyError:
            return  # Scrapy's own message names the unknown spider
        check_spider_arguments(spidercls, spider_args)
        url = arguments.check("NEWSCRAWL_DATABASE_URL", arguments.database, database_url(settings=self.settings))
        require_database_driver(url)
        redis = redis_url(settings=self.settings)
        if redis:
            arguments.check("NEWSCRAWL_REDIS_URL", arguments.redis, redis)
            require_redis()
