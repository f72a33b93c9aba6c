"""decode_html: charsets declared only in <meta>, declared wrongly, or not at all."""

from __future__ import annotations

import pytest

from newscrawl.extract.charset import decode_html, normalize_codec

TEXT = "潍坊日报讯 记者张传亮报道：寿光蔬菜博览会今日开幕，镕基、喆、䶮等字也要对。"
GB2312_SAFE = "潍坊日报讯 记者报道：寿光蔬菜博览会今日开幕。"


def page(charset_tag: str, text: str = TEXT) -> str:
    return f"<html><head>{charset_tag}<title>标题</title></head><body><p>{text}</p></body></html>"


@pytest.mark.parametrize(
    ("tag", "codec", "expected"),
    [
        ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "gb18030", "gb18030"),
        ('<meta charset="gbk">', "gbk", "gb18030"),
        ('<meta charset="utf-8">', "utf-8", "utf-8"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">', "utf-8", "utf-8"),
    ],
)
def test_charset_only_in_meta(tag: str, codec: str, expected: str) -> None:
    text, used = decode_html(page(tag, GB2312_SAFE).encode(codec))
    assert GB2312_SAFE in text
    assert used == expected


def test_utf8_bytes_that_claim_gb2312() -> None:
    body = page('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">').encode("utf-8")
    text, used = decode_html(body)
    assert TEXT in text
    assert used == "utf-8"


def test_gbk_bytes_under_a_utf8_header() -> None:
    body = page('<meta charset="gbk">', GB2312_SAFE).encode("gbk")
    text, used = decode_html(body, "utf-8")
    assert GB2312_SAFE in text
    assert used == "gb18030"


def test_gbk_bytes_under_a_full_content_type_header_and_wrong_meta() -> None:
    body = page('<meta charset="utf-8">', GB2312_SAFE).encode("gbk")
    text, used = decode_html(body, "text/html; charset=UTF-8")
    assert GB2312_SAFE in text and "\ufffd" not in text
    assert used == "gb18030"


def test_gb2312_page_with_characters_outside_gb2312() -> None:
    """Pages that say GB2312 carry GBK/GB18030-only characters (人名 like 镕, 喆); they must survive."""
    body = page('<meta charset="gb2312">').encode("gb18030")
    text, used = decode_html(body)
    assert TEXT in text
    assert used == "gb18030"


def test_no_declaration_at_all() -> None:
    for codec in ("utf-8", "gb18030"):
        text, _ = decode_html(page("").encode(codec))
        assert TEXT in text


def test_latin1_header_means_unknown() -> None:
    body = page("", GB2312_SAFE).encode("gbk")
    text, used = decode_html(body, "iso-8859-1")
    assert GB2312_SAFE in text
    assert used == "gb18030"


def test_bom_wins_and_is_dropped() -> None:
    text, used = decode_html(b"\xef\xbb\xbf" + page('<meta charset="gbk">').encode("utf-8"))
    assert text.startswith("<html>")
    assert used == "utf-8"


def test_broken_bytes_decode_with_fewest_replacements() -> None:
    body = page('<meta charset="utf-8">', GB2312_SAFE).encode("gbk") + b"\xff\xfe\x81"
    text, used = decode_html(body)
    assert GB2312_SAFE in text
    assert used == "gb18030"


def test_ascii_and_empty() -> None:
    assert decode_html(b"") == ("", "ascii")
    assert decode_html(b"<p>hello</p>")[0] == "<p>hello</p>"


def test_rejects_text() -> None:
    with pytest.raises(TypeError):
        decode_html("<p>already text</p>")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "codec"),
    [("GB2312", "gb18030"), ("gbk", "gb18030"), ("x-gbk", "gb18030"), ("UTF8", "utf-8"), ("big5", "big5hkscs"), ("nonsense", None)],
)
def test_normalize_codec(name: str, codec: str | None) -> None:
    assert normalize_codec(name) == codec
