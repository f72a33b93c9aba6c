"""a next check time on every article (the revisit schedule)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

`articles.next_check_at`: when the article is checked again with a conditional request
(newscrawl.schedule: 1, 3, 7, 30, 90, 365 days after publication, then yearly; restarted by a change or
a removal seen). Articles archived before this revision have none: they are due at once and are checked
within the nightly budget, most stale first, which puts each on its ladder. An index on last_seen_at
serves that order.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    # Plain ADD COLUMN and CREATE INDEX: no table rebuild, so the article_changes view (0005) stays valid.
    op.add_column("articles", sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f("ix_articles_next_check_at"), "articles", ["next_check_at"], unique=False)
    op.create_index(op.f("ix_articles_last_seen_at"), "articles", ["last_seen_at"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_articles_last_seen_at"), table_name="articles")
    op.drop_index(op.f("ix_articles_next_check_at"), table_name="articles")
    op.execute("DROP VIEW IF EXISTS article_changes")  # SQLite rebuilds the table to drop a column: the view must go first
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("next_check_at")
    op.execute(_article_changes_view())


def _article_changes_view() -> str:
    """The view as migration 0005 made it (its module name starts with a digit: loaded by path)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("migration_0005", Path(__file__).with_name("0005_version_changes.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ARTICLE_CHANGES_VIEW
