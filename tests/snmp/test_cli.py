"""`netops snmp ...` through Typer's runner: profiles, check, defaults, collect."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from netops.commands.snmp import app
from tests.snmp.conftest import PROFILES

runner = CliRunner()


def test_profiles_lists_every_profile_as_json():
    result = runner.invoke(app, ["profiles", "--json", "--profiles", str(PROFILES)])
    assert result.exit_code == 0
    names = {row["name"] for row in json.loads(result.output)}
    assert {"system", "if_mib", "ups_rfc1628", "lldp", "room_environment"} <= names


def test_check_reports_file_line_and_field(tmp_path):
    (tmp_path / "broken.yaml").write_text("name: broken\ntables:\n  - name: t\n    scalar: true\n"
                                          "    metrics:\n      - {name: x_total, oid: 1.3.6.1.1}\n")
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 2
    assert "broken.yaml:6" in result.output and "only counters may end in _total" in result.output
    assert runner.invoke(app, ["check", str(PROFILES)]).exit_code == 0


def test_defaults_for_a_role():
    assert runner.invoke(app, ["defaults", "ups"]).output.strip() == "system,ups_rfc1628,auto"
    bad = runner.invoke(app, ["defaults", "toaster"])
    assert bad.exit_code == 2 and "unknown role" in bad.output


def test_collect_one_device_over_snmpd(snmpd, tmp_path, monkeypatch):
    config = tmp_path / "exporter.yml"
    config.write_text(json.dumps({"auths": {"lab": {"version": "2c", "community": {"env": "T_COMMUNITY"}}}}))
    monkeypatch.setenv("T_COMMUNITY", snmpd.community)
    monkeypatch.chdir(tmp_path)  # no ./inventory here: targets come from the config only
    monkeypatch.delenv("NETOPS_INVENTORY", raising=False)
    target = f"{snmpd.host}:{snmpd.port}"
    result = runner.invoke(app, ["collect", target, "--auth", "lab", "--config", str(config), "--module",
                                 "system", "--json", "--profiles", str(PROFILES)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["up"] is True
    info = next(m for m in data["metrics"] if m["name"] == "sys_info")
    assert info["samples"][0]["labels"]["sys_name"] == "netops-test-snmpd"
    assert snmpd.community not in result.output  # the secret never reaches the output


def test_collect_reports_a_missing_secret_without_traceback(tmp_path, monkeypatch):
    config = tmp_path / "exporter.yml"
    config.write_text(json.dumps({"auths": {"lab": {"version": "2c", "community": {"env": "T_UNSET_COMMUNITY"}}}}))
    monkeypatch.delenv("T_UNSET_COMMUNITY", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NETOPS_INVENTORY", raising=False)
    result = runner.invoke(app, ["collect", "127.0.0.1:1161", "--auth", "lab", "--config", str(config),
                                 "--module", "system", "--profiles", str(PROFILES)])
    assert result.exit_code == 2
    assert "T_UNSET_COMMUNITY is not set" in result.output
    assert "Traceback" not in result.output
