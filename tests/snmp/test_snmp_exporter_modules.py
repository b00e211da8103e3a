"""snmp_exporter's generated modules served by netops: same names, labels and values as the
real prometheus-snmp-exporter (Debian 0.21) reading the same snmpsim agent."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from netops.commands.snmp import app
from netops.snmp.collector import collect
from netops.snmp.profile import ProfileError, load_profiles
from netops.snmp.session import SnmpClient
from netops.snmp.snmp_exporter_modules import import_config, load_snmp_exporter_config
from netops.snmp.target import SnmpAuth, SnmpTarget

from tests.snmp.agents import VENV_BIN, SnmpExporter, Snmpsim
from tests.snmp.conftest import ROOT, run

ANCHOR = ROOT / "bench" / "snmp_exporter.yml"  # the generator's if_mib module (see the file's header)
LOCAL = ROOT / "tests" / "data" / "snmp-recordings"
runner = CliRunner()


def test_generated_if_mib_imports_whole():
    documents, notes = import_config(ANCHOR, ["if_mib"])
    assert notes == []
    profile = load_snmp_exporter_config(ANCHOR)["if_mib"]
    names = {m.name for t in profile.tables for m in t.metrics}
    assert {"ifHCInOctets", "ifOperStatus", "ifType_info", "ifPhysAddress", "sysUpTime"} <= names


def test_import_module_cli_writes_loadable_profiles(tmp_path):
    result = runner.invoke(app, ["import-module", str(ANCHOR), "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "if_mib.yaml").exists()
    assert "if_mib" in load_profiles(tmp_path)
    again = runner.invoke(app, ["import-module", str(ANCHOR), "--out", str(tmp_path)])
    assert again.exit_code == 2 and "--force" in again.output


def test_snmp_yml_in_the_profile_directory_loads_directly(tmp_path):
    shutil.copy(ANCHOR, tmp_path / "team.snmp.yml")
    assert "if_mib" in load_profiles(tmp_path)
    shutil.copy(ANCHOR, tmp_path / "if_mib.yaml")  # not a netops profile: a clear error
    with pytest.raises(ProfileError):
        load_profiles(tmp_path)


@pytest.mark.parametrize("text, message", [
    ("[1, 2]", "mapping of module names"),
    ("m:\n  metrics: [{name: x, oid: 1.3.6.1.2.1.1.3, type: gauge, indexes: [{labelname: i, type: Weird}]}]\n", None),
    ("m: {metrics: [", "not valid YAML"),
])
def test_bad_snmp_exporter_configs_are_clear_errors(tmp_path, text, message):
    path = tmp_path / "bad.snmp.yml"
    path.write_text(text)
    if message is None:  # an unsupported index type: the metric is skipped with a note, nothing left
        documents, notes = import_config(path)
        assert documents == {} and any("index type 'Weird'" in n for n in notes)
        return
    with pytest.raises(ProfileError, match=message):
        load_snmp_exporter_config(path)


def _samples(text: str, names: set[str]) -> dict:
    from prometheus_client.parser import text_string_to_metric_families

    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name in names:
                labels = tuple(sorted((k, v) for k, v in sample.labels.items() if v and k != "device"))
                out[(sample.name, labels)] = sample.value
    return out


def test_same_samples_as_the_real_snmp_exporter(tmp_path):
    if shutil.which("prometheus-snmp-exporter") is None:
        pytest.skip("prometheus-snmp-exporter (Debian package) is not installed")
    if not (VENV_BIN / "snmpsim-command-responder").exists():
        pytest.skip("snmpsim is not installed")
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(LOCAL / "generex-ups_cs141.snmprec", data / "public.snmprec")
    sim = Snmpsim(data, tmp_path, ready_community="public")
    config = tmp_path / "snmp.yml"
    config.write_text(ANCHOR.read_text())
    try:
        anchor = SnmpExporter(config, tmp_path)
    except BaseException:  # the agent this test started ends with it
        sim.stop()
        raise
    try:
        body = anchor.scrape(f"{sim.host}:{sim.port}", "if_mib")
        profile = load_snmp_exporter_config(ANCHOR)["if_mib"]
        target = SnmpTarget(name="x", host=sim.host, port=sim.port, auth=SnmpAuth(community="public"),
                            timeout=5, retries=1)

        async def go():
            client = SnmpClient()
            try:
                return await collect(client, target, [profile], deadline=30)
            finally:
                client.close()

        from netops.snmp.families import render_text

        result = run(go())
        assert result.up, result.error
        names = {m.name for t in profile.tables for m in t.metrics}
        theirs, ours = _samples(body, names), _samples(render_text(result.families), names)
        assert theirs and set(ours) == set(theirs), (sorted(set(theirs) - set(ours)), sorted(set(ours) - set(theirs)))
        assert ours == theirs
    finally:
        anchor.stop()
        sim.stop()
