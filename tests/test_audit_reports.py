"""Reports (JSON, HTML in headless Chromium, JUnit), exit codes, state file and metrics."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families
from typer.testing import CliRunner

from cli import app
from netops.audit.metrics import AuditCollector, write_state
from netops.audit.report_html import render_html
from netops.audit.report_junit import render_junit
from tests.audit_support import audit, copy_sample, render_configs, replace_in

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def moved(tmp_path_factory) -> Path:
    """The sample with one cable moved so the intranet touches the extranet."""
    inv = copy_sample(tmp_path_factory.mktemp("moved"))
    replace_in(inv / "links.yaml", "  b: in-core-1:XGigabitEthernet1/0/1\n", "  b: wangtai-ex-sw:Ten-GigabitEthernet1/0/49\n")
    replace_in(inv / "policy.yaml", "waivers: []\n", """
waivers:
  - check: intent.inventory-valid
    target: '*links.yaml:*'
    reason: <script>alert("not markup")</script> cabling works in progress
    owner: Town office
    expires: 2099-12-31
""")
    return inv


def test_cli_exit_codes_and_state_file(tmp_path, sample_inventory_dir, moved):
    runner = CliRunner()
    configs = render_configs(sample_inventory_dir, tmp_path / "configs")
    state = tmp_path / "state.json"
    ok = runner.invoke(app, ["audit", "isolation", "-i", str(sample_inventory_dir), "--configs", str(configs),
                             "--state", str(state)])
    assert ok.exit_code == 0, ok.output
    assert "COMPLIANT" in ok.output and json.loads(state.read_text())["passed"] is True
    bad = runner.invoke(app, ["audit", "isolation", "-i", str(moved), "--json", "--state", str(state)])
    assert bad.exit_code == 1
    data = json.loads(bad.output)
    assert data["passed"] is False and json.loads(state.read_text())["passed"] is False
    breach = next(f for f in data["findings"] if f["check"] == "intent.physical-isolation" and f["verdict"] == "FAIL")
    assert breach["path_text"][0].startswith("wangtai-in-sw (intranet) -[XGigabitEthernet0/0/1 : "
                                             "Ten-GigabitEthernet1/0/49]-> wangtai-ex-sw (extranet)")
    assert data["meta"]["inventory_git"]["revision"] == "not a git repository"
    assert len(data["report"]["digest"]) == 64
    roles = {m["role"] for m in data["manifest"]}
    assert roles == {"policy", "inventory"} and all(len(m["sha256"]) == 64 for m in data["manifest"])


def test_cli_reports_bad_options_and_policy(tmp_path, moved):
    runner = CliRunner()
    wrong = runner.invoke(app, ["audit", "isolation", "-i", str(moved), "--layers", "intent,vibes",
                                "--state", str(tmp_path / "s.json")])
    assert wrong.exit_code == 2 and "unknown layer(s) vibes" in wrong.output
    policy = tmp_path / "policy.yaml"
    policy.write_text("physical_isolation:\n  - zones: [intranet]\n")
    broken = runner.invoke(app, ["audit", "isolation", "-i", str(moved), "--policy", str(policy),
                                 "--state", str(tmp_path / "s.json")])
    assert broken.exit_code == 2
    assert f"{policy}:2: physical_isolation[0].zones" in broken.output
    assert "Traceback" not in broken.output


def test_inventory_git_revision(tmp_path):
    inv = copy_sample(tmp_path)
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    env = ["-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(["git", "init", "-q", str(inv)], check=True)
    subprocess.run(["git", "-C", str(inv), "add", "."], check=True)
    subprocess.run(["git", *env, "-C", str(inv), "commit", "-qm", "inventory"], check=True)
    head = subprocess.run(["git", "-C", str(inv), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    report = audit(inv)
    assert report.meta["inventory_git"] == {"revision": head, "dirty": False}


def test_junit_report(moved):
    report = audit(moved)
    root = ET.fromstring(render_junit(report))
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    physical = suites["intent.physical-isolation"]
    assert physical.get("failures") == "3"
    case = next(c for c in physical.iter("testcase") if c.get("name") == "intranet | extranet")
    failure = case.find("failure")
    assert failure is not None and "wangtai-in-sw (intranet)" in failure.text
    waived = next(c for c in suites["intent.inventory-valid"].iter("testcase") if "links.yaml" in c.get("name"))
    assert waived.find("skipped") is not None and "Town office" in waived.find("skipped").get("message")
    assert [p.get("value") for p in physical.iter("property")] == ["classified-art6", "mlps-boundary-protection"]


def test_html_report_opened_in_headless_chromium(tmp_path, moved):
    if not CHROMIUM.exists():
        pytest.skip("chromium is not installed (Debian package chromium)")
    report = audit(moved)
    html = render_html(report)
    assert "<script>alert" not in html and "&lt;script&gt;" in html  # inventory text is data, never markup
    page = tmp_path / "audit.html"
    page.write_text(html, encoding="utf-8")
    args = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'chromium'}"]
    dom = subprocess.run(args + ["--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    text = dom.stdout
    assert 'id="verdict"' in text and "NOT COMPLIANT" in text
    assert '<span class="badge FAIL">FAIL</span> <code>intent.physical-isolation</code>' in text
    assert "<b>wangtai-in-sw</b>" in text and "<b>wangtai-ex-sw</b>" in text  # the path, device by device
    assert "out XGigabitEthernet0/0/1" in text and "in Ten-GigabitEthernet1/0/49" in text
    assert "Sign-off" in text and report.to_dict()["report"]["digest"] in text
    shot = tmp_path / "audit.png"
    subprocess.run(args + ["--window-size=1200,1600", f"--screenshot={shot}", page.as_uri()], capture_output=True,
                   timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000


def test_metrics_of_the_last_audit(tmp_path, moved):
    state = tmp_path / "last-audit.json"
    write_state(audit(moved).to_dict(), state)
    registry = CollectorRegistry()
    registry.register(AuditCollector(state))
    text = generate_latest(registry).decode()
    families = {f.name: f for f in text_string_to_metric_families(text)}
    assert families["netops_audit_passed"].samples[0].value == 0
    status = [s for s in families["netops_audit_check_status"].samples
              if s.labels["check"] == "intent.physical-isolation" and s.labels["target"] == "intranet | extranet"]
    assert {s.labels["control"] for s in status} == {"classified-art6", "mlps-boundary-protection"}
    assert all(s.value == 0 and s.labels["verdict"] == "FAIL" for s in status)
    waived = [s for s in families["netops_audit_check_status"].samples if "links.yaml" in s.labels["target"]
              and s.labels["check"] == "intent.inventory-valid"]
    assert waived and all(s.value == 1 for s in waived)  # accepted by a valid waiver
    controls = {s.labels["control"]: s.value for s in families["netops_audit_control_status"].samples}
    assert controls["classified-art6"] == 0 and controls["mlps-intrusion-prevention"] == 1
    promtool = shutil.which("promtool")
    if promtool:
        lint = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True, timeout=60)
        assert lint.returncode == 0, lint.stdout + lint.stderr
    missing = CollectorRegistry()
    missing.register(AuditCollector(tmp_path / "none.json"))
    assert "netops_audit_report_present 0.0" in generate_latest(missing).decode()
