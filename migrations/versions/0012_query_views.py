"""views for plain SQL: articles_current, article_authors, article_editors (issue 9)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

Placeholder: filled in by the work on issue 9.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""


def downgrade() -> None:
    """Downgrade schema."""
