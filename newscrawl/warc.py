"""The raw archive: every HTTP exchange as received, in gzipped WARC files (ISO 28500), and reading it back.

`WarcWriterMiddleware` is a downloader middleware placed next to the downloader, so it sees each
response before HttpCompressionMiddleware decodes it and before RetryMiddleware retries it: bodies are
kept content-encoded, 5xx answers are kept too. Each exchange becomes a `response` record (a `revisit`
record, profile server-not-modified, for a 304) followed by the `request` record that asked for it.
Where the response record lies is put in `request.meta["warc"]` ({"file", "offset", "date"}: the file
name relative to the WARC folder, the record's byte offset, its WARC-Date), for the spider to copy into
the item. A 304 revisit names the earlier capture when `request.meta["warc_refers_to"]` gives it
({"uri": ..., "date": ...}).

Files are `{dir}/newscrawl-{UTC yyyymmddHHMMSS}-{pid}-{serial:05d}.warc.gz`, each starting with a
`warcinfo` record and rotated past NEWSCRAWL_WARC_MAX_BYTES. Every record is its own gzip member, built
in memory and handed to the (unbuffered) file with one write per exchange, so a killed crawl loses at
most the exchange it was writing; the readers below stop at such a cut-off record with a warning.

The compression and the write run on one writing thread, in the order the responses came, so the
event loop goes on downloading meanwhile; the spider gets a response only once its record is whole.
A write that fails (disk full, folder gone) is cut back out of the file, the response is refused with
`WarcWriteError` (an IgnoreRequest: the request's errback records it as a failed fetch, so no article
is stored without its raw record and the next run fetches it again), nothing more is archived, and the
crawl is closed with reason "disk_full" (ENOSPC, EDQUOT) or "warc_write_failed": a failed run.

Scrapy keeps neither the reason phrase nor the case and order of header names: the status line gets the
standard phrase and header names come in Scrapy's normalised case. Twisted undoes chunked transfer
coding before Scrapy sees the body, so a `Transfer-Encoding` header is stored renamed
(`X-Crawler-Transfer-Encoding`) lest WARC readers try to de-chunk a body that no longer is chunked.
"""

from __future__ import annotations

import asyncio
import http
import io
import logging
import os
import socket
import zlib
from collections import Counter
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response
from scrapy.statscollectors import StatsCollector
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParserException
from warcio.timeutils import datetime_to_iso_date, iso_date_to_datetime
from warcio.warcwriter import WARCWriter

from newscrawl.diskspace import DISK_FULL, WARC_WRITE_FAILED, close_crawl, describe_os_error, is_disk_full

logger = logging.getLogger(__name__)

DEFAULT_DIR = "data/warc"
DEFAULT_MAX_BYTES = 1024**3
WARC_VERSION = "1.1"
FILE_PATTERN = "*.warc.gz"
SERVER_NOT_MODIFIED = {
    "WARC/1.0": "http://netpreserve.org/warc/1.0/revisit/server-not-modified",
    "WARC/1.1": "http://netpreserve.org/warc/1.1/revisit/server-not-modified",
}
RENAMED_HEADERS = {"transfer-encoding": "X-Crawler-Transfer-Encoding"}
# What reading a damaged (cut-off) record can raise, from warcio, the gzip layer or header parsing.
READ_ERRORS = (ArchiveLoadFailed, StatusAndHeadersParserException, zlib.error, EOFError, ValueError, OSError)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def warc_date(moment: datetime | str) -> str:
    """A WARC-Date value (UTC, microseconds) for an aware datetime; strings are taken as they are."""
    if isinstance(moment, str):
        return moment
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: give aware times")
    return datetime_to_iso_date(moment.astimezone(UTC).replace(tzinfo=None), use_micros=True)


def parse_warc_date(value: str) -> datetime:
    return iso_date_to_datetime(value).replace(tzinfo=UTC)


# --- writing -------------------------------------------------------------------------------------------
class WarcWriteError(IgnoreRequest):
    """A response that could not be archived. It is not handed to the spider: its request's errback records
    a fetch failure instead, so nothing is stored without its raw record and the next run fetches it again."""


@dataclass
class _Archived:
    """What the writing thread reports back to the event loop for one exchange."""

    location: dict[str, Any] | None = None
    error: str | None = None  # why it was not archived
    close_reason: str | None = None  # set by the write that failed first: the crawl is to be closed
    counts: Counter[str] = field(default_factory=Counter)


class WarcWriterMiddleware:
    """Archives every response as received (enable next to the downloader, e.g. at 950)."""

    def __init__(
        self, warc_dir: Path, max_bytes: int, stats: StatsCollector, info: dict[str, str] | None = None, crawler: Crawler | None = None
    ):  # fmt: skip
        self.warc_dir = Path(warc_dir)
        self.max_bytes = max_bytes
        self.stats = stats
        self.info = info or {}
        self.crawler = crawler
        self.pid = os.getpid()
        self.serial = 0
        self.file: BinaryIO | None = None  # unbuffered: what write() took is in the file, nothing waits in a buffer
        self.file_name: str | None = None
        self.buffer = io.BytesIO()
        self.writer = WARCWriter(self.buffer, gzip=True, warc_version=WARC_VERSION)  # builds and encodes records in memory
        self.failure: str | None = None  # set when a write failed: nothing more is archived by this crawl
        self._close_requested = False
        self._counts: Counter[str] = Counter()
        self._executor: ThreadPoolExecutor | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcWriterMiddleware:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_WARC_ENABLED", True):
            raise NotConfigured("NEWSCRAWL_WARC_ENABLED is off")
        info = {
            "software": f"newscrawl/{_version('newscrawl')} (warcio/{_version('warcio')}, Scrapy/{_version('scrapy')})",
            "hostname": socket.gethostname(),
            "http-header-user-agent": settings.get("USER_AGENT"),
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
        }  # fmt: skip
        middleware = cls(
            Path(settings.get("NEWSCRAWL_WARC_DIR") or DEFAULT_DIR),
            settings.getint("NEWSCRAWL_WARC_MAX_BYTES", DEFAULT_MAX_BYTES),
            crawler.stats,
            info,
            crawler,
        )
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_closed(self) -> None:
        self.close()

    def process_response(self, request: Request, response: Response) -> Response | Coroutine[Any, Any, Response]:
        """The response once archived; WarcWriteError if it could not be.

        In a crawl (a running asyncio loop) this returns a coroutine, which Scrapy awaits: the record is
        compressed and written on the writing thread while the loop goes on, and the spider sees the
        response (with request.meta["warc"] set) only once its record is whole in the file. Called
        outside an event loop (tools, tests) it archives before returning.
        """
        if "cached" in response.flags:  # an HTTP cache hit was archived when it was fetched
            self.stats.inc_value("warc/skipped_cached")
            return response
        received = datetime.now(UTC)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._settle(request, self._worker().submit(self._archive, request, response, received).result())
            return response
        return self._archive_off_the_loop(loop, request, response, received)

    async def _archive_off_the_loop(self, loop: asyncio.AbstractEventLoop, request: Request, response: Response, received: datetime) -> Response:
        archived = await loop.run_in_executor(self._worker(), self._archive, request, response, received)
        self._settle(request, archived)
        return response

    def _worker(self) -> ThreadPoolExecutor:
        """One writing thread: records are written in the order their responses came, never interleaved."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warc-writer")
        return self._executor

    def _settle(self, request: Request, archived: _Archived) -> None:
        """Back on the caller's thread: count, tell where the record lies, or refuse the response."""
        for name, value in archived.counts.items():
            self.stats.inc_value(name, value)
        if archived.close_reason and not self._close_requested:
            self._close_requested = True
            if self.crawler is not None:
                close_crawl(self.crawler, archived.close_reason)
        if archived.error is not None:
            self.stats.inc_value("warc/refused_responses")
            raise WarcWriteError(archived.error)
        request.meta["warc"] = archived.location

    def _archive(self, request: Request, response: Response, received: datetime) -> _Archived:
        """On the writing thread: the exchange whole in the file, or nothing of it and the reason."""
        self._counts = counts = Counter[str]()
        if self.failure is not None:
            return _Archived(error=f"WARC writing stopped after an earlier failure ({self.failure})", counts=counts)
        start = None
        try:
            self._ready()
            assert self.file is not None
            start = self.file.tell()
            location = self._write_exchange(request, response, received)
        except OSError as error:
            return self._failed(error, request.url, start, counts)
        return _Archived(location=location, counts=counts)

    def _failed(self, error: OSError, url: str, start: int | None, counts: Counter[str]) -> _Archived:
        """A write failed (disk full, folder gone): cut the file back to the exchange's start, stop archiving."""
        counts["warc/errors"] += 1
        self.failure = message = f"WARC write failed: {describe_os_error(error)}"
        where = self.warc_dir / self.file_name if self.file_name else self.warc_dir
        if self.file is not None and start is not None:
            try:
                self.file.truncate(start)
                self.file.seek(start)
            except OSError as again:  # the part written stays: readers stop at it with a warning
                counts["warc/damaged_files"] += 1
                logger.error("could not cut %s back to offset %d (%s): the file ends in a partial record", where, start, describe_os_error(again))
                self._abandon()
        reason = DISK_FULL if is_disk_full(error) else WARC_WRITE_FAILED
        logger.error(
            "could not archive %s in %s (%s): no record of it was kept, and no further response is archived or "
            "handed to the spider; closing the crawl (%s)", url, where, message, reason,
        )  # fmt: skip
        return _Archived(error=message, close_reason=reason, counts=counts)

    # --- the file ------------------------------------------------------------------------------------
    def close(self) -> None:
        """Wait for the writing thread, then close the file; harmless when nothing is open."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        self._close_file()

    def _close_file(self) -> None:
        if self.file is not None:
            self.file.close()
            logger.info("closed WARC file %s", self.warc_dir / self.file_name if self.file_name else self.warc_dir)
        self.file = self.file_name = None

    def _abandon(self) -> None:
        """Leave a file that ends in a partial record: nothing more is written to it."""
        try:
            if self.file is not None:
                self.file.close()
        except OSError as error:
            logger.error("could not close WARC file %s (%s)", self.file_name, error)
        self.file = self.file_name = None

    def _open(self) -> None:
        self.warc_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        while True:
            self.serial += 1
            name = f"newscrawl-{stamp}-{self.pid}-{self.serial:05d}.warc.gz"
            try:
                self.file = open(self.warc_dir / name, "xb", buffering=0)  # noqa: SIM115 - closed in close()
                break
            except FileExistsError:
                continue
        self.file_name = name
        try:
            self._append(self._encode(self.writer.create_warcinfo_record(name, self.info)))
        except OSError:  # not even the warcinfo record fits: leave no empty file behind
            self.file.close()
            self.file = self.file_name = None
            (self.warc_dir / name).unlink(missing_ok=True)
            raise
        self._counts["warc/files"] += 1
        self._counts["warc/records"] += 1
        self._counts["warc/bytes"] += self.file.tell()
        logger.info("writing WARC file %s", self.warc_dir / name)

    def _ready(self) -> None:
        """A file with room left: opened at the first record, rotated past max_bytes."""
        if self.file is not None and self.file.tell() >= self.max_bytes:
            self._close_file()
        if self.file is None:
            self._open()

    def _encode(self, record: ArcWarcRecord) -> bytes:
        """One record as its own gzip member (warcio compresses at level 9: the slow part)."""
        try:
            self.writer.write_record(record)
            return self.buffer.getvalue()
        finally:  # empty for the next record, whatever happened to this one
            self.buffer.seek(0)
            self.buffer.truncate()

    def _append(self, data: bytes) -> None:
        """Write all of `data` at the end of the file; a short write is continued, an error raised."""
        assert self.file is not None
        view = memoryview(data)
        while view:
            written = self.file.write(view)
            view = view[written:]

    # --- the records ---------------------------------------------------------------------------------
    def _write_exchange(self, request: Request, response: Response, received: datetime) -> dict[str, Any]:
        """On the writing thread, the file ready: archive one request/response pair and return where it lies.

        The response record and the request record go to the file in one write, so that a failure leaves
        neither; OSError if the write fails (the file may then end in part of them: see _failed)."""
        assert self.file is not None
        writer = self.writer
        date = warc_date(received)
        extra = {"WARC-Type": "", "WARC-Date": date}  # WARC-Type first, as is usual; warcio fills it in
        protocol = response.protocol or "HTTP/1.1"
        if not protocol.startswith("HTTP/"):  # "h2": the records keep the HTTP/1 message form
            extra["WARC-Protocol"] = protocol
            protocol = "HTTP/1.1"
        if response.ip_address is not None:
            extra["WARC-IP-Address"] = str(response.ip_address)
        status_line = f"{response.status} {_reason(response.status)}".rstrip()
        http_headers = StatusAndHeaders(status_line, _response_headers(response), protocol=protocol)
        if response.status == 304:
            record = self._revisit(writer, response.url, http_headers, extra, request.meta.get("warc_refers_to"))
        else:
            record = writer.create_warc_record(
                response.url, "response", payload=io.BytesIO(response.body), length=len(response.body),
                http_headers=http_headers, warc_headers_dict=extra,
            )  # fmt: skip
        sent = self._request_record(writer, request, protocol, date, record.rec_headers.get_header("WARC-Record-ID"))
        data = self._encode(record) + self._encode(sent)
        offset = self.file.tell()
        self._append(data)
        self._counts["warc/records"] += 2
        self._counts["warc/bytes"] += len(data)
        return {"file": self.file_name, "offset": offset, "date": received}

    @staticmethod
    def _revisit(writer: WARCWriter, url: str, http_headers: StatusAndHeaders, extra: dict[str, str], refers_to: Any) -> ArcWarcRecord:
        headers = dict(extra, **{"WARC-Profile": SERVER_NOT_MODIFIED[writer.warc_version]})
        if refers_to:
            if refers_to.get("uri"):
                headers["WARC-Refers-To-Target-URI"] = refers_to["uri"]
            if refers_to.get("date"):
                headers["WARC-Refers-To-Date"] = warc_date(refers_to["date"])
        return writer.create_warc_record(url, "revisit", http_headers=http_headers, warc_headers_dict=headers)

    @staticmethod
    def _request_record(writer: WARCWriter, request: Request, protocol: str, date: str, response_id: str) -> ArcWarcRecord:
        parts = urlsplit(request.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = _header_pairs(request.headers)
        if not any(name.lower() == "host" for name, _ in headers):
            headers.insert(0, ("Host", parts.netloc))  # added by the download handler, not in request.headers
        http_headers = StatusAndHeaders(f"{request.method} {target} {protocol}", headers, is_http_request=True)
        warc_headers = {"WARC-Type": "", "WARC-Date": date, "WARC-Concurrent-To": response_id}
        return writer.create_warc_record(
            request.url, "request", payload=io.BytesIO(request.body), length=len(request.body),
            http_headers=http_headers, warc_headers_dict=warc_headers,
        )  # fmt: skip


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def _header_pairs(headers: Any) -> list[tuple[str, str]]:
    """Scrapy Headers (bytes name -> list of bytes values) as (name, value) text pairs, one per value."""
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, values in headers.items() for value in values]


def _response_headers(response: Response) -> list[tuple[str, str]]:
    return [(RENAMED_HEADERS.get(name.lower(), name), value) for name, value in _header_pairs(response.headers)]


# --- reading -------------------------------------------------------------------------------------------
@dataclass
class ArchivedResponse:
    url: str
    date: datetime  # WARC-Date: when the response was received (aware, UTC)
    status: int
    headers: list[tuple[str, str]]  # the HTTP headers as archived (Content-Encoding still says how it came)
    body: bytes  # the payload with its content coding (gzip, deflate, br, zstd) undone where possible
    record_type: str  # "response" or "revisit"
    file: str  # the WARC file's name, relative to the WARC folder
    offset: int  # the record's byte offset in that file

    def header(self, name: str) -> str | None:
        """The first value of a header, by case-insensitive name."""
        name = name.lower()
        return next((value for key, value in self.headers if key.lower() == name), None)


def iter_responses(warc_dir: Path, since: datetime | None = None) -> Iterator[ArchivedResponse]:
    """Every `response` record of every *.warc.gz under warc_dir, files in name order (oldest first).

    `since` keeps records dated at or after it. A file whose last record was cut off (a killed crawl)
    is read up to the damage, with a warning, then the next file is read.
    """
    for path in sorted(Path(warc_dir).glob(FILE_PATTERN)):
        yield from _iter_file(path, since)


def _iter_file(path: Path, since: datetime | None) -> Iterator[ArchivedResponse]:
    with path.open("rb") as stream:
        records = ArchiveIterator(stream, check_digests=True)
        try:
            while (record := _next_record(path, records)) is not None:
                try:
                    payload = _read_payload(record)  # every record, so that damage anywhere is told
                except READ_ERRORS as error:
                    _warn_damaged(path, records, error)
                    return
                if record.rec_type != "response":
                    continue
                date = parse_warc_date(record.rec_headers.get_header("WARC-Date"))
                if since is None or date >= since:
                    yield _archived(record, payload, date, path.name, records.get_record_offset())
        finally:
            records.close()


def _next_record(path: Path, records: ArchiveIterator) -> ArcWarcRecord | None:
    """The next record, or None at the end of the file or at a record too damaged to parse."""
    try:
        record = next(records)
    except StopIteration:
        size = path.stat().st_size
        if records.offset < size:  # a record cut off inside its gzip header reads as the end
            _warn_damaged(path, records, ArchiveLoadFailed(f"{size - records.offset} bytes left that hold no record"))
        return None
    except Exception as error:  # noqa: BLE001 - warcio meets a cut-off record with all kinds of errors
        _warn_damaged(path, records, error)
        return None
    if record.format != "warc" or not record.rec_headers.get_header("WARC-Record-ID") or record.length is None:
        _warn_damaged(path, records, ArchiveLoadFailed("no whole WARC record header here"))
        return None
    return record


def _warn_damaged(path: Path, records: ArchiveIterator, error: BaseException) -> None:
    logger.warning("WARC file %s is damaged after offset %s (%s: %s); reading on with the next file",
                   path, records.offset, type(error).__name__, error)  # fmt: skip


def read_record(warc_dir: Path, file: str, offset: int) -> ArchivedResponse:
    """The response (or revisit) record at `offset` of `file`; ArchiveLoadFailed if there is none, or it is damaged."""
    with (Path(warc_dir) / file).open("rb") as stream:
        stream.seek(offset)
        records = ArchiveIterator(stream, check_digests=True)
        try:
            try:
                record = next(records)
            except StopIteration:
                record = None
            except Exception as error:  # warcio meets a damaged record with all kinds of errors
                raise ArchiveLoadFailed(f"damaged record at {file}:{offset} ({type(error).__name__}: {error})") from error
            if record is None or record.format != "warc" or record.rec_type not in ("response", "revisit"):
                raise ArchiveLoadFailed(f"no response record at {file}:{offset}")
            try:
                payload = _read_payload(record)
            except READ_ERRORS as error:
                raise ArchiveLoadFailed(f"damaged record at {file}:{offset} ({type(error).__name__}: {error})") from error
            return _archived(record, payload, parse_warc_date(record.rec_headers.get_header("WARC-Date")), file, offset)
        finally:
            records.close()


def _read_payload(record: ArcWarcRecord) -> bytes:
    """The stored payload; raises ArchiveLoadFailed if the record is cut off or fails its digests."""
    payload = record.raw_stream.read()
    stream = record.raw_stream
    if record.length is None or not isinstance(stream, LimitReader) or stream.limit > 0:
        raise ArchiveLoadFailed(f"record {record.rec_headers.get_header('WARC-Record-ID')} is cut off")
    if record.digest_checker.passed is False:
        raise ArchiveLoadFailed("; ".join(record.digest_checker.problems))
    return payload


def _archived(record: ArcWarcRecord, payload: bytes, date: datetime, file: str, offset: int) -> ArchivedResponse:
    http_headers = record.http_headers
    headers = list(http_headers.headers) if http_headers else []
    status = int(http_headers.get_statuscode()) if http_headers else 0
    encoding = next((value for name, value in headers if name.lower() == "content-encoding"), None)
    return ArchivedResponse(
        url=record.rec_headers.get_header("WARC-Target-URI"), date=date, status=status, headers=headers,
        body=decode_content(payload, encoding), record_type=record.rec_type, file=file, offset=offset,
    )  # fmt: skip


# --- content coding ------------------------------------------------------------------------------------
def _inflate(data: bytes, wbits: int) -> bytes:
    decompressor = zlib.decompressobj(wbits)
    return decompressor.decompress(data) + decompressor.flush()


def _gunzip(data: bytes) -> bytes:
    """All gzip members; a cut-off last member gives what it holds, as browsers do."""
    out = []
    while data:
        decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
        out.append(decompressor.decompress(data) + decompressor.flush())
        data = decompressor.unused_data
    return b"".join(out)


def _deflate(data: bytes) -> bytes:
    try:
        return _inflate(data, zlib.MAX_WBITS)  # zlib-wrapped, as RFC 9110 says
    except zlib.error:
        return _inflate(data, -zlib.MAX_WBITS)  # raw deflate, as some servers send


def _brotli(data: bytes) -> bytes:
    import brotli  # optional: Scrapy's own br support needs it too

    return brotli.decompress(data)


def _zstd(data: bytes) -> bytes:
    try:
        from compression import zstd  # Python 3.14+
    except ImportError:
        from backports import zstd  # optional

    return zstd.decompress(data)


DECODERS = {"gzip": _gunzip, "x-gzip": _gunzip, "deflate": _deflate, "br": _brotli, "zstd": _zstd, "identity": lambda data: data}


def decode_content(body: bytes, content_encoding: str | None) -> bytes:
    """Undo a Content-Encoding (codings applied in order, undone last first); the bytes as they are if that fails."""
    if not content_encoding or not body:
        return body
    decoded = body
    for coding in reversed([c.strip().lower() for c in content_encoding.split(",") if c.strip()]):
        decoder = DECODERS.get(coding)
        if decoder is None:
            logger.warning("unknown content coding %r: body kept encoded", coding)
            return body
        try:
            decoded = decoder(decoded)
        except Exception as error:  # noqa: BLE001 - zlib, brotli and zstd each raise their own error types
            logger.warning("could not undo content coding %r (%s: %s): body kept encoded", coding, type(error).__name__, error)
            return body
    return decoded
