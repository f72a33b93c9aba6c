"""The people of the article: its authors and editors, and the byline text they were read from.

The meta zone gives its credits line by line (`zone_people`): a credit line of its own is read whole, a
line with a time or a 来源 label only after its people labels, an unlabelled 微信公众号-style line by its
slots, a person's name alone beside the time (the writer's slot, `credits.writer_slot`) as the author;
old portals' bracketed names (`[ 黄宇 ]`) count too. The body finder hands on the credits it
took out of the text (bylines, staff lines, leads, closing brackets). `find_people` joins them in page
order, each name once, and never names the source as a person.
"""

from __future__ import annotations

import re

from newscrawl.extract import bylines
from newscrawl.extract.clues import line_times, unique
from newscrawl.extract.credits import beside_account, byline_call, labelled_people, people_line, unlabelled_slots, writer_slot
from newscrawl.extract.lines import Line
from newscrawl.extract.results import CleanBody, MetaLine
from newscrawl.extract.vocabulary import CJK, META_LABEL, SOURCE_LABEL

# a square-bracketed name in a meta line (old portals): [ 黄宇 ]
SQUARE_BRACKETED = re.compile(r"[【\[]([^】\]]{2,20})[】\]]")


def find_people(lines: list[Line], zone: MetaLine, source: str | None, cleaned: CleanBody, account: str | None = None) -> bylines.Byline:
    """Authors and editors of the meta zone, then of the body's credits; `raw` is the byline text (`|`-joined).
    `account`: the publishing account the page's data names (`PageMeta.account`)."""
    people = zone_people(lines, zone, account)
    authors = unique(list(people.authors) + bracketed_names(zone.text, source) + cleaned.authors)
    editors = unique(list(people.editors) + cleaned.editors)
    if source:
        authors = [name for name in authors if name != source]
    raw = [people.raw] if people.raw else []
    raw += cleaned.bylines
    if not editors and cleaned.block_editors:  # only when neither the meta zone nor the body names one
        editors = list(cleaned.block_editors)
        raw.append(cleaned.block_byline)
    return bylines.Byline(authors, editors, " | ".join(raw))


def zone_people(lines: list[Line], zone: MetaLine, account: str | None = None) -> bylines.Byline:
    """Authors and editors of the meta zone, line by line: a credit line of its own (`姚洪双 文/图`) is
    read whole, a line with a time or a 来源 label only after its people labels."""
    authors: list[str] = []
    editors: list[str] = []
    raw: list[str] = []
    for index in zone.indexes:
        text = lines[index].text
        people = None
        if not SOURCE_LABEL.search(text) and not line_times(lines[index]):
            people = people_line(text)
        if people is None:
            people = labelled_people(text)
        if not (people.authors or people.editors):
            _, names = unlabelled_slots(text)  # 原创 申屠明 临江日报 2021-06-02 08:00
            slot = writer_slot(text) if not names else None
            if slot is not None and slot[0] == "author":
                names = [slot[1]]  # 2020-03-05 10:20 王小明: a person in the writer's slot
            elif not names and account and (author := beside_account(text, account)):
                names = [author]  # 原创 2018-04-07 闲云野鹤 闲云野鹤古刹: the 公众号 author field beside the account
            people = bylines.Byline(names, [], text)
        if people.authors or people.editors:
            authors += people.authors
            editors += people.editors
            raw.append(text)
    return bylines.Byline(unique(authors), unique(editors), " | ".join(raw))


def bracketed_names(text: str, source: str | None) -> list[str]:
    """Unlabelled names set in brackets in a meta line (old portals: `2004年7月16日08:19 [ 黄宇 ] 来源：…`)."""
    names: list[str] = []
    for match in SQUARE_BRACKETED.finditer(text):  # round brackets hold places: 来源: 第一财经日报(上海)
        inner = match.group(1).strip()
        before = text[: match.start()].rstrip()
        if not CJK.search(inner) or before.endswith((":", "：")) or inner == source or META_LABEL.search(inner):
            continue
        if 2 <= len(inner) <= 4 and byline_call(bylines.split_names, inner) == [inner]:
            names.append(inner)
    return names
