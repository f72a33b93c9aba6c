"""The WARC writer middleware and readers: records as received, readable by warcio and its CLI, cut-off files."""

from __future__ import annotations

import asyncio
import base64
import errno
import gzip
import hashlib
import json
import logging
import re
import subprocess
import sys
import threading
import zlib
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.core.downloader.middleware import DownloaderMiddlewareManager
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newscrawl.warc import WarcWriteError, WarcWriterMiddleware, decode_content, iter_responses, read_record

URL = "http://127.0.0.1:8000/weifang/news/201708/1000001.html?from=index"
HTML = "<html><head><title>潍坊新闻</title></head><body><p>第一段。</p></body></html>".encode()
FILE_NAME = re.compile(r"^newscrawl-\d{14}-\d+-(\d{5})\.warc\.gz$")


@pytest.fixture
def make_middleware(tmp_path):
    """Middlewares as a crawl builds them, writing under tmp_path/warc; closed after the test."""
    made: list[WarcWriterMiddleware] = []

    def make(**settings) -> WarcWriterMiddleware:
        crawler = get_crawler(Spider, {"NEWSCRAWL_WARC_DIR": str(tmp_path / "warc"), **settings})
        middleware = WarcWriterMiddleware.from_crawler(crawler)
        made.append(middleware)
        return middleware

    yield make
    for middleware in made:
        middleware.spider_closed()


def exchange(middleware, url=URL, status=200, body=HTML, headers=None, meta=None, **request_headers) -> Request:
    """One request and its response through the middleware, as the downloader hands them back."""
    request = Request(url, headers={"Accept-Encoding": "gzip, deflate, br", **request_headers}, meta=meta or {})
    headers = headers if headers is not None else {"Content-Type": "text/html; charset=utf-8"}
    response = Response(
        url, status=status, headers=headers, body=body, request=request, protocol="HTTP/1.1", ip_address=ip_address("127.0.0.1")
    )  # fmt: skip
    assert middleware.process_response(request, response) is response
    return request


def records(path: Path) -> list[dict]:
    """Every record of a file by warcio's own reader: type, headers, raw payload, offset."""
    found = []
    with path.open("rb") as stream:
        iterator = ArchiveIterator(stream)
        for record in iterator:
            found.append({
                "type": record.rec_type, "warc": dict(record.rec_headers.headers), "http": record.http_headers,
                "payload": record.raw_stream.read(), "offset": iterator.get_record_offset(),
            })  # fmt: skip
    return found


def where(request: Request) -> tuple[str, int]:
    """The (file, offset) the middleware put in the request's meta."""
    return request.meta["warc"]["file"], request.meta["warc"]["offset"]


def sha1_digest(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def test_a_gzip_response_is_kept_as_received_next_to_its_request(make_middleware, tmp_path):
    middleware = make_middleware()
    raw = gzip.compress(HTML)
    request = exchange(middleware, body=raw, headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"})

    location = request.meta["warc"]
    assert FILE_NAME.match(location["file"]) and location["offset"] > 0
    path = tmp_path / "warc" / location["file"]
    info, response, sent = records(path)  # readable while the file is still open: each record is flushed
    assert info["type"] == "warcinfo" and info["offset"] == 0
    assert b"software: newscrawl/" in info["payload"]
    assert response["type"] == "response" and response["offset"] == location["offset"]
    assert response["payload"] == raw  # content-encoded, as the server sent it
    assert response["warc"]["WARC-Payload-Digest"] == sha1_digest(raw)
    assert "WARC-Block-Digest" in response["warc"] and response["warc"]["WARC-IP-Address"] == "127.0.0.1"
    assert response["http"].statusline == "200 OK" and response["http"].get_header("Content-Encoding") == "gzip"
    assert sent["type"] == "request" and sent["warc"]["WARC-Concurrent-To"] == response["warc"]["WARC-Record-ID"]
    assert sent["http"].protocol == "GET" and sent["http"].statusline == "/weifang/news/201708/1000001.html?from=index HTTP/1.1"
    assert sent["http"].get_header("Host") == "127.0.0.1:8000"
    assert sent["http"].get_header("Accept-Encoding") == "gzip, deflate, br"
    assert middleware.stats.get_value("warc/records") == 3 and middleware.stats.get_value("warc/files") == 1
    assert middleware.stats.get_value("warc/bytes") == path.stat().st_size

    again = read_record(tmp_path / "warc", *where(request))
    assert again.date == location["date"]
    assert (again.url, again.status, again.record_type, again.body) == (URL, 200, "response", HTML)  # decoded on reading
    assert ("Content-Encoding", "gzip") in again.headers and again.header("content-type") == "text/html; charset=utf-8"
    assert again.date.tzinfo is not None and abs(datetime.now(UTC) - again.date) < timedelta(minutes=1)


def test_a_503_and_its_retry_are_both_archived_and_only_responses_are_iterated(make_middleware, tmp_path):
    middleware = make_middleware()
    failed = exchange(middleware, status=503, body=b"busy", headers={"Content-Type": "text/plain", "Retry-After": "1"})
    retried = exchange(middleware)

    found = list(iter_responses(tmp_path / "warc"))
    assert [(r.status, r.body, r.record_type) for r in found] == [(503, b"busy", "response"), (200, HTML, "response")]
    assert [r.offset for r in found] == [failed.meta["warc"]["offset"], retried.meta["warc"]["offset"]]
    assert found[0].header("Retry-After") == "1"
    later = found[1].date + timedelta(microseconds=1)
    assert list(iter_responses(tmp_path / "warc", since=found[1].date)) == found[1:]
    assert list(iter_responses(tmp_path / "warc", since=later)) == []


def test_a_304_becomes_a_server_not_modified_revisit_of_the_earlier_capture(make_middleware, tmp_path):
    middleware = make_middleware()
    first = exchange(middleware, headers={"Content-Type": "text/html", "ETag": '"v1"'})
    earlier = read_record(tmp_path / "warc", *where(first))
    refers_to = {"uri": URL, "date": earlier.date}
    revisit = exchange(middleware, status=304, body=b"", headers={"ETag": '"v1"'}, meta={"warc_refers_to": refers_to}, **{"If-None-Match": '"v1"'})

    record = next(r for r in records(tmp_path / "warc" / revisit.meta["warc"]["file"]) if r["offset"] == revisit.meta["warc"]["offset"])
    assert record["type"] == "revisit"
    assert record["warc"]["WARC-Profile"] == "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
    assert record["warc"]["WARC-Refers-To-Target-URI"] == URL
    assert datetime.fromisoformat(record["warc"]["WARC-Refers-To-Date"]) == earlier.date
    assert record["http"].statusline == "304 Not Modified" and record["payload"] == b""
    again = read_record(tmp_path / "warc", *where(revisit))
    assert (again.record_type, again.status, again.body, again.header("ETag")) == ("revisit", 304, b"", '"v1"')
    assert [r.status for r in iter_responses(tmp_path / "warc")] == [200]  # revisits are not responses

    bare = exchange(middleware, status=304, body=b"")  # no earlier capture named: a revisit all the same
    record = next(r for r in records(tmp_path / "warc" / bare.meta["warc"]["file"]) if r["offset"] == bare.meta["warc"]["offset"])
    assert record["type"] == "revisit" and "WARC-Refers-To-Target-URI" not in record["warc"]


def test_files_rotate_past_the_size_limit_each_with_its_warcinfo(make_middleware, tmp_path):
    middleware = make_middleware(NEWSCRAWL_WARC_MAX_BYTES=1)
    requests = [exchange(middleware, url=f"http://127.0.0.1:8000/weifang/news/201708/{n}.html") for n in range(3)]

    files = sorted((tmp_path / "warc").glob("*.warc.gz"))
    assert [p.name for p in files] == [r.meta["warc"]["file"] for r in requests]
    assert [int(FILE_NAME.match(p.name)[1]) for p in files] == [1, 2, 3]
    for path in files:
        assert [r["type"] for r in records(path)] == ["warcinfo", "response", "request"]
    assert middleware.stats.get_value("warc/files") == 3 and middleware.stats.get_value("warc/records") == 9
    assert [r.url for r in iter_responses(tmp_path / "warc")] == [r.url for r in requests]


def test_other_tools_read_the_files(make_middleware, tmp_path):
    middleware = make_middleware()
    request = exchange(middleware, body=gzip.compress(HTML), headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
    middleware.spider_closed()
    path = tmp_path / "warc" / request.meta["warc"]["file"]

    index = subprocess.run([sys.executable, "-m", "warcio.cli", "index", str(path)], capture_output=True, text=True, check=True)
    rows = [json.loads(line) for line in index.stdout.splitlines()]
    assert [(row["warc-type"], int(row["offset"])) for row in rows][:2] == [("warcinfo", 0), ("response", request.meta["warc"]["offset"])]
    assert rows[1]["warc-target-uri"] == URL and rows[2]["warc-type"] == "request"
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", "-v", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    with gzip.open(path) as whole:  # one gzip member per record: plain gzip reads the file too
        assert whole.read().startswith(b"WARC/1.1\r\nWARC-Type: warcinfo\r\n")


def test_a_cut_off_file_is_read_up_to_the_damage_and_the_next_file_after_it(make_middleware, tmp_path, caplog):
    middleware = make_middleware()
    requests = [exchange(middleware, url=f"http://127.0.0.1:8000/weifang/news/201708/{n}.html", body=HTML * 20) for n in range(3)]
    middleware.spider_closed()
    path = tmp_path / "warc" / requests[0].meta["warc"]["file"]
    data = path.read_bytes()
    later = make_middleware()
    last = exchange(later, url="http://127.0.0.1:8000/weifang/news/201708/9.html")
    later.spider_closed()
    assert sorted(p.name for p in (tmp_path / "warc").iterdir())[-1] == last.meta["warc"]["file"]

    with caplog.at_level(logging.WARNING, logger="newscrawl.warc"):
        assert [r.url for r in iter_responses(tmp_path / "warc")] == [r.url for r in requests] + [last.url]
    assert caplog.text == ""

    third = requests[2].meta["warc"]["offset"]
    # cut in the third response's body, in its gzip header, in the gzip trailer of the last request record
    for cut, kept, told in ((third + 120, 2, True), (third + 8, 2, True), (len(data) - 10, 3, False)):
        path.write_bytes(data[:cut])
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="newscrawl.warc"):
            found = [r.url for r in iter_responses(tmp_path / "warc")]
        assert found == [r.url for r in requests[:kept]] + [last.url], cut
        assert (f"{path.name} is damaged" in caplog.text) is told, cut
    read_record(tmp_path / "warc", *where(requests[1]))  # records before the damage read by offset too
    path.write_bytes(data[: third + 120])
    with pytest.raises(ArchiveLoadFailed, match="damaged record"):
        read_record(tmp_path / "warc", *where(requests[2]))
    with pytest.raises(ArchiveLoadFailed, match="no response record"):
        read_record(tmp_path / "warc", requests[0].meta["warc"]["file"], 0)  # the warcinfo record


def fail_writes(middleware, monkeypatch, error=None, keep=0.5, after=0):
    """Make the file writes fail after `after` more writes, as a full disk does: part of the data goes in first."""
    error = error or OSError(errno.ENOSPC, "No space left on device")
    real = middleware._append
    calls = {"n": 0}

    def append(data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] <= after:
            return real(data)
        middleware.file.write(data[: int(len(data) * keep)])  # what fitted before the disk was full
        raise error

    monkeypatch.setattr(middleware, "_append", append)


def test_a_failed_write_is_cut_out_and_the_response_refused_and_the_crawl_closed(make_middleware, tmp_path, caplog, monkeypatch):
    closed = []
    monkeypatch.setattr("newscrawl.warc.close_crawl", lambda crawler, reason: closed.append(reason) or True)
    middleware = make_middleware()
    first = exchange(middleware, url="http://127.0.0.1:8000/weifang/news/201708/1.html")
    path = tmp_path / "warc" / first.meta["warc"]["file"]
    size = path.stat().st_size
    fail_writes(middleware, monkeypatch)

    with (
        caplog.at_level(logging.ERROR, logger="newscrawl.warc"),
        pytest.raises(WarcWriteError, match=r"^WARC write failed: \[Errno 28\] No space left on device$"),
    ):
        exchange(middleware, url="http://127.0.0.1:8000/weifang/news/201708/2.html", body=HTML * 50)
    assert path.stat().st_size == size  # the half-written exchange was cut back out
    assert "could not archive http://127.0.0.1:8000/weifang/news/201708/2.html" in caplog.text and "closing the crawl (disk_full)" in caplog.text
    assert closed == ["disk_full"]

    monkeypatch.undo()  # space is back, but this crawl archives nothing more: it is closing
    refused = Request("http://127.0.0.1:8000/weifang/news/201708/3.html")
    with pytest.raises(WarcWriteError, match="WARC writing stopped after an earlier failure"):
        middleware.process_response(refused, Response(refused.url, body=HTML, request=refused))
    assert "warc" not in refused.meta and path.stat().st_size == size
    assert isinstance(WarcWriteError("x"), IgnoreRequest)  # the errback records it; RetryMiddleware does not retry it
    assert middleware.stats.get_value("warc/errors") == 1 and middleware.stats.get_value("warc/refused_responses") == 2
    assert closed == ["disk_full"]  # asked once

    middleware.spider_closed()
    with caplog.at_level(logging.WARNING, logger="newscrawl.warc"):
        assert [r.url for r in iter_responses(tmp_path / "warc")] == [first.url]
    assert "damaged" not in caplog.text
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_another_write_error_closes_the_crawl_as_a_failed_warc_write(make_middleware, monkeypatch):
    closed = []
    monkeypatch.setattr("newscrawl.warc.close_crawl", lambda crawler, reason: closed.append(reason) or True)
    middleware = make_middleware()
    exchange(middleware)
    fail_writes(middleware, monkeypatch, error=OSError(errno.EIO, "Input/output error"))
    with pytest.raises(WarcWriteError, match=r"\[Errno 5\] Input/output error"):
        exchange(middleware)
    assert closed == ["warc_write_failed"]


def test_a_file_that_cannot_be_cut_back_is_left_and_readers_stop_at_its_damage(make_middleware, tmp_path, caplog, monkeypatch):
    middleware = make_middleware()
    first = exchange(middleware, url="http://127.0.0.1:8000/weifang/news/201708/1.html")
    fail_writes(middleware, monkeypatch)
    monkeypatch.setattr(middleware.file, "truncate", lambda size: (_ for _ in ()).throw(OSError(errno.EIO, "Input/output error")), raising=False)
    with caplog.at_level(logging.ERROR, logger="newscrawl.warc"), pytest.raises(WarcWriteError):
        exchange(middleware, url="http://127.0.0.1:8000/weifang/news/201708/2.html", body=HTML * 50)
    assert "could not cut" in caplog.text and "ends in a partial record" in caplog.text
    assert middleware.file is None and middleware.stats.get_value("warc/damaged_files") == 1
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="newscrawl.warc"):
        assert [r.url for r in iter_responses(tmp_path / "warc")] == [first.url]
    assert "is damaged" in caplog.text
    assert read_record(tmp_path / "warc", *where(first)).body == HTML  # what a row points at still reads whole


def test_a_new_file_whose_warcinfo_does_not_fit_is_not_left_behind(make_middleware, tmp_path, monkeypatch):
    middleware = make_middleware()
    fail_writes(middleware, monkeypatch)
    with pytest.raises(WarcWriteError, match="No space left"):
        exchange(middleware)
    assert list((tmp_path / "warc").iterdir()) == []
    assert middleware.stats.get_value("warc/files") is None


def test_in_a_crawl_records_are_written_off_the_event_loop_in_order(make_middleware, tmp_path, monkeypatch):
    middleware = make_middleware()
    writers = set()
    real = middleware._append
    monkeypatch.setattr(middleware, "_append", lambda data: writers.add(threading.current_thread().name) or real(data))
    urls = [f"http://127.0.0.1:8000/weifang/news/201708/{n}.html" for n in range(30)]

    async def crawl() -> list[Request]:
        requests, pending = [], []
        for n, url in enumerate(urls):
            request = Request(url)
            response = Response(url, body=HTML * (1 + n % 7 * 40), request=request)  # sizes vary: small ones must not overtake
            result = middleware.process_response(request, response)
            assert asyncio.iscoroutine(result) and "warc" not in request.meta  # not archived yet: awaited by Scrapy
            requests.append(request)
            pending.append(result)
        responses = await asyncio.gather(*pending)
        assert [r.url for r in responses] == urls
        return requests

    requests = asyncio.run(crawl())
    assert writers == {"warc-writer_0"}  # one writing thread, not the loop's
    offsets = [r.meta["warc"]["offset"] for r in requests]
    assert offsets == sorted(offsets) and len(set(offsets)) == len(offsets)
    for n, request in enumerate(requests):
        again = read_record(tmp_path / "warc", *where(request))
        assert (again.url, again.body) == (urls[n], HTML * (1 + n % 7 * 40))
        assert again.date == request.meta["warc"]["date"]
    assert middleware.stats.get_value("warc/records") == 1 + 2 * len(urls)


def test_in_a_crawl_a_failed_write_raises_from_the_awaited_response(make_middleware, monkeypatch):
    monkeypatch.setattr("newscrawl.warc.close_crawl", lambda crawler, reason: True)
    middleware = make_middleware()
    fail_writes(middleware, monkeypatch, after=2)  # the warcinfo and one exchange fit

    async def crawl() -> list:
        pending = []
        for n in range(4):
            request = Request(f"http://127.0.0.1:8000/weifang/news/201708/{n}.html")
            pending.append(middleware.process_response(request, Response(request.url, body=HTML, request=request)))
        return await asyncio.gather(*pending, return_exceptions=True)

    results = asyncio.run(crawl())
    assert isinstance(results[0], Response)
    assert [str(r) for r in results[1:]] == ["WARC write failed: [Errno 28] No space left on device"] + [
        "WARC writing stopped after an earlier failure (WARC write failed: [Errno 28] No space left on device)"
    ] * 2


def test_at_950_it_sees_each_response_before_decompression_redirects_and_retries(tmp_path):
    settings = {"DOWNLOADER_MIDDLEWARES": {"newscrawl.warc.WarcWriterMiddleware": 950}, "NEWSCRAWL_WARC_DIR": str(tmp_path)}
    manager = DownloaderMiddlewareManager.from_crawler(get_crawler(Spider, settings))
    order = [method.__self__.__class__.__name__ for method in manager.methods["process_response"]]
    assert order[0] == "WarcWriterMiddleware"
    assert {"HttpCompressionMiddleware", "RedirectMiddleware", "RetryMiddleware"} <= set(order[1:])


def test_switched_off_it_is_not_configured(tmp_path):
    crawler = get_crawler(Spider, {"NEWSCRAWL_WARC_ENABLED": False, "NEWSCRAWL_WARC_DIR": str(tmp_path)})
    with pytest.raises(NotConfigured):
        WarcWriterMiddleware.from_crawler(crawler)
    assert not list(tmp_path.iterdir())


def test_nothing_is_written_before_the_first_response_and_closing_twice_is_harmless(make_middleware, tmp_path):
    middleware = make_middleware()
    middleware.spider_closed()
    middleware.spider_closed()
    assert not (tmp_path / "warc").exists()


def test_chunked_transfer_coding_is_not_claimed_for_a_dechunked_body(make_middleware, tmp_path):
    middleware = make_middleware()
    request = exchange(middleware, headers={"Content-Type": "text/html", "Transfer-Encoding": "chunked"})
    again = read_record(tmp_path / "warc", *where(request))
    assert again.body == HTML
    assert again.header("Transfer-Encoding") is None and again.header("X-Crawler-Transfer-Encoding") == "chunked"


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send
        ("identity", lambda data: data),
        ("gzip, gzip", lambda data: gzip.compress(gzip.compress(data))),
        (None, lambda data: data),
    ],
)
def test_content_coding_is_undone(encoding, encode):
    assert decode_content(encode(HTML), encoding) == HTML


def test_content_coding_that_cannot_be_undone_keeps_the_bytes(caplog):
    with caplog.at_level(logging.WARNING, logger="newscrawl.warc"):
        assert decode_content(b"not gzip at all", "gzip") == b"not gzip at all"
        assert decode_content(b"xyz", "compress") == b"xyz"
    assert "kept encoded" in caplog.text


def test_brotli_is_undone_when_brotli_is_installed():
    brotli = pytest.importorskip("brotli")
    assert decode_content(brotli.compress(HTML), "br") == HTML
