"""The systemd units, run for real the way systemd runs them (no systemd in the test machine):
ExecStart with the unit's Environment=, StateDirectory= as STATE_DIRECTORY, LoadCredential=
as a 0400 copy in CREDENTIALS_DIRECTORY, a minimal environment otherwise. The backup reaches
a FAKE Huawei device over real SSH (tests/fakes) and a bare repository standing in for the
off-site copy; the nightly audit writes the state the exporter then serves."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import yaml

from netops.services import ServiceOptions, unit_command, units
from tests.fakes.fake_huawei_ssh import FakeHuaweiDevice

ROOT = Path(__file__).resolve().parent.parent
NETOPS = Path(sys.executable).with_name("netops")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def site(tmp_path):
    """/etc/netops (config dir), /var/lib/netops (state), the credentials dir, an off-site repo."""
    with FakeHuaweiDevice(sysname="wangtai-in-sw", username="netops", password="svc-pass") as device:
        etc = tmp_path / "etc"
        inv = etc / "inventory"
        shutil.copytree(ROOT / "inventory", inv)
        creds = yaml.safe_load((inv / "credentials.yaml").read_text())
        for cred in creds["credentials"]:
            cred["password"] = {"secret": "admin-password"}
        (inv / "credentials.yaml").write_text(yaml.safe_dump(creds))
        lab = yaml.safe_load((inv / "lab.yaml").read_text())
        lab["lab"]["ssh"] = {"wangtai-in-sw": {"endpoint": f"{device.host}:{device.port}"}}
        (inv / "lab.yaml").write_text(yaml.safe_dump(lab))
        offsite = tmp_path / "jinan.git"
        subprocess.run(["git", "init", "-q", "--bare", str(offsite)], check=True)
        port = _free_port()
        (etc / "netops.yaml").write_text(yaml.safe_dump({
            "inventory": "inventory", "exporter_listen": f"127.0.0.1:{port}", "log_format": "json",
            "backup": {"author": "Dongying NOC <noc@dongying.example>", "remotes": [str(offsite)]}}))
        secrets = etc / "secrets.yaml"
        secrets.write_text(yaml.safe_dump({"admin-password": "svc-pass", "snmp-ex-auth": "a" * 12,
                                           "snmp-ex-priv": "p" * 12}))
        secrets.chmod(0o600)
        (etc / "known_hosts").write_text(device.public_key_line + "\n")
        files = units(ServiceOptions(netops=str(NETOPS), config_dir=etc, backup_args=["--lab"]))
        yield {"etc": etc, "state": tmp_path / "state", "creds": tmp_path / "credentials", "offsite": offsite,
               "port": port, "units": files, "device": device}


def as_systemd(site: dict, unit: str) -> tuple[list[str], dict[str, str]]:
    """The command and environment systemd would give this unit's ExecStart."""
    text = site["units"][unit]
    argv, unit_env = unit_command(text)
    state, creds = site["state"], site["creds"]
    state.mkdir(mode=0o750, exist_ok=True)
    cache = state.parent / "cache"  # CacheDirectory=: the parsed-inventory cache (0700)
    cache.mkdir(mode=0o700, exist_ok=True)
    if "LoadCredential=secrets.yaml:" in text:
        creds.mkdir(exist_ok=True)
        source = re.search(r"LoadCredential=secrets\.yaml:(\S+)", text).group(1)
        shutil.copyfile(source, creds / "secrets.yaml")
        os.chmod(creds / "secrets.yaml", 0o400)
    swap = lambda v: v.replace("/var/lib/netops", str(state)).replace("%d", str(creds))  # noqa: E731
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8",
           "HOME": str(state), "STATE_DIRECTORY": str(state), "CACHE_DIRECTORY": str(cache),
           "CREDENTIALS_DIRECTORY": str(creds),
           **{k: swap(v) for k, v in unit_env.items()}}
    return [swap(a) for a in argv], env


def test_units_are_hardened_and_push_never_runs_unattended(site):
    files = site["units"]
    assert set(files) == {"netops-exporter.service", "netops-backup.service", "netops-backup.timer",
                          "netops-audit.service", "netops-audit.timer"}
    for name, text in files.items():
        assert " push" not in text and "netops push" not in text, name
        if name.endswith(".service"):
            for line in ("User=netops", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes",
                         "CapabilityBoundingSet=\n", "PrivateTmp=yes", "StateDirectory=netops",
                         "CacheDirectory=netops", "CacheDirectoryMode=0700"):
                assert line in text, f"{name} lacks {line.strip()}"
    assert "OnCalendar=hourly" in files["netops-backup.timer"]
    assert "OnCalendar=*-*-* 02:30:00" in files["netops-audit.timer"]


def test_systemd_analyze_verify(site, tmp_path):
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed (Debian package systemd)")
    out = tmp_path / "units"
    out.mkdir()
    for name, text in site["units"].items():
        (out / name).write_text(text)
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", *sorted(str(p) for p in out.iterdir())],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_backup_audit_and_exporter_run_as_their_units(site):
    argv, env = as_systemd(site, "netops-backup.service")
    backup = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    assert backup.returncode == 0, backup.stdout[-2000:] + backup.stderr[-2000:]
    repo = site["state"] / "backups"
    assert (repo / "wangtai-in-sw.cfg").is_file()
    head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    offsite = subprocess.run(["git", "-C", str(site["offsite"]), "rev-parse", "HEAD"], capture_output=True,
                             text=True).stdout
    assert head and head == offsite, "the hourly backup reaches the off-site repository"

    again = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0
    count = subprocess.run(["git", "-C", str(repo), "rev-list", "--count", "HEAD"], capture_output=True, text=True)
    assert count.stdout.strip() == "1", "an unchanged network makes no new commit"

    argv, env = as_systemd(site, "netops-audit.service")
    audit = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=600)
    # one device backed up: the config layer cannot see the others, so the audit fails closed
    assert audit.returncode == 1, audit.stderr[-2000:]
    assert (site["state"] / "audit" / "last-audit.json").is_file()

    argv, env = as_systemd(site, "netops-exporter.service")
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = ""
        for _ in range(50):
            line = proc.stderr.readline()
            if "listening on" in line or not line:
                break
        assert f"127.0.0.1:{site['port']}" in line, line
        with urllib.request.urlopen(f"http://127.0.0.1:{site['port']}/metrics", timeout=30) as response:
            body = response.read().decode()
        assert "netops_audit_report_present 1" in body, "the exporter reads the state the audit unit wrote"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_install_writes_units_and_the_user_under_a_root(tmp_path):
    from typer.testing import CliRunner

    import cli

    result = CliRunner().invoke(cli.app, ["service", "install", "--root", str(tmp_path), "--netops", str(NETOPS),
                                          "--json"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "etc/systemd/system/netops-backup.timer").is_file()
    assert (tmp_path / "etc/sysusers.d/netops.conf").read_text().startswith("u netops ")
    blocked = tmp_path / "ro"
    blocked.write_text("a file where a directory should be")
    refused = CliRunner().invoke(cli.app, ["service", "install", "--root", str(blocked), "--json"])
    assert refused.exit_code == 3 and "cannot write" in refused.stderr
