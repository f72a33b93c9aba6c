"""Meta refresh without decoding every page on the reactor thread.

Scrapy's MetaRefreshMiddleware decodes the whole body (`response.text`, with encoding detection) of every
HTML response to look for `<meta http-equiv="refresh">` in its first 4096 characters. Article pages are
read in an extraction process from their bytes, so that decoding was done only for this check. Here a page
whose first bytes cannot hold the word "refresh" passes untouched; any other page goes to Scrapy's check.
"""

from __future__ import annotations

import re
from typing import Any

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse
from w3lib.encoding import http_content_type_encoding

SCANNED_CHARS = 4096  # what Scrapy's check reads
MAX_BYTES_PER_CHAR = 4  # UTF-8 and GB18030 spend at most 4 bytes on a character
REFRESH = re.compile(rb"refresh", re.IGNORECASE)
# Byte-order marks of encodings in which ASCII words are not spelled in ASCII bytes: those pages go to Scrapy.
WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
SHIFTING_ENCODINGS = ("hz", "iso2022")  # Python codec names of encodings that switch character sets by escapes


def may_refresh(body: bytes, content_type: str | None = None) -> bool:
    """False only when the first SCANNED_CHARS characters of the page cannot hold a meta refresh."""
    if body.startswith(WIDE_BOMS):
        return True
    declared = http_content_type_encoding(content_type) if content_type else None
    if declared and "refresh".encode(declared, "ignore") != b"refresh":
        return True  # UTF-16 or -32 without a byte-order mark, EBCDIC: ASCII words are other bytes there
    if declared and declared.startswith(SHIFTING_ENCODINGS):
        return REFRESH.search(body) is not None  # escape sequences: a character may take more than 4 bytes
    return REFRESH.search(body, 0, SCANNED_CHARS * MAX_BYTES_PER_CHAR) is not None


class LazyMetaRefreshMiddleware(MetaRefreshMiddleware):
    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:  # `spider`: as the base; never passed
        if isinstance(response, HtmlResponse):
            content_type = response.headers.get(b"Content-Type")
            if not may_refresh(response.body, content_type.decode("latin-1") if content_type else None):
                return response
        return super().process_response(request, response)
