"""the revisit bookkeeping in its own table, article_checks; PostgreSQL's search index on articles again

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02

`articles.last_seen_at`, `last_run_id`, `next_check_at`, `etag` and `last_modified` move to the new table
`article_checks` (one row per article, `article_id` its primary key and a foreign key to articles.id, ON DELETE
CASCADE; last_seen_at and next_check_at indexed as they were), so that a revisit (a 304, or the same text again)
writes that table only and never the `articles` row (newscrawl.db).

That lets PostgreSQL's full-text index be an expression GIN index on `articles` again,
`ix_articles_search` on `newscrawl_grams(title || E'\\n' || body)`, which PostgreSQL keeps in step by itself:
an UPDATE of the row is now a change of its text (or of its removal, version, WARC pointer), no longer every
revisit. The side table `search_grams` of migration 0010 is dropped. SQLite's FTS5 table stays as it is.

The views that read `articles` (article_changes of 0005, story_clusters of 0011, articles_current,
article_authors, article_editors of 0012) are dropped first and created again afterwards (SQLite rebuilds the
table to drop its columns); `articles_current` keeps its columns, last_seen_at now joined from article_checks.

Downgrade: the columns come back into `articles` (at the end of the table) with their values, indexes and
foreign key, article_checks goes, the views are as 0012 left them, and on PostgreSQL the side table comes back
(filled, as migration 0010 filled it) in place of the expression index.
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

from newscrawl import search_index

# revision identifiers, used by Alembic.
revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOVED = ("last_seen_at", "last_run_id", "next_check_at", "etag", "last_modified")
INDEXED = ("last_seen_at", "next_check_at")
VIEWS = ("article_editors", "article_authors", "articles_current", "story_clusters", "article_changes")  # dropped in this order


def _migration(filename: str) -> ModuleType:
    """An earlier migration's module (their names start with a digit: loaded by path), for its view definitions."""
    spec = importlib.util.spec_from_file_location(f"migration_{filename[:4]}", Path(__file__).with_name(filename))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _columns() -> list[sa.Column]:
    return [
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_run_id", sa.Integer(), nullable=True),
        sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
    ]


def _drop_views() -> None:
    for view in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {view}")


def _create_views(dialect: str, articles_current: str) -> None:
    changes, clusters, queries = _migration("0005_version_changes.py"), _migration("0011_story_clusters.py"), _migration("0012_query_views.py")
    op.execute(changes.ARTICLE_CHANGES_VIEW)
    op.execute(clusters.VIEW)
    op.execute(articles_current)
    op.execute(queries.PEOPLE[dialect].format(view="authors", column="authors"))
    op.execute(queries.PEOPLE[dialect].format(view="editors", column="editors"))


def _articles_current(dialect: str, joined: bool) -> str:
    """articles_current as 0012 made it (`joined` False), or with last_seen_at from article_checks: the same columns."""
    queries = _migration("0012_query_views.py")
    extra = ", ".join(f"{sql} AS {name}" for name, sql in queries.BEIJING[dialect].items())  # published_at, crawled_at: articles'
    if not joined:
        return f"CREATE VIEW articles_current AS SELECT {', '.join(queries.COLUMNS)}, {extra} FROM articles WHERE removed_at IS NULL"
    columns = ", ".join(f"c.{name}" if name in MOVED else f"a.{name}" for name in queries.COLUMNS)
    # LEFT JOIN: a row without its article_checks row (written by hand past newscrawl) is still shown; a query
    # that reads no article_checks column does not read the table at all (both databases remove such a join).
    return (
        f"CREATE VIEW articles_current AS SELECT {columns}, {extra}"
        " FROM articles a LEFT JOIN article_checks c ON c.article_id = a.id WHERE a.removed_at IS NULL"
    )


def upgrade() -> None:
    """Upgrade schema."""
    dialect = op.get_bind().dialect.name
    _drop_views()
    op.create_table(
        "article_checks",
        sa.Column("article_id", sa.Integer(), nullable=False),
        *_columns(),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name=op.f("fk_article_checks_article_id_articles"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["last_run_id"], ["crawl_runs.id"], name=op.f("fk_article_checks_last_run_id_crawl_runs")),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_article_checks")),
    )
    op.execute(f"INSERT INTO article_checks (article_id, {', '.join(MOVED)}) SELECT id, {', '.join(MOVED)} FROM articles")
    for name in INDEXED:  # after the rows: built in one go
        op.create_index(op.f(f"ix_article_checks_{name}"), "article_checks", [name], unique=False)
    for name in INDEXED:
        op.drop_index(op.f(f"ix_articles_{name}"), table_name="articles")
    with op.batch_alter_table("articles", schema=None) as batch_op:  # SQLite: the table rebuilt without the columns
        for name in MOVED:
            batch_op.drop_column(name)
    _create_views(dialect, _articles_current(dialect, joined=True))
    if dialect == "postgresql":
        op.execute(f"DROP TABLE {search_index.PG_TABLE}")
        op.execute(search_index.CREATE_PG_INDEX)


def downgrade() -> None:
    """Downgrade schema."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"DROP INDEX {search_index.PG_INDEX}")
    _drop_views()
    with op.batch_alter_table("articles", schema=None) as batch_op:  # nullable first: filled below
        for column in _columns():
            column.nullable = True
            batch_op.add_column(column)
    moved = ", ".join(
        f"{name} = (SELECT c.{name} FROM article_checks c WHERE c.article_id = articles.id)" for name in MOVED if name != "last_seen_at"
    )
    op.execute(
        f"UPDATE articles SET {moved}, last_seen_at ="
        " coalesce((SELECT c.last_seen_at FROM article_checks c WHERE c.article_id = articles.id), first_seen_at)"
    )
    with op.batch_alter_table("articles", schema=None) as batch_op:  # SQLite: the table rebuilt with the constraint and key
        batch_op.alter_column("last_seen_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_foreign_key(batch_op.f("fk_articles_last_run_id_crawl_runs"), "crawl_runs", ["last_run_id"], ["id"])
    for name in INDEXED:
        op.create_index(op.f(f"ix_articles_{name}"), "articles", [name], unique=False)
    op.drop_table("article_checks")
    _create_views(dialect, _articles_current(dialect, joined=False))
    if dialect == "postgresql":
        op.execute(search_index.CREATE_PG_TABLE)
        search_index.fill_postgresql(op.get_bind())
