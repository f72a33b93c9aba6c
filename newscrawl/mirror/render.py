"""Markup of the mirror site: four article templates and two list templates over the records of `content.py`.

The templates differ in tags, class names and nesting on purpose; what they share is the text landmarks of
shared/yybnet/LAYOUT.md, in that order.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from newscrawl.yybnet import CHANNELS, CITIES, PORTAL_NAME, channel_name

from .content import Image, MirrorArticle, page_title

PORTAL_ADDRESS = "https://www.yybnet.net/"
MOBILE_SLOGAN = "看家乡事,品故乡情"
SIDE_LISTS = ("热点阅读", "图文看点", "乡里乡亲", "热点排行")
GBK_META = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
UTF8_META = '<meta charset="utf-8">'


@dataclass(frozen=True)
class Trail:
    """The blocks around an article that are not the article: other stories, current when the page is fetched."""

    teaser: MirrorArticle | None
    teaser_headline: bool  # the 新闻推荐 headline is sometimes missing
    teaser_text: str  # the other story's first ~60 characters, ending in `...`
    tagline: str
    related: list[MirrorArticle]
    guess: list[MirrorArticle]
    channel_picks: list[MirrorArticle]
    side: dict[str, list[MirrorArticle]]  # SIDE_LISTS title -> items
    side_credits: list[str]  # bylines shown beside 乡里乡亲 items


@dataclass(frozen=True)
class ListPage:
    """One page of a channel list, newest first."""

    city: str
    channel: str
    page: int
    pages: int
    items: list[MirrorArticle]
    hot: list[MirrorArticle]  # 热点排行: articles of other channels
    page_url: dict[int, str]  # page number -> its URL
    variant_url: dict[str, str]  # article id -> a second link to the same article


def e(text: str) -> str:
    return escape(text, quote=True)


def channel_href(city: str, channel: str) -> str:
    return f"/{city}/{channel}/"


def city_nav(city: str) -> list[tuple[str, str]]:
    return [(channel_href(city, slug), f"{place}新闻") for slug, place in CHANNELS[city]]


def meta_charset(encoding: str) -> str:
    return GBK_META if encoding == "gbk" else UTF8_META


def head(title: str, encoding: str, extra: str = "") -> str:
    return f"<head>\n{meta_charset(encoding)}\n<title>{e(title)}</title>\n{extra}</head>\n"


def crumbs(city: str, channel: str) -> list[tuple[str, str]]:
    """(href, text) of the breadcrumb before `正文`: portal > province > city > channel."""
    city_cn, province = CITIES[city]
    return [
        ("/", PORTAL_NAME),
        ("/", province),
        (channel_href(city, "news"), f"{city_cn}市"),
        (channel_href(city, channel), channel_name(city, channel) or ""),
    ]


def meta_label(article: MirrorArticle) -> str:
    return ("来源：" if article.wide_colon else "来源:") + article.story.source


def related_line(other: MirrorArticle) -> tuple[str, str, str]:
    return other.path, other.story.title, other.time_text


# ---- desktop-a: div-based, h1 headline, <p> paragraphs, side column in an <aside>


def desktop_a(article: MirrorArticle, trail: Trail) -> str:
    story = article.story
    out = ['<!DOCTYPE html>\n<html lang="zh-CN">\n', head(page_title(article), article.encoding)]
    out.append('<body>\n<div id="top"><a class="logo" href="/"><img src="/static/logo.png" alt=""></a>\n')
    out.append('<ul class="citynav">')
    out += [f'<li><a href="{h}">{e(t)}</a></li>' for h, t in city_nav(article.city)]
    out.append('</ul></div>\n<div class="position">')
    out.append(" &gt; ".join(f'<a href="{h}">{e(t)}</a>' for h, t in crumbs(article.city, article.channel)))
    out.append(' &gt; 正文</div>\n<div class="main"><div class="left"><div class="article">\n')
    out.append(f'<h1 class="title">{e(story.title)}</h1>\n')
    out.append(
        f'<div class="info"><span class="source">{e(meta_label(article))}</span> '
        f'<span class="time">{article.time_text}</span>&nbsp;&nbsp;&nbsp;'
        f'<span class="url">{PORTAL_ADDRESS}</span></div>\n'
    )
    if story.subtitle:
        out.append(f'<h2 class="subtitle">{e(story.subtitle)}</h2>\n')
    out.append('<div class="content" id="content">\n')
    if story.start_byline:
        out.append(f'<p class="author">{e(story.start_byline)}</p>\n')
    for block in story.blocks:
        if isinstance(block, Image):
            out.append(f'<p class="pic"><img src="{block.path}" alt=""></p>\n')
            out.append(f'<p class="pic-note">{e(block.caption)}</p>\n')
        else:
            out.append(f"<p>{e(block)}</p>\n")
    if story.end_byline:
        out.append(f'<p style="text-align:right">{e(story.end_byline)}</p>\n')
    if story.staff_line:
        out.append(f'<p class="editor">{e(story.staff_line)}</p>\n')
    out.append("</div></div>\n")
    out.append('<div class="recommend"><h3>新闻推荐</h3>')
    if trail.teaser:
        if trail.teaser_headline:
            out.append(f'<h4><a href="{trail.teaser.path}">{e(trail.teaser.story.title)}</a></h4>')
        out.append(f"<p>{e(trail.teaser_text)}</p>")
    out.append(f'</div>\n<div class="slogan">{e(trail.tagline)}</div>\n')
    out.append('<div class="related"><h3>相关新闻:</h3><ul>')
    out += [f'<li><a href="{p}">{e(t)}</a><span>{d}</span></li>' for p, t, d in map(related_line, trail.related)]
    out.append('</ul></div>\n<div class="guess"><h3>猜你喜欢:</h3><ul>')
    out += [f'<li><a href="{o.path}">{e(o.story.title)}</a></li>' for o in trail.guess]
    out.append(f'</ul></div>\n<div class="comment"><h3>评论:({e(story.title)})</h3><textarea></textarea></div>\n')
    out.append('</div>\n<aside class="right"><div class="box"><h3>频道推荐</h3><ul>')
    out += [f'<li><a href="{o.path}">{e(o.story.title)}</a></li>' for o in trail.channel_picks]
    out.append("</ul></div>\n")
    for name, items in trail.side.items():
        out.append(f'<div class="box"><h3>{name}</h3><ul>')
        for i, o in enumerate(items):
            credit = f" {e(trail.side_credits[i])}" if name == "乡里乡亲" and i < len(trail.side_credits) else ""
            out.append(f'<li><a href="{o.path}">{e(o.story.title)}</a><em>{o.published:%m-%d}</em>{credit}</li>')
        out.append("</ul></div>\n")
    out.append(f'</aside></div>\n<div class="footer">Copyright &copy; {PORTAL_NAME} 版权所有</div>\n</body>\n</html>\n')
    return "".join(out)


# ---- desktop-b: nested tables, <font> headline, paragraphs as text runs split by <br><br>


def desktop_b(article: MirrorArticle, trail: Trail) -> str:
    story = article.story
    out = ["<html>\n", head(page_title(article), article.encoding), '<body bgcolor="#ffffff" topmargin="0">\n']
    out.append('<table width="980" align="center" border="0" cellpadding="0" cellspacing="0"><tr><td class="dh">')
    out.append("&nbsp;|&nbsp;".join(f'<a href="{h}">{e(t)}</a>' for h, t in city_nav(article.city)))
    out.append('</td></tr></table>\n<table width="980" align="center"><tr><td class="wz">')
    out.append(" &gt; ".join(f'<a href="{h}">{e(t)}</a>' for h, t in crumbs(article.city, article.channel)))
    out.append(" &gt; 正文</td></tr></table>\n")
    out.append('<table width="980" align="center"><tr><td width="680" valign="top">\n<table width="100%">\n')
    out.append(f'<tr><td align="center" class="bt"><b><font size="5" color="#003366">{e(story.title)}</font></b>')
    out.append("</td></tr>\n")
    out.append(
        f'<tr><td align="center" class="ly"><font color="#999999">{e(meta_label(article))}&nbsp;&nbsp;'
        f"{article.time_text}&nbsp;&nbsp;&nbsp;{PORTAL_ADDRESS}</font></td></tr>\n"
    )
    if story.subtitle:
        out.append(f'<tr><td align="center"><font color="#666666">{e(story.subtitle)}</font></td></tr>\n')
    out.append('<tr><td id="zoom" class="nr"><font style="font-size:14px">\n')
    if story.start_byline:
        out.append(f"{e(story.start_byline)}<br><br>\n")
    for block in story.blocks:
        if isinstance(block, Image):
            out.append(f'<center><img src="{block.path}" border="0"></center><br>\n　　{e(block.caption)}<br><br>\n')
        else:
            out.append(f"　　{e(block)}<br><br>\n")
    if story.end_byline:
        out.append(f'<div align="right">{e(story.end_byline)}</div>\n')
    if story.staff_line:
        out.append(f"{e(story.staff_line)}<br>\n")
    out.append("</font></td></tr>\n</table>\n")
    out.append('<table width="100%" class="tj"><tr><td><b>新闻推荐</b></td></tr><tr><td>')
    if trail.teaser:
        if trail.teaser_headline:
            out.append(f'<a href="{trail.teaser.path}"><b>{e(trail.teaser.story.title)}</b></a><br>')
        out.append(e(trail.teaser_text))
    out.append(f'</td></tr></table>\n<table width="100%"><tr><td class="slogan">{e(trail.tagline)}</td></tr></table>\n')
    out.append('<table width="100%" class="xg"><tr><td>相关新闻:</td></tr><tr><td>')
    out += [f'<a href="{p}">{e(t)}</a>{d}<br>' for p, t, d in map(related_line, trail.related)]
    out.append("</td></tr><tr><td>猜你喜欢:</td></tr><tr><td>")
    out += [f'<a href="{o.path}">{e(o.story.title)}</a>&nbsp;&nbsp;' for o in trail.guess]
    out.append(f"</td></tr><tr><td>评论:({e(story.title)})</td></tr></table>\n")
    out.append('</td><td width="290" valign="top">\n<table width="100%"><tr><td class="pd">频道推荐</td></tr>')
    out += [f'<tr><td>·<a href="{o.path}">{e(o.story.title)}</a></td></tr>' for o in trail.channel_picks]
    out.append("</table>\n")
    for name, items in trail.side.items():
        out.append(f'<table width="100%"><tr><td class="pd" colspan="2">{name}</td></tr>')
        for i, o in enumerate(items):
            credit = e(trail.side_credits[i]) if name == "乡里乡亲" and i < len(trail.side_credits) else ""
            out.append(f'<tr><td><a href="{o.path}">{e(o.story.title)}</a>{credit}</td><td>{o.time_text}</td></tr>')
        out.append("</table>\n")
    out.append(f'</td></tr></table>\n<table width="980" align="center"><tr><td>{PORTAL_NAME} 版权所有</td></tr></table>\n')
    out.append("</body>\n</html>\n")
    return "".join(out)


# ---- mobile-old: slogan header, div soup, no 来源 label, 相关新闻


def mobile_old(article: MirrorArticle, trail: Trail) -> str:
    story = article.story
    viewport = '<meta name="viewport" content="width=device-width,initial-scale=1">\n'
    out = ["<!DOCTYPE html>\n<html>\n", head(page_title(article), article.encoding, viewport), "<body>\n"]
    out.append(f'<div class="header"><div class="slogan">{MOBILE_SLOGAN}</div></div>\n<div class="news_con">\n')
    out.append(f'<div class="news_tit">{e(story.title)}</div>\n')
    out.append(f'<div class="news_time">{e(story.source)} {article.time_text} <span class="zh">大字</span></div>\n')
    if story.subtitle:
        out.append(f'<div class="news_sub">{e(story.subtitle)}</div>\n')
    out.append('<div class="news_txt">\n')
    if story.start_byline:
        out.append(f"<div>{e(story.start_byline)}</div>\n")
    for block in story.blocks:
        if isinstance(block, Image):
            out.append(f'<div class="img"><img src="{block.path}" width="100%"></div>\n<div>{e(block.caption)}</div>\n')
        else:
            out.append(f"<div>{e(block)}</div>\n")
    if story.end_byline:
        out.append(f"<div>{e(story.end_byline)}</div>\n")
    if story.staff_line:
        out.append(f"<div>{e(story.staff_line)}</div>\n")
    out.append('</div></div>\n<div class="tj"><div class="tj_t">新闻推荐</div>')
    if trail.teaser:
        if trail.teaser_headline:
            out.append(f'<a href="{trail.teaser.path}"><b>{e(trail.teaser.story.title)}</b></a>')
        out.append(f"<div>{e(trail.teaser_text)}</div>")
    out.append(f'</div>\n<div class="tagline">{e(trail.tagline)}</div>\n')
    out.append('<div class="xg"><div class="xg_t">相关新闻</div><ul>')
    out += [f'<li><a href="{p}">{e(t)}</a> {d}</li>' for p, t, d in map(related_line, trail.related)]
    out.append("</ul></div>\n</body>\n</html>\n")
    return "".join(out)


# ---- mobile-new: HTML5 article/section/figure, no slogan, 相关推荐


def mobile_new(article: MirrorArticle, trail: Trail) -> str:
    story = article.story
    viewport = '<meta name="viewport" content="width=device-width,initial-scale=1,user-scalable=no">\n'
    out = ['<!DOCTYPE html>\n<html lang="zh">\n', head(page_title(article), article.encoding, viewport), "<body>\n"]
    out.append('<header class="m-head"><a class="m-logo" href="/"></a></header>\n<article class="m-article">\n')
    out.append(f'<h1 class="m-article__title">{e(story.title)}</h1>\n')
    out.append(
        f'<p class="m-article__meta"><span class="m-source">{e(story.source)}</span> '
        f'<time datetime="{article.published.isoformat()}">{article.time_text}</time> '
        '<button type="button" class="m-font">大字</button></p>\n'
    )
    if story.subtitle:
        out.append(f'<p class="m-article__sub">{e(story.subtitle)}</p>\n')
    out.append('<section class="m-article__body">\n')
    if story.start_byline:
        out.append(f'<p class="m-by">{e(story.start_byline)}</p>\n')
    for block in story.blocks:
        if isinstance(block, Image):
            out.append(f'<figure><img src="{block.path}" loading="lazy">')
            out.append(f"<figcaption>{e(block.caption)}</figcaption></figure>\n")
        else:
            out.append(f"<p>{e(block)}</p>\n")
    if story.end_byline:
        out.append(f'<p class="m-by">{e(story.end_byline)}</p>\n')
    if story.staff_line:
        out.append(f'<p class="m-staff">{e(story.staff_line)}</p>\n')
    out.append('</section>\n</article>\n<section class="m-rec"><h2>新闻推荐</h2>')
    if trail.teaser:
        if trail.teaser_headline:
            out.append(f'<h3><a href="{trail.teaser.path}">{e(trail.teaser.story.title)}</a></h3>')
        out.append(f"<p>{e(trail.teaser_text)}</p>")
    out.append(f'</section>\n<p class="m-tagline">{e(trail.tagline)}</p>\n')
    out.append('<section class="m-more"><h2>相关推荐</h2>')
    out += [f'<a class="m-item" href="{p}"><span>{e(t)}</span><small>{d}</small></a>' for p, t, d in map(related_line, trail.related)]
    out.append("</section>\n</body>\n</html>\n")
    return "".join(out)


ARTICLE_TEMPLATES = {"desktop-a": desktop_a, "desktop-b": desktop_b, "mobile-old": mobile_old, "mobile-new": mobile_new}


def render_article(article: MirrorArticle, trail: Trail) -> str:
    return ARTICLE_TEMPLATES[article.template](article, trail)


# ---- list pages


def _pager(page: ListPage) -> list[tuple[str | None, str]]:
    """(href or None for the current page, text) of the pagination links, ending in 下一页."""
    links: list[tuple[str | None, str]] = []
    if page.page > 1:
        links.append((page.page_url[page.page - 1], "上一页"))
    links += [(None if n == page.page else page.page_url[n], str(n)) for n in range(1, page.pages + 1)]
    if page.page < page.pages:
        links.append((page.page_url[page.page + 1], "下一页"))
    return links


def list_a(page: ListPage) -> str:
    """Div/ul markup."""
    name = channel_name(page.city, page.channel) or ""
    out = ['<!DOCTYPE html>\n<html lang="zh-CN">\n', head(f"{name}_{PORTAL_NAME}", "utf-8")]
    out.append('<body>\n<ul class="citynav">')
    out += [f'<li><a href="{h}">{e(t)}</a></li>' for h, t in city_nav(page.city)]
    out.append('</ul>\n<div class="position">')
    out.append(" &gt; ".join(f'<a href="{h}">{e(t)}</a>' for h, t in crumbs(page.city, page.channel)))
    out.append('</div>\n<div class="list"><ul>\n')
    for a in page.items:
        more = f' <a class="more" href="{e(page.variant_url[a.id])}">详细</a>' if a.id in page.variant_url else ""
        out.append(f'<li><a href="{a.path}" target="_blank">{e(a.story.title)}</a>{more}')
        out.append(f'<span class="date">{a.time_text}</span></li>\n')
    if not page.items:
        out.append('<li class="empty">暂无内容</li>\n')
    out.append('</ul>\n<div class="pages">')
    out += [f'<span class="current">{t}</span>' if h is None else f'<a href="{e(h)}">{t}</a>' for h, t in _pager(page)]
    out.append('</div></div>\n<div class="side"><h3>热点排行</h3><ol>')
    out += [f'<li><a href="{a.path}">{e(a.story.title)}</a></li>' for a in page.hot]
    out.append("</ol></div>\n</body>\n</html>\n")
    return "".join(out)


def list_b(page: ListPage) -> str:
    """Table markup, GBK like the older article pages."""
    name = channel_name(page.city, page.channel) or ""
    out = ["<html>\n", head(f"{name}_{PORTAL_NAME}", "gbk"), '<body>\n<table width="980" align="center"><tr><td>']
    out.append(" | ".join(f'<a href="{h}">{e(t)}</a>' for h, t in city_nav(page.city)))
    out.append('</td></tr></table>\n<table width="980" align="center"><tr><td width="700" valign="top">\n')
    out.append('<table width="100%">\n')
    for a in page.items:
        more = f' <a href="{e(page.variant_url[a.id])}">[评论]</a>' if a.id in page.variant_url else ""
        out.append(f'<tr><td class="list_t">·<a href="{a.path}">{e(a.story.title)}</a>{more}</td>')
        out.append(f'<td class="list_d">({a.time_text})</td></tr>\n')
    if not page.items:
        out.append('<tr><td colspan="2">暂无信息</td></tr>\n')
    out.append(f'<tr><td colspan="2" class="page">共{page.pages}页 页次:{page.page}/{page.pages} ')
    out += [f"<b>{t}</b> " if h is None else f'<a href="{e(h)}">{t}</a> ' for h, t in _pager(page)]
    out.append('</td></tr>\n</table>\n</td><td width="280" valign="top"><table><tr><td>热点排行</td></tr>')
    out += [f'<tr><td><a href="{a.path}">{e(a.story.title)}</a></td></tr>' for a in page.hot]
    out.append("</table></td></tr></table>\n</body>\n</html>\n")
    return "".join(out)


def render_list(page: ListPage, markup: str) -> str:
    return list_a(page) if markup == "list-a" else list_b(page)


def render_home() -> str:
    out = ["<!DOCTYPE html>\n<html>\n", head(PORTAL_NAME, "utf-8"), "<body>\n"]
    for city, (city_cn, province) in CITIES.items():
        links = " ".join(f'<a href="{h}">{e(t)}</a>' for h, t in city_nav(city))
        out.append(f'<div class="city"><h2>{e(province)} {e(city_cn)}</h2>{links}</div>\n')
    out.append("</body>\n</html>\n")
    return "".join(out)
