"""A small asyncio HTTP/1.1 server: just enough for Prometheus scrapes, strict about input.

The exporter's SNMP client runs on the same event loop, so a scrape needs no thread hop.
Requests are GET/HEAD/POST with a bounded header size and read timeout; keep-alive is
honoured. Anything malformed gets a 400 and the connection is closed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

MAX_HEAD = 16 * 1024
MAX_BODY = 64 * 1024
READ_TIMEOUT = 30.0

REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
           413: "Payload Too Large", 500: "Internal Server Error", 503: "Service Unavailable"}


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Request], Awaitable[Response]]


class HttpServer:
    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self._server: asyncio.base_events.Server | None = None
        self._connections: set[asyncio.Task] = set()

    async def start(self, host: str, port: int) -> tuple[str, int]:
        self._server = await asyncio.start_server(self._connection, host, port, limit=MAX_HEAD, reuse_address=True)
        sock = self._server.sockets[0].getsockname()
        return sock[0], sock[1]

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            for task in list(self._connections):
                task.cancel()
            await self._server.wait_closed()
            self._server = None

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._connections.add(task)
        try:
            while True:
                keep_alive = await self._one(reader, writer)
                if not keep_alive:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError, TimeoutError):
            pass
        finally:
            if task is not None:
                self._connections.discard(task)
            writer.close()

    async def _one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_TIMEOUT)
        except asyncio.IncompleteReadError as exc:
            if exc.partial:
                await self._send(writer, Response(400, b"incomplete request\n"), False, False)
            return False
        except asyncio.LimitOverrunError:
            await self._send(writer, Response(400, b"request head too large\n"), False, False)
            return False
        request, version = _parse(head)
        if request is None:
            await self._send(writer, Response(400, b"malformed request\n"), False, False)
            return False
        length = request.headers.get("content-length", "0")
        if not length.isdigit() or int(length) > MAX_BODY or "transfer-encoding" in request.headers:
            await self._send(writer, Response(413, b"request body not accepted\n"), False, False)
            return False
        if int(length):
            await asyncio.wait_for(reader.readexactly(int(length)), READ_TIMEOUT)
        connection = request.headers.get("connection", "").lower()
        keep_alive = connection != "close" if version == "HTTP/1.1" else connection == "keep-alive"
        try:
            response = await self._handler(request)
        except Exception as exc:  # noqa: BLE001 - one bad request must not take the server down
            response = Response(500, f"internal error: {type(exc).__name__}\n".encode())
        await self._send(writer, response, keep_alive, request.method == "HEAD")
        return keep_alive

    @staticmethod
    async def _send(writer: asyncio.StreamWriter, response: Response, keep_alive: bool, head_only: bool) -> None:
        lines = [
            f"HTTP/1.1 {response.status} {REASONS.get(response.status, 'Status')}",
            f"Content-Type: {response.content_type}",
            f"Content-Length: {len(response.body)}",
            f"Connection: {'keep-alive' if keep_alive else 'close'}",
            *(f"{k}: {v}" for k, v in response.headers.items()),
        ]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        if not head_only:
            writer.write(response.body)
        await writer.drain()


def _parse(head: bytes) -> tuple[Request | None, str]:
    try:
        text = head.decode("latin-1")
        request_line, *header_lines = text[:-4].split("\r\n")
        method, target, version = request_line.split(" ")
    except ValueError:
        return None, ""
    if version not in ("HTTP/1.0", "HTTP/1.1") or not target.startswith("/"):
        return None, version
    headers: dict[str, str] = {}
    for line in header_lines:
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip():
            return None, version
        headers[name.lower()] = value.strip()
    parts = urlsplit(target)
    query = parse_qs(parts.query, keep_blank_values=True)
    return Request(method.upper(), unquote(parts.path), query, headers), version
