"""Serve a `MirrorSite` over real HTTP on 127.0.0.1, for tests and for `newscrawl mirror`."""

from __future__ import annotations

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .faults import parse_faults
from .site import MirrorSite


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

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class names it so
            pass

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
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


def run_mirror(
    port: int = 8000,
    host: str = "127.0.0.1",
    articles: int = 60,
    seed: int = 0,
    truth: str | None = None,
    day: int = 0,
    faults: str | None = None,
) -> None:
    """Serve the mirror until Ctrl-C, writing the truth JSONL first when `truth` names a file.

    `day` plays the site that many days forward; `faults` is a `parse_faults` spec such as "5xx=0.1,slow=0.05".
    """
    site = MirrorSite(articles=articles, seed=seed, day=day, faults=parse_faults(faults) if faults else None)
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
