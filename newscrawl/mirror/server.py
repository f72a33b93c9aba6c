"""Serve a `MirrorSite` over real HTTP on 127.0.0.1, for tests and for `newscrawl mirror`."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .site import MirrorSite


def _handler_for(site: MirrorSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "newscrawl-mirror"

        def _answer(self) -> None:
            response = site.respond(self.command, self.path, dict(self.headers.items()))
            self.send_response(response.status)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if response.body:
                self.wfile.write(response.body)

        do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class names it so
            pass

    return Handler


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
        server = ThreadingHTTPServer((self.host, self.port), _handler_for(self.site))
        server.daemon_threads = True
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
    port: int = 8000, host: str = "127.0.0.1", articles: int = 60, seed: int = 0, truth: str | None = None
) -> None:
    """Serve the mirror until Ctrl-C, writing the truth JSONL first when `truth` names a file."""
    site = MirrorSite(articles=articles, seed=seed)
    with MirrorServer(site, host=host, port=port) as server:
        if truth:
            site.write_truth(truth, server.base_url)
        stories = len({a.story.key for a in site.articles})
        channels = len({(a.city, a.channel) for a in site.articles})
        print(server.base_url, flush=True)
        print(
            f"mirror: {len(site.articles)} article pages ({stories} stories) in {channels} channels, seed {seed}"
            + (f", truth in {truth}" if truth else ""),
            flush=True,
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
