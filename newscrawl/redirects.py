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

SCANNED_CHARS = 4096  # what Scrapy's check reads
MAX_BYTES_PER_CHAR = 4  # UTF-8 and GB18030 spend at most 4 bytes on a character
REFRESH = re.compile(rb"refresh", re.IGNORECASE)
# Byte-order marks of encodings in which ASCII words are not spelled in ASCII bytes: those pages go to Scrapy.
WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def may_refresh(body: bytes) -> bool:
    """False only when the first SCANNED_CHARS characters of the page cannot hold a meta refresh."""
    if body.startswith(WIDE_BOMS):
        return True
    return REFRESH.search(body, 0, SCANNED_CHARS * MAX_BYTES_PER_CHAR) is not None


class LazyMetaRefreshMiddleware(MetaRefreshMiddleware):
    def process_response(self, request: Any, response: Any) -> Any:
        if isinstance(response, HtmlResponse) and not may_refresh(response.body):
            return response
        return super().process_response(request, response)
