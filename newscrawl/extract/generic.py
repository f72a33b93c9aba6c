"""The generic news-page extractor: any Chinese news article page -> `newscrawl.items.Article`.

It works from text landmarks, text density and position, never from the markup of one site. The
recipe, one part per step (each module says what it finds and from what):

    lines     the page read into lines (`lines.read_lines`) and its structured evidence (`pagemeta`)
    headline  the title, then its 副题/引题 (`headline`)
    meta      the meta line beside the headline, its time (`published`) and its 来源 (`metaline`)
    body      the densest prose container, cleaned of furniture, captions kept (`body`)
    people    authors and editors of the meta line and the body's credits (`people`)

Beneath them: `vocabulary` (the label words and patterns), `clues` and `credits` (what a line is, who
it credits) and `bylines` (names in a credit). `Article.extra["rules"]` records which rule gave each
field.
"""

from __future__ import annotations

from datetime import datetime

from newscrawl.extract.body import clean_body, find_body, find_images
from newscrawl.extract.credits import writer_slot
from newscrawl.extract.headline import find_subtitle, find_title, headline_before, likely_headline
from newscrawl.extract.lines import parse_html, read_lines
from newscrawl.extract.metaline import find_meta_line, find_source, publishing_account
from newscrawl.extract.pagemeta import find_meta
from newscrawl.extract.people import find_people
from newscrawl.extract.published import find_published, head_text, issue_date
from newscrawl.extract.results import CleanBody
from newscrawl.items import Article


def extract(html: str, url: str | None = None, *, now: datetime | None = None) -> Article:
    """Every field of a news article page. Never raises for odd markup; TypeError for non-str input."""
    article = Article(url=url or "")
    rules: dict[str, str] = {}
    article.extra["rules"] = rules
    root = parse_html(html)
    if root is None:
        article.extra["empty"] = True
        return article

    # lines: the page as the reader sees it, and what its <head> and JSON-LD declare
    meta = find_meta(root)
    lines = read_lines(root)
    body = find_body(lines, likely_headline(lines, meta))

    # headline: the title, then the 副题/引题 beside it
    title = find_title(lines, meta, body, find_meta_line(lines, None, body))
    if title is not None:
        article.title, rules["title"] = title.text, title.rule
    subtitle, subtitle_index, rule = find_subtitle(lines, title, meta, body)
    if subtitle:
        article.subtitle, rules["subtitle"] = subtitle, rule

    # meta: the zone beside the headline (a headline-less page takes the line above it as its title)
    zone = find_meta_line(lines, title, body)
    if title is None:
        title = headline_before(lines, zone)
        if title is not None:
            article.title, rules["title"] = title.text, title.rule
            zone = find_meta_line(lines, title, body)

    # body: the text without the headline, meta line, subtitle and furniture; its credits kept aside
    skip = [subtitle_index] if subtitle_index is not None else []
    cleaned = clean_body(lines, body, title, zone, skip) if body else CleanBody()

    # meta: the time (the body's labelled time lines are a late fallback), then the 来源
    found, rule = find_published(
        zone,
        meta,
        url=url,
        now=now,
        fallback_text=head_text(lines, title, body),
        labelled_lines=cleaned.time_lines,
    )
    if found is None and title is not None and title.index is not None:
        found, rule = issue_date(lines, title.index, now=now), "issue-line"
    if found is not None:
        article.published_at, article.published_at_raw, rules["published_at"] = found.value, found.raw, rule
        article.extra["published_has_time"] = found.has_time
    source, rule = find_source(zone, cleaned, meta, publishing_account(lines, title, zone))
    if source:
        article.source, rules["source"] = source, rule

    # people: the meta zone's credits, then the body's
    people = find_people(lines, zone, source, cleaned, meta.account)
    slot = next((reading for i in zone.indexes if (reading := writer_slot(lines[i].text)) is not None), None)
    if slot is not None:  # which reading the one name beside the time was given (author or source)
        article.extra["writer_slot"] = {"name": slot[1], "read_as": slot[0]}
    article.authors, article.editors = people.authors, people.editors
    article.byline = people.raw or None

    # item
    article.body = "\n".join(cleaned.paragraphs) or None
    article.images = find_images(body, url)
    article.extra["meta_line"] = zone.text or None
    article.extra["dropped"] = cleaned.dropped
    if body is not None:
        article.extra["body_container"] = f"{body.container.tag}[{body.start}:{body.end}]"
    return article
