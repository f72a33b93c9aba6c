"""The Article loader: page objects feed raw values in, small pure processors normalise them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from itemloaders.processors import Identity, MapCompose, TakeFirst
from scrapy.loader import ItemLoader

from newscrawl.items import Article

WHITESPACE = re.compile(r"[\s\u3000\xa0\u200b\ufeff]+")
SUBTITLE_DASHES = re.compile(r"^[—–\-－─]+\s*")
SOURCE_NOISE = re.compile(r"^[\s:：]+|[\s,，;；|]+$")


def clean_text(value: str | None) -> str | None:
    """Collapse whitespace (full-width and no-break spaces too); empty becomes None."""
    if value is None:
        return None
    value = WHITESPACE.sub(" ", value).strip()
    return value or None


def strip_subtitle_dashes(value: str) -> str:
    return SUBTITLE_DASHES.sub("", value)


def clean_source(value: str) -> str:
    return SOURCE_NOISE.sub("", value)


def unique_names(values: Iterable[str]) -> list[str]:
    """Names in page order, each once."""
    return list(dict.fromkeys(v for v in values if v))


def join_paragraphs(values: Iterable[str]) -> str | None:
    return "\n".join(values) or None


class ArticleLoader(ItemLoader):
    default_item_class = Article
    default_input_processor = MapCompose(clean_text)
    default_output_processor = TakeFirst()

    subtitle_in = MapCompose(clean_text, strip_subtitle_dashes, clean_text)
    source_in = MapCompose(clean_text, clean_source, clean_text)
    body_in = MapCompose(clean_text)
    body_out = join_paragraphs
    authors_out = unique_names
    editors_out = unique_names
    breadcrumbs_out = Identity()
    # Non-text values pass through untouched.
    published_at_in = published_at_out = crawled_at_in = crawled_at_out = TakeFirst()
    images_in = images_out = Identity()


def load_article(url: str, **fields: Any) -> Article:
    """An Article from raw field values (str, list of str, or other objects), through the loader."""
    loader = ArticleLoader(item=Article(url=url))
    for name, value in fields.items():
        if value is not None and value != []:
            loader.add_value(name, value)
    return loader.load_item()
