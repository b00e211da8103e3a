"""One OpenSSH server per lab router, inside the router's namespace, whose session is vtysh.

sshd runs under `unshare --uts --mount`: the UTS namespace carries the router's hostname
(vtysh builds its prompt from it) and the private mount namespace bind-mounts a lab-only
/etc/passwd and /etc/shadow holding the lab login, so the host's accounts are never changed.
The login runs as the frr user, and ForceCommand turns every session into vtysh on this
router's sockets. Host keys are generated per router and published in a known_hosts file.
"""

from __future__ import annotations

import grp
import pwd
import subprocess
import time
from pathlib import Path

from netops.lab import netns

SSHD = "/usr/sbin/sshd"
LISTEN_PORT = 2222  # inside the namespace


class SshdError(RuntimeError):
    """sshd or its keys could not be set up."""


def missing_software() -> list[str]:
    return [p for p in (SSHD, "/usr/bin/ssh-keygen", "/usr/bin/openssl") if not Path(p).exists()]


def host_key(ssh_dir: Path, hostname: str) -> str:
    """Generate the router's ed25519 host key; return the public key line ("type base64")."""
    ssh_dir.mkdir(parents=True, exist_ok=True)
    key = ssh_dir / "ssh_host_ed25519_key"
    if not key.exists():
        proc = subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", hostname, "-f", str(key)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise SshdError(f"ssh-keygen for {hostname}: {proc.stderr.strip()}")
    kind, blob = (ssh_dir / "ssh_host_ed25519_key.pub").read_text().split()[:2]
    return f"{kind} {blob}"


def password_hash(password: str) -> str:
    proc = subprocess.run(["openssl", "passwd", "-6", "-stdin"], input=password, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SshdError(f"openssl passwd: {proc.stderr.strip()}")
    return proc.stdout.strip()


def account_files(ssh_dir: Path, username: str, pw_hash: str, home: Path) -> None:
    """passwd/shadow/group for sshd's private mount namespace: the host's users (no secrets)
    plus the lab login as the frr user."""
    frr = pwd.getpwnam("frr")
    lines = [ln for ln in Path("/etc/passwd").read_text().splitlines() if not ln.startswith(f"{username}:")]
    lines.append(f"{username}:x:{frr.pw_uid}:{frr.pw_gid}:netops lab login:{home}:/bin/sh")
    (ssh_dir / "passwd").write_text("\n".join(lines) + "\n")
    shadow = ssh_dir / "shadow"
    shadow.touch(mode=0o600)
    shadow.write_text(f"root:*:19000:0:99999:7:::\n{username}:{pw_hash}:19000:0:99999:7:::\n")
    shadow.chmod(0o600)
    grp.getgrnam("frr")  # present, or the lab cannot run at all


def config(ssh_dir: Path, username: str, force_command: list[str]) -> Path:
    path = ssh_dir / "sshd_config"
    path.write_text(
        "\n".join([
            f"ListenAddress 127.0.0.1:{LISTEN_PORT}",
            f"HostKey {ssh_dir / 'ssh_host_ed25519_key'}",
            f"PidFile {ssh_dir / 'sshd.pid'}",
            "UsePAM no",
            "PasswordAuthentication yes",
            "KbdInteractiveAuthentication no",
            "PubkeyAuthentication no",
            "PermitRootLogin no",
            f"AllowUsers {username}",
            "StrictModes no",
            "PrintMotd no",
            "PrintLastLog no",
            "UseDNS no",
            "X11Forwarding no",
            "AllowTcpForwarding no",
            "AllowAgentForwarding no",
            "PermitTunnel no",
            "MaxStartups 200:30:400",
            "MaxAuthTries 3",
            "LoginGraceTime 30",
            "ForceCommand " + " ".join(force_command),
            "",
        ])
    )
    return path


def start(namespace: str, ssh_dir: Path, hostname: str, timeout: float = 10.0) -> int:
    """Start sshd in the namespace (own UTS + mount namespace); return its PID."""
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege-separation directory
    conf = ssh_dir / "sshd_config"
    check = subprocess.run([SSHD, "-t", "-f", str(conf)], capture_output=True, text=True)
    if check.returncode != 0:
        raise SshdError(f"sshd config for {hostname}: {check.stderr.strip()}")
    script = (
        'hostname "$0" && mount --bind "$1/passwd" /etc/passwd && mount --bind "$1/shadow" /etc/shadow'
        f' && exec {SSHD} -f "$1/sshd_config" -E "$1/sshd.log"'
    )
    argv = netns.exec_argv(namespace, ["unshare", "--uts", "--mount", "--propagation", "private",
                                       "sh", "-c", script, hostname, str(ssh_dir)])
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise SshdError(f"sshd for {hostname} failed to start: {proc.stderr.strip()}")
    pid_file = ssh_dir / "sshd.pid"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pid_file.exists() and pid_file.read_text().strip().isdigit():
            return int(pid_file.read_text().strip())
        time.sleep(0.02)
    raise SshdError(f"sshd for {hostname} wrote no pid file within {timeout:.0f} s")


def known_hosts_line(host: str, port: int, public_key: str) -> str:
    target = host if port == 22 else f"[{host}]:{port}"
    return f"{target} {public_key}"
