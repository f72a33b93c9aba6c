"""The schema is the migrations': upgrade from empty works, and the models agree with them."""

from alembic import command
from sqlalchemy import create_engine, inspect

from newscrawl import migrate

TABLES = {"articles", "crawl_runs", "extraction_failures", "alembic_version"}


def test_upgrade_from_empty_matches_models_and_downgrades(database_url):
    migrate.upgrade(database_url)
    assert migrate.is_current(database_url)
    migrate.check(database_url)  # raises if models and migrations disagree

    engine = create_engine(database_url)
    try:
        assert TABLES <= set(inspect(engine).get_table_names())
        columns = {c["name"] for c in inspect(engine).get_columns("articles")}
        assert {"article_key", "published_at", "authors", "editors", "content_hash", "first_seen_at", "last_seen_at"} <= columns
    finally:
        engine.dispose()

    command.downgrade(migrate.alembic_config(database_url), "base")
    assert migrate.current_revision(database_url) is None
    migrate.upgrade(database_url)
    assert migrate.is_current(database_url)
