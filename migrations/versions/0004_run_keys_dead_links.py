"""run keys and workers on crawl runs; dead links with backoff

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "dead_links",
        sa.Column("article_key", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retry_after", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("article_key", name=op.f("pk_dead_links")),
    )
    with op.batch_alter_table("dead_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dead_links_retry_after"), ["retry_after"], unique=False)

    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("run_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("worker", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_crawl_runs_run_key"), ["run_key"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crawl_runs_run_key"))
        batch_op.drop_column("worker")
        batch_op.drop_column("run_key")

    with op.batch_alter_table("dead_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dead_links_retry_after"))

    op.drop_table("dead_links")
