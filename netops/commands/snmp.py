"""`netops exporter` and `netops snmp ...`: serve, inspect and try SNMP metric profiles."""

from __future__ import annotations

import asyncio
from enum import Enum
from pathlib import Path
from typing import Optional, get_args

import typer
from rich.table import Table

from netops.commands.common import (
    JsonOption,
    LogFormatOption,
    LogLevelOption,
    console,
    print_json,
    report_errors,
    setup_logging,
)
from netops.errors import NetopsError
from netops.snmp import exporter_names
from netops.snmp.profile import ProfileError, default_profile_dir, load_profiles

app = typer.Typer(help="Inspect SNMP metric profiles and scrape one device from the command line.",
                  no_args_is_help=True)

ProfilesOption = typer.Option(None, "--profiles", envvar="NETOPS_PROFILES", show_default=False,
                              help="Profile directory (default: $NETOPS_PROFILES, the config file's `profiles`, "
                                   "else the packaged profiles).")
InventoryOpt = typer.Option(None, "--inventory", "-i", envvar="NETOPS_INVENTORY",
                            help="Inventory directory: device names become targets (default: ./inventory if present "
                                 "and no --config is given).",
                            show_default=False)
ConfigOption = typer.Option(None, "--config", "-c", help="Exporter config: auths, static targets, defaults (YAML).",
                            show_default=False)
LabOption = typer.Option(False, "--lab", help="Reach inventory devices at their lab loopback endpoints (lab.snmp).")
MetricNamesOption = typer.Option(
    "netops", "--metric-names", envvar="NETOPS_METRIC_NAMES", case_sensitive=False,
    help="netops: netops' names in base units (if_in_bytes_total). snmp_exporter: snmp_exporter's MIB-object "
         "names, index labels and raw values (ifHCInOctets{ifIndex,ifName,...}) so community dashboards work.")


class ProfileLoadError(NetopsError):
    exit_code = 2


# the choices Typer offers, made from the one list the exporter knows (exporter_names.MetricNames)
MetricNames = Enum("MetricNames", {name: name for name in get_args(exporter_names.MetricNames)}, type=str)


def _profile_dir(value: Path | None) -> Path:
    return value if value is not None else default_profile_dir()


def _inventory_dir(value: Path | None, config: Path | None = None) -> Path | None:
    """-i, $NETOPS_INVENTORY or the config file's inventory when given; else ./inventory if
    present, but not beside an explicit --config: the flag outranks a default (flag > env >
    file > default), and a shard exporter must not load a province found in its cwd."""
    if value is not None:
        return value
    if config is not None:
        return None
    default = Path("inventory")
    return default if default.is_dir() else None


def _load_profiles(directory: Path):  # noqa: ANN202
    try:
        return load_profiles(directory)
    except ProfileError as exc:
        raise ProfileLoadError(str(exc)) from None


@app.command("profiles")
@report_errors
def list_profiles(profiles: Optional[Path] = ProfilesOption, json_out: bool = JsonOption) -> None:
    """List the metric profiles: what each reads and which metrics it produces."""
    loaded = _load_profiles(_profile_dir(profiles))
    rows = [
        {"name": p.name, "description": p.description,
         "tables": len(p.tables), "metrics": sorted({m.name for t in p.tables for m in t.metrics})}
        for p in loaded.values()
    ]
    if json_out:
        print_json(rows)
        return
    table = Table(title=f"SNMP profiles in {_profile_dir(profiles)}")
    for col in ("profile", "description", "metrics"):
        table.add_column(col)
    for row in rows:
        table.add_row(row["name"], row["description"], str(len(row["metrics"])))
    console().print(table)


@app.command("check")
def check_profiles(directory: Optional[Path] = typer.Argument(None, help="Profile directory to validate."),
                   json_out: bool = JsonOption) -> None:
    """Validate every profile file; errors name the file, line and field. Exit 2 on errors."""
    path = _profile_dir(directory)
    problems: list[str] = []
    names: list[str] = []
    files = sorted(path.glob("*.yaml")) if path.is_dir() else []
    if not path.is_dir():
        problems.append(f"{path}: profile directory does not exist")
    from netops.snmp.profile import load_profile

    for file in files:
        try:
            names.append(load_profile(file).name)
        except ProfileError as exc:
            problems.append(str(exc))
    if path.is_dir():
        from netops.snmp.snmp_exporter_modules import load_snmp_exporter_config

        for file in sorted(path.glob("*.snmp.yml")):  # snmp_exporter modules loaded directly
            try:
                names += sorted(load_snmp_exporter_config(file))
            except ProfileError as exc:
                problems.append(str(exc))
    if json_out:
        print_json({"directory": str(path), "valid": not problems, "profiles": names, "problems": problems})
    else:
        err = console(stderr=True)
        for problem in problems:
            err.print(f"[red]error[/red] {problem}", markup=True)
        if not problems:
            console().print(f"[green]ok[/green] {path}: {len(names)} profiles")
    raise typer.Exit(2 if problems else 0)


@app.command("defaults")
def show_defaults(role: str = typer.Argument(..., help="Device role, e.g. core_switch, ups."),
                  platform: Optional[str] = typer.Argument(None, help="Platform, e.g. huawei_vrp, linux.")) -> None:
    """Show the profiles a device of this role and platform gets by default."""
    from netops.snmp.defaults import default_profiles

    try:
        typer.echo(",".join(default_profiles(role, platform)))
    except ValueError as exc:
        console(stderr=True).print(f"[red]error[/red] {exc}")
        raise typer.Exit(2) from None


@app.command("import-module")
@report_errors
def import_module(
    config: Path = typer.Argument(..., help="snmp_exporter configuration (snmp.yml, the generator's output)."),
    module: Optional[list[str]] = typer.Option(None, "--module", "-m", help="Only these modules (repeatable)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Profile directory to write to (default: the profiles directory)."),
    force: bool = typer.Option(False, "--force", help="Overwrite profiles of the same name."),
    json_out: bool = JsonOption,
) -> None:
    """Turn snmp_exporter modules into netops profiles that keep snmp_exporter's metric and label
    names, so existing dashboards keep working. (A `*.snmp.yml` file in the profile directory is
    also loaded directly, without importing.)"""
    import yaml

    from netops.snmp.snmp_exporter_modules import import_config, validate

    target = out or _profile_dir(None)
    try:
        documents, notes = import_config(config, module or None)
        for name, document in documents.items():
            validate(document, config)
    except ProfileError as exc:
        raise ProfileLoadError(str(exc)) from None
    existing = sorted(n for n in documents if (target / f"{n}.yaml").exists())
    if existing and not force:
        raise ProfileLoadError(f"{target}: profile(s) {', '.join(existing)} exist; use --force to overwrite")
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, document in documents.items():
        path = target / f"{name}.yaml"
        header = f"# Imported by `netops snmp import-module {config.name}`: snmp_exporter module, its names kept.\n"
        path.write_text(header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
        written.append(str(path))
    if json_out:
        print_json({"written": written, "skipped": notes})
        return
    for path in written:
        console().print(f"wrote {path}")
    for note in notes:
        console(stderr=True).print(f"[yellow]warning[/yellow] {note}")


@app.command("collect")
@report_errors
def collect_command(
    target: str = typer.Argument(..., help="Inventory device name, configured target, or HOST:PORT."),
    module: Optional[str] = typer.Option(None, "--module", "-m", help="Profiles, comma-separated (default: the device's)."),
    auth: Optional[str] = typer.Option(None, "--auth", help="Auth name from --config for a HOST:PORT target."),
    inventory: Optional[Path] = InventoryOpt,
    config: Optional[Path] = ConfigOption,
    lab: bool = LabOption,
    profiles: Optional[Path] = ProfilesOption,
    timeout: float = typer.Option(10.0, help="Deadline for the whole scrape, seconds."),
    metric_names: MetricNames = MetricNamesOption,
    json_out: bool = JsonOption,
    text: bool = typer.Option(False, "--text", help="Print Prometheus text exposition."),
) -> None:
    """Scrape one device now and print its metrics (table, --json or --text). Exit 1 if down."""
    from netops.snmp.collector import collect, resolve_modules
    from netops.snmp.exporter import state_loader
    from netops.snmp.families import render_text
    from netops.snmp.session import SnmpClient

    try:
        # the operator names the target and the auth on the command line: raw IP:PORT is fine here
        state = state_loader(_profile_dir(profiles), _inventory_dir(inventory, config), config, lab=lab,
                             allow_any_target=True, metric_names=metric_names.value)()
    except ProfileError as exc:
        raise ProfileLoadError(str(exc)) from None
    snmp_target = state.targets.resolve(target, auth)
    names = module.split(",") if module else list(snmp_target.profiles)
    unknown = [n for n in names if n not in state.profiles and n != "auto"]
    if unknown or not names:
        raise ProfileLoadError(f"unknown or missing module(s): {', '.join(unknown) or '(none)'}; "
                               f"known: {', '.join(sorted(state.profiles))}")

    async def run():  # noqa: ANN202
        client = SnmpClient()
        try:
            chosen, auto = resolve_modules(names, state.profiles)
            return await collect(client, snmp_target, chosen, deadline=timeout,
                                 catalog=state.profiles if auto else None)
        finally:
            client.close()

    result = asyncio.run(run())
    if text:
        typer.echo(render_text(result.families), nl=False)
    elif json_out:
        print_json({
            "target": result.target, "up": result.up, "reason": result.reason, "error": result.error,
            "duration_seconds": round(result.duration, 6), "requests": result.requests,
            "varbinds": result.varbinds, "warnings": result.warnings,
            "sys_object_id": result.sys_object_id, "matched_profiles": result.matched,
            "profile_matched": result.profile_matched,
            "modules": {name: {"up": not failed, "failed": failed} for name, failed in result.modules.items()},
            "metrics": [{"name": f.name, "type": f.type,
                         "samples": [{"labels": labels, "value": value} for labels, value in f.values()]}
                        for f in result.families if f.samples],
        })
    else:
        out = console()
        status = "[green]up[/green]" if result.up else f"[red]down[/red] ({result.reason}: {result.error})"
        out.print(f"{target} {status} in {result.duration * 1000:.1f} ms, "
                  f"{result.requests} requests, {result.varbinds} varbinds")
        if result.matched:
            out.print(f"matched by sysObjectID {result.sys_object_id}: {', '.join(result.matched)}")
        for warning in result.warnings:
            console(stderr=True).print(f"[yellow]warning[/yellow] {warning}")
        table = Table()
        for col in ("metric", "labels", "value"):
            table.add_column(col, overflow="fold")
        base = set(snmp_target.labels)
        for family in result.families:
            for labels, value in family.values():
                shown = ", ".join(f"{k}={v}" for k, v in labels.items() if k not in base)
                table.add_row(family.name, shown, f"{value:g}")
        out.print(table)
    raise typer.Exit(0 if result.up else 1)


@report_errors
def exporter(
    # 9089: Prometheus's default port allocations give 9100-9999 to other exporters (9117 is
    # the Apache exporter's) and 9090-9094 to Prometheus and Alertmanager.
    listen: str = typer.Option("127.0.0.1:9089", "--listen", envvar="NETOPS_EXPORTER_LISTEN",
                               help="Address to serve on (loopback by default)."),
    inventory: Optional[Path] = InventoryOpt,
    config: Optional[Path] = ConfigOption,
    lab: bool = LabOption,
    profiles: Optional[Path] = ProfilesOption,
    metric_names: MetricNames = MetricNamesOption,
    concurrency: int = typer.Option(64, min=1, help="Scrapes served at the same time; more wait."),
    scrape_timeout: float = typer.Option(10.0, min=0.1, help="Longest scrape, seconds (Prometheus's header may shorten it)."),
    log_level: str = LogLevelOption,
    log_format: str = LogFormatOption,
    audit_state: Optional[Path] = typer.Option(
        None, "--audit-state", envvar="NETOPS_AUDIT_STATE", show_default=False,
        help="Last isolation audit's state file to expose on /metrics (default: STATE_DIR/audit/last-audit.json)."),
    audit_per_target: bool = typer.Option(
        True, "--audit-per-target/--no-audit-per-target",
        help="Expose each audit result per device (large networks: turn off, keep per-check totals)."),
    web_config: Optional[Path] = typer.Option(
        None, "--web.config.file", show_default=False,
        help="TLS and basic auth (Prometheus exporter-toolkit format: tls_server_config, basic_auth_users)."),
    allow_any_target: bool = typer.Option(
        False, "--allow-any-target",
        help="Also scrape raw IP:PORT targets, each with the config auth its request names (auth=)."),
) -> None:
    """Serve SNMP metrics over HTTP, snmp_exporter style: /snmp?target=DEVICE&module=PROFILE,...

    Targets are inventory devices and the --config file's targets; a raw IP:PORT only with
    --allow-any-target and an auth= naming a config auth. Also /metrics (the exporter's own
    health and the last isolation audit's results, reread at each scrape), /-/healthy and
    POST /-/reload (or SIGHUP), which loads off the event loop.
    """
    from netops.audit.metrics import AuditCollector
    from netops.snmp.exporter import Exporter, serve, state_loader
    from netops.snmp.target import split_host_port

    setup_logging(log_level, log_format)
    try:
        host, port = split_host_port(listen, default_port=9089)
    except ValueError as exc:
        raise ProfileLoadError(f"--listen: {exc}") from None
    loader = state_loader(_profile_dir(profiles), _inventory_dir(inventory, config), config, lab=lab,
                          allow_any_target=allow_any_target, metric_names=metric_names.value)

    async def run() -> None:
        try:
            instance = Exporter(loader, concurrency=concurrency, scrape_timeout=scrape_timeout,
                                extra_collectors=[AuditCollector(audit_state, per_target=audit_per_target)],
                                web_config=web_config)
        except ProfileError as exc:
            raise ProfileLoadError(str(exc)) from None

        def ready(bound_host: str, bound_port: int) -> None:
            targets = len(instance.state.targets.names())
            console(stderr=True).print(
                f"netops exporter listening on {instance.scheme}://{bound_host}:{bound_port}/ "
                f"({len(instance.state.profiles)} profiles, {targets} named targets{', lab endpoints' if lab else ''})")

        try:
            await serve(instance, host, port, ready)
        except OSError as exc:
            raise ProfileLoadError(f"cannot listen on {listen}: {exc}") from None

    asyncio.run(run())
