"""Faults the mirror can inject: which paths get which, and the page rewrites some of them need.

A path's fault is a pure function of (seed, kind, path), so every request to one server gets the same answer.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, fields

from newscrawl.yybnet import PORTAL_NAME

from .render import channel_href, city_nav, e, head

# Spec keys of `parse_faults` -> Faults field; `5xx` is not a valid identifier.
RATE_KEYS = {
    "5xx": "server_error",
    "slow": "slow",
    "truncate": "truncate",
    "charset": "charset",
    "redirect": "redirect",
    "loop": "loop",
    "huge": "huge",
    "malformed": "malformed",
    "soft404": "soft404",
    "soft404_removed": "soft404_removed",
}
VALUE_KEYS = ("robots", "slow_seconds", "huge_bytes")
# A path gets the first kind (in this order) whose hash falls under its rate; robots is decided by prefix first.
KIND_ORDER = ("5xx", "loop", "redirect", "truncate", "slow", "huge", "malformed", "charset", "soft404")
LIST_KINDS = ("5xx", "slow")  # list pages after the first can fail or stall too
ARTICLE_KINDS = KIND_ORDER
SOFT404_REMOVED = "soft404_removed"  # not a live page's kind: which removed articles answer 200 with an error page


@dataclass
class Faults:
    """Per-kind rates in [0, 1] (the share of article pages that get the fault) and fault parameters."""

    server_error: float = 0.0  # spec key `5xx`
    slow: float = 0.0
    truncate: float = 0.0
    charset: float = 0.0
    redirect: float = 0.0
    loop: float = 0.0
    huge: float = 0.0
    malformed: float = 0.0
    soft404: float = 0.0  # the page answers 200 with the CMS's "gone" page (navigation, apology, 热点阅读)
    soft404_removed: float = 0.0  # share of removed articles (`--day`) that answer that page instead of 404
    robots: tuple[str, ...] = ()  # path prefixes /robots.txt disallows
    slow_seconds: float = 5.0
    huge_bytes: int = 20 * 1024 * 1024

    def __post_init__(self) -> None:
        for key, name in RATE_KEYS.items():
            rate = getattr(self, name)
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"fault rate {key}={rate} is not in [0, 1]")
        self.robots = tuple(self.robots)
        for prefix in self.robots:
            if not prefix.startswith("/"):
                raise ValueError(f"robots prefix {prefix!r} must start with /")
        if self.slow_seconds < 0 or self.huge_bytes < 0:
            raise ValueError("slow_seconds and huge_bytes must be >= 0")

    def rate(self, kind: str) -> float:
        return getattr(self, RATE_KEYS[kind])

    def spec(self) -> str:
        """The `parse_faults` string of these faults (non-default values only)."""
        parts = [f"{key}={self.rate(key):g}" for key in RATE_KEYS if self.rate(key)]
        parts += [f"robots={p}" for p in self.robots]
        defaults = {f.name: f.default for f in fields(self)}
        parts += [f"{k}={getattr(self, k)}" for k in VALUE_KEYS[1:] if getattr(self, k) != defaults[k]]
        return ",".join(parts)


def parse_faults(spec: str) -> Faults:
    """`"5xx=0.1,slow=0.05,robots=/weifang/qingzhou/"` -> Faults; `robots` may repeat; unknown keys raise."""
    values: dict[str, object] = {}
    robots: list[str] = []
    valid = ", ".join([*RATE_KEYS, *VALUE_KEYS])
    for part in filter(None, (p.strip() for p in spec.split(","))):
        key, sep, value = (s.strip() for s in part.partition("="))
        if not sep or not value:
            raise ValueError(f"bad fault {part!r}: expected KEY=VALUE; valid keys: {valid}")
        try:
            if key in RATE_KEYS:
                values[RATE_KEYS[key]] = float(value)
            elif key == "robots":
                robots.append(value)
            elif key == "slow_seconds":
                values[key] = float(value)
            elif key == "huge_bytes":
                values[key] = int(value)
            else:
                raise ValueError(f"unknown fault {key!r}; valid keys: {valid}")
        except ValueError as error:
            if "valid keys" in str(error):
                raise
            raise ValueError(f"bad value in fault {part!r}: {error}") from None
    return Faults(**values, robots=tuple(robots))  # type: ignore[arg-type]


def fault_score(seed: int, kind: str, path: str) -> float:
    """A stable number in [0, 1) for (seed, kind, path)."""
    digest = hashlib.sha256(f"{seed}/{kind}/{path}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def pick_fault(faults: Faults, seed: int, path: str, kinds: tuple[str, ...]) -> str | None:
    if any(path.startswith(prefix) for prefix in faults.robots):
        return "robots"
    return next((k for k in kinds if fault_score(seed, k, path) < faults.rate(k)), None)


def robots_txt(faults: Faults | None) -> bytes:
    # Disallow lines come first: first-match parsers (urllib.robotparser) would stop at `Allow: /`.
    lines = ["User-agent: *", *(f"Disallow: {p}" for p in (faults.robots if faults else ())), "Allow: /"]
    return ("\n".join(lines) + "\n").encode()


# ---- page rewrites: tags only, so the text of the page (and its order) stays the same

BODY_OPEN = re.compile(r"<body[^>]*>")


def pad_page(body: bytes, size: int) -> bytes:
    """The page with an HTML comment before its last `</body>` making it at least `size` bytes."""
    at = body.rfind(b"</body>")
    if at < 0:
        at = len(body)
    head, tail = b"<!-- ", b" -->\n"
    missing = size - len(body) - len(head) - len(tail)
    if missing <= 0:
        return body
    unit = b"mirror filler "
    filler = (unit * (missing // len(unit) + 1))[:missing]
    return body[:at] + head + filler + tail + body[at:]


def break_markup(html: str) -> str:
    """The page with broken markup around an unchanged text: a stray `</html></body>` and an unclosed
    `<div>`/`<table>` before the article, and paragraphs left without their `</p>`."""
    match = BODY_OPEN.search(html)
    if not match:
        return html
    stray = '\n</html></body>\n<div class="wrap"><table class="frame"><tr><td><div class="inner">\n'
    html = html[: match.end()] + stray + html[match.end() :]
    html = html.replace("</p>\n", "\n")  # unclosed <p> (desktop-a, mobile-new)
    if "</table>" in html:
        at = html.rfind("</table>")
        html = html[:at] + html[at + len("</table>") :]  # one `</table>` goes missing (desktop-b)
    return html


# ---- soft 404: the page a CMS answers, with status 200, for an article it no longer shows

# Apology lines and explanations of Chinese news CMSs; a page gets one of each, fixed per (seed, path).
SOFT404_APOLOGIES = (
    "抱歉，您访问的页面不存在或已被删除！",
    "对不起，该稿件已撤稿或已过期。",
    "您要查看的文章不存在",
    "404 - 页面未找到",
    "该信息已被删除",
)
SOFT404_DETAILS = (
    "可能原因：稿件已过期、已撤稿，或者网址输入有误。",
    "请检查您输入的网址是否正确，或返回首页继续浏览。",
    "系统将在5秒后自动返回首页，如果没有跳转，请点击下方链接。",
)
SOFT404_TEMPLATES = ("desktop", "table", "mobile")


def is_soft404_removed(faults: Faults | None, seed: int, path: str) -> bool:
    """Whether a removed article's path answers 200 with the error page instead of 404."""
    return bool(faults and faults.soft404_removed) and fault_score(seed, SOFT404_REMOVED, path) < faults.soft404_removed  # type: ignore[union-attr]


def soft404_page(seed: int, path: str, city: str, channel: str, others: list) -> str:
    """The CMS's "gone" page for an article path: the city's navigation, an apology where the headline stands,
    a way back, and 热点阅读 / 图文看点 lists of other stories (`others`: MirrorArticle). UTF-8 markup.

    Three templates (desktop divs, nested tables with a <title> of 提示信息, a mobile page), so that a reader
    must go by the words and the missing meta line, not by one template's markup.
    """

    def pick(kind: str, options: tuple[str, ...]) -> str:
        return options[int(fault_score(seed, f"soft404-{kind}", path) * len(options))]

    template, apology, detail = pick("template", SOFT404_TEMPLATES), pick("apology", SOFT404_APOLOGIES), pick("detail", SOFT404_DETAILS)
    hot, pictures = others[: max(1, len(others) // 2)], others[max(1, len(others) // 2) :]
    back = f'<a href="/">返回首页</a> <a href="{channel_href(city, channel)}">返回频道</a>'
    if template == "table":
        out = ["<html>\n", head(f"提示信息_{PORTAL_NAME}", "utf-8"), '<body>\n<table width="980" align="center"><tr><td class="dh">']
        out.append("&nbsp;|&nbsp;".join(f'<a href="{h}">{e(t)}</a>' for h, t in city_nav(city)))
        out.append('</td></tr></table>\n<table width="980" align="center"><tr><td width="680" valign="top" class="msg">\n')
        out.append(f"<b>{e(apology)}</b><br>\n{e(detail)}<br>\n{back}\n</td>\n")
        out.append('<td width="290" valign="top"><table><tr><td class="pd" colspan="2">热点阅读</td></tr>')
        out += [f'<tr><td><a href="{o.path}">{e(o.story.title)}</a></td><td>{o.time_text}</td></tr>' for o in hot]
        out.append('</table><table><tr><td class="pd">图文看点</td></tr>')
        out += [f'<tr><td><a href="{o.path}">{e(o.story.title)}</a></td></tr>' for o in pictures]
        out.append(
            f'</table></td></tr></table>\n<table width="980" align="center"><tr><td>{PORTAL_NAME} 版权所有</td></tr></table>\n</body>\n</html>\n'
        )
        return "".join(out)
    if template == "mobile":
        viewport = '<meta name="viewport" content="width=device-width,initial-scale=1">\n'
        out = ["<!DOCTYPE html>\n<html>\n", head(PORTAL_NAME, "utf-8", viewport), "<body>\n"]
        out.append('<header class="m-head"><a class="m-logo" href="/"></a></header>\n<nav class="m-nav">')
        out += [f'<a href="{h}">{e(t)}</a>' for h, t in city_nav(city)]
        out.append('</nav>\n<div class="m-error">\n')
        out.append(f'<div class="m-error__code">404</div>\n<h2>{e(apology)}</h2>\n<p>{e(detail)}</p>\n<p>{back}</p>\n</div>\n')
        out.append('<section class="m-more"><h2>热点阅读</h2>')
        out += [f'<a class="m-item" href="{o.path}"><span>{e(o.story.title)}</span><small>{o.time_text}</small></a>' for o in others]
        out.append("</section>\n</body>\n</html>\n")
        return "".join(out)
    out = ['<!DOCTYPE html>\n<html lang="zh-CN">\n', head(f"{apology}_{PORTAL_NAME}", "utf-8")]
    out.append('<body>\n<div id="top"><a class="logo" href="/"><img src="/static/logo.png" alt=""></a>\n<ul class="citynav">')
    out += [f'<li><a href="{h}">{e(t)}</a></li>' for h, t in city_nav(city)]
    out.append('</ul></div>\n<div class="main"><div class="left"><div class="error-box">\n')
    out.append(f'<h1 class="title">{e(apology)}</h1>\n<p>{e(detail)}</p>\n<p class="back">{back}</p>\n</div></div>\n')
    out.append('<aside class="right"><div class="box"><h3>热点阅读</h3><ul>')
    out += [f'<li><a href="{o.path}">{e(o.story.title)}</a><em>{o.published:%m-%d}</em></li>' for o in hot]
    out.append('</ul></div>\n<div class="box"><h3>图文看点</h3><ul>')
    out += [f'<li><a href="{o.path}">{e(o.story.title)}</a></li>' for o in pictures]
    out.append(f'</ul></div>\n</aside></div>\n<div class="footer">Copyright &copy; {PORTAL_NAME} 版权所有</div>\n</body>\n</html>\n')
    return "".join(out)
