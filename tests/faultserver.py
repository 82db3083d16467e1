"""A misbehaving HTTP server on 127.0.0.1 for fault-injection tests (started and stopped by the tests).

Routes map a path to a list of behaviours, used one per request (the last one repeats):
    Reply(status, body, headers)         a normal answer
    Reset()                              the connection is dropped without an answer
    Truncate(body, claimed)              Content-Length says `claimed` bytes, fewer are sent
    Slow(seconds, reply)                 wait, then answer (for timeouts)
    Endless(chunk)                       a chunked body that does not stop (for size caps)
    Drip(body, every)                    the body one byte at a time, `every` seconds apart (for deadlines)

FaultServer(ssl_context) serves HTTPS with that context's certificate.
"""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Reset:
    pass


@dataclass
class Truncate:
    body: bytes
    claimed: int


@dataclass
class Slow:
    seconds: float
    reply: Reply


@dataclass
class Endless:
    chunk: bytes = b"x" * 65536


@dataclass
class Drip:
    body: bytes
    every: float


class FaultServer:
    def __init__(self, ssl_context: ssl.SSLContext | None = None):
        self.scheme = "https" if ssl_context else "http"
        self.routes: dict[str, list] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                outer.requests.append((self.path, dict(self.headers.items())))
                plan = outer.routes.get(self.path) or [Reply(404, b"not found")]
                behaviour = plan.pop(0) if len(plan) > 1 else plan[0]
                outer._serve(self, behaviour)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        if ssl_context:
            self.httpd.socket = ssl_context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        # a short poll: shutdown() waits for it, at the end of every test
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, *behaviours) -> str:
        self.routes[path] = list(behaviours)
        return self.url(path)

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)

    def _serve(self, h: BaseHTTPRequestHandler, b) -> None:
        if isinstance(b, Slow):
            time.sleep(b.seconds)
            b = b.reply
        if isinstance(b, Reset):
            # RST instead of FIN: the client sees "connection reset by peer"
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            h.connection.close()
            h.close_connection = True
            return
        if isinstance(b, Truncate):
            h.send_response(200)
            h.send_header("Content-Type", "text/html; charset=utf-8")
            h.send_header("Content-Length", str(b.claimed))
            h.end_headers()
            h.wfile.write(b.body)
            h.wfile.flush()
            h.connection.shutdown(socket.SHUT_RDWR)
            h.close_connection = True
            return
        if isinstance(b, Drip):
            h.send_response(200)
            h.send_header("Content-Type", "text/html; charset=utf-8")
            h.send_header("Content-Length", str(len(b.body)))
            h.end_headers()
            try:
                for i in range(len(b.body)):
                    h.wfile.write(b.body[i:i + 1])
                    h.wfile.flush()
                    time.sleep(b.every)
            except (BrokenPipeError, ConnectionResetError):
                pass
            h.close_connection = True
            return
        if isinstance(b, Endless):
            h.send_response(200)
            h.send_header("Content-Type", "application/octet-stream")
            h.send_header("Transfer-Encoding", "chunked")
            h.end_headers()
            try:
                for _ in range(10_000):
                    h.wfile.write(f"{len(b.chunk):x}\r\n".encode() + b.chunk + b"\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
            h.close_connection = True
            return
        h.send_response(b.status)
        headers = {"Content-Type": "text/html; charset=utf-8", **b.headers}
        for k, v in headers.items():
            h.send_header(k, v)
        if "Content-Length" not in headers:
            h.send_header("Content-Length", str(len(b.body)))
        h.end_headers()
        if b.body and b.status != 304:
            h.wfile.write(b.body)

    def __enter__(self) -> FaultServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
