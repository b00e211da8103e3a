"""The audit on a terminal: verdict, controls, checks and the findings that fail (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from netops.audit.findings import path_text
from netops.audit.run import AuditReport

STYLE = {"PASS": "green", "FAIL": "red", "UNKNOWN": "yellow"}


def print_report(report: AuditReport, out: Console, limit: int = 40) -> None:
    counts = report.counts()
    meta = report.meta
    verdict = "[bold green]COMPLIANT[/]" if report.passed else "[bold red]NOT COMPLIANT[/]"
    out.print(f"{verdict}  {escape(meta.get('network') or '')}: {counts['total']} results, "
              f"[green]{counts['PASS']} PASS[/], [red]{counts['FAIL']} FAIL[/], "
              f"[yellow]{counts['UNKNOWN']} UNKNOWN[/], {counts['waived']} waived "
              f"(layers {', '.join(meta['layers'])}; {meta['duration_s']} s)")
    git = meta["inventory_git"]
    out.print(f"inventory {escape(meta['inventory'])} @ {git['revision']}"
              + (" (uncommitted changes)" if git.get("dirty") else "") + f"; policy {escape(meta['policy'])}")
    controls = Table(title="By control")
    for col in ("control", "clause", "PASS", "FAIL", "UNKNOWN", "waived", "status"):
        controls.add_column(col, justify="right" if col in ("PASS", "FAIL", "UNKNOWN", "waived") else "left")
    for c in report.by_control():
        controls.add_row(c["control"], escape(c["clause"]), str(c["PASS"]),
                         str(c["FAIL"]), str(c["UNKNOWN"]), str(c["waived"]),
                         f"[{STYLE[c['status']]}]{c['status']}[/]")
    out.print(controls)
    checks = Table(title="By check")
    for col in ("check", "PASS", "FAIL", "UNKNOWN", "waived"):
        checks.add_column(col, justify="left" if col == "check" else "right")
    for c in report.by_check():
        checks.add_row(c["check"], str(c["PASS"]), f"[red]{c['FAIL']}[/]" if c["FAIL"] else "0",
                       f"[yellow]{c['UNKNOWN']}[/]" if c["UNKNOWN"] else "0", str(c["waived"]))
    out.print(checks)
    failing = report.failing()
    if not failing:
        return
    table = Table(title=f"Failing results ({len(failing)})", show_lines=True)
    for col in ("verdict", "check", "target", "why"):
        table.add_column(col, overflow="fold")
    for f in failing[:limit]:
        why = escape(f.message)
        if f.paths:
            why += "\n" + "\n".join(f"path: {escape(path_text(p))}" for p in f.paths[:3])
        elif f.evidence:
            why += "\n" + "\n".join(escape(e) for e in f.evidence[:3])
        table.add_row(f"[{STYLE[f.verdict.value]}]{f.status}[/]", f.check, escape(f.target), why)
    out.print(table)
    if len(failing) > limit:
        out.print(f"... and {len(failing) - limit} more: see --format json or html")
