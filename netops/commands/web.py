"""`netops web`: the read-only web console (docs/web.md)."""

from __future__ import annotations

import asyncio
import getpass
import sys
from pathlib import Path
from typing import Optional

import typer

from netops.commands.common import (
    CannotRun,
    InventoryOption,
    LogFormatOption,
    LogLevelOption,
    UsageError,
    console,
    inventory_path,
    report_errors,
    setup_logging,
)
from netops.stop_signal import stop_on_signals


@report_errors
def web(
    listen: str = typer.Option("127.0.0.1:9480", "--listen", envvar="NETOPS_WEB_LISTEN",
                               help="Address to serve on (loopback by default)."),
    inventory: Optional[Path] = InventoryOption,
    users: Optional[Path] = typer.Option(None, "--users", "-u", envvar="NETOPS_WEB_USERS", show_default=False,
                                         help="Users file: accounts, bcrypt hashes, roles and a viewer's towns/sites."),
    prometheus: list[str] = typer.Option([], "--prometheus", envvar="NETOPS_WEB_PROMETHEUS", show_default=False,
                                         help="A zone's Prometheus base URL (repeat for each zone)."),
    plan: Optional[Path] = typer.Option(None, "--plan", show_default=False,
                                        help="`netops monitor plan --out` directory: every zone's Prometheus from its plan.json."),
    audit_state: Optional[Path] = typer.Option(None, "--audit-state", envvar="NETOPS_AUDIT_STATE", show_default=False,
                                               help="Last audit's JSON (default: STATE_DIR/audit/last-audit.json)."),
    repo: Optional[Path] = typer.Option(None, "--repo", envvar="NETOPS_BACKUP_DIR", show_default=False,
                                        help="Backup git repository (default: STATE_DIR/backups)."),
    web_config: Optional[Path] = typer.Option(None, "--web.config.file", show_default=False,
                                              help="TLS (and extra basic auth) in the Prometheus exporter-toolkit format."),
    hash_password: bool = typer.Option(False, "--hash-password",
                                       help="Read a password (prompt, or one line on stdin) and print its bcrypt hash for the users file."),
    log_level: str = LogLevelOption,
    log_format: str = LogFormatOption,
) -> None:
    """Serve the read-only web console: topology by zone with live status, villages by town,
    the computer room, the last audit and config history. Chinese text; ?lang=en for English.

    Exit codes: 0 stopped cleanly, 2 bad options or files, 3 cannot listen or Graphviz missing.
    """
    from netops.console.users import hash_password as make_hash

    if hash_password:
        password = getpass.getpass("password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
        typer.echo(make_hash(password))
        return
    setup_logging(log_level, log_format)
    from netops import configfile
    from netops.console.app import Console, build_app
    from netops.console.users import load_users
    from netops.errors import InventoryError
    from netops.inventory.load import check_inventory
    from netops.snmp.target import split_host_port
    from netops.web.server import WebServer

    if users is None:
        raise UsageError("--users FILE is required: the console has no anonymous access (docs/web.md)")
    accounts = load_users(users)
    try:
        host, port = split_host_port(listen, default_port=9480)
    except ValueError as exc:
        raise UsageError(f"--listen: {exc}") from None
    # an inventory with problems (a cable between zones) is still shown, with the problems on
    # every page: the console is where people look at what is wrong
    inv, problems = check_inventory(inventory_path(inventory))
    if inv is None:
        raise InventoryError(problems)
    if problems:
        console(stderr=True).print(f"[yellow]warning[/yellow] the inventory has {len(problems)} problem(s); "
                                   "the console shows them on every page")
    urls = [u for item in prometheus for u in item.split(",") if u]
    if plan is not None:
        from netops.console.status import plan_prometheus_urls

        try:
            urls += [u for zone_urls in plan_prometheus_urls(plan).values() for u in zone_urls if u not in urls]
        except ValueError as exc:
            raise UsageError(f"--plan: {exc}") from None
    for url in urls:
        if not url.startswith(("http://", "https://")):
            raise UsageError(f"--prometheus: expected http(s)://host:port, got {url!r}")

    async def run() -> None:
        state = Console(inventory=inv, users=accounts, prometheus=urls, problems=[str(p) for p in problems],
                        audit_state=audit_state or configfile.audit_state_path(),
                        backups=repo or configfile.backup_dir())
        server = WebServer(build_app(state), web_config)
        state.secure_cookies = server.scheme == "https"  # cookies never leave TLS once it is on
        try:
            bound_host, bound_port = await server.start(host, port)
        except OSError as exc:
            raise CannotRun(f"cannot listen on {listen}: {exc}") from None
        console(stderr=True).print(f"netops web console on {server.scheme}://{bound_host}:{bound_port}/ "
                                   f"({len(accounts)} users, {len(inv.devices)} devices, {len(urls)} Prometheus)")
        stop = stop_on_signals()
        try:
            await stop.wait()
        finally:
            await server.close()

    asyncio.run(run())
