"""Layer 2 (configuration): parsers per platform, and each violation found in a config.

The fixtures under tests/fixtures/audit/configs are hand-written configurations of five
sample devices (USG firewall, VRP switch, Comware core, IOS-XE router, FRR router); the
other devices get what `netops render` writes for them.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
from pathlib import Path

import pytest

from netops.audit.configs import parse_config
from netops.audit.findings import Verdict
from tests.audit_support import FIXTURES, SAMPLE, audit, render_configs, replace_in, results

CONFIGS = FIXTURES / "configs"
HAND_WRITTEN = {"fw-1": "fw-1.cfg", "wangtai-in-sw": "wangtai-in-sw.cfg", "ex-core-1": "ex-core-1.cfg",
                "inet-rt-1": "inet-rt-1.cfg", "wangtai-ex-rt": "wangtai-ex-rt.conf"}


@pytest.fixture(scope="module")
def sample_configs(tmp_path_factory) -> Path:
    """Fake-rendered configs for the whole sample, with the hand-written ones in their place."""
    out = tmp_path_factory.mktemp("configs")
    render_configs(SAMPLE, out)
    for device in HAND_WRITTEN:
        for old in out.glob(f"{device}.*"):
            old.unlink()
    for name in HAND_WRITTEN.values():
        shutil.copy(CONFIGS / name, out / name)
    return out


@pytest.fixture
def configs(tmp_path, sample_configs) -> Path:
    out = tmp_path / "configs"
    shutil.copytree(sample_configs, out)
    return out


# --- parsers -----------------------------------------------------------------------------------


def test_usg_firewall_parser():
    cfg = parse_config("huawei_vrp", (CONFIGS / "fw-1.cfg").read_text())
    assert cfg.hostname == "fw-1"
    assert cfg.security_zones["untrust"] == ["GigabitEthernet1/0/1"]
    assert [r.name for r in cfg.rules] == ["extranet-web-out", "extranet-dns-out", "portal-in", "mgmt-in", "deny-all"]
    web = cfg.rules[0]
    assert web.sources == [ipaddress.IPv4Network("10.20.0.0/16"), ipaddress.IPv4Network("10.21.0.0/16")]
    assert [(s.protocol, s.ports) for s in web.services] == [("tcp", (80,)), ("tcp", (443,))]
    assert cfg.rules[2].destinations == [ipaddress.IPv4Network("10.20.0.20/32")]
    assert cfg.rules[-1].action == "deny" and cfg.rules[-1].sources is None
    assert cfg.telnet.enabled is False and cfg.snmp.versions == {"v3"}
    assert [str(ip) for ip, _ in cfg.loghosts] == ["10.20.0.10"]
    assert {str(r.prefix) for r in cfg.routes} == {"0.0.0.0/0", "10.20.0.0/16", "10.21.0.0/16"}


def test_vrp_switch_parser():
    cfg = parse_config("huawei_vrp", (CONFIGS / "wangtai-in-sw.cfg").read_text())
    assert cfg.hostname == "wangtai-in-sw"
    assert [str(a) for a, _ in cfg.interfaces["Vlanif101"].addresses] == ["10.10.1.1/24"]
    route = cfg.routes[0]
    assert (str(route.prefix), str(route.next_hop), route.line.number) == ("10.10.0.0/16", "10.10.1.254", 58)
    assert cfg.telnet.enabled is False  # every vty block: protocol inbound ssh
    assert cfg.snmp.versions == {"v3"} and cfg.rules is None


def test_comware_parser():
    cfg = parse_config("hp_comware", (CONFIGS / "ex-core-1.cfg").read_text())
    assert cfg.hostname == "ex-core-1"
    assert [str(a) for a, _ in cfg.interfaces["Ten-GigabitEthernet1/0/2"].addresses] == ["10.22.0.9/30"]
    assert str(cfg.routes[0].prefix) == "0.0.0.0/0" and str(cfg.routes[0].next_hop) == "10.20.255.2"
    assert cfg.telnet.enabled is False and cfg.snmp.versions == {"v3"}


def test_ios_parser():
    cfg = parse_config("cisco_ios", (CONFIGS / "inet-rt-1.cfg").read_text())
    assert cfg.hostname == "inet-rt-1"
    assert cfg.interfaces["GigabitEthernet0/0/2"].shutdown
    assert str(cfg.routes[0].next_hop) == "198.51.100.5"
    assert cfg.telnet.enabled is False and cfg.snmp.versions == {"v3"}
    open_vty = parse_config("cisco_ios", "hostname r\n!\nline vty 0 4\n transport input telnet ssh\n!\n")
    assert open_vty.telnet.enabled is True
    default_vty = parse_config("cisco_ios", "hostname r\n!\nline vty 0 4\n login local\n!\n")
    assert default_vty.telnet.enabled is None  # the release's default decides: UNKNOWN, never PASS


def test_frr_parser():
    cfg = parse_config("frr", (CONFIGS / "wangtai-ex-rt.conf").read_text())
    assert cfg.hostname == "wangtai-ex-rt"
    assert [str(a) for a, _ in cfg.interfaces["eth2"].addresses] == ["10.21.1.254/24"]
    assert str(cfg.routes[0].prefix) == "0.0.0.0/0"
    assert cfg.telnet.enabled is False and cfg.snmp.configured is None
    vrf = parse_config("frr", "vrf red\n ip route 10.20.0.0/16 10.10.1.1\nexit-vrf\n!\nip route 8.8.8.0/24 blackhole\n")
    assert [(str(r.prefix), r.discard) for r in vrf.routes] == [("10.20.0.0/16", False), ("8.8.8.0/24", True)]


def test_gb18030_backup_is_read(tmp_path):
    from netops.audit.config_files import read_config

    path = tmp_path / "wangtai-in-sw.cfg"
    text = (CONFIGS / "wangtai-in-sw.cfg").read_text().replace(" description intranet", " description 政务内网")
    path.write_bytes(text.encode("gb18030"))
    loaded = read_config("wangtai-in-sw", "huawei_vrp", path)
    assert loaded.error is None and loaded.parsed.hostname == "wangtai-in-sw"


# --- the configuration layer --------------------------------------------------------------------


def test_sample_configs_pass(sample_inventory_dir, sample_configs):
    report = audit(sample_inventory_dir, ("intent", "config"), configs=sample_configs)
    assert report.passed, [(f.check, f.target, f.message, f.evidence[:3]) for f in report.failing()]
    assert results(report, "config.firewall-flows")["fw-1"].verdict is Verdict.PASS
    assert len(results(report, "config.evidence")) == 101


def test_route_leak_on_an_intranet_switch(sample_inventory_dir, configs):
    replace_in(configs / "wangtai-in-sw.cfg", "ip route-static 10.10.0.0 255.255.0.0 10.10.1.254 description intranet only\n",
               "ip route-static 10.10.0.0 255.255.0.0 10.10.1.254 description intranet only\n"
               "ip route-static 0.0.0.0 0.0.0.0 10.10.1.254\n"
               "ip route-static 10.20.0.0 16 10.10.1.254\n")
    finding = results(audit(sample_inventory_dir, ("config",), configs=configs), "config.route-isolation")["wangtai-in-sw"]
    assert finding.verdict is Verdict.FAIL
    assert any(e.startswith("line 59: ip route-static 0.0.0.0 0.0.0.0 10.10.1.254: default route") for e in finding.evidence)
    assert any("10.20.0.0 16" in e and "zone 'extranet'" in e for e in finding.evidence)


def test_extranet_specific_route_into_the_intranet(sample_inventory_dir, configs):
    replace_in(configs / "ex-core-1.cfg", " ip route-static 10.20.1.0 24 10.22.0.6\n",
               " ip route-static 10.20.1.0 24 10.22.0.6\n ip route-static 10.10.0.0 16 10.22.0.6\n")
    report = audit(sample_inventory_dir, ("config",), configs=configs)
    assert results(report, "config.route-isolation")["ex-core-1"].verdict is Verdict.FAIL
    assert results(report, "config.route-isolation")["fw-1"].verdict is Verdict.PASS  # extranet default route: fine


def test_any_any_permit_from_the_internet(sample_inventory_dir, configs):
    replace_in(configs / "fw-1.cfg", " rule name deny-all\n",
               " rule name temp-vendor-access\n  source-zone untrust\n  destination-zone trust\n  action permit\n"
               " rule name deny-all\n")
    report = audit(sample_inventory_dir, ("config",), configs=configs)
    any_any = results(report, "config.firewall-no-any-any")["fw-1"]
    assert any_any.verdict is Verdict.FAIL
    assert any("temp-vendor-access" in e and "any -> any" in e for e in any_any.evidence)
    assert results(report, "config.firewall-flows")["fw-1"].verdict is Verdict.FAIL
    assert results(report, "config.firewall-default-deny")["fw-1"].verdict is Verdict.PASS


def test_policy_without_final_deny(sample_inventory_dir, configs):
    replace_in(configs / "fw-1.cfg", " rule name deny-all\n  source-zone any\n  destination-zone any\n"
               "  policy logging\n  action deny\n", "")
    unknown = results(audit(sample_inventory_dir, ("config",), configs=configs), "config.firewall-default-deny")
    assert unknown["fw-1"].verdict is Verdict.UNKNOWN  # the software default decides: not seen, not passed
    replace_in(configs / "fw-1.cfg", "security-policy\n", "security-policy\n default action permit\n")
    permit = results(audit(sample_inventory_dir, ("config",), configs=configs), "config.firewall-default-deny")
    assert permit["fw-1"].verdict is Verdict.FAIL


def test_permit_beyond_the_allowed_flows(sample_inventory_dir, configs):
    replace_in(configs / "fw-1.cfg", "  service protocol udp destination-port 53\n",
               "  service protocol udp destination-port 53\n  service protocol tcp destination-port 3389\n")
    flows = results(audit(sample_inventory_dir, ("config",), configs=configs), "config.firewall-flows")["fw-1"]
    assert flows.verdict is Verdict.FAIL
    assert any("extranet-dns-out" in e and "beyond every allowed flow" in e for e in flows.evidence)


def test_telnet_enabled(sample_inventory_dir, configs):
    replace_in(configs / "ex-core-1.cfg", " undo telnet server enable\n", " telnet server enable\n")
    replace_in(configs / "inet-rt-1.cfg", "line vty 5 15\n transport input ssh\n", "line vty 5 15\n transport input all\n")
    telnet = results(audit(sample_inventory_dir, ("config",), configs=configs), "config.no-telnet")
    assert telnet["ex-core-1"].verdict is Verdict.FAIL
    assert telnet["inet-rt-1"].verdict is Verdict.FAIL
    assert telnet["fw-1"].verdict is Verdict.PASS


def test_snmp_v2c_on_the_intranet(sample_inventory_dir, configs):
    replace_in(configs / "wangtai-in-sw.cfg", " snmp-agent sys-info version v3\n",
               " snmp-agent sys-info version v2c v3\n snmp-agent community read cipher %^%#placeholder%^%#\n")
    snmp = results(audit(sample_inventory_dir, ("config",), configs=configs), "config.snmp-v3")
    assert snmp["wangtai-in-sw"].verdict is Verdict.FAIL
    assert "ex-core-1" not in snmp  # the extranet may use v2c: the rule is the intranet's


def test_interface_address_outside_its_zone(sample_inventory_dir, configs):
    replace_in(configs / "wangtai-in-sw.cfg", " ip address 10.10.1.1 255.255.255.0\n",
               " ip address 10.10.1.1 255.255.255.0\n ip address 10.20.9.1 255.255.255.0 sub\n")
    finding = results(audit(sample_inventory_dir, ("config",), configs=configs), "config.address-in-zone")
    assert finding["wangtai-in-sw"].verdict is Verdict.FAIL


def test_missing_config_is_unknown_and_fails(sample_inventory_dir, configs):
    (configs / "wangtai-in-sw.cfg").unlink()
    report = audit(sample_inventory_dir, ("config",), configs=configs)
    assert not report.passed
    mine = {f.check: f for f in report.findings if f.target == "wangtai-in-sw"}
    assert mine["config.evidence"].verdict is Verdict.UNKNOWN
    assert mine["config.route-isolation"].verdict is Verdict.UNKNOWN
    assert all(not f.passes for f in mine.values())


def test_config_of_another_device_is_not_evidence(sample_inventory_dir, configs):
    shutil.copy(CONFIGS / "ex-core-1.cfg", configs / "zhangjialou-ex-sw.cfg")
    finding = results(audit(sample_inventory_dir, ("config",), configs=configs), "config.evidence")
    assert finding["zhangjialou-ex-sw"].verdict is Verdict.UNKNOWN
    assert "not zhangjialou-ex-sw" in finding["zhangjialou-ex-sw"].message


def test_no_config_directory_means_unknown(sample_inventory_dir):
    report = audit(sample_inventory_dir, ("config",))
    assert not report.passed
    assert {f.verdict for f in report.findings} == {Verdict.UNKNOWN}


def test_config_layouts(tmp_path):
    from netops.audit.config_evidence import select_configs

    for rel in ("a/fw-1.running.cfg", "wangtai-ex-rt/frr.conf", "backups/ex-core-1/2026-01-01T0900.cfg",
                "backups/ex-core-1/2026-01-12T0915.cfg", "notes.txt", ".git-not/fw-1.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    os.utime(tmp_path / ".git-not/fw-1.txt", (1_000_000, 1_000_000))
    selection = select_configs(tmp_path, {"fw-1": "huawei_vrp", "wangtai-ex-rt": "frr", "ex-core-1": "hp_comware"})
    assert {k: v.path.replace(str(tmp_path) + "/", "") for k, v in selection.configs.items()} == {
        "fw-1": "a/fw-1.running.cfg", "wangtai-ex-rt": "wangtai-ex-rt/frr.conf",
        "ex-core-1": "backups/ex-core-1/2026-01-12T0915.cfg"}
    considered = {m["path"]: (m["used"], m["reason"]) for m in selection.manifest}
    assert considered["notes.txt"] == (False, "names no device that needs a configuration")
    assert considered[".git-not/fw-1.txt"][0] is False and "older" in considered[".git-not/fw-1.txt"][1]
    assert considered["backups/ex-core-1/2026-01-01T0900.cfg"][1].startswith("older")


def test_telnet_http_and_snmp_variants_of_each_platform():
    vrp = lambda body: parse_config("huawei_vrp", f"sysname s\n#\n{body}\n#\nreturn\n")  # noqa: E731
    assert vrp("undo telnet server enable\ntelnet ipv6 server enable").telnet.enabled is True
    assert vrp("telnet server enable\nundo telnet server enable\nundo telnet ipv6 server enable").telnet.enabled is False
    assert vrp("undo telnet server enable").telnet.enabled is None  # IPv6 left to the release: UNKNOWN
    assert vrp("telnet server-source -i LoopBack0").telnet.enabled is None
    assert vrp("telnet server frobnicate").unplaced["telnet"]
    assert vrp("http ipv6 server enable").http.enabled is True
    assert vrp("undo http server enable\nhttp secure-server enable").http.enabled is False
    assert vrp("snmp-agent\nsnmp-agent sys-info version v3\nsnmp-agent community read cipher x").snmp.legacy
    assert vrp("snmp-agent\nsnmp-agent sys-info version all\nundo snmp-agent sys-info version v1 v2c").snmp.versions == {"v3"}
    assert vrp("snmp-agent\nsnmp-agent frobnicate").unplaced["snmp"]
    comware = parse_config("hp_comware", " sysname c\n#\n undo telnet server enable\n#\nreturn\n")
    assert comware.telnet.enabled is False  # one switch for both families on Comware
    ios = lambda body: parse_config("cisco_ios", f"hostname r\n!\n{body}\n!\nend\n")  # noqa: E731
    assert ios("line vty 0 4\n transport input telnet\n transport input ssh").telnet.enabled is False  # the last wins
    assert ios("line vty 0 4\n transport input ssh\n!\nline vty 5 15\n transport input all").telnet.enabled is True
    assert ios("ip http server").http.enabled is True
    for line in ("snmp-server community public RO", "snmp-server host 10.0.0.1 public",
                 "snmp-server group g v2c", "snmp-server user u g v1"):
        assert ios(line).snmp.legacy, line
    frr = parse_config("frr", "frr version 8.4\nhostname f\n!\ninterface eth0\n password zebra\nexit\n")
    assert frr.telnet.enabled is True  # `password` applies globally: telnet logins open


V3_SIMPLE = ("snmp-agent usm-user v3 netops-ex netops-ex simple authentication-mode sha Auth-K3y-1 "
             "privacy-mode aes128 Priv-K3y-1 acl 2001")
TARGETS = [  # (line, legacy?): the version follows `securityname [cipher] NAME`; none given means SNMPv1
    ("snmp-agent target-host trap address udp-domain 10.0.0.9 params securityname netops v3 privacy", False),
    ("snmp-agent target-host host-name __targetHost_1_27466 trap address udp-domain 10.0.0.9 params "
     "securityname cipher %^%#Ab1c%^%# v3 privacy", False),
    ("snmp-agent target-host trap address udp-domain 10.0.0.9 params securityname v2c v3 privacy", False),
    ("snmp-agent target-host trap address udp-domain 10.0.0.9 params securityname cipher v3 privacy", False),
    ("snmp-agent target-host trap address udp-domain 10.0.0.9 params securityname public v2c", True),
    ("snmp-agent target-host trap address udp-domain 10.0.0.9 params securityname public", True),
    ("snmp-agent target-host trap address udp-domain 10.0.0.9 params securityname cipher zZPBPtYcIZ1tM", True),
    ("snmp-agent target-host host-name nms trap address udp-domain 10.0.0.9 params securityname v3user v1", True),
    ("snmp-agent target-host trap address udp-domain 10.0.0.9 params cipher-securityname $c$3$AbC= v2c", True),
]


@pytest.mark.parametrize("platform,indent", [("huawei_vrp", ""), ("hp_comware", " ")])
def test_snmpv3_simple_user_is_v3_and_trap_targets_are_judged_by_version(platform, indent):
    def parse(*lines):
        body = "\n".join(indent + line for line in ("snmp-agent", "snmp-agent sys-info version v3") + lines)
        return parse_config(platform, f"{indent}sysname s\n#\n{body}\n#\nreturn\n")

    cfg = parse(V3_SIMPLE)
    assert cfg.snmp.versions == {"v3"} and not cfg.snmp.legacy and not cfg.unplaced.get("snmp")
    assert any("simple" in e.text for e in cfg.snmp.evidence)
    for line, legacy in TARGETS:
        cfg = parse(V3_SIMPLE, line)
        assert bool(cfg.snmp.legacy) is legacy, line
        assert not cfg.unplaced.get("snmp"), line
    assert parse("snmp-agent target-host trap-hostname nms").unplaced["snmp"]  # no security name: UNKNOWN
