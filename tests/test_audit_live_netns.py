"""Layer 3 (live), for real: lldpd + snmpd in network namespaces joined by veth pairs.

The inventory declares one cable, in-sw-1 -- in-sw-2 (both intranet). The test adds an
undeclared cable from in-sw-2 to ex-sw-1 (extranet) with an extranet address on the
intranet switch, and the audit must find it through LLDP-MIB over SNMP, see the extranet
neighbour in in-sw-2's ARP table and the extranet route in its routing table. The saved
walks must then give the same verdicts offline.
"""

from __future__ import annotations

import time

import pytest

from netops.audit.findings import Verdict
from netops.audit.walk import LLDP_REM, SnmpTarget, SnmpWalker, snmp_auth_for
from netops.inventory.load import parse_inventory
from netops.secrets import SecretResolver
from tests import audit_netns
from tests.audit_support import FIXTURES, audit, results

INVENTORY = FIXTURES / "live-inventory"
ENV = {"NETOPS_AUDIT_LAB_AUTH": audit_netns.AUTH, "NETOPS_AUDIT_LAB_PRIV": audit_netns.PRIV}


@pytest.fixture
def lab():
    reason = audit_netns.unavailable()
    if reason:
        pytest.skip(reason)
    lab = audit_netns.NetnsLab()
    try:
        lab.add_switch("in-sw-1", "10.10.1.1")
        lab.add_switch("in-sw-2", "10.10.1.2")
        lab.add_switch("ex-sw-1", "10.20.9.1")
        lab.cable("in-sw-1", "eth1", "10.10.1.1/24", "in-sw-2", "eth1", "10.10.1.2/24")  # declared
        lab.cable("in-sw-2", "eth2", "10.20.9.2/24", "ex-sw-1", "eth1", "10.20.9.1/24")  # NOT declared
        lab.start()
        yield lab
    finally:
        lab.close()


def _walker(lab) -> SnmpWalker:  # type: ignore[no-untyped-def]
    inv, _, problems = parse_inventory(INVENTORY)
    assert inv is not None, problems
    targets = {name: SnmpTarget("127.0.0.1", 1161, sw.namespace) for name, sw in lab.switches.items()}
    return SnmpWalker(targets, snmp_auth_for(inv, SecretResolver(env=ENV)), timeout=1.0, retries=2)


def _wait_for_lldp(walker: SnmpWalker, expected: dict[str, int], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    seen: dict[str, int] = {}
    while time.monotonic() < deadline:
        for device, count in expected.items():
            try:
                rows = walker.walk(device, LLDP_REM)
            except Exception as exc:
                seen[f"{device} error"] = str(exc)  # type: ignore[assignment]
                rows = []
            seen[device] = len({oid.split(".")[-2] for oid, _ in rows})
        if all(seen.get(d, 0) >= n for d, n in expected.items()):
            return
        time.sleep(0.5)
    pytest.fail(f"LLDP neighbours did not appear in time: {seen}")


def test_undeclared_cable_found_through_lldp_over_snmp(lab, tmp_path):
    walker = _walker(lab)
    _wait_for_lldp(walker, {"in-sw-1": 1, "in-sw-2": 2, "ex-sw-1": 1})
    lab.send_from("in-sw-2", "10.20.9.1")  # the intranet switch talks to the extranet one
    lab.send_from("in-sw-1", "10.10.1.2")
    time.sleep(0.5)
    saved = tmp_path / "evidence"
    report = audit(INVENTORY, ("intent", "live"), walker=walker, save_evidence=saved)

    # the declared network is clean: only live evidence shows the breach
    assert all(f.passes for f in report.findings if f.layer == "intent")
    crossing = results(report, "live.lldp-zone-crossing")
    assert crossing["in-sw-2"].verdict is Verdict.FAIL
    text = "\n".join(crossing["in-sw-2"].evidence)
    assert "eth2 sees 'ex-sw-1' port eth1" in text and "intranet -> extranet" in text
    assert crossing["ex-sw-1"].verdict is Verdict.FAIL  # seen from the other end too
    assert crossing["in-sw-1"].verdict is Verdict.PASS
    declared = results(report, "live.lldp-declared")
    assert declared["in-sw-1"].verdict is Verdict.PASS
    assert any("declared cable in-sw-1:eth1 -- in-sw-2:eth1" in e for e in declared["in-sw-1"].evidence)
    arp = results(report, "live.arp-isolation")
    assert arp["in-sw-2"].verdict is Verdict.FAIL and any("10.20.9.1" in e for e in arp["in-sw-2"].evidence)
    assert arp["in-sw-1"].verdict is Verdict.PASS
    routes = results(report, "live.route-isolation")
    assert routes["in-sw-2"].verdict is Verdict.FAIL and any("10.20.9.0/24" in e for e in routes["in-sw-2"].evidence)
    assert routes["in-sw-1"].verdict is Verdict.PASS
    assert not report.passed
    assert sorted(p.name for p in saved.iterdir()) == ["ex-sw-1.json", "in-sw-1.json", "in-sw-2.json"]
    assert any(m["role"] == "evidence" and m["sha256"] for m in report.manifest)

    # the same evidence, read back offline, gives the same verdicts
    offline = audit(INVENTORY, ("live",), evidence=saved)
    live_now = {(f.check, f.target): f.verdict for f in report.findings if f.layer == "live"}
    assert {(f.check, f.target): f.verdict for f in offline.findings} == live_now


def test_unreachable_agent_is_unknown(lab):
    walker = _walker(lab)
    walker.targets["in-sw-1"] = SnmpTarget("127.0.0.1", 1162, lab.switches["in-sw-1"].namespace)  # nothing listens
    walker.timeout, walker.retries = 0.3, 0
    report = audit(INVENTORY, ("live",), walker=walker)
    mine = {f.check: f for f in report.findings if f.target == "in-sw-1"}
    assert mine["live.evidence"].verdict is Verdict.UNKNOWN
    assert all(f.verdict is Verdict.UNKNOWN and not f.passes for f in mine.values())
