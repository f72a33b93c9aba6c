"""Site-independent extraction: bytes -> text (`charset.decode_html`), HTML -> Article (`generic.extract`).

Nothing here knows a particular site; page objects under `newscrawl.pages` read pages with
`lines.read_lines` and may use the finders as fallbacks. The modules, by what they find:

    charset     the page's text from its bytes (a wrong or missing charset survived)
    lines       the page read into lines (one line builder for every extractor)
    pagemeta    <title>, <meta> and JSON-LD evidence: headline references, structured times, declared source
    headline    the title, its 副题/引题 and kicker
    metaline    the meta line beside the headline and its 来源
    published   the publication time
    body        the article text: densest prose container, furniture dropped, captions kept; its images
    people      authors and editors
    generic     the orchestrator: lines -> headline -> meta -> body -> people -> Article

Beneath the finders: `vocabulary` (label words and patterns used by more than one part), `clues`
(what a line is: prose, meta, caption, time line, 来源 line, block end), `credits` (who a line
credits), `bylines` (the names in a credit) and `results` (what the finders hand each other).
trafilatura and GNE are used only by `newscrawl.bench`, never here.
"""

from newscrawl.extract.charset import decode_html
from newscrawl.extract.generic import extract

__all__ = ["decode_html", "extract"]
