"""`netops audit ...`: the isolation compliance audit, its checks and its metrics."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from netops.audit.catalogue import CHECKS, LAYERS
from netops.audit.metrics import STATE_ENV, audit_metric_families, read_state, state_path, write_state
from netops.audit.policy import PolicyError
from netops.audit.report_table import print_report
from netops.audit.run import AuditOptions, audit_isolation
from netops.commands.common import (
    InventoryOption,
    JsonOption,
    console,
    inventory_path,
    print_error,
    print_json,
    report_errors,
)
from netops.errors import NetopsError

app = typer.Typer(help="Isolation compliance audit: intranet physically isolated, extranet behind a firewall.",
                  no_args_is_help=True)

FORMATS = ("table", "html", "junit")  # JSON is --json, the one machine-output switch (docs/cli.md)


class UsageError(NetopsError):
    exit_code = 2


def _layers(value: str | None, configs: Path | None, evidence: bool) -> tuple[str, ...]:
    if value is None:
        return ("intent",) + (("config",) if configs else ()) + (("live",) if evidence else ())
    layers = tuple(x.strip() for x in value.split(",") if x.strip())
    wrong = [x for x in layers if x not in LAYERS]
    if wrong or not layers:
        raise UsageError(f"--layers: unknown layer(s) {', '.join(wrong) or '(none)'}; expected a comma-separated "
                         f"list of {', '.join(LAYERS)}")
    return layers


@app.command()
@report_errors
def isolation(
    inventory: Optional[Path] = InventoryOption,
    policy: Optional[Path] = typer.Option(None, "--policy", show_default=False,
                                          help="Audit policy (default: policy.yaml in the inventory directory)."),
    layers: Optional[str] = typer.Option(None, "--layers", show_default=False,
                                         help="Comma-separated intent,config,live. Default: intent, plus config "
                                              "with --configs, plus live with --evidence or --live."),
    configs: Optional[Path] = typer.Option(None, "--configs", show_default=False,
                                           help="Rendered configs (netops render --out DIR) or device backups."),
    evidence: Optional[Path] = typer.Option(None, "--evidence", show_default=False,
                                            help="Saved SNMP walks, one file per device (.json, snmpwalk -On, .snmprec)."),
    live: bool = typer.Option(False, "--live", help="Walk the lab SNMP endpoints (inventory lab.snmp) now."),
    save_evidence: Optional[Path] = typer.Option(None, "--save-evidence", show_default=False,
                                                 help="With --live: write the walks here to repeat the audit offline."),
    fmt: str = typer.Option("table", "--format", "-f",
                            help="Report format: table, html or junit (for machine output use --json)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", show_default=False,
                                       help="Write the report here (the terminal gets the summary)."),
    state: Optional[Path] = typer.Option(None, "--state", envvar=STATE_ENV, show_default=False,
                                         help="State file for the exporter (default: STATE_DIR/audit/last-audit.json; STATE_DIR is ./out, or /var/lib/netops as a service)."),
    on_date: Optional[str] = typer.Option(None, "--date", show_default=False,
                                          help="Judge waiver expiry as of YYYY-MM-DD (default: today)."),
    json_out: bool = JsonOption,
) -> None:
    """Audit isolation in three layers of evidence; exit 0 only when every result passes.

    Exit codes: 0 compliant, 1 at least one FAIL or UNKNOWN not waived, 2 unusable policy or options.
    """
    if fmt == "json":
        raise UsageError("--format json is spelled --json (the one machine-output switch in every command, "
                         "docs/cli.md): netops audit isolation --json [--out FILE]")
    if fmt not in FORMATS:
        raise UsageError(f"--format: expected one of {', '.join(FORMATS)}, got '{fmt}'")
    if json_out and fmt != "table":
        raise UsageError(f"--json prints the report as JSON; it cannot also be --format {fmt}: choose one")
    if evidence is not None and live:
        raise UsageError("give either --evidence DIR (saved walks) or --live, not both")
    if save_evidence is not None and not live:
        raise UsageError("--save-evidence needs --live")
    try:
        today = dt.date.fromisoformat(on_date) if on_date else None
    except ValueError:
        raise UsageError(f"--date: expected YYYY-MM-DD, got '{on_date}'") from None
    options = AuditOptions(
        inventory=inventory_path(inventory), policy=policy,
        layers=_layers(layers, configs, evidence is not None or live),
        configs=configs, evidence=evidence, live_snmp=live, save_evidence=save_evidence, today=today)
    try:
        report = audit_isolation(options)
    except PolicyError as exc:
        print_error(str(exc), exc.exit_code, json_out, exc.problems,
                    summary=f"{len(exc.problems)} problem(s) in the audit policy: the audit cannot run")
        raise typer.Exit(exc.exit_code) from None
    data = report.to_dict()
    write_state(data, state_path(state))
    if json_out:  # stdout is the JSON report, also written to --out when given
        text = json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
        if out is not None:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
        typer.echo(text, nl=False)
        raise typer.Exit(0 if report.passed else 1)
    text = {"html": lambda: _html(report), "junit": lambda: _junit(report)}.get(fmt)
    if out is not None:
        if text is None:
            from io import StringIO

            buffer = StringIO()
            print_report(report, console_for(buffer))
            content = buffer.getvalue()
        else:
            content = text()
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(content, encoding="utf-8")
        print_report(report, console())
        console().print(f"wrote {fmt} report to {escape(str(out))}")
    elif text is None:
        print_report(report, console())
    else:
        typer.echo(text(), nl=False)
    raise typer.Exit(0 if report.passed else 1)


# the report writers are imported only when asked for: Jinja2 costs 0.1 s of every audit's start-up
def _html(report) -> str:  # type: ignore[no-untyped-def]
    from netops.audit.report_html import render_html

    return render_html(report)


def _junit(report) -> str:  # type: ignore[no-untyped-def]
    from netops.audit.report_junit import render_junit

    return render_junit(report)


def console_for(buffer):  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(file=buffer, width=140, highlight=False, soft_wrap=True, color_system=None)


@app.command()
def checks(json_out: bool = JsonOption) -> None:
    """List every check, the layer it belongs to and the controls it evidences by default."""
    if json_out:
        print_json([{"check": c.id, "layer": c.id.split(".")[0], "title": c.title, "target": c.target,
                     "controls": list(c.controls)} for c in CHECKS])
        return
    table = Table(title="Audit checks")
    for col in ("check", "target", "what it proves", "default controls"):
        table.add_column(col)
    for c in CHECKS:
        table.add_row(c.id, c.target, c.title, ", ".join(c.controls))
    console().print(table)


@app.command()
def metrics(
    state: Optional[Path] = typer.Option(None, "--state", envvar=STATE_ENV, show_default=False,
                                         help="State file written by the last audit."),
    per_target: bool = typer.Option(True, "--per-target/--no-per-target",
                                    help="Include netops_audit_check_status per check and target."),
) -> None:
    """Print the last audit as Prometheus text exposition (what the exporter serves)."""
    from prometheus_client import CollectorRegistry, generate_latest

    class _Once:
        def collect(self):  # type: ignore[no-untyped-def]
            return audit_metric_families(read_state(state_path(state)), per_target)

    registry = CollectorRegistry()
    registry.register(_Once())  # type: ignore[arg-type]
    typer.echo(generate_latest(registry).decode(), nl=False)
