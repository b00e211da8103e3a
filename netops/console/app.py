"""The console's aiohttp application: login, scopes, and the read-only pages.

Every page is a GET; the only POSTs are logging in and out, both CSRF-checked. Anything
else is refused with 405, so the console cannot change the network even by mistake.
"""

from __future__ import annotations

import asyncio
import html
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from netops.console import history, topology, views
from netops.console.i18n import LANGS, translator
from netops.console.sessions import LOGIN_COOKIE, SESSION_COOKIE, SessionStore, new_nonce, same_token
from netops.console.status import LiveStatus, fetch_status
from netops.console.users import User, authenticate, may_see, may_see_town, visible_devices
from netops.inventory.model import Inventory

PUBLIC = frozenset({"/login", "/-/healthy", "/static/console.css", "/favicon.ico"})
LANG_COOKIE = "netops_lang"
STATUS_TTL = 2.0
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@dataclass
class Console:
    """Everything the pages read; built once by `netops web`."""

    inventory: Inventory
    users: dict[str, User]
    prometheus: list[str] = field(default_factory=list)
    audit_state: Path | None = None
    backups: Path | None = None
    secure_cookies: bool = False
    problems: list[str] = field(default_factory=list)  # inventory validation problems, shown on every page
    sessions: SessionStore = field(default_factory=SessionStore)
    _layouts: dict[frozenset[str], tuple[str, topology.GraphNodes]] = field(default_factory=dict)
    _status: tuple[float, bool, LiveStatus] | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def status(self, room: bool = False) -> LiveStatus:
        """Live status, shared by requests for STATUS_TTL seconds."""
        async with self._lock:
            cached = self._status
            if cached and time.monotonic() - cached[0] < STATUS_TTL and (cached[1] or not room):
                return cached[2]
            status = await fetch_status(self.prometheus, room=room) if self.prometheus else LiveStatus()
            self._status = (time.monotonic(), room, status)
            return status

    async def layout(self, devices: dict[str, Any]) -> tuple[str, topology.GraphNodes]:
        key = frozenset(devices)
        if key not in self._layouts:
            dot, nodes = topology.build_dot(self.inventory, devices)
            svg = await asyncio.to_thread(topology.layout_svg, dot)
            self._layouts[key] = (svg, nodes)
        return self._layouts[key]


_env = jinja2.Environment(loader=jinja2.PackageLoader("netops.console", "templates"),
                          autoescape=True, trim_blocks=True, lstrip_blocks=True)

CONSOLE = web.AppKey("console", Console)
# typed request keys where aiohttp has them (3.12+), plain strings before
SESSION = web.RequestKey("session", object) if hasattr(web, "RequestKey") else "session"  # type: ignore[attr-defined]
USER = web.RequestKey("user", object) if hasattr(web, "RequestKey") else "user"  # type: ignore[attr-defined]


def _console(request: web.Request) -> Console:
    return request.app[CONSOLE]


def _lang(request: web.Request) -> str:
    lang = request.query.get("lang") or request.cookies.get(LANG_COOKIE) or "zh"
    return lang if lang in LANGS else "zh"


def render(request: web.Request, template: str, http_status: int = 200, **context: Any) -> web.Response:
    lang = _lang(request)
    session = request.get(SESSION)
    page = _env.get_template(template).render(
        t=translator(lang), lang=lang, user=request.get(USER), csrf=session.csrf if session else "",
        path=request.path, problems=request.app[CONSOLE].problems if session else [], **context)
    response = web.Response(text=page, status=http_status, content_type="text/html", charset="utf-8")
    if request.query.get("lang") in LANGS:
        response.set_cookie(LANG_COOKIE, lang, httponly=True, samesite="Strict", max_age=365 * 86400)
    return response


def redirect(location: str) -> web.Response:
    return web.Response(status=302, headers={"Location": location})


def forbidden(request: web.Request) -> web.Response:
    return render(request, "error.html", http_status=403, message="forbidden")


@web.middleware
async def guard(request: web.Request, handler):  # noqa: ANN001, ANN202
    console = _console(request)
    if request.method not in ("GET", "HEAD") and request.path not in ("/login", "/logout"):
        response: web.StreamResponse = web.Response(status=405, text="read-only console\n")
    else:
        session = console.sessions.get(request.cookies.get(SESSION_COOKIE))
        user = console.users.get(session.user) if session else None
        if user is None and request.path not in PUBLIC:
            if request.method == "GET":
                response = redirect("/login")
            else:
                response = web.Response(status=403, text="not logged in\n")
        else:
            request[SESSION], request[USER] = session, user
            try:
                response = await handler(request)
            except web.HTTPException as exc:  # raised by handlers; answered as a plain response
                response = web.Response(status=exc.status, text=exc.text, headers=exc.headers)
    response.headers.update({k: v for k, v in HEADERS.items() if k not in response.headers})
    return response


# --- login ----------------------------------------------------------------------------------


async def login_form(request: web.Request, error: str = "", status: int = 200) -> web.Response:
    console = _console(request)
    # one nonce per browser until login: a second tab or a favicon fetch must not void the first form
    nonce = request.cookies.get(LOGIN_COOKIE) or ""
    if not (20 <= len(nonce) <= 64 and nonce.replace("-", "").replace("_", "").isalnum()):
        nonce = new_nonce()
    response = render(request, "login.html", http_status=status, token=console.sessions.login_token(nonce), error=error)
    response.set_cookie(LOGIN_COOKIE, nonce, httponly=True, samesite="Strict", secure=console.secure_cookies)
    return response


async def login(request: web.Request) -> web.Response:
    console = _console(request)
    form = await request.post()
    if not console.sessions.login_token_ok(request.cookies.get(LOGIN_COOKIE), str(form.get("csrf", ""))):
        return await login_form(request, "bad_csrf", status=403)
    user = await authenticate(console.users, str(form.get("user", "")), str(form.get("password", "")))
    if user is None:
        return await login_form(request, "bad_login", status=401)
    console.sessions.end(request.cookies.get(SESSION_COOKIE))  # a new id at login: no session fixation
    response = redirect("/topology")
    response.set_cookie(SESSION_COOKIE, console.sessions.create(user.name), httponly=True, samesite="Strict",
                        secure=console.secure_cookies, path="/")
    response.del_cookie(LOGIN_COOKIE)
    return response


async def logout(request: web.Request) -> web.Response:
    console = _console(request)
    session = request.get(SESSION)
    form = await request.post()
    if session is None or not same_token(session.csrf, str(form.get("csrf", ""))):
        return web.Response(status=403, text="bad CSRF token\n")
    console.sessions.end(request.cookies.get(SESSION_COOKIE))
    response = redirect("/login")
    response.del_cookie(SESSION_COOKIE, path="/")
    return response


# --- pages ----------------------------------------------------------------------------------


async def index(request: web.Request) -> web.Response:
    return redirect("/topology")


async def healthy(request: web.Request) -> web.Response:
    return web.Response(text="OK\n")


def _audit(console: Console) -> dict[str, Any] | None:
    return views.load_audit(console.audit_state) if console.audit_state else None


async def topology_page(request: web.Request) -> web.Response:
    console, user = _console(request), request[USER]
    devices = visible_devices(user, console.inventory)
    try:
        svg, nodes = await console.layout(devices)
    except topology.TopologyError as exc:  # no Graphviz: say so, keep the rest of the console
        svg, nodes = f'<p class="error" id="layout-error">{html.escape(str(exc))}</p>', topology.GraphNodes({})
    status = await console.status()
    report = _audit(console) if request.query.get("audit") else None
    paths = [p for p in views.audit_paths(report)] if report else []
    paths = [[d for d in p if d in devices] for p in paths]
    alerting = {a.get("device") or a.get("instance") or "" for a in status.alerts}
    css = topology.overlay_css(nodes, status.state, paths, alerting)
    down = sorted(n for n in devices if status.of(n) == "down")
    return render(request, "topology.html", svg=svg, css=css, down=down, status=status, paths=paths,
                  zones=console.inventory.zones, prometheus=console.prometheus)


async def topology_json(request: web.Request) -> web.Response:
    console, user = _console(request), request[USER]
    devices = visible_devices(user, console.inventory)
    try:
        _, nodes = await console.layout(devices)
    except topology.TopologyError as exc:
        return web.json_response({"error": str(exc)}, status=503)
    status = await console.status()
    return web.json_response({"nodes": topology.node_states(nodes, status.state), "errors": status.errors})


def _device_or_deny(request: web.Request, name: str):  # noqa: ANN202
    """The device, or 403 for a scoped viewer (unknown names too: no existence oracle), 404 otherwise."""
    console, user = _console(request), request[USER]
    device = console.inventory.devices.get(name)
    if device is None or not may_see(user, console.inventory, device):
        if user.scoped or device is not None:
            raise web.HTTPForbidden(text="not in your scope\n")
        raise web.HTTPNotFound(text="no such device\n")
    return device


async def device_page(request: web.Request) -> web.Response:
    console = _console(request)
    device = _device_or_deny(request, request.match_info["name"])
    status = await console.status(room=True)
    last = history.versions(console.backups, device.name, limit=1) if console.backups else []
    metrics = {k: [r for r in v if r["metric"].get("device") == device.name] for k, v in status.series.items()}
    return render(request, "device.html", d=device, state=status.of(device.name), alerts=status.alerts_for(device.name),
                  cables=views.cables_of(console.inventory, device.name), last=last[0] if last else None,
                  metrics={k: v for k, v in metrics.items() if v}, draw=views.draw_w(console.inventory, device))


async def villages_page(request: web.Request) -> web.Response:
    console = _console(request)
    status = await console.status()
    return render(request, "villages.html", towns=views.towns(console.inventory, request[USER], status),
                  errors=status.errors)


async def town_page(request: web.Request) -> web.Response:
    console, user = _console(request), request[USER]
    name = request.match_info["name"]
    if not may_see_town(user, name):
        raise web.HTTPForbidden(text="not in your scope\n")
    status = await console.status()
    town = next((t for t in views.towns(console.inventory, user, status) if t.name == name), None)
    if town is None:
        raise web.HTTPNotFound(text="no such town\n")
    last = history.last_versions(console.backups) if console.backups else {}
    rows = []
    for village, state in town.villages:
        switch = views.village_switch(console.inventory, village.name)
        rows.append((village, state, views.village_cause(town, state), switch, last.get(switch or "")))
    return render(request, "town.html", town=town, rows=rows)


async def audit_page(request: web.Request) -> web.Response:
    console = _console(request)
    report = _audit(console)
    if report is not None:
        report = views.audit_visible(report, console.inventory, request[USER])
    return render(request, "audit.html", report=report)


async def history_index(request: web.Request) -> web.Response:
    console = _console(request)
    devices = visible_devices(request[USER], console.inventory)
    last = history.last_versions(console.backups) if console.backups else {}
    return render(request, "history_index.html", rows=sorted((n, v) for n, v in last.items() if n in devices))


async def history_page(request: web.Request) -> web.Response:
    console = _console(request)
    device = _device_or_deny(request, request.match_info["name"])
    repo = console.backups
    versions = history.versions(repo, device.name) if repo else []
    a, b = request.query.get("a"), request.query.get("b")
    lines = None
    if repo and a and b:
        lines = history.diff(repo, device.name, a, b, device.platform.value)
        if lines is None:
            raise web.HTTPBadRequest(text="unknown version\n")
    elif repo and versions and len(versions) >= 2 and request.query.get("last"):
        a, b = versions[1].commit, versions[0].commit
        lines = history.diff(repo, device.name, a, b, device.platform.value)
    return render(request, "history.html", d=device, versions=versions, lines=lines, a=a, b=b)


async def room_page(request: web.Request) -> web.Response:
    console = _console(request)
    devices = visible_devices(request[USER], console.inventory)
    status = await console.status(room=True)
    series = {k: [r for r in v if r["metric"].get("device", r["metric"].get("instance")) in devices]
              for k, v in status.series.items()}
    return render(request, "room.html", racks=views.racks(console.inventory, devices),
                  power=views.power_tree(console.inventory, devices), series=series, status=status)


async def favicon(request: web.Request) -> web.Response:
    return web.Response(status=204)


async def stylesheet(request: web.Request) -> web.Response:
    css = (Path(__file__).parent / "templates" / "console.css").read_text(encoding="utf-8")
    return web.Response(text=css, content_type="text/css")


def build_app(console: Console) -> web.Application:
    from netops.web.server import application

    app = application()
    app[CONSOLE] = console
    app.middlewares.append(guard)
    app.router.add_get("/", index)
    app.router.add_get("/-/healthy", healthy)
    app.router.add_get("/static/console.css", stylesheet)
    app.router.add_get("/favicon.ico", favicon)
    app.router.add_get("/login", login_form)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)
    app.router.add_get("/topology", topology_page)
    app.router.add_get("/api/topology.json", topology_json)
    app.router.add_get("/device/{name}", device_page)
    app.router.add_get("/villages", villages_page)
    app.router.add_get("/town/{name}", town_page)
    app.router.add_get("/audit", audit_page)
    app.router.add_get("/history", history_index)
    app.router.add_get("/history/{name}", history_page)
    app.router.add_get("/room", room_page)
    return app
