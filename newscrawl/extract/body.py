"""The article's text: the densest prose container (`find_body`), cleaned of what is not the article.

`find_body` scores block elements by the prose they own (`clues.prose_score`, passed on decaying to
ancestors, times one minus the link density), prefers a container starting just after the likely
headline, and takes in a lead paragraph set beside it unless it restates the body (a summary box).

`clean_body` drops the headline repeats, the meta line, standalone bylines and staff lines (their
names are kept for `people`), `原标题` lines, buttons and app prompts, copyright and edition lines,
duplicates, production-staff lines (`审核：欧钰涵`: no author nor editor), and everything from a
相关新闻/新闻推荐/猜你喜欢/分享到 landmark on. It reads staff, labelled-time and 来源 lines just after the
article too, never past a landmark that opens other stories. Image captions stay in the body; a photo
credit closing one names no author, but a credit of the text there (`(本报记者 廖刚颖 文/图)`) does.
`find_images` lists the container's images with their captions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin

from newscrawl.extract import bylines
from newscrawl.extract.clues import (
    is_block_end,
    is_caption,
    is_link_line,
    is_prose,
    is_source_line,
    is_time_line,
    looks_meta,
    opens_other_stories,
    prose_score,
    unique,
)
from newscrawl.extract.credits import (
    NUMBER_COUNTER,
    bracket_people,
    byline_call,
    caption_photo_credit,
    captioned_photo_credit,
    is_caption_credit,
    labelled_people,
    lead_credit,
    parse_people,
    people_line,
)
from newscrawl.extract.lines import Line, clean_text, norm, text_content
from newscrawl.extract.results import Body, CleanBody, Headline, MetaLine
from newscrawl.extract.vocabulary import (
    BREADCRUMB,
    CAPTION_MAX_CHARS,
    CJK,
    CJK_PUNCTUATION,
    COPYRIGHT_LINE,
    EDITION_CODE,
    KICKER_LINE,
    ORIGINAL_TITLE,
    PRODUCTION_LABEL,
    PUNCTUATION,
    SENTENCE_END,
    SHARE_LINE,
    SOURCE_LABEL,
    STAFF_LABEL_LINE,
    UI_PROMPT,
)
from newscrawl.items import Image

# Finding the container: a line's prose counts for its owner and, decaying, for three ancestors.
ANCESTOR_WEIGHTS = (1.0, 1.0, 0.5, 0.25)
ANCHOR_NEAR = 15  # a container starting this close after the likely headline is preferred
ANCHOR_BONUS = 1.5
SUMMARY_OVERLAP = 0.5  # share of a paragraph's bigrams found in the body above which it is a summary

# Cleaning the text: what is not the article, and the credits it holds.
TAIL_WINDOW = 12  # lines after the body searched for staff/source lines
PRODUCTION_BLOCK_WINDOW = 40  # lines after the body searched for a production-credit block (past a sidebar)
# a comment section's header with its count after the word or in 条: 评论(3), 跟贴 12, 共12条评论
COMMENTS_HEADER = re.compile(r"(?:评论|評論|跟帖|跟贴|留言)\s*[(（:：]?\s*\d+|\d+\s*[条條]\s*(?:评论|評論|跟帖|跟贴|留言)")
TAIL_JUNK_CHARS = 30  # a last line this short without Chinese punctuation is a button or a promo, not text
LEAD_PARAGRAPHS = 3  # leading paragraphs searched for a lead byline (a photo caption may come first)
# a credit closing a paragraph in brackets: …。(记者 张三)
TRAILING_BRACKET = re.compile(r"[)）\]】〕]\s*[。.]?\s*$")
UNCLOSED_BRACKET = re.compile(r"[(（\[【〔][^()（）\[\]【】〔〕]{1,40}$")  # a credit bracket the page never closes
# a bracket closing a line or a paragraph: (来源：新华社) alone, or …。（来源：新华社）
CLOSING_BRACKET = re.compile(r"[(（\[【〔](?P<inner>[^()（）\[\]【】〔〕]{2,40})[)）\]】〕]\s*[。.]?\s*$")
# a closing 来源 sentence without a colon: 本文来源于市统计局 (the value is the rest of the line)
SOURCE_SENTENCE = re.compile(r"^\s*(?:本文|文章|本稿|稿件|信息)(?:来源|來源)(?:于|於|自)\s*(?P<value>[^\s，。,；;：:（）()]{2,30})\s*[。.]?\s*$")
# a mark pointing up at the image just above: a line opening with it under an image is its caption
CAPTION_POINTER = re.compile(r"^\s*[▲△↑⬆☝]")
# A production-staff line (审核：欧钰涵, 监制：张三 李四): names only, under a role that is neither author nor editor.
PRODUCTION_STAFF_LINE = re.compile(
    r"^[\s【\[（(]*(?:审核|審核|审校|審校|初审|复审|终审|終審|监制|監製|统筹|統籌|策划|策劃|出品人|主编|主編|编审|編審)"
    r"\s*[：:]\s*[\u4e00-\u9fff·]{2,6}(?:\s*[、，,\s]\s*[\u4e00-\u9fff·]{2,6}){0,3}[】\]）)]?\s*$"
)
# a print edition note: 《潍坊日报》2018年7月20日 A05版
EDITION_NOTE = re.compile(r"^[（(]?\s*《[^》]{1,20}》\s*[（(]?\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日?\s*[\d\w]*\s*版?\s*[)）]?\s*[)）]?$")
PHOTO_MARKERS = re.compile(r"^[①-⑳\s]+$")  # ①③④ opening a photo story: shown text, kept
# a dateline (本报讯, 新华社北京3月5日电): the lead of the text, never a meta line
DATELINE = re.compile(r"(?:电|電|讯|訊|报道|報導)\s*$|^\S{0,24}?\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:电|電|讯|訊)")


def find_body(lines: list[Line], anchor: int | None = None) -> Body | None:
    """The block element holding the most prose, weighed down by its link density.

    `anchor`: the line index of the likely headline (`headline.likely_headline`); containers that start just
    after it are preferred and those that end before it are not.
    """
    cache: dict[Any, list[Any]] = {}
    score: dict[Any, float] = {}
    total: dict[Any, int] = {}
    linked: dict[Any, int] = {}
    first: dict[Any, int] = {}
    last: dict[Any, int] = {}
    chains = []  # each line's owner and its ancestors
    for line in lines:
        chain = cache.get(line.owner) or _ancestors(line.owner, cache)  # lines share owners: most are cached
        chains.append(chain)
        owner = chain[0]
        total[owner] = total.get(owner, 0) + line.chars
        linked[owner] = linked.get(owner, 0) + line.link_chars
        first.setdefault(owner, line.index)
        last[owner] = line.index
        value = prose_score(line)
        if value:
            for element, weight in zip(chain, ANCESTOR_WEIGHTS, strict=False):  # the nearest ancestors only
                score[element] = score.get(element, 0.0) + value * weight
    # Each element's sums over the lines beneath it, summed up the tree once, deepest elements first.
    for chain in sorted(cache.values(), key=len, reverse=True):
        if len(chain) < 2:
            continue
        element, parent = chain[0], chain[1]
        if element not in total:
            continue
        total[parent] = total.get(parent, 0) + total[element]
        linked[parent] = linked.get(parent, 0) + linked[element]
        starts, ends = first[element], last[element]
        if first.get(parent, starts) >= starts:
            first[parent] = starts
        if last.get(parent, ends) <= ends:
            last[parent] = ends
    best, best_score = None, 0.0
    for element, value in score.items():
        if element.tag in ("html",):
            continue
        density = linked[element] / total[element] if total[element] else 0.0
        final = value * (1.0 - density)
        if anchor is not None:
            if anchor - 2 <= first[element] <= anchor + ANCHOR_NEAR:
                final *= ANCHOR_BONUS
            elif last[element] < anchor:
                final *= 0.5
        if final > best_score:
            best, best_score = element, final
    if best is None:
        return None
    inside = [index for index in range(first[best], last[best] + 1) if best in chains[index]]
    start = _lead_paragraphs_before(lines, inside[0], inside[-1] + 1, best, cache)
    return Body(best, start, inside[-1] + 1, best_score)


def closing_source(text: str) -> str | None:
    """A 来源 label that closes a line or a paragraph in brackets (`…。（来源：新华社）`), or a closing
    `本文来源于市统计局` line, as a label line (`来源：新华社`); else None."""
    bracket = CLOSING_BRACKET.search(text)
    if bracket is not None and SOURCE_LABEL.match(bracket.group("inner").strip()):
        return bracket.group("inner").strip()
    sentence = SOURCE_SENTENCE.match(text)
    if sentence is not None:
        return "来源：" + sentence.group("value")
    return None


def _ancestors(element: Any, cache: dict[Any, list[Any]]) -> list[Any]:
    """The element and its ancestors, innermost first (cached per element)."""
    chain = cache.get(element)
    if chain is not None:
        return chain
    pending = []
    node = element
    while node is not None and node not in cache:
        pending.append(node)
        node = node.getparent()
    tail = cache[node] if node is not None else []
    for item in reversed(pending):
        tail = [item] + tail
        cache[item] = tail
    return cache[element]


def _bigrams(text: str) -> set[str]:
    text = norm(text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _lead_paragraphs_before(lines: list[Line], start: int, end: int, container: Any, cache: dict[Any, list[Any]]) -> int:
    """Take in prose paragraphs just before the container that sit beside it (a lead set apart as a
    sibling), unless they restate the body (a summary box)."""
    parent = container.getparent()
    if parent is None:
        return start
    body_grams: set[str] | None = None  # the body's bigrams, gathered only when a lead is weighed
    index = start - 1
    while index >= 0:
        line = lines[index]
        if line.chars < 40 or line.link_ratio > 0.2 or not SENTENCE_END.search(line.text) or looks_meta(line):
            break
        chain = _ancestors(line.owner, cache)
        if parent not in chain or container in chain:
            break
        grams = _bigrams(line.text)
        if body_grams is None:
            body_grams = set().union(*(_bigrams(body_line.text) for body_line in lines[start:end]))
        if grams and len(grams & body_grams) / len(grams) > SUMMARY_OVERLAP:
            break
        index -= 1
    return index + 1


def clean_body(
    lines: list[Line],
    body: Body,
    title: Headline | None,
    zone: MetaLine,
    skip_indexes: Iterable[int] = (),
) -> CleanBody:
    """The article's paragraphs, with everything that is not article text moved out or dropped."""
    out = CleanBody()
    title_norm = norm(title.text) if title else ""
    skip = set(zone.indexes) | set(skip_indexes)
    if title and title.index is not None:
        skip.add(title.index)
    start = body.start
    if title is not None and title.index is not None and body.start <= title.index < body.end:
        start = title.index + 1  # what stands above the headline (nav, breadcrumb) is never body
    span = lines[start : body.end]
    link_lines = {line.index for line in span if is_link_line(line)}
    seen_prose = False
    cut = body.end
    leads_tried = 0
    seen_text: set[str] = set()
    captions: set[int] = set()  # indexes in out.paragraphs of captions right under an image in the text
    closing_sources: list[tuple[int, str]] = []  # (paragraphs up to and with it, 来源 value) of closing 来源 labels

    def drop(reason: str) -> None:
        out.dropped[reason] = out.dropped.get(reason, 0) + 1

    def take_people(people: bylines.Byline | None, text: str) -> bool:
        if people is None or not (people.authors or people.editors):
            return False
        out.authors.extend(people.authors)
        out.editors.extend(people.editors)
        out.bylines.append(text)
        return True

    for line in span:
        text = line.text
        if is_time_line(text):
            out.time_lines.append(text)
        if line.index in skip:
            drop("meta-or-headline")
            continue
        if seen_prose and is_block_end(text):
            drop("block-end")
            cut = line.index
            break
        if title_norm and norm(text) == title_norm:
            drop("headline-repeat")
            continue
        if line.index in link_lines:
            take_people(bracket_people(text, alone=False), text) if line.chars <= 80 else None
            drop("links")
            continue
        if source := closing_source(text):
            # only a 来源 that closes the text counts: kept aside until the last paragraph is known
            closing_sources.append((len(out.paragraphs), source))
            if CLOSING_BRACKET.match(text.strip()) or SOURCE_SENTENCE.match(text):
                take_people(labelled_people(source), text)  # （来源：新华社 记者 张三）
                drop("source-line")  # (来源：新华社) or 本文来源于市统计局 on a line of its own
                continue
            closing_sources[-1] = (len(out.paragraphs) + 1, source)  # …。（来源：新华社） closing this paragraph
        if line.chars <= 60 and is_caption(line) and CAPTION_POINTER.match(text) and is_caption_credit(text):
            out.paragraphs.append(text)  # ▲记者张三摄 under an image: the photo's credit, body, no author
            seen_text.add(norm(text))
            continue
        if line.chars <= 60 and (
            take_people(people_line(text), text) or take_people(bracket_people(text), text) if not SENTENCE_END.search(text[:-1]) else False
        ):
            drop("byline-or-staff")
            continue
        if STAFF_LABEL_LINE.match(text) and line.chars <= 40:
            take_people(parse_people(text), text)
            drop("staff-label-line")
            continue
        if PRODUCTION_STAFF_LINE.match(text) and line.chars <= 40:
            drop("production-staff-line")  # 审核：欧钰涵 names no author or editor and is no body
            continue
        if ORIGINAL_TITLE.match(text):
            drop("original-title")
            continue
        if SHARE_LINE.match(text) or (COPYRIGHT_LINE.search(text) and line.chars < 200):
            if is_source_line(text):
                out.source_lines.append(text)  # 版权声明 来源：当代商报
            drop("share-or-copyright")
            continue
        if EDITION_NOTE.match(text) or KICKER_LINE.match(text) or EDITION_CODE.match(text):
            drop("edition-or-kicker")
            continue
        if SOURCE_LABEL.match(text) and line.chars <= 80:
            out.source_lines.append(text)
            take_people(labelled_people(text), text)
            drop("source-line")
            continue
        if line.chars <= 50 and UI_PROMPT.search(text) and not SENTENCE_END.search(text):
            drop("ui-prompt")
            continue
        if line.chars >= 20 and norm(text) in seen_text:
            drop("duplicate")
            continue
        if (
            not seen_prose
            and looks_meta(line)
            and line.chars <= 80
            and not DATELINE.search(text)
            and not lead_credit(text)
            and not captioned_photo_credit(line)
        ):
            take_people(labelled_people(text), text)
            drop("meta-like")
            continue
        if (line.index - 1 in link_lines or line.index + 1 in link_lines) and line.chars <= 12 and not PUNCTUATION.search(text):
            drop("list-heading")
            continue
        if not seen_prose and line.chars <= 40 and BREADCRUMB.search(text):
            drop("breadcrumb")
            continue
        if not seen_prose and not is_prose(line) and line.chars < 6 and not PHOTO_MARKERS.match(text):
            drop("short-head")
            continue
        if leads_tried < LEAD_PARAGRAPHS and not out.authors:
            leads_tried += 1
            lead = lead_credit(text)
            if lead is not None:
                out.authors.extend(lead.authors)
                out.bylines.append(lead.raw or text)
        trailing = None
        if line.chars > 8 and (TRAILING_BRACKET.search(text) or UNCLOSED_BRACKET.search(text)):
            trailing = byline_call(bylines.trailing_byline, text)
        if trailing is not None and caption_photo_credit(line, trailing):
            drop("caption-credit")  # the caption stays in the body; its photo credit names no author
        elif trailing is not None:
            out.authors.extend(trailing.authors)
            out.editors.extend(trailing.editors)
            out.bylines.append(trailing.raw)
        out.paragraphs.append(text)
        seen_text.add(norm(text))
        if seen_prose and line.after_image and is_caption(line) and CJK.search(text):
            captions.add(len(out.paragraphs) - 1)
        seen_prose = seen_prose or is_prose(line)
    # trailing short lines that are not prose (edition codes, lone labels) go too, but not the caption of
    # an image inside the text (洒水车在主干道上作业)
    while (
        out.paragraphs
        and len(out.paragraphs) - 1 not in captions
        and (
            len(norm(out.paragraphs[-1])) <= 3
            or (len(norm(out.paragraphs[-1])) < TAIL_JUNK_CHARS and not CJK_PUNCTUATION.search(out.paragraphs[-1]) and len(out.paragraphs) > 1)
        )
    ):
        out.paragraphs.pop()
        drop("tail-scrap")
    out.source_lines += [source for count, source in closing_sources if count >= len(out.paragraphs)]
    # staff and source lines after the article's end (inside the container or just after it)
    # (link lists in between, such as a promo box, do not count against the window)
    counted = 0
    for line in lines[cut : max(cut, body.end) + 3 * TAIL_WINDOW]:
        text = line.text
        if opens_other_stories(line):
            break  # other stories' teasers carry other stories' bylines
        if line.index >= body.end and not is_link_line(line):
            counted += 1
            if counted > TAIL_WINDOW:
                break
        if line.chars > 80:
            continue
        if is_link_line(line):
            take_people(bracket_people(text, alone=False), text)  # 【编辑:刘欢】 返回搜狐，查看更多
            continue
        if is_time_line(text):
            out.time_lines.append(text)
        if SOURCE_LABEL.match(text) or is_source_line(text):
            out.source_lines.append(text)
            take_people(labelled_people(text), text)
            continue
        if source := closing_source(text):
            out.source_lines.append(source)
            continue
        take_people(people_line(text), text) or take_people(bracket_people(text), text)
    if not out.editors and (block := production_block_editor(lines, cut, max(cut, body.end) + PRODUCTION_BLOCK_WINDOW)) is not None:
        out.block_editors, out.block_byline = list(block.editors), block.raw
    out.authors = unique(out.authors)
    out.editors = unique(out.editors)
    return out


def production_block_editor(lines: list[Line], start: int, stop: int) -> bylines.Byline | None:
    """The editor of a production-credit block below the article, past a sidebar or a list of other stories
    and before the comments (出品：财经中心 / 策划：杨顺霖 编辑：几乎不流浪): so far down, an editor line counts
    only beside a production credit (in the same line or the next one up or down), which no teaser carries."""
    credited = {line.index for line in lines[start : stop + 1] if PRODUCTION_LABEL.search(line.text)}
    if not credited:
        return None  # no production credit within reach of any line: the staff lines need not be read
    for line in lines[start:stop]:
        text = line.text
        if _opens_comments(text):
            return None
        if is_link_line(line) or line.chars > 80:
            continue  # a linked teaser (视频：… 出品：央视新闻 编辑：…) is another story's
        staff = byline_call(bylines.staff_line, text)
        if staff is None or not staff.editors:
            continue
        beside = [lines[i] for i in (line.index - 1, line.index + 1) if start <= i < len(lines)]
        beside = [other for other in beside if not (is_link_line(other) or _opens_comments(other.text))]
        if any(other.index in credited for other in [line, *beside]):
            return bylines.Byline([], staff.editors, staff.raw)
    return None


def _opens_comments(text: str) -> bool:
    """A comment counter or header (0人跟贴, 评论(3), 共12条评论): the comments begin."""
    return bool(NUMBER_COUNTER.search(text) or COMMENTS_HEADER.search(text))


def find_images(body: Body | None, base_url: str | None) -> list[Image]:
    """Images inside the body container with the caption line that follows them (alt as fallback)."""
    if body is None:
        return []
    images: list[Image] = []
    for img in body.container.iter("img"):
        src = img.get("src") or img.get("data-src") or img.get("data-original")
        if not src or src.startswith("data:"):
            continue
        url = urljoin(base_url, src) if base_url else src
        caption = None
        parent = img.getparent()
        grandparent = parent.getparent() if parent is not None else None
        following = parent.getnext() if parent is not None else None
        for element in (parent, grandparent, following):
            if element is None or not isinstance(element.tag, str):
                continue
            text = clean_text(text_content(element))
            limit = CAPTION_MAX_CHARS if element is not following else CAPTION_MAX_CHARS // 2
            if 4 <= len(text) <= limit and not element.findall(".//img")[1:]:
                caption = text
                break
        caption = caption or (clean_text(img.get("alt") or "") or None)
        if all(image.url != url for image in images):
            images.append(Image(url=url, caption=caption))
    return images
