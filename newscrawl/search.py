"""Full-text search of the archive: `search(engine, query, filters, limit)` and the `newscrawl search` command.

A query is words separated by whitespace, all of which must occur (AND); "a quoted phrase" is one word that
may contain spaces; -word (or -"phrase") excludes the articles that contain it. A word matches where
`title LIKE '%word%' OR body LIKE '%word%'` does on that database: ASCII case is ignored on SQLite and
respected on PostgreSQL, and % and _ are plain characters. The index (newscrawl.search_index) only proposes
candidates; every one is checked with LIKE on its row, so the results are exactly LIKE's, for any length.

Ranking: articles with more of the words in the title first, then more occurrences in title and body, then
the most recently published (then the highest id). Only the newest RANK_CAP matches (by id) are ranked: a
word found in a large share of the archive (的, 潍坊) would otherwise cost a scan of every match, so its
best hits are the best among the newest RANK_CAP articles containing it.

Costs (newscrawl bench search): a query reads about RANK_CAP rows whatever its words. Two cases read more:
a word excluded from nearly every article a common word finds (活动 -各项工作) checks rows until RANK_CAP
survive, up to every article; on SQLite a word of digits or Latin letters (料7062) walks those characters'
long postings in the FTS5 index (tens of ms at 100,000 articles).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from itertools import groupby
from typing import Any, NoReturn

from sqlalchemy import BigInteger, bindparam, case, exists, func, not_, or_, select, text, type_coerce
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.engine import Connection, Engine

from newscrawl import db
from newscrawl.history import BEIJING, _json_time, _like_escape, _pad, _show_time, _width
from newscrawl.search_index import GRAMS_EXPRESSION, TABLE, grams

RANK_CAP = 200  # matches ranked at most: the newest by id
PROBE, COMMON = 50, 0.5  # PostgreSQL: newest ids read to tell how common the words are; the share called common
DEFAULT_LIMIT = 20
SNIPPET_BEFORE, SNIPPET_AFTER = 30, 70  # characters of context around the first hit
MARKS = ("[", "]")  # around every hit in a snippet
COLOR_MARKS = ("\033[1;31m", "\033[0m")  # on a terminal
_TOKENS = re.compile(r'(-?)"([^"]*)"?|(\S+)')  # -"phrase", "phrase" (an unclosed quote runs to the end), word
MAX_WORDS = 32  # words and exclusions in a query: at ~500, SQLite finds its expression tree too deep (1000)


class QueryError(ValueError):
    """A query that asks for nothing (empty, or only exclusions), or for too much (more than MAX_WORDS words)."""


@dataclass(frozen=True)
class Query:
    words: tuple[str, ...]  # each must occur in the title or the body
    excluded: tuple[str, ...] = ()  # none may occur in either


def parse_query(value: str) -> Query:
    """Words (AND), "quoted phrases" (spaces kept) and -exclusions; a lone "-" or "" is no word.

    Raises QueryError when nothing is left to look for, or more than MAX_WORDS words and exclusions."""
    words: list[str] = []
    excluded: list[str] = []
    for match in _TOKENS.finditer(value):
        minus, phrase, word = match.groups()
        if word is not None:
            minus, phrase = (word[:1], word[1:]) if word.startswith("-") else ("", word)
        if not phrase:
            continue
        target = excluded if minus else words
        if phrase not in target:
            target.append(phrase)
    if not words:
        raise QueryError("the query has no word to look for" + (" (only exclusions)" if excluded else ""))
    if len(words) + len(excluded) > MAX_WORDS:
        raise QueryError(f"the query has {len(words) + len(excluded)} words and exclusions, more than {MAX_WORDS}")
    return Query(tuple(words), tuple(excluded))


@dataclass(frozen=True)
class Filters:
    city: str | None = None
    channel: str | None = None  # the name as stored (潍坊新闻) or the slug in the key (news, weifang/news)
    source: str | None = None
    author: str | None = None  # one of the article's authors
    since: date | None = None  # published on or after this Beijing date
    until: date | None = None  # published on or before this Beijing date


@dataclass
class Hit:
    id: int
    article_key: str
    title: str
    url: str
    city: str | None
    channel: str | None
    source: str | None
    authors: list[str]
    published_at: datetime | None
    title_words: int  # how many of the words the title holds
    occurrences: int  # of all the words, in title and body
    snippet: str = ""

    def as_json(self) -> dict[str, Any]:
        out = {name: value for name, value in asdict(self).items() if name != "id"}
        out["published_at"] = _json_time(self.published_at)
        return out


def search(
    engine: Engine | Connection, query: str | Query, filters: Filters | None = None, limit: int = DEFAULT_LIMIT, marks: tuple[str, str] = MARKS
) -> list[Hit]:
    """The best `limit` articles for `query` (a string is parsed by `parse_query`), ranked as the module says;
    `marks` go around every hit in the snippets."""
    parsed = parse_query(query) if isinstance(query, str) else query
    filters = filters or Filters()
    if isinstance(engine, Connection):
        engine.info["newscrawl_caller"] = True  # settings changed for the search are undone in a savepoint
        try:
            return _search(engine, parsed, filters, limit, marks)
        finally:
            engine.info.pop("newscrawl_caller")
    with engine.connect() as connection:  # rolled back when closed: the search's settings go with it
        return _search(connection, parsed, filters, limit, marks)


def _search(connection: Connection, query: Query, filters: Filters, limit: int, marks: tuple[str, str]) -> list[Hit]:
    if limit <= 0:
        return []
    sqlite = connection.dialect.name == "sqlite"
    fold = sqlite and any(_ASCII_UPPER.search(word.upper()) for word in query.words)  # texts need folding for ASCII letters only
    ranking = _ranking(query, sqlite, fold)
    if sqlite:
        ranked = _newest_sqlite(connection, query, [*_verify(query), *_filter(filters, sqlite)], RANK_CAP, ranking)
    else:
        ranked = _newest_postgresql(connection, query, _filter(filters, sqlite), RANK_CAP, ranking)
    if not ranked:
        return []
    ranked.sort(key=_rank)
    best = {row[0]: row for row in ranked[:limit]}
    article = db.ARTICLES.c  # the text's table alone (not the join db.Article maps)
    columns = (
        article.id,
        article.article_key,
        article.title,
        article.url,
        article.city,
        article.channel,
        article.source,
        article.authors,
        article.body,
    )
    rows = {row.id: row for row in connection.execute(select(*columns).where(article.id.in_(list(best))))}
    hits = []
    for article_id, in_title, count, published_at in best.values():
        row = rows[article_id]
        hits.append(Hit(
            id=row.id, article_key=row.article_key, title=row.title, url=row.url, city=row.city, channel=row.channel,
            source=row.source, authors=list(row.authors or []), published_at=published_at, title_words=int(in_title),
            occurrences=int(count), snippet=snippet(row.title, row.body, query.words, fold, marks),
        ))  # fmt: skip
    return hits


Ranked = tuple[int, int, int, datetime | None]  # id, words in the title, occurrences, published_at


def _ranking(query: Query, sqlite: bool, fold: bool) -> tuple[Any, ...]:
    """The columns a match is ranked by, read in the statement that finds it (its text is read once)."""
    article = db.ARTICLES.c
    title_words: Any = sum((case((_like(article.title, word), 1), else_=0) for word in query.words), start=0)  # SQL expressions
    occurrences: Any = sum((_count(article.title, word, sqlite, fold) + _count(article.body, word, sqlite, fold) for word in query.words), start=0)
    return (article.id, title_words, occurrences, article.published_at)


def _ranked(rows: Any) -> list[Ranked]:
    return [(row[0], int(row[1]), int(row[2]), row[3]) for row in rows]


def _rank(row: Ranked) -> tuple:
    """More words in the title, more occurrences, published later, higher id: first."""
    article_id, in_title, count, published_at = row
    return (-in_title, -count, -published_at.timestamp() if published_at else float("inf"), -article_id)


# --- matching as LIKE does ------------------------------------------------------------------------------


def _like(column: Any, word: str) -> Any:
    return column.like(f"%{_like_escape(word)}%", escape="\\")


def _verify(query: Query) -> list[Any]:
    """LIKE on the row: what makes the results exact whatever the index proposed."""
    article = db.ARTICLES.c
    found = [or_(_like(article.title, word), _like(article.body, word)) for word in query.words]
    return found + [not_(or_(_like(article.title, word), _like(article.body, word))) for word in query.excluded]


def _count(column: Any, word: str, sqlite: bool, fold: bool) -> Any:
    """Occurrences of `word` (not overlapping) in `column`; `fold`: ASCII case ignored (SQLite's lower() folds only ASCII)."""
    if not sqlite:  # one read of the value (a body is decompressed for each reference to it)
        return func.greatest(func.cardinality(func.string_to_array(column, word)) - 1, 0)
    value, needle = (func.lower(column), _fold(word, True)) if fold else (column, word)
    return (func.length(value) - func.length(func.replace(value, needle, ""))) / len(word)


_ASCII_UPPER = re.compile("[A-Z]+")


def _fold(value: str, sqlite: bool) -> str:
    """What SQLite's LIKE compares (ASCII letters in lower case); PostgreSQL's LIKE compares the text as it is."""
    return _ASCII_UPPER.sub(lambda found: found.group().lower(), value) if sqlite else value


def _filter(filters: Filters, sqlite: bool) -> list[Any]:
    article = db.ARTICLES.c
    out: list[Any] = []
    if filters.city:
        out.append(article.city == filters.city)
    if filters.channel:
        slug = _like_escape(filters.channel)
        pattern = f"{slug}/%" if "/" in filters.channel else f"%/{slug}/%"
        out.append(or_(article.channel == filters.channel, article.article_key.like(pattern, escape="\\")))
    if filters.source:
        out.append(article.source == filters.source)
    if filters.author:
        if sqlite:
            each = func.json_each(article.authors).table_valued("value")
            out.append(exists(select(1).select_from(each).where(each.c.value == filters.author)))
        else:
            out.append(type_coerce(article.authors, JSONB).contains([filters.author]))
    if filters.since:
        out.append(article.published_at >= datetime.combine(filters.since, time(), BEIJING))
    if filters.until:
        out.append(article.published_at < datetime.combine(filters.until + timedelta(days=1), time(), BEIJING))
    return out


# --- candidates: the newest matches, newest first ----------------------------------------------------------


# Letters to Python's Unicode data but not to unicode61's (Unicode 6.1, when they were marks): New Tai Lue
# vowel and tone signs, two Vedic signs. Checked against FTS5 for every code point by tests/test_search.py.
_NOT_FTS_TOKENS = frozenset([*range(0x19B0, 0x19C1), 0x19C8, 0x19C9, 0x1CF2, 0x1CF3])


def _is_token(char: str) -> bool:
    """A character FTS5's unicode61 tokenizer surely keeps (letters, numbers, private use); the rest separate tokens."""
    category = unicodedata.category(char)
    return (category[0] in "LN" or category == "Co") and ord(char) not in _NOT_FTS_TOKENS


def fts_phrase(word: str) -> str | None:
    """The FTS5 query of a word: the phrase of each run of its token characters ("潍 坊"), ANDed; None when it has none.

    A run ends at every other character: unicode61 (Unicode 6.1) keeps as tokens some characters assigned since
    (🤔, ₽), which would stand between the run's characters in the index. Splitting only widens the candidates."""
    runs = ["".join(run) for token, run in groupby(word, _is_token) if token]
    return " AND ".join('"' + " ".join(run) + '"' for run in runs) or None


def _newest_sqlite(connection: Connection, query: Query, conditions: list[Any], cap: int, ranking: tuple[Any, ...]) -> list[Ranked]:
    """FTS5 proposes ids newest first, a chunk at a time; LIKE and the filters keep the true matches, read with
    their `ranking` columns."""
    phrases = [phrase for phrase in map(fts_phrase, query.words) if phrase]
    article = db.ARTICLES.c
    if not phrases:  # only separators (punctuation) to look for: the rows themselves, newest first
        return _ranked(connection.execute(select(*ranking).where(*conditions).order_by(article.id.desc()).limit(cap)))
    proposals = text(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :match AND rowid < :below ORDER BY rowid DESC LIMIT :n")
    match, chunk, below = " AND ".join(phrases), cap + cap // 4, 1 << 62
    found: list[Ranked] = []
    while len(found) < cap:
        proposed = list(connection.scalars(proposals, {"match": match, "below": below, "n": chunk}))
        if proposed:
            true = select(*ranking).where(article.id.in_(proposed), *conditions).order_by(article.id.desc())
            found.extend(_ranked(connection.execute(true.limit(cap - len(found)))))
        if len(proposed) < chunk:
            break
        below, chunk = proposed[-1], min(chunk * 2, 10_000)  # SQLite takes at most 32766 values a statement
    return found


# the planner settings of a search (undone with its transaction or savepoint), and the archive's lowest and highest id
SETTINGS_AND_IDS = text(
    "SELECT set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true),"
    " (SELECT min(id) FROM articles), (SELECT max(id) FROM articles)"
)


def _newest_postgresql(connection: Connection, query: Query, filters: list[Any], cap: int, ranking: tuple[Any, ...]) -> list[Ranked]:
    """The newest `cap` matches with their `ranking` columns: LIKE over a window of the newest ids, the gram index
    proposing in all but the first.

    The first window (PROBE ids) is read whole and tells how common the words are. A common word is then found
    by reading a window of the newest ids that should hold `cap` matches: the index would propose nearly every
    row there. Rarer words go through the index, over a window sized the same way (a bitmap of the primary key
    ANDed with the index's: a word in a tenth of the archive does not recheck all its articles) or over the
    whole archive. The index is the expression GIN index on articles (newscrawl.search_index), its expression
    spelled here as it was indexed. A word of one or two characters needs no LIKE where the index proposes:
    holding its gram is holding the word. Plain index scans and sequential scans are switched off, for the
    transaction or in a savepoint of the caller's, so that the planner keeps to bitmap scans: the candidates
    first, LIKE on those rows only (either other plan would compute newscrawl_grams on every row it reads).
    """
    article = db.ARTICLES.c
    needed = sorted({gram for word in query.words for gram in grams(word)})
    holds = text(f"{GRAMS_EXPRESSION} @> :grams").bindparams(bindparam("grams", needed, type_=ARRAY(BigInteger)))
    exact = Query(tuple(word for word in query.words if len(word) > 2 or "\n" in word), query.excluded)
    savepoint = connection.begin_nested() if connection.info.get("newscrawl_caller") else None
    try:
        low, high = connection.execute(SETTINGS_AND_IDS).one()[-2:]  # one round trip for both
        if high is None:
            return []
        indexed = False
        window, verify = PROBE, _verify(query)
        while True:
            bounded = high - window >= low
            newest = [article.id > high - window] if bounded else []
            proposal = [holds] if indexed else []  # the rows holding every gram (in the window: the primary key's bitmap ANDed with the GIN's)
            # PostgreSQL computes the columns of every row the scan keeps, before ORDER BY and LIMIT: over a window
            # those are at most a few hundred; the index may propose thousands, whose `cap` newest are ranked after
            columns = (article.id,) if indexed else ranking
            statement = select(*columns).where(*proposal, *newest, *verify, *filters).order_by(article.id.desc()).limit(cap)
            if indexed:
                ids = list(connection.scalars(statement))
                found = _ranked(connection.execute(select(*ranking).where(article.id.in_(ids)).order_by(article.id.desc()))) if ids else []
            else:
                found = _ranked(connection.execute(statement))
            if len(found) >= cap or not bounded:
                return found
            share = len(found) / window
            indexed, verify = (False, _verify(query)) if share >= COMMON else (True, _verify(exact))
            window = max(2 * window, int(1.2 * cap / share)) if found else 2 * (high - low + 1)
    finally:
        if savepoint is not None:
            savepoint.rollback()


# --- snippets ---------------------------------------------------------------------------------------------


def snippet(title: str, body: str, words: Sequence[str], sqlite: bool, marks: tuple[str, str] = MARKS) -> str:
    """Some body text around the first hit, every hit marked; the title when the body holds none.

    `sqlite`: find the words as SQLite's LIKE does, ignoring the case of ASCII letters."""
    body = body or ""
    folded = _fold(body, sqlite)
    firsts = [position for word in words if (position := folded.find(_fold(word, sqlite))) >= 0]
    if not firsts:
        text_ = title or ""
        return _mark(text_, 0, len(text_), words, sqlite, marks)
    start = max(0, min(firsts) - SNIPPET_BEFORE)
    end = min(len(body), min(firsts) + SNIPPET_AFTER)
    return ("…" if start else "") + _mark(body, start, end, words, sqlite, marks) + ("…" if end < len(body) else "")


def _mark(value: str, start: int, end: int, words: Sequence[str], sqlite: bool, marks: tuple[str, str]) -> str:
    folded = _fold(value, sqlite)
    spans: list[tuple[int, int]] = []
    for word in words:
        needle = _fold(word, sqlite)
        at = folded.find(needle, max(0, start - len(needle) + 1))
        while 0 <= at < end:
            spans.append((at, at + len(needle)))
            at = folded.find(needle, at + 1)
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    end = max([end, *(b for _, b in merged)])  # a hit cut by the window's end is shown whole
    start = min([start, *(a for a, _ in merged)])
    out, at = [], start
    for a, b in merged:
        out += [value[at:a], marks[0], value[a:b], marks[1]]
        at = b
    out.append(value[at:end])
    return "".join(out).replace("\r", " ").replace("\n", " ")


# --- the command ------------------------------------------------------------------------------------------


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the `newscrawl` parser."""
    parser = commands.add_parser("search", help="full-text search of titles and bodies, best hits first")
    parser.add_argument("query", help='words (all must occur), "a phrase", -excluded; e.g. 潍坊 "高新 区" -足球')
    parser.add_argument("--db", help="SQLAlchemy URL (default: $NEWSCRAWL_DATABASE_URL or sqlite:///data/newscrawl.db)")
    parser.add_argument("--city", help="a city slug, e.g. weifang")
    parser.add_argument("--channel", help="a channel's name (潍坊新闻) or slug (news, weifang/news)")
    parser.add_argument("--source", help="the source as stored, e.g. 潍坊晚报")
    parser.add_argument("--author", help="one of the authors")
    parser.add_argument("--since", help="published on or after this date (YYYY-MM-DD, Beijing time)")
    parser.add_argument("--until", help="published on or before this date (YYYY-MM-DD, Beijing time)")
    parser.add_argument("--limit", default=str(DEFAULT_LIMIT), help=f"hits shown (default {DEFAULT_LIMIT})")
    parser.add_argument("--format", default="table", help="table, json or jsonl")
    parser.error = _usage_error  # one line, status 2
    parser.set_defaults(run=cmd_search)


def _usage_error(message: str) -> NoReturn:
    print(f"newscrawl search: {message}", file=sys.stderr)
    raise SystemExit(2)


def _beijing_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        _usage_error(f"{option}: not a date: {value!r} (use YYYY-MM-DD, Beijing time)")


def cmd_search(args: argparse.Namespace) -> int:
    from newscrawl.history import ArchiveNotReady, _require_archive, use_color

    if args.format not in ("table", "json", "jsonl"):
        _usage_error(f"--format: table, json or jsonl, not {args.format!r}")
    if not args.limit.isdigit() or int(args.limit) < 1:
        _usage_error(f"--limit: a whole number from 1, not {args.limit!r}")
    since, until = _beijing_date(args.since, "--since"), _beijing_date(args.until, "--until")
    if since and until and since > until:
        _usage_error(f"--since {since} is after --until {until}")
    try:
        query = parse_query(args.query)
    except QueryError as error:
        shown = args.query if len(args.query) <= 60 else args.query[:60] + "…"
        _usage_error(f"{error}: {shown!r}")
    filters = Filters(args.city, args.channel, args.source, args.author, since, until)
    url = db.database_url(args.db)
    try:
        _require_archive(url)
    except ArchiveNotReady as error:
        print(f"newscrawl search: {error}", file=sys.stderr)
        return 1
    engine = db.make_engine(url)
    try:
        color = args.format == "table" and use_color(sys.stdout)
        hits = search(engine, query, filters, int(args.limit), COLOR_MARKS if color else MARKS)
    finally:
        engine.dispose()
    print(render(hits, args.format), end="")
    return 0


def render(hits: Sequence[Hit], fmt: str) -> str:
    """The hits as a table (for people), a JSON array or JSON lines; ends with a newline unless empty JSONL."""
    if fmt == "jsonl":
        return "".join(json.dumps(hit.as_json(), ensure_ascii=False) + "\n" for hit in hits)
    if fmt == "json":
        return json.dumps([hit.as_json() for hit in hits], ensure_ascii=False, indent=2) + "\n"
    if not hits:
        return "no article matches\n"
    rows = [("published (+08:00)", "article", "channel", "source", "title")]
    rows += [(_show_time(hit.published_at)[:16], hit.article_key, hit.channel or "", hit.source or "", hit.title) for hit in hits]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    out = [lines[0]]
    for line, hit in zip(lines[1:], hits, strict=True):
        out += [line, f"    {hit.snippet}"]
    return "\n".join(out) + "\n"
