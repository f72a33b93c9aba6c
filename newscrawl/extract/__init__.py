"""Site-independent extraction: bytes -> text (`charset.decode_html`), HTML -> Article (`generic.extract`).

Nothing here knows a particular site; page objects under `newscrawl.pages` may call the field helpers
of `generic` as fallbacks. trafilatura and GNE are used only by `newscrawl.bench`, never here.
"""

from newscrawl.extract.charset import decode_html
from newscrawl.extract.generic import extract

__all__ = ["decode_html", "extract"]
