"""The generic news-page extractor: any Chinese news article page -> `newscrawl.items.Article`.

It works from text landmarks, text density and position, never from the markup of one site:

1. `parse_html` parses with lxml's HTML parser after dropping premature `</body>`/`</html>` tags and
   XML declarations, so an article after a stray `</html>` is still in the tree.
2. `find_meta` reads the machine-readable evidence: `<title>`, og:title, JSON-LD and `<meta>` times
   (`datePublished`, `article:published_time`, `PubDate`, ...; name=, property= or itemprop=), the
   update times apart (`dateUpdate`, `dateModified`, `article:modified_time`: never the publication
   time, only the year of a shown year-less time) and the `<meta name=source>` value.
3. `page_lines` flattens the page into `Line`s in reading order: one per block element or `<br>`,
   each with the block element that owns it, how much of its text is link text and whether an image
   stands just before it.
4. `find_body` scores block elements by the prose they own (Chinese punctuation and length of their
   non-link lines, passed on decaying to ancestors, times one minus the link density; notices and
   headlines count for little), prefers containers starting just after the likely headline, and takes
   in a lead paragraph set beside the container unless it restates the body (a summary box).
5. `find_title` picks the headline among h1-h3 / title-like / bold lines by agreement with
   `<title>`/og:title/JSON-LD headline and closeness before the body; when `<title>` agrees with no
   line (missing, or the site's name only) the headline-like line just above the meta line wins.
   `find_subtitle` takes the 引题/副题 beside it (a `——` line, a twin line, a line the `<title>` joins,
   or a 引题 that is the element right before the headline's heading element (or before the wrappers,
   such as table cells and rows, that hold nothing but the headline), headline-sized, with no
   link and not named in `<title>`, and holding a label word only inside its prose (`记者跟随…`, never
   `记者 张三` or `作者：`): column names and breadcrumbs above a headline fail one of these;
   or a smaller h2-h4 heading right after the headline heading and right before the meta line). A
   breadcrumb (`首页 - 新闻动态`, `首页 > 新闻`, `当前位置：…`) is never the headline.
6. `find_meta_line` takes the short lines near the headline that hold a time or a 来源/作者/编辑 label,
   never an image caption closing with its photo credit (`_captioned_photo_credit`);
   the article's time (`find_published`), its source (`find_source`) and its people
   (`labelled_people`) come from there, never from side lists, related items or comments.
   The 来源 label has its other forms (来源于, 稿源, 消息来源, 文章/新闻来源, 出处; never 图片来源 or
   数据来源), and a value keeps the title marks it pairs (`人民网-《人民日报》`). Beside the time, a
   portal's channel (新浪娱乐, 腾讯科技) is a source, not a person. When the meta line shows no time and no
   structured time exists, a time written after a publication label (`发布日期：`, `发表于`, or `时间：`
   in a line with a 来源/people label) in the head of the article, then in the article's own block
   (`is_time_line`, e.g. a 发布日期 or 版权声明 box right after the text), beats a date that only
   stands near the headline. A year-less shown time (`10-08 12:00`, `发布时间：09-3022:46`) takes the
   URL's year, else the year of a structured (publication or update) time with the same month-day
   (`_year_hint`), never silently 'now''s year when the page dates itself. A page with no other time
   takes the date of an e-paper issue line above the headline (`issue_date`: `第A05版：本地新闻 2018年07月20日`). On a self-media page with no
   来源 label the source is the publishing account (`publishing_account`: a bare name line right after its
   avatar image, between the headline and the time line), before the name beside the time (which there
   may be the account's company).
7. `clean_body` drops headline repeats, the meta line, standalone bylines and staff lines (their names
   go to authors/editors), `原标题` lines, share buttons and app prompts, copyright and edition lines,
   duplicates, production-staff lines (`审核：欧钰涵`: their names are neither authors nor editors), and
   everything from a 相关新闻/新闻推荐/猜你喜欢/分享到 landmark on; it reads staff,
   labelled-time and 来源 lines (`is_source_line`: `版权声明 来源：当代商报 …`) just after the article
   too, but never past a landmark that opens other stories
   (`opens_other_stories`: every landmark but a share bar or a keyword line), so a teaser's
   `本报讯(记者张华)` gives nothing. Image captions (`is_caption`: a line opening with 图①/图1/图为/图：,
   a `<figcaption>`, a short line right after an image) stay in the body, but a photo credit closing
   one (`(通讯员陶兴 摄)`) names no author (`caption_photo_credit`); a credit of the text there
   (`(本报记者 廖刚颖 文/图)`) still does. A photo-only credit line right under an image that opens with a
   mark pointing up at it (`▲记者黎旭阳、李妍摄`, `CAPTION_POINTER`) is such a caption too; without the
   mark a credit line of its own stays a byline.

Each helper takes the parsed pieces and can be called alone by a site page object that needs one
field as a fallback:

    root = parse_html(html); meta = find_meta(root); lines = page_lines(root)
    body = find_body(lines, likely_headline(lines, meta))   -> Body | None (container, line range)
    title = find_title(lines, meta, body)                   -> Headline | None
    find_subtitle(lines, title, meta, body)                 -> (text | None, line index, rule)
    zone = find_meta_line(lines, title, body)               -> MetaLine (line indexes, text)
    find_published(zone, meta, url=..., now=...)            -> (FoundTime | None, rule)
    cleaned = clean_body(lines, body, title, zone)          -> CleanBody (paragraphs, authors, editors, ...)
    find_source(zone, cleaned, meta)                        -> (str | None, rule)
    labelled_people(zone.text)                              -> bylines.Byline
    find_images(body, url)                                  -> list[Image]

Smaller pure helpers are table-tested: `source_after_label` (whose value stops before a counter and
its number: `新京报参与 2381` -> 新京报), `source_beside_time`, `unlabelled_slots` (`原创 申屠明 临江日报
2021-06-02 08:00`: badge, author, account), `trim_source`,
`is_source_line`, `is_time_line`, `title_segments`,
`labelled_people` (which also reads the names just before a 文/图 or 摄影 label: `10:15 顾庆宏 文/图`).
`extract(html, url, now=...)` runs them all and records in `Article.extra["rules"]` which rule gave
each field. Run `python -m newscrawl.extract.generic --manifest FILE` to print one JSON answer per
manifest line (the contract of shared/eval/score.py).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urljoin

import logging

import lxml.html
from lxml import etree

from newscrawl import bylines, dates
from newscrawl.items import Article, Image

# ---------------------------------------------------------------------------------------------------
# Landmarks and knobs (data, not code)
# ---------------------------------------------------------------------------------------------------

# Elements whose text is never shown as article text.
SKIP_TAGS = frozenset(
    "script style noscript template iframe frame frameset select option optgroup textarea button svg math "
    "object embed head input map area canvas audio video source track link meta title".split()
)
# Elements that start a new line of text.
BLOCK_TAGS = frozenset(
    "html body div p section article main header footer aside nav h1 h2 h3 h4 h5 h6 ul ol li dl dt dd "
    "table thead tbody tfoot tr td th caption blockquote pre center form fieldset figure figcaption "
    "address hr details summary dialog menu legend".split()
)
HEADING_WEIGHT = {"h1": 1.2, "h2": 0.8, "h3": 0.5}
HEADLINE_TAGS = ("h1", "h2")
LINK_TAG = "a"
EMPHASIS_TAGS = frozenset({"strong", "b", "font"})
# Generic class/id words that hint at a headline or a subtitle (one piece of evidence among others).
TITLE_HINT = re.compile(r"title|headline|biaoti|tit\b|bt\b", re.I)
SUBTITLE_HINT = re.compile(r"sub.?title|intro.?title|pre.?title|yinti|futi|fubt|title2|summary-title", re.I)

# Separators between a headline and a site name in <title> / og:title.
TITLE_SEPARATORS = re.compile(r"\s*(?:_|\||｜|--|—{1,2}|――|\s-\s|\s–\s|-(?=[^-]*$))\s*")
# Dashes that open a yybnet-style 副题 line.
SUBTITLE_DASH = re.compile(r"^\s*(?:——|――|—|--|－－)\s*")

# Labels of the meta line.
# The 来源 label and its other forms (来源于, 稿源, 消息来源, 文章来源, 新闻来源, 出处, ...); never the source of a
# picture or of figures (图片来源, 数据来源, 资料来源).
_SOURCE_WORD = (
    r"(?<![图圖片照据據料])(?:本文|信息|稿件|文章|新闻|新聞|内容|內容|消息|新闻稿|本稿)?(?:来源|來源)(?:于|於|自)?"
    r"|(?:本文|文章|新闻|新聞)?(?:稿源|出处|出處)|來自"
)
SOURCE_LABEL = re.compile(rf"(?:{_SOURCE_WORD})\s*[：:]\s*")
SOURCE_LABEL_BARE = re.compile(
    r"(?:(?<![图圖片照据據料])(?:本文|信息|稿件|文章|新闻|新聞|内容|內容|消息|新闻稿|本稿)?(?:来源|來源)(?:于|於)?|稿源)\s*[：:]?\s*$"
)
PEOPLE_LABELS = (
    "责任编辑", "責任編輯", "责编", "編輯", "编辑", "校对", "美编", "作者", "记者", "記者", "通讯员", "撰文", "摄影", "攝影",
    "文/图", "文/", "图/",
)
TIME_LABELS = ("发布时间", "發布時間", "发表时间", "發表時間", "发稿时间", "更新时间", "更新時間", "时间", "時間", "日期", "发布日期")
UPDATE_LABELS = ("更新时间", "更新時間", "修改时间", "最后更新")
OTHER_META_LABELS = ("字号", "字體", "浏览", "阅读", "点击", "评论", "打印", "分享", "收藏", "大字", "小字", "大 中 小", "【大 中 小】")
PEOPLE_LABEL = re.compile("|".join(re.escape(x) for x in sorted(PEOPLE_LABELS, key=len, reverse=True)))
SUFFIX_PEOPLE_LABEL = re.compile(r"文\s*[/／]\s*[图圖]|[图圖]\s*[/／]\s*文|摄影|攝影")
NAMES_BEFORE_LABEL = re.compile(r"(?:^|(?<=[\s|｜]))(?P<names>[\u4e00-\u9fff·]{2,4}(?:[\s、][\u4e00-\u9fff·]{2,4}){0,2})\s*$")
AUTHOR_LABEL = re.compile(r"记者|記者|通讯员|通訊員|作者|撰文|摄影|攝影|编译|編譯")
NON_PEOPLE_LABEL = re.compile(
    "|".join(re.escape(x) for x in sorted(("来源", "來源", "稿源", "出处") + TIME_LABELS + OTHER_META_LABELS, key=len, reverse=True))
)
# Cheap test before asking the bylines module: words every byline or staff line carries.
BYLINE_CUE = re.compile(
    r"记者|記者|通讯员|通訊員|作者|编辑|編輯|责编|責編|校对|校對|美编|美編|[摄攝]|文\s*[/／]|[/／]\s*文|图\s*[/／]|[/／]\s*图"
    r"|报道|報導|供图|制图|製圖|撰文|撰稿|实习生|口述|整理|□"
)
TRAILING_BRACKET = re.compile(r"[)）\]】〕]\s*[。.]?\s*$")
UNCLOSED_BRACKET = re.compile(r"[(（\[【〔][^()（）\[\]【】〔〕]{1,40}$")  # a credit bracket the page never closes
# An image caption: a line opening with 图①/图1/图为/图：, or a short line right after an image.
CAPTION_START = re.compile(r"^\s*[(（【\[]?\s*(?:图|圖)\s*(?:[①-⑳]|\d{1,2}(?!\d)|[为為][：:]?|片?\s*[：:]|[\u3000\s]*[(（]\s*\d)")
CAPTION_START_MAX_CHARS = 200
# A photo credit (摄, 摄影, 供图) that does not also credit the text (文/图, 图文): what a caption credits.
PHOTO_CREDIT = re.compile(r"[摄攝]|供[图圖]")
# a mark pointing up at the image just above: a line opening with it under an image is its caption
CAPTION_POINTER = re.compile(r"^\s*[▲△↑⬆☝]")
STAFF_WORD = re.compile(r"编辑|編輯|责编|責編|校对|校對|美编|美編")
TEXT_CREDIT = re.compile(r"文\s*[/／·]?\s*[图圖]|[图圖]\s*[/／·]?\s*文|[/／]\s*文|文\s*[/／]")
# A production-staff line (审核：欧钰涵, 监制：张三 李四): names only, under a role that is neither author nor editor.
PRODUCTION_STAFF_LINE = re.compile(
    r"^[\s【\[（(]*(?:审核|審核|审校|審校|初审|复审|终审|終審|监制|監製|统筹|統籌|策划|策劃|出品人|主编|主編|编审|編審)"
    r"\s*[：:]\s*[\u4e00-\u9fff·]{2,6}(?:\s*[、，,\s]\s*[\u4e00-\u9fff·]{2,6}){0,3}[】\]）)]?\s*$"
)
STAFF_LABEL_LINE = re.compile(r"^[\s【\[（(]*(?:责任编辑|責任編輯|责编|責編|编辑|編輯|校对|校對|美编|美編)\s*[：:]")
BRACKETED = re.compile(r"[【\[（(〔]([^】\]）)〕]{2,40})[】\]）)〕]")
SQUARE_BRACKETED = re.compile(r"[【\[]([^】\]]{2,20})[】\]]")
LEAD_BRACKET = re.compile(r"^\s*[〔【\[（(]([^〕】\]）)]{2,30})[〕】\]）)]")
META_LABEL = re.compile(
    "|".join(re.escape(x) for x in sorted(("来源", "來源", "稿源", "出处") + PEOPLE_LABELS + TIME_LABELS, key=len, reverse=True))
)
# Counter words of a meta line, before their number: 参与 2381, 跟帖：12, 人气 90 (also glued to a source).
COUNTER_WORD = r"(?:参与|參與|跟帖|评论|評論|阅读|閱讀|浏览|瀏覽|点击|點擊|人气|人氣|热度|熱度)(?:量|数|數|人数|次数)?\s*[：:]?\s*(?=\d)"
# Where the value of a 来源 label ends.
SOURCE_STOP = re.compile(
    r"\s{2,}|[|｜【】\[\]\s]*(?:" + "|".join(re.escape(x) for x in PEOPLE_LABELS + TIME_LABELS + OTHER_META_LABELS)
    + r")|[|｜【】\[\]\s]*" + COUNTER_WORD + r"|[|｜]|\s+(?=\d)|\s+(?:https?://|www\.)|https?://"
)
SOURCE_TRIM = " \t:：·,，;；|｜-—/\\()（）[]【】「」<>《》\"'“”"
SOURCE_TRAILING_BRACKET = re.compile(r"\s*[（(][^（()）]{1,12}[)）]?\s*$")
SOURCE_MAX_CHARS = 30
ACCOUNT_MAX_CHARS = 20  # a self-media account name
# Endings of publication names (used to tell a source from a person beside the time).
ORG_SUFFIX = re.compile(
    r"(?:报|報|社|网|網|台|新闻|新聞|客户端|号|號|周刊|週刊|杂志|雜誌|电视|電視|广播|廣播|传媒|傳媒|App|APP|中心"
    r"|频道|頻道|娱乐|娛樂|科技|财经|財經|体育|體育)$"  # a portal's channel: 新浪娱乐, 腾讯科技
)
# UI words that can sit beside the time in a meta line but are not a source.
UI_WORDS = re.compile(
    r"大字|小字|字号|字體|大\s*中\s*小|打印|关闭|分享(?:到|至)?|收藏|评论|浏览|阅读|点击|纠错|糾錯|语音播报|手机看|"
    r"[AaTt]\s*[+-]|\d+\s*(?:次|人)|(?:星期|周|週|礼拜)[一二三四五六日天]"
)

# Lines that end the article: everything from the first of them on is not body.
BLOCK_END_WORDS = (
    "相关新闻", "相關新聞", "相关阅读", "相關閱讀", "相关链接", "相关推荐", "相关文章", "相关报道", "相关稿件", "新闻推荐",
    "推荐阅读", "延伸阅读", "猜你喜欢", "热点推荐", "热点阅读", "热门推荐", "精彩推荐", "编辑推荐", "频道推荐", "图文看点",
    "热点排行", "热门文章", "更多精彩", "更多新闻", "网友评论", "我要评论", "发表评论", "评论:", "评论：", "上一篇", "下一篇",
    "分享到", "分享至", "关键词阅读", "关键词：", "延伸閱讀", "看更多", "更多內容", "今日推荐", "为你推荐", "大家都在看",
    "热点新闻", "热门新闻", "往期回顾", "往期精彩", "更多内容", "相关专题",
)
# Block ends that close the article without opening other stories: staff and 来源 lines may still follow them.
NON_STORY_BLOCK_END_WORDS = ("分享到", "分享至", "关键词：")
# Landmarks that also open promo links (更多精彩资讯请点击 网易股票): they open other stories only as a bare heading.
PROMO_LANDMARK = re.compile(r"^\s*[【\[（(]?\s*(?:更多精彩|更多内容|更多內容|看更多)")
PROMO_HEADING_EXTRA_CHARS = 4
# Block ends after which come other stories (their bylines, sources and dates must not leak): every landmark
# but a share bar or a keyword line.
OTHER_STORIES = re.compile(
    r"^\s*[【\[（(]?\s*(?:相关|相關|新闻推荐|推荐|推薦|延伸|猜你喜欢|热点|热门|精彩推荐|编辑推荐|频道推荐|图文看点|更多新闻|"
    r"网友评论|我要评论|发表评论|评论|上一篇|下一篇|看更多|今日推荐|为你推荐|大家都在看|"
    + "|".join(re.escape(w) for w in BLOCK_END_WORDS if w not in NON_STORY_BLOCK_END_WORDS)
    + ")"
)
BLOCK_END = re.compile(r"^\s*[【\[（(]?\s*(?:" + "|".join(re.escape(w) for w in BLOCK_END_WORDS) + r")")
SHARE_LINE = re.compile(r"^(?:分享到|分享至|分享|打印|关闭|关闭窗口|收藏|纠错|字号|【?大\s*中\s*小】?|返回顶部|\[?打印本页\]?|扫一扫|举报)\W*$")
COPYRIGHT_HEADING = re.compile(r"版权声明|版權聲明|免责声明|免責聲明|转载声明|稿件声明")
COPYRIGHT_LINE = re.compile(r"版权所有|版权声明|版權所有|Copyright|©|\(c\)|未经授权|不得转载|转载请注明|禁止转载|免责声明|ICP备|ICP证|违法和不良信息")
# Copyright and reprint notices: prose-like, but never the article (they only lower a container's score).
LEGAL_NOTICE = re.compile(
    r"版权|版權|著作权|著作權|侵权|侵權|转载|轉載|免责|免責|法律顾问|授权|授權|举报|舉報|许可证|許可證|备案|ICP|"
    r"Copyright|©|allrightsreserved",
    re.I,
)
ORIGINAL_TITLE = re.compile(r"^[\s【\[（(]*原标题\s*[：:]")
EDITION_NOTE = re.compile(r"^[（(]?\s*《[^》]{1,20}》\s*[（(]?\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日?\s*[\d\w]*\s*版?\s*[)）]?\s*[)）]?$")
EDITION_CODE = re.compile(r"^[■□●◆]?\s*(?:[(（][A-Z][)）]\s*[①-⑳]*|[A-Z]{0,2}\d{1,2}(?:\s*[、,，]\s*[A-Z]?\d{1,2})*\s*版)$")
PHOTO_MARKERS = re.compile(r"^[①-⑳\s]+$")  # ①③④ opening a photo story: shown text, kept
# a breadcrumb: `首页 > 新闻`, `首页 - 新闻动态`, `当前位置：…` (never a headline)
BREADCRUMB = re.compile(
    r"\s[>›»]\s|[>›»]\s*正文$|^\s*(?:当前位置|當前位置|您的位置|你的位置|您现在的位置|您当前的位置)"
    r"|^\s*(?:网站|網站|本站)?(?:首页|首頁|主页|主頁|Home)\s*[-–—>›»/→|｜]"
)
KICKER_LINE = re.compile(r"^[【\[][^】\]]{1,20}[】\]]$")
PHOTO_CREDIT_ONLY = re.compile(r"^[（(]?\s*(?:图|圖|图片|圖片|照片)\s*[／/:：]")
UI_PROMPT = re.compile(
    r"分享|轉播|转播|转发|收藏|打印|加载|載入|下载|下載|扫码|扫一扫|关注我们|订阅|訂閱|APP|App|客户端|點我|按我|点击查看|电邮|電郵|返回首页"
)
DATELINE = re.compile(r"(?:电|電|讯|訊|报道|報導)\s*$|^\S{0,24}?\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:电|電|讯|訊)")
PROSE_PUNCTUATION = re.compile(r"[，。！？；、：“”,!?;]")  # "." left out: it fills URLs and "..."
TEASER_END = re.compile(r"(?:\.{3}|…+|。。。)\s*$")
META_HINT = re.compile(r"\d|来源|來源|作者|编辑|編輯|记者|記者")
CJK_PUNCTUATION = re.compile(r"[，。！？；：、“”]")
PUNCTUATION = re.compile(r"[，。！？；、：“”,.!?;]")
SENTENCE_END = re.compile(r"[。！？!?]")
CJK = re.compile(r"[\u4e00-\u9fff]")
WHITESPACE = re.compile(r"[\s\u3000\xa0\u200b\ufeff]+")
PREMATURE_END_TAGS = re.compile(r"</\s*(?:html|body)\s*>", re.I)
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.I)

# Body scoring knobs.
PROSE_MIN_CHARS = 10
LINK_LINE_RATIO = 0.5
ANCESTOR_WEIGHTS = (1.0, 1.0, 0.5, 0.25)
META_WINDOW = 10  # lines after the headline searched for the meta line
HEADLINE_ABOVE_META = 4  # lines above the meta line searched for a headline when <title> does not help
TAIL_WINDOW = 12  # lines after the body searched for staff/source lines
TAIL_JUNK_CHARS = 30  # a last line this short without Chinese punctuation is a button or a promo, not text
LEAD_PARAGRAPHS = 3  # leading paragraphs searched for a lead byline (a photo caption may come first)
META_LINE_MAX_CHARS = 160
META_RESIDUE_CHARS = 40  # what a meta line may hold besides times, labels and buttons (names, sources)
ANCHOR_NEAR = 15  # a container starting this close after the likely headline is preferred
ANCHOR_BONUS = 1.5
CAPTION_MAX_CHARS = 120  # text this short next to an image is its caption
CAPTION_TAGS = frozenset({"figcaption"})
SUMMARY_OVERLAP = 0.5  # share of a paragraph's bigrams found in the body above which it is a summary

# Structured time evidence, best first: (attribute value, is the publication time).
META_TIME_KEYS = (
    "article:published_time", "datepublished", "og:release_date", "dcterms.created", "dcterms.issued",
    "dc.date.issued", "publishdate", "pubdate", "publish_date", "publishtime", "publish-time", "date",
    "dc.date", "sailthru.date", "parsely-pub-date", "date.available",
)
# update/modification times: never the publication time, but they date the page (the year of a shown
# year-less time)
META_UPDATE_KEYS = ("dateupdate", "dateupdated", "datemodified", "article:modified_time", "og:updated_time", "lastmod")
META_SOURCE_KEYS = ("source", "contentsource", "og:article:source", "article:source")
JSON_LD_TIME_KEYS = ("datePublished", "dateCreated")
JSON_LD_UPDATE_KEYS = ("dateModified",)


logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class Line:
    """One line of shown text: the text of a block element up to the next block boundary or <br>."""

    index: int
    text: str
    owner: Any  # the innermost block element that holds the line
    chars: int  # characters without whitespace
    link_chars: int
    emphasis_chars: int
    after_image: bool = False  # an <img> stands between the previous line and this one

    @property
    def link_ratio(self) -> float:
        return self.link_chars / self.chars if self.chars else 0.0


@dataclass
class PageMeta:
    """Machine-readable evidence from <head>, <meta> and JSON-LD."""

    titles: list[str] = field(default_factory=list)  # <title>, og:title, headline, ... (raw)
    times: list[tuple[str, str]] = field(default_factory=list)  # (key, value) in META_TIME_KEYS order
    source: str | None = None
    json_ld_authors: list[str] = field(default_factory=list)
    update_times: list[tuple[str, str]] = field(default_factory=list)  # (key, value): dateModified, ...


@dataclass
class Body:
    container: Any
    start: int  # first line index in the container
    end: int  # one past the last
    score: float


@dataclass
class Headline:
    text: str
    index: int | None  # line index, None when taken from <title>
    rule: str


@dataclass
class MetaLine:
    indexes: list[int] = field(default_factory=list)
    text: str = ""


@dataclass
class CleanBody:
    paragraphs: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    source_lines: list[str] = field(default_factory=list)
    time_lines: list[str] = field(default_factory=list)  # short lines in or after the body with a labelled time
    dropped: dict[str, int] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------------
# Parsing and flattening
# ---------------------------------------------------------------------------------------------------

_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, remove_blank_text=False)


def parse_html(html: str) -> Any | None:
    """The lxml root of `html`, or None for a page without markup or text.

    Premature `</body>`/`</html>` tags are removed first (the parser would otherwise keep what follows
    them only by luck), and so is an XML declaration (lxml refuses it in a str).
    """
    if not isinstance(html, str):
        raise TypeError(f"extract wants str HTML, got {type(html).__name__}; decode bytes with decode_html")
    html = XML_DECLARATION.sub("", html.replace("\x00", ""), count=1)
    html = PREMATURE_END_TAGS.sub("", html)
    if not html.strip():
        return None
    try:
        root = lxml.html.document_fromstring(html, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None
    return root


def _clean_text(text: str) -> str:
    return WHITESPACE.sub(" ", text).strip()


def _count(text: str) -> int:
    return len(text) - text.count(" ")


def page_lines(root: Any) -> list[Line]:
    """The page's shown text as lines in reading order (scripts, forms and the like left out)."""
    lines: list[Line] = []
    pieces: list[str] = []
    counts = [0, 0]  # link chars, emphasis chars in the current line
    blocks: list[Any] = [root]
    link_depth = 0
    emphasis_depth = 0
    # [an <img> since the last line's text began, the current line has text, an <img> came just before it]
    image = [False, False, False]

    def add(text: str | None) -> None:
        if not text:
            return
        if not image[1] and WHITESPACE.sub("", text):
            image[1], image[2], image[0] = True, image[0], False
        pieces.append(text)
        if link_depth or emphasis_depth:
            n = len(WHITESPACE.sub("", text))
            if link_depth:
                counts[0] += n
            if emphasis_depth:
                counts[1] += n

    def flush() -> None:
        if not pieces:
            return
        text = _clean_text("".join(pieces))
        pieces.clear()
        if text:
            chars = _count(text)
            lines.append(Line(len(lines), text, blocks[-1], chars, min(counts[0], chars), min(counts[1], chars), image[2]))
        image[1] = image[2] = False
        counts[0] = counts[1] = 0

    body = root.find("body")
    start = body if body is not None else root
    walker = etree.iterwalk(start, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.lower()
        if event == "start":
            if tag in SKIP_TAGS:
                walker.skip_subtree()
                continue
            if tag in BLOCK_TAGS:
                flush()
                blocks.append(element)
            elif tag == "br":
                flush()
            elif tag == "img":
                image[0] = True
            elif tag == LINK_TAG:
                link_depth += 1
            elif tag in EMPHASIS_TAGS:
                emphasis_depth += 1
            add(element.text)
        else:
            if tag in SKIP_TAGS:
                add(element.tail)
                continue
            if tag in BLOCK_TAGS:
                flush()
                if len(blocks) > 1 and blocks[-1] is element:
                    blocks.pop()
            elif tag == LINK_TAG:
                link_depth = max(0, link_depth - 1)
            elif tag in EMPHASIS_TAGS:
                emphasis_depth = max(0, emphasis_depth - 1)
            if element is not start:
                add(element.tail)
    flush()
    return lines


def norm(text: str | None) -> str:
    """NFKC without whitespace: the form headlines and references are compared in."""
    if not text:
        return ""
    return _norm(text)


@lru_cache(maxsize=8192)
def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


# ---------------------------------------------------------------------------------------------------
# <head>, <meta> and JSON-LD
# ---------------------------------------------------------------------------------------------------


def _strip_tags(text: str) -> str:
    """Text of a <meta> value that carries markup (`标题<div>——副题</div>`), tags dropped."""
    return _clean_text(re.sub(r"<[^>]*>", " ", text)) if "<" in text else text


def _json_ld_objects(root: Any) -> Iterable[dict[str, Any]]:
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                if "@graph" in item:
                    stack.append(item["@graph"])


def _names_of(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, dict):
        return _names_of(value.get("name"))
    if isinstance(value, list):
        return [name for item in value for name in _names_of(item)]
    return []


def find_meta(root: Any) -> PageMeta:
    """Headline references, structured publication times and the declared source of the page."""
    meta = PageMeta()
    title = root.find(".//title")
    if title is not None and title.text_content():
        meta.titles.append(_clean_text(title.text_content()))
    found_times: dict[str, str] = {}
    for element in root.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        content = _clean_text(element.get("content") or "")
        if not key or not content:
            continue
        if key in ("og:title", "twitter:title", "articletitle", "headline", "title"):
            meta.titles.append(_strip_tags(content))
        elif key in META_TIME_KEYS and key not in found_times:
            found_times[key] = content
        elif key in META_UPDATE_KEYS:
            meta.update_times.append((key, content))
        elif key in META_SOURCE_KEYS and meta.source is None:
            meta.source = trim_source(SOURCE_LABEL.sub("", content)) or None
    for item in _json_ld_objects(root):
        if isinstance(item.get("headline"), str):
            meta.titles.append(_clean_text(item["headline"]))
        for key in JSON_LD_TIME_KEYS:
            if isinstance(item.get(key), str) and key.lower() not in found_times:
                found_times[key.lower()] = item[key]
        for key in JSON_LD_UPDATE_KEYS:
            if isinstance(item.get(key), str):
                meta.update_times.append((key.lower(), item[key]))
        meta.json_ld_authors.extend(_names_of(item.get("author")))
    order = {key: rank for rank, key in enumerate(META_TIME_KEYS)}
    meta.times = sorted(found_times.items(), key=lambda kv: order.get(kv[0], len(order)))
    return meta


# ---------------------------------------------------------------------------------------------------
# Body: the densest prose container
# ---------------------------------------------------------------------------------------------------


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


def prose_score(line: Line) -> float:
    """How much a line looks like article prose: 0 for link lists and short labels, little for notices."""
    if line.chars < PROSE_MIN_CHARS or line.link_ratio > LINK_LINE_RATIO:
        return 0.0
    if line.chars < 20 and not re.search(r"[，。,]", line.text) or _heading_tag(line) in HEADLINE_TAGS:
        return 0.0  # headlines and labels are not prose
    if line.chars <= META_LINE_MAX_CHARS and META_HINT.search(line.text) and _looks_meta(line):
        return 0.0  # the meta line
    value = 1.0 + len(PROSE_PUNCTUATION.findall(line.text)) + min(line.chars / 50, 4.0)
    if LEGAL_NOTICE.search(norm(line.text)):  # matched without spaces: 版 权 所 有
        value *= 0.1
    if TEASER_END.search(line.text):
        value *= 0.2  # a teaser cut short with "..." belongs to another story
    return value


def is_prose(line: Line) -> bool:
    return line.link_ratio <= LINK_LINE_RATIO and (
        (line.chars >= 15 and bool(PUNCTUATION.search(line.text))) or line.chars >= 40
    )


def find_body(lines: list[Line], anchor: int | None = None) -> Body | None:
    """The block element holding the most prose, weighed down by its link density.

    `anchor`: the line index of the likely headline (`likely_headline`); containers that start just
    after it are preferred and those that end before it are not.
    """
    cache: dict[Any, list[Any]] = {}
    score: dict[Any, float] = {}
    total: dict[Any, int] = {}
    linked: dict[Any, int] = {}
    first: dict[Any, int] = {}
    last: dict[Any, int] = {}
    for line in lines:
        chain = _ancestors(line.owner, cache)
        for element in chain:
            total[element] = total.get(element, 0) + line.chars
            linked[element] = linked.get(element, 0) + line.link_chars
            first.setdefault(element, line.index)
            last[element] = line.index
        value = prose_score(line)
        if value:
            for element, weight in zip(chain, ANCESTOR_WEIGHTS):
                score[element] = score.get(element, 0.0) + value * weight
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
    inside = [line.index for line in lines if best in _ancestors(line.owner, cache)]
    start = _lead_paragraphs_before(lines, inside[0], inside[-1] + 1, best, cache)
    return Body(best, start, inside[-1] + 1, best_score)


def _bigrams(text: str) -> set[str]:
    text = norm(text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _lead_paragraphs_before(lines: list[Line], start: int, end: int, container: Any, cache: dict[Any, list[Any]]) -> int:
    """Take in prose paragraphs just before the container that sit beside it (a lead set apart as a
    sibling), unless they restate the body (a summary box)."""
    parent = container.getparent()
    if parent is None:
        return start
    body_grams: set[str] = set()
    for line in lines[start:end]:
        body_grams |= _bigrams(line.text)
    index = start - 1
    while index >= 0:
        line = lines[index]
        if line.chars < 40 or line.link_ratio > 0.2 or not SENTENCE_END.search(line.text) or _looks_meta(line):
            break
        chain = _ancestors(line.owner, cache)
        if parent not in chain or container in chain:
            break
        grams = _bigrams(line.text)
        if grams and len(grams & body_grams) / len(grams) > SUMMARY_OVERLAP:
            break
        index -= 1
    return index + 1


# ---------------------------------------------------------------------------------------------------
# Headline and subtitle
# ---------------------------------------------------------------------------------------------------


def likely_headline(lines: list[Line], meta: PageMeta) -> int | None:
    """Before the body is known: the line that agrees with <title>/og:title, preferring one followed
    by a meta line (a nav or related list may repeat the headline elsewhere)."""
    references = [segment for reference in meta.titles for segment in title_segments(reference)]
    if not references:
        return None
    found = [line for line in lines if 4 <= line.chars <= 120 and line.link_ratio <= 0.5
             and _agreement(line.text, references) >= 2.2]
    for line in found:
        if any(_looks_meta(following) for following in lines[line.index + 1 : line.index + 4]):
            return line.index
    return found[0].index if found else None


def title_segments(reference: str) -> list[str]:
    """`<title>`-like text cut at site-name separators: every prefix that ends before a separator."""
    reference = _clean_text(reference)
    out = [reference]
    for match in TITLE_SEPARATORS.finditer(reference):
        head = reference[: match.start()].strip()
        if len(norm(head)) >= 4:
            out.append(head)
        tail = reference[match.end() :].strip()
        if len(norm(tail)) >= 4:
            out.append(tail)
    return out


def _agreement(candidate: str, references: list[str]) -> float:
    text = norm(candidate)
    if len(text) < 4:
        return 0.0
    best = 0.0
    for reference in references:
        ref = norm(reference)
        if not ref:
            continue
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


def _element_hint(element: Any, pattern: re.Pattern[str], levels: int = 2) -> bool:
    for _ in range(levels):
        if element is None:
            return False
        if pattern.search((element.get("class") or "") + " " + (element.get("id") or "")):
            return True
        element = element.getparent()
    return False


def _heading_element(line: Line) -> Any | None:
    element = line.owner
    for _ in range(3):
        if element is None:
            return None
        if isinstance(element.tag, str) and element.tag.lower() in HEADING_WEIGHT:
            return element
        element = element.getparent()
    return None


def _heading_tag(line: Line) -> str | None:
    element = _heading_element(line)
    return element.tag.lower() if element is not None else None


def find_title(lines: list[Line], meta: PageMeta, body: Body | None) -> Headline | None:
    """The displayed headline: the line that agrees best with <title>/og:title, near and before the body."""
    references = [segment for reference in meta.titles for segment in title_segments(reference)]
    body_start = body.start if body else len(lines)
    body_end = body.end if body else len(lines)
    best: tuple[float, Line, str, float] | None = None
    for line in lines:
        if line.chars < 4 or line.chars > 120:
            continue
        agreement = _agreement(line.text, references)
        heading = _heading_tag(line)
        hinted = _element_hint(line.owner, TITLE_HINT)
        emphasis = line.emphasis_chars >= 0.8 * line.chars
        if not agreement and not heading and not hinted:
            continue
        score = agreement * 2
        score += HEADING_WEIGHT.get(heading or "", 0.0) + (0.5 if hinted else 0.0) + (0.2 if emphasis else 0.0)
        if SENTENCE_END.search(line.text[:-1]) or PUNCTUATION.search(line.text) and line.chars > 60:
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
    above = headline_before(lines, find_meta_line(lines, None, body))
    if above is None and body is not None:
        above = headline_before(lines, MetaLine([body.start]))
    if above is not None:
        return above
    if best and (best[0] >= 2.0 or not any(_agreement(line.text, references) for line in lines if 4 <= line.chars <= 120)):
        return Headline(best[1].text, best[1].index, best[2])
    if references:
        head = _title_from_references(meta.titles)
        if head:
            return Headline(head, None, "title-tag")
    if best:
        return Headline(best[1].text, best[1].index, best[2])
    return None


def _title_from_references(titles: list[str]) -> str | None:
    """The headline part of a <title>: the text before the first site separator (longest part if tiny)."""
    for reference in titles:
        reference = _clean_text(reference)
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


def _is_meta_text(text: str) -> bool:
    return bool(META_LABEL.search(text)) or bool(dates.find_times(text))


def find_subtitle(
    lines: list[Line], title: Headline | None, meta: PageMeta, body: Body | None = None,
) -> tuple[str | None, int | None, str]:
    """The 副题 (line after the headline) or 引题 (line before) shown with the headline.

    The headline's own line is tried first, then a repeat of it at the top of the body.
    """
    if title is None or title.index is None:
        return None, None, ""
    title_norm = norm(title.text)
    places = [title.index]
    if body is not None:
        places += [i for i in range(max(title.index + 1, body.start), min(body.end, body.start + 6))
                   if norm(lines[i].text) == title_norm]
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
        while offset == 1 and 0 <= index < min(len(lines), place + 4) and _looks_meta(lines[index]) and not SUBTITLE_DASH.match(lines[index].text):
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
        if UI_PROMPT.search(text) and not dashed or KICKER_LINE.match(text) or EDITION_CODE.match(text):
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
        heading = _heading_element(head_line)
        if offset == 1 and heading is not None and heading is _heading_element(line):
            return clean, index, "inside-headline"
        if offset == 1 and _subheading_before_meta(lines, line, head_line):
            return clean, index, "subheading-before-meta"
        related = _related(line.owner, head_line.owner)
        if _element_hint(line.owner, SUBTITLE_HINT, 1) and related:
            return clean, index, "subtitle-class"
        if related and _same_look(line.owner, head_line.owner) and (
            offset == -1 or head_line.emphasis_chars or _heading_tag(head_line) is None
        ):
            return clean, index, "twin-of-headline"
    return None, None, ""


def _heading_level(line: Line) -> int | None:
    """The level of the h1-h6 element holding the line (itself or up to two ancestors), else None."""
    element = line.owner
    for _ in range(3):
        if element is None:
            return None
        if isinstance(element.tag, str) and re.fullmatch(r"h[1-6]", element.tag.lower()):
            return int(element.tag[1])
        element = element.getparent()
    return None


def _subheading_before_meta(lines: list[Line], line: Line, head_line: Line) -> bool:
    """A 副题 set as a smaller heading (h2-h4) of its own right after a headline heading and right before
    the meta line. A section heading inside the body has no meta line after it."""
    level, head_level = _heading_level(line), _heading_level(head_line)
    if level is None or head_level is None or not 2 <= level <= 4 or level <= head_level:
        return False
    if line.index != head_line.index + 1 or line.index + 1 >= len(lines):
        return False
    return _looks_meta(lines[line.index + 1])


KICKER_MIN_CHARS, KICKER_MAX_CHARS = 8, 40
KICKER_PARTS = re.compile(r"[\s·•|｜/／>›»]+")


def _kicker_above(line: Line, head_line: Line, full_refs: list[str]) -> bool:
    """A 引题 just above a headline set in a heading element: the text of the element right before that
    heading (empty siblings skipped), headline-sized, no link, no label, and not named in <title>/og:title
    (a column or site name standing above the headline is: `…东区办事处_中山网`). Navigation, breadcrumbs,
    column names and dates standing above the headline fail one of these."""
    heading = _heading_element(head_line)
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
    if previous is None or norm(previous.text_content()) != text:
        return False
    return previous is line.owner or any(element is line.owner for element in previous.iter())


def _kicker_with_label_word(line: Line, head_line: Line, full_refs: list[str]) -> bool:
    """A 引题 above the headline that merely holds a label word in its prose (入伏首日 记者跟随洒水车夜间作业):
    no time, no 来源, no label followed by a colon, and no credit the bylines module reads."""
    text = line.text
    if dates.find_times(text) or SOURCE_LABEL.search(text) or SOURCE_LABEL_BARE.search(text):
        return False
    if re.search(rf"(?:{META_LABEL.pattern})\s*[：:/／]", text) or _people_line(text) is not None:
        return False
    return _kicker_above(line, head_line, full_refs)


KICKER_WRAPPER_LEVELS = 3  # wrappers holding only the headline (td, tr) climbed to find the element before it


def _element_before(element: Any) -> Any | None:
    """The element with text right before `element` (empty siblings skipped); where `element` is the first
    with text in a wrapper that holds nothing but its text (<tr><td><h1>…), the element before that wrapper."""
    own = norm(element.text_content())
    for _ in range(KICKER_WRAPPER_LEVELS + 1):
        previous = element.getprevious()
        while previous is not None and (not isinstance(previous.tag, str) or not norm(previous.text_content())):
            previous = previous.getprevious()
        if previous is not None:
            return previous
        parent = element.getparent()
        if parent is None or norm(parent.text_content()) != own or (parent.text or "").strip():
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


# ---------------------------------------------------------------------------------------------------
# Meta line: time, source and people beside the headline
# ---------------------------------------------------------------------------------------------------


def _looks_meta(line: Line) -> bool:
    if line.chars > META_LINE_MAX_CHARS or line.link_ratio > 0.8 and not SOURCE_LABEL.search(line.text):
        return False
    if SOURCE_LABEL.search(line.text) or SOURCE_LABEL_BARE.search(line.text):
        return True
    times = dates.find_times(line.text)
    if times:
        # a meta line is mostly labels and the time, not a sentence (or a dateline) that mentions a date
        if SENTENCE_END.search(line.text) or line.text.count("，") >= 2:
            return False
        residue = line.text
        for found in reversed(times):
            residue = residue[: found.start] + residue[found.end :]
        residue = META_LABEL.sub("", UI_WORDS.sub("", re.sub(r"https?://\S+|www\.\S+", "", residue)))
        return _count(_clean_text(residue)) <= META_RESIDUE_CHARS
    return bool(META_LABEL.search(line.text)) and line.chars <= 60 and not SENTENCE_END.search(line.text)


def _captioned_photo_credit(line: Line) -> bool:
    """An image caption that describes the picture and closes with its photo credit (`工人正在调试灯组 本报记者
    司马川 摄`): body text, never a meta line, and its photographer is no author. A bare credit line of its
    own (`记者 张三 摄`), a text credit (文/图), a time or a 来源 label keep a line out of this."""
    text = line.text
    if not is_caption(line) or not PHOTO_CREDIT.search(text) or TEXT_CREDIT.search(text):
        return False
    if SOURCE_LABEL.search(text) or dates.find_times(text) or STAFF_WORD.search(text):
        return False
    return _people_line(text) is None


def find_meta_line(lines: list[Line], title: Headline | None, body: Body | None) -> MetaLine:
    """The short lines right after the headline (or just before it) holding its time and labels."""
    zone = MetaLine()
    if title is not None and title.index is not None:
        start = title.index + 1
    elif body is not None:
        start = max(0, body.start - META_WINDOW)
    else:
        start = 0
    stop = min(len(lines), start + META_WINDOW)
    for line in lines[start:stop]:
        if is_prose(line) and not _looks_meta(line) and zone.indexes:
            break
        if is_prose(line) and not _looks_meta(line) and body is not None and line.index >= body.start:
            break
        if _looks_meta(line) and not _captioned_photo_credit(line):
            zone.indexes.append(line.index)
    has_time = any(dates.find_times(lines[i].text) for i in zone.indexes)
    if not has_time and title is not None and title.index is not None:
        # some pages (e-paper editions) show the date just above the headline
        for line in lines[max(0, title.index - 3) : title.index]:
            if line.chars <= 60 and line.link_ratio <= 0.7 and dates.find_times(line.text):
                zone.indexes.append(line.index)
    # a bare "来源：" label whose value sits on the next line
    for index in list(zone.indexes):
        if SOURCE_LABEL_BARE.search(lines[index].text) and index + 1 < len(lines) and index + 1 not in zone.indexes:
            following = lines[index + 1]
            if following.chars <= SOURCE_MAX_CHARS:
                zone.indexes.append(index + 1)
    zone.indexes.sort()
    zone.text = "  ".join(lines[i].text for i in zone.indexes)
    return zone


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
        if not 6 <= line.chars <= 80 or SENTENCE_END.search(text[:-1]) or _looks_meta(line):
            continue
        if len(re.findall(r"\d", text)) > line.chars / 2 or SUBTITLE_DASH.match(text) or BREADCRUMB.search(text):
            continue
        heading = _heading_element(line)
        if best is not None and heading is not None and heading is _heading_element(best[1]):
            continue  # a headline set on two lines: its first line is the headline
        score = HEADING_WEIGHT.get(_heading_tag(line) or "", 0.0) + (0.5 if line.emphasis_chars >= 0.8 * line.chars else 0.0)
        score += 0.5 if _element_hint(line.owner, TITLE_HINT) else 0.0
        score -= 0.1 * (first - line.index)
        if best is None or score > best[0]:
            best = (score, line)
    if best is None:
        return None
    return Headline(best[1].text, best[1].index, "above-meta-line")


_STRUCTURED_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")


def _year_hint(url: str | None, meta: PageMeta, shown_text: str = "", now: datetime | None = None) -> int | None:
    """The year for year-less times: the URL's; else that of a structured time (publication, then
    update) whose month-day is the month-day of a year-less time shown in `shown_text`; else the first
    structured time's year. Never 'now''s year when the page dates itself."""
    if url:
        found = dates.year_month_from_url(url)
        if found:
            return found[0]
    values = [value for _, value in meta.times + meta.update_times]
    if shown_text:
        for shown in dates.find_times(shown_text, now=now):
            if not shown.yearless:
                continue
            for value in values:
                match = _STRUCTURED_DATE.search(value)
                if match and (int(match[2]), int(match[3])) == (shown.value.month, shown.value.day):
                    return int(match[1])
            break
    for value in values:
        match = re.search(r"(?:19|20)\d{2}", value)
        if match:
            return int(match.group())
    return None


@dataclass
class StructuredTime:
    value: datetime  # in Beijing time
    offset: timedelta | None  # the offset the page wrote, None when it wrote none
    raw: str
    key: str


def structured_time(meta: PageMeta, now: datetime | None = None) -> StructuredTime | None:
    """The first publication time with a time of day from <meta>/JSON-LD (META_TIME_KEYS order)."""
    for key, value in meta.times:
        text = value.strip()
        if re.match(r"\d{4}-\d\d-\d\d[ T]\d", text):
            try:
                parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
            except ValueError:
                parsed = None
            if parsed is not None:
                offset = parsed.utcoffset()
                if parsed.tzinfo is None:
                    parsed = parsed.replace(tzinfo=dates.BEIJING)
                return StructuredTime(parsed.astimezone(dates.BEIJING), offset, value, key)
        found = dates.find_times(text, now=now)
        if found and found[0].has_time:
            return StructuredTime(found[0].value, None, value, key)
    return None


def _shown_in_foreign_zone(shown: dates.FoundTime, structured: StructuredTime) -> bool:
    """A shown time that differs from an exact structured time by whole hours is the same moment in
    another zone's local time (RFI shows Paris time). Not so for exactly 8 hours against a `Z` time:
    Chinese sites often stamp Beijing time with `Z`."""
    if structured.offset is None:
        return False
    gap = abs((shown.value - structured.value.replace(second=0, microsecond=0)).total_seconds())
    if shown.value.second:
        gap = abs((shown.value - structured.value).total_seconds())
    if gap == 0 or gap > 14 * 3600 or gap % 3600:
        return False
    return not (gap == 8 * 3600 and structured.offset == timedelta(0))


def find_published(
    zone: MetaLine, meta: PageMeta, *, url: str | None = None, now: datetime | None = None,
    fallback_text: str = "", labelled_lines: Iterable[str] = (),
) -> tuple[dates.FoundTime | None, str]:
    """The article's time: the one shown in the meta line, unless it is labelled as an update, is only a
    date, or is another zone's local time; then the structured (<meta>/JSON-LD) time; then other hints.

    Of the hints, a time written after a publication label (发布日期：, 发表于, 时间： in a meta-like
    line) beats a date that merely stands near the headline (often the event's date in the lead): first
    one in `fallback_text` (the head of the article), then one in `labelled_lines` (short lines in the
    article's own block, such as a 发布日期/版权声明 box right after the text)."""
    hint = _year_hint(url, meta, zone.text, now)
    shown = dates.find_times(zone.text, now=now, year_hint=hint) if zone.text else []
    shown_time = shown[0] if shown else None
    is_update = bool(shown_time) and any(label in zone.text[: shown_time.start] for label in UPDATE_LABELS)
    structured = structured_time(meta, now)
    exact = dates.FoundTime(structured.value, structured.raw, True, 0, 0) if structured else None
    if shown_time is not None and not is_update:
        if structured is not None and exact is not None:
            if shown_time.has_time and _shown_in_foreign_zone(shown_time, structured):
                return exact, f"meta:{structured.key}"
            if not shown_time.has_time and structured.value.date() == shown_time.value.date():
                return exact, f"meta:{structured.key}"
        return shown_time, "meta-line"
    if exact is not None and structured is not None:
        return exact, f"meta:{structured.key}"
    if shown_time is not None:
        return shown_time, "meta-line-update"
    for key, value in meta.times:
        found = dates.find_times(value, now=now)
        if found:
            return found[0], f"meta-date:{key}"
    if fallback_text:
        found_label = dates.labelled_time(fallback_text, bare=False, now=now, year_hint=hint)
        if found_label is not None:
            return found_label, "labelled-near-headline"
    for text in labelled_lines:
        found_label = dates.labelled_time(text, bare=_meta_company(text), now=now, year_hint=hint)
        if found_label is not None:
            return found_label, "labelled-in-article"
    if fallback_text:
        found = dates.find_times(fallback_text, now=now, year_hint=hint)
        if found:
            return found[0], "near-headline"
    return None, ""


# The issue line of an e-paper page: the page (版) the story is printed on and the issue's date.
ISSUE_PAGE = re.compile(r"第\s*[A-Za-z]{0,2}\s*\d{1,3}\s*版")
ISSUE_LINE_MAX_CHARS = 60


def issue_date(lines: list[Line], before: int, *, now: datetime | None = None) -> dates.FoundTime | None:
    """The date of an e-paper issue line above the headline (`第A05版：本地新闻  2018年07月20日`): a short
    line, mostly not link text, naming a page (第…版) and a date with its year. The last resort for a page
    that shows no other time: the story was published in that issue."""
    for line in lines[:before]:
        if line.chars > ISSUE_LINE_MAX_CHARS or line.link_ratio > 0.5 or not ISSUE_PAGE.search(line.text):
            continue
        for found in dates.find_times(line.text, now=now):
            if not found.yearless:
                return found
    return None


def _meta_company(text: str) -> bool:
    """A line that also holds a 来源 or a people label: there a bare 时间：/日期： labels the article's time."""
    return bool(SOURCE_LABEL.search(text) or PEOPLE_LABEL.search(text))


def is_time_line(text: str) -> bool:
    """A short line (not a sentence) with a publication label before a time: `发布日期：2019-03-06 责任编辑：龙慧`,
    `版权声明 来源：当代商报 时间：2019-09-23 14:34:05`; not `活动时间：3月6日` nor `更新时间：…`."""
    if _count(text) > META_LINE_MAX_CHARS // 2 or SENTENCE_END.search(text):
        return False
    return dates.labelled_time(text, bare=_meta_company(text)) is not None


def is_source_line(text: str) -> bool:
    """A short line whose 来源 label comes first or after only labels, times or a heading word
    (`来源：当代商报`, `版权声明 来源：当代商报 时间：…`, `2019-03-06 来源：某某日报`); not a sentence."""
    match = SOURCE_LABEL.search(text)
    if match is None or _count(text) > 80 or SENTENCE_END.search(text[: match.start()]):
        return False
    before = text[: match.start()]
    for found in reversed(dates.find_times(before)):
        before = before[: found.start] + before[found.end :]
    before = META_LABEL.sub("", UI_WORDS.sub("", COPYRIGHT_HEADING.sub("", before)))
    return _count(_clean_text(before)) <= 2 and not CJK_PUNCTUATION.search(before)


def _first_name_token(value: str) -> str:
    """The first whitespace-separated word of a value; Latin words stay joined (`The Paper`)."""
    words = value.split()
    if not words:
        return ""
    taken = [words[0]]
    for word in words[1:]:
        if re.search(r"[A-Za-z0-9]$", taken[-1]) and re.match(r"[A-Za-z]", word):
            taken.append(word)
        else:
            break
    return " ".join(taken)


def source_after_label(text: str) -> str | None:
    """The value of the first 来源 label in `text`, up to the next label, time, gap or second name."""
    for match in SOURCE_LABEL.finditer(text):
        rest = text[match.end() :].lstrip(" [【「(（")
        stop = SOURCE_STOP.search(rest)
        value = rest[: stop.start()] if stop else rest
        times = dates.find_times(value)
        if times:
            value = value[: times[0].start]
        value = _first_name_token(value.strip(" :："))
        value = trim_source(SOURCE_TRAILING_BRACKET.sub("", value))
        if value and len(value) <= SOURCE_MAX_CHARS and not value.lower().startswith(("http", "www.")):
            return value
    return None


TITLE_MARKS = (("《", "》"), ("〈", "〉"), ("「", "」"), ("『", "』"), ("“", "”"))


def trim_source(value: str) -> str:
    """`value` without the separators and brackets around it (SOURCE_TRIM), but a title mark that a kept
    one pairs with stays: `人民网-《人民日报》` keeps its closing `》`, `《人民日报》` alone loses both."""
    core = value.strip(SOURCE_TRIM)
    if not core:
        return core
    start = value.find(core)
    end = start + len(core)
    for opening, closing in TITLE_MARKS:
        while core.count(opening) > core.count(closing) and value[end : end + 1] == closing:
            end += 1
            core = value[start:end]
        while core.count(closing) > core.count(opening) and start > 0 and value[start - 1] == opening:
            start -= 1
            core = value[start:end]
    return core


# Badges a meta line shows beside the names: never a name nor a source.
BADGE_WORDS = re.compile(r"^(?:原创|原創|转载|轉載|独家|獨家|首发|首發|置顶|置頂|热门|熱門|推荐|推薦)$")


def unlabelled_slots(text: str) -> tuple[str | None, list[str]]:
    """In a meta line with no labels at all whose words all stand before its time (`原创 申屠明 临江日报
    2021-06-02 08:00`, a 微信公众号 line): the word right before the time is the source slot (the
    publishing account) and the person-looking names before it (a known surname and 1-2 characters,
    compound surnames too) are its authors. Badges (原创, 转载, 独家) are skipped. (None, []) unless there
    are at least two such words, the slot word is no person's name and every word before it is one."""
    times = dates.find_times(text)
    if not times or META_LABEL.search(text) or SOURCE_LABEL.search(text) or NON_PEOPLE_LABEL.search(text):
        return None, []
    if _clean_text(UI_WORDS.sub(" ", text[times[-1].end :])).strip(SOURCE_TRIM + " "):
        return None, []  # words after the time: not this layout
    words = [w.strip(SOURCE_TRIM) for w in UI_WORDS.sub(" ", text[: times[0].start]).split()]
    words = [w for w in words if w and not BADGE_WORDS.match(w)]
    if len(words) < 2 or not all(CJK.search(w) or re.search(r"[A-Za-z]{2}", w) for w in words):
        return None, []
    slot, names = words[-1], words[:-1]
    if not 2 <= len(slot) <= ACCOUNT_MAX_CHARS or bylines.person_like(slot) and not ORG_SUFFIX.search(slot):
        return None, []
    if len(names) > 3 or not all(bylines.person_like(name) for name in names):
        return None, []
    return slot, names


def source_beside_time(text: str) -> str | None:
    """In a meta line without a 来源 label (`淄博晚报 2014-05-06 17:22 大字`, `2020-10-04 15:05聯合報 記者…`),
    the one name written beside the time, if it is not a person's; or the source slot of an unlabelled
    line of names before the time (`unlabelled_slots`). A badge (原创) is never the source."""
    times = dates.find_times(text)
    if not times or SOURCE_LABEL.search(text):
        return None
    slot, _ = unlabelled_slots(text)
    if slot:
        return slot
    first = times[0]
    rest = text[: first.start] + "  " + text[first.end :]
    for found in dates.find_times(rest)[::-1]:
        rest = rest[: found.start] + "  " + rest[found.end :]
    rest = re.sub(r"https?://\S+|www\.\S+", " ", rest)
    rest = UI_WORDS.sub(" ", rest)
    words = [w.strip(SOURCE_TRIM) for w in rest.split()]
    words = [w for w in words if w and not META_LABEL.search(w) and (CJK.search(w) or re.search(r"[A-Za-z]{2}", w))]
    words = [w for w in words if not BADGE_WORDS.match(w)]
    if len(words) != 1 or not 2 <= len(words[0]) <= SOURCE_MAX_CHARS:
        return None
    word = words[0]
    if not ORG_SUFFIX.search(word) and _byline_call(bylines.split_names, word) == [word]:
        return None  # a person's name, not a publication
    return word


# ---------------------------------------------------------------------------------------------------
# Body cleaning and people
# ---------------------------------------------------------------------------------------------------


def _unique(names: Iterable[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        name = name.strip()
        if name and name not in out:
            out.append(name)
    return out


def _byline_call(function: Any, text: str) -> bylines.Byline | None:
    """Call a `newscrawl.bylines` reader; a bug there costs the names of one line, not the page."""
    try:
        return function(text)
    except (IndexError, ValueError, KeyError) as error:
        logger.warning("bylines.%s failed on %r: %r", getattr(function, "__name__", function), text, error)
        return None


def parse_people(text: str) -> bylines.Byline:
    return _byline_call(bylines.parse_byline, text) or bylines.Byline([], [], "")


def is_block_end(text: str) -> bool:
    """A line that opens a related-news / recommendation / comment / share block."""
    match = BLOCK_END.match(text)
    if not match:
        return False
    return len(text) <= match.end() + 40 or bool(re.match(r"[\s:：>》】\]）)]", text[match.end() : match.end() + 1]))


def opens_other_stories(line: Line) -> bool:
    """A landmark after which come other stories (相关新闻, 新闻推荐, 猜你喜欢, 热点新闻, ...): nothing after it
    may give the article people, a source or a time. Share bars and keyword lines are landmarks too, but
    staff and 来源 lines may follow them."""
    text = line.text
    if not is_block_end(text):
        return False
    match = OTHER_STORIES.match(text)
    if match is None:
        return False
    promo = PROMO_LANDMARK.match(text)
    return promo is None or line.chars <= _count(_clean_text(promo.group(0))) + PROMO_HEADING_EXTRA_CHARS


def _people_line(text: str) -> bylines.Byline | None:
    """A standalone staff or byline line, as the bylines module reads it."""
    if not BYLINE_CUE.search(text):
        return None
    staff = _byline_call(bylines.staff_line, text)
    if staff is not None and (staff.editors or staff.authors):
        return staff
    credit = _byline_call(bylines.byline_line, text)
    if credit is not None and (credit.authors or credit.editors):
        return credit
    return None


def _is_link_line(line: Line) -> bool:
    return line.link_ratio > LINK_LINE_RATIO and not (
        line.chars >= 40 and PUNCTUATION.search(line.text) and line.link_ratio < 0.9
    )


def bracket_people(text: str, *, alone: bool = True) -> bylines.Byline | None:
    """Names in a bracketed staff or credit segment of a line (`【编辑:刘欢】 返回搜狐` -> 刘欢).

    `alone`: the brackets must be (nearly) all the line's own text; False for a line whose other text
    is links."""
    authors: list[str] = []
    editors: list[str] = []
    outside = BRACKETED.sub("", text)
    if alone and (len(norm(outside)) > 12 or CJK_PUNCTUATION.search(outside)):
        return None  # a sentence that contains a bracket, not a credit line
    for match in BRACKETED.finditer(text):
        inner = match.group(1)
        if PEOPLE_LABEL.search(inner):
            people = parse_people(inner)
            authors += people.authors
            editors += people.editors
    if not authors and not editors:
        return None
    return bylines.Byline(authors, editors, text)


def is_caption(line: Line) -> bool:
    """An image caption: a line opening with 图①/图1/图为/图：, a <figcaption>, or a short line right after an
    image. A photographer credited only in a caption is no author (LABELS.md): see `caption_photo_credit`."""
    if CAPTION_START.match(line.text) and line.chars <= CAPTION_START_MAX_CHARS:
        return True
    owner = line.owner
    if isinstance(getattr(owner, "tag", None), str) and owner.tag.lower() in CAPTION_TAGS:
        return True
    return line.after_image and line.chars <= CAPTION_MAX_CHARS


def caption_photo_credit(line: Line, credit: bylines.Byline) -> bool:
    """`credit`, read at the end of `line`, only credits the photo the line captions: (通讯员陶兴 摄).
    A credit of the text (本报记者 廖刚颖 文/图) or of bare names ends the story, not the caption."""
    raw = credit.raw or ""
    return is_caption(line) and bool(PHOTO_CREDIT.search(raw)) and not TEXT_CREDIT.search(raw)


def is_caption_credit(text: str) -> bool:
    """A line that credits only a photo (`▲本报记者黎旭阳、李妍摄`, `记者 张三 摄`): a photo credit word, no
    credit of the text (文/图) and no staff label. Standing as an image's caption it names no author."""
    if not PHOTO_CREDIT.search(text) or TEXT_CREDIT.search(text) or STAFF_WORD.search(text):
        return False
    credit = _people_line(text)
    return credit is not None and bool(credit.authors) and not credit.editors


def lead_credit(paragraph: str) -> bylines.Byline | None:
    """A credit opening a paragraph: the bylines module's leads, or a bracketed `〔記者…／台北報導〕`."""
    lead = _byline_call(bylines.lead_byline, paragraph)
    if lead is not None and lead.authors:
        return lead
    match = LEAD_BRACKET.match(paragraph)
    if match and AUTHOR_LABEL.search(match.group(1)):
        people = parse_people(match.group(1))
        if people.authors:
            return bylines.Byline(people.authors, [], match.group(0))
    return None


def clean_body(
    lines: list[Line], body: Body, title: Headline | None, zone: MetaLine, skip_indexes: Iterable[int] = (),
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
    link_lines = {line.index for line in span if _is_link_line(line)}
    seen_prose = False
    cut = body.end
    leads_tried = 0
    seen_text: set[str] = set()
    captions: set[int] = set()  # indexes in out.paragraphs of captions right under an image in the text

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
        if line.chars <= 60 and is_caption(line) and CAPTION_POINTER.match(text) and is_caption_credit(text):
            out.paragraphs.append(text)  # ▲记者张三摄 under an image: the photo's credit, body, no author
            seen_text.add(norm(text))
            continue
        if line.chars <= 60 and (take_people(_people_line(text), text) or take_people(bracket_people(text), text)
                                 if not SENTENCE_END.search(text[:-1]) else False):
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
        if SHARE_LINE.match(text) or COPYRIGHT_LINE.search(text) and line.chars < 200:
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
        if (not seen_prose and _looks_meta(line) and line.chars <= 80 and not DATELINE.search(text) and not lead_credit(text)
                and not _captioned_photo_credit(line)):
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
            trailing = _byline_call(bylines.trailing_byline, text)
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
    while out.paragraphs and len(out.paragraphs) - 1 not in captions and (
        len(norm(out.paragraphs[-1])) <= 3
        or len(norm(out.paragraphs[-1])) < TAIL_JUNK_CHARS and not CJK_PUNCTUATION.search(out.paragraphs[-1])
        and len(out.paragraphs) > 1
    ):
        out.paragraphs.pop()
        drop("tail-scrap")
    # staff and source lines after the article's end (inside the container or just after it)
    # (link lists in between, such as a promo box, do not count against the window)
    counted = 0
    for line in lines[cut : max(cut, body.end) + 3 * TAIL_WINDOW]:
        text = line.text
        if opens_other_stories(line):
            break  # other stories' teasers carry other stories' bylines
        if line.index >= body.end and not _is_link_line(line):
            counted += 1
            if counted > TAIL_WINDOW:
                break
        if line.chars > 80:
            continue
        if _is_link_line(line):
            take_people(bracket_people(text, alone=False), text)  # 【编辑:刘欢】 返回搜狐，查看更多
            continue
        if is_time_line(text):
            out.time_lines.append(text)
        if SOURCE_LABEL.match(text) or is_source_line(text):
            out.source_lines.append(text)
            take_people(labelled_people(text), text)
            continue
        take_people(_people_line(text), text) or take_people(bracket_people(text), text)
    out.authors = _unique(out.authors)
    out.editors = _unique(out.editors)
    return out


def publishing_account(lines: list[Line], title: Headline | None, zone: MetaLine) -> str | None:
    """The publishing account of a self-media page (百家号, 头条号, 企鹅号, 公众号): a bare name line right
    after an image (the account's avatar), standing between the headline and the meta zone's time line,
    right above that line. A name line without an avatar, a caption, a labelled line (作者, 来源, 优质原创作者)
    or a sentence is no account."""
    if title is None or title.index is None:
        return None
    time_lines = [i for i in zone.indexes if i > title.index and dates.find_times(lines[i].text)]
    if not time_lines or time_lines[0] - 1 <= title.index:
        return None
    line = lines[time_lines[0] - 1]
    name = line.text.strip().strip(SOURCE_TRIM)
    if not line.after_image or not 2 <= len(name) <= ACCOUNT_MAX_CHARS or CAPTION_START.match(line.text):
        return None
    if isinstance(getattr(line.owner, "tag", None), str) and line.owner.tag.lower() in CAPTION_TAGS:
        return None
    if re.search(r"[\s，,。；;：:！？!?、]", name) or not (CJK.search(name) or re.search(r"[A-Za-z]{2}", name)):
        return None
    if META_LABEL.search(name) or SOURCE_LABEL_BARE.search(name) or UI_WORDS.search(name) or dates.find_times(name):
        return None
    return name


def find_source(
    zone: MetaLine, cleaned: CleanBody, meta: PageMeta, account: str | None = None,
) -> tuple[str | None, str]:
    """The 来源 value: meta-line label, then a 来源 line in or after the body, then the publishing
    account of a self-media page (`publishing_account`), then the name beside the time in a label-less
    meta line. `<meta name=source>` is read only when the page shows a 来源 label
    whose value is empty (filled in by script): a source the page does not show is no 来源."""
    value = source_after_label(zone.text)
    if value:
        return value, "meta-line-label"
    for text in cleaned.source_lines:
        value = source_after_label(text)
        if value:
            return value, "body-label"
    shown_empty = SOURCE_LABEL.search(zone.text) or any(SOURCE_LABEL.search(text) for text in cleaned.source_lines)
    if shown_empty and meta.source and len(meta.source) <= SOURCE_MAX_CHARS:
        return meta.source, "meta-tag-for-empty-label"
    if account:
        return account, "publishing-account"
    for part in zone.text.split("  "):
        value = source_beside_time(part)
        if value:
            return value, "beside-time"
    return None, ""


def labelled_people(text: str) -> bylines.Byline:
    """Authors and editors named after people labels (作者/记者/编辑/责任编辑 ...) in a meta or source line.

    Only the stretch from the first people label to the next time or 来源 label is read, so the 来源
    value, the time and words like 发表时间 never become names.
    """
    first = PEOPLE_LABEL.search(text)
    if first is None:
        return bylines.Byline([], [], "")
    start = first.start()
    if SUFFIX_PEOPLE_LABEL.match(text, start):
        # 文/图 and 摄影 follow the names they credit: `2018-03-02 10:15 顾庆宏 文/图` (names only, no 来源 value)
        before = NAMES_BEFORE_LABEL.search(text, 0, start)
        if before is not None and _byline_call(bylines.surname_names, before.group("names")):
            start = before.start("names")
    segment = text[start:]
    stops = [m.start() for m in NON_PEOPLE_LABEL.finditer(segment) if m.start() > 0]
    stops += [t.start for t in dates.find_times(segment) if t.start > 0]
    if stops:
        segment = segment[: min(stops)]
    return parse_people(segment)


def zone_people(lines: list[Line], zone: MetaLine) -> bylines.Byline:
    """Authors and editors of the meta zone, line by line: a credit line of its own (`姚洪双 文/图`) is
    read whole, a line with a time or a 来源 label only after its people labels."""
    authors: list[str] = []
    editors: list[str] = []
    raw: list[str] = []
    for index in zone.indexes:
        text = lines[index].text
        people = None
        if not SOURCE_LABEL.search(text) and not dates.find_times(text):
            people = _people_line(text)
        if people is None:
            people = labelled_people(text)
        if not (people.authors or people.editors):
            _, names = unlabelled_slots(text)  # 原创 申屠明 临江日报 2021-06-02 08:00
            people = bylines.Byline(names, [], text)
        if people.authors or people.editors:
            authors += people.authors
            editors += people.editors
            raw.append(text)
    return bylines.Byline(_unique(authors), _unique(editors), " | ".join(raw))


def bracketed_names(text: str, source: str | None) -> list[str]:
    """Unlabelled names set in brackets in a meta line (old portals: `2004年7月16日08:19 [ 黄宇 ] 来源：…`)."""
    names: list[str] = []
    for match in SQUARE_BRACKETED.finditer(text):  # round brackets hold places: 来源: 第一财经日报(上海)
        inner = match.group(1).strip()
        before = text[: match.start()].rstrip()
        if not CJK.search(inner) or before.endswith((":", "：")) or inner == source or META_LABEL.search(inner):
            continue
        if 2 <= len(inner) <= 4 and _byline_call(bylines.split_names, inner) == [inner]:
            names.append(inner)
    return names


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
            text = _clean_text(element.text_content())
            limit = CAPTION_MAX_CHARS if element is not following else CAPTION_MAX_CHARS // 2
            if 4 <= len(text) <= limit and not element.findall(".//img")[1:]:
                caption = text
                break
        caption = caption or (_clean_text(img.get("alt") or "") or None)
        if all(image.url != url for image in images):
            images.append(Image(url=url, caption=caption))
    return images


# ---------------------------------------------------------------------------------------------------
# The whole page
# ---------------------------------------------------------------------------------------------------


def extract(html: str, url: str | None = None, *, now: datetime | None = None) -> Article:
    """Every field of a news article page. Never raises for odd markup; TypeError for non-str input."""
    article = Article(url=url or "")
    rules: dict[str, str] = {}
    article.extra["rules"] = rules
    root = parse_html(html)
    if root is None:
        article.extra["empty"] = True
        return article
    meta = find_meta(root)
    lines = page_lines(root)
    body = find_body(lines, likely_headline(lines, meta))
    title = find_title(lines, meta, body)
    if title is not None:
        article.title, rules["title"] = title.text, title.rule
    subtitle, subtitle_index, rule = find_subtitle(lines, title, meta, body)
    if subtitle:
        article.subtitle, rules["subtitle"] = subtitle, rule
    zone = find_meta_line(lines, title, body)
    if title is None:
        title = headline_before(lines, zone)
        if title is not None:
            article.title, rules["title"] = title.text, title.rule
            zone = find_meta_line(lines, title, body)
    skip = [subtitle_index] if subtitle_index is not None else []
    cleaned = clean_body(lines, body, title, zone, skip) if body else CleanBody()

    fallback = ""
    if body is not None:
        head_start = title.index + 1 if title and title.index is not None else max(0, body.start - META_WINDOW)
        fallback = " ".join(line.text for line in lines[head_start : body.start + 2] if line.chars <= META_LINE_MAX_CHARS)
    found, rule = find_published(
        zone, meta, url=url, now=now, fallback_text=fallback, labelled_lines=cleaned.time_lines,
    )
    if found is None and title is not None and title.index is not None:
        found, rule = issue_date(lines, title.index, now=now), "issue-line"
    if found is not None:
        article.published_at, article.published_at_raw, rules["published_at"] = found.value, found.raw, rule
        article.extra["published_has_time"] = found.has_time

    source, rule = find_source(zone, cleaned, meta, publishing_account(lines, title, zone))
    if source:
        article.source, rules["source"] = source, rule

    people = zone_people(lines, zone)
    authors = _unique(list(people.authors) + bracketed_names(zone.text, source) + cleaned.authors)
    editors = _unique(list(people.editors) + cleaned.editors)
    if source:
        authors = [name for name in authors if name != source]
    article.authors, article.editors = authors, editors
    raw = [people.raw] if people.raw else []
    raw += cleaned.bylines
    article.byline = " | ".join(raw) or None
    article.body = "\n".join(cleaned.paragraphs) or None
    article.images = find_images(body, url)
    article.extra["meta_line"] = zone.text or None
    article.extra["dropped"] = cleaned.dropped
    if body is not None:
        article.extra["body_container"] = f"{body.container.tag}[{body.start}:{body.end}]"
    return article


# ---------------------------------------------------------------------------------------------------
# Development runner: python -m newscrawl.extract.generic --manifest FILE
# ---------------------------------------------------------------------------------------------------


def _answer(entry: dict[str, Any]) -> dict[str, Any]:
    from newscrawl.extract.charset import decode_html

    html, _ = decode_html(Path(entry["path"]).read_bytes())
    article = extract(html, entry.get("url"))
    data = article.to_json()
    if article.published_at is not None and article.extra.get("published_has_time") is False:
        data["published_at"] = article.published_at.date().isoformat()
    data["id"] = entry.get("id")
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the generic extractor over a manifest (JSONL of id/path/url).")
    parser.add_argument("--manifest", type=Path, required=True)
    args = parser.parse_args(argv)
    for line in args.manifest.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        try:
            answer = _answer(entry)
        except (OSError, ValueError) as error:
            print(f"{entry.get('id')}: {type(error).__name__}: {error}", file=sys.stderr)
            answer = {"id": entry.get("id"), "error": str(error)}
        print(json.dumps(answer, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
