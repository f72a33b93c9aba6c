"""Serve a `MirrorSite` over real HTTP on 127.0.0.1, for tests and for `newscrawl mirror`."""

from __future__ import annotations

import asyncio
import http
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .faults import parse_faults
from .site import MirrorResponse, MirrorSite


def _handler_for(site: MirrorSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "newscrawl-mirror"

        def _answer(self) -> None:
            response = site.respond(self.command, self.path, dict(self.headers.items()))
            if response.delay:
                time.sleep(response.delay)  # the slow fault: only this handler thread waits
            self.send_response(response.status)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if response.truncate_at is not None:
                # The truncate fault: the full Content-Length went out; part of the body follows, then we hang up.
                self.wfile.write(response.body[: response.truncate_at])
                self.wfile.flush()
                self.close_connection = True
                return
            if response.body:
                self.wfile.write(response.body)

        do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, format: str, *args: object) -> None:  # `format`: the base class names it so
            pass

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # a client gave up on a slow, huge or truncated page: expected, not worth a traceback
        super().handle_error(request, client_address)


class MirrorServer:
    """A `MirrorSite` served from a daemon thread; port 0 picks a free port."""

    def __init__(self, site: MirrorSite, host: str = "127.0.0.1", port: int = 0) -> None:
        self.site = site
        self.host = host
        self.port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the mirror server is not started")
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
        return f"http://{host}:{self._server.server_address[1]}"

    def start(self) -> MirrorServer:
        if self._server is not None:
            return self
        server = _QuietServer((self.host, self.port), _handler_for(self.site))
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="mirror-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = self._thread = None

    def __enter__(self) -> MirrorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- a pre-rendered mirror: every page rendered once, answered from memory over HTTP/1.1 keep-alive ---------
MAX_REQUEST_HEAD = 64 * 1024  # a request head larger than this is not a crawler's: the connection is closed
CONDITIONAL_HEADERS = (b"if-none-match", b"if-modified-since")


def wire_bytes(response: MirrorResponse, *, head_only: bool = False, close: bool = False) -> bytes:
    """A MirrorResponse as the bytes of an HTTP/1.1 response (the whole body; truncation is the caller's)."""
    try:
        phrase = http.HTTPStatus(response.status).phrase
    except ValueError:
        phrase = ""
    lines = [f"HTTP/1.1 {response.status} {phrase}".rstrip(), "Server: newscrawl-mirror"]
    lines += [f"{name}: {value}" for name, value in response.headers.items()]
    if close:
        lines.append("Connection: close")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head if head_only else head + response.body


class _FastConnection(asyncio.Protocol):
    """One client connection: requests in order, pre-rendered answers written at once, the rest via `site.respond`."""

    def __init__(self, server: FastMirrorServer) -> None:
        self.server = server
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiting = False  # a slow answer is pending: later requests on this connection wait for it

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.server.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self.server.connections.discard(self)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self._process()

    def _process(self) -> None:
        while self.transport is not None and not self.waiting:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_REQUEST_HEAD:
                    self.transport.close()
                return
            lines = bytes(self.buffer[:end]).split(b"\r\n")
            headers: dict[bytes, bytes] = {}
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                headers[name.strip().lower()] = value.strip()
            try:
                length = int(headers.get(b"content-length", b"0"))
            except ValueError:
                length = -1
            parts = lines[0].split(b" ")
            if len(parts) != 3 or length < 0:
                self.transport.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                self.transport.close()
                return
            if len(self.buffer) < end + 4 + length:
                return  # the request body is not all here yet
            del self.buffer[: end + 4 + length]
            self._answer(parts[0], parts[1], parts[2], headers)

    def _answer(self, method: bytes, target: bytes, version: bytes, headers: dict[bytes, bytes]) -> None:
        assert self.transport is not None
        close = version != b"HTTP/1.1" or headers.get(b"connection", b"").lower() == b"close"
        server = self.server
        if method == b"GET" and headers.get(b"host") == server.host and not any(h in headers for h in CONDITIONAL_HEADERS):
            wire = server.pages.get(target)
            if wire is not None:
                self.transport.write(wire)
                if close:
                    self.transport.close()
                return
        server.live_requests += 1
        try:
            response = server.site.respond(
                method.decode("latin-1"), target.decode("latin-1"),
                {name.decode("latin-1"): value.decode("latin-1") for name, value in headers.items()},
            )  # fmt: skip
        except Exception:  # noqa: BLE001 - a bug in the mirror answers 500, it does not kill the server
            response = MirrorResponse(500, {"Content-Type": "text/plain", "Content-Length": "0"})
        if response.truncate_at is not None:
            close = True
        if response.delay:
            self.waiting = True
            asyncio.get_running_loop().call_later(response.delay, self._send, response, method, close)
        else:
            self._send(response, method, close)

    def _send(self, response: MirrorResponse, method: bytes, close: bool) -> None:
        self.waiting = False
        if self.transport is None:
            return
        if response.truncate_at is not None:
            # The truncate fault: the full Content-Length goes out, part of the body follows, then we hang up.
            self.transport.write(wire_bytes(response, head_only=True, close=True) + response.body[: response.truncate_at])
        else:
            self.transport.write(wire_bytes(response, head_only=method == b"HEAD", close=close))
        if close:
            self.transport.close()
            return
        self._process()


class FastMirrorServer:
    """A `MirrorSite` served from pages rendered once (`MirrorSite.prerender`), on raw asyncio in a daemon thread.

    Same interface as `MirrorServer`. Cheap per request (HTTP/1.1 keep-alive, one dict look-up and one write),
    so that a crawl benchmark measures the crawler, not the mirror. What the pre-rendered pages do not answer
    (conditional requests, faulty pages, another Host, unknown paths) is answered by `site.respond`, as
    `MirrorServer` answers it; `live_requests` counts those.
    """

    def __init__(self, site: MirrorSite, host: str = "127.0.0.1", port: int = 0) -> None:
        self.site = site
        self.bind_host = host
        self.port = port
        self.host = b""  # the Host header the pre-rendered pages were rendered for
        self.pages: dict[bytes, bytes] = {}
        self.live_requests = 0
        self.connections: set[_FastConnection] = set()
        self._socket: socket.socket | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._socket is None:
            raise RuntimeError("the mirror server is not started")
        return f"http://{self.host.decode('latin-1')}"

    def start(self) -> FastMirrorServer:
        if self._socket is not None:
            return self
        sock = socket.create_server((self.bind_host, self.port), backlog=128)
        host = "127.0.0.1" if self.bind_host in ("", "0.0.0.0") else self.bind_host
        self.host = f"{host}:{sock.getsockname()[1]}".encode("latin-1")
        self.pages = {
            path.encode("latin-1"): wire_bytes(response)
            for path, response in self.site.prerender(self.host.decode("latin-1")).items()
        }  # fmt: skip
        self._socket = sock
        loop = self._loop = asyncio.new_event_loop()
        ready = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(loop)
            server = loop.run_until_complete(loop.create_server(lambda: _FastConnection(self), sock=sock))
            ready.set()
            try:
                loop.run_forever()
            finally:
                server.close()
                for connection in list(self.connections):
                    if connection.transport is not None:
                        connection.transport.abort()
                loop.run_until_complete(asyncio.sleep(0))  # let the aborted transports finish closing
                loop.close()

        self._thread = threading.Thread(target=serve, name="fast-mirror-server", daemon=True)
        self._thread.start()
        ready.wait()
        return self

    def stop(self) -> None:
        if self._socket is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join()
        self._socket.close()
        self._socket = self._loop = self._thread = None

    def __enter__(self) -> FastMirrorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_mirror(
    port: int = 8000,
    host: str = "127.0.0.1",
    articles: int = 60,
    seed: int = 0,
    truth: str | None = None,
    day: int = 0,
    faults: str | None = None,
    variations: bool = False,
) -> None:
    """Serve the mirror until Ctrl-C, writing the truth JSONL first when `truth` names a file.

    `day` plays the site that many days forward; `faults` is a `parse_faults` spec such as "5xx=0.1,slow=0.05";
    `variations` adds edited reprints and look-alike column stories (for story clusters).
    """
    site = MirrorSite(articles=articles, seed=seed, day=day, faults=parse_faults(faults) if faults else None, variations=variations)
    with MirrorServer(site, host=host, port=port) as server:
        if truth:
            site.write_truth(truth, server.base_url)
        stories = len({a.story.key for a in site.articles})
        channels = len({(a.city, a.channel) for a in site.articles})
        print(server.base_url, flush=True)
        print(
            f"mirror: {len(site.articles)} article pages ({stories} stories) in {channels} channels, seed {seed}"
            + (f", day {day} ({len(site.removed_keys())} removed)" if day else "")
            + (f", faults {site.faults.spec()} on {len(site.fault_map())} pages" if site.faults else "")
            + (f", truth in {truth}" if truth else ""),
            flush=True,
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
