"""The metric names that exist: every profile's metrics, the collector's own per-scrape
series, the rules' recording rules and Prometheus's built-ins."""

from __future__ import annotations

from pathlib import Path

import yaml

from netops.snmp.profile import load_profiles

ROOT = Path(__file__).resolve().parents[2]
PROFILES = ROOT / "monitors" / "profiles"
RULES = ROOT / "monitors" / "rules"
SCRAPE_METRICS = {"snmp_up", "snmp_scrape_duration_seconds", "snmp_scrape_pdus", "snmp_scrape_varbinds",
                  "snmp_scrape_module_up", "snmp_scrape_module_failed_objects", "snmp_profile_matched"}
# the exporter's own /metrics: its scrape counters and the last isolation audit's state
NETOPS_METRICS = {"netops_exporter_scrapes_total", "netops_audit_passed", "netops_audit_report_present",
                  "netops_audit_last_run_timestamp_seconds"}
PROMETHEUS_METRICS = {"up", "ALERTS", "ALERTS_FOR_STATE", "scrape_duration_seconds", "scrape_samples_scraped"}


def profile_metrics() -> dict[str, str]:
    """metric name -> profile name."""
    out = {}
    for name, profile in load_profiles(PROFILES).items():
        for table in profile.tables:
            for metric in table.metrics:
                out[metric.name] = name
    return out


def recorded_metrics() -> set[str]:
    names = set()
    for path in RULES.glob("*.yml"):
        for group in yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]:
            names |= {rule["record"] for rule in group["rules"] if "record" in rule}
    return names


def known_metrics() -> set[str]:
    return set(profile_metrics()) | SCRAPE_METRICS | NETOPS_METRICS | PROMETHEUS_METRICS | recorded_metrics()
