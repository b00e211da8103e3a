"""`netops backup`, `netops diff`, `netops push`: device operations over SSH, many devices at once."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.syntax import Syntax
from rich.table import Table

from netops import configfile
from netops.commands.common import (
    InventoryOption,
    JsonOption,
    LogFormatOption,
    QuietLogLevelOption,
    UsageError,
    console,
    inventory_path,
    print_json,
    report_errors,
    setup_logging,
)
from netops.devices import intended as intended_sources
from netops.devices import jobs, transaction
from netops.devices.journal import JOURNAL_DIR_ENV
from netops.devices.gitstore import BackupStore
from netops.devices.progress import ProgressBar
from netops.devices.results import DeviceResult, RunResult, Status
from netops.devices.stop_signals import stop_on_signals
from netops.devices.selectors import Selector
from netops.devices.targets import TargetError, build_targets
from netops.errors import NetopsError

BACKUP_DIR_ENV = "NETOPS_BACKUP_DIR"

NamesArg = typer.Argument(None, help="Device names or globs (e.g. 'wangtai-*'); default: every device.")
SiteOpt = typer.Option([], "--site", help="Only devices at this site (repeatable).")
TownOpt = typer.Option([], "--town", help="Only devices in this town, villages included (repeatable).")
RoleOpt = typer.Option([], "--role", help="Only devices with this role (repeatable).")
ZoneOpt = typer.Option([], "--zone", help="Only devices in this zone (repeatable).")
PlatformOpt = typer.Option([], "--platform", help="Only devices of this platform (repeatable).")
LabOpt = typer.Option(False, "--lab", help="Only the devices the SSH lab provides, at their loopback endpoints.")
LabDirOpt = typer.Option(None, "--lab-dir", help="State directory of the lab (default: /run/netops-lab/default).")
ParallelOpt = typer.Option(10, "--max-parallel", "-p", min=1, max=200, help="Devices worked on at once.")
KnownHostsOpt = typer.Option(None, "--known-hosts", help="known_hosts file to check host keys against "
                             "(default: the lab's with --lab, else ~/.ssh/known_hosts).")
RepoOpt = typer.Option(None, "--repo", envvar=BACKUP_DIR_ENV, help="Backup git repository (default: STATE_DIR/backups, i.e. out/backups "
                       "or /var/lib/netops/backups as a service).")
IntendedOpt = typer.Option(None, "--intended", help="Directory of intended configs (<device>.cfg); default: render them.")
JournalOpt = typer.Option(None, "--journal", envvar=JOURNAL_DIR_ENV, help="Push journal directory (default: "
                          "beside the backup repository, <repo>.journal).")
TimeoutOpt = typer.Option(15.0, "--timeout", help="Seconds to wait for a device to connect or answer.")


def _target_builder(inventory: Optional[Path], lab, lab_dir, known_hosts, operation, timeout):
    """The inventory, and a function from a Selector to (targets, failed results)."""
    from netops.inventory import load_inventory
    from netops.lab import ssh_routers
    from netops.secrets import SecretResolver, secrets_file_path

    inv = load_inventory(inventory_path(inventory))
    resolver = SecretResolver(secrets_file_path(inv.settings.secrets_file))
    lab_state = ssh_routers.load_state(lab_dir or ssh_routers.lab_dir()) if lab else None

    def build(selector: Selector):
        return build_targets(inv, resolver, lab=lab, lab_state=lab_state, known_hosts=known_hosts,
                             operation=operation, timeout=timeout, selector=selector)

    return inv, build


def _prepare(inventory: Optional[Path], names, site, town, role, zone, platform, lab, lab_dir, known_hosts,
             operation, timeout):
    inv, build = _target_builder(inventory, lab, lab_dir, known_hosts, operation, timeout)
    selector = Selector(names=names or [], sites=site, towns=town, roles=role, zones=zone, platforms=platform)
    targets, pre_failed = build(selector)
    if not targets and not pre_failed:
        raise TargetError("no device matches the selection" + (" among the lab's devices" if lab else ""))
    return inv, targets, pre_failed


def _observers(as_json: bool):
    return [] if as_json else [ProgressBar(console(stderr=True))]


STYLE = {Status.failed: "red", Status.rolled_back: "yellow", Status.drift: "yellow", Status.changed: "green",
         Status.would_change: "cyan", Status.backed_up: "green", Status.in_sync: "green", Status.unchanged: "dim"}


def print_run(run: RunResult, show_diffs: bool = False, remediation: bool = False) -> None:
    out = console()
    if show_diffs:
        for r in run.results:
            if r.diff:
                out.rule(f"{r.device}")
                out.print(Syntax(r.diff, "diff", theme="ansi_dark", background_color="default"))
            if remediation and r.commands:
                out.print(f"[bold]{escape(r.device)}: commands to reach intended[/bold]")
                out.print(Syntax("\n".join(r.commands), "text", background_color="default"))
    pushing = run.operation == "push"
    table = Table(title=run.summary(), title_justify="left")
    for column in ("device", "result", *(["rolled back"] if pushing else []), "seconds", "reason"):
        table.add_column(column)
    for r in run.results:
        rolled = "" if not r.rolled_back else ("yes, identical" if r.restored_identical else "yes, DIFFERENT")
        table.add_row(escape(r.device), f"[{STYLE.get(r.status, '')}]{r.status.value}[/]",
                      *([rolled] if pushing else []), f"{r.duration_s:.1f}", escape(r.reason or ""))
    out.print(table)
    for note in run.notes:
        out.print(escape(note))


def _finish(run: RunResult, as_json: bool, show_diffs: bool = False, remediation: bool = False) -> None:
    if as_json:
        print_json({"operation": run.operation, "summary": run.summary(), "counts": run.counts(),
                    "duration_s": run.duration_s, "notes": run.notes, "replication": run.replication,
                    "results": [r.model_dump(mode="json") for r in run.results]})
    else:
        print_run(run, show_diffs, remediation)
    raise typer.Exit(jobs.exit_code(run))


def _intended_for(inv, intended_dir: Optional[Path]):
    if intended_dir is not None:
        if not intended_dir.is_dir():
            raise NetopsError(f"--intended {intended_dir}: not a directory")
        return intended_sources.from_directory(intended_dir)
    return intended_sources.from_renderer(inv)


def register(app: typer.Typer) -> None:
    @app.command("backup")
    @report_errors
    def backup(names: Optional[list[str]] = NamesArg, site: list[str] = SiteOpt, town: list[str] = TownOpt,
               role: list[str] = RoleOpt, zone: list[str] = ZoneOpt, platform: list[str] = PlatformOpt,
               lab: bool = LabOpt, lab_dir: Optional[Path] = LabDirOpt, repo: Optional[Path] = RepoOpt,
               max_parallel: int = ParallelOpt, known_hosts: Optional[Path] = KnownHostsOpt,
               timeout: float = TimeoutOpt, inventory: Optional[Path] = InventoryOption,
               as_json: bool = JsonOption, log_level: str = QuietLogLevelOption,
               log_format: str = LogFormatOption,
               author: Optional[str] = typer.Option(None, "--author", envvar="NETOPS_BACKUP_AUTHOR",
                                                    show_default=False,
                                                    help="Commit author 'Name <email>' (default: config "
                                                         "backup.author, else netops backup <netops@HOST>)."),
               commit_mode: Optional[str] = typer.Option(None, "--commit-mode", show_default=False,
                                                         help="per-run (one commit listing the changes) or "
                                                              "per-device (one commit per changed config); "
                                                              "default: config backup.commit, else per-run."),
               remote: list[str] = typer.Option([], "--remote", help="Also push to this git remote (repeatable; "
                                                 "adds to config backup.remotes).")) -> None:
        """Pull running configs into a git repository (secrets masked); commit only what changed,
        then push to the off-site remotes. Exit 1 if a device or a remote failed."""
        setup_logging(log_level, log_format)
        settings = configfile.current().backup
        mode = commit_mode or settings.commit
        if mode not in ("per-run", "per-device"):
            raise UsageError(f"--commit-mode: expected per-run or per-device, got '{mode}'")
        store = BackupStore(repo or configfile.backup_dir(), author=author or settings.author)
        _, targets, pre_failed = _prepare(inventory, names, site, town, role, zone, platform, lab, lab_dir,
                                          known_hosts, "backup", timeout)
        run = jobs.run_backup(targets, store, max_parallel=max_parallel, observers=_observers(as_json),
                              pre_failed=pre_failed, per_device=mode == "per-device",
                              remotes=[*settings.remotes, *remote])
        _finish(run, as_json)

    @app.command("diff")
    @report_errors
    def diff(names: Optional[list[str]] = NamesArg, site: list[str] = SiteOpt, town: list[str] = TownOpt,
             role: list[str] = RoleOpt, zone: list[str] = ZoneOpt, platform: list[str] = PlatformOpt,
             remediation: bool = typer.Option(False, "--remediation", help="Also show the commands that would "
                                              "bring running to intended."),
             intended_dir: Optional[Path] = IntendedOpt, lab: bool = LabOpt, lab_dir: Optional[Path] = LabDirOpt,
             max_parallel: int = ParallelOpt, known_hosts: Optional[Path] = KnownHostsOpt,
             timeout: float = TimeoutOpt, inventory: Optional[Path] = InventoryOption,
             as_json: bool = JsonOption, log_level: str = QuietLogLevelOption,
             log_format: str = LogFormatOption) -> None:
        """Intended (rendered) vs running config as unified diffs, noise lines ignored. Exit 1 on drift."""
        setup_logging(log_level, log_format)
        inv, targets, pre_failed = _prepare(inventory, names, site, town, role, zone, platform, lab, lab_dir,
                                            known_hosts, "diff", timeout)
        run = jobs.run_diff(targets, _intended_for(inv, intended_dir), max_parallel=max_parallel,
                            observers=_observers(as_json), pre_failed=pre_failed)
        _finish(run, as_json, show_diffs=True, remediation=remediation)

    @app.command("push")
    @report_errors
    def push(names: Optional[list[str]] = NamesArg, site: list[str] = SiteOpt, town: list[str] = TownOpt,
             role: list[str] = RoleOpt, zone: list[str] = ZoneOpt, platform: list[str] = PlatformOpt,
             commit: bool = typer.Option(False, "--commit", help="Apply the change (default: dry run, "
                                         "print the diffs)."),
             recover: bool = typer.Option(False, "--recover", help="Finish a push that was killed: restore every "
                                          "device its journal shows touched to the pre-change config, verified "
                                          "byte-identical."),
             keep_verified: bool = typer.Option(False, "--keep-verified", help="With --recover: leave devices whose "
                                                "change was verified before the crash as changed."),
             intended_dir: Optional[Path] = IntendedOpt, lab: bool = LabOpt, lab_dir: Optional[Path] = LabDirOpt,
             repo: Optional[Path] = RepoOpt, journal: Optional[Path] = JournalOpt, max_parallel: int = ParallelOpt,
             known_hosts: Optional[Path] = KnownHostsOpt, timeout: float = TimeoutOpt,
             inventory: Optional[Path] = InventoryOption, as_json: bool = JsonOption,
             log_level: str = QuietLogLevelOption, log_format: str = LogFormatOption) -> None:
        """Bring devices to their intended config: back up, journal, apply, verify, roll back on any failure.

        With --commit, every target's pre-change config is committed to the backup repository and a journal is written before the first device is touched; Ctrl-C or SIGTERM starts no new device and rolls back the ones in flight.

        After a kill or a crash, `netops push --recover` (same --repo/--journal, and --lab) restores every device the unfinished run touched, verified byte-identical.
        """
        setup_logging(log_level, log_format)
        store = BackupStore(repo or configfile.backup_dir())
        journal_dir = journal or transaction.default_journal_dir(store.path)
        if recover:
            _recover(inventory, lab, lab_dir, known_hosts, timeout, journal_dir, keep_verified, max_parallel, as_json)
            return
        inv, targets, pre_failed = _prepare(inventory, names, site, town, role, zone, platform, lab, lab_dir,
                                            known_hosts, "push", timeout)
        with stop_on_signals() as stop:
            run = jobs.run_push(targets, _intended_for(inv, intended_dir), commit=commit, store=store,
                                journal_dir=journal_dir, max_parallel=max_parallel, observers=_observers(as_json),
                                pre_failed=pre_failed, stop=stop)
        if stop.reason:
            run.notes.append(f"{stop.reason}: no device started after it; devices in flight were rolled back")
        if not commit:
            run.notes.append("dry run: nothing was changed (apply with --commit)")
        _finish(run, as_json, show_diffs=not commit, remediation=not commit)


def _recover(inventory, lab, lab_dir, known_hosts, timeout, journal_dir: Path, keep_verified: bool,
             max_parallel: int, as_json: bool) -> None:
    _, build = _target_builder(inventory, lab, lab_dir, known_hosts, "recover", timeout)

    def targets_for(names: list[str]):
        targets, failed = build(Selector(names=names))
        found = {t.name for t in targets} | {r.device for r in failed}
        failed += [DeviceResult(device=n, operation="recover", status=Status.failed,
                                reason=f"{n}: not in the inventory" + (" or the lab" if lab else "") + ": not restored")
                   for n in names if n not in found]
        return targets, failed

    with stop_on_signals() as stop:
        run = transaction.recover(journal_dir, targets_for, keep_verified=keep_verified, max_parallel=max_parallel,
                                  observers=_observers(as_json), stop=stop)
    if stop.reason:
        run.notes.append(f"{stop.reason}: devices not started stay in the journal; run --recover again")
    _finish(run, as_json)
