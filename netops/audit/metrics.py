"""The last audit as Prometheus metric families, so dashboards show compliance.

`audit` writes its JSON report to a state file; the exporter (netops/snmp, owned by the
SNMP work) registers `AuditCollector(state_file)`, which rereads the file at each scrape, in
the client_python custom-collector style. Nothing here serves HTTP.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any, Iterator

from prometheus_client.core import GaugeMetricFamily, Metric

STATE_ENV = "NETOPS_AUDIT_STATE"
STATE_FILE = Path("audit/last-audit.json")  # under the state directory (./out, /var/lib/netops)


def state_path(value: Path | None = None) -> Path:
    """--state/--audit-state, $NETOPS_AUDIT_STATE, the config's audit_state, else
    STATE_DIR/audit/last-audit.json: the audit and the exporter agree without sharing a cwd."""
    if value is not None:
        return value
    env = os.environ.get(STATE_ENV)
    if env:
        return Path(env)
    from netops import configfile

    return configfile.audit_state_path()


def write_state(report: dict[str, Any], path: Path) -> None:
    """Atomically replace the state file, so a scrape never reads half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(report, ensure_ascii=False, default=str), encoding="utf-8")
    os.replace(tmp, path)


def read_state(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _timestamp(text: str | None) -> float:
    if not text:
        return 0.0
    try:
        return dt.datetime.fromisoformat(text).timestamp()
    except ValueError:
        return 0.0


def audit_metric_families(report: dict[str, Any] | None, per_target: bool = True) -> list[Metric]:
    """Metric families for one audit report (the JSON form); empty report: only the presence gauge."""
    present = GaugeMetricFamily("netops_audit_report_present", "1 when a last audit report could be read")
    present.add_metric([], 1.0 if report else 0.0)
    if not report:
        return [present]
    meta = report.get("meta", {})
    passed = GaugeMetricFamily("netops_audit_passed", "1 when every result of the last audit passes (or is waived)")
    passed.add_metric([], 1.0 if report.get("passed") else 0.0)
    when = GaugeMetricFamily("netops_audit_last_run_timestamp_seconds", "When the last audit finished")
    when.add_metric([], _timestamp(meta.get("finished_at")))
    duration = GaugeMetricFamily("netops_audit_duration_seconds", "How long the last audit took")
    duration.add_metric([], float(meta.get("duration_s") or 0))
    results = GaugeMetricFamily("netops_audit_results", "Results of the last audit by check and verdict",
                                labels=["layer", "check", "verdict"])
    for c in report.get("checks", []):
        for verdict in ("PASS", "FAIL", "UNKNOWN"):
            results.add_metric([c["layer"], c["check"], verdict], float(c.get(verdict, 0)))
    controls = GaugeMetricFamily("netops_audit_control_status",
                                 "1 when every check evidencing the control passes", labels=["control", "clause"])
    for c in report.get("controls", []):
        controls.add_metric([c["control"], f"{c['standard']} {c['clause']}"], 1.0 if c["status"] == "PASS" else 0.0)
    waivers = GaugeMetricFamily("netops_audit_waivers", "Waivers of the policy by state", labels=["state"])
    states: dict[str, int] = {"valid": 0, "expired": 0, "refused": 0}
    for w in report.get("waivers", []):
        states[w["state"]] = states.get(w["state"], 0) + 1
    for state, n in sorted(states.items()):
        waivers.add_metric([state], float(n))
    families: list[Metric] = [present, passed, when, duration, results, controls, waivers]
    if per_target:
        status = GaugeMetricFamily(
            "netops_audit_check_status",
            "1 when the check passes for the target (PASS, or waived), 0 when it fails (FAIL or UNKNOWN)",
            labels=["check", "control", "target", "layer", "verdict"])
        controls_of = {c["check"]: c.get("controls", []) for c in report.get("checks", [])}
        for f in report.get("findings", []):
            for control in controls_of.get(f["check"], []) or [""]:
                status.add_metric([f["check"], control, f["target"], f["layer"], f["verdict"]],
                                  1.0 if f.get("passes") else 0.0)
        families.append(status)
    return families


class AuditCollector:
    """A client_python collector: `REGISTRY.register(AuditCollector(path))` exposes the last audit."""

    def __init__(self, path: Path | None = None, per_target: bool = True):
        self.path = state_path(path)
        self.per_target = per_target

    def collect(self) -> Iterator[Metric]:
        yield from audit_metric_families(read_state(self.path), self.per_target)
