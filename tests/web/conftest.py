"""The console against real parts: SNMP lab agents, `netops exporter --lab`, Debian's
Prometheus, an audit of a copy with one cable moved, a git backup repository with two
versions of a switch config, and `netops web` itself, all on loopback and stopped by PID."""

from __future__ import annotations

import http.cookiejar
import re
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import bcrypt
import pytest
from typer.testing import CliRunner

from cli import app
from netops.inventory import load_inventory
from netops.lab import snmp as snmp_lab
from netops.monitoring import PrometheusOptions, file_sd, prometheus_config, render_file_sd
from tests.monitor.conftest import free_tcp_port, lab_env, netops_command, start, stop, wait_http  # noqa: F401
from tests.monitor.test_prometheus_lab import PROMETHEUS, fast_rules, start_prometheus

DEVICES = ["ups-1", "env-1", "wangtai-ex-sw", *[f"wangtai-v00{n}" for n in range(1, 6)]]
PASSWORDS = {"eng": "engineer-pw", "aud": "auditor-pw", "wangtai": "viewer-pw"}
SECRET = "S3cretCipherText"  # a secret a backup must never show
runner = CliRunner()


def users_file(path: Path) -> Path:
    def h(p: str) -> str:
        return bcrypt.hashpw(p.encode(), bcrypt.gensalt(rounds=4)).decode()
    path.write_text(f"""users:
  - name: eng
    role: engineer
    password: "{h(PASSWORDS['eng'])}"
  - name: aud
    role: auditor
    password: "{h(PASSWORDS['aud'])}"
  - name: wangtai
    role: viewer
    towns: [wangtai]
    password: "{h(PASSWORDS['wangtai'])}"
""", encoding="utf-8")
    return path


def move_cable(inventory: Path) -> None:
    """The demo's moved cable: wangtai-in-sw's uplink plugged into wangtai-ex-sw."""
    links = inventory / "links.yaml"
    text = links.read_text(encoding="utf-8")
    moved = re.sub(r"^  b: in-core-1:XGigabitEthernet1/0/1$", "  b: wangtai-ex-sw:Ten-GigabitEthernet1/0/49", text, flags=re.M)
    assert moved != text
    links.write_text(moved, encoding="utf-8")


def backup_repo(repo: Path) -> tuple[str, str]:
    """Two versions of wangtai-ex-sw.cfg; the second adds a VLAN. Both hold a cipher secret."""
    repo.mkdir()
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()
    git("init", "-q")
    git("config", "user.name", "netops backup")
    git("config", "user.email", "netops@localhost")
    base = f"sysname wangtai-ex-sw\nlocal-user admin password irreversible-cipher {SECRET}\nvlan batch 100\n"
    (repo / "wangtai-ex-sw.cfg").write_text(base, encoding="utf-8")
    git("add", "-A")
    git("commit", "-q", "-m", "backup: 1 device changed")
    first = git("rev-parse", "HEAD")
    (repo / "wangtai-ex-sw.cfg").write_text(base + "vlan batch 200\n", encoding="utf-8")
    git("add", "-A")
    git("commit", "-q", "-m", "backup: wangtai-ex-sw changed")
    return first, git("rev-parse", "HEAD")


@pytest.fixture(scope="module")
def console(lab_env, tmp_path_factory):  # noqa: F811 - the imported fixture is used here
    """(base URL, inventory, lab dir, Prometheus URL, backup versions) with everything running."""
    if PROMETHEUS is None:
        pytest.skip("Debian package prometheus is not installed")
    if shutil.which("dot") is None:
        pytest.skip("Debian package graphviz is not installed")
    inventory, lab_dir = lab_env
    work = tmp_path_factory.mktemp("web")
    moved = work / "moved-cable"  # the console and the audit see the moved cable; the lab runs the valid copy
    shutil.copytree(inventory, moved)
    move_cable(moved)
    state = work / "last-audit.json"
    result = runner.invoke(app, ["audit", "isolation", "-i", str(moved), "--layers", "intent", "--state", str(state),
                                 "--json", "--out", str(work / "audit.json")])
    assert result.exit_code == 1 and state.exists(), result.output
    versions = backup_repo(work / "backups")
    result = runner.invoke(app, ["lab", "up", "-i", str(inventory), "--lab-dir", str(lab_dir), "--only", ",".join(DEVICES)])
    assert result.exit_code == 0, result.output
    exporter = prometheus = web = None
    try:
        port = free_tcp_port()
        exporter = start([*netops_command(), "exporter", "--lab", "-i", str(inventory), "--listen", f"127.0.0.1:{port}",
                          "--log-level", "warning"], work / "exporter.log")
        wait_http(f"http://127.0.0.1:{port}/-/healthy", exporter, work / "exporter.log")
        inv = load_inventory(inventory)
        (work / "targets").mkdir()
        groups = [g for g in file_sd(inv, lab=True) if g["targets"][0] in DEVICES]
        (work / "targets" / "lab.json").write_text(render_file_sd(groups), encoding="utf-8")
        fast_rules(work / "rules")
        config = prometheus_config(PrometheusOptions(exporters=[f"127.0.0.1:{port}"], scrape_interval="4s",
                                                     scrape_timeout="4s", evaluation_interval="1s"))
        prometheus, prom = start_prometheus(work, config)
        web_port = free_tcp_port()
        web = start([*netops_command(), "web", "-i", str(moved), "--users", str(users_file(work / "users.yaml")),
                     "--listen", f"127.0.0.1:{web_port}", "--prometheus", prom, "--audit-state", str(state),
                     "--repo", str(work / "backups"), "--log-level", "warning"], work / "web.log")
        base = f"http://127.0.0.1:{web_port}"
        wait_http(f"{base}/-/healthy", web, work / "web.log")
        yield {"base": base, "inventory": inventory, "lab_dir": lab_dir, "prometheus": prom, "versions": versions,
               "work": work}
    finally:
        stop(web)
        stop(prometheus)
        stop(exporter)
        snmp_lab.down(lab_dir)


class Client:
    """A cookie-keeping HTTP client that does not follow redirects (to see them)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, path: str, data: dict | None = None, method: str | None = None):  # noqa: ANN201
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, method=method)
        try:
            with self.opener.open(req, timeout=10) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read().decode(errors="replace")

    def login_token(self) -> str:
        status, _, page = self.request("/login")
        assert status == 200
        return re.search(r'name="csrf" value="([^"]+)"', page).group(1)

    def login(self, user: str, password: str | None = None) -> int:
        token = self.login_token()
        status, _, _ = self.request("/login", {"csrf": token, "user": user, "password": password or PASSWORDS[user]})
        return status

    def cookie(self, name: str):  # noqa: ANN201
        return next((c for c in self.jar if c.name == name), None)
