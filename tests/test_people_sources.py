"""Issue 11: the people and the 来源 on pages nobody has seen, one family of misses per table.

Each row is a small page built around one meta line or one closing line; the expected answer follows
shared/eval/LABELS.md. The families: staff codes, the writer's slot beside the time, closing credits and
来源 lines, editor roles and supervisory credits, times and accounts carried in script data, year-less
and relative times dated by that data, and the article's own time against a wrongly zoned <meta> time.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from newscrawl.dates import BEIJING
from newscrawl.extract.body import closing_source
from newscrawl.extract.bylines import lead_byline, parse_byline
from newscrawl.extract.credits import beside_account, writer_slot
from newscrawl.extract.generic import extract
from newscrawl.extract.lines import parse_html
from newscrawl.extract.pagemeta import find_meta

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=BEIJING)
PROSE = (
    "<p>"
    + "今天上午，全市党建工作会议在市委召开，会议总结了去年的工作，部署了今年的重点任务，要求各级党组织切实抓好落实。" * 2
    + "</p><p>"
    + "会议指出，要坚持问题导向，聚焦群众关切，推动各项工作取得新成效，为经济社会发展提供坚强保证。" * 2
    + "</p>"
)


def page(meta_line: str, end: str = "", *, head: str = "", scripts: str = "", before_meta: str = "") -> str:
    return (
        f"<html><head><title>全市党建工作会议召开_新闻中心</title>{head}</head><body>"
        '<div class="nav"><a href="/">首页</a> <a href="/a">新闻</a></div>'
        f'<div class="article"><h1>全市党建工作会议召开</h1>{before_meta}<div class="info">{meta_line}</div>'
        f'<div class="content">{PROSE}{end}</div></div><div class="foot">关于我们 版权所有</div>{scripts}</body></html>'
    )


def run(html: str, url: str | None = None):
    return extract(html, url, now=NOW)


# --- staff codes, editor roles, supervisory credits -------------------------------------------------
@pytest.mark.parametrize(
    ("staff", "editors"),
    [
        ("责任编辑：刘敏_NF1024", ["刘敏"]),
        ("责任编辑：陈刚 PK101", ["陈刚"]),
        ("编辑：周丽(PN200)", ["周丽"]),
        ("责任编辑：HN100", ["HN100"]),  # a code shown alone is the name
        ("编辑：王芳(实习生)", ["王芳"]),
        ("选稿：李强 责任编辑：王伟", ["李强", "王伟"]),
        ("晚报编辑：李强", ["李强"]),
        ("编辑：王伟 审读：赵敏 监制：孙立 总监制：周涛", ["王伟"]),
        ("责任编辑：张三 PK101 李四", ["张三", "李四"]),
    ],
)
def test_staff_lines(staff: str, editors: list[str]) -> None:
    assert parse_byline(staff).editors == editors
    article = run(page("2020-03-05 10:20 来源：潍坊日报", f"<p>{staff}</p>"))
    assert article.editors == editors
    assert article.source == "潍坊日报"


# --- the writer's slot beside the time -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("meta_line", "source", "authors", "reading"),
    [
        ("2020-03-05 10:20 王小明", None, ["王小明"], ("author", "王小明")),
        ("潍坊日报 2020-03-05 10:20", "潍坊日报", [], ("source", "潍坊日报")),
        ("maomaobear 2020-03-05 10:20:11 0人参与评论", None, ["maomaobear"], ("author", "maomaobear")),
        ("2020-03-05 10:20 作者：王小明", None, ["王小明"], None),
        ("BBC 2020-03-05 10:20", "BBC", [], ("source", "BBC")),
        ("2020-03-05 10:20 封面新闻", "封面新闻", [], ("source", "封面新闻")),
    ],
)
def test_writer_slot(meta_line: str, source: str | None, authors: list[str], reading: tuple[str, str] | None) -> None:
    article = run(page(meta_line))
    assert (article.source, article.authors) == (source, authors)
    if reading is None:
        assert "writer_slot" not in article.extra
    else:
        assert article.extra["writer_slot"] == {"name": reading[1], "read_as": reading[0]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-03-05 10:20 王小明", ("author", "王小明")),
        ("新华网 2020-03-05", ("source", "新华网")),
        ("2020-03-05 10:20", None),  # no name
        ("2020-03-05 10:20 张三 李四", None),  # two words: not one slot
        ("来源：新华网 2020-03-05 张三", ("author", "张三")),  # the label names the source, the person is the writer
        ("王小明 2020-03-05 来源：新华网", ("author", "王小明")),
        ("新华网 2020-03-05 来源：新华网", None),  # beside a 来源 label the label gives the source
        ("2020-10-04 15:05聯合報 記者林宸誼／即時報導", ("source", "聯合報")),  # people labelled: read by their labels
        ("来源：人民网 2020-03-05 编辑 张三", None),
        ("Reuters 2020-03-05", None),  # a capitalised Latin word is no certain person: neither reading
    ],
)
def test_writer_slot_readings(text: str, expected: tuple[str, str] | None) -> None:
    assert writer_slot(text) == expected


# --- closing credits and closing 来源 lines ------------------------------------------------------------
@pytest.mark.parametrize(
    ("end", "source", "authors", "editors", "kept"),
    [
        ("<p>（作者：王磊）</p>", None, ["王磊"], [], False),
        ("<p>（央视记者 李想）</p>", None, ["李想"], [], False),
        ("<p>（编辑：张华）</p>", None, [], ["张华"], False),
        ("<p>会议要求，各单位要抓好落实。（作者：王磊）</p>", None, ["王磊"], [], True),
        ("<p>会议要求，各单位要抓好落实。（来源：新华社）</p>", "新华社", [], [], True),
        ("<p>（来源：新华社）</p>", "新华社", [], [], False),
        ("<p>本文来源：大众日报</p>", "大众日报", [], [], False),
        ("<p>本文来源于市统计局</p>", "市统计局", [], [], False),
    ],
)
def test_closing_credits(end: str, source: str | None, authors: list[str], editors: list[str], kept: bool) -> None:
    article = run(page("2020-03-05 10:20", end))
    assert (article.source, article.authors, article.editors) == (source, authors, editors)
    closing = parse_html(end).xpath("string(//p)")
    assert (closing in (article.body or "")) == kept  # a credit inside a paragraph stays; a credit line goes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("（来源：新华社）", "来源：新华社"),
        ("会议要求抓好落实。(来源:人民网)", "来源:人民网"),
        ("本文来源于市统计局。", "来源：市统计局"),
        ("（图片来源：视觉中国）", None),  # the source of a picture is no 来源
        ("（记者 张三）", None),
        ("本文来源于一次调查，我们发现问题很多。", None),  # a sentence, not a label
    ],
)
def test_closing_source(text: str, expected: str | None) -> None:
    assert closing_source(text) == expected


def test_meta_line_source_beats_a_closing_one() -> None:
    assert run(page("2020-03-05 10:20 来源：潍坊日报", "<p>（来源：新华社）</p>")).source == "潍坊日报"


# --- times and accounts in script data -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("script", "expected", "rule"),
    [
        ('var publish_time = "2019-10-08 12:00:00";', "2019-10-08T12:00:00+08:00", "meta:script:publishtime"),
        ('var info = {"publishTime": "2019-10-08 12:00:00", "id": 5};', "2019-10-08T12:00:00+08:00", "meta:script:publishtime"),
        ("window.DATA = {pubtime: 1570507200};", "2019-10-08T12:00:00+08:00", "meta:script:pubtime"),
        ('var ct = "1570507200000";', "2019-10-08T12:00:00+08:00", "meta:script:ct"),
        # related stories each with their own time: the key disagrees with itself and dates nothing
        ('var list = [{"publishTime": "2019-10-01 08:00:00"}, {"publishTime": "2019-10-02 09:00:00"}];', None, None),
        ('var ct = "12345";', None, None),  # an id, not a time
    ],
)
def test_time_in_script_data(script: str, expected: str | None, rule: str | None) -> None:
    article = run(page("来源：潍坊日报", scripts=f"<script>{script}</script>"))
    assert (article.published_at.isoformat() if article.published_at else None) == expected
    assert article.extra["rules"].get("published_at") == rule


def test_shown_time_wins_over_script_data() -> None:
    article = run(page("2020-03-05 10:20 来源：潍坊日报", scripts='<script>var publish_time = "2019-10-08 12:00:00";</script>'))
    assert article.published_at == datetime(2020, 3, 5, 10, 20, tzinfo=BEIJING)


@pytest.mark.parametrize(
    ("shown", "script", "url", "expected"),
    [
        ("昨天 21:05", 'var publish_time = "2019-10-07 21:05:00";', None, datetime(2019, 10, 7, 21, 5, tzinfo=BEIJING)),
        ("03-15 08:30", "", "https://news.example.com/2019/0315/123.html", datetime(2019, 3, 15, 8, 30, tzinfo=BEIJING)),
        ("03-15 08:30", 'var ct = "1552609800";', None, datetime(2019, 3, 15, 8, 30, tzinfo=BEIJING)),
        ("昨天 21:05", "", None, datetime(2026, 11, 30, 21, 5, tzinfo=BEIJING)),  # no data: the fetch's clock
    ],
)
def test_yearless_and_relative_times_take_the_page_s_date(shown: str, script: str, url: str | None, expected: datetime) -> None:
    scripts = f"<script>{script}</script>" if script else ""
    assert run(page(f"{shown} 来源：潍坊日报", scripts=scripts), url).published_at == expected


def test_wechat_meta_line_account_and_author() -> None:
    scripts = '<script>var nickname = "闲云野鹤古刹"; var ct = "1523110915"; var publish_time = "2018-04-07" || "";</script>'
    article = run(page("原创 2018-04-07 闲云野鹤 闲云野鹤古刹", scripts=scripts))
    assert (article.source, article.authors) == ("闲云野鹤古刹", ["闲云野鹤"])
    assert article.published_at is not None and article.published_at.date().isoformat() == "2018-04-07"
    assert article.extra["rules"]["source"] == "embedded-account"


def test_an_account_the_page_does_not_show_is_no_source() -> None:
    article = run(page("2018-04-07", scripts='<script>var nickname = "别处的号";</script>'))
    assert article.source is None


@pytest.mark.parametrize(
    ("text", "account", "expected"),
    [
        ("原创 2018-04-07 闲云野鹤 闲云野鹤古刹", "闲云野鹤古刹", "闲云野鹤"),
        ("2018-03-20 共产党员 共产党员", "共产党员", None),  # the account alone
        ("2018-03-20 共产党员 新华社 张三", "共产党员", None),  # two words left
        ("2018-03-20 来源：新华社 共产党员", "共产党员", None),
    ],
)
def test_beside_account(text: str, account: str, expected: str | None) -> None:
    assert beside_account(text, account) == expected


def test_script_keys_that_disagree_give_nothing() -> None:
    root = parse_html('<html><body><p>x</p><script>var a = {"nickname": "甲"}; var b = {"nickname": "乙"};</script></body></html>')
    assert find_meta(root).account is None


# --- the page's own time ---------------------------------------------------------------------------
def test_a_z_stamped_meta_time_does_not_beat_the_shown_local_time_under_a_lead_picture() -> None:
    head = '<meta name="pubdate" content="2018-07-31T08:19:35Z">'
    picture = '<img src="/p.jpg"><p>下月將法拍的房子位在萬大路一帶。（圖翻攝自google map）</p>'
    html = (
        f"<html><head><title>全市党建工作会议召开_新闻中心</title>{head}</head><body>"
        f'<div class="article"><h1>全市党建工作会议召开</h1><div class="content">{picture}'
        f'<p class="info">2018-07-31 08:19 来源：潍坊日报</p>{PROSE}</div></div></body></html>'
    )  # the picture and its caption inside the text's container, above the meta line
    article = run(html)
    assert article.published_at == datetime(2018, 7, 31, 8, 19, tzinfo=BEIJING)
    assert article.source == "潍坊日报"


def test_a_linked_time_line_is_the_meta_line_and_the_account_above_it_the_source() -> None:
    account = '<img src="/logo.png"><div><a href="/media/1">中国新闻网</a></div><div>下载客户端</div><div>独家抢先看</div>'
    article = run(page('<a href="/day">2019年02月20日 02:26:00 来自北京</a>', before_meta=account))
    assert article.published_at == datetime(2019, 2, 20, 2, 26, tzinfo=BEIJING)
    assert article.source == "中国新闻网"


def test_times_of_comments_and_related_stories_do_not_win() -> None:
    related = "".join(f'<li><a href="/n/{i}.html">另一条新闻标题第{i}条</a> 2024-12-2{i} 18:3{i}</li>' for i in range(1, 6))
    comments = '<div class="comments"><p>网友甲 2024-12-30 09:00 说得好</p></div>'
    html = page("2020-03-05 10:20 来源：潍坊日报", f"<ul>{related}</ul>{comments}")
    assert run(html).published_at == datetime(2020, 3, 5, 10, 20, tzinfo=BEIJING)


@pytest.mark.parametrize(
    "tag",
    [
        '<meta name="og:time " content="2019-11-25 16:04:30">',
        '<meta property="bytedance:published_time" content="2019-11-25 16:04:30">',
        '<meta name="weibo: article:create_at" content="2019-11-25 16:04:30">',
    ],
)
def test_self_media_time_tags(tag: str) -> None:
    article = run(page("来源：潍坊日报", head=tag))
    assert article.published_at == datetime(2019, 11, 25, 16, 4, 30, tzinfo=BEIJING)


def test_compiled_by_credits() -> None:
    lead = lead_byline("长江网10月4日讯（记者陈智 整合） 国庆中秋长假过半，外媒关注武汉的热情不减。")
    assert lead is not None and lead.authors == ["陈智"]
    assert parse_byline("整合 新华日报·交汇点记者 徐睿翔").authors == ["徐睿翔"]  # 整合 credits the names before it


# --- what the review found: words beside a time that are no person, closing means closing ----------
@pytest.mark.parametrize(
    "meta_line",
    [
        "2023-05-01 10:20 · 江西",
        "2023-03-01 08:22:46　来源: 环球网 江苏",
        "2023-05-01 10:20 时政",
        "2023-05-01 10:20 管理员",
        "2023-05-01 10:20 admin",
        "2023-05-01 10:20 IP属地：北京",
    ],
)
def test_places_channels_and_placeholders_are_no_authors(meta_line: str) -> None:
    assert run(page(meta_line)).authors == []


@pytest.mark.parametrize("word", ["广东", "发表于广东", "赞赏", "收录于合集", "原文", "昨天"])
def test_beside_an_account_only_a_name_is_the_author(word: str) -> None:
    assert beside_account(f"闲云野鹤古刹 2023年05月01日 10:20 {word}", "闲云野鹤古刹") is None


@pytest.mark.parametrize("value", ["²", "①②③④⑤⑥⑦⑧⑨⑩", "１５２３１１０９１５"])
def test_odd_digits_in_script_data_do_not_crash(value: str) -> None:
    article = run(page("来源：潍坊日报", scripts=f'<script>var publish_time = "{value}"; var ct = "{value}";</script>'))
    assert article.title == "全市党建工作会议召开" and article.published_at is None


def test_a_yearless_shown_day_is_never_moved_by_the_page_s_data() -> None:
    head = '<meta property="article:published_time" content="2019-04-15T08:30:00+08:00">'
    assert run(page("03-15 08:30 来源：潍坊日报", head=head)).published_at == datetime(2019, 3, 15, 8, 30, tzinfo=BEIJING)


@pytest.mark.parametrize(
    "end",
    [
        "<p>上半年经济运行稳中向好。（来源：国家统计局）</p><p>会议要求，各单位要抓好落实，确保各项任务按期完成。</p>",
        "<p>第一条消息正文内容。（来源：新华社）</p><p>第二条消息正文内容。（来源：人民网）</p><p>第三条消息，各单位要抓好落实。</p>",
    ],
)
def test_a_source_label_inside_the_text_is_no_closing_one(end: str) -> None:
    assert run(page("2020-03-05 10:20 作者：张三", end)).source is None


def test_people_inside_a_closing_source_bracket() -> None:
    article = run(page("2020-03-05 10:20", "<p>（来源：新华社 记者 张三）</p>"))
    assert (article.source, article.authors) == ("新华社", ["张三"])


def test_a_caption_above_the_time_line_is_no_account() -> None:
    above = '<img src="/p.jpg"><p>油菜花开</p><p>大字 小字</p>'
    assert run(page("2019年02月20日 02:26:00", before_meta=above)).source is None


# --- pen names and a production-credit block below the body ------------------------------------------
@pytest.mark.parametrize(
    ("staff", "editors"),
    [
        ("编辑：几乎不流浪", ["几乎不流浪"]),  # a colon label's value of five or six Han characters is a pen name
        ("策划：杨顺霖 编辑：闲云野鹤古刹", ["闲云野鹤古刹"]),
        ("编辑：闲云野鹤古刹寺", []),  # seven characters: no name
        ("编辑 几乎不流浪", []),  # no colon: the label's value is not set apart
        ("责任编辑：王 伟", []),  # one character is no pen name (nor a name)
        ("编辑：新华社江苏", []),  # an outlet's desk, not a pen name
        ("编辑：党政办公室", []),  # an office
        ("编辑：宣传教育科", []),
        ("编辑：宣传部供稿", []),  # a contributor
        ("编辑：超级管理员", []),  # a CMS account
        ("编辑：转载请注明", []),  # a notice
        ("编辑：本报综合报道", []),  # 本报 qualifies the report, it names nobody
        ("编辑：本网综合", []),  # the outlet's own desk
        ("编辑：新华社新媒体", []),  # an outlet, not a pen name
        ("编辑：小编带你看", []),  # a newsroom word: a slogan, not a pen name
    ],
)
def test_pen_names_after_an_editor_label(staff: str, editors: list[str]) -> None:
    assert parse_byline(staff).editors == editors


# other stories and a column list between the article and its credits: more than the tail window's lines
SIDEBAR = "<p>往期回顾</p>" + "".join(f"<li>第{i}期 专栏文章标题第{i}篇</li>" for i in range(20))


def below_the_body(credits: str, between: str = SIDEBAR) -> str:
    return page("2020-03-05 10:20 来源：潍坊日报", "").replace(
        '<div class="foot">', f'<ul class="side">{between}</ul><div class="credits">{credits}</div><div class="foot">'
    )


@pytest.mark.parametrize(
    ("credits", "editors"),
    [
        ("<p>出品：财经中心商业频道</p><p>策划：杨顺霖 编辑：几乎不流浪</p>", ["几乎不流浪"]),
        ("<p>策划：杨顺霖 编辑：王伟</p>", ["王伟"]),  # the production credit in the same line
        ("<p>出品：财经中心</p><p>编辑：王伟</p>", ["王伟"]),  # in the line above
        ("<p>编辑：王伟</p><p>监制：孙立</p>", ["王伟"]),  # in the line below
        ("<p>编辑：王伟</p>", []),  # a lone editor line past other stories may be a teaser's
        ("<p>出品：财经中心</p><p>3跟贴</p><p>策划：杨顺霖 编辑：王伟</p>", []),  # after the comments begin
        ("<p>出品：财经中心</p><p>评论(3)</p><p>策划：杨顺霖 编辑：王伟</p>", []),
        ("<p>出品：财经中心</p><p>共12条评论</p><p>策划：杨顺霖 编辑：王伟</p>", []),
        ("<p><a href='/v'>视频：春天来了 出品：央视新闻 编辑：王伟</a></p>", []),  # a linked teaser is another story's
    ],
)
def test_a_production_credit_block_below_the_body(credits: str, editors: list[str]) -> None:
    assert run(below_the_body(credits)).editors == editors


def test_a_production_credit_block_does_not_override_the_body_s_editor() -> None:
    html = page("2020-03-05 10:20 来源：潍坊日报", "<p>责任编辑：李强</p>").replace(
        '<div class="foot">', f'<ul class="side">{SIDEBAR}</ul><p>策划：杨顺霖 编辑：王伟</p><div class="foot">'
    )
    assert run(html).editors == ["李强"]


def test_a_production_credit_block_far_below_the_body_is_not_read() -> None:
    far = "".join(f"<li>第{i}期 专栏文章标题第{i}篇</li>" for i in range(60))
    assert run(below_the_body("<p>策划：杨顺霖 编辑：王伟</p>", far)).editors == []


def test_a_production_credit_block_does_not_add_to_the_meta_line_s_editor() -> None:
    html = page("2020-03-05 10:20 来源：潍坊日报 编辑：李强", "").replace(
        '<div class="foot">', f'<ul class="side">{SIDEBAR}</ul><p>策划：杨顺霖 编辑：王伟</p><div class="foot">'
    )
    assert run(html).editors == ["李强"]
