"""what changed between versions: fields and characters on article_versions; the article_changes view

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08

Every version row gets what changed from the version before it (newscrawl.history.version_change):
`fields_changed` (comma-separated: title, subtitle, source, published_at, people, body; NULL on
version 1), `chars_added` and `chars_removed` (0 on version 1). The versions archived before this
revision are measured here, in Python, article by article.

The view `article_changes` has one row per edit (a version after the first, kind 'edited') and one per
removed article (kind 'removed': from_version is the last version, to_version and the counts are NULL,
changed_at is removed_at). The same SQL on SQLite and PostgreSQL.

A later migration that rebuilds or alters `articles` or `article_versions` (on SQLite every batch
operation that is not a plain ADD COLUMN rebuilds the table; on PostgreSQL a column the view reads
cannot be dropped or retyped) must drop the view first and create it again afterwards.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from newscrawl.history import version_change

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ARTICLES_PER_CHUNK = 200  # articles whose versions are read, measured and updated at a time

ARTICLE_CHANGES_VIEW = """
CREATE VIEW article_changes AS
SELECT a.id AS article_id, a.article_key, a.city, a.channel, a.title,
       'edited' AS kind, v.version - 1 AS from_version, v.version AS to_version, v.fetched_at AS changed_at,
       v.run_id, v.fields_changed, v.chars_added, v.chars_removed, a.removed_at
FROM article_versions v JOIN articles a ON a.id = v.article_id
WHERE v.version > 1
UNION ALL
SELECT a.id, a.article_key, a.city, a.channel, a.title,
       'removed', a.version, NULL, a.removed_at,
       NULL, NULL, NULL, NULL, a.removed_at
FROM articles a
WHERE a.removed_at IS NOT NULL
"""

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
versions_table = sa.table(
    "article_versions",
    sa.column("id", sa.Integer()),
    sa.column("article_id", sa.Integer()),
    sa.column("version", sa.Integer()),
    sa.column("title", sa.Text()),
    sa.column("subtitle", sa.Text()),
    sa.column("source", sa.Text()),
    sa.column("published_at", sa.DateTime(timezone=True)),
    sa.column("byline", sa.Text()),
    sa.column("authors", JSON_TYPE),
    sa.column("editors", JSON_TYPE),
    sa.column("body", sa.Text()),
    sa.column("fields_changed", sa.Text()),
    sa.column("chars_added", sa.Integer()),
    sa.column("chars_removed", sa.Integer()),
)


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("article_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fields_changed", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("chars_added", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("chars_removed", sa.Integer(), nullable=True))

    backfill(op.get_bind())
    op.execute(ARTICLE_CHANGES_VIEW)


def backfill(connection: sa.Connection) -> None:
    """Measure the versions archived before this revision: version 1 at once, the later ones from their texts."""
    v = versions_table
    connection.execute(sa.update(v).where(v.c.version == 1).values(chars_added=0, chars_removed=0))
    edited = connection.scalars(sa.select(v.c.article_id).where(v.c.version > 1).distinct().order_by(v.c.article_id)).all()
    for start in range(0, len(edited), ARTICLES_PER_CHUNK):
        chunk = edited[start : start + ARTICLES_PER_CHUNK]
        rows = connection.execute(sa.select(v).where(v.c.article_id.in_(chunk)).order_by(v.c.article_id, v.c.version)).mappings().all()
        updates = []
        previous = None
        for row in rows:
            if previous is not None and previous["article_id"] == row["article_id"] and previous["version"] == row["version"] - 1:
                fields, added, removed = version_change(previous, row)
                updates.append({"row_id": row["id"], "fields": fields, "added": added, "removed": removed})
            previous = row
        if updates:
            connection.execute(
                sa.update(v)
                .where(v.c.id == sa.bindparam("row_id"))
                .values(fields_changed=sa.bindparam("fields"), chars_added=sa.bindparam("added"), chars_removed=sa.bindparam("removed")),
                updates,
            )


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("DROP VIEW IF EXISTS article_changes")
    with op.batch_alter_table("article_versions", schema=None) as batch_op:
        batch_op.drop_column("chars_removed")
        batch_op.drop_column("chars_added")
        batch_op.drop_column("fields_changed")
