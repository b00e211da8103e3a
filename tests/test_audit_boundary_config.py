"""config.boundary-nat and config.ids-mirror: each tried against configurations that break them."""

from __future__ import annotations

from pathlib import Path

import pytest

from netops.audit.boundary_config import read_mirroring, read_nat
from netops.audit.findings import Verdict
from tests.audit_support import configs, rendered  # noqa: F401 - shared fixtures
from tests.audit_support import SAMPLE, audit, copy_sample, render_configs, replace_in, results

NAT_SERVER = "nat server portal-in protocol tcp global 198.51.100.17 443 inside 10.20.0.20 443\n"
MIRROR = (" mirroring-group 1 local\n mirroring-group 1 mirroring-port Ten-GigabitEthernet1/0/48 both\n"
          " mirroring-group 1 monitor-port GigabitEthernet5/0/10\n")



def _finding(configs: Path, check: str, target: str, inv: Path = SAMPLE):
    return results(audit(inv, ("config",), configs=configs), check)[target]


def test_rendered_sample_passes_both(configs):
    assert _finding(configs, "config.boundary-nat", "fw-1").verdict is Verdict.PASS
    assert _finding(configs, "config.ids-mirror", "ex-core-1").verdict is Verdict.PASS


def test_missing_source_nat_fails(configs):
    path = configs / "fw-1.cfg"
    text = path.read_text()
    path.write_text(text.replace("  action source-nat easy-ip\n", "  action no-nat\n"))
    f = _finding(configs, "config.boundary-nat", "fw-1")
    assert f.verdict is Verdict.FAIL
    assert any("extranet-web-out" in e and "no source-NAT rule" in e for e in f.evidence)


def test_source_nat_that_misses_a_source_fails(configs):
    replace_in(configs / "fw-1.cfg", " rule name extranet-web-out\n  source-zone extranet\n  destination-zone internet\n"
               "  source-address 10.20.0.0 16\n  source-address 10.21.0.0 16\n"
               "  action source-nat", " rule name extranet-web-out\n  source-zone extranet\n  destination-zone internet\n"
               "  source-address 10.20.0.0 16\n  action source-nat")
    f = _finding(configs, "config.boundary-nat", "fw-1")
    assert f.verdict is Verdict.FAIL and any("10.21.0.0/16" in e for e in f.evidence)


def test_portal_without_nat_server_fails(configs):
    replace_in(configs / "fw-1.cfg", NAT_SERVER, "")
    f = _finding(configs, "config.boundary-nat", "fw-1")
    assert f.verdict is Verdict.FAIL and any("portal-in" in e and "no nat server" in e for e in f.evidence)


def test_nat_server_publishing_what_the_policy_does_not_fails(configs):
    replace_in(configs / "fw-1.cfg", NAT_SERVER,
               NAT_SERVER + "nat server backdoor protocol tcp global 198.51.100.18 22 inside 10.20.0.5 22\n")
    f = _finding(configs, "config.boundary-nat", "fw-1")
    assert f.verdict is Verdict.FAIL and any("10.20.0.5:22/tcp" in e and "no allowed flow" in e for e in f.evidence)


def test_nat_server_on_another_port_fails(configs):
    replace_in(configs / "fw-1.cfg", NAT_SERVER, NAT_SERVER.replace("inside 10.20.0.20 443", "inside 10.20.0.20 3389"))
    f = _finding(configs, "config.boundary-nat", "fw-1")
    assert f.verdict is Verdict.FAIL


def test_nat_server_on_an_undeclared_public_address_fails(configs):
    replace_in(configs / "fw-1.cfg", NAT_SERVER, NAT_SERVER.replace("198.51.100.17", "198.51.100.20"))
    f = _finding(configs, "config.boundary-nat", "fw-1")
    assert f.verdict is Verdict.FAIL and any("declares 198.51.100.17" in e for e in f.evidence)


def test_address_set_in_nat_rule_is_unknown_not_pass(configs):
    path = configs / "fw-1.cfg"
    text = path.read_text().replace("  source-address 10.20.0.0 16\n  source-address 10.21.0.0 "
                                    "16\n  action source-nat", "  source-address address-set users\n"
                                    "  action source-nat")
    text = text.replace("  source-address 10.20.0.10 32\n  action source-nat",
                        "  source-address address-set dns\n  action source-nat")
    path.write_text(text)
    assert _finding(configs, "config.boundary-nat", "fw-1").verdict is Verdict.UNKNOWN


def test_no_mirroring_fails(configs):
    replace_in(configs / "ex-core-1.cfg", MIRROR, "")
    f = _finding(configs, "config.ids-mirror", "ex-core-1")
    assert f.verdict is Verdict.FAIL and any("the IDS sees nothing" in e for e in f.evidence)


def test_mirroring_the_wrong_port_fails(configs):
    replace_in(configs / "ex-core-1.cfg", "mirroring-port Ten-GigabitEthernet1/0/48", "mirroring-port GigabitEthernet5/0/1")
    f = _finding(configs, "config.ids-mirror", "ex-core-1")
    assert f.verdict is Verdict.FAIL and any("none of which carries boundary traffic" in e for e in f.evidence)


def test_ids_sensor_cabled_to_an_unmirrored_switch_port_fails(tmp_path, configs):
    inv = copy_sample(tmp_path)
    replace_in(inv / "links.yaml", "- a: ex-core-1:GigabitEthernet5/0/10\n", "- a: ex-core-1:GigabitEthernet5/0/11\n")
    f = _finding(configs, "config.ids-mirror", "ex-core-1", inv)
    assert f.verdict is Verdict.FAIL and any("GigabitEthernet5/0/11" in e for e in f.evidence)


def test_readers():
    rules, servers = read_nat("nat-policy\n rule name a\n  source-zone trust\n  destination-zone untrust\n"
                              "  source-address 192.168.1.0 24\n  action source-nat easy-ip\n#\n"
                              "nat server web protocol tcp global 203.0.113.10 80 inside 10.0.0.7 8080\n")
    assert rules[0].sources[0].exploded == "192.168.1.0/24" and rules[0].action == "source-nat easy-ip"
    assert (servers[0].public_port, servers[0].inside_port, str(servers[0].inside)) == (80, 8080, "10.0.0.7")
    vrp = "observe-port 1 interface GigabitEthernet0/0/24\n#\ninterface GigabitEthernet0/0/1\n" \
          " port-mirroring to observe-port 1 both\n"
    assert read_mirroring(vrp) == {"GigabitEthernet0/0/24": {"GigabitEthernet0/0/1"}}
    assert read_mirroring(MIRROR) == {"GigabitEthernet5/0/10": {"Ten-GigabitEthernet1/0/48"}}


@pytest.mark.parametrize("cable", [None, "- a: ids-1:eth1\n  b: ex-core-1:GigabitEthernet5/0/10\n"])
def test_the_network_wide_sensor_index_answers_as_each_device_would(tmp_path, cable):
    """config.ids-mirror applies where a cable reaches an IDS sensor port: the audit asks once for the
    whole network (one pass over the cables); the answer must be the per-device one, cable ends either way."""
    from netops.audit.boundary_config import ids_mirror_applies, sensor_ports
    from netops.audit.policy import load_policy
    from netops.inventory.load import parse_inventory

    inv_dir = copy_sample(tmp_path)
    if cable is not None:
        replace_in(inv_dir / "links.yaml", "- a: ex-core-1:GigabitEthernet5/0/10\n  b: ids-1:eth1\n", cable)
    inv, _, problems = parse_inventory(inv_dir)
    assert inv is not None, problems
    policy = load_policy(inv_dir / "policy.yaml")
    index = sensor_ports(inv, policy)
    assert set(index) == {"ex-core-1"}
    assert {d.name for d in inv.devices.values() if ids_mirror_applies(d, inv, policy)} == set(index)
