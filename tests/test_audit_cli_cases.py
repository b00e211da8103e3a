"""Every case issue 9 lists where `netops audit isolation` said COMPLIANT on evidence it had
not seen, through the CLI: each must now exit 1 with the right check FAIL or UNKNOWN.

The configurations are what `netops render` writes for the sample inventory, changed the
way a careless or hostile user would.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from netops.devices.gitstore import BackupStore
from tests.audit_support import configs, rendered  # noqa: F401 - shared fixtures
from tests.audit_support import SAMPLE, render_configs, replace_in

OLD, NEW = 1_700_000_000, 1_760_000_000



def run(tmp_path: Path, configs: Path, fmt: str = "json") -> tuple[int, dict]:
    result = CliRunner().invoke(app, ["audit", "isolation", "-i", str(SAMPLE), "--layers", "config", "--configs",
                                      str(configs), *(["--json"] if fmt == "json" else ["-f", fmt]),
                                      "-o", str(tmp_path / f"report.{fmt}"),
                                      "--state", str(tmp_path / "state.json")])
    assert "Traceback" not in result.output
    return result.exit_code, json.loads((tmp_path / "state.json").read_text())


def finding(data: dict, check: str, target: str) -> dict:
    return next(f for f in data["findings"] if f["check"] == check and f["target"] == target)


def verdict(data: dict, check: str, target: str) -> str:
    return finding(data, check, target)["verdict"]


def test_the_rendered_sample_is_compliant(tmp_path, configs):
    code, data = run(tmp_path, configs)
    assert code == 0, [f for f in data["findings"] if f["verdict"] != "PASS"][:3]
    used = [m for m in data["manifest"] if m["role"] == "config"]
    assert len(used) == 101 and all(m["used"] and len(m["sha256"]) == 64 for m in used)
    assert "newest candidate" in data["meta"]["evidence_rule"]


def test_vrp_config_cut_after_its_acls(tmp_path, configs):
    path = configs / "wangtai-in-sw.cfg"
    text = path.read_text()
    cut = text.index("interface XGigabitEthernet0/0/1")  # after the ACLs: no interfaces, routes, SNMP or vty
    path.write_text(text[:cut])
    code, data = run(tmp_path, configs)
    assert code == 1
    evidence = finding(data, "config.evidence", "wangtai-in-sw")
    assert evidence["verdict"] == "UNKNOWN" and "does not end with `return`" in evidence["message"]
    for check in ("config.route-isolation", "config.no-telnet", "config.snmp-v3", "config.address-in-zone"):
        assert verdict(data, check, "wangtai-in-sw") == "UNKNOWN"


def test_default_route_nested_under_an_interface(tmp_path, configs):
    replace_in(configs / "wangtai-in-sw.cfg", "interface Vlanif101\n",
               "interface Vlanif101\n ip route-static 0.0.0.0 0.0.0.0 10.20.1.1\n")
    code, data = run(tmp_path, configs)
    assert code == 1
    route = finding(data, "config.route-isolation", "wangtai-in-sw")
    assert route["verdict"] == "FAIL"
    assert any("ip route-static 0.0.0.0 0.0.0.0 10.20.1.1" in e for e in route["evidence"])
    assert any("applies it globally" in e for e in finding(data, "config.evidence", "wangtai-in-sw")["evidence"])


def test_snmp_community_nested_under_an_interface(tmp_path, configs):
    replace_in(configs / "wangtai-in-sw.cfg", "interface Vlanif101\n",
               "interface Vlanif101\n snmp-agent community read public\n")
    code, data = run(tmp_path, configs)
    assert code == 1 and verdict(data, "config.snmp-v3", "wangtai-in-sw") == "FAIL"


def test_telnet_server_nested_under_aaa(tmp_path, configs):
    replace_in(configs / "wangtai-in-sw.cfg", "aaa\n", "aaa\n telnet server enable\n")
    code, data = run(tmp_path, configs)
    assert code == 1 and verdict(data, "config.no-telnet", "wangtai-in-sw") == "FAIL"


def test_frr_route_nested_under_an_interface(tmp_path, configs):
    """FRR 8.4 installs a route written under `interface` as a global one (test_audit_frr_placement)."""
    replace_in(configs / "wangtai-ex-rt.cfg", "interface eth0\n",
               "interface eth0\n ip route 10.10.0.0/16 10.22.0.5\n ip route 0.0.0.0/0 10.22.0.5\n")
    code, data = run(tmp_path, configs)
    assert code == 1
    route = finding(data, "config.route-isolation", "wangtai-ex-rt")
    assert route["verdict"] == "FAIL" and any("ip route 10.10.0.0/16" in e for e in route["evidence"])


def test_frr_config_as_the_vrp_core_switch(tmp_path, configs):
    text = (configs / "wangtai-ex-rt.cfg").read_text().replace("hostname wangtai-ex-rt", "hostname in-core-1")
    (configs / "in-core-1.cfg").write_text(text)
    code, data = run(tmp_path, configs)
    evidence = finding(data, "config.evidence", "in-core-1")
    assert code == 1 and evidence["verdict"] == "UNKNOWN"
    assert "FRR dialect" in evidence["message"] and "huawei_vrp" in evidence["message"]


@pytest.mark.parametrize("device", ["inet-rt-1", "wangtai-ex-rt", "in-core-1"])
def test_a_file_in_no_known_dialect_is_unknown_on_every_platform(tmp_path, configs, device):
    (configs / f"{device}.cfg").write_text("hello\nthis is not a router configuration\n")
    code, data = run(tmp_path, configs)
    evidence = finding(data, "config.evidence", device)
    assert code == 1 and evidence["verdict"] == "UNKNOWN"
    assert ("does not read as any known CLI" in evidence["message"] or
            (device == "in-core-1" and "not a whole configuration" in evidence["message"]))


@pytest.mark.parametrize("change", ["remove", "other"])
def test_copy_without_or_with_another_sysname(tmp_path, configs, change):
    replace_in(configs / "wangtai-in-sw.cfg", "sysname wangtai-in-sw\n",
               "" if change == "remove" else "sysname baoshan-in-sw\n")
    code, data = run(tmp_path, configs)
    evidence = finding(data, "config.evidence", "wangtai-in-sw")
    assert code == 1 and evidence["verdict"] == "UNKNOWN"
    assert ("no `sysname`" if change == "remove" else "configuration of 'baoshan-in-sw'") in evidence["message"]


def _telnet_on(configs: Path, device: str) -> str:
    return (configs / f"{device}.cfg").read_text().replace("undo telnet server enable", "telnet server enable")


def test_stale_cfg_beside_a_newer_dated_backup_with_telnet(tmp_path, configs):
    (configs / "wangtai-in-sw_2025-06-01T0900.cfg").write_text(_telnet_on(configs, "wangtai-in-sw"))
    os.utime(configs / "wangtai-in-sw.cfg", (OLD, OLD))
    code, data = run(tmp_path, configs)
    assert code == 1 and verdict(data, "config.no-telnet", "wangtai-in-sw") == "FAIL"
    entries = {m["path"]: m for m in data["manifest"] if m.get("device") == "wangtai-in-sw"}
    assert entries["wangtai-in-sw_2025-06-01T0900.cfg"]["used"] is True
    assert entries["wangtai-in-sw.cfg"]["used"] is False and entries["wangtai-in-sw.cfg"]["reason"].startswith("older")


def test_bad_copy_in_a_subfolder_beside_a_clean_one(tmp_path, configs):
    (configs / "old").mkdir()
    (configs / "old" / "wangtai-in-sw.cfg").write_text(_telnet_on(configs, "wangtai-in-sw"))
    for rel in ("wangtai-in-sw.cfg", "old/wangtai-in-sw.cfg"):
        os.utime(configs / rel, (NEW, NEW))  # copied in the same second: neither is newer
    code, data = run(tmp_path, configs)
    evidence = finding(data, "config.evidence", "wangtai-in-sw")
    assert code == 1 and evidence["verdict"] == "UNKNOWN" and "ambiguous evidence" in evidence["message"]
    os.utime(configs / "old" / "wangtai-in-sw.cfg", (NEW + 60, NEW + 60))  # the bad copy is newer: it is used
    code, data = run(tmp_path, configs)
    assert code == 1 and verdict(data, "config.no-telnet", "wangtai-in-sw") == "FAIL"


def test_older_cfg_does_not_beat_a_newer_bak(tmp_path, configs):
    (configs / "wangtai-in-sw.bak").write_text(_telnet_on(configs, "wangtai-in-sw"))
    os.utime(configs / "wangtai-in-sw.cfg", (OLD, OLD))
    os.utime(configs / "wangtai-in-sw.bak", (NEW, NEW))
    code, data = run(tmp_path, configs)
    assert code == 1 and verdict(data, "config.no-telnet", "wangtai-in-sw") == "FAIL"


@pytest.mark.parametrize("name", ["wangtai-in-sw-backup.txt", "wangtai-in-sw/running-config",
                                  "20250601-0900_wangtai-in-sw.cfg", "wangtai-in-sw/2025-06-01T0900.cfg"])
def test_plain_and_timestamped_backups_are_not_skipped(tmp_path, configs, name):
    (configs / name).parent.mkdir(exist_ok=True)
    (configs / name).write_text(_telnet_on(configs, "wangtai-in-sw"))
    os.utime(configs / "wangtai-in-sw.cfg", (OLD, OLD))
    code, data = run(tmp_path, configs)
    assert code == 1 and verdict(data, "config.no-telnet", "wangtai-in-sw") == "FAIL"
    assert {m["path"] for m in data["manifest"] if m.get("device") == "wangtai-in-sw" and m["used"]} == {name}


def test_undo_telnet_with_telnet_ipv6_server_enable(tmp_path, configs):
    replace_in(configs / "wangtai-in-sw.cfg", "undo telnet server enable\n",
               "undo telnet server enable\ntelnet ipv6 server enable\n")
    code, data = run(tmp_path, configs)
    telnet = finding(data, "config.no-telnet", "wangtai-in-sw")
    assert code == 1 and telnet["verdict"] == "FAIL"
    assert any("telnet ipv6 server enable" in e for e in telnet["evidence"])


@pytest.mark.parametrize("service", ["", "  service ssh\n", "  service protocol udp destination-port 161\n"])
def test_usg_rule_from_internet_to_local(tmp_path, configs, service):
    replace_in(configs / "fw-1.cfg", " rule name deny-all\n",
               " rule name remote-admin\n  source-zone internet\n  destination-zone local\n"
               f"{service}  action permit\n rule name deny-all\n")
    code, data = run(tmp_path, configs)
    local = finding(data, "config.firewall-local", "fw-1")
    assert code == 1 and local["verdict"] == "FAIL"
    assert any("remote-admin" in e and "to the firewall itself" in e for e in local["evidence"])


def test_backup_repository_is_read_at_its_commit(tmp_path, rendered):
    """`netops backup`'s git store: the committed version is the evidence and its commit is recorded;
    an uncommitted cleanup of the working tree hides nothing."""
    store = BackupStore(tmp_path / "backups")
    store.ensure()
    for path in rendered.iterdir():
        store.write(path.stem, path.read_text())
    store.write("wangtai-in-sw", _telnet_on(rendered, "wangtai-in-sw"))
    head = store.commit("backup run")
    (tmp_path / "backups" / "wangtai-in-sw.cfg").write_text((rendered / "wangtai-in-sw.cfg").read_text())
    code, data = run(tmp_path, tmp_path / "backups")
    assert code == 1 and verdict(data, "config.no-telnet", "wangtai-in-sw") == "FAIL"
    entries = [m for m in data["manifest"] if m.get("device") == "wangtai-in-sw"]
    assert any(m["used"] and m["commit"] == head for m in entries)
    assert any(not m["used"] and m["reason"].startswith("uncommitted change") for m in entries)
    repo = next(m for m in data["manifest"] if m["role"] == "backup repository")
    assert repo["commit"] == head
    subprocess.run(["git", "-C", str(tmp_path / "backups"), "checkout", "-q", "--", "."], check=True)
    store.write("wangtai-in-sw", (rendered / "wangtai-in-sw.cfg").read_text())
    store.commit("cleaned up")
    code, data = run(tmp_path, tmp_path / "backups")
    assert code == 0


def test_html_report_lists_every_file_considered(tmp_path, configs):
    (configs / "wangtai-in-sw.cfg.bak").write_text("stale")
    os.utime(configs / "wangtai-in-sw.cfg.bak", (OLD, OLD))
    (configs / "README").write_text("rendered configs")
    code, _ = run(tmp_path, configs, fmt="html")
    page = (tmp_path / "report.html").read_text()
    assert code == 0
    assert "wangtai-in-sw.cfg.bak" in page and "older" in page and "names no device" in page


def test_fifo_or_directory_named_as_the_config_is_unknown_not_a_hang(tmp_path, configs):
    (configs / "wangtai-in-sw.cfg").unlink()
    os.mkfifo(configs / "wangtai-in-sw.cfg")
    (configs / "fw-1.cfg").unlink()
    (configs / "fw-1.cfg").mkdir()
    code, data = run(tmp_path, configs)
    evidence = finding(data, "config.evidence", "wangtai-in-sw")
    assert code == 1 and evidence["verdict"] == "UNKNOWN" and "not a regular file" in evidence["message"]
    assert verdict(data, "config.evidence", "fw-1") == "UNKNOWN"
