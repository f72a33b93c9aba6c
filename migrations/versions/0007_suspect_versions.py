"""suspect versions: new texts held back because they look like a take-down, not an edit

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-10

`suspect_versions`: a new text of an archived article that keeps under a fifth of the previous text and lost
the time and source the article had (a CMS's error page that no detector recognised, a page cut short) is
recorded here, not shown as the article's text, until a later fetch of the same text confirms it
(newscrawl.archive). A new table only: `articles` and `article_versions` (read by the view
`article_changes` of 0005) are not rebuilt.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "suspect_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("warc_file", sa.String(length=255), nullable=True),
        sa.Column("warc_offset", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name=op.f("fk_suspect_versions_article_id_articles")),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_runs.id"], name=op.f("fk_suspect_versions_run_id_crawl_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suspect_versions")),
    )
    with op.batch_alter_table("suspect_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_suspect_versions_article_id"), ["article_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("suspect_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_suspect_versions_article_id"))

    op.drop_table("suspect_versions")
