"""The shared vocabulary of Chinese news pages: every label word and pattern more than one part reads.

Grouped by what the words mark: text classes, the 来源 label, people labels and role words, time and
other meta-line labels, UI words, block ends, page furniture, captions. Each is defined once here;
a pattern only one finder uses stays in that finder's module. Data, not code: a new 来源 form goes
into `_SOURCE_WORD`, a new block to drop into `BLOCK_END_WORDS`, a new editor title into `EDITOR_WORDS`.
"""

from __future__ import annotations

import re

# ---- Text classes
CJK = re.compile(r"[\u4e00-\u9fff]")
CJK_PUNCTUATION = re.compile(r"[，。！？；：、“”]")
PUNCTUATION = re.compile(r"[，。！？；、：“”,.!?;]")
SENTENCE_END = re.compile(r"[。！？!?]")
URL = re.compile(r"https?://\S+|www\.\S+")  # an address shown in a meta line: no source, no label

# ---- The 来源 label
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


def may_hold_source_label(text: str) -> bool:
    """False where neither SOURCE_LABEL nor SOURCE_LABEL_BARE can match: each of their forms holds 源, 出 or 來自
    (a far cheaper test than either search, which tries its lookbehind at every character)."""
    return "源" in text or "出" in text or "來自" in text


def source_label_in(text: str) -> re.Match[str] | None:
    """SOURCE_LABEL's first match in `text`, searched only where `may_hold_source_label`."""
    return SOURCE_LABEL.search(text) if may_hold_source_label(text) else None


# the 来源 words as labels among others (META_LABEL) and as words no name is read from (bylines)
SOURCE_WORDS = ("来源", "來源", "稿源", "出处")
# characters trimmed around a source value (separators and brackets)
SOURCE_TRIM = " \t:：·,，;；|｜-—/\\()（）[]【】「」<>《》\"'“”"
# Endings of publication names (used to tell a source from a person beside the time).
ORG_SUFFIX = re.compile(
    r"(?:报|報|社|网|網|台|新闻|新聞|客户端|号|號|周刊|週刊|杂志|雜誌|电视|電視|广播|廣播|传媒|傳媒|App|APP|中心"
    r"|频道|頻道|娱乐|娛樂|科技|财经|財經|体育|體育)$"  # a portal's channel: 新浪娱乐, 腾讯科技
)
# Badges a meta line shows beside the names: never a name nor a source.
BADGE_WORDS = re.compile(r"^(?:原创|原創|转载|轉載|独家|獨家|首发|首發|置顶|置頂|热门|熱門|推荐|推薦)$")
ACCOUNT_MAX_CHARS = 20  # a self-media account name

# ---- People labels of a meta line, and role words (newscrawl.extract.bylines reads the credits themselves)
# the labels a meta line names people after (labelled_people reads from the first one on)
PEOPLE_LABELS = (
    "责任编辑",
    "責任編輯",
    "责编",
    "編輯",
    "编辑",
    "校对",
    "美编",
    "作者",
    "记者",
    "記者",
    "通讯员",
    "撰文",
    "摄影",
    "攝影",
    "文/图",
    "文/",
    "图/",
)
PEOPLE_LABEL = re.compile("|".join(re.escape(x) for x in sorted(PEOPLE_LABELS, key=len, reverse=True)))
# The editor role words (bylines reads their names as editors; a line holding one is a staff line)
EDITOR_WORDS = ("责任编辑", "責任編輯", "编辑", "編輯", "责编", "責編", "校对", "校對", "美编", "美編", "选稿", "選稿")
STAFF_WORD = re.compile("|".join(EDITOR_WORDS))
# a line opening with an editor label: 责任编辑：张三, 【编辑:刘欢】
STAFF_LABEL_LINE = re.compile(r"^[\s【\[（(]*(?:" + "|".join(EDITOR_WORDS) + r")\s*[：:]")
# a production credit's label (出品：…, 策划：…, 监制：…): the staff of a produced piece, none of them an editor
PRODUCTION_LABEL = re.compile(r"(?:^|[\s|｜【\[（(])(?:出品|出品人|策划|策劃|监制|監製|总监制|總監製|统筹|統籌|制片|製片)\s*[：:]")

# ---- Time labels and the other labels of a meta line
TIME_LABELS = ("发布时间", "發布時間", "发表时间", "發表時間", "发稿时间", "更新时间", "更新時間", "时间", "時間", "日期", "发布日期")
OTHER_META_LABELS = ("字号", "字體", "浏览", "阅读", "点击", "评论", "打印", "分享", "收藏", "大字", "小字", "大 中 小", "【大 中 小】")
# any label of a meta line; NON_PEOPLE_LABEL: a label that ends the names after a people label
META_LABEL = re.compile("|".join(re.escape(x) for x in sorted(SOURCE_WORDS + PEOPLE_LABELS + TIME_LABELS, key=len, reverse=True)))
NON_PEOPLE_LABEL = re.compile("|".join(re.escape(x) for x in sorted(SOURCE_WORDS + TIME_LABELS + OTHER_META_LABELS, key=len, reverse=True)))

# ---- UI words: buttons, prompts and notices beside or among the text
# UI words that can sit beside the time in a meta line but are not a source.
UI_WORDS = re.compile(
    r"大字|小字|字号|字體|大\s*中\s*小|打印|关闭|分享(?:到|至)?|收藏|评论|浏览|阅读|点击|纠错|糾錯|语音播报|手机看|"
    r"[AaTt]\s*[+-]|\d+\s*(?:次|人)|(?:星期|周|週|礼拜)[一二三四五六日天]"
)
# a prompt to share, print, download or open the app: a short line holding one is no text
UI_PROMPT = re.compile(
    r"分享|轉播|转播|转发|收藏|打印|加载|載入|下载|下載|扫码|扫一扫|关注我们|订阅|訂閱|APP|App|客户端|點我|按我|点击查看|电邮|電郵|返回首页"
)
# a line that is only a button
SHARE_LINE = re.compile(r"^(?:分享到|分享至|分享|打印|关闭|关闭窗口|收藏|纠错|字号|【?大\s*中\s*小】?|返回顶部|\[?打印本页\]?|扫一扫|举报)\W*$")
# copyright and licence notices at the foot of a page
COPYRIGHT_LINE = re.compile(r"版权所有|版权声明|版權所有|Copyright|©|\(c\)|未经授权|不得转载|转载请注明|禁止转载|免责声明|ICP备|ICP证|违法和不良信息")

# ---- Block ends
# Lines that end the article: everything from the first of them on is not body.
BLOCK_END_WORDS = (
    "相关新闻",
    "相關新聞",
    "相关阅读",
    "相關閱讀",
    "相关链接",
    "相关推荐",
    "相关文章",
    "相关报道",
    "相关稿件",
    "新闻推荐",
    "推荐阅读",
    "延伸阅读",
    "猜你喜欢",
    "热点推荐",
    "热点阅读",
    "热门推荐",
    "精彩推荐",
    "编辑推荐",
    "频道推荐",
    "图文看点",
    "热点排行",
    "热门文章",
    "更多精彩",
    "更多新闻",
    "网友评论",
    "我要评论",
    "发表评论",
    "评论:",
    "评论：",
    "上一篇",
    "下一篇",
    "分享到",
    "分享至",
    "关键词阅读",
    "关键词：",
    "延伸閱讀",
    "看更多",
    "更多內容",
    "今日推荐",
    "为你推荐",
    "大家都在看",
    "热点新闻",
    "热门新闻",
    "往期回顾",
    "往期精彩",
    "更多内容",
    "相关专题",
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

# ---- Page furniture around the headline and the text
# a breadcrumb: `首页 > 新闻`, `首页 - 新闻动态`, `当前位置：…` (never a headline)
BREADCRUMB = re.compile(
    r"\s[>›»]\s|[>›»]\s*正文$|^\s*(?:当前位置|當前位置|您的位置|你的位置|您现在的位置|您当前的位置)"
    r"|^\s*(?:网站|網站|本站)?(?:首页|首頁|主页|主頁|Home)\s*[-–—>›»/→|｜]"
)
# a short bracketed column name standing alone: 【图说】
KICKER_LINE = re.compile(r"^[【\[][^】\]]{1,20}[】\]]$")
# the 原标题 line of a reprint
ORIGINAL_TITLE = re.compile(r"^[\s【\[（(]*原标题\s*[：:]")
# a print edition's page code: A05版, (A)①
EDITION_CODE = re.compile(r"^[■□●◆]?\s*(?:[(（][A-Z][)）]\s*[①-⑳]*|[A-Z]{0,2}\d{1,2}(?:\s*[、,，]\s*[A-Z]?\d{1,2})*\s*版)$")
# The issue line of an e-paper page: the page (版) the story is printed on and the issue's date.
ISSUE_PAGE = re.compile(r"第\s*[A-Za-z]{0,2}\s*\d{1,3}\s*版")

# ---- Captions
# An image caption: a line opening with 图①/图1/图为/图：, or a short line right after an image.
CAPTION_START = re.compile(r"^\s*[(（【\[]?\s*(?:图|圖)\s*(?:[①-⑳]|\d{1,2}(?!\d)|[为為][：:]?|片?\s*[：:]|[\u3000\s]*[(（]\s*\d)")
CAPTION_START_MAX_CHARS = 200
CAPTION_MAX_CHARS = 120  # text this short next to an image is its caption
CAPTION_TAGS = frozenset({"figcaption"})

# ---- Where the meta line is looked for
META_WINDOW = 10  # lines after the headline searched for the meta line
META_LINE_MAX_CHARS = 160  # a meta line is no longer than this


# ---- Words that stand beside a time but name no person (the writer's slot, a 公众号 line) -----------------
# Provinces, regions and large cities (an IP location or a dateline place beside the time), channel and
# button words, placeholders and relative days: each would otherwise pass as a surname and a given name.
PLACE_WORDS = frozenset(
    (
        "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 云南 "
        "陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门 中国 全国 海外 国外 石家庄 太原 沈阳 长春 哈尔滨 南京 杭州 合肥 "
        "福州 南昌 济南 郑州 武汉 长沙 广州 海口 成都 贵阳 昆明 西安 兰州 西宁 呼和浩特 南宁 拉萨 银川 乌鲁木齐 深圳 苏州 常州 无锡 "
        "青岛 大连 宁波 厦门 温州 东莞 佛山 珠海 黄山 潍坊 烟台 徐州 洛阳 桂林 三亚 美国 日本 韩国 英国 法国 德国 俄罗斯"
    ).split()
)
NOT_A_PERSON = re.compile(
    r"^(?:时政|文化|房产|周末|高清|查看|原文|全文|简体|繁体|金融|农业|安全|党建|文件|时评|解读|要闻|本地|国际|国内|社会|财经|"
    r"体育|娱乐|科技|教育|健康|汽车|旅游|视频|图片|专题|管理员|系统管理员|小编|网友|匿名|佚名|未知|赞赏|合集|关注|推荐|"
    r"今天|昨天|前天|今日|昨日|admin|administrator|root|editor|webmaster|guest)$"
    r"|^(?:发表于|发布于|收录于|IP属地|来自)",
    re.I,
)


def names_no_person(word: str) -> bool:
    """A word beside a time that may look like a name but is a place, a channel, a button or a placeholder."""
    return word in PLACE_WORDS or NOT_A_PERSON.search(word) is not None
