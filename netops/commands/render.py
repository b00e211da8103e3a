"""`netops render`: write every device's configuration from the inventory, or check a directory of them."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from netops.commands.common import InventoryOption, JsonOption, console, inventory_path, print_json, report_errors
from netops.inventory import load_inventory
from netops.render import RenderError, RenderResult, Renderer, select_devices
from netops.render.environment import TEMPLATES_ENV
from netops.render.files import ConfigCheck, check_configs, guard_secret_dir, write_configs, write_day0
from netops.secrets import SecretResolver, secrets_file_path

DEFAULT_OUT = Path("out/configs")

@report_errors
def render(
    device: list[str] = typer.Option([], "--device", "-d", help="Only this device (repeatable)."),
    site: list[str] = typer.Option([], "--site", "-s", help="Only devices at this site; a town includes its villages (repeatable)."),
    role: list[str] = typer.Option([], "--role", "-r", help="Only devices with this role, e.g. access_switch (repeatable)."),
    out: Path = typer.Option(DEFAULT_OUT, "--out", "-o", help="Directory for <device>.cfg files."),
    check: Optional[Path] = typer.Option(None, "--check", help="Compare DIR with a fresh render; exit 1 and show a diff where they differ.",
                                         metavar="DIR"),
    with_secrets: bool = typer.Option(False, "--with-secrets", help="Resolve secrets (env or secrets file) into the files, written mode 0600."),
    stdout: bool = typer.Option(False, "--stdout", help="Print the configurations instead of writing files (placeholders only)."),
    day0: bool = typer.Option(False, "--day0", help="Also write <device>.day0.txt: the console bootstrap "
                              "(SSH host key with its prompts, paste, save); with --stdout print it instead."),
    templates: Optional[Path] = typer.Option(None, "--templates", envvar=TEMPLATES_ENV, show_default=False,
                                             help="Templates directory (default: ./templates, then the project's)."),
    inventory: Optional[Path] = InventoryOption,
    json_out: bool = JsonOption,
) -> None:
    """Render every device's configuration into DIR/<device>.cfg, or --check DIR against a fresh render.

    Hostname, management ACL, users, SNMPv3, syslog, NTP, LLDP, VLANs, interfaces, routes, firewall policy.

    Linux hosts and appliances are skipped with the reason; secrets are placeholders unless --with-secrets.
    """
    if with_secrets and (check is not None or stdout):
        raise RenderError("--with-secrets writes files only: it cannot be combined with --check or --stdout "
                          "(secrets never reach the terminal)")
    inv = load_inventory(inventory_path(inventory))
    names = select_devices(inv, names=device, sites=site, roles=role)
    if not names:
        raise RenderError("no device matches the given --device/--site/--role")
    if with_secrets:
        guard_secret_dir(out)  # before a secret is resolved: refused where git tracks files
    resolver = SecretResolver(secrets_file_path(inv.settings.secrets_file)) if with_secrets else None
    renderer = Renderer(inv, secrets=resolver, templates_dir=templates)
    results = _render_with_progress(renderer, names, quiet=json_out or stdout)
    failed = sum(r.status == "failed" for r in results)

    if check is not None:
        complete = not (device or site or role)
        checks = check_configs(results, check, complete=complete)
        _report_check(checks, check, json_out)
        raise typer.Exit(0 if all(c.status == "same" for c in checks) else 1)
    procedures = {r.device: renderer.day0(r.device) for r in results if r.status == "rendered"} if day0 else {}
    if stdout:
        for r in results:
            if r.config is not None:
                typer.echo(procedures.get(r.device) or r.config, nl=False)
        _report_failures(results)
        raise typer.Exit(1 if failed else 0)

    written = {w.device: w for w in write_configs(results, out, with_secrets=with_secrets)}
    day0_paths = write_day0(procedures, out) if day0 else []
    if json_out:
        print_json({
            "out": str(out), "with_secrets": with_secrets,
            "rendered": sum(r.status == "rendered" for r in results),
            "skipped": sum(r.status == "skipped" for r in results), "failed": failed,
            "changed": sum(w.changed for w in written.values()),
            "day0": [str(p) for p in day0_paths],
            "devices": [{"device": r.device, "platform": r.platform, "role": r.role, "status": r.status,
                         "template": r.template, "reason": r.reason,
                         "path": str(written[r.device].path) if r.device in written else None,
                         "changed": written[r.device].changed if r.device in written else None}
                        for r in results],
        })
    else:
        _summary(results, written, out, with_secrets)
        if day0_paths:
            console().print(f"wrote {len(day0_paths)} day-0 procedure(s) (<device>.day0.txt)")
    raise typer.Exit(1 if failed else 0)


def _render_with_progress(renderer: Renderer, names: list[str], quiet: bool) -> list[RenderResult]:
    if quiet:
        return renderer.render_many(names)
    columns = (TextColumn("rendering"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console(stderr=True), transient=True) as progress:
        task = progress.add_task("render", total=len(names))
        return renderer.render_many(names, on_result=lambda _: progress.advance(task))


def _summary(results: list[RenderResult], written: dict, out: Path, with_secrets: bool) -> None:
    con = console()
    rows: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for r in results:
        rows[(r.platform, r.role)][r.status] += 1
        if r.device in written and written[r.device].changed:
            rows[(r.platform, r.role)]["changed"] += 1
    table = Table(title="Rendered configurations")
    for col in ("platform", "role", "rendered", "changed", "skipped", "failed"):
        table.add_column(col, justify="left" if col in ("platform", "role") else "right")
    for (platform, role), count in sorted(rows.items()):
        table.add_row(platform, role, str(count["rendered"]), str(count["changed"]), str(count["skipped"]),
                      f"[red]{count['failed']}[/red]" if count["failed"] else "0")
    con.print(table)
    skipped: dict[str, list[str]] = defaultdict(list)
    for r in results:
        if r.status == "skipped":
            skipped[r.reason or ""].append(r.device)
    for reason, devices in sorted(skipped.items()):
        shown = ", ".join(devices[:6]) + (f" and {len(devices) - 6} more" if len(devices) > 6 else "")
        con.print(f"[yellow]skipped[/yellow] {len(devices)}: {escape(shown)}: {escape(reason)}")
    _report_failures(results)
    total = sum(r.status == "rendered" for r in results)
    changed = sum(w.changed for w in written.values())
    mode = " with secrets (files mode 0600)" if with_secrets else " (secrets as placeholders)"
    con.print(f"wrote {total} configuration(s) to [bold]{escape(str(out))}/[/bold]{mode}: {changed} changed")


def _report_failures(results: list[RenderResult]) -> None:
    err = console(stderr=True)
    for r in results:
        if r.status == "failed":
            err.print(f"[red]failed[/red] {escape(r.device)}: {escape(r.reason or '')}")


def _report_check(checks: list[ConfigCheck], directory: Path, json_out: bool) -> None:
    counts = Counter(c.status for c in checks)
    if json_out:
        print_json({"directory": str(directory), "ok": set(counts) <= {"same"}, "counts": dict(counts),
                    "files": [{"device": c.device, "status": c.status, "path": str(c.path) if c.path else None,
                               "reason": c.reason, "diff": c.diff} for c in checks if c.status != "same"]})
        return
    con = console()
    for c in checks:
        if c.diff:
            con.print(escape(c.diff), end="", markup=True, highlight=False)
    table = Table(title=f"Check of {directory}")
    for col in ("device", "status", "detail"):
        table.add_column(col)
    for c in checks:
        if c.status != "same":
            table.add_row(c.device, f"[red]{c.status}[/red]", escape(c.reason or (str(c.path) if c.path else "")))
    if table.row_count:
        con.print(table)
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    ok = set(counts) <= {"same"}
    con.print(f"{'[green]ok[/green]' if ok else '[red]differs[/red]'} {escape(str(directory))}: {summary}")
