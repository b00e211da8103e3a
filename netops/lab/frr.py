"""FRR routers for the lab: one directory per router, zebra + staticd started inside its namespace.

Nothing here reads or writes /etc/frr: every daemon gets its vty socket directory, zebra
socket, pid file, log and the integrated config (frr.conf, booted with `vtysh -b`) in the
router's own directory, owned by frr:frr so the daemons can use it after dropping privileges.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import subprocess
import time
from pathlib import Path

from netops.lab import netns

FRR_LIB = Path("/usr/lib/frr")
VTYSH = "/usr/bin/vtysh"
DAEMONS = ("zebra", "staticd")


class FrrError(RuntimeError):
    """An FRR daemon would not start or its config would not load."""


def missing_software() -> list[str]:
    """What this machine lacks to run lab routers (empty when it has everything)."""
    missing = [str(FRR_LIB / d) for d in DAEMONS if not (FRR_LIB / d).exists()]
    if not Path(VTYSH).exists():
        missing.append(VTYSH)
    try:
        pwd.getpwnam("frr")
    except KeyError:
        missing.append("user frr")
    return missing


def initial_config(hostname: str) -> str:
    """A small router config: what a freshly installed lab router runs before netops pushes."""
    return (
        "frr defaults traditional\n"
        f"hostname {hostname}\n"
        "service integrated-vtysh-config\n"
        "!\n"
        "interface eth0\n"
        " description lab uplink\n"
        " ip address 10.255.0.1/30\n"
        "exit\n"
        "!\n"
        "ip route 10.254.0.0/16 10.255.0.2\n"
        "!\n"
    )


def vtysh_argv(router_dir: Path) -> list[str]:
    return [VTYSH, "--vty_socket", str(router_dir), "--config_dir", str(router_dir)]


def prepare(router_dir: Path, config: str) -> None:
    """Write the router's directory: frr.conf and vtysh.conf, owned by frr:frr."""
    router_dir.mkdir(parents=True, exist_ok=True)
    (router_dir / "frr.conf").write_text(config, encoding="utf-8")
    (router_dir / "vtysh.conf").write_text("service integrated-vtysh-config\n", encoding="utf-8")
    uid, gid = pwd.getpwnam("frr").pw_uid, grp.getgrnam("frr").gr_gid
    os.chmod(router_dir, 0o755)
    for path in (router_dir, *router_dir.iterdir()):
        os.chown(path, uid, gid)


def _daemon_argv(daemon: str, router_dir: Path) -> list[str]:
    return [
        str(FRR_LIB / daemon), "-d", "-u", "frr", "-g", "frr",
        "-A", "127.0.0.1", "-P", "0",
        "--vty_socket", str(router_dir),
        "-z", str(router_dir / "zserv.api"),
        "-i", str(router_dir / f"{daemon}.pid"),
        "--log", f"file:{router_dir / (daemon + '.log')}",
        "-f", "/dev/null",
    ]


def in_uts(hostname: str, argv: list[str]) -> list[str]:
    """Run argv in a new UTS namespace named `hostname`: vtysh and the daemons take the
    router's name from the system hostname."""
    return ["unshare", "--uts", "sh", "-c", 'hostname "$0" && exec "$@"', hostname, *argv]


def start(namespace: str, router_dir: Path, hostname: str, timeout: float = 10.0) -> dict[str, int]:
    """Start the daemons in the namespace, boot frr.conf into them; return daemon -> pid."""
    pids: dict[str, int] = {}
    for daemon in DAEMONS:
        argv = netns.exec_argv(namespace, in_uts(hostname, _daemon_argv(daemon, router_dir)))
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0:
            raise FrrError(f"{daemon} for {hostname} failed to start: {proc.stderr.strip()}")
        pids[daemon] = _wait_pid(router_dir / f"{daemon}.pid", router_dir / f"{daemon}.vty", timeout)
    boot = subprocess.run(
        netns.exec_argv(namespace, in_uts(hostname, [*vtysh_argv(router_dir), "-b"])),
        capture_output=True, text=True, timeout=timeout,
    )
    if boot.returncode != 0:
        raise FrrError(f"{hostname}: frr.conf did not load: {(boot.stdout + boot.stderr).strip()}")
    return pids


def _wait_pid(pid_file: Path, vty: Path, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pid_file.exists() and vty.exists():
            text = pid_file.read_text().strip()
            if text.isdigit():
                return int(text)
        time.sleep(0.02)
    raise FrrError(f"{pid_file.name} did not appear within {timeout:.0f} s")


def vtysh(namespace: str, router_dir: Path, hostname: str, *commands: str, timeout: float = 20.0) -> str:
    """Run vtysh commands directly (not over SSH): the lab's own view of the router."""
    argv = [*vtysh_argv(router_dir)]
    for command in commands:
        argv += ["-c", command]
    proc = subprocess.run(netns.exec_argv(namespace, in_uts(hostname, argv)),
                          capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise FrrError(f"vtysh on {hostname}: {(proc.stdout + proc.stderr).strip()}")
    return proc.stdout


def remove_dir(router_dir: Path) -> None:
    shutil.rmtree(router_dir, ignore_errors=True)
