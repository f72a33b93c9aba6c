"""what each channel's list pages linked, on crawl runs

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

`crawl_runs.channel_links`: per channel walked, {"folder", "list_pages", "article_links", "other_links",
"examples"}; a channel whose list pages linked no article URL is blind (the site changed its lists or its
URL grammar), and `newscrawl crawl` ends such a night with the drift status.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel_links", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.drop_column("channel_links")
