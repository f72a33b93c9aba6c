import sys
from datetime import UTC, datetime, timedelta

import pytest

from newscrawl import dates
from newscrawl.dates import BEIJING, FoundTime, find_times, iso, parse_time, to_utc, year_month_from_url

NOW = datetime(2017, 8, 20, 12, 0, tzinfo=BEIJING)


def test_beijing_offset():
    assert datetime(2017, 8, 13, 9, 19, tzinfo=BEIJING).isoformat() == "2017-08-13T09:19:00+08:00"


@pytest.mark.parametrize(
    ("text", "expected", "raw"),
    [
        ("来源:潍坊日报 2017-08-13 09:19   https://www.yybnet.net/", "2017-08-13T09:19:00+08:00", "2017-08-13 09:19"),
        ("来源：潍坊日报 2017-08-13 09:19", "2017-08-13T09:19:00+08:00", "2017-08-13 09:19"),
        ("淄博晚报 2014-05-06 17:22 大字", "2014-05-06T17:22:00+08:00", "2014-05-06 17:22"),
        ("2017-08-13 09:19:05", "2017-08-13T09:19:05+08:00", "2017-08-13 09:19:05"),
        ("2017/8/13 9:19", "2017-08-13T09:19:00+08:00", "2017/8/13 9:19"),
        ("2017.08.13", "2017-08-13", "2017.08.13"),
        ("2022.01.20 16:31", "2022-01-20T16:31:00+08:00", "2022.01.20 16:31"),
        ("2017年08月13日 09:19", "2017-08-13T09:19:00+08:00", "2017年08月13日 09:19"),
        ("2017年8月13日09:19", "2017-08-13T09:19:00+08:00", "2017年8月13日09:19"),
        ("2017年8月13日 星期日 09:19", "2017-08-13T09:19:00+08:00", "2017年8月13日 星期日 09:19"),
        ("2017年8月13日 周日 09:19", "2017-08-13T09:19:00+08:00", "2017年8月13日 周日 09:19"),
        ("2017年8月13日9时19分", "2017-08-13T09:19:00+08:00", "2017年8月13日9时19分"),
        ("2017-08-13 下午3:05", "2017-08-13T15:05:00+08:00", "2017-08-13 下午3:05"),
        ("2017-08-13", "2017-08-13", "2017-08-13"),
        ("2017年8月13日", "2017-08-13", "2017年8月13日"),
        ("2017-08-13T01:19:00Z", "2017-08-13T09:19:00+08:00", "2017-08-13T01:19:00Z"),
        ("2017-08-13T01:19:00+00:00", "2017-08-13T09:19:00+08:00", "2017-08-13T01:19:00+00:00"),
        ("2017-08-13T09:19:00+08:00", "2017-08-13T09:19:00+08:00", "2017-08-13T09:19:00+08:00"),
        ("2017-08-13T09:19:00.123+0800", "2017-08-13T09:19:00+08:00", "2017-08-13T09:19:00.123+0800"),
        ("2017-08-13 01:19 GMT", "2017-08-13T09:19:00+08:00", "2017-08-13 01:19 GMT"),
        ("2017-08-13 01:19 UTC", "2017-08-13T09:19:00+08:00", "2017-08-13 01:19 UTC"),
        ("2017-08-13 02:19 (GMT+1)", "2017-08-13T09:19:00+08:00", "2017-08-13 02:19 (GMT+1)"),
        ("2017-08-13 09:19 北京时间", "2017-08-13T09:19:00+08:00", "2017-08-13 09:19 北京时间"),
        ("2012年12月10日, 格林尼治标准时间10:41", "2012-12-10T18:41:00+08:00", "2012年12月10日, 格林尼治标准时间10:41"),
        ("2017-12-31 20:00 UTC", "2018-01-01T04:00:00+08:00", "2017-12-31 20:00 UTC"),
        # year-less: the year that keeps the date out of the future
        ("08-13 09:19", "2017-08-13T09:19:00+08:00", "08-13 09:19"),
        ("8月13日 09:19", "2017-08-13T09:19:00+08:00", "8月13日 09:19"),
        ("12月30日 09:19", "2016-12-30T09:19:00+08:00", "12月30日 09:19"),
        ("1月6日 星期六", "2017-01-06", "1月6日"),
        # relative to NOW
        ("3小时前", "2017-08-20T09:00:00+08:00", "3小时前"),
        ("15分钟前", "2017-08-20T11:45:00+08:00", "15分钟前"),
        ("半小时前", "2017-08-20T11:30:00+08:00", "半小时前"),
        ("2天前", "2017-08-18", "2天前"),
        ("刚刚", "2017-08-20T12:00:00+08:00", "刚刚"),
        ("昨天 10:20", "2017-08-19T10:20:00+08:00", "昨天 10:20"),
        ("前天 08:00", "2017-08-18T08:00:00+08:00", "前天 08:00"),
        ("今天 09:15", "2017-08-20T09:15:00+08:00", "今天 09:15"),
        # full width: value normalised, raw as written
        ("２０１７－０８－１３\u3000０９：１９", "2017-08-13T09:19:00+08:00", "２０１７－０８－１３\u3000０９：１９"),
        ("2017年9月3日总第300期", "2017-09-03", "2017年9月3日"),
        ("新华社北京8月13日电(记者 张三)", "2017-08-13", "8月13日"),
    ],
)
def test_parse_time(text, expected, raw):
    found = parse_time(text, now=NOW)
    assert found is not None
    assert iso(found) == expected
    assert found.raw == raw
    assert text[found.start : found.end] == raw
    assert found.value.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(
    ("text", "year_hint", "expected"),
    [
        ("08-13 09:19", 2015, "2015-08-13T09:19:00+08:00"),
        ("12月30日 09:19", 2017, "2017-12-30T09:19:00+08:00"),
        ("2月29日", 2016, "2016-02-29"),
        ("2014-05-06 17:22", 2011, "2014-05-06T17:22:00+08:00"),  # an explicit year wins over the hint
    ],
)
def test_year_hint(text, year_hint, expected):
    assert iso(parse_time(text, now=NOW, year_hint=year_hint)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2017-13-01",
        "2017-02-30",
        "2017年13月1日",
        "1989-08-13",
        "2101-01-01",
        "1234567",
        "12345678",
        "20170813",
        "电话0432-62099222",
        "联系电话：0478-8655532",
        "公安机关备案号：15081599004-00001",
        "2014-2015年",
        "1999-2000年的纳斯达克",
        "昨(23)日",
        "今天天气很好",
        "昨天下午",
        "比分3-2",
        "13月45日",
        "版本1.2017.08.13",
    ],
)
def test_no_time_found(text):
    assert find_times(text, now=NOW) == []


def test_impossible_time_keeps_only_the_date():
    (found,) = find_times("2017-08-13 25:00", now=NOW)
    assert (found.has_time, found.raw, iso(found)) == (False, "2017-08-13", "2017-08-13")


def test_find_times_in_order_with_spans():
    text = "来源:潍坊日报 2017-08-13 09:19 正文2017年9月3日总第300期,相关:08-12 10:00;3小时前"
    found = find_times(text, now=NOW)
    assert [f.raw for f in found] == ["2017-08-13 09:19", "2017年9月3日", "08-12 10:00", "3小时前"]
    assert [f.has_time for f in found] == [True, False, True, True]
    assert all(text[f.start : f.end] == f.raw for f in found)


def test_date_next_to_a_long_id_is_still_found():
    assert [f.raw for f in find_times("id 12345678 2017-08-13", now=NOW)] == ["2017-08-13"]


def test_naive_now_is_beijing():
    found = parse_time("3小时前", now=datetime(2017, 8, 20, 12, 0))
    assert found.value == datetime(2017, 8, 20, 9, 0, tzinfo=BEIJING)


def test_now_in_other_zone_is_converted():
    found = parse_time("今天 09:15", now=datetime(2017, 8, 19, 20, 0, tzinfo=UTC))
    assert iso(found) == "2017-08-20T09:15:00+08:00"


def test_find_times_never_uses_dateparser(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("dateparser called")

    monkeypatch.setitem(sys.modules, "dateparser", None)  # any import now fails
    monkeypatch.setattr(dates, "_dateparser_fallback", boom)
    found = find_times("2017年8月13日 09:19 来源:潍坊日报 3小时前 08-13 10:00 刚刚 无日期", now=NOW)
    assert len(found) == 4
    assert parse_time("2017-08-13 09:19", now=NOW) is not None


def test_parse_time_falls_back_to_dateparser():
    found = parse_time("August 13, 2017 10:00", now=NOW)
    assert found is not None
    assert iso(found) == "2017-08-13T10:00:00+08:00"


@pytest.mark.parametrize("text", ["", "无日期", "正文没有时间"])
def test_parse_time_none(text):
    assert parse_time(text, now=NOW) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.yybnet.net/weifang/news/201708/1234567.html", (2017, 8)),
        ("http://m.yybnet.net/zibo/news/201405/12345678.html", (2014, 5)),
        ("http://www.xinhuanet.com/local/2020-02/19/c_1125597921.htm", (2020, 2)),
        ("http://business.sohu.com/20050311/n224643115.shtml", (2005, 3)),
        ("http://politics.people.com.cn/n1/2024/0424/c1001-40223222.html", (2024, 4)),
        ("http://auto.qianlong.com/36/2005/07/18/1680@2723871.htm", (2005, 7)),
        ("https://www.nmg.gov.cn/zwyw/jrgz/202202/t20220211_2004628.html", (2022, 2)),
        ("https://www.gov.cn/xinwen/t20170813_123.htm", (2017, 8)),
        ("http://www.chinanews.com/c/2017-08-13/123.shtml", (2017, 8)),
        ("http://www.bbc.co.uk/zhongwen/simp/chinese_news/2012/12/121210_hongkong_politics.shtml", (2012, 12)),
        ("https://www.yybnet.net/weifang/news/12345678.html", None),
        ("http://biz.163.com/50114/7/1A2RNJP100020QFA.html", None),
        ("https://www.yybnet.net/weifang/news/201713/1234567.html", None),
        ("https://www.yybnet.net/weifang/shouguang/", None),
    ],
)
def test_year_month_from_url(url, expected):
    assert year_month_from_url(url) == expected


def test_to_utc_and_iso():
    value = datetime(2017, 8, 13, 9, 19, tzinfo=BEIJING)
    assert to_utc(value) == datetime(2017, 8, 13, 1, 19, tzinfo=UTC)
    assert to_utc(value).tzinfo == UTC
    assert to_utc(datetime(2017, 8, 13, 9, 19)) == to_utc(value)
    assert iso(to_utc(value)) == "2017-08-13T09:19:00+08:00"
    assert iso(FoundTime(value, "2017-08-13", False)) == "2017-08-13"


# --- a time written right after a publication label ---


@pytest.mark.parametrize(
    ("text", "bare", "expected"),
    [
        ("发布日期：2019-03-06 责任编辑：龙慧", False, "2019-03-06T00:00:00+08:00"),
        ("发布时间: 2019-03-06 10:20", False, "2019-03-06T10:20:00+08:00"),
        ("发表于 2019-09-23 14:34", False, "2019-09-23T14:34:00+08:00"),
        ("发稿时间：2019年9月23日14:34", False, "2019-09-23T14:34:00+08:00"),
        ("版权声明 来源：当代商报 时间：2019-09-23 14:34:05 作者：", True, "2019-09-23T14:34:05+08:00"),
        ("来源：某报 日期：2019-09-23", True, "2019-09-23T00:00:00+08:00"),
        # no publication label right before the time
        ("版权声明 来源：当代商报 时间：2019-09-23 14:34:05 作者：", False, None),
        ("更新时间：2019-01-01 10:00", True, None),
        ("活动时间：2019年3月6日", True, None),
        ("2019年2月27日下午，佛山顺德区一行到众创金融街调研", True, None),
        ("发布时间：见下文 2019-03-06", True, None),
    ],
)
def test_labelled_time(text, bare, expected):
    found = dates.labelled_time(text, bare=bare, now=NOW)
    assert (found.value.isoformat() if found else None) == expected


# --- a year-less date glued to its time (`发布时间：09-3022:46`) ---


@pytest.mark.parametrize(
    ("text", "expected", "raw"),
    [
        ("发布时间：09-3022:46", "2016-09-30T22:46:00+08:00", "09-3022:46"),
        ("发布时间：08-1312:00优质原创作者", "2017-08-13T12:00:00+08:00", "08-1312:00"),
        ("01-1417:58:59", "2017-01-14T17:58:59+08:00", "01-1417:58:59"),
    ],
)
def test_month_day_glued_to_the_time(text, expected, raw):
    (found,) = find_times(text, now=NOW)
    assert (iso(found), found.raw, found.yearless) == (expected, raw, True)


@pytest.mark.parametrize(
    "text",
    [
        "13-0112:00",  # no month 13
        "09-3224:00",  # no day 32
        "电话0532-1012:00",  # a phone number's tail
        "编号1009-3022:46",  # digits before: an id
        "09-3022:461",  # a longer digit run after
        "09-30223:46",  # the split is not HH:MM
    ],
)
def test_month_day_glued_to_the_time_negatives(text):
    assert find_times(text, now=NOW) == []


def test_yearless_flag():
    assert [f.yearless for f in find_times("2017-08-13 09:19 8月13日 08-13 09:19 昨天 10:20", now=NOW)] == [
        False,
        True,
        True,
        False,
    ]


# --- the head scan: find_times tries a date head only where one can begin (dates._HEAD_START) --------------


def _heads_by_search(text: str) -> list[tuple[int, int]]:
    """Where `_HEAD_RE.search` finds heads, left to right from the end of the last: what find_times read
    before it scanned only the places a head can begin."""
    norm = dates.nfkc_same_length(text)
    spans, pos = [], 0
    while (head := dates._HEAD_RE.search(norm, pos)) is not None:
        spans.append(head.span())
        pos = head.end()
    return spans


def _heads_by_scan(text: str) -> list[tuple[int, int]]:
    norm = dates.nfkc_same_length(text)
    spans, pos = [], 0
    for start in dates._HEAD_START.finditer(norm):
        if start.start() >= pos and (head := dates._HEAD_RE.match(norm, start.start())) is not None:
            spans.append(head.span())
            pos = head.end()
    return spans


HEAD_CASES = [
    "2017-08-13 09:19",
    "12017-08-13 第3版 2017年8月13日",
    "１２月３日 ２０１７年８月１３日",  # full-width digits
    "三天前 3天前 半小时前 一周前 两个星期前 刚刚 今天 10:20 昨日 前天",
    "比分 3-1，08-13 14:20 与 8/13、1.5 2019.3.6",
    "0212-08-1314:20 ２０１７-08-13T09:19:05+08:00",
    "第一 一一 前前 今今 刚 半",
    "٣٤ 2017-08-13 ١٢-٠٣ 09:19",  # other scripts' digits are \d as well
    "",
]


@pytest.mark.parametrize("text", HEAD_CASES)
def test_head_scan_finds_what_search_finds(text):
    assert _heads_by_scan(text) == _heads_by_search(text)


def test_head_scan_finds_what_search_finds_on_real_pages():
    from pathlib import Path

    from newscrawl.extract.lines import parse_html, read_lines

    pages = sorted(Path(__file__).parent.joinpath("fixtures").rglob("*.html"))[:60]
    assert pages, "no golden fixture pages to read"
    checked = 0
    for page in pages:
        root = parse_html(page.read_text(encoding="utf-8", errors="replace"))
        for line in read_lines(root) if root is not None else []:
            assert _heads_by_scan(line.text) == _heads_by_search(line.text), line.text
            checked += 1
    assert checked > 1000


def test_nfkc_same_length_skips_only_normalised_text():
    for text in ["潍坊日报 2017年", "ＡＢＣ１２３：", "Ⅻ㈱①", "\u2f00\uf900 兀", "e\u0301", "ǅ", ""]:
        assert dates.nfkc_same_length(text) == text.translate(dates._ONE_CHAR_NFKC)
        assert len(dates.nfkc_same_length(text)) == len(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-03 10:20 GMT+99", "2024-05-03T10:20:00+08:00"),  # no zone anyone reads: the time as written
        ("2024-05-03 10:20 UTC-24", "2024-05-03T10:20:00+08:00"),
        ("2024-05-03 10:20+2500", "2024-05-03T10:20:00+08:00"),
        ("2024-05-03 10:20 +9999", "2024-05-03T10:20:00+08:00"),
        ("2024-05-03 10:20 GMT+23", "2024-05-02T19:20:00+08:00"),  # the widest real offsets still convert
        ("2024-05-03 10:20-2359", "2024-05-04T18:19:00+08:00"),
    ],
)
def test_an_impossible_offset_is_not_read(text, expected):
    assert iso(find_times(text, now=NOW)[0].value) == expected


def test_a_page_with_an_impossible_offset_is_extracted():
    from newscrawl.extract.generic import extract

    html = "<html><body><h1>新闻标题在这里</h1><p>发布时间：2024-05-03 10:20 GMT+99</p><p>正文第一段，内容很长很长很长很长。</p></body></html>"
    assert extract(html).published_at.isoformat() == "2024-05-03T10:20:00+08:00"
