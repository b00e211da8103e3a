"""One isolation audit, end to end: load, gather evidence at the edges, run the pure checks
of each layer, apply waivers, and record provenance.

Loading problems of the inventory are findings, not errors: the audit evaluates what is
there. Only an unusable policy stops it (PolicyError), since without rules nothing can be
judged.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import json
import socket
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netops.audit.catalogue import CHECKS_BY_ID, LAYERS
from netops.audit.config_checks import audit_configs, config_targets
from netops.audit.config_evidence import RULE, Selection, select_configs
from netops.audit.findings import Finding, Verdict, unknown
from netops.audit.intent import INTENT_CHECKS, audit_intent, check_inventory_problems
from netops.audit.live import audit_live, live_targets
from netops.audit.policy import Policy, PolicyError, check_against_inventory, load_policy
from netops.audit.provenance import file_entry, git_revision, hashed_entry
from netops.audit.waivers import apply_waivers
from netops.audit.walk import FileWalker, SnmpWalker, Walker, gather, lab_targets, save_evidence, snmp_auth_for
from netops.audit.zone_rules import ZoneRules
from netops.inventory.load import checked_inventory, inventory_files
from netops.secrets import SecretResolver, secrets_file_path

TOOL = "netops audit isolation"
REPORT_VERSION = 1


@dataclass
class AuditOptions:
    inventory: Path
    policy: Path | None = None  # default: policy.yaml beside the inventory
    layers: tuple[str, ...] = ("intent",)
    configs: Path | None = None  # rendered configs or backups
    evidence: Path | None = None  # saved walks (offline live layer)
    walker: Walker | None = None  # live walks; used when evidence is None
    live_snmp: bool = False  # walk the lab SNMP endpoints (inventory lab.snmp) with the inventory's credentials
    save_evidence: Path | None = None
    today: dt.date | None = None  # the day waivers are judged against
    workers: int = 16


@dataclass
class AuditReport:
    meta: dict[str, Any]
    findings: list[Finding]
    policy: Policy
    manifest: list[dict[str, Any]] = field(default_factory=list)
    waivers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.findings) and all(f.passes for f in self.findings)

    def failing(self) -> list[Finding]:
        return [f for f in self.findings if not f.passes]

    def counts(self) -> dict[str, int]:
        c = Counter(f.verdict.value for f in self.findings)
        return {"total": len(self.findings), "PASS": c["PASS"], "FAIL": c["FAIL"], "UNKNOWN": c["UNKNOWN"],
                "waived": sum(1 for f in self.findings if f.verdict is not Verdict.PASS and f.passes),
                "failing": sum(1 for f in self.findings if not f.passes)}

    def by_check(self) -> list[dict[str, Any]]:
        rows: dict[str, dict[str, Any]] = {}
        for f in self.findings:
            row = rows.setdefault(f.check, {"check": f.check, "layer": f.layer,
                                            "title": CHECKS_BY_ID[f.check].title if f.check in CHECKS_BY_ID else f.check,
                                            "controls": self.policy.controls_of(f.check),
                                            "PASS": 0, "FAIL": 0, "UNKNOWN": 0, "waived": 0, "failing": 0})
            row[f.verdict.value] += 1
            if f.verdict is not Verdict.PASS and f.passes:
                row["waived"] += 1
            if not f.passes:
                row["failing"] += 1
        order = {c: i for i, c in enumerate(CHECKS_BY_ID)}
        return sorted(rows.values(), key=lambda r: order.get(r["check"], 999))

    def by_control(self) -> list[dict[str, Any]]:
        catalogue = self.policy.control_catalogue()
        checks = self.by_check()
        out = []
        for cid, control in catalogue.items():
            mine = [r for r in checks if cid in r["controls"]]
            if not mine:
                continue
            row = {"control": cid, "standard": control.standard, "clause": control.clause, "title": control.title,
                   "requirement": control.requirement, "checks": [r["check"] for r in mine]}
            for k in ("PASS", "FAIL", "UNKNOWN", "waived", "failing"):
                row[k] = sum(r[k] for r in mine)
            row["status"] = "PASS" if row["failing"] == 0 else "FAIL"
            out.append(row)
        return out

    def digest(self, findings: list[dict[str, Any]] | None = None) -> str:
        """SHA-256 over what was found and on which evidence: the number an auditor signs."""
        body = {"meta": {k: v for k, v in self.meta.items() if k not in ("duration_s", "timings_s")},
                "findings": findings if findings is not None else [f.to_dict() for f in self.findings],
                "manifest": self.manifest}
        return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        findings = [f.to_dict() for f in self.findings]
        return {
            "report": {"tool": TOOL, "version": REPORT_VERSION, "digest": self.digest(findings)},
            "meta": self.meta,
            "passed": self.passed,
            "counts": self.counts(),
            "controls": self.by_control(),
            "checks": self.by_check(),
            "findings": findings,
            "waivers": self.waivers,
            "manifest": self.manifest,
        }


@contextlib.contextmanager
def _bulk_allocation():
    """Pause the cyclic GC while loading and checking allocate 10^5-10^6 small acyclic objects:
    its passes over everything already allocated would cost as much as the work itself."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def default_policy_path(inventory: Path) -> Path:
    return (inventory if inventory.is_dir() else inventory.parent) / "policy.yaml"


def audit_isolation(options: AuditOptions) -> AuditReport:
    """Run the requested layers; raise PolicyError only when the policy itself is unusable."""
    started = _now()
    clock = time.perf_counter()
    timings: dict[str, float] = {}
    layers = tuple(layer for layer in LAYERS if layer in options.layers)
    policy_path = options.policy or default_policy_path(options.inventory)
    policy = load_policy(policy_path)
    today = options.today or dt.date.today()

    t = time.perf_counter()
    with _bulk_allocation():  # parsed and checked, or read back when no file changed (issue 13)
        inv, problems, src = checked_inventory(options.inventory)
    if inv is not None:
        policy_problems = check_against_inventory(policy, inv)
        if policy_problems:
            raise PolicyError(policy_problems)
    timings["load"] = time.perf_counter() - t

    findings: list[Finding] = []
    manifest: list[dict[str, Any]] = [file_entry(policy_path, "policy")]
    manifest += [file_entry(p, "inventory") for p in inventory_files(options.inventory)]
    for csv_path in src.doc.get("villages_csv", []) if isinstance(src.doc.get("villages_csv"), list) else []:
        if isinstance(csv_path, str):
            manifest.append(file_entry(Path(csv_path), "inventory"))
    rules = ZoneRules(inv, policy) if inv is not None else None

    with _bulk_allocation():
        findings += _run_layers(options, layers, inv, src, problems, policy, rules, manifest, timings)

    waivers = apply_waivers(findings, policy, today)

    finished = _now()
    meta = {
        "network": inv.settings.name if inv is not None else None,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": finished.isoformat(timespec="seconds"),
        "duration_s": round(time.perf_counter() - clock, 3),
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
        "waivers_judged_on": today.isoformat(),
        "host": socket.gethostname(),
        "inventory": str(options.inventory),
        "inventory_git": git_revision(options.inventory),
        "devices": len(inv.devices) if inv is not None else None,
        "cables": len(inv.links) if inv is not None else None,
        "policy": str(policy_path),
        "policy_name": policy.policy.name,
        "mlps_level": policy.policy.level,
        "layers": list(layers),
        "configs": str(options.configs) if options.configs else None,
        "evidence_rule": RULE if "config" in layers else None,
        "evidence": (str(options.evidence) if options.evidence else
                     ("live SNMP" if options.walker is not None or options.live_snmp else None))
        if "live" in layers else None,
    }
    return AuditReport(meta, findings, policy, manifest, waivers)


def _run_layers(options: AuditOptions, layers: tuple[str, ...], inv: Any, src: Any, problems: list,
                policy: Policy, rules: ZoneRules | None, manifest: list[dict[str, Any]],
                timings: dict[str, float]) -> list[Finding]:
    """Gather each layer's evidence at the edge and run its pure checks."""
    findings: list[Finding] = []
    if "intent" in layers:
        t = time.perf_counter()
        if inv is None:
            findings += check_inventory_problems(problems)
            findings += [unknown(name, "(inventory)", "the inventory could not be built, so nothing was checked")
                         for name in _intent_check_ids()]
        else:
            findings += audit_intent(inv, policy, problems, src)
        timings["intent"] = time.perf_counter() - t

    if "config" in layers:
        t = time.perf_counter()
        if inv is None or rules is None:
            findings.append(unknown("config.evidence", "(inventory)", "the inventory could not be built"))
        else:
            selection, label = _load_configs(options.configs, inv, policy)
            findings += audit_configs(inv, policy, rules, selection.configs, label)
            manifest += selection.manifest
            if selection.repository is not None:
                manifest.append({"path": selection.repository["path"], "role": "backup repository",
                                 "commit": selection.repository["head"], "used": True,
                                 "reason": "configurations read from this commit"})
        timings["config"] = time.perf_counter() - t

    if "live" in layers:
        t = time.perf_counter()
        if inv is None or rules is None:
            findings.append(unknown("live.evidence", "(inventory)", "the inventory could not be built"))
        else:
            walker: Walker | None = FileWalker(options.evidence) if options.evidence else options.walker
            if walker is None and options.live_snmp:
                walker = lab_walker(inv)
            targets = [d.name for d in live_targets(inv)]
            evidence = gather(walker, targets, options.workers) if walker is not None else {}
            if options.save_evidence and evidence:
                save_evidence(evidence, options.save_evidence)
            findings += audit_live(inv, policy, rules, evidence)
            for name in sorted(evidence):
                ev = evidence[name]
                if ev.file:
                    manifest.append(file_entry(Path(ev.file), "evidence"))
                elif ev.walks:
                    manifest.append(hashed_entry(f"{ev.source} ({name}, walked {ev.collected_at})",
                                                 "evidence", ev.digest(), None))
        timings["live"] = time.perf_counter() - t
    return findings


def lab_walker(inv: Any) -> SnmpWalker:
    """SNMP walks of the lab's loopback endpoints, credentials resolved from env or secrets file."""
    resolver = SecretResolver(secrets_file_path(inv.settings.secrets_file))
    return SnmpWalker(lab_targets(inv), snmp_auth_for(inv, resolver))


def _intent_check_ids() -> list[str]:
    return [c for c in CHECKS_BY_ID if c.startswith("intent.") and c != "intent.inventory-valid"]


def _load_configs(directory: Path | None, inv: Any, policy: Policy) -> tuple[Selection, str]:
    """Each device's configuration evidence by the one selection rule (config_evidence.RULE)."""
    if directory is None:
        return Selection({}, []), "(no configuration directory given: --configs DIR)"
    if not directory.is_dir():
        return Selection({}, []), f"{directory} (no such directory)"
    targets = config_targets(inv, policy)
    return select_configs(directory, {d.name: d.platform.value for d in targets}), str(directory)


assert len(INTENT_CHECKS) == len(_intent_check_ids())
