"""A page as the reader sees it: the visible text lines, top to bottom, whatever the markup.

Block-level elements (div, p, td, li, br, headings, ...) end a line; inline ones (span, a, font, b)
continue it. Images are kept in place as their own entries. Site page objects find their fields by
text landmarks in this sequence, so they do not depend on class names or nesting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import html

from newscrawl.extract.generic import parse_html as parse_page

BLOCK_TAGS = frozenset(
    "address article aside blockquote body br center dd details dialog div dl dt fieldset figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section summary table tbody td tfoot th thead tr ul".split()
)
SKIP_TAGS = frozenset("script style noscript template iframe select option textarea head svg canvas object embed".split())
HEADING_TAGS = frozenset("h1 h2 h3".split())
WHITESPACE = re.compile(r"[\s\u3000\xa0\u200b\ufeff]+")


@dataclass
class Line:
    text: str
    heading: bool = False  # inside h1-h3
    link_chars: int = 0  # how much of the text is link text
    image: str | None = None  # set on image entries: the src (text is the alt)
    links: list[str] = field(default_factory=list)


CELL_TAGS = frozenset({"td", "th"})
DATA_CELL_MAX_CHARS = 30  # a data table's cell holds a figure or a short label, not a layout column


def is_data_row(row: html.HtmlElement) -> bool:
    """A row of a data table (cells of short inline text), read as one line; layout tables keep a line per cell."""
    cells = [child for child in row if isinstance(child.tag, str) and child.tag in CELL_TAGS]
    if len(cells) < 2:
        return False
    for cell in cells:
        if any(isinstance(d.tag, str) and (d.tag in BLOCK_TAGS or d.tag == "img") for d in cell.iterdescendants()):
            return False
        if len(clean(cell.text_content())) > DATA_CELL_MAX_CHARS:
            return False
    return True


def parse_html(markup: str) -> html.HtmlElement:
    """The generic extractor's forgiving parse (premature </html>, XML declarations); ValueError if nothing is there."""
    root = parse_page(markup)
    if root is None:
        raise ValueError("empty page: no HTML elements")
    return root


def page_title(doc: html.HtmlElement) -> str:
    node = doc.find(".//title")
    return clean(node.text_content()) if node is not None else ""


def clean(text: str) -> str:
    return WHITESPACE.sub(" ", text).strip()


def text_lines(doc: html.HtmlElement) -> list[Line]:
    """The visible lines of the page body, in reading order, empty lines removed."""
    builder = _LineBuilder()
    body = doc.find(".//body")
    builder.walk(body if body is not None else doc, heading=False, in_link=False)
    builder.end_line()
    return builder.lines


class _LineBuilder:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.parts: list[str] = []
        self.link_chars = 0
        self.heading = False
        self.links: list[str] = []

    def end_line(self) -> None:
        text = clean("".join(self.parts))
        if text:
            self.lines.append(Line(text, self.heading, min(self.link_chars, len(text)), links=self.links))
        self.parts, self.link_chars, self.heading, self.links = [], 0, False, []

    def add_text(self, text: str | None, heading: bool, in_link: bool) -> None:
        if not text:
            return
        self.parts.append(text)
        if text.strip():
            self.heading = self.heading or heading
            if in_link:
                self.link_chars += len(clean(text))

    def walk(self, node: html.HtmlElement, heading: bool, in_link: bool) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in SKIP_TAGS or not tag:
            return  # comments and processing instructions too; their tail is handled by the parent
        if tag == "tr" and is_data_row(node):
            self.end_line()
            self.add_text(" ".join(clean(cell.text_content()) for cell in node if cell.tag in CELL_TAGS), heading, in_link)
            self.end_line()
            return
        block = tag in BLOCK_TAGS
        if block:
            self.end_line()
        heading = heading or tag in HEADING_TAGS
        if tag == "a":
            in_link = True
            if node.get("href"):
                self.links.append(node.get("href"))
        if tag == "img":
            src = node.get("src") or node.get("data-src") or node.get("data-original")
            if src:
                self.end_line()
                self.lines.append(Line(clean(node.get("alt") or ""), image=src))
        self.add_text(node.text, heading, in_link)
        for child in node:
            self.walk(child, heading, in_link)
            self.add_text(child.tail, heading, in_link)
        if block:
            self.end_line()
