"""`--metric-names snmp_exporter`: netops' own profiles under snmp_exporter's names.

Proved against the real thing: Debian's prometheus-snmp-exporter (0.21) with the
generator's if_mib module (bench/snmp_exporter.yml) and an RFC 1628 module in the generator's
format read the same snmpsim agent as netops' own `system`, `if_mib` and `ups_rfc1628`
profiles; metric names, label names and values must agree.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from netops.snmp import ber
from netops.snmp.collector import collect
from netops.snmp.exporter import state_loader
from netops.snmp.exporter_names import sanitized, snmp_exporter_names, with_names
from netops.snmp.families import render_text
from netops.snmp.profile import ProfileError, parse_profile
from netops.snmp.session import SnmpClient
from netops.snmp.target import SnmpAuth, SnmpTarget
from tests.snmp.agents import VENV_BIN, SnmpExporter, Snmpsim
from tests.snmp.conftest import PROFILES, ROOT, run, shared_recordings

LOCAL = ROOT / "tests" / "data" / "snmp-recordings"
GENERATED_IF_MIB = ROOT / "bench" / "snmp_exporter.yml"
UPS_MODULE = ROOT / "tests" / "data" / "snmp_exporter_ups_mib.yml"
RECORDINGS = ["generex-ups_cs141", "eatonups", "huaweiups_ups2000"]  # the last from ../shared


# --- the rewrite, as data ----------------------------------------------------------------

def test_if_mib_under_snmp_exporter_names(profiles):
    compat = snmp_exporter_names(profiles["if_mib"])
    entry = next(t for t in compat.tables if t.name == "ifEntry")
    assert [p.name for p in entry.index] == ["ifIndex"]
    assert [label.label for label in entry.labels] == ["ifName", "ifDescr", "ifAlias"]
    assert all(label.fallback is None for label in entry.labels)  # ifName stays empty without ifXTable
    by_name = {m.name: m for m in entry.metrics}
    assert {"ifHCInOctets", "ifInOctets", "ifHighSpeed", "ifSpeed", "ifOperStatus"} <= set(by_name)
    assert by_name["ifHCInOctets"].type == "counter" and by_name["ifInOctets"].oid == (1, 3, 6, 1, 2, 1, 2, 2, 1, 10)
    assert by_name["ifHighSpeed"].scale == 1.0 and not by_name["ifHighSpeed"].fallback  # raw Mbit/s
    assert compat.names == "snmp_exporter"
    assert snmp_exporter_names(compat) is compat  # already in that form (imported modules too)


def test_ups_enums_sentinels_and_rows_are_raw(profiles):
    compat = snmp_exporter_names(profiles["ups_rfc1628"])
    metrics = {m.name: m for t in compat.tables for m in t.metrics}
    source = metrics["upsOutputSource"]
    assert source.enum_as == "value" and source.enum[4] == "bypass"  # a number, as the generator's gauge
    assert metrics["upsEstimatedMinutesRemaining"].unknown == [] and metrics["upsEstimatedMinutesRemaining"].scale == 1
    assert metrics["upsOutputPower"].min is None
    tables = {t.name: t for t in compat.tables}
    assert tables["upsInputEntry"].rows_limit is None
    assert [p.name for p in tables["upsInputEntry"].index] == ["upsInputLineIndex"]
    assert [(p.name, p.label) for p in tables["upsAlarmEntry"].index] == [("upsAlarmId", True)]


def test_entity_sensor_values_stay_raw_as_the_generator_exports_them(profiles):
    """entPhySensorValue is exported as the agent gives it, not times 10 ** scale/precision:
    checked against every cell of the real ASA recording."""
    from netops.snmp.metrics import families, profile_oids

    compat = snmp_exporter_names(profiles["entity_sensor"])
    assert all(not m.exponent_by for t in compat.tables for m in t.metrics)
    cells = {}
    for line in (LOCAL / "ciscoasa_entity-sensor.snmprec").read_text(encoding="utf-8").splitlines():
        oid, tag, value = line.split("|", 2)
        cells[ber.parse_oid(oid)] = (int(tag), int(value) if tag in ("2", "66") else value.encode())
    data = {}
    for col in profile_oids(compat):
        rows = {oid[len(col):]: cell for oid, cell in cells.items() if oid[:len(col)] == col and len(oid) > len(col)}
        if rows:
            data[col] = rows
    exported = {labels["entPhysicalIndex"]: value
                for f in families([compat], data) if f.name == "entPhySensorValue" for labels, value in f.values()}
    assert exported, "no entPhySensorValue exported"
    for index, value in exported.items():
        assert value == cells[ber.parse_oid(f"1.3.6.1.2.1.99.1.1.1.4.{index}")][1], index


def test_default_names_are_untouched(profiles):
    assert with_names(profiles, "netops") is profiles
    compat = with_names(profiles, "snmp_exporter")
    assert set(compat) == set(profiles) and all(p.names == "snmp_exporter" for p in compat.values())
    assert compat["ups_rfc1628"].match == profiles["ups_rfc1628"].match  # module auto still matches


@pytest.mark.parametrize("raw, name", [("internal-tempc", "internal_tempc"), ("1wire", "_1wire"), ("ifName", "ifName")])
def test_object_names_are_sanitised_as_the_generator_does(raw, name):
    assert sanitized(raw) == name


def test_object_that_is_no_label_name_is_refused_at_load():
    text = """
name: bad
tables:
  - name: t
    index: [{name: i, object: "if Index"}]
    metrics: [{name: x, oid: 1.3.6.1.2.1.2.2.1.1}]
"""
    with pytest.raises(ProfileError, match="object 'if Index' is not a valid label name"):
        parse_profile(text)


def test_two_metrics_on_one_object_become_one():
    """A profile reading one object twice (two netops views) must still load under its MIB name."""
    profile = parse_profile("""
name: twice
tables:
  - name: t
    scalar: true
    metrics:
      - {name: a_seconds, oid: 1.3.6.1.2.1.1.3, object: sysUpTime, scale: 0.01}
      - {name: a_ticks, oid: 1.3.6.1.2.1.1.3, object: sysUpTime}
""")
    assert [m.name for m in snmp_exporter_names(profile).tables[0].metrics] == ["sysUpTime"]


# --- against the real snmp_exporter --------------------------------------------------------

def _exposed(text: str, drop: set[str]) -> dict[str, dict[tuple, float]]:
    """name -> {labels: value}; empty labels dropped (Prometheus stores none), as are `drop`."""
    from prometheus_client.parser import text_string_to_metric_families

    out: dict[str, dict[tuple, float]] = {}
    written = {line.split("{")[0].split(" ")[0] for line in text.splitlines() if line and line[0] != "#"}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            # the parser names counter samples <name>_total; keep the name as written
            name = sample.name if sample.name in written else family.name
            if name.startswith("snmp_"):
                continue
            labels = tuple(sorted((k, v) for k, v in sample.labels.items() if v and k not in drop))
            out.setdefault(name, {})[labels] = sample.value
    return out


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """snmpsim with three recordings, and the real snmp_exporter reading them."""
    if shutil.which("prometheus-snmp-exporter") is None:
        pytest.skip("prometheus-snmp-exporter (Debian package) is not installed")
    if not (VENV_BIN / "snmpsim-command-responder").exists():
        pytest.skip("snmpsim is not installed")
    work = tmp_path_factory.mktemp("names")
    data = work / "data"
    data.mkdir()
    for name in RECORDINGS:
        for base in (LOCAL, shared_recordings()):
            if base is not None and (base / f"{name}.snmprec").exists():
                shutil.copy(base / f"{name}.snmprec", data / f"{name}.snmprec")
                break
    sim = Snmpsim(data, work, ready_community="eatonups")
    modules = {**yaml.safe_load(GENERATED_IF_MIB.read_text()), **yaml.safe_load(UPS_MODULE.read_text())}
    config = {f"{module}__{rec}": {**body, "auth": {"community": rec}} for rec in RECORDINGS
              for module, body in modules.items()}
    (work / "snmp.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    try:
        anchor = SnmpExporter(work / "snmp.yml", work)
    except BaseException:  # the agent this test started ends with it
        sim.stop()
        raise

    def theirs(module: str, recording: str) -> str:
        return anchor.scrape(f"{sim.host}:{sim.port}", f"{module}__{recording}")

    yield sim, theirs
    anchor.stop()
    sim.stop()


def ours(sim, profiles, recording: str, names: list[str]) -> str:
    compat = with_names(profiles, "snmp_exporter")
    target = SnmpTarget(name=recording, host=sim.host, port=sim.port, auth=SnmpAuth(community=recording),
                        labels={"device": recording}, timeout=5, retries=1)

    async def go():
        client = SnmpClient()
        try:
            return await collect(client, target, [compat[n] for n in names], deadline=30)
        finally:
            client.close()

    result = run(go())
    assert result.up, result.error
    return render_text(result.families)


# The generator's if_mib overrides ifType to EnumAsInfo (ifType_info{ifType="ethernet-csmacd"});
# netops keeps the number (ifType 6), as the generator does without that override.
NOT_IN_GENERATED_IF_MIB = {"ifType", "sysObjectID"}


@pytest.mark.parametrize("recording", ["generex-ups_cs141", "eatonups"])
def test_if_mib_names_labels_and_values_match_snmp_exporter(both, profiles, recording):
    sim, theirs = both
    mine = _exposed(ours(sim, profiles, recording, ["system", "if_mib"]), {"device"})
    real = _exposed(theirs("if_mib", recording), set())
    assert set(mine) - set(real) == NOT_IN_GENERATED_IF_MIB
    shared = sorted(set(mine) & set(real))
    assert {"ifOperStatus", "ifAdminStatus", "ifLastChange", "ifInErrors", "sysUpTime"} <= set(shared)
    for name in shared:
        if name == "sysUpTime":  # snmpsim's uptime moves between the two scrapes
            assert [dict(k) for k in mine[name]] == [dict(k) for k in real[name]] == [{}]
            continue
        assert mine[name] == real[name], name
    if recording == "eatonups":  # no ifXTable: both export the 32-bit counters and ifSpeed, ifName empty
        assert {"ifInOctets", "ifSpeed"} <= set(shared) and "ifHCInOctets" not in real
        labels = dict(next(iter(mine["ifInOctets"])))
        assert set(labels) == {"ifIndex", "ifDescr"} and labels["ifDescr"] == "UM9008"
    else:
        assert {"ifHCInOctets", "ifHCOutOctets", "ifHighSpeed"} <= set(shared)  # no ifInOctets upstream
        labels = dict(next(k for k in mine["ifHCInOctets"]))
        assert {"ifIndex", "ifName", "ifDescr"} <= set(labels)


@pytest.mark.parametrize("recording", ["generex-ups_cs141", "huaweiups_ups2000"])
def test_ups_mib_names_labels_and_values_match_snmp_exporter(both, profiles, recording):
    sim, theirs = both
    if recording == "huaweiups_ups2000" and shared_recordings() is None:
        pytest.skip("shared recording huaweiups_ups2000 is absent (../shared/snmp-recordings)")
    mine = _exposed(ours(sim, profiles, recording, ["ups_rfc1628"]), {"device"})
    real = _exposed(theirs("ups_mib", recording), set())
    module = yaml.safe_load(UPS_MODULE.read_text())["ups_mib"]
    names = {m["name"] for m in module["metrics"]}
    assert names <= set(mine) | {n for n in names if n not in real}
    compared = sorted(names & set(real))
    assert len(compared) >= 15, compared
    for name in compared:
        assert mine[name] == real[name], name
    # the enum is the number, as snmp_exporter exports it (4 = bypass on the Generex)
    source = real["upsOutputSource"][()]
    assert mine["upsOutputSource"][()] == source
    if recording == "huaweiups_ups2000":  # the sentinel goes out raw, as snmp_exporter's does
        assert mine["upsEstimatedMinutesRemaining"][()] == real["upsEstimatedMinutesRemaining"][()] == 4294967295


def test_promtool_finds_nothing_new_in_snmp_exporter_names(both, profiles):
    """The names break promtool's naming lint only as snmp_exporter's own output does (camelCase,
    counters without _total); nothing else in the exposition is flagged."""
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is not installed (apt-get install prometheus)")
    sim, theirs = both

    def problems(text: str) -> set[str]:
        lint = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True, timeout=60)
        return {line.strip() for line in (lint.stdout + lint.stderr).splitlines() if line.strip()}

    for recording in ("generex-ups_cs141", "eatonups"):
        mine = problems(ours(sim, profiles, recording, ["system", "if_mib"]))
        real = problems(theirs("if_mib", recording))
        extra = {line for line in mine - real if not line.startswith(tuple(NOT_IN_GENERATED_IF_MIB))}
        assert extra == set(), sorted(extra)
        assert all("snake_case" in line or "_total" in line for line in mine), sorted(mine)


def test_exporter_and_collect_take_the_switch(both, tmp_path, monkeypatch):
    from netops.commands.snmp import app

    sim, _ = both
    state = state_loader(PROFILES, None, None, lab=False, metric_names="snmp_exporter")()
    assert state.profiles["if_mib"].names == "snmp_exporter"
    config = tmp_path / "exporter.yml"
    config.write_text(json.dumps({"auths": {"eaton": {"version": "2c", "community": {"env": "EATON_COMMUNITY"}}},
                                  "targets": {"ups-1": {"address": f"{sim.host}:{sim.port}", "auth": "eaton",
                                                        "profiles": ["if_mib"]}}}))
    monkeypatch.setenv("EATON_COMMUNITY", "eatonups")
    monkeypatch.chdir(tmp_path)  # no ./inventory here
    result = CliRunner().invoke(app, ["collect", "ups-1", "--config", str(config), "--metric-names",
                                      "snmp_exporter", "--text"])
    assert result.exit_code == 0, result.output
    assert 'ifInOctets{' in result.output and 'ifIndex="1"' in result.output and "if_in_bytes_total" not in result.output
    result = CliRunner().invoke(app, ["collect", "ups-1", "--config", str(config), "--metric-names", "bogus"])
    assert result.exit_code == 2
    default = CliRunner().invoke(app, ["collect", "ups-1", "--config", str(config), "--text"])
    assert "if_in_bytes_total" in default.output


def test_exporter_serves_the_names_and_keeps_them_across_a_reload(both, tmp_path, monkeypatch):
    """/snmp under --metric-names snmp_exporter, module auto included; a reload (the same
    loader, run in a child process) must not fall back to netops' names."""
    from tests.snmp.conftest import ExporterThread

    sim, _ = both
    config = tmp_path / "exporter.yml"
    config.write_text(json.dumps({"auths": {"g": {"version": "2c", "community": {"env": "G_COMMUNITY"}}},
                                  "targets": {"ups-9": {"address": f"{sim.host}:{sim.port}", "auth": "g"}}}))
    monkeypatch.setenv("G_COMMUNITY", "generex-ups_cs141")
    server = ExporterThread(state_loader(PROFILES, None, config, lab=False, metric_names="snmp_exporter"))
    try:
        for attempt in ("first", "after reload"):
            status, body = server.get("/snmp?target=ups-9&module=if_mib,auto")
            assert status == 200, (attempt, body)
            assert [line.rsplit(" ", 1)[1] for line in body.splitlines() if line.startswith("upsOutputSource")] \
                == ["4"], attempt
            assert "ifHCInOctets{" in body and 'ifIndex="2"' in body, attempt
            assert "ups_output_source" not in body and "if_in_bytes_total" not in body, attempt
            status, text = server.get("/-/reload", method="POST")
            assert status == 200, text
    finally:
        server.stop()


def test_a_profile_replacing_an_unknown_profile_is_refused(tmp_path):
    """A typo in `replaces` would leave both profiles on the device (two values per series)."""
    from netops.snmp.profile import load_profiles

    shutil.copy(PROFILES / "huawei_ups.yaml", tmp_path / "huawei_ups.yaml")
    with pytest.raises(ProfileError, match="replaces unknown profile.*ups_rfc1628"):
        load_profiles(tmp_path)
    shutil.copy(PROFILES / "ups_rfc1628.yaml", tmp_path / "ups_rfc1628.yaml")
    assert set(load_profiles(tmp_path)) == {"huawei_ups", "ups_rfc1628"}
