"""A small HTTP balancer on loopback for the load test (Debian's haproxy and nginx are not
installed here): round robin over the app servers, a server that refuses connections is
taken out of the pool and the request is sent to the next one (as nginx's
``proxy_next_upstream error``); a server that dies while it holds a request answers that
request with 502 (nginx does the same for a non-idempotent request). Every answer is
recorded with its server, its status and when it started and ended, so the test can tell
which 5xx were the killed server's in-flight requests.
"""

from __future__ import annotations

import http.client
import itertools
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
}


@dataclass
class Answer:
    backend: int | None
    status: int
    started: float
    ended: float


class Balancer:
    def __init__(self, backends: list[tuple[str, int]]):
        self.backends = backends
        self.down: set[int] = set()
        self.answers: list[Answer] = []
        self.lock = threading.Lock()
        self._next = itertools.cycle(range(len(backends)))
        balancer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _any(self):
                balancer.forward(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> Balancer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _pick(self) -> list[int]:
        with self.lock:
            first = next(self._next)
        order = [(first + i) % len(self.backends) for i in range(len(self.backends))]
        return [i for i in order if i not in self.down] + [i for i in order if i in self.down]

    def forward(self, handler: BaseHTTPRequestHandler) -> None:
        started = time.monotonic()
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else None
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["X-Forwarded-Proto"] = "https"
        headers["X-Forwarded-For"] = handler.client_address[0]
        status, reply_headers, payload, used = 502, [], b"bad gateway", None
        for index in self._pick():
            host, port = self.backends[index]
            conn = http.client.HTTPConnection(host, port, timeout=60)
            try:
                conn.connect()
            except OSError:
                with self.lock:
                    self.down.add(index)  # refused: out of the pool, try the next
                continue
            used = index
            try:
                conn.request(handler.command, handler.path, body=body, headers=headers)
                response = conn.getresponse()
                status = response.status
                reply_headers = [
                    (k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP
                ]
                payload = response.read()
            except (OSError, http.client.HTTPException):
                status, reply_headers, payload = 502, [], b"bad gateway: server died"
            finally:
                conn.close()
            break
        with self.lock:
            self.answers.append(Answer(used, status, started, time.monotonic()))
        handler.send_response(status)
        for key, value in reply_headers:
            if key.lower() != "content-length":
                handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(payload)
