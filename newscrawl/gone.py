"""Soft 404s: pages that answer 200 but say the article is gone, told apart from articles by general signals.

Chinese news CMSs answer a removed or expired story with a 200 page more often than with a 404: the site's
navigation, an apology in the headline zone (抱歉，您访问的页面不存在或已被删除), a 热点阅读 list of other
stories. Read like an article, such a page has the apology as its title and a line or two as its body.

`gone_reason(item)` says why an extracted item is such a page, or None for an article. It reads signals any
site shares, never one site's template:

- error vocabulary (页面不存在, 已被删除, 已撤稿, 稿件已过期, 404 ...) in the headline zone: the title, or the
  first lines of a short body;
- no published time and no source, where a news page shows at least one of them;
- a short body.

The rules, in order:

1. the headline, or the body's first line, is an error message and nothing more (once the error words are
   taken out, at most a few characters remain): gone, whatever else the extractor found on the page (the
   list of other stories read as the body, a time and a "source" taken from it);
2. error vocabulary in the headline zone and neither time nor source: gone;
3. error vocabulary in the headline zone, a short body, and no time or no source: gone;
4. neither time nor source, no image, and a body of a few characters: gone, even without vocabulary.

Vocabulary in a headline that says more (a story about a deleted post: 微信文章已被删除 警方已介入调查), in a
brief that shows its time and source, or deep in a body (a quoted "404") is an article.

Two more signals need more than the page: the same short, time-less text under many keys in one run
(pipelines/dedup.py), and a new text far shorter than the article's last version that lost its time and source
(newscrawl/archive.py holds it as a suspect version until a later revisit confirms it).
"""

from __future__ import annotations

import re
from typing import Any

# Characters of a body that count (whitespace removed) below which it is short, for an error page.
SHORT_BODY_CHARS = 200
# A body this short with no time, no source and no image is not an article, whatever it says.
TINY_BODY_CHARS = 40
HEADLINE_ZONE_LINES = 2  # first lines of a short body read as part of the headline zone
ZONE_LINE_CHARS = 80  # a longer line is a paragraph, not an apology line

_THING = r"(?:页面|网页|文章|稿件|信息|内容|新闻|资讯|帖子|链接|网址|地址|资源|记录)"
_GONE_VERB = r"(?:删除|撤稿|撤下|撤回|撤销|下线|屏蔽|过期|失效|关闭)"
_PREFIX = r"(?:抱歉|对不起|很抱歉|非常抱歉|sorry|提示|系统提示|错误提示|错误)?[\s,，.。!！:：、~～-]*"

ERROR_PHRASES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        # 页面不存在, 网页未找到, 链接已失效, 页面已被删除
        ("page not found", r"(?:页面|网页|链接|网址)(?:不存在|未找到|找不到|无法找到|无法访问|已失效|已过期|(?:已经?|已被)删除|出错)"),
        # 您访问的页面..., 你所要查看的文章...
        ("you asked for", r"(?:您|你)所?要?(?:访问|查看|浏览|打开|请求|查找|寻找)的" + _THING),
        # 该稿件已撤稿, 此文章已被删除, 本信息已过期
        ("this was removed", r"(?:该|此|本|这篇|这条)" + _THING + r"?(?:已经?|已被|已遭)" + _GONE_VERB),
        # 找不到该页面, 找不到您要的文章
        ("cannot be found", r"(?:找不到|无法找到|未能找到)(?:该|此|您要的?|你要的?|相关|所请求的)?" + _THING),
        # 该文章不存在; at a line's start: 文章不存在, 信息不存在或已删除
        ("does not exist", r"(?:该|此|本)" + _THING + r"(?:不存在|未找到)|^" + _PREFIX + _THING + r"(?:不存在|未找到)"),
        ("withdrawn", r"稿件已过期|稿件已撤|(?:该|此)稿件已"),
        ("404", r"(?<![\w.])404(?:\s*[-:：|]?\s*(?:not\s*found|error|错误|页面|出错))|(?:not\s*found|错误|error)\s*[:：(（]?\s*404(?!\d)"),
        # A line that starts with the gone verb or a bare "not found": 抱歉，已被删除！ / 文章已删除 / 出错了
        ("gone line", r"^" + _PREFIX + r"(?:(?:该|此|本)?" + _THING + r")?(?:已经?|已被)" + _GONE_VERB),
        (
            "error line",
            r"^" + _PREFIX + r"(?:出错了|出错啦|发生错误|访问出错|无法显示|暂时无法访问|not\s*found|page\s*not\s*found|404)[\s!！。.~～]*$",
        ),
    )
)
# Whole titles that are a CMS's name for its error template, never a headline.
ERROR_TITLES = re.compile(r"^(?:提示信息|系统提示|错误提示|错误页面?|出错页面|页面提示|信息提示|操作提示|error|404)[\s!！。.]*$", re.IGNORECASE)
# The words error messages are made of: a line that is nothing else (once they are taken out, at most
# MESSAGE_LEFTOVER characters remain) is an error message, not a headline that mentions a removal.
MESSAGE_WORDS = re.compile(
    r"很抱歉|非常抱歉|抱歉|对不起|sorry|您好|您|你|所|要|想|访问|查看|浏览|打开|请求|查找|寻找|的|该|此|本|这篇|这条|"
    r"页面|网页|文章|稿件|信息|内容|新闻|资讯|帖子|链接|网址|地址|资源|记录|不存在|未找到|找不到|无法找到|未能找到|无法|"
    r"已经|已被|已遭|已|被|删除|撤稿|撤下|撤回|撤销|下线|屏蔽|过期|失效|关闭|或者|或|可能|404|not|found|page|error|"
    r"错误|出错|发生|提示|系统|了|啦|显示|暂时|请|返回|首页|检查|输入|是否|正确|稍后|再试|重试|点击|这里|自动|跳转|\d+秒后|秒",
    re.IGNORECASE,
)
MESSAGE_LEFTOVER = 2


def chars(text: str | None) -> int:
    """Characters of a text that count: whitespace removed."""
    return len("".join((text or "").split()))


def error_phrase(text: str | None) -> str | None:
    """The name of the error phrase a line holds (页面不存在, 已撤稿, 404 ...), or None."""
    line = (text or "").strip()
    if not line or len(line) > ZONE_LINE_CHARS:
        return None
    if ERROR_TITLES.match(line):
        return "error title"
    return next((name for name, pattern in ERROR_PHRASES if pattern.search(line)), None)


def is_error_message(text: str | None) -> bool:
    """A line that is an error message and nothing more (页面不存在, 该文章已被删除, 抱歉，您访问的页面不存在！)."""
    line = (text or "").strip()
    if not error_phrase(line):
        return False
    leftover = MESSAGE_WORDS.sub("", line)
    return len(re.sub(r"[\W_]", "", leftover)) <= MESSAGE_LEFTOVER


def first_line(text: str | None) -> str:
    return next((line for line in (text or "").splitlines() if line.strip()), "")


def headline_zone(item: Any) -> list[str]:
    """The title, and the first lines of the body when the body is short (an error page's message lines)."""
    zone = [item.title or ""]
    if chars(item.body) <= SHORT_BODY_CHARS:
        zone += [line for line in (item.body or "").splitlines() if line.strip()][:HEADLINE_ZONE_LINES]
    return zone


def gone_reason(item: Any) -> str | None:
    """Why an extracted page is a CMS's "gone" page and not an article (a short reason), or None.

    `item` is an Article (title, body, source, published_at, images are read).
    """
    body_chars = chars(item.body)
    no_time, no_source = item.published_at is None, not (item.source or "").strip()
    # A headline (or an opening line) that is an error message and nothing more: whatever else the extractor
    # found on the page (a time and a "source" from the list of other stories, that list as the body).
    for where, line in (("headline", item.title), ("first line", first_line(item.body))):
        if is_error_message(line):
            return f"error page (the {where} is an error message: {line.strip()[:40]!r})"
    found = next(((line, name) for line in headline_zone(item) if (name := error_phrase(line))), None)
    if found:
        line, name = found
        quoted = line.strip()[:40]
        if no_time and no_source:
            return f"error page ({name}: {quoted!r}), no time or source"
        if body_chars <= SHORT_BODY_CHARS and (no_time or no_source):
            missing = "time" if no_time else "source"
            return f"error page ({name}: {quoted!r}), no {missing}, {body_chars}-character body"
        return None
    if no_time and no_source and body_chars <= TINY_BODY_CHARS and not item.images:
        return f"no time, no source and a {body_chars}-character body"
    return None
