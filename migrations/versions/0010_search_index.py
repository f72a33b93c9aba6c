"""full-text index of titles and bodies (issue 9)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

SQLite: the contentless FTS5 table `article_search` (rowid = articles.id; title and body with a space between
every character), filled here from the rows archived before; the archive writer keeps it in step since.
PostgreSQL: the function `newscrawl_grams(text)` (distinct 1- and 2-character substrings) and the side table
`search_grams` (an article's grams) with its GIN index, filled here, kept in step by the archive writer since.
See newscrawl.search_index.
"""

from collections.abc import Sequence

from alembic import op

from newscrawl import search_index

# revision identifiers, used by Alembic.
revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        op.execute(search_index.CREATE_FTS)
        search_index.fill(connection)
    else:
        op.execute(search_index.GRAMS_FUNCTION)
        op.execute(search_index.CREATE_PG_TABLE)
        search_index.fill_postgresql(connection)


def downgrade() -> None:
    """Downgrade schema."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TABLE {search_index.TABLE}")
    else:
        op.execute(f"DROP TABLE {search_index.PG_TABLE}")
        op.execute("DROP FUNCTION newscrawl_grams(text)")
