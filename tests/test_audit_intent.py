"""Layer 1 (intent): the sample passes; each injected violation is found with its path.

Several of these inventories are rejected by the inventory validator too; the audit must
find the violation itself, from the cable graph, and name the path device by device.
"""

from __future__ import annotations

from netops.audit.findings import Verdict, path_text
from tests.audit_support import audit, copy_sample, inject, replace_in, results


def _path_devices(finding, index=0):  # type: ignore[no-untyped-def]
    return [s.device for s in finding.paths[index]]


def test_clean_sample_passes_every_intent_check(sample_inventory_dir):
    report = audit(sample_inventory_dir)
    assert report.passed, [(f.check, f.target, f.message) for f in report.failing()]
    checks = {f.check for f in report.findings}
    assert {"intent.physical-isolation", "intent.dual-homing", "intent.firewall-boundary", "intent.ids-coverage",
            "intent.prefix-overlap", "intent.no-wireless", "intent.address-in-zone"} <= checks
    pairs = results(report, "intent.physical-isolation")
    assert set(pairs) == {"intranet | extranet", "intranet | internet", "intranet | stats"}
    assert results(report, "intent.dual-homing")["gk-1"].verdict is Verdict.PASS  # approved gatekeeper
    assert "fw-1" in results(report, "intent.firewall-boundary")["internet-edge (extranet | internet)"].message


def test_moved_cable_intranet_switch_to_extranet_switch(tmp_path):
    inv = copy_sample(tmp_path)
    replace_in(inv / "links.yaml", "  b: in-core-1:XGigabitEthernet1/0/1\n",
               "  b: wangtai-ex-sw:Ten-GigabitEthernet1/0/49\n")
    report = audit(inv)
    assert not report.passed
    breach = results(report, "intent.physical-isolation")["intranet | extranet"]
    assert breach.verdict is Verdict.FAIL
    assert _path_devices(breach) == ["wangtai-in-sw", "wangtai-ex-sw"]
    assert breach.paths[0][0].leaves == "XGigabitEthernet0/0/1"
    assert breach.paths[0][1].enters == "Ten-GigabitEthernet1/0/49"
    assert "links.yaml" in " ".join(breach.evidence)
    # the path continues to the Internet through the extranet: also a breach of that pair
    to_internet = results(report, "intent.physical-isolation")["intranet | internet"]
    assert to_internet.verdict is Verdict.FAIL and _path_devices(to_internet)[-1] in ("fw-1", "inet-rt-1")
    # the validator's own objection is reported as a finding, not an error that stops the audit
    assert any(f.verdict is Verdict.FAIL for f in results(report, "intent.inventory-valid").values())
    assert results(report, "intent.dual-homing")["wangtai-in-sw"].verdict is Verdict.FAIL


def test_added_cable_between_cores(tmp_path):
    inv = inject(copy_sample(tmp_path), """
links:
- a: in-core-1:XGigabitEthernet2/0/1
  b: ex-core-1:Ten-GigabitEthernet2/0/1
  media: fibre_sm
""")
    breach = results(audit(inv), "intent.physical-isolation")["intranet | extranet"]
    assert breach.verdict is Verdict.FAIL
    assert path_text(breach.paths[0]) == (
        "in-core-1 (intranet) -[XGigabitEthernet2/0/1 : Ten-GigabitEthernet2/0/1]-> ex-core-1 (extranet)")


def test_dual_homed_server_by_cable(tmp_path):
    inv = inject(copy_sample(tmp_path), """
links:
- a: in-srv-1:eth1
  b: ex-core-1:GigabitEthernet5/0/10
  media: cat5e_shielded
""")
    report = audit(inv)
    dual = results(report, "intent.dual-homing")["in-srv-1"]
    assert dual.verdict is Verdict.FAIL
    assert "extranet" in dual.message and "intranet" in dual.message
    assert any("eth1 -> ex-core-1:GigabitEthernet5/0/10" in e for e in dual.evidence)
    breach = results(report, "intent.physical-isolation")["intranet | extranet"]
    assert _path_devices(breach) == ["in-srv-1", "ex-core-1"]


def test_dual_homed_server_by_declaration(tmp_path):
    inv = inject(copy_sample(tmp_path), """
devices:
- name: dual-srv
  role: server
  device_type: ibm-x3850
  site: admin-centre
  zones: [intranet, extranet]
""")
    report = audit(inv)
    assert results(report, "intent.dual-homing")["dual-srv"].verdict is Verdict.FAIL
    breach = results(report, "intent.physical-isolation")["intranet | extranet"]
    assert breach.verdict is Verdict.FAIL and _path_devices(breach) == ["dual-srv"]


def test_village_cabled_straight_to_internet_router(tmp_path):
    inv = inject(copy_sample(tmp_path), """
links:
- a: wangtai-v001:GigabitEthernet0/0/0
  b: inet-rt-1:GigabitEthernet0/0/2
  media: copper
""")
    report = audit(inv)
    bypass = results(report, "intent.firewall-boundary")["internet-edge (extranet | internet)"]
    assert bypass.verdict is Verdict.FAIL
    assert _path_devices(bypass) == ["wangtai-v001", "inet-rt-1"]
    assert bypass.paths[0][0].leaves == "GigabitEthernet0/0/0" and bypass.paths[0][1].enters == "GigabitEthernet0/0/2"
    assert results(report, "intent.dual-homing")["wangtai-v001"].verdict is Verdict.FAIL


def test_firewall_bypass_through_a_rogue_router(tmp_path):
    inv = inject(copy_sample(tmp_path), """
devices:
- name: rogue-rt
  role: router
  device_type: frr-router
  site: admin-centre
  zone: extranet
links:
- a: ex-core-1:GigabitEthernet5/0/12
  b: rogue-rt:eth0
  media: cat6
- a: rogue-rt:eth1
  b: inet-rt-1:GigabitEthernet0/0/2
  media: cat6
""")
    report = audit(inv)
    bypass = results(report, "intent.firewall-boundary")["internet-edge (extranet | internet)"]
    assert bypass.verdict is Verdict.FAIL
    devices = _path_devices(bypass)
    assert devices[-2:] == ["rogue-rt", "inet-rt-1"] and "fw-1" not in devices
    # the sample's legitimate path through fw-1 is not reported
    assert all("fw-1" not in [s.device for s in p] for p in bypass.paths)


def test_overlapping_zone_prefixes(tmp_path):
    inv = inject(copy_sample(tmp_path), """
zones:
- name: guest
  kind: public
  isolation: none
  prefixes: [10.20.128.0/17]
""")
    overlap = results(audit(inv), "intent.prefix-overlap")
    assert overlap["extranet | guest"].verdict is Verdict.FAIL
    assert "10.20.0.0/16 (extranet) overlaps 10.20.128.0/17 (guest)" in overlap["extranet | guest"].evidence
    assert overlap["extranet | intranet"].verdict is Verdict.PASS


def test_wireless_access_point_in_the_intranet(tmp_path):
    inv = inject(copy_sample(tmp_path), """
devices:
- name: in-ap-1
  role: wireless_ap
  platform: huawei_vrp
  site: admin-centre
  zone: intranet
  interfaces:
  - name: GigabitEthernet0/0/1
  - name: Wlan-Radio0/0/0
    kind: wireless
links:
- a: in-ap-1:GigabitEthernet0/0/1
  b: in-core-1:GigabitEthernet9/0/3
  media: cat6
""")
    finding = results(audit(inv), "intent.no-wireless")["in-ap-1"]
    assert finding.verdict is Verdict.FAIL
    assert "wireless interface Wlan-Radio0/0/0" in finding.evidence


def test_boundary_without_ids(tmp_path):
    inv = copy_sample(tmp_path)
    for old in ("- a: ex-core-1:GigabitEthernet5/0/10\n  b: ids-1:eth1\n  media: cat5e_shielded\n",
                "- a: ex-core-1:GigabitEthernet5/0/5\n  b: ids-1:eth0\n  media: cat5e_shielded\n"):
        replace_in(inv / "links.yaml", old, "")
    finding = results(audit(inv), "intent.ids-coverage")["internet-edge (extranet | internet)"]
    assert finding.verdict is Verdict.FAIL


def test_unbuildable_inventory_is_findings_not_a_crash(tmp_path):
    inv = inject(copy_sample(tmp_path), "devices:\n- name: broken\n  role: [not, a, role]\n  zone: intranet\n")
    report = audit(inv)
    assert not report.passed
    invalid = results(report, "intent.inventory-valid")
    assert invalid and all(f.verdict is Verdict.FAIL for f in invalid.values())
    assert any("zz-injected.yaml:" in target for target in invalid)
    assert results(report, "intent.physical-isolation")["(inventory)"].verdict is Verdict.UNKNOWN
