"""`netops render` end to end through the CLI: files, summary, JSON, selection and --check."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from cli import app
from tests.render_support import SAMPLE

runner = CliRunner()


def run(*args: str, **kwargs):
    return runner.invoke(app, ["render", "-i", str(SAMPLE), *args], **kwargs)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("configs")
    result = run("--out", str(out))
    assert result.exit_code == 0, result.output
    return out, result


def test_render_writes_one_file_per_renderable_device_and_a_summary(rendered):
    out, result = rendered
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 101 and "fw-1.cfg" in files and "ups-1.cfg" not in files
    assert "Rendered configurations" in result.stdout
    assert "skipped 6" in result.stdout and "Linux host" in result.stdout
    assert f"wrote 101 configuration(s) to {out}/" in result.stdout
    assert oct((out / "fw-1.cfg").stat().st_mode & 0o777) == "0o644"


def test_check_of_a_fresh_render_passes(rendered):
    out, _ = rendered
    result = run("--check", str(out))
    assert result.exit_code == 0, result.output
    assert "ok" in result.stdout and "101 same" in result.stdout


def test_check_fails_with_a_unified_diff_missing_and_stale(rendered, tmp_path):
    out, _ = rendered
    copy = tmp_path / "repo"
    copy.mkdir()
    for path in out.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    cfg = copy / "wangtai-ex-rt.cfg"
    cfg.write_text(cfg.read_text().replace("ip address 10.22.0.6/30", "ip address 10.22.0.7/30"))
    (copy / "boli-ex-sw.cfg").unlink()
    (copy / "retired-switch.cfg").write_text("sysname retired-switch\n")
    result = run("--check", str(copy))
    assert result.exit_code == 1
    assert f"--- {cfg}" in result.stdout and "+++ wangtai-ex-rt (fresh render)" in result.stdout
    assert "- ip address 10.22.0.7/30" in result.stdout and "+ ip address 10.22.0.6/30" in result.stdout
    assert "missing" in result.stdout and "stale" in result.stdout and "retired-switch" in result.stdout


def test_check_json_lists_only_what_differs(rendered, tmp_path):
    out, _ = rendered
    result = run("--check", str(tmp_path), "--device", "fw-1", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["files"] == [
        {"device": "fw-1", "status": "missing", "path": str(tmp_path / "fw-1.cfg"), "reason": None, "diff": None}]


def test_check_of_a_selection_ignores_other_files(rendered):
    out, _ = rendered
    result = run("--check", str(out), "--site", "wangtai")
    assert result.exit_code == 0 and "8 same" in result.stdout


def test_selection_and_json(tmp_path):
    result = run("--out", str(tmp_path), "--site", "wangtai", "--role", "router", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [d["device"] for d in data["devices"]] == ["wangtai-ex-rt"]
    assert data["rendered"] == 1 and data["devices"][0]["template"] == "frr/router.j2"
    assert data["devices"][0]["path"] == str(tmp_path / "wangtai-ex-rt.cfg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wangtai-ex-rt.cfg"]


def test_skipped_devices_are_reported_not_failed(tmp_path):
    result = run("--out", str(tmp_path), "--device", "ups-1", "--device", "in-srv-1", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["skipped"] == 2 and data["failed"] == 0 and not list(tmp_path.iterdir())


def test_stdout_prints_a_configuration(tmp_path):
    result = run("--device", "wangtai-ex-rt", "--stdout")
    assert result.exit_code == 0
    assert result.stdout.startswith("! netops: wangtai-ex-rt") and result.stdout.endswith("end\n")


@pytest.mark.parametrize("args, message", [
    (["--device", "nope"], "no device named 'nope'"),
    (["--site", "atlantis"], "no site named 'atlantis'"),
    (["--role", "toaster"], "unknown role 'toaster'"),
])
def test_bad_selection_is_a_clear_error_not_a_traceback(args, message, tmp_path):
    result = run("--out", str(tmp_path), *args)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_bad_inventory_is_reported_with_file_and_line(tmp_path):
    (tmp_path / "bad.yaml").write_text("devices:\n- name: x\n  role: nonsense\n")
    result = runner.invoke(app, ["render", "-i", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "bad.yaml:" in result.output and "Traceback" not in result.output


def test_a_failing_device_makes_the_exit_code_non_zero_but_others_are_written(tmp_path):
    inv = tmp_path / "inv"
    inv.mkdir()
    for path in SAMPLE.iterdir():
        (inv / path.name).write_bytes(path.read_bytes())
    templates = tmp_path / "templates"
    shutil.copytree(SAMPLE.parent / "templates", templates)
    (templates / "frr" / "router.j2").write_text("{{ c.nothing_here }}\n")
    result = runner.invoke(app, ["render", "-i", str(inv), "--templates", str(templates),
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "failed wangtai-ex-rt: frr/router.j2:1" in result.output
    assert (tmp_path / "out" / "fw-1.cfg").exists() and not (tmp_path / "out" / "wangtai-ex-rt.cfg").exists()
