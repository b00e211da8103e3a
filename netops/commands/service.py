"""`netops service ...`: systemd units for the exporter, hourly backups and the nightly audit.

`netops push` never runs unattended, so it has no unit.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Optional

import typer

from netops.commands.common import CannotRun, JsonOption, console, print_json, report_errors
from netops.services import ServiceOptions, sysusers, units

app = typer.Typer(help="systemd units for the exporter, hourly backups and the nightly audit.", no_args_is_help=True)

NetopsOpt = typer.Option(None, "--netops", show_default=False,
                         help="netops executable the units run (default: this one).")
ConfigDirOpt = typer.Option(Path("/etc/netops"), "--config-dir",
                            help="Holds netops.yaml, secrets.yaml (a credential) and known_hosts.")
NoSecretsOpt = typer.Option(False, "--no-secrets", help="Secrets come from elsewhere: no secrets.yaml credential.")
ExporterArgsOpt = typer.Option("", "--exporter-args", help="Extra arguments for `netops exporter`.")
BackupArgsOpt = typer.Option("", "--backup-args", help="Extra arguments for `netops backup` (e.g. '--zone extranet').")
AuditArgsOpt = typer.Option("--configs /var/lib/netops/backups", "--audit-args",
                            help="Arguments for `netops audit isolation` (default: audit the backed-up configs).")


def _options(netops: Optional[Path], config_dir: Path, no_secrets: bool, exporter_args: str, backup_args: str,
             audit_args: str) -> ServiceOptions:
    executable = netops or Path(shutil.which("netops") or sys.argv[0]).resolve()
    return ServiceOptions(netops=str(executable), config_dir=config_dir, secrets=not no_secrets,
                          exporter_args=shlex.split(exporter_args), backup_args=shlex.split(backup_args),
                          audit_args=shlex.split(audit_args))


@app.command("units")
@report_errors
def units_command(out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write the files here "
                                                     "(default: print them)."),
                  netops: Optional[Path] = NetopsOpt, config_dir: Path = ConfigDirOpt,
                  no_secrets: bool = NoSecretsOpt, exporter_args: str = ExporterArgsOpt,
                  backup_args: str = BackupArgsOpt, audit_args: str = AuditArgsOpt) -> None:
    """Print (or write) the unit files: exporter service, backup and audit services with timers."""
    files = units(_options(netops, config_dir, no_secrets, exporter_args, backup_args, audit_args))
    if out is None:
        for name, text in files.items():
            typer.echo(f"### {name}\n{text}")
        return
    out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    console().print(f"wrote {len(files)} unit files to {out}")


@app.command("install")
@report_errors
def install(root: Path = typer.Option(Path("/"), "--root", help="Install under this root (packaging, tests)."),
            netops: Optional[Path] = NetopsOpt, config_dir: Path = ConfigDirOpt, no_secrets: bool = NoSecretsOpt,
            exporter_args: str = ExporterArgsOpt, backup_args: str = BackupArgsOpt,
            audit_args: str = AuditArgsOpt, json_out: bool = JsonOption) -> None:
    """Install the units and the `netops` system user; enabling them stays your decision."""
    files = units(_options(netops, config_dir, no_secrets, exporter_args, backup_args, audit_args))
    unit_dir = root / "etc/systemd/system"
    users = root / "etc/sysusers.d/netops.conf"
    try:
        unit_dir.mkdir(parents=True, exist_ok=True)
        users.parent.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (unit_dir / name).write_text(text, encoding="utf-8")
        users.write_text(sysusers(), encoding="utf-8")
    except OSError as exc:
        raise CannotRun(f"cannot write under {root}: {exc.strerror or exc} (run as root?)") from None
    ran = []
    if root == Path("/") and shutil.which("systemctl"):
        for cmd in (["systemd-sysusers"], ["systemctl", "daemon-reload"]):
            if shutil.which(cmd[0]):
                ran.append({"command": " ".join(cmd), "exit": subprocess.run(cmd, check=False).returncode})
    enable = "systemctl enable --now netops-exporter.service netops-backup.timer netops-audit.timer"
    if json_out:
        print_json({"units": [str(unit_dir / n) for n in files], "sysusers": str(users), "ran": ran,
                    "next": enable})
        return
    out = console()
    out.print(f"installed {len(files)} units in {unit_dir} and the netops user in {users}")
    out.print(f"put the configuration in {config_dir}/ (netops.yaml, secrets.yaml mode 0600, known_hosts), then:")
    out.print(f"  {enable}")
