"""Soft 404s and suspect versions: a page that answers 200 but says the article is gone is never an article.

On a first fetch it is an extraction failure "soft 404: <why>"; on a revisit a removal with the text untouched.
A new text that keeps under a fifth of the previous one and lost its time and source is held as suspect until
a later fetch confirms it. Detector tables (newscrawl.gone), the pipelines, storage on SQLite and PostgreSQL,
and the real spider against the mirror serving CMS error pages.
"""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from scrapy.utils.test import get_crawler
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import REPO, run_crawl
from newscrawl import db
from newscrawl.archive import Archive
from newscrawl.extract_pool import YYBNET, extract_article
from newscrawl.gone import error_phrase, gone_reason
from newscrawl.items import Article, Gone, PageFailure
from newscrawl.migrate import upgrade
from newscrawl.mirror.faults import Faults, is_soft404_removed, parse_faults, soft404_page
from newscrawl.mirror.server import MirrorServer
from newscrawl.mirror.site import MirrorResponse, MirrorSite
from newscrawl.pipelines.dedup import SAME_TEXT_KEYS, DedupPipeline, content_fingerprint
from newscrawl.pipelines.validate import ValidatePipeline
from newscrawl.spiders.yybnet import YybnetSpider
from newscrawl.yybnet import parse_article_url

BEIJING = timezone(timedelta(hours=8))
WHEN = datetime(2017, 8, 13, 9, 19, tzinfo=BEIJING)
LONG_BODY = (
    "8月12日，寿光市文家街道桑家营子村的大棚里，菜农正在采摘今年的第一茬西红柿。\n"
    "今年村里新建冬暖式大棚120个，全部采用水肥一体化设备，亩均节水三成以上。\n"
    "村党支部书记介绍，全村蔬菜种植面积已经达到3000亩，年产值超过1.2亿元，户均增收4万元。\n"
    "下一步，村里将联合合作社打造西红柿品牌，通过电商平台把蔬菜卖到全国各地。\n"
    "据了解，寿光市今年新改建大棚超过1.5万个，新型大棚占比提高到六成，物联网设备覆盖率达到四成。\n"
    "市农业农村局负责人表示，将继续推进蔬菜产业标准化生产，让更多农民在家门口增收致富。"
)


def page(title: str, body: str, source: str | None = None, published_at: datetime | None = None, images: int = 0) -> SimpleNamespace:
    return SimpleNamespace(title=title, body=body, source=source, published_at=published_at, images=[object()] * images)


# ---- the detector -----------------------------------------------------------------------------------------

GONE_PAGES = [
    pytest.param(page("抱歉，您访问的页面不存在或已被删除！", "可能原因：稿件已过期、已撤稿，或者网址输入有误。"), id="apology headline"),
    pytest.param(page("对不起，该稿件已撤稿", "返回首页 返回频道"), id="withdrawn"),
    pytest.param(page("稿件已过期", "请返回首页继续浏览。"), id="expired"),
    pytest.param(page("提示信息", "404 - 页面未找到\n可能原因：稿件已过期、已撤稿，或者网址输入有误。"), id="error template title"),
    pytest.param(page("潍坊新闻", "您要查看的文章不存在\n系统将在5秒后自动返回首页。"), id="apology in the first body line"),
    pytest.param(page("404 Not Found", "The requested URL was not found on this server."), id="server 404 page"),
    pytest.param(page("该信息已被删除", "热点阅读 寿光菜博会开幕", published_at=WHEN), id="time from a side list, no source"),
    pytest.param(page("页面找不到了", "您可以返回首页", source="潍坊日报"), id="source but no time"),
    pytest.param(page("地方网", "内容加载中"), id="a few characters, no time, no source"),
    pytest.param(page("该文章已被删除", LONG_BODY, "学生280余人参加绵阳防汛应急演练", WHEN), id="error headline, side list read as the page"),
    pytest.param(page("地方网", "您访问的页面不存在\n" + LONG_BODY, "潍坊日报", WHEN), id="error first line, side list read as the body"),
]

ARTICLES = [
    pytest.param(page("男子辱骂民警的微信文章已被删除 警方已介入调查", LONG_BODY, "潍坊日报", WHEN), id="story about a deleted post"),
    pytest.param(page("市民反映网页显示404 政务平台连夜修复", LONG_BODY.replace("西红柿", "404页面"), "潍坊晚报", WHEN), id="body quotes 404"),
    pytest.param(
        page("走失老人已找到 寻人信息已删除", "昨日本报刊发的寻人启事，当事人已经找到，该信息已删除，感谢热心读者。", "潍坊晚报", WHEN),
        id="short brief with meta",
    ),
    pytest.param(page("该文章已被删除？平台回应：系误操作，已恢复", LONG_BODY, None, WHEN), id="headline that says more, no source"),
    pytest.param(page("页面不存在？12306回应", LONG_BODY, None, WHEN), id="short headline that says more"),
    pytest.param(page("网传“某小区封控”信息系谣言 原帖已删除", LONG_BODY, None, WHEN), id="no source, long body"),
    pytest.param(page("寿光菜博会开幕", "第十八届菜博会今天开幕，展期一个月，共有展商1200家。", None, WHEN), id="short brief, time only"),
    pytest.param(page("图片新闻", "寿光：大棚西红柿喜获丰收", images=2), id="photo with a caption"),
    pytest.param(page("G404国道改造工程开工", LONG_BODY, "淄博晚报", WHEN), id="route number 404"),
    pytest.param(page("抱歉，这个冬天不能回家过年了", LONG_BODY, "潍坊日报", WHEN), id="apology in a real headline"),
]


@pytest.mark.parametrize("item", GONE_PAGES)
def test_error_pages_are_gone(item):
    assert gone_reason(item)


@pytest.mark.parametrize("item", ARTICLES)
def test_articles_that_mention_removal_are_not_gone(item):
    assert gone_reason(item) is None


def test_phrases_outside_the_headline_zone_do_not_count():
    assert error_phrase("抱歉，您访问的页面不存在") and error_phrase("该稿件已撤稿")
    assert error_phrase("昨天下午，记者在现场看到，原帖已被网站删除，相关页面也无法打开。" * 2) is None  # a paragraph
    body = "第一段正文。\n" * 40 + "您访问的页面不存在"
    assert gone_reason(page("寿光菜博会开幕", body)) is None  # deep in a long body: quoted, not the page's message


def test_no_real_page_is_taken_for_gone():
    """The labelled real pages and the extractor fixtures, read as a crawl reads them, are all articles."""
    pages = []
    for folder in sorted((REPO / "tests" / "fixtures").iterdir()):
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        url = meta.get("url") or "https://example.com/news/1.html"
        pages.append(("yybnet" if "yybnet" in url else "generic", url, (folder / "page.html").read_bytes(), meta.get("content_type")))
    real = REPO.parent / "shared" / "eval" / "real"
    if (real / "labels.jsonl").exists():
        for line in (real / "labels.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            pages.append(("generic", row.get("url") or "https://example.com/news/1.html", (real / row["path"]).read_bytes(), None))
    assert len(pages) > 40
    taken = []
    for kind, url, body, content_type in pages:
        item = extract_article(kind, url, body, content_type, None)
        if isinstance(item, Article) and item.title and item.body and gone_reason(item):
            taken.append((url, item.title, gone_reason(item)))
    assert taken == []


# ---- the mirror's error pages ------------------------------------------------------------------------------


def test_every_mirror_error_page_reads_as_gone():
    site = MirrorSite(articles=60, seed=3)
    templates = set()
    for article in site.articles:
        html = soft404_page(site.seed, article.path, article.city, article.channel, site.articles[:8])
        assert "热点阅读" in html and "新闻</a>" in html  # the site's navigation and a list of other stories
        item = extract_article(YYBNET, "http://127.0.0.1:8000" + article.path, html.encode(), "text/html; charset=utf-8", None)
        assert isinstance(item, Article) and item.title and item.body, "the extractor reads it as an article: the bug"
        assert gone_reason(item), (item.title, item.body)
        templates.add(("提示信息" in html, "m-error" in html))
    assert len(templates) == 3


def test_soft404_fault_keys():
    faults = parse_faults("soft404=0.2,soft404_removed=1")
    assert (faults.soft404, faults.soft404_removed) == (0.2, 1.0)
    assert parse_faults(faults.spec()) == faults
    assert is_soft404_removed(faults, 1, "/weifang/news/201708/1000001.html")
    assert not is_soft404_removed(Faults(), 1, "/weifang/news/201708/1000001.html")
    site = MirrorSite(articles=60, seed=5, faults=parse_faults("soft404=0.2"))
    assert "soft404" in set(site.fault_map().values())
    with pytest.raises(ValueError):
        parse_faults("soft404=2")


# ---- the pipelines -----------------------------------------------------------------------------------------


def make_article(key_id: str, body: str = LONG_BODY, channel: str = "news", **fields) -> Article:
    url = f"https://www.yybnet.net/weifang/{channel}/201708/{key_id}.html"
    values = {
        "title": f"寿光大棚西红柿丰收{key_id}", "source": "潍坊日报", "published_at": WHEN, "published_at_raw": "2017-08-13 09:19",
        "crawled_at": datetime.now(UTC), **fields,
    }  # fmt: skip
    values.setdefault("content_hash", content_fingerprint(body))
    return Article(url=url, canonical_url=url, article_key=f"weifang/{channel}/{key_id}", city="weifang", channel="潍坊新闻", body=body, **values)


def pipelines():
    crawler = get_crawler(YybnetSpider)
    return ValidatePipeline.from_crawler(crawler), DedupPipeline.from_crawler(crawler)


def through(validate: ValidatePipeline, dedup: DedupPipeline, item):
    item = validate.process_item(item)
    return dedup.process_item(item)


def test_validate_makes_an_error_page_a_gone_item_and_keeps_articles():
    validate, dedup = pipelines()
    gone = through(
        validate, dedup, make_article("1000001", "可能原因：稿件已过期。", title="抱歉，您访问的页面不存在！", source=None, published_at=None)
    )
    assert isinstance(gone, Gone) and gone.reason.startswith("soft 404: ") and gone.article_key == "weifang/news/1000001"
    assert gone.http_status == 200 and not gone.earlier
    kept = through(validate, dedup, make_article("1000002", title="男子辱骂民警的微信文章已被删除"))
    assert isinstance(kept, Article)
    assert isinstance(validate.process_item(make_article("1000003", body="")), PageFailure)


def test_the_same_short_text_under_many_keys_is_a_soft_404_from_the_third():
    validate, dedup = pipelines()
    text = "本栏目稿件正在整理中，敬请期待。"  # no error words at all
    items = [make_article(str(1000010 + n), text, title="地方网", published_at=None, source="地方网") for n in range(4)]
    out = [through(validate, dedup, item) for item in items]
    assert [type(o).__name__ for o in out] == ["Article", "Article", "Gone", "Gone"]
    assert out[2].earlier == [items[0].article_key, items[1].article_key] and out[3].earlier == []
    assert f"under {SAME_TEXT_KEYS} pages" in out[2].reason
    # A story reprinted in many channels keeps its time: never taken for this.
    reprints = [make_article("1000100", "寿光菜博会开幕，展期一个月。", channel=ch) for ch in ("news", "shouguang", "qingzhou", "anqiu")]
    assert all(isinstance(through(validate, dedup, item), Article) for item in reprints)


# ---- storage -----------------------------------------------------------------------------------------------


def open_archive(url: str) -> Archive:
    upgrade(url)
    return Archive(db.make_engine(url))


def one(url: str, model, **where):
    engine = db.make_engine(url)
    try:
        with Session(engine) as session:
            rows = list(session.scalars(select(model).filter_by(**where)))
            session.expunge_all()
            return rows
    finally:
        engine.dispose()


def new_run(url: str) -> int:
    engine = db.make_engine(url)
    try:
        with Session(engine) as session, session.begin():
            run = db.CrawlRun(spider="yybnet", started_at=db.utcnow(), status="running")
            session.add(run)
            session.flush()
            return run.id
    finally:
        engine.dispose()


def gone_item(key_id: str, why: str = "error page", **fields) -> Gone:
    url = f"https://www.yybnet.net/weifang/news/201708/{key_id}.html"
    return Gone(url=url, article_key=f"weifang/news/{key_id}", reason=f"soft 404: {why}", **fields)


def test_a_soft_404_on_a_first_fetch_is_an_extraction_failure(database_url):
    archive = open_archive(database_url)
    counts = archive.write([gone_item("1000001")], None)
    assert (counts["page_failures"], counts["soft_404"], counts["articles_new"]) == (1, 1, 0)
    [failure] = one(database_url, db.ExtractionFailure)
    assert failure.article_key == "weifang/news/1000001" and failure.reason == "soft 404: error page"
    assert one(database_url, db.Article) == []
    archive.engine.dispose()


def test_a_soft_404_on_a_revisit_is_a_removal_and_the_text_stays(database_url):
    archive = open_archive(database_url)
    archive.write([make_article("1000001")], None)
    counts = archive.write([gone_item("1000001")], None)
    assert (counts["removed"], counts["soft_404"], counts["page_failures"]) == (1, 1, 0)
    [row] = one(database_url, db.Article)
    assert row.removed_at is not None and row.body == LONG_BODY and row.version == 1
    assert len(one(database_url, db.ArticleVersion)) == 1 and one(database_url, db.ExtractionFailure) == []
    archive.engine.dispose()


def shrunk(key_id: str, later: timedelta, body: str = "寿光市文家街道桑家营子村的大棚里，菜农正在采摘西红柿，全村蔬菜种植面积3000亩。") -> Article:
    """The article's page cut to one sentence, without its meta line: no time, no source."""
    return make_article(key_id, body, source=None, published_at=None, published_at_raw=None, crawled_at=datetime.now(UTC) + later)


def test_a_shrunken_text_is_held_as_suspect_until_a_later_fetch_confirms_it(database_url):
    archive = open_archive(database_url)
    archive.write([make_article("1000001", etag='"v1"')], None)
    counts = archive.write([replace(shrunk("1000001", timedelta(hours=1)), etag='"cut"')], None)
    assert counts["suspect"] == 1 and counts["articles_updated"] == 0
    [row] = one(database_url, db.Article)
    # The held page's validators are not kept: the next revisit fetches the page again, it is not answered 304.
    assert row.body == LONG_BODY and row.version == 1 and row.source == "潍坊日报" and row.etag == '"v1"'
    [suspect] = one(database_url, db.SuspectVersion)
    assert suspect.article_id == row.id and suspect.body.startswith("寿光市") and "lost its time and source" in suspect.reason

    counts = archive.write([shrunk("1000001", timedelta(days=1))], None)  # the next revisit shows it again
    assert counts["articles_updated"] == 1 and counts["suspect"] == 0
    [row] = one(database_url, db.Article)
    assert row.version == 2 and row.body.startswith("寿光市") and row.source is None
    assert [v.version for v in one(database_url, db.ArticleVersion)] == [1, 2]
    assert one(database_url, db.SuspectVersion) == []
    archive.engine.dispose()


def test_a_suspect_is_dropped_when_the_article_text_comes_back(database_url):
    archive = open_archive(database_url)
    archive.write([make_article("1000001"), make_article("1000002")], None)
    archive.write([shrunk("1000001", timedelta(hours=1)), shrunk("1000002", timedelta(hours=1))], None)
    assert len(one(database_url, db.SuspectVersion)) == 2
    counts = archive.write([make_article("1000001")], None)  # the full text again
    assert counts["articles_unchanged"] == 1
    assert [s.article_id for s in one(database_url, db.SuspectVersion)] == [one(database_url, db.Article, article_key="weifang/news/1000002")[0].id]
    # An ordinary edit (time and source kept) is a version at once, and drops what was held.
    edited = make_article("1000002", LONG_BODY.replace("120个", "150个"))
    assert archive.write([edited], None)["articles_updated"] == 1
    assert one(database_url, db.SuspectVersion) == []
    assert one(database_url, db.Article, article_key="weifang/news/1000002")[0].version == 2
    archive.engine.dispose()


def test_pages_taken_for_articles_before_the_same_text_signal_are_taken_back(database_url):
    archive = open_archive(database_url)
    earlier_run, run = new_run(database_url), new_run(database_url)
    archive.write([make_article("1000001")], earlier_run)  # archived the night before
    text = "本栏目稿件正在整理中，敬请期待。"
    fields = {"title": "地方网", "source": "地方网", "published_at": None}
    archive.write([make_article("1000002", text, **fields), make_article("1000003", text, **fields)], run)
    archive.write([shrunk("1000001", timedelta(hours=1), body=text)], run)  # held as suspect
    assert len(one(database_url, db.Article)) == 3 and len(one(database_url, db.SuspectVersion)) == 1
    later = gone_item("1000004", "the same text under 3 pages", content_hash=content_fingerprint(text),
                      earlier=["weifang/news/1000002", "weifang/news/1000003", "weifang/news/1000001"])  # fmt: skip
    counts = archive.write([later], run)
    assert counts["articles_new"] == -2 and counts["page_failures"] == 3 and counts["removed"] == 1
    assert [a.article_key for a in one(database_url, db.Article)] == ["weifang/news/1000001"]
    [kept] = one(database_url, db.Article)
    assert kept.body == LONG_BODY and kept.removed_at is not None
    assert one(database_url, db.SuspectVersion) == [] and len(one(database_url, db.ArticleVersion)) == 1
    assert sorted(f.article_key for f in one(database_url, db.ExtractionFailure)) == [
        "weifang/news/1000002", "weifang/news/1000003", "weifang/news/1000004",
    ]  # fmt: skip
    archive.engine.dispose()


# ---- the real spider against the mirror --------------------------------------------------------------------


class SoftMirror:
    """A MirrorSite whose chosen article paths answer 200 with the CMS's error page (as newscrawl.mirror.site does
    for the `soft404` and `soft404_removed` faults), or with the article cut to a sentence without its meta line."""

    def __init__(self, site: MirrorSite, gone: set[str] = frozenset(), cut: set[str] = frozenset()) -> None:
        self.site, self.gone, self.cut = site, set(gone), set(cut)

    def __getattr__(self, name: str):
        return getattr(self.site, name)

    def respond(self, method: str, path_with_query: str, headers: dict[str, str]) -> MirrorResponse:
        path = urlsplit(path_with_query).path
        ref = parse_article_url(path)
        if path in self.gone and ref:
            others = [a for a in self.site.articles if a.path != path]
            picks = random.Random(f"{self.site.seed}/soft404/{path}").sample(others, min(8, len(others)))
            html = soft404_page(self.site.seed, path, ref.city, ref.channel, picks)
            return self.site._finish(method, MirrorResponse(200, {"Content-Type": "text/html; charset=utf-8"}, html.encode()))
        if path in self.cut and ref:
            article = next(a for a in self.site.articles if a.path == path)
            html = f"<html><head><meta charset='utf-8'><title>{article.story.title}</title></head><body><h1>{article.story.title}</h1>" \
                   f"<p>{cut_body(article)}</p></body></html>"  # fmt: skip
            return self.site._finish(method, MirrorResponse(200, {"Content-Type": "text/html; charset=utf-8"}, html.encode()))
        return self.site.respond(method, path_with_query, headers)


def cut_body(article) -> str:
    """A sentence of the article: more than a line (not a bare error page), under a fifth of its text."""
    text = "".join(block for block in article.story.blocks if isinstance(block, str))
    return text[40:100]


def crawl(site, database_url: str, *args: str) -> None:
    with MirrorServer(site) as server:
        run_crawl(server.base_url, database_url, *args)


def archive_rows(database_url: str):
    by_key = {a.article_key: a for a in one(database_url, db.Article)}
    versions: dict[int, int] = {}
    for version in one(database_url, db.ArticleVersion):
        versions[version.article_id] = versions.get(version.article_id, 0) + 1
    return by_key, versions


def test_first_fetch_of_an_error_page_is_a_soft_404_failure_not_an_article(mirror_site, truth, database_url):
    gone_paths = {a.path for a in mirror_site.articles[3:6]}
    crawl(SoftMirror(mirror_site, gone=gone_paths), database_url)
    by_key, _ = archive_rows(database_url)
    gone_keys = {parse_article_url(p).key for p in gone_paths}
    assert set(by_key) == set(truth) - gone_keys
    failures = {f.article_key: f.reason for f in one(database_url, db.ExtractionFailure)}
    assert set(failures) == gone_keys and all(reason.startswith("soft 404") for reason in failures.values())
    [run] = one(database_url, db.CrawlRun)
    assert run.status == "finished" and run.rejected == run.soft_404 == len(gone_keys)
    assert run.incomplete_share == 0.0  # the error pages are the site's answer, not pages the layout hid


def test_revisit_of_a_taken_down_article_marks_it_removed_and_keeps_its_text(mirror_site, database_url):
    crawl(mirror_site, database_url)
    before, versions_before = archive_rows(database_url)
    taken_down = mirror_site.articles[7]
    key = taken_down.ref.key
    crawl(SoftMirror(mirror_site, gone={taken_down.path}), database_url, "-a", "full=1")
    after, versions_after = archive_rows(database_url)
    row = after[key]
    assert row.removed_at is not None
    assert (row.body, row.title, row.version, row.content_hash) == (before[key].body, before[key].title, 1, before[key].content_hash)
    assert versions_after == versions_before  # no new version anywhere
    assert all(a.removed_at is None for k, a in after.items() if k != key)
    assert one(database_url, db.ExtractionFailure) == []
    runs = one(database_url, db.CrawlRun)
    assert runs[-1].removed == runs[-1].soft_404 == 1 and runs[-1].articles_updated == 0


def test_an_article_removed_on_a_later_day_answering_an_error_page_is_removed(sqlite_url):
    day1 = MirrorSite(articles=30, seed=11, day=1)
    crawl(day1, sqlite_url, "-s", f"NEWSCRAWL_NOW={day1.today.isoformat()}")
    day2 = MirrorSite(articles=30, seed=11, day=2)
    removed = day2.removed_keys()
    assert removed
    paths = {urlsplit(one(sqlite_url, db.Article, article_key=key)[0].canonical_url).path for key in removed}
    crawl(SoftMirror(day2, gone=paths), sqlite_url, "-s", f"NEWSCRAWL_NOW={day2.today.isoformat()}", "-a", "full=1")
    by_key, _ = archive_rows(sqlite_url)
    for key in removed:
        assert by_key[key].removed_at is not None and by_key[key].version == 1
        assert "页面" not in by_key[key].title and "删除" not in by_key[key].title


def test_a_page_cut_short_is_held_then_confirmed_on_the_next_revisit(mirror_site, sqlite_url):
    crawl(mirror_site, sqlite_url)
    article = next(a for a in mirror_site.articles if len("".join(b for b in a.story.blocks if isinstance(b, str))) > 400)
    key = article.ref.key
    original = archive_rows(sqlite_url)[0][key]
    site = SoftMirror(mirror_site, cut={article.path})
    crawl(site, sqlite_url, "-a", "full=1")
    row = archive_rows(sqlite_url)[0][key]
    assert (row.body, row.version, row.removed_at) == (original.body, 1, None)
    [suspect] = one(sqlite_url, db.SuspectVersion)
    assert suspect.body == cut_body(article) and suspect.published_at is None
    assert one(sqlite_url, db.CrawlRun)[-1].suspect == 1
    crawl(site, sqlite_url, "-a", "full=1")  # the next revisit shows the same: confirmed
    row = archive_rows(sqlite_url)[0][key]
    assert (row.body, row.version) == (cut_body(article), 2)
    assert one(sqlite_url, db.SuspectVersion) == []


# ---- the mirror's own soft404 faults ----------------------------------------------------------------------------


def test_the_mirror_soft404_faults_on_a_first_fetch_and_on_removed_articles(truth, sqlite_url, tmp_path):
    site = MirrorSite(articles=40, seed=7, faults=parse_faults("soft404=0.15"))
    soft = {parse_article_url(path).key for path, kind in site.fault_map().items() if kind == "soft404"}
    assert soft
    crawl(site, sqlite_url)
    by_key, _ = archive_rows(sqlite_url)
    assert set(by_key) == set(truth) - soft
    assert {f.article_key for f in one(sqlite_url, db.ExtractionFailure) if f.reason.startswith("soft 404")} == soft

    later = f"sqlite:///{tmp_path / 'days.db'}"
    day1 = MirrorSite(articles=30, seed=11, day=1, faults=parse_faults("soft404_removed=1"))
    crawl(day1, later, "-s", f"NEWSCRAWL_NOW={day1.today.isoformat()}")
    day2 = MirrorSite(articles=30, seed=11, day=2, faults=parse_faults("soft404_removed=1"))
    removed = day2.removed_keys()
    assert removed and all(day2.respond("GET", urlsplit(by.canonical_url).path, {}).status == 200
                           for by in one(later, db.Article) if by.article_key in removed)  # fmt: skip
    crawl(day2, later, "-s", f"NEWSCRAWL_NOW={day2.today.isoformat()}", "-a", "full=1")
    by_key, _ = archive_rows(later)
    assert all(by_key[key].removed_at is not None and by_key[key].version == 1 for key in removed)
    assert one(later, db.ExtractionFailure) == []
