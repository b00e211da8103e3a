"""`netops inventory summary|show|generate` as an engineer runs them."""

import json

from typer.testing import CliRunner

from cli import app
from netops.inventory import check_inventory


def _run(*args):
    return CliRunner().invoke(app, ["inventory", *args], env={"COLUMNS": "200"})


def test_summary_json_has_zones_roles_and_power(sample_inventory_dir):
    result = _run("summary", str(sample_inventory_dir), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {z["name"] for z in data["zones"]} >= {"intranet", "extranet", "internet"}
    assert data["devices_by_role"]["village_ap"] == 60
    assert {p["unit"] for p in data["power"]} == {"ups-1", "eps-1", "in-ups-1"}


def test_summary_table(sample_inventory_dir):
    result = _run("summary", str(sample_inventory_dir))
    assert result.exit_code == 0 and "Power budget" in result.output and "ups-1" in result.output


def test_show_device_with_cables(sample_inventory_dir):
    result = _run("show", "fw-1", "-i", str(sample_inventory_dir), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["zones"] == ["extranet", "internet"]
    assert any(c["b"]["device"] == "inet-rt-1" for c in data["cables"])
    table = _run("show", "fw-1", "-i", str(sample_inventory_dir))
    assert "GigabitEthernet1/0/1" in table.output and "inet-rt-1" in table.output


def test_show_unknown_device_is_a_clear_error(sample_inventory_dir):
    result = _run("show", "nosuch", "-i", str(sample_inventory_dir))
    assert result.exit_code == 2 and "no device named 'nosuch'" in result.output
    assert "Traceback" not in result.output


def test_generate_writes_a_valid_network(tmp_path):
    out = tmp_path / "county"
    result = _run("generate", "--towns", "3", "--villages", "100", "--out", str(out))
    assert result.exit_code == 0, result.output
    inventory, problems = check_inventory(out)
    assert problems == [] and sum(1 for d in inventory.devices.values() if d.role.value == "village_ap") == 100
    again = _run("generate", "--out", str(out))
    assert again.exit_code == 2 and "not empty" in again.output
