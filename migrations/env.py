"""Alembic environment: the URL comes from the Config that newscrawl.migrate builds (or alembic.ini)."""

from alembic import context
from sqlalchemy import pool

from newscrawl.db import Base, database_url, make_engine

config = context.config
target_metadata = Base.metadata


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Leave to their migrations what the models cannot describe: the full-text index (newscrawl.search_index): SQLite's
    FTS5 tables, PostgreSQL's expression index on articles (0013) and the side table it replaced (0010 to 0012)."""
    if type_ == "index" and name == "ix_articles_search":
        return False
    return not (type_ == "table" and name is not None and (name in ("article_search", "search_grams") or name.startswith("article_search_")))


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url") or database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # a caller lent us its connection (tests, newscrawl.migrate)
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or database_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


MIGRATION_LOCK = 7_246_911_337  # any constant: the PostgreSQL advisory lock that lets one process migrate at a time


def _run(connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if connection.dialect.name == "postgresql":  # workers starting together: the others wait, then find it migrated
        connection.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK})")
        connection.commit()
        try:
            _migrate(connection, sqlite)
        finally:
            connection.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATION_LOCK})")
            connection.commit()
        return
    _migrate(connection, sqlite)


def _migrate(connection, sqlite: bool) -> None:
    if sqlite:  # batch mode rebuilds tables that others refer to; SQLite only allows that with foreign keys off
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        # render_as_batch: SQLite cannot ALTER most things, so Alembic rebuilds tables in batches there.
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True, compare_type=True, include_object=include_object
        )
        with context.begin_transaction():
            context.run_migrations()
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
