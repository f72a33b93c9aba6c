"""Reading the page: HTML text -> an lxml tree -> the lines a reader sees, top to bottom.

Every extractor reads a page through `read_lines`: the generic extractor (`ARTICLE_READING`) and the
yybnet page object (`LAYOUT_READING`, which also keeps images as entries and a data table's row as one
line). A block element (div, p, td, li, headings, ...) or a `<br>` ends a line; inline elements (span,
a, font, b) continue it. Each `Line` knows the block element that owns it, how much of it is link or
bold text, whether an image stands just before it and whether it sits in an h1-h3 heading.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from lxml import etree

from newscrawl.dates import FoundTime

WHITESPACE = re.compile(r"[\s\u3000\xa0\u200b\ufeff]+")
# The page is parsed as UTF-8 bytes (libxml2 reads them as they are; a str it converts from UTF-16 or UCS-4),
# so these patterns are bytes. `_SPACE` is what `\s` is in a str pattern: every str.isspace() character, in UTF-8.
_SPACE = b"(?:[\\s\x1c-\x1f]|" + b"|".join(re.escape(chr(code).encode()) for code in range(0x80, 0x3001) if chr(code).isspace()) + b")"
PREMATURE_END_TAGS = re.compile(b"</" + _SPACE + b"*(?:html|body)" + _SPACE + b"*>", re.I)
XML_DECLARATION = re.compile(b"^" + _SPACE + b"*<\\?xml[^>]*>", re.I)
BLANK = re.compile(_SPACE + b"*\\Z")
LINK_TAG = "a"
EMPHASIS_TAGS = frozenset({"strong", "b", "font"})
HEADING_TAGS = frozenset({"h1", "h2", "h3"})  # a line inside one of these is `Line.heading`
CELL_TAGS = frozenset({"td", "th"})
DATA_CELL_MAX_CHARS = 30  # a data table's cell holds a figure or a short label, not a layout column


@dataclass(frozen=True)
class Reading:
    """How a page is cut into lines: which elements hide their text, which end a line, and the extras."""

    skip_tags: frozenset[str]  # elements whose text is never shown
    block_tags: frozenset[str]  # elements that start a new line
    image_entries: bool = False  # an <img> with a src is an entry of its own (its alt as text)
    data_rows: bool = False  # a data table's row (short cells of inline text) is one line


# The generic extractor's reading: buttons, media and forms hide their text too.
ARTICLE_READING = Reading(
    skip_tags=frozenset(
        (
            "script style noscript template iframe frame frameset select option optgroup textarea button svg "
            "math object embed head input map area canvas audio video source track link meta title"
        ).split()
    ),
    block_tags=frozenset(
        (
            "html body div p section article main header footer aside nav h1 h2 h3 h4 h5 h6 ul ol li dl dt "
            "dd table thead tbody tfoot tr td th caption blockquote pre center form fieldset figure "
            "figcaption address hr details summary dialog menu legend"
        ).split()
    ),
)
# A site page object's reading (yybnet's LAYOUT.md landmarks): images in place, data rows whole.
LAYOUT_READING = Reading(
    skip_tags=frozenset("script style noscript template iframe select option textarea head svg canvas object embed".split()),
    block_tags=frozenset(
        (
            "address article aside blockquote body br center dd details dialog div dl dt fieldset figcaption "
            "figure footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section summary table "
            "tbody td tfoot th thead tr ul"
        ).split()
    ),
    image_entries=True,
    data_rows=True,
)


@dataclass(slots=True, eq=False)
class Line:
    """One line of shown text: the text of a block element up to the next block boundary or <br>.

    The fields after `image` are answers about the line, filled in once by `newscrawl.extract.clues`
    the first time a finder asks (a page's lines are asked the same questions many times)."""

    index: int
    text: str
    owner: Any  # the innermost block element that holds the line
    chars: int  # characters without whitespace
    link_chars: int
    emphasis_chars: int
    after_image: bool = False  # an <img> stands between the previous line and this one
    heading: bool = False  # inside h1-h3
    image: str | None = None  # set on image entries (LAYOUT_READING): the src; the text is the alt
    times: list[FoundTime] | None = None  # dates.find_times(text)
    meta: bool | None = None  # clues.looks_meta
    prose: float | None = None  # clues.prose_score
    heading_element: Any = field(default=None)  # clues.heading_element (False: none)

    @property
    def link_ratio(self) -> float:
        return self.link_chars / self.chars if self.chars else 0.0


# lxml's plain HTML parser: lxml.html's element classes would cost a class lookup for every element walked
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, remove_blank_text=False, encoding="utf-8")  # a <meta charset> is not obeyed


def parse_html(html: str) -> Any | None:
    """The lxml root of `html`, or None for a page without markup or text.

    Premature `</body>`/`</html>` tags are removed first (the parser would otherwise keep what follows
    them only by luck), and so is an XML declaration (its encoding would contradict the text's).
    """
    if not isinstance(html, str):
        raise TypeError(f"extract wants str HTML, got {type(html).__name__}; decode bytes with decode_html")
    try:
        data = html.encode("utf-8")
    except UnicodeEncodeError:  # surrogates: a pair held as two code points is one character, a lone one is U+FFFD
        data = html.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace").encode("utf-8")
    data = XML_DECLARATION.sub(b"", data.replace(b"\x00", b""), count=1)
    data = PREMATURE_END_TAGS.sub(b"", data)
    if BLANK.match(data):
        return None
    try:
        return etree.fromstring(data, _PARSER)  # None for a document with nothing in it
    except (etree.ParserError, ValueError):
        return None


def clean_text(text: str) -> str:
    """Whitespace runs as one space, none at either end (zero-width spaces and BOMs count as whitespace)."""
    if "\u200b" in text or "\ufeff" in text:
        return WHITESPACE.sub(" ", text).strip()
    return " ".join(text.split())  # the same where only str.isspace() characters are whitespace, four times faster


def count_chars(text: str) -> int:
    """Characters of a cleaned text without its spaces."""
    return len(text) - text.count(" ")


def norm(text: str | None) -> str:
    """NFKC without whitespace: the form headlines and references are compared in."""
    if not text:
        return ""
    return _norm(text)


@lru_cache(maxsize=8192)
def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def text_content(element: Any) -> str:
    """All the text inside `element` (not its tail), as lxml.html's `text_content()` gives it."""
    return etree.tostring(element, method="text", encoding="unicode", with_tail=False)


def page_title(root: Any) -> str:
    """The text of <title>, whitespace collapsed."""
    node = root.find(".//title")
    return clean_text(text_content(node)) if node is not None else ""


def is_data_row(row: Any) -> bool:
    """A row of a data table (cells of short inline text), read as one line; layout tables keep a line per cell."""
    cells = [child for child in row if isinstance(child.tag, str) and child.tag in CELL_TAGS]
    if len(cells) < 2:
        return False
    for cell in cells:
        if any(isinstance(d.tag, str) and (d.tag in LAYOUT_READING.block_tags or d.tag == "img") for d in cell.iterdescendants()):
            return False
        if len(clean_text(text_content(cell))) > DATA_CELL_MAX_CHARS:
            return False
    return True


def read_lines(root: Any, reading: Reading = ARTICLE_READING) -> list[Line]:
    """The page's shown text as lines in reading order (what `reading` hides left out)."""
    builder = _LineBuilder(reading.image_entries)
    add, flush, pieces = builder.add, builder.flush, builder.pieces  # `if pieces:` spares a call to flush nothing
    skip_tags, block_tags, data_rows = reading.skip_tags, reading.block_tags, reading.data_rows
    body = root.find("body")
    start = body if body is not None else root
    blocks: list[Any] = [root]  # the block elements open around the current position
    whole_rows: set[Any] = set()  # data rows already read as one line
    walker = etree.iterwalk(start, events=("start", "end"))
    for event, element in walker:
        tag = element.tag  # lxml's HTML parser gives lower-case names; comments were removed by the parser
        if tag.__class__ is not str:
            tag = ""
        if event == "start":
            if tag == LINK_TAG:  # about half a page's elements, and neither hidden, a block nor a heading
                builder.link_depth += 1
            else:
                if tag in skip_tags:
                    walker.skip_subtree()
                    continue
                if data_rows and tag == "tr" and is_data_row(element):
                    flush(blocks[-1])
                    add(" ".join(clean_text(text_content(cell)) for cell in element if cell.tag in CELL_TAGS))
                    flush(blocks[-1])
                    whole_rows.add(element)
                    walker.skip_subtree()
                    continue
                if tag in block_tags:
                    if pieces:
                        flush(blocks[-1])
                    blocks.append(element)
                elif tag == "br":
                    if pieces:
                        flush(blocks[-1])
                elif tag == "img":
                    builder.image(element, blocks[-1])
                elif tag in EMPHASIS_TAGS:
                    builder.emphasis_depth += 1
                if tag in HEADING_TAGS:
                    builder.heading_depth += 1
            text = element.text
            if text and (pieces or not text.isspace()):  # indentation before any line's text is skipped without a call
                add(text)
            continue
        # the end of an element: close its line, then its tail continues the enclosing one
        if tag == LINK_TAG:
            if builder.link_depth:
                builder.link_depth -= 1
        elif tag in skip_tags or (data_rows and element in whole_rows):
            pass  # hidden, or read whole at its start: only its tail is left
        else:
            if tag in block_tags:
                if pieces:
                    flush(blocks[-1])
                if len(blocks) > 1 and blocks[-1] is element:
                    blocks.pop()
            elif tag in EMPHASIS_TAGS:
                builder.emphasis_depth = max(0, builder.emphasis_depth - 1)
            if tag in HEADING_TAGS:
                builder.heading_depth -= 1
        tail = element.tail
        if tail and element is not start and (pieces or not tail.isspace()):  # `start` is never hidden nor a row
            add(tail)
    flush(blocks[-1])
    return builder.lines


def _shows_text(text: str) -> bool:
    """`text` holds a character that is not whitespace (nor a zero-width space or BOM)."""
    if text.isspace():
        return False
    return ("\u200b" not in text and "\ufeff" not in text) or bool(WHITESPACE.sub("", text))


class _LineBuilder:
    """Collects the text pieces of the current line and closes it into a `Line`."""

    def __init__(self, image_entries: bool) -> None:
        self.lines: list[Line] = []
        self.pieces: list[str] = []
        self.link_chars = self.emphasis_chars = 0  # in the current line
        self.link_depth = self.emphasis_depth = self.heading_depth = 0
        self.heading = False  # the current line has text inside h1-h3
        self.image_entries = image_entries
        self.image_pending = False  # an <img> since the last line's text began
        self.has_text = False  # the current line has text
        self.after_image = False  # an <img> came just before the current line's text

    def add(self, text: str | None) -> None:
        if not text:
            return
        if not self.has_text and not self.heading and text.isspace():
            return  # indentation between tags before a line's text: it would be stripped, and no flush is owed for it
        self.pieces.append(text)
        if self.has_text and not (self.link_depth or self.emphasis_depth or self.heading_depth):
            return  # the common case: more plain text for a line already begun
        if not self.has_text and _shows_text(text):
            self.has_text, self.after_image, self.image_pending = True, self.image_pending, False
        if self.heading_depth and text.strip():
            self.heading = True
        if self.link_depth or self.emphasis_depth:
            n = count_chars(clean_text(text))
            if self.link_depth:
                self.link_chars += n
            if self.emphasis_depth:
                self.emphasis_chars += n

    def flush(self, owner: Any) -> None:
        if not self.pieces:
            return
        text = clean_text("".join(self.pieces)) if self.has_text else ""  # only blank pieces: no line
        self.pieces.clear()
        if text:
            chars = count_chars(text)
            self.lines.append(
                Line(
                    len(self.lines), text, owner, chars, min(self.link_chars, chars), min(self.emphasis_chars, chars), self.after_image, self.heading
                )
            )
        self.has_text = self.after_image = self.heading = False
        self.link_chars = self.emphasis_chars = 0

    def image(self, element: Any, owner: Any) -> None:
        self.image_pending = True
        if self.image_entries:
            src = element.get("src") or element.get("data-src") or element.get("data-original")
            if src:
                self.flush(owner)
                self.lines.append(Line(len(self.lines), clean_text(element.get("alt") or ""), owner, 0, 0, 0, image=src))
