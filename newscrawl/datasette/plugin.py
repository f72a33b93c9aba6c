"""The Datasette plugin `newscrawl serve` loads: Chinese substring search, a year facet, Beijing times.

The full-text index `article_search` (migration 0010) is a contentless FTS5 table whose text has one
space between every character, so every character is a token and a substring q is the phrase of q's
characters. Datasette's own search box quotes the whole query as one token, which never matches there,
so the `articles` table is not linked to the index in the metadata and this plugin answers `?_search=`
itself: FTS5 phrase for the candidates, then `title LIKE '%q%' OR body LIKE '%q%'` for the exact rows.
The same two steps are SQL functions for the canned queries: newscrawl_phrase(q) and newscrawl_like(q).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.filters import FilterArguments
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

from newscrawl.history import _like_escape
from newscrawl.search import fts_phrase, snippet

SEARCH_INDEX = "article_search"
# Tables and views with id, title and body whose page answers ?_search= through the index.
SEARCHABLE = ("articles", "articles_current")
# Columns of the archive holding UTC times: the HTML pages show them in Beijing time.
UTC_COLUMNS = frozenset(
    {
        "published_at",
        "crawled_at",
        "first_seen_at",
        "last_seen_at",
        "changed_at",
        "removed_at",
        "next_check_at",
        "started_at",
        "finished_at",
        "fetched_at",
        "recorded_at",
        "first_failed_at",
        "last_failed_at",
        "retry_after",
    }
)
BEIJING = timedelta(hours=8)
YEAR_ARG = re.compile(r"^_(\w+)_year$")  # ?_published_at_year=2017, set by the year facet


def like_pattern(query: str) -> str:
    """`%query%` for LIKE ... ESCAPE '\\', with the wildcards in the query taken literally."""
    return f"%{_like_escape(query)}%"


def marked_snippet(body: str | None, query: str | None) -> str | None:
    """Body text around the first hit of `query`, hits 【marked】, as `newscrawl search` shows it."""
    if body is None or not query:
        return body
    return snippet("", body, [query], sqlite=True, marks=("【", "】"))


@hookimpl
def prepare_connection(conn):
    conn.create_function("newscrawl_phrase", 1, lambda q: fts_phrase(q or ""), deterministic=True)  # NULL: LIKE alone
    conn.create_function("newscrawl_like", 1, lambda q: like_pattern(q or ""), deterministic=True)
    conn.create_function("newscrawl_snippet", 2, marked_snippet, deterministic=True)


@hookimpl(trylast=True)  # last, so that its supports_search wins over Datasette's own search filter
def filters_from_request(request, database, table, datasette):
    async def inner():
        db = datasette.get_database(database)
        where, params, descriptions, context = [], {}, [], {}
        columns = await db.table_columns(table)
        for key in request.args:
            match = YEAR_ARG.match(key)
            if match and match.group(1) in columns and request.args[key].isdigit():
                year = int(request.args[key])
                column = escape_sqlite(match.group(1))
                # Beijing year as a UTC range, so the index on the column serves it.
                where.append(f"{column} >= :newscrawl_{key}_from AND {column} < :newscrawl_{key}_to")
                params[f"newscrawl_{key}_from"] = f"{year - 1}-12-31 16:00:00"
                params[f"newscrawl_{key}_to"] = f"{year}-12-31 16:00:00"
                descriptions.append(f"{match.group(1)} in {year} (Beijing time)")
        if table in SEARCHABLE and {"id", "title", "body"} <= set(columns):
            context["supports_search"] = True
            query = request.args.get("_search", "").strip()
            if query:
                phrase = fts_phrase(query)  # None when the tokenizer keeps no character of it: LIKE alone then
                if phrase and await db.table_exists(SEARCH_INDEX):
                    where.append(f"id IN (SELECT rowid FROM {SEARCH_INDEX} WHERE {SEARCH_INDEX} MATCH :newscrawl_phrase)")
                    params["newscrawl_phrase"] = phrase
                where.append("(title LIKE :newscrawl_like ESCAPE '\\' OR body LIKE :newscrawl_like ESCAPE '\\')")
                params["newscrawl_like"] = like_pattern(query)
                descriptions.append(f'title or body contains "{query}"')
                context["search"] = query
        return FilterArguments(where, params, descriptions, context)

    return inner


@hookimpl
def render_cell(value, column, table, database, datasette):
    if table is None or column not in UTC_COLUMNS or not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        return None
    return (moment + BEIJING).strftime("%Y-%m-%d %H:%M:%S") + "+08:00"


class YearFacet(Facet):
    """Rows per calendar year in Beijing time of a UTC time column: facets: [{year: published_at}]."""

    type = "year"

    async def facet_results(self):
        results, timed_out = [], []
        args = dict(self.get_querystring_pairs())
        size = self.get_facet_size()
        for source_and_config in self.get_configs():
            config = source_and_config["config"]
            column = config.get("column") or config["simple"]
            arg = f"_{column}_year"
            sql = f"""
                select strftime('%Y', {escape_sqlite(column)}, '+8 hours') as value, count(*) as count
                from ({self.sql}) where value is not null
                group by value order by value desc limit {size + 1}
            """
            try:
                rows = await self.ds.execute(
                    self.database, sql, self.params, truncate=False, custom_time_limit=self.ds.setting("facet_time_limit_ms")
                )
            except QueryInterrupted:
                timed_out.append(column)
                continue
            values = []
            for row in rows.rows[:size]:
                selected = args.get(arg) == row["value"]
                path = (
                    path_with_removed_args(self.request, {arg: row["value"]}) if selected else path_with_added_args(self.request, {arg: row["value"]})
                )
                values.append(
                    {
                        "value": row["value"],
                        "label": row["value"],
                        "count": row["count"],
                        "toggle_url": self.ds.absolute_url(self.request, path),
                        "selected": selected,
                    }
                )
            results.append(
                {
                    "name": column,
                    "type": self.type,
                    "results": values,
                    "hideable": source_and_config["source"] != "metadata",
                    "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet_year": column})),
                    "truncated": len(rows.rows) > size,
                }
            )
        return results, timed_out


@hookimpl
def register_facet_classes():
    return [YearFacet]
