"""Layer 3 (live) offline: saved walks in the three formats, and UNKNOWN when not seen.

The evidence fixtures were taken from the namespace lab of test_audit_live_netns.py (the
undeclared in-sw-2 -- ex-sw-1 cable): in-sw-1 as netops JSON, in-sw-2 as genuine
`snmpwalk -On` output, ex-sw-1 as an snmpsim .snmprec.
"""

from __future__ import annotations

import json
import shutil

import pytest

from netops.audit.findings import Verdict
from netops.audit.live import port_key
from netops.audit.mibs import lldp_neighbours, local_ports, neighbour_addresses
from netops.audit.walk import LLDP_LOC_PORT, LLDP_REM, LLDP_REM_MAN, FileWalker, parse_snmprec, parse_snmpwalk
from tests.audit_support import FIXTURES, audit, results

INVENTORY = FIXTURES / "live-inventory"
EVIDENCE = FIXTURES / "evidence"


def test_saved_walks_show_the_undeclared_crossing():
    report = audit(INVENTORY, ("intent", "live"), evidence=EVIDENCE)
    crossing = results(report, "live.lldp-zone-crossing")
    assert crossing["in-sw-2"].verdict is Verdict.FAIL  # from snmpwalk -On text
    assert crossing["ex-sw-1"].verdict is Verdict.FAIL  # from .snmprec
    assert crossing["in-sw-1"].verdict is Verdict.PASS  # from netops JSON
    assert any("eth2 sees 'ex-sw-1' port eth1 mgmt 10.20.9.1" in e for e in crossing["in-sw-2"].evidence)
    assert results(report, "live.arp-isolation")["in-sw-2"].verdict is Verdict.FAIL
    assert results(report, "live.route-isolation")["in-sw-2"].verdict is Verdict.FAIL
    assert results(report, "live.route-isolation")["in-sw-1"].verdict is Verdict.PASS
    evidence_files = {m["path"].rsplit("/", 1)[-1] for m in report.manifest if m["role"] == "evidence"}
    assert evidence_files == {"in-sw-1.json", "in-sw-2.walk", "ex-sw-1.snmprec"}
    assert crossing["in-sw-1"].observed_at == "2026-11-23T10:00:10+00:00"  # when it was walked, not read


def test_missing_evidence_is_unknown_and_fails(tmp_path):
    evidence = tmp_path / "evidence"
    shutil.copytree(EVIDENCE, evidence)
    (evidence / "ex-sw-1.snmprec").unlink()
    report = audit(INVENTORY, ("live",), evidence=evidence)
    mine = {f.check: f for f in report.findings if f.target == "ex-sw-1"}
    assert set(mine) == {"live.evidence", "live.lldp-zone-crossing", "live.lldp-declared", "live.arp-isolation",
                         "live.route-isolation"}  # the extranet side must not reach into the intranet either
    assert all(f.verdict is Verdict.UNKNOWN and not f.passes for f in mine.values())
    assert "no saved evidence for ex-sw-1" in mine["live.evidence"].message
    assert not report.passed


def test_failed_walk_recorded_in_json_is_unknown(tmp_path):
    evidence = tmp_path / "evidence"
    shutil.copytree(EVIDENCE, evidence)
    data = json.loads((evidence / "in-sw-1.json").read_text())
    for root in (LLDP_REM, "1.3.6.1.2.1.4.35.1.4", "1.3.6.1.2.1.4.22.1.2"):
        data["walks"].pop(root)
        data["errors"][root] = "No SNMP response received before timeout"
    (evidence / "in-sw-1.json").write_text(json.dumps(data))
    found = {f.check: f for f in audit(INVENTORY, ("live",), evidence=evidence).findings if f.target == "in-sw-1"}
    assert found["live.lldp-zone-crossing"].verdict is Verdict.UNKNOWN
    assert "timeout" in found["live.lldp-zone-crossing"].message
    assert found["live.arp-isolation"].verdict is Verdict.UNKNOWN
    assert found["live.route-isolation"].verdict is Verdict.PASS  # that table was read


def test_empty_lldp_table_with_declared_cables_is_unknown(tmp_path):
    evidence = tmp_path / "evidence"
    shutil.copytree(EVIDENCE, evidence)
    data = json.loads((evidence / "in-sw-1.json").read_text())
    data["walks"][LLDP_REM] = []
    data["walks"][LLDP_REM_MAN] = []
    (evidence / "in-sw-1.json").write_text(json.dumps(data))
    found = results(audit(INVENTORY, ("live",), evidence=evidence), "live.lldp-declared")["in-sw-1"]
    assert found.verdict is Verdict.UNKNOWN and "LLDP may be disabled" in found.message


def test_snmpwalk_text_parser_handles_types_and_continuations():
    rows = dict(parse_snmpwalk(
        '.1.3.6.1.2.1.1.5.0 = STRING: "core \\"A\\""\n'
        '.1.3.6.1.2.1.1.1.0 = STRING: "first line\n'
        'second line"\n'
        '.1.0.8802.1.1.2.1.4.1.1.5.0.3.1 = Hex-STRING: 14 A0 F8 CF AF 39 \n'
        '.1.3.6.1.2.1.4.21.1.7.10.0.0.0 = IpAddress: 10.0.0.1\n'
        '.1.3.6.1.2.1.1.3.0 = Timeticks: (12345) 0:02:03.45\n'
        '.1.3.6.1.2.1.2.2.1.8.1 = INTEGER: up(1)\n'
        '.1.3.6.1.2.1.1.9.0 = No Such Object available on this agent at this OID\n'))
    assert rows["1.3.6.1.2.1.1.5.0"] == b'core "A"'
    assert rows["1.3.6.1.2.1.1.1.0"] == b"first line\nsecond line"
    assert rows["1.0.8802.1.1.2.1.4.1.1.5.0.3.1"] == bytes.fromhex("14A0F8CFAF39")
    assert rows["1.3.6.1.2.1.4.21.1.7.10.0.0.0"] == "10.0.0.1"
    assert rows["1.3.6.1.2.1.1.3.0"] == 12345 and rows["1.3.6.1.2.1.2.2.1.8.1"] == 1
    assert "1.3.6.1.2.1.1.9.0" not in rows


def test_lldp_of_a_real_huawei_switch(shared_dir):
    """LibreNMS's recording of a Huawei S5720 (VRP 5.170): five LLDP neighbours."""
    recording = shared_dir / "snmp-recordings" / "vrp_5720.snmprec"
    if not recording.exists():
        pytest.skip(f"{recording} is absent")
    rows = parse_snmprec(recording.read_text())
    under = lambda root: [r for r in rows if r[0].startswith(root + ".")]  # noqa: E731
    ports = local_ports(under(LLDP_LOC_PORT), None)
    neighbours = lldp_neighbours(under(LLDP_REM), under(LLDP_REM_MAN), ports)
    assert sorted(n.sys_name for n in neighbours) == ["CE-NG", "CE-NG", "LNS-Huawei", "Zrih", "pm-test"]
    lns = next(n for n in neighbours if n.sys_name == "LNS-Huawei")
    assert lns.port == "GigabitEthernet0/0/7"
    assert neighbour_addresses(under("1.3.6.1.2.1.4.35.1.4"), under("1.3.6.1.2.1.4.22.1.2"))


def test_port_names_compare_across_spellings():
    assert port_key("GE0/0/1") == port_key("GigabitEthernet0/0/1")
    assert port_key("Ten-GigabitEthernet1/0/49") == port_key("TenGigabitEthernet1/0/49") == port_key("Te1/0/49")
    assert port_key("eth1") != port_key("eth2")


def test_file_walker_says_what_it_lacks(tmp_path):
    walker = FileWalker(EVIDENCE)
    assert walker.walk("in-sw-2", LLDP_REM)
    with pytest.raises(Exception, match="no saved evidence for nobody"):
        walker.walk("nobody", LLDP_REM)
    with pytest.raises(Exception, match="holds nothing under 1.3.6.1.4.1"):
        walker.walk("in-sw-2", "1.3.6.1.4.1")
