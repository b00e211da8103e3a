"""Helpers for the audit tests: copies of the sample network with violations injected.

The inventory loader merges every YAML file of a directory, so most violations are injected
by adding one file (`zz-injected.yaml`) to a copy of the sample, leaving the rest untouched.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from netops.audit.findings import Finding, Verdict
from netops.audit.run import AuditOptions, AuditReport, audit_isolation
from netops.inventory.load import parse_inventory

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "inventory"
FIXTURES = ROOT / "tests" / "fixtures" / "audit"
TODAY = dt.date(2026, 1, 15)


def copy_sample(tmp_path: Path, name: str = "inventory") -> Path:
    target = tmp_path / name
    shutil.copytree(SAMPLE, target)
    return target


def inject(inv_dir: Path, text: str, name: str = "zz-injected.yaml") -> Path:
    path = inv_dir / name
    path.write_text(text, encoding="utf-8")
    return inv_dir


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def render_configs(inv_dir: Path, out: Path) -> Path:
    """The configurations `netops render` writes for this inventory (the audit's config layer input)."""
    from netops.render.files import write_configs
    from netops.render.run import render_devices

    inv, _, problems = parse_inventory(inv_dir)
    assert inv is not None, problems
    write_configs(render_devices(inv), out, with_secrets=False)
    return out


def audit(inv_dir: Path, layers: tuple[str, ...] = ("intent",), **kw) -> AuditReport:  # type: ignore[no-untyped-def]
    kw.setdefault("today", TODAY)
    return audit_isolation(AuditOptions(inventory=inv_dir, layers=layers, **kw))


def results(report: AuditReport, check: str) -> dict[str, Finding]:
    return {f.target: f for f in report.findings if f.check == check}


def verdicts(report: AuditReport) -> dict[tuple[str, str], Verdict]:
    return {(f.check, f.target): f.verdict for f in report.findings}


def failing(report: AuditReport) -> set[tuple[str, str]]:
    return {(f.check, f.target) for f in report.findings if not f.passes}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    """The sample's configurations from `netops render`, once per test module."""
    return render_configs(SAMPLE, tmp_path_factory.mktemp("rendered"))


@pytest.fixture
def configs(tmp_path, rendered) -> Path:
    """A private copy of the rendered configurations that a test may break."""
    out = tmp_path / "configs"
    shutil.copytree(rendered, out)
    return out
