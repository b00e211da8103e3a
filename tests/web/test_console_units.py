"""The console's parts without the lab: hostile inventory text, users files, the CLI's
errors, the status overlay, and an unreachable Prometheus (nothing painted green)."""

from __future__ import annotations

import asyncio
import re
import shutil
import socket
from pathlib import Path

import aiohttp
import bcrypt
import pytest
import yaml
from typer.testing import CliRunner

from cli import app
from netops.console import topology
from netops.console.app import Console, build_app
from netops.console.users import User, UsersFileError, load_users
from netops.inventory.load import load_inventory
from netops.web.server import WebServer

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Debian package graphviz is not installed")


def _user(name: str = "eng", role: str = "engineer", **kw) -> User:
    return User(name=name, role=role, password=bcrypt.hashpw(b"pw", bcrypt.gensalt(4)).decode(), **kw)


async def _pages(console: Console, paths: list[str], user: str = "eng") -> dict[str, tuple[int, str]]:
    server = WebServer(build_app(console))
    host, port = await server.start("127.0.0.1", 0)
    base = f"http://{host}:{port}"
    out = {}
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            async with session.get(f"{base}/login") as r:
                token = re.search(r'name="csrf" value="([^"]+)"', await r.text()).group(1)
            async with session.post(f"{base}/login", data={"csrf": token, "user": user, "password": "pw"},
                                    allow_redirects=False) as r:
                assert r.status == 302
            for path in paths:
                async with session.get(base + path, allow_redirects=False) as r:
                    out[path] = (r.status, await r.text())
    finally:
        await server.close()
    return out


@needs_dot
def test_hostile_inventory_text_is_escaped_everywhere(tmp_path):
    inv_dir = tmp_path / "inventory"
    shutil.copytree(ROOT / "inventory", inv_dir)
    network = inv_dir / "network.yaml"
    doc = yaml.safe_load(network.read_text(encoding="utf-8"))
    doc["zones"][0]["label"] = '<script>alert("zone")</script>'
    network.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    sites = inv_dir / "sites.yaml"
    sdoc = yaml.safe_load(sites.read_text(encoding="utf-8"))
    town = next(s for s in sdoc["sites"] if s["name"] == "wangtai")
    town["label"] = '<img src=x onerror=alert(1)>'
    sites.write_text(yaml.safe_dump(sdoc, allow_unicode=True), encoding="utf-8")
    inv = load_inventory(inv_dir)
    pages = asyncio.run(_pages(Console(inventory=inv, users={"eng": _user()}),
                               ["/topology", "/villages", "/town/wangtai", "/device/wangtai-ex-sw"]))
    for path, (status, body) in pages.items():
        assert status == 200, path
        assert "<script>" not in body and "<img src=x" not in body, path


@needs_dot
def test_unreachable_prometheus_paints_nothing_green():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"  # nothing listens once closed
    inv = load_inventory(ROOT / "inventory")
    pages = asyncio.run(_pages(Console(inventory=inv, users={"eng": _user()}, prometheus=[dead]),
                               ["/topology", "/api/topology.json", "/villages"]))
    status, body = pages["/topology"]
    assert status == 200 and dead in body and "b7e4b0" not in body.split("<svg")[0].split("<style>")[1]
    assert '"up"' not in pages["/api/topology.json"][1] and dead in pages["/api/topology.json"][1]


@needs_dot
def test_history_refuses_revisions_that_are_not_commit_ids(tmp_path):
    inv = load_inventory(ROOT / "inventory")
    repo = tmp_path / "backups"
    repo.mkdir()
    (repo / ".git").mkdir()
    pages = asyncio.run(_pages(Console(inventory=inv, users={"eng": _user()}, backups=repo),
                               ["/history/fw-1?a=--output=/tmp/x&b=HEAD", "/history/fw-1?a=HEAD~1&b=HEAD"]))
    assert all(status == 400 for status, _ in pages.values())


def test_village_node_is_red_when_any_village_is_down():
    inv = load_inventory(ROOT / "inventory")
    _, nodes = topology.build_dot(inv, inv.devices)
    css = topology.overlay_css(nodes, {"wangtai-v001": "up", "wangtai-v002": "down", "wangtai-v003": "up"}, [])
    assert '[id="villages-wangtai-extranet"] :is(polygon,ellipse,path) { fill: #ff6b6b; }' in css
    css = topology.overlay_css(nodes, {}, [], {"ups-1", "wangtai-v004"})
    assert '[id="dev-ups-1"]' in css and '[id="villages-wangtai-extranet"]' in css and "#ff8c00" in css
    states = topology.node_states(nodes, {"wangtai-v001": "up", "wangtai-v002": "down"})
    assert states["villages-wangtai-extranet"] == "down" and states["dev-in-core-1"] == "unknown"


def test_boundary_devices_sit_outside_zone_clusters():
    inv = load_inventory(ROOT / "inventory")
    dot, _ = topology.build_dot(inv, inv.devices)
    clusters = re.findall(r"subgraph \"cluster_[^\"]+\" \{(.*?)\n\}", dot, flags=re.S)
    assert clusters and not any('"dev-fw-1"' in c or '"dev-gk-1"' in c for c in clusters)
    assert '"dev-fw-1" [id=' in dot


def test_users_file_errors_are_clear(tmp_path):
    bad = tmp_path / "users.yaml"
    bad.write_text("users:\n  - name: duty\n    role: engineer\n    password: secret123\n", encoding="utf-8")
    with pytest.raises(UsersFileError, match="bcrypt"):
        load_users(bad)
    bad.write_text("users:\n  - name: duty\n    role: admin\n    password: x\n", encoding="utf-8")
    with pytest.raises(UsersFileError, match="role"):
        load_users(bad)
    result = runner.invoke(app, ["web", "--users", str(bad), "--listen", "127.0.0.1:0"])
    assert result.exit_code == 2 and "Traceback" not in result.output and "users.yaml" in result.output


def test_web_needs_a_users_file_and_hashes_passwords():
    result = runner.invoke(app, ["web"])
    assert result.exit_code == 2 and "--users" in result.output
    result = runner.invoke(app, ["web", "--hash-password"], input="correct horse\n")
    assert result.exit_code == 0
    assert bcrypt.checkpw(b"correct horse", result.output.strip().encode())


def test_prometheus_urls_from_the_monitoring_plan(tmp_path):
    from netops.console.status import plan_prometheus_urls

    result = runner.invoke(app, ["monitor", "plan", "-i", str(ROOT / "inventory"), "--out", str(tmp_path / "plan")])
    assert result.exit_code == 0, result.output
    urls = plan_prometheus_urls(tmp_path / "plan")
    assert set(urls) >= {"intranet", "extranet"} and all(u.startswith("http://") for v in urls.values() for u in v)
    result = runner.invoke(app, ["web", "--users", str(tmp_path / "none.yaml"), "--plan", str(tmp_path)])
    assert result.exit_code == 2
    (tmp_path / "bad" / "intranet").mkdir(parents=True)
    (tmp_path / "bad" / "intranet" / "plan.json").write_text("{", encoding="utf-8")
    with pytest.raises(ValueError, match="plan.json"):
        plan_prometheus_urls(tmp_path / "bad")


def test_topology_without_graphviz_says_so(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    inv = load_inventory(ROOT / "inventory")
    pages = asyncio.run(_pages(Console(inventory=inv, users={"eng": _user()}), ["/topology", "/villages"]))
    assert pages["/topology"][0] == 200 and "graphviz is not installed" in pages["/topology"][1]
    assert pages["/villages"][0] == 200
