"""full-text index of titles and bodies (issue 9)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

SQLite: the contentless FTS5 table `article_search` (rowid = articles.id; title and body with a space between
every character), filled here from the rows archived before; the archive writer keeps it in step since.
PostgreSQL: the function `newscrawl_grams(text)` (distinct 1- and 2-character substrings) and the expression
GIN index `ix_articles_search` on it, which PostgreSQL fills and keeps in step itself. See newscrawl.search_index.
"""
from typing import Sequence, Union

from alembic import op

from newscrawl import search_index


# revision identifiers, used by Alembic.
revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        op.execute(search_index.CREATE_FTS)
        search_index.fill(connection)
    else:
        op.execute(search_index.GRAMS_FUNCTION)
        op.execute(search_index.CREATE_PG_INDEX)


def downgrade() -> None:
    """Downgrade schema."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TABLE {search_index.TABLE}")
    else:
        op.execute(f"DROP INDEX {search_index.PG_INDEX}")
        op.execute("DROP FUNCTION newscrawl_grams(text)")
