"""One way to serve HTTP in netops: an aiohttp application behind the web config's TLS and
basic auth, with bounded request sizes. The exporter uses it; receivers and the console can.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from aiohttp import web

from netops.web.auth import BasicAuth
from netops.web.config import WebConfig, load_web_config

MAX_BODY = 64 * 1024


def _middleware(config: WebConfig, public: frozenset[str]):  # noqa: ANN202
    auth = BasicAuth(config.basic_auth_users)
    headers = dict(config.http_server_config.headers)

    @web.middleware
    async def guard(request: web.Request, handler):  # noqa: ANN001, ANN202
        if auth.enabled and request.path not in public and not await auth.check(request.headers.get("Authorization")):
            response: web.StreamResponse = web.Response(
                status=401, text="Unauthorized\n", headers={"WWW-Authenticate": 'Basic realm="netops"'})
        else:
            response = await handler(request)
        response.headers.update(headers)
        return response

    return guard


class WebServer:
    """Start and stop an aiohttp app on host:port with the web config applied."""

    def __init__(self, app: web.Application, web_config: Path | None = None, *,
                 public_paths: Iterable[str] = ()) -> None:
        self.config, self._ssl = load_web_config(web_config)
        app.middlewares.append(_middleware(self.config, frozenset(public_paths)))
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        self.scheme = "https" if self._ssl else "http"

    async def start(self, host: str, port: int) -> tuple[str, int]:
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port, ssl_context=self._ssl, reuse_address=True)
        await site.start()
        sock = site._server.sockets[0].getsockname()  # type: ignore[union-attr]  # port 0 -> the real one
        return sock[0], sock[1]

    async def close(self) -> None:
        await self._runner.cleanup()


def application() -> web.Application:
    """An app with netops' request limits (bodies up to 64 KiB)."""
    return web.Application(client_max_size=MAX_BODY)
