"""soft 404s and suspect versions counted on crawl runs

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

`crawl_runs.soft_404`: pages that answered 200 but said the article is gone (a failure on a first fetch, a
removal on a revisit); `crawl_runs.suspect`: changed texts held as suspect versions rather than stored.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("soft_404", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("suspect", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.drop_column("suspect")
        batch_op.drop_column("soft_404")
