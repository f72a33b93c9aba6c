"""`newscrawl demo`: the whole job offline. Serve a mirror, crawl it with the real spider, show the archive."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newscrawl import db
from newscrawl.dates import BEIJING
from newscrawl.mirror.server import MirrorServer
from newscrawl.mirror.site import MirrorSite
from newscrawl.runner import run_spider


def run_demo(articles: int = 60, seed: int = 0, database_url: str = "sqlite:///data/demo.db") -> int:
    site = MirrorSite(articles=articles, seed=seed)
    with MirrorServer(site) as server:
        print(f"mirror of {len(site.articles)} article pages at {server.base_url}; crawling into {database_url}")
        stats = run_spider(
            "yybnet",
            settings={
                "NEWSCRAWL_DATABASE_URL": database_url,
                "LOG_LEVEL": "WARNING",
                "AUTOTHROTTLE_ENABLED": False,
                "DOWNLOAD_DELAY": 0,
                "NEWSCRAWL_WARC_DIR": "data/demo-warc",  # never mixed into the real archive
            },
            base_url=server.base_url,
        )
    print(f"crawl finished ({stats.get('finish_reason')}): {stats.get('response_received_count', 0)} pages fetched")
    show_archive(database_url)
    return 0 if stats.get("finish_reason") == "finished" else 1


def show_archive(database_url: str) -> None:
    engine = db.make_engine(database_url)
    try:
        with Session(engine) as session:
            rows = session.execute(
                select(db.Article.channel, func.count(), func.count(db.Article.reprint_of_id))
                .group_by(db.Article.channel).order_by(func.count().desc())
            ).all()  # fmt: skip
            print("\narticles per channel (reprints of a story met elsewhere):")
            for channel, count, reprints in rows:
                print(f"  {channel or '?':8s} {count:5d}   ({reprints} reprints)")
            sample = session.scalars(select(db.Article).order_by(db.Article.published_at.desc()).limit(1)).first()
            if sample is not None:
                print("\nnewest article:")
                for name in ("article_key", "title", "subtitle", "source", "authors", "editors"):
                    print(f"  {name:13s} {getattr(sample, name)}")
                published = sample.published_at.astimezone(BEIJING).isoformat() + " (Beijing time)" if sample.published_at else "-"
                print(f"  {'published_at':13s} {published}")
                print(f"  {'body':13s} {sample.body[:80]}…")
            runs = session.scalars(select(db.CrawlRun).order_by(db.CrawlRun.id.desc()).limit(1)).first()
            if runs is not None:
                print(f"\ncrawl run {runs.id}: {runs.status}, {runs.articles_new} new, {runs.articles_unchanged} unchanged, {runs.rejected} rejected")
    finally:
        engine.dispose()
    print(f"\nask it: newscrawl search 污水 --db {database_url}   |   newscrawl stats --db {database_url}   |   sqlite3 / psql")
