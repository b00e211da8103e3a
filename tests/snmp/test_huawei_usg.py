"""Huawei USG firewall sessions (monitors/profiles/huawei_usg.yaml) against snmpsim.

No public recording of a USG with session values exists (see tests/data/snmp-recordings/
README.md): `huawei_usg_from_mib.snmprec` is HAND-MADE FROM THE MIB, NOT A DEVICE. The
variants below are derived from it line by line, so every check still compares a value
with the raw `OID|TYPE|VALUE` line served:

- `usg_new`:     the firewall-product tree HUAWEI-SECURITY-STAT-MIB (2011.6.122.15) only;
- `usg_old`:     the same objects moved to the old HUAWEI-SECSTAT-MIB tree (2011.5.25.11);
- `usg_both`:    both trees, the old one with other values (which one wins?);
- `usg_partial`: the product tree answers only hwSecStatMonTotalSess, the old tree all;
- `usg_none`:    a Huawei device with neither tree (a switch's board health only);
- `usg_odd`:     per-CPU rows without slot/CPU columns and a usage of 250 %;
- `usg_flood`:   90,000 of 150,000 sessions half-open (a SYN flood), for the alert rule;
- `usg_refused`: the old tree only, and every product-tree object refused (genError).
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from netops.snmp.exporter_names import with_names
from netops.snmp.families import render_text
from tests.snmp.agents import Snmpsim
from tests.snmp.conftest import ROOT
from tests.snmp.test_device_families import _promtool_rules, _series, matched_by_identity, one, values as samples
from tests.snmp.test_device_families import scrape as families_scrape

RECORDING = ROOT / "tests" / "data" / "snmp-recordings" / "huawei_usg_from_mib.snmprec"
NEW = "1.3.6.1.4.1.2011.6.122.15.1.2.1."  # hwSecStatMonitorGlobalSessFlow, product MIB
OLD = "1.3.6.1.4.1.2011.5.25.11.1.2.1."  # the same objects, HUAWEI-SECSTAT-MIB
PERF = "1.3.6.1.4.1.2011.6.122.15.2.1."  # hwSecStatPerfAndPhyEntry
OLD_DELTA = 7  # the old tree's values in usg_both / usg_partial differ by this much
FLOOD = {f"{NEW}4.0|70|120345": f"{NEW}4.0|70|150000", f"{NEW}5.0|70|350": f"{NEW}5.0|70|90000"}

# metric -> sub-identifier under hwSecStatMonitorGlobalSessFlow
SCALARS = {
    "firewall_sessions_created_total": 1,
    "firewall_session_setup_rate_peak": 2,
    "firewall_session_setup_rate": 3,
    "firewall_sessions": 4,
    "firewall_half_open_sessions": 5,
    "firewall_tcp_sessions": 6,
    "firewall_udp_sessions": 7,
    "firewall_icmp_sessions": 8,
}


def _lines() -> list[str]:
    return RECORDING.read_text(encoding="utf-8").splitlines()


def _sorted(lines: list[str]) -> str:
    """snmpsim walks a recording in file order: keep it sorted by OID."""
    return "".join(f"{line}\n" for line in sorted(lines, key=lambda l: tuple(int(x) for x in l.split("|")[0].split("."))))


def _old_copy(lines: list[str], delta: int) -> list[str]:
    out = []
    for line in lines:
        if line.startswith(NEW):
            oid, kind, value = line.split("|")
            out.append(f"{OLD}{oid.removeprefix(NEW)}|{kind}|{int(value) + delta}")
    return out


def variants() -> dict[str, str]:
    lines = _lines()
    new = [l for l in lines if l.startswith(NEW)]
    rest = [l for l in lines if not l.startswith(NEW)]
    odd = [l for l in lines if not l.startswith((f"{PERF}2.", f"{PERF}3."))]
    odd = [l.replace(f"{PERF}6.2|66|27", f"{PERF}6.2|66|250") for l in odd]
    return {
        "usg_new": _sorted(lines),
        "usg_old": _sorted(rest + _old_copy(lines, 0)),
        "usg_both": _sorted(lines + _old_copy(lines, OLD_DELTA)),
        "usg_partial": _sorted(rest + [l for l in new if l.startswith(f"{NEW}4.")] + _old_copy(lines, OLD_DELTA)),
        "usg_none": _sorted([l for l in rest if not l.startswith(PERF)]),
        "usg_odd": _sorted(odd),
        "usg_flood": _sorted([FLOOD.get(l, l) for l in lines]),
        "usg_refused": _sorted(rest + _old_copy(lines, 0) + [f"{l.split('|')[0]}|70:error|op=any,status=genError"
                                                            for l in new]),
    }


@pytest.fixture(scope="module")
def usg(tmp_path_factory):
    sim = Snmpsim.serving_texts(variants(), tmp_path_factory.mktemp("usg"), ready_community="usg_new")
    yield sim
    sim.stop()


def raw(name: str, oid: str) -> int:
    """The value column of one line of the served recording."""
    for line in variants()[name].splitlines():
        key, _, rest = line.partition("|")
        if key == oid:
            return int(rest.partition("|")[2])
    raise AssertionError(f"{oid} not in {name}")


def scrape(agent, community: str, profiles: dict, modules: str = "system,auto"):
    """A scrape as the exporter makes it (module auto), of a device whose role is firewall."""
    return families_scrape(agent, community, profiles, modules=modules, role="firewall")


def firewall_series(result) -> list[str]:
    return [f.name for f in result.families if f.name.startswith("firewall_") and f.samples]


# --- matching ------------------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("usg_new", {"huawei_usg", "huawei_entity"}),
    ("usg_old", {"huawei_usg", "huawei_entity"}),
    ("usg_both", {"huawei_usg", "huawei_entity"}),
    ("usg_partial", {"huawei_usg", "huawei_entity"}),
    ("usg_none", {"huawei_entity"}),
])
def test_matched_on_either_tree_or_both(usg, profiles, name, expected):
    assert set(matched_by_identity(usg, name, profiles)) == expected


# --- values --------------------------------------------------------------------------------

def test_product_tree_values_each_checked_against_the_recording(usg, profiles):
    r = scrape(usg, "usg_new", profiles)
    assert set(r.matched) == {"huawei_usg", "huawei_entity"}
    for metric, sub in SCALARS.items():
        assert one(r, metric) == raw("usg_new", f"{NEW}{sub}.0"), metric
    assert one(r, "firewall_sessions") == 120345 and one(r, "firewall_half_open_sessions") == 350
    assert r.family("firewall_sessions_created_total").type == "counter"
    assert r.family("firewall_sessions").type == "gauge"  # Counter64 in the MIB, a current value in fact
    rows = {(l["slot"], l["cpu"], l["cpu_index"]): v for l, v in samples(r, "firewall_cpu_usage_ratio")}
    assert rows == {("3", "0", "1"): raw("usg_new", f"{PERF}6.1") / 100, ("3", "1", "2"): 0.27}
    sessions = {l["cpu"]: v for l, v in samples(r, "firewall_cpu_sessions")}
    assert sessions == {"0": raw("usg_new", f"{PERF}4.1"), "1": raw("usg_new", f"{PERF}4.2")}
    assert sum(sessions.values()) == one(r, "firewall_sessions")  # the SPU CPUs add up to the device
    rates = {l["cpu"]: v for l, v in samples(r, "firewall_cpu_session_setup_rate")}
    assert sum(rates.values()) == one(r, "firewall_session_setup_rate") == 2150
    # boards from huawei_entity on the same device: CPU and memory of the MPU, not the chassis
    assert samples(r, "entity_cpu_usage_ratio") == [({"entity_index": "16842753", "entity": "MPU 1"}, 0.17)]
    assert samples(r, "entity_memory_usage_ratio") == [({"entity_index": "16842753", "entity": "MPU 1"}, 0.42)]
    assert r.modules["huawei_usg"] == [] and not r.warnings


def test_old_tree_only_is_read_as_the_fallback(usg, profiles):
    r = scrape(usg, "usg_old", profiles)
    assert "huawei_usg" in r.matched
    for metric, sub in SCALARS.items():
        assert one(r, metric) == raw("usg_old", f"{OLD}{sub}.0") == raw("usg_new", f"{NEW}{sub}.0"), metric
    assert r.modules["huawei_usg"] == []


def test_both_trees_give_one_series_each_from_the_product_tree(usg, profiles):
    r = scrape(usg, "usg_both", profiles)
    for metric, sub in SCALARS.items():
        assert one(r, metric) == raw("usg_both", f"{NEW}{sub}.0") != raw("usg_both", f"{OLD}{sub}.0"), metric
    text = render_text(r.families)
    assert text.count("\nfirewall_sessions{") == 1


def test_fallback_is_per_object(usg, profiles):
    """The product tree answers only the total: that one from it, every other from the old tree."""
    r = scrape(usg, "usg_partial", profiles)
    assert one(r, "firewall_sessions") == raw("usg_partial", f"{NEW}4.0")
    for metric, sub in SCALARS.items():
        if sub != 4:
            assert one(r, metric) == raw("usg_partial", f"{OLD}{sub}.0") == raw("usg_new", f"{NEW}{sub}.0") + OLD_DELTA


def test_refused_product_tree_is_made_good_by_the_old_one(usg, profiles):
    """An agent answering genError for every product-tree object: the old tree's values, and the
    module is complete (nothing was left out), without a "refused; left out" warning."""
    r = scrape(usg, "usg_refused", profiles)
    for metric, sub in SCALARS.items():
        assert one(r, metric) == raw("usg_refused", f"{OLD}{sub}.0"), metric
    assert r.modules["huawei_usg"] == [] and not r.warnings
    assert samples(r, "snmp_scrape_module_up") and all(v == 1 for _, v in samples(r, "snmp_scrape_module_up"))


def test_huawei_device_without_either_tree(usg, profiles):
    """A Huawei sysObjectID alone does not match: no empty firewall families, the rest decoded."""
    r = scrape(usg, "usg_none", profiles)
    assert r.matched == ["huawei_entity"] and "huawei_usg" not in r.modules
    assert firewall_series(r) == []
    assert samples(r, "entity_cpu_usage_ratio") == [({"entity_index": "16842753", "entity": "MPU 1"}, 0.17)]
    # as for every role that expects no power or environment data: nothing to report as unmatched
    assert r.profile_matched is None and r.family("snmp_profile_matched") is None
    # named explicitly (an inventory's profiles), it reads nothing, fails nothing, invents nothing
    r = scrape(usg, "usg_none", profiles, modules="system,huawei_usg")
    assert firewall_series(r) == [] and r.modules["huawei_usg"] == []


def test_cpu_rows_without_slot_or_cpu_stay_apart_and_impossible_usage_is_left_out(usg, profiles):
    r = scrape(usg, "usg_odd", profiles)
    usage = samples(r, "firewall_cpu_usage_ratio")
    assert usage == [({"cpu_index": "1", "slot": "", "cpu": ""}, 0.23)]  # 250 % is no reading
    sessions = samples(r, "firewall_cpu_sessions")
    assert sorted(l["cpu_index"] for l, _ in sessions) == ["1", "2"]  # two rows, two series


# --- exposition ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["usg_new", "usg_old", "usg_both", "usg_partial", "usg_none", "usg_odd", "usg_flood"])
def test_promtool_check_metrics(usg, profiles, name):
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is not installed (apt-get install prometheus)")
    text = render_text(scrape(usg, name, profiles).families)
    lint = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True, timeout=60)
    assert lint.returncode == 0, lint.stdout + lint.stderr


# --- the alert rules on what the profile exports --------------------------------------------

def test_healthy_session_table_raises_no_firewall_alert(usg, profiles, tmp_path):
    _promtool_rules(tmp_path, "firewall.yml", _series(scrape(usg, "usg_new", profiles)),
                    {"FirewallHalfOpenSessionsHigh": [], "FirewallForwardingCpuHigh": []})


def test_syn_flood_fires_on_the_scraped_series(usg, profiles, tmp_path):
    """The rule matches firewall_half_open_sessions to firewall_sessions one-to-one: the labels
    the profile gives both (device, role, site) must agree, or it could never fire."""
    r = scrape(usg, "usg_flood", profiles)
    assert one(r, "firewall_half_open_sessions") == raw("usg_flood", f"{NEW}5.0") == 90000
    _promtool_rules(tmp_path, "firewall.yml", _series(r), {"FirewallHalfOpenSessionsHigh": [{
        "exp_labels": {"severity": "warning", "device": "usg_flood", "role": "firewall", "site": "admin-centre"},
        "exp_annotations": {
            "summary": "usg_flood: 90000 half-open sessions",
            "description": "More than half of the sessions of usg_flood are half-open (incomplete): a SYN flood, "
                           "or a server behind it that no longer answers. New connections may be refused when the "
                           "session table fills."}}]})


@pytest.mark.parametrize("name", ["usg_new", "usg_old", "usg_both"])
def test_snmp_exporter_names_read_either_tree_into_one_series(usg, profiles, name):
    """Both MIBs name the object hwSecStatMonTotalSess: under snmp_exporter's names it is one
    metric, from the product tree when present, else from the old one; raw values."""
    r = scrape(usg, name, with_names(profiles, "snmp_exporter"))
    tree = OLD if name == "usg_old" else NEW
    assert one(r, "hwSecStatMonTotalSess") == raw(name, f"{tree}4.0")
    assert one(r, "hwSecStatMonCurSessSpeed") == raw(name, f"{tree}3.0")
    assert {l["hwSecStatPerfIndex"]: v for l, v in samples(r, "hwSecStatUsage")} == {"1": 23, "2": 27}


def test_recording_says_it_is_hand_made():
    first = _lines()[0]
    assert first.startswith("1.3.6.1.2.1.1.1.0|4|HAND-MADE FROM THE MIB, NOT A DEVICE")
    readme = (RECORDING.parent / "README.md").read_text(encoding="utf-8")
    assert "huawei_usg_from_mib.snmprec" in readme and "HAND-MADE FROM THE MIB, NOT A DEVICE" in readme


def test_variants_are_derived_not_copied():
    """Every variant line is a recording line, or one moved to the old tree (values + delta)."""
    source = set(_lines())
    for name, text in variants().items():
        for line in text.splitlines():
            if line.startswith(OLD):
                oid, kind, value = line.split("|")
                assert kind == "70" and f"{NEW}{oid.removeprefix(OLD)}|70|{int(value) - OLD_DELTA}" in source \
                    or f"{NEW}{oid.removeprefix(OLD)}|70|{value}" in source
            elif not (name == "usg_odd" and "|66|250" in line or name == "usg_flood" and line in FLOOD.values()
                      or name == "usg_refused" and ":error|" in line):
                assert line in source, (name, line)
