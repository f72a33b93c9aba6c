"""Property tests: broken, truncated, empty or huge HTML gives an Article (or a clear error), quickly."""

from __future__ import annotations

import time
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscrawl.dates import BEIJING
from newscrawl.extract.charset import decode_html
from newscrawl.extract.generic import extract
from newscrawl.items import Article

NOW = datetime(2025, 1, 10, 12, 0, tzinfo=BEIJING)
# A hang guard (catastrophic backtracking, a quadratic walk), not a speed goal, so loose enough that a
# loaded machine never trips it. Speed is measured by `newscrawl bench extract`, never asserted in a test.
MAX_SECONDS = 20.0

FRAGMENTS = [
    "<html>",
    "</html>",
    "<body>",
    "</body>",
    "<head>",
    "<title>",
    "</title>",
    "<div>",
    "</div>",
    "<p>",
    "</p>",
    "<br>",
    "<h1>",
    "</h1>",
    "<a href='/x'>",
    "</a>",
    "<table><tr><td>",
    "</td></tr></table>",
    "<script>",
    "</script>",
    "<style>",
    "<!--",
    "-->",
    "<![CDATA[",
    "<?xml version='1.0' encoding='utf-8'?>",
    "<meta charset='gbk'>",
    "<strong>",
    "</strong>",
    "<img src='a.jpg' alt='图'>",
    "<li>",
    "<ul>",
    "&nbsp;",
    "&#x4e2d;",
    "&bogus;",
    "来源：",
    "潍坊日报",
    "2017-08-13 09:19",
    "08-13 09:19",
    "记者张传亮",
    "责任编辑：王锋",
    "相关新闻",
    "新闻推荐",
    "——副题",
    "本报讯(记者孙文昭薛萍)",
    "。",
    "，",
    "寿光蔬菜博览会开幕",
    "\x00",
    "\ufffd",
    "\u3000",
    "\n",
    " ",
    "<",
    ">",
    '"',
    "'",
    "=",
]

html_soup = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=30), max_size=200).map("".join)


def check(html: str) -> None:
    started = time.perf_counter()
    try:
        article = extract(html, "https://www.yybnet.net/weifang/news/201708/1234567.html", now=NOW)
    except ValueError:
        return  # allowed: a clear error for input that is not a page
    elapsed = time.perf_counter() - started
    assert isinstance(article, Article)
    assert elapsed < MAX_SECONDS, f"extract took {elapsed:.2f}s"
    if article.published_at is not None:
        assert article.published_at.tzinfo is not None
    article.to_json()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_soup)
def test_fragment_soup(html: str) -> None:
    check(html)


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=500))
def test_any_text(html: str) -> None:
    check(html)


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_decode_then_extract(body: bytes) -> None:
    text, codec = decode_html(body)
    assert isinstance(text, str) and codec
    check(text)


PAGE = (
    "<html><head><title>寿光蔬菜博览会开幕_地方网</title></head><body><h1>寿光蔬菜博览会开幕</h1>"
    "<div>来源:潍坊日报 2017-08-13 09:19</div><div>"
    + "<p>记者从市有关部门获悉，今年以来全市上下坚持稳中求进工作总基调，各项工作取得明显成效。</p>" * 5
    + "</div><div>相关新闻:</div></body></html>"
)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=len(PAGE)))
def test_truncated_page(cut: int) -> None:
    check(PAGE[:cut])


def test_empty_inputs() -> None:
    for html in ("", " ", "\n\t", "<html></html>", "<!-- only a comment -->", "<?xml version='1.0'?>"):
        check(html)


def test_huge_page_stays_fast() -> None:
    paragraphs = "".join(f"<p>第{i}段：今年以来全市上下坚持稳中求进工作总基调，各项工作取得明显成效。</p>" for i in range(4000))
    side = "".join(f"<li><a href='/n/{i}.html'>热点新闻第{i}条</a> 2024-12-20 18:30</li>" for i in range(3000))
    html = PAGE.replace("</body>", f"<ul>{side}</ul><div>{paragraphs}</div></body>")
    assert len(html.encode("utf-8")) > 600_000
    check(html)


def test_deeply_nested_page() -> None:
    check("<div>" * 5000 + "记者从市有关部门获悉，今年以来全市上下坚持稳中求进。" + "</div>" * 5000)
