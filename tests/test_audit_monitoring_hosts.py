"""intent.monitoring-hosts: each zone's collector (exporter, Prometheus, Alertmanager, trap
receiver) sits in the zone it watches and reaches nothing else. Each test moves one."""

from __future__ import annotations

from netops.audit.findings import Verdict
from tests.audit_support import audit, copy_sample, replace_in, results

CHECK = "intent.monitoring-hosts"


def test_sample_collectors_pass(sample_inventory_dir):
    found = results(audit(sample_inventory_dir), CHECK)
    assert set(found) == {"intranet collector 10.10.0.12", "extranet collector 10.20.0.12",
                          "stats collector 10.30.0.10"}
    assert all(f.verdict is Verdict.PASS for f in found.values())


def test_one_collector_for_two_zones_fails(tmp_path):
    inv = copy_sample(tmp_path)
    replace_in(inv / "network.yaml", "    snmp_collectors:\n    - 10.20.0.12\n",
               "    snmp_collectors:\n    - 10.10.0.12\n")
    report = audit(inv)
    assert not report.passed
    found = results(report, CHECK)
    extranet = found["extranet collector 10.10.0.12"]
    assert extranet.verdict is Verdict.FAIL
    assert any("outside zone extranet" in e for e in extranet.evidence)
    assert any("also the collector of zone intranet" in e for e in extranet.evidence)
    assert found["intranet collector 10.10.0.12"].verdict is Verdict.FAIL


def test_a_flow_from_the_collector_out_of_its_zone_fails(tmp_path):
    inv = copy_sample(tmp_path)
    replace_in(inv / "network.yaml", "- name: extranet-dns-out\n", """- name: collector-out
  from_zone: extranet
  to_zone: internet
  sources:
  - 10.20.0.12/32
  protocol: tcp
  ports:
  - 443
- name: extranet-dns-out
""")
    found = results(audit(inv), CHECK)["extranet collector 10.20.0.12"]
    assert found.verdict is Verdict.FAIL
    assert "flow collector-out: 10.20.0.12 -> zone internet" in found.evidence


def test_federation_out_of_the_intranet_fails(tmp_path):
    inv = copy_sample(tmp_path)
    replace_in(inv / "monitoring.yaml", "    - zone: intranet\n      shard_by: town\n",
               "    - zone: intranet\n      shard_by: town\n      federate_to: [extranet]\n")
    found = results(audit(inv), CHECK)["federation"]
    assert found.verdict is Verdict.FAIL and "intranet is physically isolated" in found.message
