"""views for plain SQL: articles_current, article_authors, article_editors (issue 9)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

`articles_current` is the articles that are not removed (removed_at IS NULL) with the times also in
Beijing time: `published_at_beijing`, `crawled_at_beijing` (SQLite: text 'YYYY-MM-DD HH:MM:SS';
PostgreSQL: timestamp without time zone) and `published_date`, the Beijing calendar day (SQLite: text
'YYYY-MM-DD'; PostgreSQL: date). The other time columns stay in UTC, as in `articles`.

`article_authors` and `article_editors` have one row per person of every article (removed ones included):
`article_id`, `article_key`, `name` and `position` (1 for the first name in the list). SQLite reads the
JSON lists with json_each, PostgreSQL with jsonb_array_elements_text; a list that is NULL or not a JSON
array gives no rows.

As with article_changes (0005): a later migration that rebuilds or alters `articles` must drop these views
first and create them again afterwards.
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The columns of `articles` shown in articles_current (removed_at is always NULL there; the revisit
# plumbing - next_check_at, etag, last_modified, run ids - is left out).
COLUMNS = (
    "id",
    "article_key",
    "url",
    "canonical_url",
    "city",
    "channel",
    "breadcrumbs",
    "title",
    "subtitle",
    "source",
    "published_at",
    "published_at_raw",
    "byline",
    "authors",
    "editors",
    "body",
    "images",
    "content_hash",
    "reprint_of_id",
    "crawled_at",
    "first_seen_at",
    "last_seen_at",
    "version",
    "changed_at",
    "warc_file",
    "warc_offset",
)

# SQLite keeps times as naive UTC text ('2017-08-13 01:19:00.000000').
BEIJING = {
    "sqlite": {
        "published_at_beijing": "datetime(published_at, '+8 hours')",
        "published_date": "date(published_at, '+8 hours')",
        "crawled_at_beijing": "datetime(crawled_at, '+8 hours')",
    },
    "postgresql": {
        "published_at_beijing": "published_at AT TIME ZONE 'Asia/Shanghai'",
        "published_date": "CAST(published_at AT TIME ZONE 'Asia/Shanghai' AS date)",
        "crawled_at_beijing": "crawled_at AT TIME ZONE 'Asia/Shanghai'",
    },
}

PEOPLE = {
    "sqlite": """
CREATE VIEW article_{view} AS
SELECT a.id AS article_id, a.article_key, p.value AS name, p.key + 1 AS position
FROM articles a, json_each(CASE WHEN json_type(a.{column}) = 'array' THEN a.{column} ELSE '[]' END) p
""",
    "postgresql": """
CREATE VIEW article_{view} AS
SELECT a.id AS article_id, a.article_key, p.name, CAST(p.position AS integer) AS position
FROM articles a
CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(a.{column}) = 'array' THEN a.{column} ELSE '[]'::jsonb END)
    WITH ORDINALITY AS p(name, position)
""",
}

VIEWS = ("articles_current", "article_authors", "article_editors")


def upgrade() -> None:
    """Upgrade schema."""
    dialect = op.get_bind().dialect.name
    extra = ", ".join(f"{sql} AS {name}" for name, sql in BEIJING[dialect].items())
    op.execute(f"CREATE VIEW articles_current AS SELECT {', '.join(COLUMNS)}, {extra} FROM articles WHERE removed_at IS NULL")
    op.execute(PEOPLE[dialect].format(view="authors", column="authors"))
    op.execute(PEOPLE[dialect].format(view="editors", column="editors"))


def downgrade() -> None:
    """Downgrade schema."""
    for view in reversed(VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {view}")
