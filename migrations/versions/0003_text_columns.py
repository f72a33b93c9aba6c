"""text columns for page and server values

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("article_versions", schema=None) as batch_op:
        batch_op.alter_column("source", existing_type=sa.VARCHAR(length=128), type_=sa.Text(), existing_nullable=True)

    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.alter_column("article_key", existing_type=sa.VARCHAR(length=128), type_=sa.Text(), existing_nullable=False)
        batch_op.alter_column("city", existing_type=sa.VARCHAR(length=64), type_=sa.Text(), existing_nullable=True)
        batch_op.alter_column("channel", existing_type=sa.VARCHAR(length=64), type_=sa.Text(), existing_nullable=True)
        batch_op.alter_column("source", existing_type=sa.VARCHAR(length=128), type_=sa.Text(), existing_nullable=True)
        batch_op.alter_column("published_at_raw", existing_type=sa.VARCHAR(length=128), type_=sa.Text(), existing_nullable=True)
        batch_op.alter_column("etag", existing_type=sa.VARCHAR(length=256), type_=sa.Text(), existing_nullable=True)
        batch_op.alter_column("last_modified", existing_type=sa.VARCHAR(length=64), type_=sa.Text(), existing_nullable=True)

    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.alter_column("finish_reason", existing_type=sa.VARCHAR(length=128), type_=sa.Text(), existing_nullable=True)

    with op.batch_alter_table("extraction_failures", schema=None) as batch_op:
        batch_op.alter_column("article_key", existing_type=sa.VARCHAR(length=128), type_=sa.Text(), existing_nullable=True)

    with op.batch_alter_table("fetch_failures", schema=None) as batch_op:
        batch_op.alter_column("article_key", existing_type=sa.VARCHAR(length=128), type_=sa.Text(), existing_nullable=True)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("fetch_failures", schema=None) as batch_op:
        batch_op.alter_column("article_key", existing_type=sa.Text(), type_=sa.VARCHAR(length=128), existing_nullable=True)

    with op.batch_alter_table("extraction_failures", schema=None) as batch_op:
        batch_op.alter_column("article_key", existing_type=sa.Text(), type_=sa.VARCHAR(length=128), existing_nullable=True)

    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.alter_column("finish_reason", existing_type=sa.Text(), type_=sa.VARCHAR(length=128), existing_nullable=True)

    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.alter_column("last_modified", existing_type=sa.Text(), type_=sa.VARCHAR(length=64), existing_nullable=True)
        batch_op.alter_column("etag", existing_type=sa.Text(), type_=sa.VARCHAR(length=256), existing_nullable=True)
        batch_op.alter_column("published_at_raw", existing_type=sa.Text(), type_=sa.VARCHAR(length=128), existing_nullable=True)
        batch_op.alter_column("source", existing_type=sa.Text(), type_=sa.VARCHAR(length=128), existing_nullable=True)
        batch_op.alter_column("channel", existing_type=sa.Text(), type_=sa.VARCHAR(length=64), existing_nullable=True)
        batch_op.alter_column("city", existing_type=sa.Text(), type_=sa.VARCHAR(length=64), existing_nullable=True)
        batch_op.alter_column("article_key", existing_type=sa.Text(), type_=sa.VARCHAR(length=128), existing_nullable=False)

    with op.batch_alter_table("article_versions", schema=None) as batch_op:
        batch_op.alter_column("source", existing_type=sa.Text(), type_=sa.VARCHAR(length=128), existing_nullable=True)
