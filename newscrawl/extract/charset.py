"""Decode raw HTML bytes into text, surviving charsets that are missing or declared wrongly.

Chinese portals often serve GBK under a UTF-8 header, UTF-8 bytes under `<meta charset=gb2312>`, or
say nothing at all. `decode_html` collects the declared charsets (HTTP header, byte-order mark,
`<meta charset>` / `<meta http-equiv>`), keeps the first one that decodes the bytes without an
error, and otherwise tries UTF-8 and GB18030 and keeps whichever decodes with the fewest
replacement characters. GB2312 and GBK are always decoded as their superset GB18030, so rare
characters (人名 like 镕, 喆) that a GB2312 page carries anyway do not turn into `\\ufffd`.
"""

from __future__ import annotations

import codecs
import re

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

# Charsets decoded by a wider codec: GB2312 and GBK pages routinely contain GB18030-only characters,
# and servers that say Latin-1 usually mean "I don't know".
SUPERSET_CODECS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "hz": "gb18030",
    "big5": "big5hkscs",
    "ascii": "utf-8",
}
# Names browsers accept that Python's codec registry does not know.
CHARSET_ALIASES = {"x-gbk": "gbk", "x-euc-cn": "gb2312", "x-gb2312": "gb2312", "gb_2312-80": "gb2312", "x-big5": "big5"}
# Codecs that decode any byte string, so "decodes cleanly" proves nothing for them.
SINGLE_BYTE_CODECS = {"latin-1", "iso8859-1", "cp1252", "iso8859-15"}
# What to try when nothing declared works, in order: UTF-8 is very strict, so it goes first.
FALLBACK_CODECS = ("utf-8", "gb18030")
REPLACEMENT_CHAR = "\ufffd"
NON_ASCII = re.compile(rb"[\x80-\xff]")


def normalize_codec(name: str | None) -> str | None:
    """The Python codec to use for a declared charset name, or None when it is unknown."""
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    name = CHARSET_ALIASES.get(name, name)
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        return None
    return SUPERSET_CODECS.get(canonical, canonical)


def _header_codec(header_charset: str | None) -> str | None:
    if not header_charset:
        return None
    if "=" in header_charset or ";" in header_charset:
        return normalize_codec(http_content_type_encoding(header_charset))
    return normalize_codec(header_charset)


def _declared_codecs(body: bytes, header_charset: str | None) -> list[str]:
    found: list[str] = []
    bom, _ = read_bom(body)
    for name in (normalize_codec(bom), _header_codec(header_charset), normalize_codec(html_body_declared_encoding(body))):
        if name and name not in found:
            found.append(name)
    return found


def _decodes_cleanly(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(body: bytes, header_charset: str | None = None) -> tuple[str, str]:
    """Return (text, codec used) for an HTML page's raw bytes.

    `header_charset` is the charset from the HTTP Content-Type (either the bare name or the
    whole header value). A leading BOM is dropped from the text.
    """
    if not isinstance(body, (bytes, bytearray, memoryview)):
        raise TypeError(f"decode_html wants bytes, got {type(body).__name__}")
    body = bytes(body)
    bom, bom_bytes = read_bom(body)
    if bom and bom_bytes:
        codec = normalize_codec(bom) or "utf-8"
        return body[len(bom_bytes) :].decode(codec, errors="replace"), codec
    if not NON_ASCII.search(body):
        return body.decode("ascii"), "ascii"

    declared = _declared_codecs(body, header_charset)
    utf8_text = _decodes_cleanly(body, "utf-8")
    for codec in declared:
        if codec in SINGLE_BYTE_CODECS:
            continue  # proves nothing: look at the bytes instead
        text = _decodes_cleanly(body, codec)
        if text is None:
            continue
        # Valid UTF-8 with multi-byte sequences is almost never an accident, whatever the page claims.
        if codec != "utf-8" and utf8_text is not None:
            return utf8_text, "utf-8"
        return text, codec

    candidates: list[tuple[int, int, str, str]] = []
    order = list(FALLBACK_CODECS) + [c for c in declared if c not in FALLBACK_CODECS]
    for rank, codec in enumerate(order):
        text = body.decode(codec, errors="replace")
        candidates.append((text.count(REPLACEMENT_CHAR), rank, codec, text))
    _, _, codec, text = min(candidates)
    return text, codec
