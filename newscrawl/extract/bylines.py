"""Bylines and staff lines of Chinese news: who wrote, photographed and edited an article.

A byline is read as a sequence of role words (记者, 通讯员, 摄, 编辑, ...) and the runs of names between
them. A run takes the role of the role word before it when that word is a prefix role (记者 张三), else
the role of the word after it when that is a suffix role (张三 摄). Names run together with no
separator are split with surname knowledge (see `split_names`).

Conventions beyond the role words:
- 编译 credits the writer of the Chinese text (author); 翻译 and the other production roles are not read.
- A picture credit to the interviewee, the unit interviewed or an archive (受访者供图, 受访单位供图,
  资料图) names no person; a role word after a determiner (该作者文章, 此作者) is a common noun.
- Staff codes: a code after a name, glued with "_" or set apart (责任编辑：王晓易_NF041, 陈刚 PK101,
  周丽(PN200)) is dropped and the name is the editor; a code standing alone (责任编辑：NF041) is the only
  name given and is kept as the editor.
- Supervisory credits (监制, 总监制, 审读, 审核, 终审) name no editor; 选稿 (the desk editor who placed the
  story) and desk labels of the XX编辑 kind (晚报编辑) do.
- Label words of a meta or copyright line (发布日期, 时间, 版权声明, 点击, 浏览 539, 所属分类) are never
  names: they are skipped like dates, also where glued to a name (龙慧发布日期).
- Badges beside credits (原创, 转载, 独家, 首发) are never names: skipped like labels.
- A contributor's suffix credit (欧阳晴参与采写, 张三参与报道, 李四对此文亦有贡献) names an author.
- Function words that given names use (在, 从: 李在山, 沈从文) are accepted in a 3-character
  surname-initial token set apart from its role word; a glued run (记者在现场) stays no name.
- A standalone line ending in an ellipsis is a teaser, not a credit; a trailing bracket the page never
  closes counts when it holds a role word, its names stopping at the first token holding U+FFFD.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newscrawl.dates import nfkc_same_length
from newscrawl.extract.names import segment as _segment
from newscrawl.extract.names import surnames as _surnames
from newscrawl.extract.vocabulary import EDITOR_WORDS, SOURCE_WORDS

AUTHOR, EDITOR, IGNORE = "author", "editor", "ignore"
PRE, POST, BOTH = 1, 2, 3  # where a role word stands relative to the names it labels

_ROLES: dict[str, tuple[str, int]] = {
    **dict.fromkeys("记者 記者 通讯员 通訊員 实习生 實習生 作者 撰文 撰稿 撰稿人 采写 採寫 评论员 評論員".split(), (AUTHOR, PRE)),
    # 编译 (translated and rewritten) credits the writer of the Chinese text: (编译/林靖东), 林靖东 编译
    **dict.fromkeys("编译 編譯".split(), (AUTHOR, BOTH)),
    **dict.fromkeys("口述 整理 摄影 攝影 文/图 图/文 文图 图文 文·图 文/圖 文 图 圖".split(), (AUTHOR, BOTH)),
    "整合": (AUTHOR, POST),  # (记者陈智 整合): the names before it compiled the story
    **dict.fromkeys(
        ("摄影报道 摄影報導 摄 攝 报道 報導 报导 即时报道 即時報導 综合报道 綜合報導 联合报道 供图 供圖 制图 製圖 绘图 繪圖").split(),
        (AUTHOR, POST),
    ),
    # a suffix credit of a contributor closing a paragraph: (欧阳晴参与采写), (X参与报道), (X对此文亦有贡献)
    **dict.fromkeys(
        (
            "参与采写 參與採寫 参与报道 參與報導 参与采访 參與採訪 对此文亦有贡献 對此文亦有貢獻 对本文亦有贡献 "
            "對本文亦有貢獻 对此文有贡献 对本文有贡献 亦有贡献 亦有貢獻"
        ).split(),
        (AUTHOR, POST),
    ),
    **dict.fromkeys(EDITOR_WORDS, (EDITOR, BOTH)),
    **dict.fromkeys(
        [
            *SOURCE_WORDS,
            *"审核 審核 审校 终审 初审 复审 审读 審讀 审订 监制 監製 总监制 總監製 主编 编审".split(),
            *"统筹 策划 出品 视频 剪辑 设计 翻译 配音 发自 發自".split(),
        ],
        (IGNORE, PRE),
    ),
    # a picture credit to the interviewee or an archive names no person: 马俊峰/文受访者供图
    **dict.fromkeys(
        (
            "受访者供图 受訪者供圖 受访者提供 受访单位供图 受訪單位供圖 受访人供图 受访方供图 被访者供图 采访对象供图 资料图片 資料圖片 资料图 資料圖"
        ).split(),
        (IGNORE, 0),
    ),
}
# "报道" alone is weak evidence: 网易商业报道 and 整点报道 are headings, 北京报道 names a place
_WEAK_ROLES = {"报道", "報導", "报导", "即时报道", "即時報導", "综合报道", "綜合報導", "联合报道"}
_CREDIT_ROLES = {"制图", "製圖", "绘图", "繪圖"}  # credits that staff lines carry
_SINGLE_CONTEXT = {"文", "图", "圖", "文图", "图文"}  # role words that are also common name characters
_MULTI = sorted((w for w in _ROLES if w not in _SINGLE_CONTEXT and w not in ("摄", "攝")), key=len, reverse=True)
_ROLE_RE = re.compile(
    "(?P<role>" + "|".join(map(re.escape, _MULTI)) + ")"
    r"|(?P<shot>[摄攝](?!影))"
    r"|(?<![^\s/|︱—:(\[【□■●])(?P<single>文图|图文|文|图|圖)(?=$|[\s/|︱—:)\]】]|受访|受訪|被访|采访对象|资料图|資料圖)"
)
# A role word after a determiner is a common noun, not a credit: ■该作者文章 ("this author's articles").
# (其 is left out: it ends given names, as in 通讯员李其记者张三.)
_DETERMINERS = set("该該此")
# A staff code glued to a name (王晓易_NF041): the person is the name; a code standing alone is kept (NF041)
_NAME_CODE_RE = re.compile(r"^(?P<name>[\u3400-\u9fff]{2,4})_[A-Za-z]{1,4}\d{2,6}$")
# A staff code on its own token: after a name (陈刚 PK101, 周丽(PN200)) it is that name's, and is cut
_STAFF_CODE_RE = re.compile(r"^[A-Za-z]{1,4}\d{2,6}$")

PEN_NAME_MAX = 6  # a colon label's value up to this many Han characters is a pen name (几乎不流浪)
_BLANKS = " \t\u3000"
_SEPARATORS = " \t\u3000、，,/；;|︱—:·"  # between names and role words ("·" inside a token joins a minority name)
_BRACKETS_RE = re.compile(r"[()\[\]【】〔〕<>《》「」『』{}□■●◆◇○★☆▲△▼]")
_TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z0-9_.'\-]*(?: +[A-Za-z][A-Za-z0-9_.'\-]*)*|[^\s、，,/；;|︱—:]+")
_LATIN_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_.'\- ]{1,40}")
_CJK_RE = re.compile(r"[\u3400-\u9fff]+")
_DATEISH_RE = re.compile(r"[\d\-:./年月日时分 ]+")
_QUALIFIER_RE = re.compile(r"(?:本报|本報|本台|本刊|本网|特约|特約|见习|實習|实习|首席|驻\w{1,4}|[全融]媒体|新华社|中新社|总台)$")
_ORG_RE = re.compile(
    r"(?:报|報|社|网|網|台|频道|頻道|客户端|杂志|雜誌|周刊|新闻|新聞|中心|集团|公司|政府|大学|医院|协会|委员会|"
    r"局|委|厅|部|办|院|站|所|队|处|团|号|APP|app|官微|微信|微博|编辑部|工作室|科技|财经|財經)$"
)
_KNOWN_SOURCES = {"新华社", "中新社", "人民网", "新华网", "央视", "央视网", "半月谈", "澎湃新闻", "YMG", "网易", "新浪", "腾讯"}
_NON_NAME_CHARS = set("的了是说们这那据称被把吗呢吧着过没很到在从对")
_NOT_NAMES = set(
    "连线 关注 手记 观察 调查 专访 采访 现场 获悉 发现 了解 看到 表示 介绍 走访 探访 追踪 暗访 一行 同志 "
    "本人 编者 读者 网友 市民 说明 等人 摄影 近日 日前 昨日 今日 昨天 今天 目前 近期 据悉 日电 消息".split()
)
# Badges shown beside credits (原创 张三, 独家): never names, skipped like labels.
_BADGES = {"原创", "原創", "转载", "轉載", "独家", "獨家", "首发", "首發"}
# Function words that also stand in given names (李在山, 沈从文): a 3-character token holding one of them
# after a known surname, set apart from its role word, is a name (记者在现场 is not: glued, no surname).
_GIVEN_NAME_CHARS = set("在从")
# Labels of a meta or copyright line that sit beside credits but never name anyone: 发布日期, 版权声明,
# 点击, 浏览 539, 所属分类. They are skipped like dates (发布日期：2019-03-06 责任编辑：龙慧 -> 龙慧).
_LABEL_WORD_RE = re.compile(
    r"(?:发布|發布|发表|發表|发稿|發稿|更新|修改|上传|上傳|出版|刊发)?(?:时间|時間|日期)"
    r"|版权(?:声明|所有)?|版權(?:聲明|所有)?|免责声明|转载声明|声明"
    r"|(?:点击|點擊|浏览|瀏覽|阅读|閱讀|访问|訪問|评论|評論)(?:量|数|數|次数|次數|人数|人數)?(?:\d+次?)?"
    r"|字号|字號|字体|字體|分享|打印|收藏|纠错|标签|標籤|关键词|關鍵詞|关键字|(?:所属)?分类|所屬分類|栏目|欄目"
)
# The label words that no name holds, cut off where glued to a name or a date: 龙慧发布日期, 发布日期2019-03-06.
_GLUED_LABEL_RE = re.compile(
    r"(?:发布|發布|发表|發表|发稿|發稿|更新|修改)(?:时间|時間|日期)|版权声明|版權聲明"
    r"|(?:点击|點擊|浏览|瀏覽|阅读|閱讀)(?:量|数|數|次数|次數)?"
)


@dataclass
class Byline:
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    raw: str = ""


def _normalise(text: str) -> str:
    """NFKC per character where that keeps one character, so offsets stay valid for the original."""
    return nfkc_same_length(text)


def _is_org(token: str) -> bool:
    return token in _KNOWN_SOURCES or (len(token) >= 3 and _ORG_RE.search(token) is not None)


def _names_in(run: str, *, glued: bool = False, pen_names: bool = False) -> tuple[list[str], bool]:
    """Names in a run without role words, and whether every token was a name, an organisation or a date.

    `glued`: the run follows its role word with no separator (记者张三), where only surname-initial
    names are trusted. `pen_names`: the run is the value of a colon label (编辑：几乎不流浪), where a
    Han token of up to PEN_NAME_MAX characters is a pen name.
    """
    names: list[str] = []
    clean = True
    for token in _TOKEN_RE.findall(_GLUED_LABEL_RE.sub(" ", _BRACKETS_RE.sub(" ", run))):
        token = token.strip("·.-'")
        if (code := _NAME_CODE_RE.match(token)) is not None:
            token = code.group("name")
        elif names and _STAFF_CODE_RE.match(token) and not _STAFF_CODE_RE.match(names[-1]):
            continue  # the code of the name before it
        token = re.sub(r"等人?$", "", token)
        if not token or _DATEISH_RE.fullmatch(token) or _is_org(token) or _LABEL_WORD_RE.fullmatch(token) or token in _BADGES:
            continue
        if token.isascii():
            if _LATIN_NAME_RE.fullmatch(token) and not token.isdigit():
                names.append(token)
            else:
                clean = False
            continue
        if "·" in token or "•" in token:
            if _CJK_RE.sub("", token.replace("•", "·")).strip("·") == "" and len(token) <= 20:
                names.append(token)
            else:
                clean = False
            continue
        if (
            not _CJK_RE.fullmatch(token)
            or token in _NOT_NAMES
            or (_NON_NAME_CHARS & set(token) and not (not glued and _given_name_chars_only(token)))
        ):
            clean = False
            continue
        pieces = _segment(token)
        if pieces is not None and not any(p in _NOT_NAMES for p in pieces):
            names.extend(pieces)
        elif (2 <= len(token) <= 4 or (pen_names and _pen_name(token))) and not _OWN_DESK.match(token) and not glued:
            names.append(token)  # a pen name or a minority name (春春, 格桑边觉)
        else:
            clean = False
    return names, clean


_OWN_DESK = re.compile(r"^(?:本报|本報|本网|本網|本台|本刊|本站)")  # 本网综合: the outlet's own desk, nobody
# what a five- or six-character label value holds when it is no pen name: a newsroom word (小编带你看), an
# office (党政办公室, 宣传教育科), a contributor (宣传部供稿), a CMS account or a notice (超级管理员, 转载请注明)
_NOT_PEN_NAME = re.compile(
    r"媒体|媒體|新闻|新聞|编辑|編輯|记者|記者|小编|小編|日报|日報|晚报|晚報|转载|轉載|注明|欢迎|歡迎|评论|評論|"
    r"(?:室|科|组|組|股|供稿|管理员|管理員|投稿)$"
)


def _pen_name(token: str) -> bool:
    """A five- or six-character token under a colon label that may be a pen name (几乎不流浪): no outlet
    (新华社江苏, 市委宣传部), no office and no newsroom word in it."""
    if not 4 < len(token) <= PEN_NAME_MAX:
        return False
    return not _NOT_PEN_NAME.search(token) and not _is_org(token) and not any(token.startswith(source) for source in _KNOWN_SOURCES)


def _given_name_chars_only(token: str) -> bool:
    """A 3-character surname-initial name whose only function words are ones given names use (李在山)."""
    odd = _NON_NAME_CHARS & set(token)
    return len(token) == 3 and odd <= _GIVEN_NAME_CHARS and token[0] not in odd and _segment(token) == (token,) and token not in _NOT_NAMES


def split_names(run: str) -> list[str]:
    """A run of personal names -> the persons, in order (role words, 摄, 文/图 and brackets dropped)."""
    return _parse(run).names


def _dedupe(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


@dataclass
class _Parsed:
    byline: Byline
    clean: bool  # every run was names, organisations or dates
    kinds: set[str]  # kinds of the role words present
    roles: set[str]  # the role words present
    names: list[str]  # every name in page order, whatever its role
    dateline: bool = False  # names followed by a place and 报道: 姚峰 上海报道


def _parse(text: str) -> _Parsed:
    norm = _normalise(text)
    marks = [m for m in _ROLE_RE.finditer(norm) if not (m.group("role") and m.start() and norm[m.start() - 1] in _DETERMINERS)]
    authors: list[str] = []
    editors: list[str] = []
    everyone: list[str] = []
    clean = True
    dateline = False
    bounds = [0, *(x for m in marks for x in (m.start(), m.end())), len(norm)]
    for index in range(len(marks) + 1):
        run = norm[bounds[2 * index] : bounds[2 * index + 1]]
        if not run.strip(_SEPARATORS):
            continue
        before = _ROLES[marks[index - 1].group()] if index > 0 else None
        after = _ROLES[marks[index].group()] if index < len(marks) else None
        glued = before is not None and run[0] not in _SEPARATORS
        glued_after = after is not None and run[-1] not in _SEPARATORS
        if glued_after and marks[index].group() in _WEAK_ROLES:
            # 记者 张三 北京报道, 姚峰 上海报道, 記者巫其倫／台北報導: the token before 报道 is a place
            run, places = re.subn(r"(?<=[\s/|︱—])[\u4e00-\u9fff]{2,4}$", "", run)
            glued_after = not places
            dateline = dateline or bool(places and run.strip(_SEPARATORS))
        if before is not None and before[1] & PRE:
            kind = before[0]
        elif glued_after and after is not None and (after[1] == PRE or after[0] == EDITOR or marks[index].group() in _WEAK_ROLES):
            kind = IGNORE  # glued to the role word it qualifies: 本报记者, 光明日报记者, 值班编辑
        elif after is not None and after[1] & POST:
            kind = after[0]
        else:
            kind = AUTHOR
        if glued_after and after is not None and after[1] & PRE:
            run = _QUALIFIER_RE.sub("", run)  # 记者张三本报通讯员李四: drop 本报
        if kind == IGNORE:
            qualifier = run.strip()
            if (before is None or not before[1] & PRE) and not _DATEISH_RE.fullmatch(qualifier):
                # a sentence is no qualifier like 光明日报 or 值班: 他是一名编辑
                clean = clean and len(qualifier) <= 12 and not (_NON_NAME_CHARS | {"一"}) & set(qualifier)
            continue
        names, ok = _names_in(run, glued=glued, pen_names=kind == EDITOR and before is not None and run.lstrip(_BLANKS).startswith(":"))
        clean = clean and ok
        (editors if kind == EDITOR else authors).extend(names)
        everyone.extend(names)
    roles = {m.group() for m in marks}
    kinds = {_ROLES[role][0] for role in roles}
    return _Parsed(Byline(_dedupe(authors), _dedupe(editors), text), clean, kinds, roles, _dedupe(everyone), dateline)


def parse_byline(text: str) -> Byline:
    """Authors and editors named in a byline or staff text, by their role words."""
    return _parse(text).byline


_SENTENCE_END_RE = re.compile(r"[。！？!?]")
_CAPTION_RE = re.compile(r"^\s*(?:图|圖)\s*(?:[①-⑳\d]|为|為|片)")
_OUTER_RE = re.compile(r"^[\s□■●◆]*[(\[【](?P<inner>.*?)[)\]】]?[\s。]*$|^[\s□■●◆]*(?P<plain>.*?)[\s。]*$")
_MAX_LINE = 50


_ELLIPSIS_END_RE = re.compile(r"(?:\.{3}|…+|。。。)$")


def _line_text(line: str) -> str | None:
    """The credit text of a short standalone line, or None for a sentence, a caption or a teaser cut
    short with an ellipsis (高密举办风筝节 本报讯(记者张华)4月...: another story's lead)."""
    norm = _normalise(line).strip()
    if not norm or len(norm) > _MAX_LINE or _CAPTION_RE.match(norm) or _ELLIPSIS_END_RE.search(norm):
        return None
    if _SENTENCE_END_RE.search(norm.rstrip("。.!！")):
        return None
    match = _OUTER_RE.match(norm)
    return (match.group("inner") if match.group("inner") is not None else match.group("plain")) if match else None


def _has_strong_author(parsed: _Parsed) -> bool:
    return any(_ROLES[role][0] == AUTHOR for role in parsed.roles - _WEAK_ROLES)


def _only_surname_names(text: str) -> bool:
    """1-4 names, each beginning with a known surname (for a credit with no role word)."""
    tokens = _TOKEN_RE.findall(_BRACKETS_RE.sub(" ", _normalise(text)))
    pieces = [_segment(t) if _CJK_RE.fullmatch(t) else None for t in tokens]
    return 0 < sum(len(p) for p in pieces if p) <= 4 and all(pieces)


def person_like(token: str) -> bool:
    """One Han token that looks like a person's full name: a known single surname and 1-2 more characters
    (张三, 李晓明), or a compound surname and 1-2 more (申屠明, 欧阳晓东); no organisation, no common word."""
    if not _CJK_RE.fullmatch(token) or token in _NOT_NAMES or token in _BADGES or _is_org(token) or _NON_NAME_CHARS & set(token):
        return False
    single, compound = _surnames()
    if token[:2] in compound and len(token) in (3, 4):
        return True
    return token[0] in single and len(token) in (2, 3)


def surname_names(text: str) -> list[str] | None:
    """The names of `text` when it is only 1-4 surname-initial names (顾庆宏, 张三 李四), else None."""
    if not _only_surname_names(text):
        return None
    return _parse(text).names or None


def byline_line(line: str) -> Byline | None:
    """A standalone line that only credits authors (□本报通讯员杨官松郭文波, 姚洪双 文/图, 记者刘福文摄)."""
    text = _line_text(line)
    if text is None:
        return None
    parsed = _parse(text)
    if not parsed.clean or not parsed.byline.authors or not (_has_strong_author(parsed) or parsed.dateline):
        return None
    return Byline(parsed.byline.authors, parsed.byline.editors, line.strip())


def staff_line(line: str) -> Byline | None:
    """An editor/staff line (编辑:… 校对:… 美编:…, [责任编辑:NF041], 杜明阳 制图)."""
    text = _line_text(line)
    if text is None:
        return None
    parsed = _parse(text)
    if not parsed.clean:
        return None
    if EDITOR in parsed.kinds or (parsed.roles & _CREDIT_ROLES and parsed.byline.authors):
        return Byline(parsed.byline.authors, parsed.byline.editors, line.strip())
    return None


_LEAD_RE = re.compile(
    r"^[\s□■●◆]*(?P<dateline>[^\s，。,；;:!?！？()\[\]【】]{0,24}?(?:讯|訊|电|電)(?![员員]))\s*"
    r"(?:[(\[【](?P<bracket>[^()\[\]【】]{1,60})[)\]】]|(?P<open>.{0,60}))"
)
_LEAD_ROLE_RE = re.compile(r"^[\s□■●◆]*(?:本报|本報|本台|本刊|本网|特约|见习|实习|首席|[全融]媒体)?(?:记者|記者|通讯员|通訊員|实习生|作者)")
_LEAD_STOP_RE = re.compile(r"(?:摄影报道|报道|報導)|(?=(?:本报|本報|晚报|晨报|新华社)\S{0,12}?(?:讯|訊|电|電))")


_OPENING_BRACKET_RE = re.compile(r"^\s*[(\[【〔](?P<inner>[^()\[\]【】〔〕]{1,40})[)\]】〕]")


def _leading_credit(text: str) -> tuple[Byline, int] | None:
    """Role words and names at the start of `text` and where they end, up to the first token that is neither."""
    for stop in _LEAD_STOP_RE.finditer(text):
        # the first stop that ends a clean credit: in 秦晨报道本报绵阳讯 the 晨报 is part of a name
        if stop.start() > 40 or re.search(r"[，。,；;！？!?]", text[: stop.start()]):
            break
        parsed = _parse(text[: stop.end()])
        if parsed.clean and parsed.byline.authors:
            return parsed.byline, stop.end()
    best: tuple[Byline, int] | None = None
    taken = ""
    for token in re.split(r"(\s+)", text):
        taken += token
        if not token.strip():
            continue
        if len(taken) > 40 or re.search(r"[，。,；;！？]", token):
            break
        parsed = _parse(taken)
        if not parsed.clean:
            break
        if parsed.byline.authors and AUTHOR in parsed.kinds:
            best = parsed.byline, len(taken)
    return best


def lead_byline(paragraph: str) -> Byline | None:
    """A byline opening a paragraph: 本报讯(记者张传亮)…, 新华社北京8月13日电(记者 张三)…, □记者…报道…"""
    text = _normalise(paragraph)
    lead = _LEAD_RE.match(text)
    found: tuple[Byline, int] | None = None
    if lead is not None and lead.group("bracket") is not None:
        parsed = _parse(lead.group("bracket"))
        if parsed.clean and parsed.byline.authors and AUTHOR in parsed.kinds:
            found = parsed.byline, lead.end("bracket") + 1
    elif lead is not None and _LEAD_ROLE_RE.match(lead.group("open") or ""):
        credit = _leading_credit(lead.group("open"))
        found = (credit[0], lead.start("open") + credit[1]) if credit else None
    elif (opening := _OPENING_BRACKET_RE.match(text)) is not None:
        parsed = _parse(opening.group("inner"))
        if parsed.clean and parsed.byline.authors and (_has_strong_author(parsed) or parsed.dateline):
            found = parsed.byline, opening.end()
    if found is None and _LEAD_ROLE_RE.match(text):
        # □记者田博然通讯员秦晨报道本报绵阳讯记者了解到…: the 讯 ends a credit that opens the paragraph
        found = _leading_credit(text)
    if found is None:
        return None
    byline, end = found
    return Byline(byline.authors, byline.editors, paragraph[:end].strip())


_TRAILING_RE = re.compile(r"[(\[【〔](?P<inner>[^()\[\]【】〔〕]{1,40})[)\]】〕]\s*[。.]?\s*$")
# A bracket the page never closes, right after a sentence: …。(记者宋晨、田中全、胡\ufffd…
_UNCLOSED_TRAILING_RE = re.compile(r"(?<=[。！？!?\"”])\s*[(\[【〔](?P<inner>[^()\[\]【】〔〕]{1,40})$")
_NAME_SEPARATORS_RE = re.compile(r"[\s、，,/；;|︱]")


def _before_garbled(inner: str) -> str:
    """`inner` up to the first token holding U+FFFD (text the page's charset could not carry)."""
    cut = inner.find("\ufffd")
    if cut < 0:
        return inner
    starts = [m.end() for m in _NAME_SEPARATORS_RE.finditer(inner, 0, cut)]
    return inner[: starts[-1] if starts else 0]


def trailing_byline(paragraph: str) -> Byline | None:
    """A bracketed credit closing a paragraph: …。(记者 胡晓蓉), …(责任编辑：李楠).

    A bracket left open at the very end of the paragraph after a sentence counts too when it holds a
    role word (a truncated or garbled page); its names stop at the first token holding U+FFFD.
    """
    text = _normalise(paragraph.rstrip())
    match = _TRAILING_RE.search(text)
    unclosed = match is None
    if unclosed:
        match = _UNCLOSED_TRAILING_RE.search(text)
        if match is None:
            return None
    assert match is not None  # one of the two patterns matched
    inner = _before_garbled(match.group("inner"))
    parsed = _parse(inner)
    if not parsed.clean or not (parsed.byline.authors or parsed.byline.editors):
        return None
    if unclosed and not parsed.kinds - {IGNORE}:
        return None
    # bare names, as in …佳节。(常书香 马丹阳): only right after a sentence and only known surnames
    if (
        not parsed.kinds - {IGNORE}
        and not parsed.dateline
        and (not re.search(r"[。！？!?\"”]\s*$", text[: match.start()]) or not _only_surname_names(inner))
    ):
        return None
    return Byline(parsed.byline.authors, parsed.byline.editors, paragraph[match.start() :].strip())
