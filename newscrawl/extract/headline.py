"""The headline block: the title (`find_title`), its 副题/引题 (`find_subtitle`), and the kicker above it.

The headline is the line that agrees best with `<title>`/og:title/JSON-LD headline (`pagemeta`), set as
a heading, bold or with a title-like class, near and before the body; when `<title>` agrees with no
line (missing, or the site's name only), the headline-like line just above the meta line wins
(`headline_before`). Before the body is known, `likely_headline` gives the body finder an anchor.
A breadcrumb (`首页 > 新闻`, `当前位置：…`) is never the headline.

The subtitle is the line beside the headline: a `——` line (also after the meta line), a twin line, a
line the `<title>` joins to the headline, a smaller h2-h4 heading right before the meta line, or a 引题:
the element right before the headline's heading (wrappers holding only the headline climbed),
headline-sized, no link, not named in `<title>`, and holding a label word only inside its prose
(`记者跟随…`, never `记者 张三` or `作者：`).
"""

from __future__ import annotations

import re
from typing import Any

from newscrawl import dates
from newscrawl.extract.clues import (
    HEADING_WEIGHT,
    element_hint,
    heading_element,
    heading_level,
    heading_tag,
    is_block_end,
    line_times,
    looks_meta,
)
from newscrawl.extract.credits import people_line
from newscrawl.extract.lines import Line, clean_text, norm, text_content
from newscrawl.extract.results import Body, Headline, MetaLine, PageMeta
from newscrawl.extract.vocabulary import (
    BREADCRUMB,
    EDITION_CODE,
    ISSUE_PAGE,
    KICKER_LINE,
    META_LABEL,
    PUNCTUATION,
    SENTENCE_END,
    SHARE_LINE,
    SOURCE_LABEL,
    SOURCE_LABEL_BARE,
    UI_PROMPT,
)

# Generic class/id words that hint at a headline or a subtitle (one piece of evidence among others).
TITLE_HINT = re.compile(r"title|headline|biaoti|tit\b|bt\b", re.I)
SUBTITLE_HINT = re.compile(r"sub.?title|intro.?title|pre.?title|yinti|futi|fubt|title2|summary-title", re.I)
# Separators between a headline and a site name in <title> / og:title.
TITLE_SEPARATORS = re.compile(r"\s*(?:_|\||｜|--|—{1,2}|――|\s-\s|\s–\s|-(?=[^-]*$))\s*")
# Dashes that open a yybnet-style 副题 line.
SUBTITLE_DASH = re.compile(r"^\s*(?:——|――|—|--|－－)\s*")
HEADLINE_ABOVE_META = 4  # lines above the meta line searched for a headline when <title> does not help
KICKER_MIN_CHARS, KICKER_MAX_CHARS = 8, 40  # a 引题 is headline-sized
# the parts of a column path standing above a headline: 潍坊新闻 · 寿光新闻
KICKER_PARTS = re.compile(r"[\s·•|｜/／>›»]+")
KICKER_WRAPPER_LEVELS = 3  # wrappers holding only the headline (td, tr) climbed to find the element before it


def likely_headline(lines: list[Line], meta: PageMeta) -> int | None:
    """Before the body is known: the line that agrees with <title>/og:title, preferring one followed
    by a meta line (a nav or related list may repeat the headline elsewhere)."""
    references = _references(meta)
    if not references:
        return None
    found = [line for line in lines if 4 <= line.chars <= 120 and line.link_ratio <= 0.5 and _agreement(line.text, references) >= 2.2]
    for line in found:
        if any(looks_meta(following) for following in lines[line.index + 1 : line.index + 4]):
            return line.index
    return found[0].index if found else None


def find_title(lines: list[Line], meta: PageMeta, body: Body | None, untitled_zone: MetaLine) -> Headline | None:
    """The displayed headline: the line that agrees best with <title>/og:title, near and before the body.

    `untitled_zone`: the meta line as found without a headline (`metaline.find_meta_line(lines, None, body)`),
    whose headline-like line above wins when <title> agrees with no line."""
    references = _references(meta)
    body_start = body.start if body else len(lines)
    body_end = body.end if body else len(lines)
    best: tuple[float, Line, str, float] | None = None
    any_agreement = False
    hints: dict[Any, bool] = {}  # element: has a title class or id (lines share owners and parents)
    for line in lines:
        if line.chars < 4 or line.chars > 120:
            continue
        agreement = _agreement(line.text, references)
        any_agreement = any_agreement or bool(agreement)
        heading = heading_tag(line)
        hinted = element_hint(line.owner, TITLE_HINT, seen=hints)
        if not agreement and not heading and not hinted:
            continue
        emphasis = line.emphasis_chars >= 0.8 * line.chars
        score = agreement * 2
        score += HEADING_WEIGHT.get(heading or "", 0.0) + (0.5 if hinted else 0.0) + (0.2 if emphasis else 0.0)
        if SENTENCE_END.search(line.text[:-1]) or (PUNCTUATION.search(line.text) and line.chars > 60):
            score -= 0.8
        if line.link_ratio > 0.5:
            score -= 1.5
        if line.index < body_start:
            score += 1.0 - min(body_start - line.index, 60) / 60
        elif line.index < body_end:
            score += 0.6 if line.index - body_start < 4 else -1.0
        else:
            score -= 3.0
        rule = "line+title-ref" if agreement else ("heading" if heading else "title-class")
        if best is None or score > best[0]:
            best = (score, line, rule, agreement)
    if best and best[3] >= 2.0:
        return Headline(best[1].text, best[1].index, best[2])
    # <title> agrees with no line (missing, or only the site's name): trust the page's layout
    above = headline_before(lines, untitled_zone)
    if above is None and body is not None:
        above = headline_before(lines, MetaLine([body.start]))
    if above is not None:
        return above
    if best and (best[0] >= 2.0 or not any_agreement):
        return Headline(best[1].text, best[1].index, best[2])
    if references:
        head = _title_from_references(meta.titles)
        if head:
            return Headline(head, None, "title-tag")
    if best:
        return Headline(best[1].text, best[1].index, best[2])
    return None


def headline_before(lines: list[Line], zone: MetaLine) -> Headline | None:
    """The headline-like line among the few just above the meta line (for pages whose <title> does not help):
    headline-sized, not a sentence, not a link, not a date or an address; headings and bold text first."""
    if not zone.indexes:
        return None
    first = zone.indexes[0]
    best: tuple[float, Line] | None = None
    for line in lines[max(0, first - HEADLINE_ABOVE_META) : first]:
        text = line.text
        if line.link_ratio > 0.5 or re.search(r"https?://|www\.|\.(?:com|cn|net)\b", text, re.I):
            continue
        if not 6 <= line.chars <= 80 or SENTENCE_END.search(text[:-1]) or looks_meta(line):
            continue
        if len(re.findall(r"\d", text)) > line.chars / 2 or SUBTITLE_DASH.match(text) or BREADCRUMB.search(text):
            continue
        heading = heading_element(line)
        if best is not None and heading is not None and heading is heading_element(best[1]):
            continue  # a headline set on two lines: its first line is the headline
        score = HEADING_WEIGHT.get(heading_tag(line) or "", 0.0) + (0.5 if line.emphasis_chars >= 0.8 * line.chars else 0.0)
        score += 0.5 if element_hint(line.owner, TITLE_HINT) else 0.0
        score -= 0.1 * (first - line.index)
        if best is None or score > best[0]:
            best = (score, line)
    if best is None:
        return None
    return Headline(best[1].text, best[1].index, "above-meta-line")


def title_segments(reference: str) -> list[str]:
    """`<title>`-like text cut at site-name separators: every prefix that ends before a separator."""
    reference = clean_text(reference)
    out = [reference]
    for match in TITLE_SEPARATORS.finditer(reference):
        head = reference[: match.start()].strip()
        if len(norm(head)) >= 4:
            out.append(head)
        tail = reference[match.end() :].strip()
        if len(norm(tail)) >= 4:
            out.append(tail)
    return out


def _references(meta: PageMeta) -> list[str]:
    """The headline references of the page (<title>, og:title, ... and their segments), normalised."""
    references = (norm(segment) for reference in meta.titles for segment in title_segments(reference))
    return [reference for reference in references if reference]


def _agreement(candidate: str, references: list[str]) -> float:
    """How well a line agrees with the normalised headline references: 3 equal, 2.6 a prefix ending at a
    separator, 2.2 another prefix, 1.8 inside one, 1.0 holding one; 0 for none."""
    text = norm(candidate)
    if len(text) < 4:
        return 0.0
    best = 0.0
    for ref in references:
        if text == ref:
            return 3.0
        if ref.startswith(text):
            rest = ref[len(text) :]
            best = max(best, 2.6 if TITLE_SEPARATORS.match(rest) or rest[:1] in "_|-—｜" else 2.2)
        elif text in ref and len(text) >= 6:
            best = max(best, 1.8)
        elif ref in text and len(ref) >= 6:
            best = max(best, 1.0)
    return best


def _title_from_references(titles: list[str]) -> str | None:
    """The headline part of a <title>: the text before the first site separator (longest part if tiny)."""
    for reference in titles:
        reference = clean_text(reference)
        if not reference:
            continue
        parts = [p.strip() for p in TITLE_SEPARATORS.split(reference) if p and p.strip()]
        if not parts:
            continue
        head = parts[0]
        if len(norm(head)) < 6 and len(parts) > 1:
            head = max(parts, key=lambda p: len(norm(p)))
        return head
    return None


def find_subtitle(
    lines: list[Line],
    title: Headline | None,
    meta: PageMeta,
    body: Body | None = None,
) -> tuple[str | None, int | None, str]:
    """The 副题 (line after the headline) or 引题 (line before) shown with the headline.

    The headline's own line is tried first, then a repeat of it at the top of the body.
    """
    if title is None or title.index is None:
        return None, None, ""
    title_norm = norm(title.text)
    places = [title.index]
    if body is not None:
        places += [i for i in range(max(title.index + 1, body.start), min(body.end, body.start + 6)) if norm(lines[i].text) == title_norm]
    for place in places:
        found = _subtitle_beside(lines, place, title, meta)
        if found[0]:
            return found
    return None, None, ""


def _subtitle_beside(lines: list[Line], place: int, title: Headline, meta: PageMeta) -> tuple[str | None, int | None, str]:
    head_line = lines[place]
    full_refs = [norm(reference) for reference in meta.titles]
    for offset in (1, -1):
        index = place + offset
        # a 副题 may follow the meta line (yybnet: headline, meta line, ——subtitle)
        while offset == 1 and 0 <= index < min(len(lines), place + 4) and looks_meta(lines[index]) and not SUBTITLE_DASH.match(lines[index].text):
            index += 1
        if not 0 <= index < len(lines):
            continue
        line = lines[index]
        text = line.text
        dashed = SUBTITLE_DASH.match(text)
        if line.chars < 2 or line.chars > 80 or line.link_ratio > 0.2:
            continue
        if _is_meta_text(text) and not dashed and not (offset == -1 and _kicker_with_label_word(line, head_line, full_refs)):
            continue
        if norm(text) == norm(title.text) or is_block_end(text) or SHARE_LINE.match(text) or BREADCRUMB.search(text):
            continue
        if (UI_PROMPT.search(text) and not dashed) or KICKER_LINE.match(text) or EDITION_CODE.match(text):
            continue  # a dashed 副题 may hold a UI word: ——读书分享会工作侧记
        clean = SUBTITLE_DASH.sub("", text).strip()
        if not clean:
            continue
        joined = [norm(title.text) + norm(text), norm(text) + norm(title.text), norm(title.text) + norm(clean)]
        if any(ref.startswith(j) for ref in full_refs for j in joined if len(j) > len(norm(title.text)) + 1):
            return clean, index, "beside-headline+title-ref"
        if offset == 1 and dashed:
            return clean, index, "dash-line"
        if SENTENCE_END.search(text) or line.chars > 60:
            continue
        if abs(index - place) > 1:
            continue  # only a dashed line may stand apart from the headline
        if offset == -1 and _kicker_above(line, head_line, full_refs):
            return clean, index, "kicker-above-heading"
        heading = heading_element(head_line)
        if offset == 1 and heading is not None and heading is heading_element(line):
            return clean, index, "inside-headline"
        if offset == 1 and _subheading_before_meta(lines, line, head_line):
            return clean, index, "subheading-before-meta"
        related = _related(line.owner, head_line.owner)
        if element_hint(line.owner, SUBTITLE_HINT, 1) and related:
            return clean, index, "subtitle-class"
        if related and _same_look(line.owner, head_line.owner) and (offset == -1 or head_line.emphasis_chars or heading_tag(head_line) is None):
            return clean, index, "twin-of-headline"
    return None, None, ""


def _is_meta_text(text: str) -> bool:
    return bool(META_LABEL.search(text)) or bool(dates.find_times(text))


def _subheading_before_meta(lines: list[Line], line: Line, head_line: Line) -> bool:
    """A 副题 set as a smaller heading (h2-h4) of its own right after a headline heading and right before
    the meta line. A section heading inside the body has no meta line after it."""
    level, head_level = heading_level(line), heading_level(head_line)
    if level is None or head_level is None or not 2 <= level <= 4 or level <= head_level:
        return False
    if line.index != head_line.index + 1 or line.index + 1 >= len(lines):
        return False
    return looks_meta(lines[line.index + 1])


def _kicker_above(line: Line, head_line: Line, full_refs: list[str]) -> bool:
    """A 引题 just above a headline set in a heading element: the text of the element right before that
    heading (empty siblings skipped), headline-sized, no link, no label, and not named in <title>/og:title
    (a column or site name standing above the headline is: `…东区办事处_中山网`). Navigation, breadcrumbs,
    column names and dates standing above the headline fail one of these."""
    heading = heading_element(head_line)
    if heading is None or not KICKER_MIN_CHARS <= line.chars <= KICKER_MAX_CHARS or line.link_chars:
        return False
    text = norm(line.text)
    if text.endswith((":", "：")) or any(text in ref for ref in full_refs) or ISSUE_PAGE.search(text):
        return False  # a label, the site or column name, or an e-paper page name (第A05版：本地新闻)
    # a column path (潍坊新闻 · 寿光新闻) names a part the <title> carries as a separate segment
    title_parts = {norm(part) for ref in full_refs for part in TITLE_SEPARATORS.split(ref) if part}
    if any(norm(part) in title_parts for part in KICKER_PARTS.split(line.text) if len(norm(part)) >= 2):
        return False
    previous = _element_before(heading)
    if previous is None or norm(text_content(previous)) != text:
        return False
    return previous is line.owner or any(element is line.owner for element in previous.iter())


def _kicker_with_label_word(line: Line, head_line: Line, full_refs: list[str]) -> bool:
    """A 引题 above the headline that merely holds a label word in its prose (入伏首日 记者跟随洒水车夜间作业):
    no time, no 来源, no label followed by a colon, and no credit the bylines module reads."""
    text = line.text
    if line_times(line) or SOURCE_LABEL.search(text) or SOURCE_LABEL_BARE.search(text):
        return False
    if re.search(rf"(?:{META_LABEL.pattern})\s*[：:/／]", text) or people_line(text) is not None:
        return False
    return _kicker_above(line, head_line, full_refs)


def _element_before(element: Any) -> Any | None:
    """The element with text right before `element` (empty siblings skipped); where `element` is the first
    with text in a wrapper that holds nothing but its text (<tr><td><h1>…), the element before that wrapper."""
    own = norm(text_content(element))
    for _ in range(KICKER_WRAPPER_LEVELS + 1):
        previous = element.getprevious()
        while previous is not None and (not isinstance(previous.tag, str) or not norm(text_content(previous))):
            previous = previous.getprevious()
        if previous is not None:
            return previous
        parent = element.getparent()
        if parent is None or norm(text_content(parent)) != own or (parent.text or "").strip():
            return None
        element = parent
    return None


def _related(a: Any, b: Any) -> bool:
    """Siblings, cousins, or one inside the other."""
    if a is b:
        return True
    pa, pb = a.getparent(), b.getparent()
    if pa is b or pb is a or (pa is not None and pa is pb):
        return True
    gpa = pa.getparent() if pa is not None else None
    gpb = pb.getparent() if pb is not None else None
    return gpa is not None and gpa is gpb


def _same_look(a: Any, b: Any) -> bool:
    return a.tag == b.tag and (a.get("align") or "") == (b.get("align") or "") and a.tag not in ("div",)
