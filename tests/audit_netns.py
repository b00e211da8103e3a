"""A real LLDP + SNMP lab in network namespaces, for the live audit test.

Each "switch" is a network namespace running Debian's lldpd (tx-interval 1 s, its own
control socket, management address pinned with -m) as an AgentX subagent of its own snmpd
(`snmpd -f -C -c <conf>`, SNMPv3 on 127.0.0.1:1161 inside the namespace). veth pairs are
the cables. Everything is torn down by `close()`, which the test calls even on failure;
only processes started here are stopped, by their PID.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

_CLONE_NEWNET = 0x40000000


def enter_netns(netns: str) -> None:
    """Move the calling (test) thread into a network namespace, to send from inside it."""
    import ctypes

    fd = os.open(f"/run/netns/{netns}", os.O_RDONLY)
    try:
        if hasattr(os, "setns"):
            os.setns(fd, _CLONE_NEWNET)  # type: ignore[attr-defined]
        elif ctypes.CDLL(None, use_errno=True).setns(fd, _CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns({netns})")
    finally:
        os.close(fd)

USER, AUTH, PRIV = "netops-lab", "lab-auth-key-1", "lab-priv-key-1"
BINARIES = ("ip", "lldpd", "snmpd")


def unavailable() -> str | None:
    """Why the lab cannot run here, or None."""
    if os.geteuid() != 0:
        return "needs root to create network namespaces (run the tests as root)"
    missing = [b for b in BINARIES if shutil.which(b) is None]
    if missing:
        return f"missing {', '.join(missing)} (Debian packages iproute2, lldpd, snmpd)"
    return None


def _run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True, text=True, timeout=20)


@dataclass
class Switch:
    name: str
    namespace: str
    mgmt: str
    ports: list[str] = field(default_factory=list)


@dataclass
class NetnsLab:
    """`workdir` must be traversable by the _lldpd user (lldpcli drops privileges): pytest's
    0700 tmp_path is not, so the lab makes its own directory and removes it on close()."""

    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="netops-audit-lab-")))
    prefix: str = field(default_factory=lambda: f"nau{os.getpid() % 100000}")
    switches: dict[str, Switch] = field(default_factory=dict)
    processes: list[subprocess.Popen] = field(default_factory=list)
    namespaces: list[str] = field(default_factory=list)
    links: int = 0

    def __post_init__(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.workdir.chmod(0o755)

    def add_switch(self, name: str, mgmt: str) -> Switch:
        ns = f"{self.prefix}-{name}"
        _run("ip", "netns", "add", ns)
        self.namespaces.append(ns)
        _run("ip", "-n", ns, "link", "set", "lo", "up")
        switch = Switch(name, ns, mgmt)
        self.switches[name] = switch
        return switch

    def cable(self, a: str, a_port: str, a_addr: str | None, b: str, b_port: str, b_addr: str | None) -> None:
        """A veth pair between two namespaces, renamed to the switch port names inside each."""
        self.links += 1
        tmp_a, tmp_b = f"{self.prefix}a{self.links}", f"{self.prefix}b{self.links}"
        _run("ip", "link", "add", tmp_a, "type", "veth", "peer", "name", tmp_b)
        for tmp, sw, port, addr in ((tmp_a, a, a_port, a_addr), (tmp_b, b, b_port, b_addr)):
            ns = self.switches[sw].namespace
            _run("ip", "link", "set", tmp, "netns", ns)
            _run("ip", "-n", ns, "link", "set", tmp, "name", port)
            if addr:
                _run("ip", "-n", ns, "addr", "add", addr, "dev", port)
            _run("ip", "-n", ns, "link", "set", port, "up")
            self.switches[sw].ports.append(port)

    def _start(self, ns: str, args: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
        proc = subprocess.Popen(["ip", "netns", "exec", ns, *args], stdout=log.open("w"), stderr=subprocess.STDOUT,
                                env={**os.environ, **(env or {})}, start_new_session=True)
        self.processes.append(proc)
        return proc

    def start(self) -> None:
        for sw in self.switches.values():
            d = self.workdir / sw.name
            d.mkdir(parents=True, exist_ok=True)
            d.chmod(0o755)
            agentx = d / "agentx.sock"
            (d / "snmpd.conf").write_text(
                "agentaddress udp:127.0.0.1:1161\n"
                "master agentx\n"
                f"agentXSocket {agentx}\n"
                f"sysName {sw.name}\n"
                f'createUser {USER} SHA "{AUTH}" AES "{PRIV}"\n'
                f"rouser {USER} priv\n")
            (d / "persist").mkdir(exist_ok=True)
            self._start(sw.namespace, ["snmpd", "-f", "-C", "-c", str(d / "snmpd.conf"), "-Lo", "-p",
                                       str(d / "snmpd.pid")], d / "snmpd.log",
                        env={"MIBS": "", "SNMP_PERSISTENT_DIR": str(d / "persist")})
        for sw in self.switches.values():
            d = self.workdir / sw.name
            _wait_for(d / "agentx.sock", 10)
            (d / "lldpd.conf").write_text(f"configure system hostname {sw.name}\n"
                                          "configure lldp tx-interval 1\n"
                                          "configure lldp portidsubtype ifname\n")
            self._start(sw.namespace, ["lldpd", "-d", "-u", str(d / "lldpd.ctl"), "-x", "-X", str(d / "agentx.sock"),
                                       "-m", sw.mgmt, "-I", ",".join(sw.ports), "-O", str(d / "lldpd.conf")],
                        d / "lldpd.log")

    def send_from(self, switch: str, address: str) -> None:
        """A UDP datagram from inside a namespace, so its neighbour (ARP) table learns the peer."""
        def run() -> None:
            enter_netns(self.switches[switch].namespace)
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.sendto(b"netops audit lab", (address, 9))

        thread = threading.Thread(target=run)
        thread.start()
        thread.join(5)

    def close(self) -> None:
        for proc in reversed(self.processes):
            if proc.poll() is None:
                proc.terminate()
        for proc in reversed(self.processes):
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        for ns in self.namespaces:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=20)
        self.processes.clear()
        self.namespaces.clear()
        shutil.rmtree(self.workdir, ignore_errors=True)


def _wait_for(path: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} did not appear")
        time.sleep(0.05)
