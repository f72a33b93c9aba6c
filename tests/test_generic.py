"""The generic extractor on small handcrafted pages: each page checks one way a field can go wrong."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from newscrawl.dates import BEIJING
from newscrawl.extract.body import clean_body, find_body
from newscrawl.extract.clues import is_source_line, is_time_line
from newscrawl.extract.credits import labelled_people, unlabelled_slots
from newscrawl.extract.generic import extract
from newscrawl.extract.headline import find_title
from newscrawl.extract.lines import parse_html, read_lines
from newscrawl.extract.metaline import find_meta_line, source_after_label, source_beside_time
from newscrawl.extract.pagemeta import find_meta
from newscrawl.extract.published import find_published

NOW = datetime(2025, 1, 10, 12, 0, tzinfo=BEIJING)

PARA_1 = "记者从市有关部门获悉，今年以来全市上下坚持稳中求进工作总基调，各项工作取得明显成效。"
PARA_2 = "据介绍，该项目总投资约5亿元，建成后预计年产值可达10亿元，带动就业800余人。"
PARA_3 = "下一步，我市将继续加大投入力度，完善配套设施，提升服务水平，让群众有更多获得感。"
SIDE_ITEMS = "".join(f'<li><a href="/n/{i}.html">热点新闻第{i}条标题在这里</a> 2024-12-2{i} 18:3{i}</li>' for i in range(1, 8))


def yybnet_desktop(*, stray_end: str = "", extra_after: str = "") -> str:
    return f"""<!DOCTYPE html><html><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>寿光蔬菜博览会开幕 吸引客商三万余人_寿光新闻_地方网</title></head><body>
<div class="a1"><a href="/weifang/news/">潍坊新闻</a> <a href="/weifang/qingzhou/">青州新闻</a> <a href="/weifang/shouguang/">寿光新闻</a></div>
<div class="a2"><a href="/">地方网</a> &gt; <a href="/sd/">山东</a> &gt; <a href="/weifang/">潍坊市</a> &gt; <a href="/weifang/shouguang/">寿光新闻</a> &gt; 正文</div>
<div class="side"><h3>热点排行</h3><ul>{SIDE_ITEMS}</ul></div>
{stray_end}
<div class="a3">寿光蔬菜博览会开幕 吸引客商三万余人</div>
<div class="a4">来源:潍坊日报 2017-08-13 09:19&nbsp;&nbsp; <a href="https://www.yybnet.net/">https://www.yybnet.net/</a></div>
<div class="a5">
<p>——第十八届菜博会开幕式侧记</p>
<p>□本报通讯员杨官松郭文波</p>
<p>　　{PARA_1}</p>
<p>　　{PARA_2}</p>
<p>　　{PARA_3}</p>
<p>编辑:王锋 校对:刘福文</p>
</div>
<div class="a6">新闻推荐</div>
<div><a href="/weifang/news/201708/1.html">青州古城迎来旅游高峰</a></div>
<div>国庆假期第一天，青州古城游人如织，各景点接待游客数量创下新高，记者在现场看到...</div>
<div>寿光新闻,讲述家乡的故事。关注寿光，了解家乡大小事。</div>
<div>相关新闻:</div>
<ul><li><a href="/x/2.html">寿光蔬菜产业再创新高</a>2024-12-30 10:20</li>
<li><a href="/x/3.html">记者张国政报道：寿光举办蔬菜论坛</a>2024-12-29 08:00</li></ul>
<div>猜你喜欢:</div><div>评论:(寿光蔬菜博览会开幕 吸引客商三万余人)</div>
{extra_after}
<div class="foot">Copyright © 地方网 版权所有</div>
</body></html>"""


def yybnet_mobile() -> str:
    return f"""<html><head><meta charset="utf-8"><title>淄博一新区挂牌成立_淄博新闻_地方网</title></head><body>
<div>看家乡事,品故乡情</div>
<section><div>淄博一新区挂牌成立</div>
<div>淄博晚报 2014-05-06 17:22 <span>大字</span></div>
<article><p>晚报讯(记者孙文昭薛萍){PARA_1}</p><p>{PARA_2}</p><p>(本报记者 袁媛)</p></article></section>
<div>新闻推荐</div><div><a href="/zibo/news/201405/2.html">张店区举办招聘会</a></div>
<div>近日，张店区举办大型招聘会，200余家企业提供就业岗位5000余个，吸引求职者...</div>
<div>相关推荐</div><ul><li><a href="/zibo/news/201405/3.html">淄博公交新线路开通 2024-06-01 10:00</a></li></ul>
</body></html>"""


def test_yybnet_desktop_page() -> None:
    article = extract(yybnet_desktop(), "https://www.yybnet.net/weifang/shouguang/201708/12345678.html", now=NOW)
    assert article.title == "寿光蔬菜博览会开幕 吸引客商三万余人"
    assert article.subtitle == "第十八届菜博会开幕式侧记"
    assert article.source == "潍坊日报"
    assert article.published_at == datetime(2017, 8, 13, 9, 19, tzinfo=BEIJING)
    assert article.published_at_raw == "2017-08-13 09:19"
    assert article.authors == ["杨官松", "郭文波"]
    assert article.editors == ["王锋", "刘福文"]
    assert article.body == "\n".join([PARA_1, PARA_2, PARA_3])
    assert article.extra["rules"]["published_at"] == "meta-line"


def test_yybnet_mobile_page_source_beside_the_time() -> None:
    article = extract(yybnet_mobile(), "https://m.yybnet.net/zibo/news/201405/1234567.html", now=NOW)
    assert article.title == "淄博一新区挂牌成立"
    assert article.source == "淄博晚报"
    assert article.published_at == datetime(2014, 5, 6, 17, 22, tzinfo=BEIJING)
    assert article.authors == ["孙文昭", "薛萍", "袁媛"]
    assert article.body == f"晚报讯(记者孙文昭薛萍){PARA_1}\n{PARA_2}"


def test_related_and_recommended_blocks_do_not_leak() -> None:
    article = extract(yybnet_desktop(), now=NOW)
    assert article.body is not None
    for leaked in ("新闻推荐", "青州古城", "讲述家乡的故事", "相关新闻", "猜你喜欢", "评论", "版权所有", "热点新闻"):
        assert leaked not in article.body
    assert "张国政" not in article.authors


def test_stray_html_end_tag_before_the_article() -> None:
    article = extract(yybnet_desktop(stray_end="</body></html>"), now=NOW)
    assert article.title == "寿光蔬菜博览会开幕 吸引客商三万余人"
    assert article.body is not None and PARA_3 in article.body
    assert article.published_at == datetime(2017, 8, 13, 9, 19, tzinfo=BEIJING)


def test_times_in_side_lists_and_comments_do_not_win() -> None:
    comments = "".join(f'<div class="c"><span>网友{i}</span><p>说得好，为家乡点赞！</p><span>2025-01-0{i} 10:00</span></div>' for i in range(1, 5))
    article = extract(yybnet_desktop(extra_after=comments), now=NOW)
    assert article.published_at == datetime(2017, 8, 13, 9, 19, tzinfo=BEIJING)


def test_headline_meta_and_body_on_a_generic_portal_page() -> None:
    html = f"""<html><head><title>八部委如何玩转互联网+：打造万物互联新生态_网易财经</title>
<meta name="author" content="网易"></head><body>
<div class="nav"><a href="/">网易首页</a> &gt; <a href="/money/">财经频道</a> &gt; 正文</div>
<h2>财经头条</h2>
<h1>八部委如何玩转互联网+：打造万物互联新生态</h1>
<div class="t">2015-05-21 05:03:58　来源: <a href="http://x">21世纪经济报道(广州)</a></div>
<div class="s">分享到：</div>
<div id="text"><p>原标题：八部委发声互联网+</p><p>{PARA_1}</p><p>{PARA_2}</p><p>{PARA_3}</p>
<p>本文来源：21世纪经济报道 作者：何苗 张梦洁</p><p>责任编辑：王晓易_NF041</p></div>
<div>分享到：</div><div>关键词阅读：</div>
<ul><li><a href="/1">证监会：违法做空者移送公安机关</a> 2015/07/03</li><li><a href="/2">证监会将严打跨市场操纵行为</a> 2015/07/03</li></ul>
</body></html>"""
    article = extract(html, now=NOW)
    assert article.title == "八部委如何玩转互联网+：打造万物互联新生态"
    assert article.source == "21世纪经济报道"
    assert article.published_at == datetime(2015, 5, 21, 5, 3, 58, tzinfo=BEIJING)
    assert article.authors == ["何苗", "张梦洁"]
    assert article.body == "\n".join([PARA_1, PARA_2, PARA_3])


def test_title_keeps_displayed_prefix_and_ignores_site_suffix() -> None:
    html = f"""<html><head><title>【资讯汇总】一周要闻回顾 - 某某新闻网</title></head><body>
<h1>【资讯汇总】一周要闻回顾</h1><div>2020-01-02 17:11 来源：某某日报</div>
<div><p>{PARA_1}</p><p>{PARA_2}</p></div></body></html>"""
    assert extract(html).title == "【资讯汇总】一周要闻回顾"


def test_title_from_layout_when_title_tag_is_only_the_site_name() -> None:
    html = f"""<html><head><title>某某新闻网</title></head><body>
<div class="x">首页 &gt; 新闻 &gt; 正文</div><div class="y">全市新增三条公交线路</div>
<div class="z">发布时间：2021-03-04 08:00 来源：某某晚报</div>
<div><p>{PARA_1}</p><p>{PARA_2}</p></div></body></html>"""
    article = extract(html)
    assert article.title == "全市新增三条公交线路"
    assert article.source == "某某晚报"


def test_structured_time_with_offset_beats_a_shown_update_time() -> None:
    html = f"""<html><head><title>港特首就违建事件道歉 - BBC中文网</title>
<meta name="dcterms.created" content="2012-12-10T09:24:01+00:00"></head><body>
<h1>港特首就违建事件道歉</h1><div>更新时间 2012年12月10日, 格林尼治标准时间10:41</div>
<div><p>{PARA_1}</p><p>{PARA_2}</p></div></body></html>"""
    article = extract(html)
    assert article.published_at == datetime(2012, 12, 10, 17, 24, 1, tzinfo=BEIJING)
    assert article.source is None


def test_year_less_meta_time_takes_the_year_from_the_url() -> None:
    html = f"""<html><head><title>春节前夕慰问困难群众_地方网</title></head><body>
<h1>春节前夕慰问困难群众</h1><div>来源：潍坊晚报 01-20 09:30</div>
<div><p>{PARA_1}</p><p>{PARA_2}</p></div></body></html>"""
    article = extract(html, "https://www.yybnet.net/weifang/news/201901/1234567.html", now=NOW)
    assert article.published_at == datetime(2019, 1, 20, 9, 30, tzinfo=BEIJING)


def test_source_is_never_an_author() -> None:
    html = f"""<html><head><title>新春走基层_某网</title></head><body><h1>新春走基层</h1>
<div>2022-02-13 07:48 | 来源：新华日报 作者：葛灵丹</div><div><p>{PARA_1}</p><p>{PARA_2}</p></div></body></html>"""
    article = extract(html)
    assert article.source == "新华日报"
    assert article.authors == ["葛灵丹"]


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("来源:潍坊日报 2017-08-13 09:19   https://www.yybnet.net/", "潍坊日报"),
        ("来源：潍坊日报2017-08-13", "潍坊日报"),
        ("本文来源：21世纪经济报道 作者：何苗", "21世纪经济报道"),
        ("信息来源：内蒙古日报", "内蒙古日报"),
        ("来源：[ 人民网 ]", "人民网"),
        ("来源：巴彦淖尔日报     编辑：苏亮", "巴彦淖尔日报"),
        ("2015-07-03 04:09:59　来源: 第一财经日报(上海)", "第一财经日报"),
        ("来源：人民日报海外版 中国青年网", "人民日报海外版"),
        ("来源：证券日报-资本证券网", "证券日报-资本证券网"),
        # a counter word before its number ends the value, also glued to it
        ("来源: 新京报参与 2381 评论 512", "新京报"),
        ("来源：新京报 跟帖：12", "新京报"),
        ("来源：晨报人气90", "晨报"),
        # without a number after it the word is part of the name
        ("来源：参与者报", "参与者报"),
        ("来源：", None),
        ("没有标签的一行", None),
    ],
)
def test_source_after_label(text: str, source: str | None) -> None:
    assert source_after_label(text) == source


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("淄博晚报 2014-05-06 17:22 大字", "淄博晚报"),
        ("2020-10-04 15:05聯合報 記者林宸誼／即時報導", "聯合報"),
        ("2022-02-13 23:37", None),
        ("2022-02-13 23:37 张三", None),
        # an unlabelled 微信公众号 line: the account right before the time; a badge is never the source
        ("原创 申屠明 临江日报 2021-06-02 08:00", "临江日报"),
        ("原创 临江日报 2021-06-02 08:00", "临江日报"),
        ("原创 2021-06-02 08:00", None),
        ("独家 张三 2021-06-02 08:00", None),
    ],
)
def test_source_beside_time(text: str, source: str | None) -> None:
    assert source_beside_time(text) == source


def test_field_helpers_can_be_used_alone() -> None:
    root = parse_html(yybnet_desktop())
    assert root is not None
    meta = find_meta(root)
    lines = read_lines(root)
    body = find_body(lines)
    assert body is not None
    title = find_title(lines, meta, body, find_meta_line(lines, None, body))
    assert title is not None and title.text == "寿光蔬菜博览会开幕 吸引客商三万余人"
    zone = find_meta_line(lines, title, body)
    found, _rule = find_published(zone, meta, now=NOW)
    assert found is not None and found.value == datetime(2017, 8, 13, 9, 19, tzinfo=BEIJING)
    cleaned = clean_body(lines, body, title, zone)
    assert cleaned.paragraphs[-1] == PARA_3


def test_empty_and_textless_pages() -> None:
    assert extract("").body is None
    assert extract("<html><body></body></html>").title is None
    with pytest.raises(TypeError):
        extract(b"<p>bytes</p>")  # type: ignore[arg-type]


def test_images_with_captions() -> None:
    html = f"""<html><head><title>图片新闻_某网</title></head><body><h1>图片新闻</h1><div>2020-01-02 10:00</div>
<div><p><img src="/p/1.jpg"></p><p>图①:市民在公园赏花。</p><p>{PARA_1}</p><p>{PARA_2}</p></div></body></html>"""
    article = extract(html, "https://example.com/a/b.html")
    assert [image.url for image in article.images] == ["https://example.com/p/1.jpg"]
    assert article.body is not None and article.body.startswith("图①:市民在公园赏花。")


def _timed_page(shown: str, structured: str) -> str:
    return f"""<html><head><title>马克龙星期一在莫斯科与普京会面 - 法国报纸摘要</title>
<meta property="article:published_time" content="{structured}"></head><body>
<h1>马克龙星期一在莫斯科与普京会面</h1><p>发表时间： {shown}</p>
<div><p>{PARA_1}</p><p>{PARA_2}</p></div></body></html>"""


def test_shown_local_time_of_another_zone_yields_to_the_exact_structured_time() -> None:
    article = extract(_timed_page("2022-02-06 13:48", "2022-02-06T12:48:06+00:00"))
    assert article.published_at == datetime(2022, 2, 6, 20, 48, 6, tzinfo=BEIJING)


def test_beijing_time_stamped_with_z_does_not_override_the_shown_time() -> None:
    article = extract(_timed_page("2022-02-06 13:48", "2022-02-06T13:48:00Z"))
    assert article.published_at == datetime(2022, 2, 6, 13, 48, tzinfo=BEIJING)
    assert article.extra["rules"]["published_at"] == "meta-line"


def test_subtitle_set_inside_the_headline_element() -> None:
    html = f"""<html><head><title>内蒙古延续税收优惠政策助企纾困预计4年减负180亿元_政府网</title></head><body>
<h1>内蒙古延续税收优惠政策助企纾困<div>预计4年减负180亿元</div></h1><div>发布日期：2022-02-11 08:52</div>
<div><p>{PARA_1}</p><p>{PARA_2}</p></div></body></html>"""
    article = extract(html)
    assert article.title == "内蒙古延续税收优惠政策助企纾困"
    assert article.subtitle == "预计4年减负180亿元"


def test_staff_lines_after_a_promo_box_inside_the_article() -> None:
    promo = "".join(f'<p><a href="/p/{i}">推广链接第{i}条</a></p>' for i in range(12))
    html = f"""<html><head><title>某某新闻标题_某网</title></head><body><h1>某某新闻标题</h1>
<div>2015-07-03 07:42:28 来源: 投资快报</div>
<div id="t"><p>{PARA_1}</p><p>{PARA_2}</p><p>{PARA_3}</p>{promo}
<p>本文来源：投资快报 作者：孙宁</p><p>责任编辑：王锋</p></div></body></html>"""
    article = extract(html)
    assert article.authors == ["孙宁"]
    assert article.editors == ["王锋"]
    assert article.body == "\n".join([PARA_1, PARA_2, PARA_3])


def test_summary_box_beside_the_body_is_left_out_but_a_lead_paragraph_is_kept() -> None:
    lead = "各位好，欢迎收听今天的节目。法国总统下星期访问莫斯科和基辅，目的是要降低紧张局势，这是一段独立的导语。"
    summary = "据介绍，该项目总投资约5亿元，建成后预计年产值可达10亿元，带动就业800余人，这是摘要。"
    for extra, kept in ((lead, True), (summary, False)):
        html = f"""<html><head><title>某某新闻标题_某网</title></head><body><div><h1>某某新闻标题</h1>
<p class="x">{extra}</p><div class="y"><p>{PARA_1}</p><p>{PARA_2}</p><p>{PARA_3}</p></div></div></body></html>"""
        body = extract(html).body or ""
        assert (extra in body) is kept


@pytest.mark.parametrize(
    ("credit", "authors"),
    [
        ("□本报通讯员杨官松郭文波", ["杨官松", "郭文波"]),
        ("姚洪双 文/图", ["姚洪双"]),
        ("作者:王锋摄", ["王锋"]),
        ("YMG全媒体记者 杨春娜摄", ["杨春娜"]),
        ("记者 张国政 通讯员 崔正博 摄影报道", ["张国政", "崔正博"]),
    ],
)
def test_standalone_credit_line_at_the_start(credit: str, authors: list[str]) -> None:
    html = yybnet_desktop().replace("<p>□本报通讯员杨官松郭文波</p>", f"<p>{credit}</p>")
    article = extract(html, now=NOW)
    assert article.authors == authors
    assert article.body == "\n".join([PARA_1, PARA_2, PARA_3])


@pytest.mark.parametrize(
    ("credit", "authors"),
    [("(本报记者 袁媛)", ["袁媛"]), ("(本报记者 李方贵 文/图)", ["李方贵"]), ("记者刘福文摄", ["刘福文"]), ("新华社记者朱峥摄", ["朱峥"])],
)
def test_standalone_credit_line_at_the_end(credit: str, authors: list[str]) -> None:
    html = (
        yybnet_desktop()
        .replace("<p>□本报通讯员杨官松郭文波</p>", "")
        .replace("<p>编辑:王锋 校对:刘福文</p>", f"<p>{credit}</p><p>■A03、06版</p><p>编辑:王锋 校对:刘福文</p>")
    )
    article = extract(html, now=NOW)
    assert article.authors == authors
    assert article.editors == ["王锋", "刘福文"]
    assert article.body == "\n".join([PARA_1, PARA_2, PARA_3])


# --- image captions: a photographer credited only inside a caption is no author (LABELS.md) ---


def _photo_page(blocks: str) -> str:
    return f"""<html><head><title>某某新闻标题_某网</title></head><body><h1>某某新闻标题</h1>
<div>2020-01-02 10:00 来源：潍坊日报</div><div class="c">{blocks}</div></body></html>"""


@pytest.mark.parametrize(
    ("blocks", "authors"),
    [
        # caption lines: 图①/图为/图： openers, a <figcaption>, a short line right after an image
        (f"<p><img src='/1.jpg'></p><p>图①:游客在荷塘边拍照。(通讯员廖倩梅 摄)</p><p>{PARA_1}</p><p>{PARA_2}</p>", []),
        (f"<p>{PARA_1}</p><p>图为活动现场。（记者 张三 摄）</p><p>{PARA_2}</p>", []),
        (f"<p>{PARA_1}</p><p>图：活动现场。（新华社记者 才扬 摄）</p><p>{PARA_2}</p>", []),
        (f"<figure><img src='/1.jpg'><figcaption>市民在公园赏花。(通讯员陶兴 摄)</figcaption></figure><p>{PARA_1}</p><p>{PARA_2}</p>", []),
        (f"<p>{PARA_1}</p><div><img src='/1.jpg'></div><div>市民在公园赏花。（李尕 摄）</div><p>{PARA_2}</p>", []),
        # the caption's photographer is still an author when the article credits him elsewhere
        (f"<p>本报讯(记者张三){PARA_1}</p><p><img src='/1.jpg'></p><p>图①:市民赏花。(记者张三 摄)</p><p>{PARA_2}</p>", ["张三"]),
        # unchanged: a credit of the text at the end of a caption-like line, bare names ending the story
        (f"<p>{PARA_1}</p><p><img src='/1.jpg'></p><p>{PARA_2}（常书香 马丹阳 ）</p>", ["常书香", "马丹阳"]),
        (f"<p>{PARA_1}</p><p>{PARA_2}</p><p><img src='/1.jpg'></p><p>图②:工地。(本报记者 廖刚颖 文/图)</p>", ["廖刚颖"]),
        # unchanged: a credit on a line of its own right after an image is a byline
        (f"<p>{PARA_1}</p><p><img src='/1.jpg'></p><p>记者刘福文摄</p><p>{PARA_2}</p>", ["刘福文"]),
        # unchanged: a photo credit closing an ordinary paragraph
        (f"<p>{PARA_1}</p><p>{PARA_2}（记者 张三 摄）</p>", ["张三"]),
    ],
)
def test_caption_credits(blocks: str, authors: list[str]) -> None:
    article = extract(_photo_page(blocks))
    assert article.authors == authors
    assert article.body is not None and PARA_1 in article.body


def test_caption_stays_in_the_body() -> None:
    article = extract(_photo_page(f"<p><img src='/1.jpg'></p><p>图①:游客在荷塘边拍照。(通讯员廖倩梅 摄)</p><p>{PARA_1}</p>"))
    assert article.body == f"图①:游客在荷塘边拍照。(通讯员廖倩梅 摄)\n{PARA_1}"


def test_line_after_image_flag() -> None:
    lines = read_lines(parse_html("<div><p>甲文字</p><p><img src='/a.jpg'></p><p>乙文字</p><p>丙文字</p></div>"))
    assert [(line.text, line.after_image) for line in lines] == [("甲文字", False), ("乙文字", True), ("丙文字", False)]


# --- a name before 文/图 or 摄影 in a meta line with a time or a 来源 label ---


@pytest.mark.parametrize(
    ("text", "authors"),
    [
        ("2018-03-02 10:15 顾庆宏 文/图", ["顾庆宏"]),
        ("来源:潍坊晚报 顾庆宏 文/图", ["顾庆宏"]),
        ("发布时间：2018-03-02 10:15 顾庆宏 摄影报道", ["顾庆宏"]),
        ("2018-03-02 10:15 张三 李四 文/图", ["张三", "李四"]),
        # unchanged: names after the label, and words that are no names before it
        ("来源:潍坊晚报 2018-03-02 10:15 文/图：顾庆宏", ["顾庆宏"]),
        ("2018-03-02 10:15 浏览 摄影:张三", ["张三"]),
        ("2018-03-02 10:15 潍坊晚报 摄影报道", []),
        ("作者：张三 2018-03-02", ["张三"]),
    ],
)
def test_labelled_people_reads_names_before_a_suffix_label(text: str, authors: list[str]) -> None:
    assert labelled_people(text).authors == authors


@pytest.mark.parametrize("info", ["2018-03-02 10:15 顾庆宏 文/图", "来源:潍坊晚报 2018-03-02 10:15"])
def test_standalone_name_credit_line_or_in_meta_line(info: str) -> None:
    credit = "" if "文/图" in info else '<p class="author">顾庆宏 文/图</p>'
    html = f"""<html><head><title>潍坊启动春季植树活动_潍坊新闻</title></head><body><h1>潍坊启动春季植树活动</h1>
<div class="info">{info}</div><div class="content">{credit}<p>{PARA_1}</p><p>{PARA_2}</p></div></body></html>"""
    article = extract(html)
    assert article.authors == ["顾庆宏"]
    assert article.body == f"{PARA_1}\n{PARA_2}"


# --- nothing after a landmark that opens other stories gives the article people, source or time ---

UNKNOWN_ORDER_URL = "https://www.yybnet.net/weifang/news/201803/7600123.html"
TEASER_BLOCK = '<div class="tj">新闻推荐</div><div>高密举办风筝节 本报讯(记者张华)4月...</div>'


def _fixture_page() -> str:
    from pathlib import Path

    return (Path(__file__).parent / "fixtures" / "desktop_unknown_meta_order" / "page.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "after",
    [
        TEASER_BLOCK,
        '<div class="tj">更多精彩</div><div>高密举办风筝节 本报讯(记者张华)4月...</div>',
        '<div class="tj">热点新闻</div><div>记者张华</div><div>来源：大众日报</div>',
        '<div class="tj">往期回顾</div><div>记者张华 文/图</div><div>编辑：赵六</div>',
        '<div class="tj">关键词阅读</div><div>记者张华</div>',
        '<div class="tj">分享到：</div><div>高密举办风筝节 本报讯(记者张华)4月...</div>',  # a teaser is no credit
    ],
)
def test_other_stories_give_no_people_or_source(after: str) -> None:
    html = _fixture_page()
    assert TEASER_BLOCK in html
    article = extract(html.replace(TEASER_BLOCK, after), UNKNOWN_ORDER_URL)
    assert article.authors == ["李明"]
    assert article.editors == ["王芳"]
    assert article.source == "潍坊晚报"
    assert article.published_at == datetime(2018, 3, 2, 10, 15, tzinfo=BEIJING)


def test_staff_lines_after_a_share_bar_or_a_promo_link_are_still_read() -> None:
    # unchanged: a share bar closes the text but not the article's staff lines; "更多精彩资讯请点击 …" is a
    # promo link, not a heading of other stories
    html = f"""<html><head><title>某某新闻标题_某网</title></head><body><h1>某某新闻标题</h1>
<div>2015-07-03 07:42:28</div><div id="t"><p>{PARA_1}</p><p>{PARA_2}</p><p>{PARA_3}</p>
<p><a href="/s">更多精彩资讯请点击 网易股票</a></p><p>本文来源：投资快报 作者：孙宁 责任编辑：NF041</p></div>
<div>分享到：</div><div>责任编辑：王锋</div></body></html>"""
    article = extract(html)
    assert article.authors == ["孙宁"]
    assert article.editors == ["NF041", "王锋"]
    assert article.source == "投资快报"


def test_unclosed_garbled_credit_closing_the_last_paragraph() -> None:
    html = _photo_page(f"<p>{PARA_1}</p><p>{PARA_2}（记者宋晨、田中全、胡\ufffd础⒑钗睦ぃ\ufffd</p>")
    assert extract(html).authors == ["宋晨", "田中全"]


@pytest.mark.parametrize(
    ("line", "subtitle"),
    [
        ("——第十八届菜博会读书分享会侧记", "第十八届菜博会读书分享会侧记"),  # a UI word inside a dashed 副题
        ("——第十八届菜博会开幕式侧记", "第十八届菜博会开幕式侧记"),  # unchanged
        ("分享到微信朋友圈", None),  # unchanged: an undashed UI line is no 副题
    ],
)
def test_dashed_subtitle_with_a_ui_word(line: str, subtitle: str | None) -> None:
    html = yybnet_desktop().replace("<p>——第十八届菜博会开幕式侧记</p>", f"<p>{line}</p>")
    assert extract(html, now=NOW).subtitle == subtitle


# --- the other forms of the 来源 label, and title marks in a source value ---


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("来源于：东区办事处", "东区办事处"),
        ("稿源：潍坊日报", "潍坊日报"),
        ("消息来源：新华社", "新华社"),
        ("文章来源：人民网", "人民网"),
        ("新闻来源：中国新闻网 2019-01-02", "中国新闻网"),
        ("出处：光明日报", "光明日报"),
        ("来源：人民网-《人民日报》", "人民网-《人民日报》"),
        ("来源：《人民日报》-人民网", "《人民日报》-人民网"),
        ("来源：《人民日报》", "人民日报"),  # unchanged: marks around the whole name go
        # the source of a picture or of figures is not the article's
        ("图片来源：视觉中国", None),
        ("数据来源：国家统计局", None),
    ],
)
def test_source_label_forms(text: str, source: str | None) -> None:
    assert source_after_label(text) == source


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("http://www.sina.com.cn 2009年11月09日13:56 新浪娱乐", "新浪娱乐"),
        ("2019-11-09 13:56 腾讯科技", "腾讯科技"),
        # unchanged: a person beside the time is no source
        ("http://www.sina.com.cn 2009年11月09日13:56 张三", None),
        ("2019-09-26 12:11 李在山", None),
    ],
)
def test_source_after_the_time_past_a_url(text: str, source: str | None) -> None:
    assert source_beside_time(text) == source


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("来源：当代商报", True),
        ("版权声明 来源：当代商报 时间：2019-09-23 14:34:05 作者：", True),
        ("2019-03-06 来源：某某日报", True),
        ("据了解，来源：不明", False),
        ("这些资金的来源：一是财政拨款，二是社会捐助。", False),
    ],
)
def test_is_source_line(text: str, expected: bool) -> None:
    assert is_source_line(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("发布日期：2019-03-06 责任编辑：龙慧", True),
        ("版权声明 来源：当代商报 时间：2019-09-23 14:34:05 作者：", True),
        ("发表于 2019-09-23 14:34", True),
        ("时间：2019年3月6日上午9时", False),  # a bare 时间 label with no 来源/people label: an event's time
        ("活动时间：2019年3月6日", False),
        ("更新时间：2019-03-06 10:00", False),
        ("该论文发表于2019年3月6日的《自然》杂志。", False),
    ],
)
def test_is_time_line(text: str, expected: bool) -> None:
    assert is_time_line(text) is expected


def test_labels_glued_in_a_meta_line() -> None:
    html = f"""<html><head><title>午间公告：某某股份中标项目_某网</title></head><body><h1>午间公告：某某股份中标项目</h1>
<div>2019-09-26 12:11来源：证券时报网作者：李在山</div><div><p>{PARA_1}</p><p>{PARA_2}</p></div></body></html>"""
    article = extract(html)
    assert article.source == "证券时报网"
    assert article.authors == ["李在山"]
    assert article.published_at == datetime(2019, 9, 26, 12, 11, tzinfo=BEIJING)


# --- a labelled publication time beats a date that only stands near the headline ---

LEAD_WITH_DATE = "2019年2月27日下午，调研组一行八人到众创金融街进行实地考察调研，市金融局副局长陪同调研。"


def _tail_page(tail: str) -> str:
    return f"""<html><head><title>调研组到众创金融街开展调研工作 东区办事处_某网</title></head><body>
<div>东区办事处</div><div>东区新闻</div><div>调研组到众创金融街开展调研工作</div><div>来源于：东区办事处</div>
<table><tr><td><p>{LEAD_WITH_DATE}</p><p>{PARA_2}</p><p>{PARA_3}</p></td></tr><tr><td>{tail}</td></tr></table></body></html>"""


def test_labelled_time_after_the_body_beats_a_date_in_the_lead() -> None:
    article = extract(_tail_page("发布日期：2019-03-06 责任编辑：龙慧"))
    assert article.published_at == datetime(2019, 3, 6, tzinfo=BEIJING)
    assert article.extra["rules"]["published_at"] == "labelled-in-article"
    assert article.source == "东区办事处"
    assert article.editors == ["龙慧"]
    assert article.subtitle is None  # the column name above the headline is no 引题


def test_unlabelled_date_near_the_headline_still_used_without_a_label() -> None:
    article = extract(_tail_page("【打印本页】【关闭窗口】"))  # unchanged: no labelled time anywhere
    assert article.published_at == datetime(2019, 2, 27, tzinfo=BEIJING)
    assert article.extra["rules"]["published_at"] == "near-headline"


def _copyright_box_page(between: str = "") -> str:
    return f"""<html><head><title>金融知识进万家活动举行--某报</title></head><body>
<nav>首页 &gt; 要闻 &gt; 正文</nav><h1>金融知识进万家活动举行</h1><div class="c"><p>{PARA_1}</p><p>{PARA_2}</p></div>
<div><a href="#">赞</a> <a href="#">分享</a></div>{between}
<div>发布日期：2019-09-23 14:34:05 所属分类： 头条</div>
<ul><li>版权声明 来源：当代商报 时间：2019-09-23 14:34:05 作者：</li></ul></body></html>"""


def test_source_and_time_in_a_copyright_box_after_the_body() -> None:
    article = extract(_copyright_box_page())
    assert article.source == "当代商报"
    assert article.published_at == datetime(2019, 9, 23, 14, 34, 5, tzinfo=BEIJING)
    assert article.authors == []
    assert article.body == f"{PARA_1}\n{PARA_2}"


def test_copyright_box_after_other_stories_gives_nothing() -> None:
    # unchanged: past a landmark that opens other stories, nothing is the article's
    article = extract(_copyright_box_page('<div>相关新闻</div><ul><li><a href="/a">某某新闻一</a></li></ul>'))
    assert article.source is None
    assert article.published_at is None


# --- a 引题 standing just above a headline set in a heading element ---


def _kicker_page(above: str, title: str = "安徽训诫预警：“揪揪耳朵”防腐败--时政--某网") -> str:
    return f"""<html><head><title>{title}</title></head><body><div class="c">
{above}<h1>安徽训诫预警：“揪揪耳朵”防腐败</h1><p>2009年11月09日00:00 来源：某某日报</p>
<div><p>{PARA_1}</p><p>{PARA_2}</p></div></div></body></html>"""


@pytest.mark.parametrize(
    ("above", "title", "subtitle"),
    [
        ("<p></p><p>安徽司法行政系统推行领导干部训诫预警</p>", None, "安徽司法行政系统推行领导干部训诫预警"),
        # no 引题: a column name, a link, a label, a line the <title> names, a line in another container
        ("<p>时政新闻</p>", None, None),
        ('<p><a href="/gb/">安徽司法行政系统新闻专题报道</a></p>', None, None),
        ("<p>本频道推荐的最新新闻资讯：</p>", None, None),
        ("<p>安徽司法行政系统新闻专题频道</p>", "安徽训诫预警：“揪揪耳朵”防腐败--安徽司法行政系统新闻专题频道", None),
        ("<p>安徽新闻 · 司法行政新闻专题</p>", "安徽训诫预警：“揪揪耳朵”防腐败--安徽新闻--某网", None),
        ("<div><p>安徽司法行政系统推行领导干部训诫预警</p></div><div></div>", None, "安徽司法行政系统推行领导干部训诫预警"),
    ],
)
def test_kicker_above_the_heading(above: str, title: str | None, subtitle: str | None) -> None:
    html = _kicker_page(above) if title is None else _kicker_page(above, title)
    assert extract(html).subtitle == subtitle


def test_line_above_a_heading_in_another_container_is_no_kicker() -> None:
    html = f"""<html><head><title>安徽训诫预警：“揪揪耳朵”防腐败--某网</title></head><body>
<div class="top"><p>安徽司法行政系统推行领导干部训诫预警</p></div><div class="c"><h1>安徽训诫预警：“揪揪耳朵”防腐败</h1>
<p>2009年11月09日00:00 来源：某某日报</p><div><p>{PARA_1}</p><p>{PARA_2}</p></div></div></body></html>"""
    assert extract(html).subtitle is None


# --- the year of a year-less shown time from a structured time; a self-media page's account ---


def _account_page(*, head: str = "", account: str = "加拿大必读", avatar: bool = True, meta_line: str = "发布时间：10-0812:00") -> str:
    img = "<div class='icon'><img src='/a.jpg'></div>" if avatar else ""
    return f"""<html><head><title>英国女子转行当美人鱼</title>{head}</head><body>
<div class='nav'><a href='/'>首页</a></div><h2>英国女子转行当美人鱼</h2>
<div class='desc'>{img}<div class='txt'><p>{account}</p><div>{meta_line}</div></div></div>
<div><p>{PARA_1}</p><p>{PARA_2}</p></div></body></html>"""


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        # an update time with the same month-day gives the year; the shown clock stays
        ('<meta itemprop="dateUpdate" content="2019-10-08 12:00:57">', datetime(2019, 10, 8, 12, 0, tzinfo=BEIJING)),
        ('<meta property="article:modified_time" content="2019-10-08T12:00:57+08:00">', datetime(2019, 10, 8, 12, 0, tzinfo=BEIJING)),
        ('<script type="application/ld+json">{"dateModified": "2018-10-08T12:01:00+08:00"}</script>', datetime(2018, 10, 8, 12, 0, tzinfo=BEIJING)),
        # unchanged: no structured time: the latest past year
        ("", datetime(2024, 10, 8, 12, 0, tzinfo=BEIJING)),
    ],
)
def test_year_less_shown_time_takes_the_year_of_a_structured_time(head: str, expected: datetime) -> None:
    article = extract(_account_page(head=head), now=NOW)
    assert article.published_at == expected


def test_update_time_is_never_the_publication_time() -> None:
    html = _account_page(head='<meta itemprop="dateModified" content="2019-10-09 08:00:00">', meta_line="")
    assert extract(html, now=NOW).published_at is None


@pytest.mark.parametrize(
    ("kwargs", "source"),
    [
        ({}, "加拿大必读"),
        ({"account": "IT之家", "meta_line": "发布时间：09-3022:46青岛软媒网络科技有限公司"}, "IT之家"),
        # unchanged: a 来源 label wins
        ({"meta_line": "发布时间：10-0812:00 来源：新华社"}, "新华社"),
        # no avatar, a badge, a labelled line or a sentence: no account
        ({"avatar": False}, None),
        ({"account": "优质原创作者"}, None),
        ({"account": "作者：张三"}, None),
        ({"account": "记者从市里获悉，活动很好。"}, None),
    ],
)
def test_publishing_account_of_a_self_media_page(kwargs: dict, source: str | None) -> None:
    assert extract(_account_page(**kwargs), now=NOW).source == source


# --- a breadcrumb is never the headline ---


@pytest.mark.parametrize("crumb", ["首页 - 新闻动态", "首页 > 新闻", "当前位置：首页 新闻", "网站首页 / 学会新闻"])
def test_breadcrumb_above_the_headline_is_no_title(crumb: str) -> None:
    html = f"""<html><head><title>新闻动态--某学会官网</title></head><body>
<div class='nav'><a href='/'>首页</a> <a href='/n'>新闻</a></div><h3>{crumb}</h3>
<h5>2019年人文地理学术年会在重庆成功举行！</h5><div>发布时间：2019-05-18 来源：某学会</div>
<div><p>{PARA_1}</p><p>{PARA_2}</p></div></body></html>"""
    assert extract(html, now=NOW).title == "2019年人文地理学术年会在重庆成功举行！"


def test_headline_starting_with_a_homepage_word_is_kept() -> None:
    html = f"""<html><head><title>首页改版上线一周年_某网</title></head><body><h1>首页改版上线一周年</h1>
<div>2020-01-02 10:00 来源：某网</div><div><p>{PARA_1}</p><p>{PARA_2}</p></div></body></html>"""
    assert extract(html, now=NOW).title == "首页改版上线一周年"


# --- a smaller heading between the headline and the meta line is the 副题 ---


@pytest.mark.parametrize(
    ("blocks", "subtitle"),
    [
        (
            "<h2>山西品牌丝路行正式启动</h2><h3>成功举办双向经贸投资推介会</h3><div>时间：2019-09-18 06:23 来源：山西日报</div>"
            f"<div><p>{PARA_1}</p><h3>一、推介会成果丰硕</h3><p>{PARA_2}</p></div>",
            "成功举办双向经贸投资推介会",
        ),
        (
            "<h1>山西品牌丝路行正式启动</h1><h4>成功举办双向经贸投资推介会</h4><div>时间：2019-09-18 06:23 来源：山西日报</div>"
            f"<div><p>{PARA_1}</p><p>{PARA_2}</p></div>",
            "成功举办双向经贸投资推介会",
        ),
        # unchanged: a section heading inside the body, after the meta line, is no 副题
        (
            "<h2>山西品牌丝路行正式启动</h2><div>时间：2019-09-18 06:23 来源：山西日报</div>"
            f"<div><h3>一、推介会成果丰硕</h3><p>{PARA_1}</p><p>{PARA_2}</p></div>",
            None,
        ),
        # unchanged: a bigger heading after the headline is not its 副题
        (
            f"<h3>山西品牌丝路行正式启动</h3><h2>要闻</h2><div>时间：2019-09-18 06:23 来源：山西日报</div><div><p>{PARA_1}</p><p>{PARA_2}</p></div>",
            None,
        ),
    ],
)
def test_subheading_before_the_meta_line(blocks: str, subtitle: str | None) -> None:
    html = f"<html><head><title>山西品牌丝路行正式启动 - 某政府网</title></head><body>{blocks}</body></html>"
    article = extract(html, now=NOW)
    assert article.title == "山西品牌丝路行正式启动"
    assert article.subtitle == subtitle


# --- a caption that is only a photo credit, marked as pointing at the image above ---


@pytest.mark.parametrize(
    ("credit", "authors"),
    [
        ("▲本报全媒体图片记者黎旭阳、李妍摄", []),
        ("△记者 张三 摄", []),
        # unchanged: without the pointer mark a credit line of its own is a byline
        ("本报全媒体图片记者黎旭阳、李妍摄", ["黎旭阳", "李妍"]),
        # unchanged: a pointer line crediting the text too
        ("▲本报记者 廖刚颖 文/图", ["廖刚颖"]),
    ],
)
def test_pointer_caption_credit(credit: str, authors: list[str]) -> None:
    article = extract(_photo_page(f"<p>{PARA_1}</p><p><img src='/1.jpg'></p><p>{credit}</p><p>{PARA_2}</p>"))
    assert article.authors == authors
    if not authors:
        assert credit in article.body


@pytest.mark.parametrize(
    ("head", "times", "update_times"),
    [
        ('<meta itemprop="datePublished" content="2019-10-08 12:00:57">', [("datepublished", "2019-10-08 12:00:57")], []),
        ('<meta itemprop="dateUpdate" content="2019-10-08 12:00:57">', [], [("dateupdate", "2019-10-08 12:00:57")]),
        (
            '<meta name="PubDate" content="2019-10-08"><meta property="article:modified_time" content="2019-10-09">',
            [("pubdate", "2019-10-08")],
            [("article:modified_time", "2019-10-09")],
        ),
    ],
)
def test_find_meta_keeps_update_times_apart(head: str, times: list, update_times: list) -> None:
    meta = find_meta(parse_html(f"<html><head>{head}</head><body><p>x</p></body></html>"))
    assert (meta.times, meta.update_times) == (times, update_times)


# --- an e-paper page: a 引题 in the table row above the headline's row, the date of the issue line ---


def _epaper_page(
    *, issue: str = "第A05版：本地新闻&nbsp;&nbsp;2018年07月20日", kicker: str = "入伏首日 记者跟随洒水车夜间作业", credit: str = ""
) -> str:
    return f"""<html><head><title>三伏天里的城市降温师-某晚报数字报</title></head><body>
<div>{issue}</div><h4>版面导航</h4><ul><li>第A01版：要闻</li><li>第A05版：本地新闻</li></ul>
<table><tr><td>{kicker}</td></tr><tr><td><h1>三伏天里的城市降温师</h1></td></tr>{credit}
<tr><td><p>{PARA_1}</p><p>{PARA_2}</p></td></tr></table></body></html>"""


@pytest.mark.parametrize(
    ("kwargs", "subtitle"),
    [
        ({}, "入伏首日 记者跟随洒水车夜间作业"),
        ({"kicker": "入伏首日 洒水车夜间作业忙"}, "入伏首日 洒水车夜间作业忙"),
        # unchanged: a credit, a labelled line or a navigation item above the headline is no 引题
        ({"kicker": "本报记者 钱朵朵 文/图"}, None),
        ({"kicker": "作者：钱朵朵 来源：某晚报"}, None),
        ({"kicker": "第A05版：本地新闻"}, None),
    ],
)
def test_kicker_in_the_row_above_the_headline(kwargs: dict, subtitle: str | None) -> None:
    article = extract(_epaper_page(**kwargs), now=NOW)
    assert article.title == "三伏天里的城市降温师"
    assert article.subtitle == subtitle


@pytest.mark.parametrize(
    ("issue", "expected"),
    [
        ("第A05版：本地新闻&nbsp;&nbsp;2018年07月20日", date(2018, 7, 20)),
        ("2018年07月20日 第 5 版", date(2018, 7, 20)),
        # unchanged: no page named, or no year: no issue date
        ("本地新闻&nbsp;&nbsp;2018年07月20日", None),
        ("第A05版：本地新闻 07月20日", None),
    ],
)
def test_issue_line_dates_an_epaper_page(issue: str, expected: date | None) -> None:
    article = extract(_epaper_page(issue=issue), now=NOW)
    assert (article.published_at.date() if article.published_at else None) == expected
    if expected is not None:
        assert article.extra["published_has_time"] is False


def test_issue_line_yields_to_a_shown_time() -> None:
    credit = "<tr><td>发布时间：2018-07-19 22:10</td></tr>"
    article = extract(_epaper_page(credit=credit), now=NOW)
    assert article.published_at == datetime(2018, 7, 19, 22, 10, tzinfo=BEIJING)


# --- a caption right under the headline's byline: its photographer is no author, the caption is body ---


@pytest.mark.parametrize(
    ("caption", "authors", "in_body"),
    [
        ("工人正在调试灯组 本报记者 司马川 摄", ["胡晓蓉", "田野"], True),
        ("市民在公园赏花 通讯员 陶兴 摄", ["胡晓蓉", "田野"], True),
        # unchanged: a credit line of its own right after an image is a byline
        ("本报记者 司马川 摄", ["胡晓蓉", "田野", "司马川"], False),
        # unchanged: a credit of the text after an image
        ("本报记者 司马川 文/图", ["胡晓蓉", "田野", "司马川"], False),
    ],
)
def test_caption_after_the_byline_is_no_meta_line(caption: str, authors: list[str], in_body: bool) -> None:
    html = f"""<html><head><title>元宵灯会今晚亮灯_某晚报</title></head><body><table>
<tr><td><h1>元宵灯会今晚亮灯</h1></td></tr><tr><td>某晚报记者 胡晓蓉 实习生 田野</td></tr>
<tr><td><table><tr><td><img src='/1.jpg'></td></tr><tr><td>{caption}</td></tr></table>
<p>{PARA_1}</p><p>{PARA_2}</p></td></tr></table></body></html>"""
    article = extract(html, now=NOW)
    assert article.authors == authors
    assert (caption in (article.body or "")) is in_body


@pytest.mark.parametrize(
    ("text", "source", "authors"),
    [
        ("原创 申屠明 临江日报 2021-06-02 08:00", "临江日报", ["申屠明"]),
        ("转载 欧阳晓东 张三 某某发布 2021-06-02 08:00", "某某发布", ["欧阳晓东", "张三"]),
        # unchanged: two persons, a common word before the slot, labels, or words after the time
        ("张三 李四 2021-06-02 08:00", None, []),
        ("市民 临江日报 2021-06-02 08:00", None, []),
        ("作者 申屠明 临江日报 2021-06-02 08:00", None, []),
        ("申屠明 临江日报 2021-06-02 08:00 阅读 100", None, []),
        ("淄博晚报 2014-05-06 17:22 大字", None, []),
    ],
)
def test_unlabelled_meta_line_slots(text: str, source: str | None, authors: list[str]) -> None:
    assert unlabelled_slots(text) == (source, authors)


def test_wechat_style_meta_line_gives_account_and_author() -> None:
    html = f"""<html><head><title>好消息！看病可以先诊疗后付费了</title></head><body>
<h1>好消息！看病可以先诊疗后付费了</h1><div><span>原创</span> <span>申屠明</span> <a href='#'>临江日报</a>
<em>2021-06-02 08:00</em></div><div><p>{PARA_1}</p><p>{PARA_2}</p></div></body></html>"""
    article = extract(html, now=NOW)
    assert (article.source, article.authors) == ("临江日报", ["申屠明"])


@pytest.mark.parametrize(
    ("line", "in_body"),
    [
        ("审核：欧钰涵", False),
        ("监制：张三 李四", False),
        # unchanged: a sentence that opens with the word stays body
        ("审核：经过三轮严格审查，项目最终获批。", True),
    ],
)
def test_production_staff_line_is_no_body_and_names_no_one(line: str, in_body: bool) -> None:
    article = extract(_photo_page(f"<p>{PARA_1}</p><p>{PARA_2}</p><p>编辑：乔雨欣</p><p>{line}</p>"))
    assert (line in (article.body or "")) is in_body
    assert article.editors == ["乔雨欣"]
    assert article.authors == []


@pytest.mark.parametrize(
    ("tail", "kept"),
    [
        ("<p><img src='/1.jpg'></p><p>洒水车在主干道上作业</p>", "洒水车在主干道上作业"),
        # unchanged: a short scrap closing the text without an image above it goes
        ("<p>洒水车在主干道上作业</p>", None),
    ],
)
def test_caption_closing_the_text_is_kept(tail: str, kept: str | None) -> None:
    article = extract(_photo_page(f"<p>{PARA_1}</p><p>{PARA_2}</p>{tail}"))
    assert article.body is not None
    assert article.body.split("\n")[-1] == (kept or PARA_2)


def test_clean_text_splits_on_every_whitespace_the_pattern_names() -> None:
    import sys

    from newscrawl.extract.lines import WHITESPACE, clean_text

    spaces = "".join(chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code < 0xE000 and WHITESPACE.match(chr(code)))
    assert "\u3000" in spaces and "\xa0" in spaces and "\u200b" in spaces
    for text in [f"{spaces}潍坊{spaces}日报{spaces}", "a\u2028b\x1cc", "\u3000\u3000正文 第一段", "零宽\u200b空格", "\ufeff开头", "", "   "]:
        assert clean_text(text) == WHITESPACE.sub(" ", text).strip()


def test_a_line_held_by_a_heading_knows_it() -> None:
    from newscrawl.extract.clues import heading_tag

    # the heading is the line's owner or one of its two nearest ancestors
    html = (
        "<html><body><h1><span><div>大标题</div></span></h1><h2>副题<div>一层<div>两层<div>三层</div></div></div></h2>"
        "<div>正文<h3>小标题</h3>尾巴</div></body></html>"
    )
    tags = {line.text: heading_tag(line) for line in read_lines(parse_html(html))}
    assert tags == {"大标题": "h1", "副题": "h2", "一层": "h2", "两层": "h2", "三层": None, "正文": None, "小标题": "h3", "尾巴": None}


@pytest.mark.parametrize(
    "text",
    [
        "来源：潍坊日报", "來源: 联合报", "来源于：新华社", "本文来源：人民网", "新闻稿来源:", "稿源：大众网", "出处：人民日报",
        "文章出處：中央社", "來自：自由时报", "2019-03-06 来源", "稿源", "消息來源於",
    ],
)  # fmt: skip
def test_every_source_label_form_passes_the_cheap_test(text) -> None:
    from newscrawl.extract.vocabulary import SOURCE_LABEL, SOURCE_LABEL_BARE, may_hold_source_label

    assert SOURCE_LABEL.search(text) or SOURCE_LABEL_BARE.search(text)
    assert may_hold_source_label(text)


def test_the_cheap_source_label_test_turns_away_no_label_on_real_pages() -> None:
    from pathlib import Path

    from newscrawl.extract.vocabulary import SOURCE_LABEL, SOURCE_LABEL_BARE, may_hold_source_label

    labelled = 0
    for page in sorted(Path(__file__).parent.joinpath("fixtures").rglob("*.html")):
        root = parse_html(page.read_text(encoding="utf-8", errors="replace"))
        for line in read_lines(root) if root is not None else []:
            if SOURCE_LABEL.search(line.text) or SOURCE_LABEL_BARE.search(line.text):
                labelled += 1
                assert may_hold_source_label(line.text), line.text
    assert labelled > 20


def test_a_link_is_neither_hidden_nor_a_block_nor_a_heading_in_any_reading() -> None:
    from newscrawl.extract.lines import ARTICLE_READING, HEADING_TAGS, LAYOUT_READING, LINK_TAG

    for reading in (ARTICLE_READING, LAYOUT_READING):  # read_lines handles <a> before asking any of these
        assert LINK_TAG not in reading.skip_tags | reading.block_tags | HEADING_TAGS


def test_legal_notice_start_holds_every_first_character_of_a_notice() -> None:
    import re
    import sys

    from newscrawl.extract.clues import LEGAL_NOTICE, LEGAL_NOTICE_START

    firsts = {alternative[0] for alternative in LEGAL_NOTICE.pattern.split("|")}
    for first in firsts:  # every character the pattern lets stand for one, case ignored as it ignores it
        same = re.compile(re.escape(first), LEGAL_NOTICE.flags)
        for code in range(sys.maxunicode + 1):
            if not 0xD800 <= code < 0xE000 and same.match(chr(code)):
                assert LEGAL_NOTICE_START.match(chr(code)), (first, hex(code))


@pytest.mark.parametrize(("text", "teaser"), [("更多内容...", True), ("点击阅读…… ", True), ("未完。。。", True), ("正文。", False), ("1.5", False)])
def test_a_teaser_ends_with_dots(text, teaser) -> None:
    from newscrawl.extract.clues import TEASER_ENDINGS

    assert text.rstrip().endswith(TEASER_ENDINGS) is teaser
    assert bool(re.search(r"(?:\.{3}|…+|。。。)\s*$", text)) is teaser  # the pattern it replaced


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ('<html><head><meta charset="gbk"></head><body><p>中文正文</p></body></html>', "中文正文"),  # the text is decoded already
        ('<?xml version="1.0" encoding="gb2312"?><html><body><p>中文正文</p></body></html>', "中文正文"),
        ("\ufeff<html><body><p>中文正文</p></body></html>", "中文正文"),
        ("<?xml version='1.0' encoding='utf-8'?><?xml version='1.0' encoding='utf-8'?><p>中文正文</p>", "中文正文"),  # two glued templates
        ("<html><body><p>上文</p></BODY ></html>\u3000<p>下文</p>", "上文 下文"),  # premature end tags, any case and spacing
        ("<p>上文\ud800下文</p><p>第二段</p>", "上文\ufffd下文 第二段"),  # a lone surrogate costs one character, not the rest
        ("<p>表情\ud83d\ude00后面</p>", "表情😀后面"),  # a pair held as two code points is the one character
        ("<p>中文\x00正文</p>", "中文正文"),
    ],
)
def test_parse_html_reads_the_text_as_decoded(html, text) -> None:
    root = parse_html(html)
    assert " ".join(line.text for line in read_lines(root)) == text


@pytest.mark.parametrize("html", ["", "  \n", "\u3000\u2003", "<?xml version='1.0'?>", "</body></html>"])
def test_parse_html_of_nothing_is_none(html) -> None:
    assert parse_html(html) is None


def test_the_byte_patterns_space_is_every_str_space() -> None:
    import sys

    from newscrawl.extract.lines import _SPACE

    space = re.compile(_SPACE + b"\\Z")
    for code in range(sys.maxunicode + 1):
        if not 0xD800 <= code < 0xE000:
            assert bool(space.match(chr(code).encode())) is chr(code).isspace(), hex(code)
