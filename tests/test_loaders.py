import pytest

from newscrawl.loaders import clean_source, clean_text, join_paragraphs, load_article, strip_subtitle_dashes, unique_names


@pytest.mark.parametrize(
    "raw, expected",
    [("  标题\u3000一 ", "标题 一"), ("a\xa0\u200bb", "a b"), ("   ", None), (None, None), ("一\n二", "一 二")],
)
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.parametrize("raw, expected", [("——全市300个村参与", "全市300个村参与"), ("—— 副题", "副题"), ("－－副题", "副题"), ("副题", "副题")])
def test_strip_subtitle_dashes(raw, expected):
    assert strip_subtitle_dashes(raw) == expected


@pytest.mark.parametrize("raw, expected", [("：潍坊日报", "潍坊日报"), ("潍坊日报，", "潍坊日报"), ("新华社", "新华社")])
def test_clean_source(raw, expected):
    assert clean_source(raw) == expected


def test_names_keep_page_order_once_and_paragraphs_join_with_newlines():
    assert unique_names(["张三", "李四", "张三", ""]) == ["张三", "李四"]
    assert join_paragraphs(["一", "二"]) == "一\n二"
    assert join_paragraphs([]) is None


def test_loader_normalises_each_field():
    item = load_article("http://x", title=" 标题 ", subtitle="——副题", source="：潍坊日报", body=["段一 ", "  ", "段二"], authors=["甲", "甲"])
    assert (item.title, item.subtitle, item.source, item.body, item.authors) == ("标题", "副题", "潍坊日报", "段一\n段二", ["甲"])
