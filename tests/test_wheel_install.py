"""The wheel works outside the checkout: build it, install it into a fresh venv in a temporary
directory, and run what a new user runs there (issue 13).

pip may fetch the dependencies from the package index; without one the test fails with pip's
message rather than pass on a checkout that was never installed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    """(netops executable, an empty working directory), both outside the checkout."""
    base = tmp_path_factory.mktemp("wheel")
    assert ROOT not in base.parents
    built = _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w", str(base / "dist")], base)
    assert built.returncode == 0, built.stderr[-3000:]
    wheel = next((base / "dist").glob("netops-*.whl"))
    _run([sys.executable, "-m", "venv", str(base / "venv")], base).check_returncode()
    pip = _run([str(base / "venv/bin/pip"), "install", "-q", "--disable-pip-version-check", str(wheel)], base)
    assert pip.returncode == 0, pip.stderr[-3000:]
    work = base / "work"
    work.mkdir()
    return base / "venv/bin/netops", work


def test_the_wheel_carries_the_data(installed):
    """Templates, profiles, rules, dashboards and the sample inventory are package data."""
    names = set(zipfile.ZipFile(next(installed[1].parent.glob("dist/netops-*.whl"))).namelist())
    for kind in ("templates/huawei_vrp/", "monitors/profiles/", "monitors/rules/", "monitors/dashboards/",
                 "inventory/devices.yaml"):
        assert any(n.startswith(f"netops/_data/{kind}") for n in names), kind


def _env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NETOPS_")}
    env.update(HOME=str(work), XDG_CONFIG_HOME=str(work / ".config"), NO_COLOR="1")
    return env


def test_validate_render_audit_profiles_from_the_wheel(installed):
    netops, work = installed
    env = _env(work)
    version = _run([str(netops), "--version"], work, env)
    assert version.returncode == 0 and re.match(r"netops \d+\.\d+", version.stdout)

    packaged = _run([str(netops), "data", "path", "templates"], work, env)
    assert packaged.returncode == 0 and "site-packages/netops/_data/templates" in packaged.stdout

    assert _run([str(netops), "data", "copy", "inventory", "inv"], work, env).returncode == 0
    validate = _run([str(netops), "inventory", "validate", "-i", "inv", "--json"], work, env)
    assert validate.returncode == 0, validate.stderr
    assert json.loads(validate.stdout)["valid"] is True

    render = _run([str(netops), "render", "-i", "inv", "-o", "configs", "--json"], work, env)
    assert render.returncode == 0, render.stderr[-2000:]
    assert json.loads(render.stdout)["rendered"] > 90 and len(list((work / "configs").glob("*.cfg"))) > 90

    audit = _run([str(netops), "audit", "isolation", "-i", "inv", "--configs", "configs",
                  "--state", "state/last-audit.json", "--json"], work, env)
    assert audit.returncode == 0, audit.stdout[-2000:] + audit.stderr[-2000:]
    assert (work / "state/last-audit.json").is_file()

    profiles = _run([str(netops), "snmp", "profiles", "--json"], work, env)
    assert profiles.returncode == 0, profiles.stderr
    assert {"if_mib", "ups_rfc1628"} <= {p["name"] for p in json.loads(profiles.stdout)}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_exporter_starts_from_the_wheel_and_serves_the_audit(installed):
    netops, work = installed
    env = _env(work)
    if not (work / "inv").is_dir():
        assert _run([str(netops), "data", "copy", "inventory", "inv"], work, env).returncode == 0
    state = work / "exporter-state.json"
    audit = _run([str(netops), "audit", "isolation", "-i", "inv", "--state", str(state), "--json"], work, env)
    assert audit.returncode == 0 and state.is_file(), audit.stderr[-2000:]
    port = _free_port()
    proc = subprocess.Popen([str(netops), "exporter", "-i", "inv", "--listen", f"127.0.0.1:{port}",
                             "--audit-state", str(state), "--log-format", "json"],
                            cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = ""
        for _ in range(50):
            line = proc.stderr.readline()
            if "listening on" in line or not line:
                break
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert found, f"exporter did not start: {line!r}"
        with urllib.request.urlopen(f"http://127.0.0.1:{found.group(1)}/metrics", timeout=30) as response:
            body = response.read().decode()
        assert "netops_audit_report_present 1" in body
    finally:
        proc.terminate()
        proc.wait(timeout=30)
