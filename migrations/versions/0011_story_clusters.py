"""story clusters over MinHash LSH bands (issue 9)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

Tables story_members (every article: its cluster and the MinHash of its text) and story_bands (the signature's
LSH band hashes, indexed), the view story_clusters(article_key, cluster_id, canonical_key, copies), and the
clusters of the rows already archived (newscrawl.clusters).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The canonical copy: the earliest published (rows without a time after those with one), ties to the lowest id.
# The same SQL on SQLite (3.25+, window functions) and PostgreSQL.
VIEW = """
CREATE VIEW story_clusters AS
SELECT a.article_key AS article_key,
       m.cluster_id AS cluster_id,
       FIRST_VALUE(a.article_key) OVER (
           PARTITION BY m.cluster_id ORDER BY CASE WHEN a.published_at IS NULL THEN 1 ELSE 0 END, a.published_at, a.id
       ) AS canonical_key,
       COUNT(*) OVER (PARTITION BY m.cluster_id) AS copies
FROM articles a JOIN story_members m ON m.article_id = a.id
"""


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "story_members",
        sa.Column("article_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_story_members")),
    )
    op.create_index(op.f("ix_story_members_cluster_id"), "story_members", ["cluster_id"], unique=False)
    op.create_table(
        "story_bands",
        sa.Column("band_hash", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("article_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("band_hash", "article_id", name=op.f("pk_story_bands")),
        sqlite_with_rowid=False,
    )
    op.execute(VIEW)
    from newscrawl.clusters import rebuild_on

    rebuild_on(op.get_bind())


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("DROP VIEW IF EXISTS story_clusters")
    op.drop_table("story_bands")
    op.drop_index(op.f("ix_story_members_cluster_id"), table_name="story_members")
    op.drop_table("story_members")
