"""Firmware releases, NAT, management reachability, paste/push safety and IDS mirroring (issue 15)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from netops.inventory import check_inventory, load_inventory
from netops.render import Renderer, render_devices
from netops.render.prompts import PROMPTS, check_lines, push_steps
from netops.render.releases import FAMILIES, ReleaseError, features, parse_release
from tests.render_support import SAMPLE, extended_inventory_dir

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture(scope="module")
def configs(tmp_path_factory):
    inv = load_inventory(extended_inventory_dir(tmp_path_factory.mktemp("inv") / "inv"))
    results = render_devices(inv)
    assert all(r.ok for r in results)
    return {r.device: (r.platform, r.config) for r in results if r.config is not None}


# --- releases ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["VRP V200R021C10", "VRP V200R013C00SPC500", "AR V300R019C10", "USG V500R005C20",
                                  "USG V600R007C00", "Comware 7.1.064", "Comware 7.1.070, Release 6555P01",
                                  "IOS-XE 17.9", "FRR 8.4.4"])
def test_supported_releases_parse(text):
    assert str(parse_release(text)).startswith(text.split(",")[0].split()[0])


@pytest.mark.parametrize("text, fragment", [
    ("VRP V200R009C00", "not a release netops renders for"),
    ("VRP V200R024C00", "not a release netops renders for"),
    ("USG V500R006C00", "not a release netops renders for"),
    ("Comware 7.1.035", "not a release netops renders for"),
    ("Comware 5.20.99", "is not a Comware version"),
    ("VRP 8.180", "is not a VRP version"),
    ("JunOS 21.4R3", "unknown software family"),
    ("", "unknown software family"),
])
def test_unsupported_or_malformed_release_is_refused(text, fragment):
    with pytest.raises(ReleaseError, match=fragment):
        parse_release(text)


def test_release_of_another_platform_is_refused():
    with pytest.raises(ReleaseError, match="runs on platform hp_comware, not huawei_vrp"):
        parse_release("Comware 7.1.064", "huawei_vrp")


def test_features_follow_the_release():
    assert features(parse_release("VRP V200R021C10"))["ssh_server_source"]
    assert not features(parse_release("VRP V200R019C10"))["ssh_server_source"]
    assert features(parse_release("AR V300R019C10"))["snmp_source_interface"]
    assert features(parse_release("Comware 7.1.064"))["acl_basic"]
    assert not features(parse_release("Comware 7.1.045"))["acl_basic"]
    assert features(parse_release("USG V500R005C20"))["web_manager"]
    assert all(features(parse_release(t))["snmp_usm_simple"]
               for t in ("USG V500R001C00", "USG V500R005C20", "USG V600R007C20"))
    assert not any(features(parse_release(t))["snmp_usm_simple"]
                   for t in ("VRP V200R013C00", "VRP V200R023C10", "AR V300R019C10", "AR V300R023C10"))


def _sample_with(tmp_path: Path, file: str, old: str, new: str) -> Path:
    root = tmp_path / "inv"
    shutil.copytree(SAMPLE, root)
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


SIMPLE = re.compile(r"^snmp-agent usm-user v3 netops-ex netops-ex simple authentication-mode sha <secret:secret:snmp-ex-auth> "
                    r"privacy-mode aes128 <secret:secret:snmp-ex-priv> acl 2001$", re.M)


@pytest.mark.parametrize("release", ["USG V500R001C00", "USG V500R005C20", "USG V600R007C20"])
def test_usg_snmpv3_keys_are_plain_text_after_simple_on_every_release(tmp_path, release):
    root = _sample_with(tmp_path, "device_types.yaml", "software: USG V500R005C20", f"software: {release}")
    text = Renderer(load_inventory(root)).render("fw-1")
    assert SIMPLE.search(text) and "-mode sha cipher" not in text and "-mode aes128 cipher" not in text
    assert "usm-user v3 netops-ex group" not in text  # the one-line form names the group itself


def test_switches_and_routers_keep_the_split_form(configs):
    for name in ("in-core-1", "wangtai-v001"):
        text = configs[name][1]
        assert "snmp-agent usm-user v3 netops-in group netops-in" in text or "usm-user v3 netops-ex group" in text
        assert " simple " not in text


def test_usg_and_comware_refuse_an_snmpv3_auth_their_form_cannot_carry(tmp_path):
    root = _sample_with(tmp_path, "credentials.yaml", "username: netops-ex\n  auth_protocol: sha",
                        "username: netops-ex\n  auth_protocol: sha256")
    results = {r.device: r for r in render_devices(load_inventory(root), ["fw-1", "ex-core-1", "st-sw-1"])}
    assert results["fw-1"].status == "failed"
    assert "SNMPv3 auth sha256 has no plain-text (simple) form on USG V500R005C20" in results["fw-1"].reason
    assert results["ex-core-1"].status == "failed"
    assert "SNMPv3 auth sha256 has no form on Comware 7.1.045" in results["ex-core-1"].reason
    assert results["st-sw-1"].status == "rendered"  # S-series: authentication-mode sha2-256
    assert "authentication-mode sha2-256 cipher" in results["st-sw-1"].config


def _mini_with(tmp_path: Path, old: str, new: str) -> Path:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    path = root / "types.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def test_unsupported_release_is_a_validation_error_with_file_and_line(tmp_path):
    root = _mini_with(tmp_path, "software: VRP V200R021C10", "software: VRP V200R009C00")
    _, problems = check_inventory(root)
    found = [p for p in problems if p.field == "device_types[sw48].software"]
    assert found and found[0].file == "mini/types.yaml" and found[0].line
    assert "V200R013C00 to V200R023C10" in found[0].message


def test_device_without_a_release_is_not_rendered_by_guess(tmp_path):
    root = _mini_with(tmp_path, "    software: VRP V200R021C10\n", "")
    inv = load_inventory(root)
    results = {r.device: r for r in render_devices(inv)}
    failed = [r for r in results.values() if r.status == "failed"]
    assert failed and all("names none" in r.reason for r in failed)


# --- the "done when" on the sample ---------------------------------------------------


def test_fw1_renders_nat_for_web_out_and_the_portal(configs):
    text = configs["fw-1"][1]
    assert "nat server portal-in protocol tcp global 198.51.100.17 443 inside 10.20.0.20 443\n" in text
    policy = text.split("\nnat-policy\n", 1)[1]
    assert " rule name extranet-web-out\n  source-zone extranet\n  destination-zone internet\n" in policy
    assert "  action source-nat easy-ip\n" in policy
    assert "ip route-static 198.51.100.16 255.255.255.240 NULL0" in text


def test_internet_router_routes_the_public_block_to_the_firewall(configs):
    assert "ip route 198.51.100.16 255.255.255.240 198.51.100.2 name NAT_block_of_fw-1\n" in configs["inet-rt-1"][1]


def test_nat_pool_mode(tmp_path):
    root = tmp_path / "inv"
    shutil.copytree(SAMPLE, root)
    path = root / "devices.yaml"
    path.write_text(path.read_text().replace("    source: easy-ip\n", "    source: pool\n"))
    text = Renderer(load_inventory(root)).render("fw-1")
    assert "nat address-group netops-pool 0\n mode pat\n section 0 198.51.100.18 198.51.100.30\n" in text
    assert "  action source-nat address-group netops-pool\n" in text


def test_published_address_outside_the_block_is_a_validation_error(tmp_path):
    root = tmp_path / "inv"
    shutil.copytree(SAMPLE, root)
    path = root / "network.yaml"
    path.write_text(path.read_text().replace("public_address: 198.51.100.17", "public_address: 198.51.100.99"))
    _, problems = check_inventory(root)
    assert any(p.field.endswith("public_address") and "no firewall's nat.public block" in p.message
               for p in problems), problems


def test_firewall_without_nat_but_with_internet_flows_is_refused(tmp_path):
    root = tmp_path / "inv"
    shutil.copytree(SAMPLE, root)
    for name, old in (("devices.yaml", "  nat:\n    public: 198.51.100.16/28\n    source: easy-ip\n"),
                      ("network.yaml", "  public_address: 198.51.100.17\n")):
        path = root / name
        path.write_text(path.read_text().replace(old, ""))
    result = Renderer(load_inventory(root)).result("fw-1")
    assert result.status == "failed" and "declare its nat" in result.reason


@pytest.mark.parametrize("device", ["st-sw-1", "wangtai-in-sw", "wangtai-v001"])
def test_new_huawei_releases_bind_ssh_and_snmp_to_the_management_interface(configs, device, tmp_path):
    inv = load_inventory(SAMPLE)
    mgmt = inv.devices[device].mgmt_interface or "GigabitEthernet0/0/4"
    text = configs[device][1]
    assert f"\nssh server-source -i {mgmt}\n" in text
    assert f"\nsnmp-agent protocol source-interface {mgmt}\n" in text
    assert "\nssh server acl 2000\n" in text
    assert "\nuser-interface vty 16 20\n acl 2000 inbound\n" in text


def test_older_switch_release_keeps_its_syntax(configs):
    text = configs["in-core-1"][1]  # S7706 on V200R019C10: no source-interface commands exist there
    assert "ssh server-source" not in text and "snmp-agent protocol source-interface" not in text
    assert "\nssh server acl 2000\n" in text


def test_usg_gets_web_manager_not_switch_http_commands(configs):
    text = configs["fw-1"][1]
    assert "undo web-manager enable\nundo web-manager security enable\n" in text
    assert "http server" not in text and "http secure-server" not in text


def test_comware_clock_protocol_and_release_dependent_acl(configs):
    core, access = configs["ex-core-1"][1], configs["wangtai-ex-sw"][1]
    for text in (core, access):
        assert " clock protocol ntp\n ntp-service enable\n" in text
    assert "\nacl number 2000\n" in core  # Comware 7.1.045
    assert "\nacl basic 2000\n" in access  # Comware 7.1.070


def test_boundary_traffic_is_mirrored_to_the_ids(configs):
    text = configs["ex-core-1"][1]
    assert (" mirroring-group 1 local\n mirroring-group 1 mirroring-port Ten-GigabitEthernet1/0/48 both\n"
            " mirroring-group 1 monitor-port GigabitEthernet5/0/10\n") in text


def test_usg_refuses_to_guess_mirroring(tmp_path):
    root = tmp_path / "inv"
    shutil.copytree(SAMPLE, root)
    path = root / "links.yaml"
    path.write_text(path.read_text().replace("- a: ex-core-1:GigabitEthernet5/0/10\n  b: ids-1:eth1",
                                             "- a: fw-1:GigabitEthernet1/0/2\n  b: ids-1:eth1"))
    result = Renderer(load_inventory(root, check=False)).result("fw-1")  # zones aside: the template is the point
    assert result.status == "failed" and "port mirroring on a USG" in result.reason


def test_huawei_switch_mirroring_syntax(tmp_path):
    """An IDS sensor cabled to a Huawei switch beside the firewall: observe-port + port-mirroring."""
    root = tmp_path / "inv"
    shutil.copytree(SAMPLE, root)
    path = root / "links.yaml"
    text = path.read_text()
    text = text.replace("- a: ex-core-1:GigabitEthernet5/0/10\n  b: ids-1:eth1",
                        "- a: st-sw-1:GigabitEthernet0/0/3\n  b: ids-1:eth1")
    text = text.replace("links:\n", "links:\n- a: st-sw-1:GigabitEthernet0/0/4\n  b: fw-1:GigabitEthernet1/0/5\n"
                                    "  media: cat6\n", 1)
    path.write_text(text)
    out = Renderer(load_inventory(root, check=False)).render("st-sw-1")  # zones aside: the syntax is the point
    assert "\nobserve-port 1 interface GigabitEthernet0/0/3\n" in out
    assert "\ninterface GigabitEthernet0/0/4\n port-mirroring to observe-port 1 both\n" in out


# --- paste and push safety -----------------------------------------------------------------


def test_no_rendered_line_prompts_without_its_answer(configs):
    walked = 0
    for name, (platform, text) in configs.items():
        lines = text.splitlines()
        walked += len(lines)
        assert check_lines(platform, lines) == [], name
    assert walked > 5000


def test_every_platform_has_a_prompt_table():
    assert set(PROMPTS) == {"huawei_vrp", "hp_comware", "cisco_ios", "frr"}


@pytest.mark.parametrize("lines, fragment", [
    (["undo http server enable", "undo http secure-server enable", "Y"], "the next line must be 'Y'"),
    (["aaa", " local-user a privilege level 15", " local-user a service-type ssh"], "the next line must be ' Y'"),
    (["aaa", " local-user a privilege level 15", "Y"], "the next line must be ' Y'"),  # wrong indentation
    (["undo http server enable"], "not None"),
    (["sysname x", "Y"], "follows no prompting command"),
    (["rsa local-key-pair create"], "no safe answer"),
    (["snmp-agent usm-user v3 u authentication-mode sha"], "no safe answer"),
    (["  undo stelnet server enable"], "no safe answer"),
])
def test_prompt_walk_catches_what_would_break_a_paste(lines, fragment):
    problems = check_lines("huawei_vrp", lines)
    assert problems and any(fragment in p for p in problems), problems


@pytest.mark.parametrize("platform, line", [
    ("huawei_vrp", "snmp-agent usm-user v3 u g simple authentication-mode sha K1 privacy-mode aes128 K2 acl 2001"),
    ("huawei_vrp", "snmp-agent usm-user v3 u authentication-mode sha cipher K1"),
    ("huawei_vrp", "snmp-agent usm-user v3 u privacy-mode aes128 cipher K2"),
    ("hp_comware", " snmp-agent usm-user v3 u g simple authentication-mode sha K1 privacy-mode aes128 K2 acl 2001"),
])
def test_snmpv3_users_with_their_keys_do_not_prompt(platform, line):
    """Only the key-less `... authentication-mode sha` asks (interactive password): forbidden above."""
    assert check_lines(platform, [line]) == []


def test_cisco_key_generation_needs_a_modulus():
    assert check_lines("cisco_ios", ["crypto key generate rsa"])
    assert check_lines("cisco_ios", ["crypto key generate rsa general-keys modulus 2048"]) == []


def test_push_steps_fold_answers_into_their_command(configs):
    lines = configs["wangtai-v001"][1].splitlines()
    steps = push_steps("huawei_vrp", lines)
    prompted = [s for s in steps if s.expect]
    assert [s.command.strip() for s in prompted] == [
        "undo http server enable", "undo http secure-server enable", "local-user netops privilege level 15"]
    assert all(s.answer == "Y" for s in prompted)
    assert not any(s.command.strip() == "Y" for s in steps)
    assert len(steps) == len(lines) - 3


def test_every_family_documents_an_example_that_parses():
    for family in FAMILIES.values():
        parse_release(family.example, family.platform)


# --- day 0 ------------------------------------------------------------------------------------


def test_day0_procedures_generate_host_keys_with_their_prompts(tmp_path):
    from typer.testing import CliRunner

    from cli import app

    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["render", "--inventory", str(SAMPLE), "--day0", "--out", str(out),
                                      "--device", "wangtai-v001", "--device", "ex-core-1", "--device", "inet-rt-1",
                                      "--device", "fw-1", "--device", "wangtai-ex-rt"])
    assert result.exit_code == 0, result.output
    texts = {p.name.split(".")[0]: p.read_text() for p in out.glob("*.day0.txt")}
    assert set(texts) == {"wangtai-v001", "ex-core-1", "inet-rt-1", "fw-1", "wangtai-ex-rt"}
    assert "rsa local-key-pair create\n!    the device asks: Input the bits in the modulus" in texts["wangtai-v001"]
    assert "type: 3072" in texts["wangtai-v001"] and "type: 2048" in texts["fw-1"]
    assert "public-key local create rsa\n" in texts["ex-core-1"]
    assert "crypto key generate rsa general-keys modulus 2048\n" in texts["inet-rt-1"]
    assert "ssh-keygen -A" in texts["wangtai-ex-rt"]
    check = CliRunner().invoke(app, ["render", "--inventory", str(SAMPLE), "--check", str(out),
                                     "--device", "wangtai-v001"])
    assert check.exit_code == 0, check.output  # the procedures are not stale configurations


_SOURCE_REFERENCE = re.compile(r"(?:source-interface|server-source -i|loghost source|trap source|ntp-service source|"
                               r"trap-source|logging source-interface|ntp source) (\S+)$")


def test_source_interfaces_are_created_before_they_are_named(configs):
    """Pasted top to bottom, a line naming a source interface must come after that interface's block."""
    checked = 0
    for name, (platform, text) in configs.items():
        seen: set[str] = set()
        for line in text.splitlines():
            if line.startswith("interface "):
                seen.add(line.split()[1])
            match = _SOURCE_REFERENCE.search(line.strip())
            if match and f"interface {match.group(1)}\n" in text:
                checked += 1
                assert match.group(1) in seen, f"{name}: '{line.strip()}' comes before interface {match.group(1)}"
    assert checked > 300
