"""Bad input is one line that names what was wrong and the form expected, never a traceback.

Command options and spider arguments exit 2 (usage); a database that cannot be reached or a missing extra
is one line too, with the URL's password hidden. Parsers: newscrawl.arguments; the wrapper: newscrawl.cli.main.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawl.cli import main

REPO = Path(__file__).resolve().parent.parent
TOWNS = "weifang, mianyang, jinan, xianyang, zibo, yantai, chengdu, ganzi, xian, wuzhou"
NUMBER = "a whole number of 0 or more, like 5"


def run_main(argv: list[str], capsys) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `newscrawl ARGV` in this process."""
    try:
        status = main(argv)
    except SystemExit as stop:  # argparse stops with the status
        status = stop.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize(
    "argv, line",
    [
        (["crawl", "-a", "since=notadate"], "newscrawl crawl: since: expected a date like 2017-08-01, got 'notadate'"),
        (["crawl", "-a", "max_list_pages=x"], f"newscrawl crawl: max_list_pages: expected {NUMBER}, got 'x'"),
        (["crawl", "-a", "max_list_pages=-1"], f"newscrawl crawl: max_list_pages: expected {NUMBER}, got '-1'"),
        (["crawl", "-a", "full=maybe"], "newscrawl crawl: full: expected 1 or 0 (or true/false, yes/no, on/off), got 'maybe'"),
        (["crawl", "-a", "base_url=example.com"], "newscrawl crawl: base_url: expected an http(s) URL like http://127.0.0.1:8000, got 'example.com'"),
        (["crawl", "-a", "cities=paris"], f"newscrawl crawl: cities: expected city slugs separated by commas, from {TOWNS}, got 'paris'"),
        (
            ["crawl", "-a", "channels=weifang"],
            "newscrawl crawl: channels: expected city/channel pairs separated by commas, like weifang/news,weifang/shouguang, got 'weifang'",
        ),
        (
            ["crawl", "-a", "city=weifang"],
            "newscrawl crawl: city: not an argument of the yybnet spider, which takes base_url, channels, cities, full, max_list_pages, since",
        ),
        (["crawl", "-a", "since"], "newscrawl crawl: -a: expected NAME=VALUE, got 'since'"),
        (["crawl", "-s", "=1"], "newscrawl crawl: -s: expected NAME=VALUE, got '=1'"),
        (["crawl", "--spider", "nope"], "newscrawl crawl: --spider: expected a spider of this project (news, yybnet), got 'nope'"),
        (
            ["crawl", "--spider", "news"],
            "newscrawl crawl: start_urls: expected list page URLs like https://example.com/local/, separated by commas, got nothing",
        ),
        (
            ["crawl", "--spider", "news", "-a", "start_urls=example.com/local/"],
            "newscrawl crawl: start_urls: expected list page URLs like https://example.com/local/, separated by commas, got 'example.com/local/'",
        ),
        (
            ["crawl", "--spider", "news", "-a", "start_urls=https://example.com/local/", "-a", "article_pattern=("],
            r"newscrawl crawl: article_pattern: expected a regular expression like '/\d{4}-\d{2}/\d{2}/c_\d+\.htm$', got '('"
            " (missing ), unterminated subpattern at position 0)",
        ),
        (
            ["crawl", "--spider", "news", "-a", "start_urls=https://example.com/local/"],
            r"newscrawl crawl: article_pattern: expected a regular expression for article URLs, like '/\d{4}-\d{2}/\d{2}/c_\d+\.htm$', got nothing",
        ),
        (["crawl", "--workers", "0"], "newscrawl crawl: --workers: expected a whole number of 1 or more, like 2, got '0'"),
        (["crawl", "--drift-jump", "much"], "newscrawl crawl: --drift-jump: expected a share from 0 to 1, like 0.2, got 'much'"),
        (
            ["crawl", "--db", "archive.db"],
            "newscrawl crawl: --db: expected an SQLAlchemy URL like sqlite:///data/newscrawl.db or postgresql+psycopg://user@host/dbname,"
            " got 'archive.db'",
        ),
        (["runs", "--limit", "x"], "newscrawl runs: --limit: expected a whole number of 1 or more, like 10, got 'x'"),
        (
            ["runs", "--db", "mysql://localhost/news"],
            "newscrawl runs: --db: expected an SQLAlchemy URL like sqlite:///data/newscrawl.db or postgresql+psycopg://user@host/dbname,"
            " got 'mysql://localhost/news'",
        ),
        (
            ["reparse", "--since", "yesterday"],
            "newscrawl reparse: --since: expected a time like 2017-08-01T09:00:00+08:00 (UTC if no offset), got 'yesterday'",
        ),
        (["reparse", "--warc-dir", "nowhere"], "newscrawl reparse: --warc-dir: expected a folder, got 'nowhere' (no such folder)"),
        (["extract", "missing.html"], "newscrawl extract: page: expected a file, got 'missing.html' (no such file)"),
        (["extract", "--manifest", "missing.jsonl"], "newscrawl extract: --manifest: expected a file, got 'missing.jsonl' (no such file)"),
        (["mirror", "--port", "70000"], "newscrawl mirror: --port: expected a whole number from 0 to 65535, got '70000'"),
        (["demo", "--articles", "0"], "newscrawl demo: --articles: expected a whole number of 1 or more, like 60, got '0'"),
        (["db", "upgrade", "--url", "x"], "newscrawl db: --url: expected an SQLAlchemy URL like sqlite:///data/newscrawl.db or postgresql+psycopg://user@host/dbname, got 'x'"),
        (["bench", "extract", "nowhere"], "newscrawl bench extract: gold_dir: expected a folder, got 'nowhere' (no such folder)"),
        (["bench", "extract", ".", "--tools", "gpt"], "newscrawl bench extract: --tools: expected names separated by commas, from newscrawl,trafilatura,gne, got 'gpt'"),
        (["bench", "memory", "--archived", "1k"], "newscrawl bench memory: --archived: expected whole numbers separated by commas, like 0,300000,1000000, got '1k'"),
        (["bench", "redis", "--redis", "127.0.0.1:6379"], "newscrawl bench redis: --redis: expected a Redis URL like redis://127.0.0.1:6379/0, got '127.0.0.1:6379'"),
    ],
)  # fmt: skip
def test_bad_option_or_spider_argument_is_one_line_and_exit_2(argv, line, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # nothing may be written, but if it were, not into the checkout
    monkeypatch.delenv("NEWSCRAWL_REDIS_URL", raising=False)
    status, out, err = run_main(argv, capsys)
    assert (status, out, err) == (2, "", line + "\n")
    assert not (tmp_path / "data").exists()  # stopped before the lock, the migrations or a crawl


UNREACHABLE = "postgresql+psycopg://newscrawl:s3cret@127.0.0.1:1/archive"
HIDDEN = "postgresql+psycopg://newscrawl:***@127.0.0.1:1/archive"


@pytest.mark.parametrize(
    "argv", [["runs", "--db", UNREACHABLE], ["db", "current", "--url", UNREACHABLE], ["history", "weifang/news/1", "--db", UNREACHABLE]]
)
def test_unreachable_database_is_one_line_with_the_password_hidden(argv, capsys):
    pytest.importorskip("psycopg")
    status, out, err = run_main(argv, capsys)
    assert status == 1 and out == ""
    assert err.startswith(f"newscrawl {argv[0]}: cannot use the database {HIDDEN}: ") and err.endswith(" (--verbose for the traceback)\n")
    assert err.count("\n") == 1 and "s3cret" not in err and "Traceback" not in err


def test_verbose_shows_the_traceback_instead(capsys):
    pytest.importorskip("psycopg")
    from sqlalchemy.exc import OperationalError

    with pytest.raises(OperationalError):
        main(["runs", "--db", UNREACHABLE, "--verbose"])
    with pytest.raises(OperationalError):
        main(["--verbose", "runs", "--db", UNREACHABLE])


def test_missing_postgres_extra_names_it(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if psycopg were not installed
    status, out, err = run_main(["runs", "--db", "postgresql+psycopg://u:pw@127.0.0.1/archive"], capsys)
    assert (status, out) == (2, "")
    assert (
        err
        == "newscrawl runs: postgresql+psycopg://u:***@127.0.0.1/archive: PostgreSQL needs psycopg, which is not installed: pip install 'newscrawl[postgres]'\n"
    )
    status, _, err = run_main(["crawl", "--db", "postgresql+psycopg://u@127.0.0.1/archive"], capsys)
    assert (
        status == 2
        and err
        == "newscrawl crawl: postgresql+psycopg://u@127.0.0.1/archive: PostgreSQL needs psycopg, which is not installed: pip install 'newscrawl[postgres]'\n"
    )


@pytest.mark.parametrize("module, shown", [("redis", "redis"), ("scrapy_redis", "scrapy-redis")])
def test_missing_redis_extra_names_it(module, shown, capsys, monkeypatch, tmp_path, sqlite_url):
    monkeypatch.setitem(sys.modules, module, None)
    monkeypatch.setenv("NEWSCRAWL_REDIS_URL", "redis://127.0.0.1:6379/9")
    status, out, err = run_main(["crawl", "--db", sqlite_url, "--data-dir", str(tmp_path / "data")], capsys)
    assert (status, out) == (2, "")
    assert err == f"newscrawl crawl: NEWSCRAWL_REDIS_URL is set but {shown} is not installed: pip install 'newscrawl[redis]'\n"
    assert not (tmp_path / "data").exists()


def test_a_missing_file_from_the_shell(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "newscrawl.cli", "extract", "missing.html"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout, done.stderr) == (2, "", "newscrawl extract: page: expected a file, got 'missing.html' (no such file)\n")


# ---- scrapy crawl: the project's crawl command (newscrawl/commands/crawl.py) checks before the crawl starts -----------
def scrapy_crawl(cwd: Path, *args: str, hide: str | None = None) -> subprocess.CompletedProcess:
    """`scrapy crawl ARGS` in a fresh process; `hide` makes a module look uninstalled there."""
    prelude = "import sys; " + (f"sys.modules[{hide!r}] = None; " if hide else "")
    code = prelude + "from scrapy.cmdline import execute; execute(['scrapy', 'crawl', *sys.argv[1:]])"
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings"}
    env.pop("NEWSCRAWL_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    "args, line",
    [
        (["yybnet", "-a", "since=notadate"], "since: expected a date like 2017-08-01, got 'notadate'"),
        (["yybnet", "-a", "max_list_pages=x"], f"max_list_pages: expected {NUMBER}, got 'x'"),
        (["yybnet", "-a", "full=sure"], "full: expected 1 or 0 (or true/false, yes/no, on/off), got 'sure'"),
        (["yybnet", "-a", "cities=weifang,paris"], f"cities: expected city slugs separated by commas, from {TOWNS}, got 'weifang,paris'"),
        (["news", "-a", "max_list_pages=2"], "start_urls: expected list page URLs like https://example.com/local/, separated by commas, got nothing"),
    ],
)  # fmt: skip
def test_scrapy_crawl_stops_a_bad_spider_argument_before_any_request(args, line, mirror, tmp_path):
    site = ["-a", f"base_url={mirror.base_url}"] if args[0] == "yybnet" else ["-a", f"start_urls={mirror.base_url}/weifang/news/"]
    if args[0] == "news":
        site = []  # the missing start_urls is the mistake
    done = scrapy_crawl(tmp_path, *args, *site, "-s", f"NEWSCRAWL_DATABASE_URL=sqlite:///{tmp_path / 'a.db'}")
    assert done.returncode == 2, done.stderr
    assert [row.split("ERROR: ", 1)[1] for row in done.stderr.splitlines() if " ERROR: " in row] == [line]
    assert "Traceback" not in done.stderr and "Spider opened" not in done.stderr and "Crawled" not in done.stderr
    assert not (tmp_path / "a.db").exists()


@pytest.mark.parametrize(
    "hide, setting, line",
    [
        (
            "psycopg", "NEWSCRAWL_DATABASE_URL=postgresql+psycopg://u:pw@127.0.0.1/archive",
            "postgresql+psycopg://u:***@127.0.0.1/archive: PostgreSQL needs psycopg, which is not installed: pip install 'newscrawl[postgres]'",
        ),
        ("scrapy_redis", "NEWSCRAWL_REDIS_URL=redis://127.0.0.1:6379/9", "NEWSCRAWL_REDIS_URL is set but scrapy-redis is not installed: pip install 'newscrawl[redis]'"),
    ],
)  # fmt: skip
def test_scrapy_crawl_names_a_missing_extra(hide, setting, line, mirror, tmp_path):
    done = scrapy_crawl(tmp_path, "yybnet", "-a", f"base_url={mirror.base_url}", "-s", setting, hide=hide)
    assert done.returncode == 2, done.stderr
    assert [row.split("ERROR: ", 1)[1] for row in done.stderr.splitlines() if " ERROR: " in row] == [line]
    assert "Traceback" not in done.stderr


def test_spider_arguments_scrapy_reads_and_empty_values_are_accepted():
    from scrapy.utils.test import get_crawler

    from newscrawl.spiders.yybnet import YybnetSpider
    from newscrawl.yybnet import DEFAULT_BASE_URL

    spider = YybnetSpider.from_crawler(get_crawler(YybnetSpider), base_url="", user_agent="archive-bot", http_user="u", http_pass="p")
    assert spider.base_url == DEFAULT_BASE_URL.rstrip("/")  # empty means the default, not a KeyError mid-crawl
    assert (spider.user_agent, spider.http_user, spider.http_pass) == ("archive-bot", "u", "p")  # Scrapy's middlewares read these
