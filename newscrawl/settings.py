"""Scrapy settings for newscrawl: polite defaults, every project knob documented once here."""

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"
# `scrapy crawl` checks spider arguments and needed extras before it starts (one line and exit 2 when bad).
COMMANDS_MODULE = "newscrawl.commands"

# Politeness: name ourselves, obey robots.txt, adapt speed to the server.
USER_AGENT = "newscrawl/0.1 (+https://github.com/newscrawl/newscrawl; news archive for research)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# Transient failures (5xx, timeouts, dropped connections) are retried by Scrapy's RetryMiddleware.
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOAD_TIMEOUT = 30
# A page past DOWNLOAD_MAXSIZE is not downloaded (recorded as a failed fetch); a warning past DOWNLOAD_WARNSIZE.
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024

# Article pages are read in this many worker processes, off the crawl process's GIL; 0 = in the crawl process.
# Unset: 1 with two cores or more, 0 in the workers of a distributed run.
NEWSCRAWL_EXTRACT_PROCESSES = None
# Scrapy starts this many asyncio tasks for every response (the default 100 costs ~2 ms a page); a callback
# yields one item or one list page's links.
CONCURRENT_ITEMS = 16
# Fetched pages may wait for the store up to this many body bytes (Scrapy's default is 5 MB).
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 1_000_000
# Scrapy re-reads a generator callback's source on most responses to warn about `return value`; there is none here.
WARN_ON_GENERATOR_RETURN_VALUE = False

# Scrapy's default since 2.13, stated so that the pipelines' coroutines always run on asyncio.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"

# Raw archive (newscrawl/warc.py): every response as received, in WARC files. 950 puts it next to the
# downloader, so it sees bodies before HttpCompressionMiddleware (590) and 5xx before RetryMiddleware (550).
DOWNLOADER_MIDDLEWARES = {
    "newscrawl.warc.WarcWriterMiddleware": 950,
    # Scrapy's meta refresh check decodes every page on the reactor thread; this one looks at the bytes first.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "newscrawl.redirects.LazyMetaRefreshMiddleware": 580,
}

# Free disk space (newscrawl/diskspace.py): refuses to start, or stops, a crawl short of NEWSCRAWL_MIN_FREE_MB.
EXTENSIONS = {
    "newscrawl.diskspace.DiskSpaceGuard": 0,
}

SPIDER_MIDDLEWARES = {
    "newscrawl.incremental.IncrementalMiddleware": 800,
}

# Distributed runs (newscrawl/distributed/): with NEWSCRAWL_REDIS_URL set, this add-on switches the crawl to
# the shared scrapy-redis scheduler; without it the crawl stays in one process with Scrapy's scheduler.
ADDONS = {
    "newscrawl.distributed.extension.DistributedAddon": 0,
}
# One fingerprint per article key (m./www./http/https/query/fragment are one article); redirect hops pass.
REQUEST_FINGERPRINTER_CLASS = "newscrawl.fingerprint.ArticleKeyFingerprinter"
DUPEFILTER_CLASS = "newscrawl.fingerprint.ArticleDupeFilter"

ITEM_PIPELINES = {
    "newscrawl.pipelines.validate.ValidatePipeline": 100,
    "newscrawl.pipelines.dedup.DedupPipeline": 200,
    "newscrawl.pipelines.store.StorePipeline": 300,
}

# --- newscrawl's own settings -------------------------------------------------------------
# Any SQLAlchemy URL; the environment variable of the same name wins over this default.
NEWSCRAWL_DATABASE_URL = "sqlite:///data/newscrawl.db"
# Upgrade the database to the newest migration when the crawl opens (a fresh checkout just works).
NEWSCRAWL_AUTO_MIGRATE = True
# Items buffered before one transaction writes them; the rest is flushed when the spider closes.
NEWSCRAWL_STORE_BATCH_SIZE = 50
# Attempts for a flush that meets a transient database error (connection lost, database locked).
NEWSCRAWL_STORE_RETRIES = 5
# Where a batch the database still refuses after the retries is written (JSONL), so nothing is lost.
NEWSCRAWL_SPILL_DIR = "data/spill"
# Article pages a run needs before its share of incomplete pages is recorded and judged for layout drift.
NEWSCRAWL_DRIFT_MIN_PAGES = 20

# A run with more than this share of its fetches failed for good ends "degraded" (exit status 4).
NEWSCRAWL_DEGRADED_SHARE = 0.10

# Distributed runs: the Redis that shares the queue (the environment variable of the same name wins over
# this default; unset means one process, no Redis). Workers with the same Redis and database share one run.
NEWSCRAWL_REDIS_URL = None
# Seconds a worker's busy mark lives without a heartbeat: the share of a killed worker is free after this.
NEWSCRAWL_WORKER_TTL = 30
# The run a worker joins; set by `newscrawl crawl --workers` for its children, unset means the live run.
NEWSCRAWL_RUN_KEY = None
# Seconds between two requests to one site from all workers of a distributed run together (Redis keeps
# the turn); unset means the DOWNLOAD_DELAY the crawl was given. Only used with NEWSCRAWL_REDIS_URL.
NEWSCRAWL_SITE_DELAY = None

# Incremental runs (newscrawl/incremental.py): archived articles are not fetched again until they are due,
# then revisited with conditional requests (newscrawl/schedule.py).
NEWSCRAWL_INCREMENTAL_ENABLED = True
NEWSCRAWL_REVISIT_AGES = "1,3,7,30,90,365"  # days after publication (or a change seen) to check again; then yearly
# Revisits a night, most overdue first (the rest stay due): pages ("2000") or a share of the archive ("5%");
# due articles get at least NEWSCRAWL_REVISIT_BUDGET_MIN a night, whatever the share.
NEWSCRAWL_REVISIT_BUDGET = "5%"
NEWSCRAWL_REVISIT_BUDGET_MIN = 100
# Budget left once the due articles are checked goes to those checked longest ago (edits to old articles).
NEWSCRAWL_REVISIT_FILL = True
# Stop walking a channel's list pages after this many pages in a row that linked nothing new (0: never).
NEWSCRAWL_STOP_AFTER_OLD_PAGES = 2
# Article keys the incremental middleware looks up per query, and archived rows per page of a full pass.
NEWSCRAWL_INCREMENTAL_BATCH_SIZE = 500
# Pin "now" (ISO 8601 with offset) for reproducible runs and tests; unset means the clock.
NEWSCRAWL_NOW = None

# The raw archive: WARC files under this folder, a new file past NEWSCRAWL_WARC_MAX_BYTES.
NEWSCRAWL_WARC_ENABLED = True
NEWSCRAWL_WARC_DIR = "data/warc"
NEWSCRAWL_WARC_MAX_BYTES = 1024**3

# Free disk space: no crawl starts, and a running one stops ("low_disk_space", a failed run), with less than
# this many MB free on the WARC, SQLite database or spill folder; 0 turns the check off.
NEWSCRAWL_MIN_FREE_MB = 200
# Seconds between two free-space checks while a crawl runs.
NEWSCRAWL_DISK_CHECK_SECONDS = 10
