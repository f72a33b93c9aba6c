"""Distributed crawling on scrapy-redis: any number of identical workers share one run.

Set NEWSCRAWL_REDIS_URL (setting or environment) and every `scrapy crawl` / `newscrawl crawl` worker
started with the same Redis and database URLs joins the spider's live run: one shared queue, one shared
set of fingerprints (one per article key), each list page and each article fetched once in all. Without
it nothing changes: one process, Scrapy's own scheduler, no Redis.

connection.py  which Redis (the URL rule) and the client
runs.py        the run key, the seeder, busy workers, when the run is done
scheduler.py   scrapy-redis's scheduler, queue and dupefilter keyed by run, safe to lose
extension.py   the add-on that switches it on, the idle/heartbeat extension, the seed-once middleware
politeness.py  one DOWNLOAD_DELAY per site for all workers together
"""
