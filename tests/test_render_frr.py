"""FRR renders checked by FRR itself: vtysh's dry run, then a push into real zebra/staticd.

The round trip runs FRR 8.4 daemons in a network namespace this test creates (veth eth0..eth3,
its own UTS name so `hostname` matches), pushes the render line by line in config mode as the
device operations do, and requires `show running-config` to echo it back: a diff after a
push is empty. Skipped, with the reason, where FRR, root or namespaces are unavailable.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from netops.inventory import load_inventory
from netops.render import Renderer
from tests.render_support import SAMPLE

VTYSH = shutil.which("vtysh")
FRR_LIB = Path("/usr/lib/frr")
needs_vtysh = pytest.mark.skipif(VTYSH is None, reason="FRR is not installed (apt-get install frr): vtysh missing")


@pytest.fixture(scope="module")
def frr_configs():
    inv = load_inventory(SAMPLE)
    renderer = Renderer(inv)
    names = [d.name for d in inv.devices.values() if d.platform.value == "frr"]
    assert len(names) == 12
    return {name: renderer.render(name) for name in names}


def _dryrun(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([VTYSH, "--dryrun", "-f", str(path)], capture_output=True, text=True, timeout=30)


@needs_vtysh
def test_every_frr_render_passes_vtysh_dryrun(frr_configs, tmp_path):
    for name, text in frr_configs.items():
        path = tmp_path / f"{name}.cfg"
        path.write_text(text)
        result = _dryrun(path)
        assert result.returncode == 0, f"{name}: {result.stdout}{result.stderr}"
        assert "Unknown command" not in result.stdout + result.stderr


@needs_vtysh
def test_dryrun_is_a_real_check_it_rejects_a_bad_line(frr_configs, tmp_path):
    text = next(iter(frr_configs.values())).replace(" ip address 10.22.0.6/30", " ip address 10.22.0.6/30 bogus")
    path = tmp_path / "bad.cfg"
    path.write_text(text)
    result = _dryrun(path)
    assert result.returncode != 0 and "Unknown command" in result.stdout + result.stderr


# --- round trip through running FRR daemons ----------------------------------------------------


def _round_trip_unavailable() -> str | None:
    if VTYSH is None:
        return "FRR is not installed (vtysh missing)"
    if os.geteuid() != 0:
        return "needs root to create a network namespace for FRR"
    if not (FRR_LIB / "zebra").exists() or not (FRR_LIB / "staticd").exists():
        return f"zebra/staticd not found in {FRR_LIB}"
    if shutil.which("ip") is None or shutil.which("unshare") is None:
        return "iproute2/util-linux (ip, unshare) missing"
    try:
        import pwd

        pwd.getpwnam("frr")
    except KeyError:
        return "no 'frr' user (the Debian frr package creates it)"
    return None


class FrrRouter:
    """zebra + staticd for one device in a namespace of our own; torn down by PID, always."""

    def __init__(self, hostname: str):
        self.hostname = hostname
        self.ns = f"netops-render-{os.getpid()}"
        self.dir = Path(tempfile.mkdtemp(prefix="netops-frr-"))
        self.procs: list[subprocess.Popen] = []

    def _ip(self, *args: str) -> None:
        subprocess.run(["ip", *args], check=True, capture_output=True, timeout=30)

    def start(self) -> None:
        shutil.chown(self.dir, "frr", "frr")
        self.dir.chmod(0o755)
        self._ip("netns", "add", self.ns)
        self._ip("-n", self.ns, "link", "set", "lo", "up")
        for n in range(4):
            self._ip("-n", self.ns, "link", "add", f"eth{n}", "type", "veth", "peer", "name", f"peer{n}")
            self._ip("-n", self.ns, "link", "set", f"eth{n}", "up")
        for key in ("net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding"):
            subprocess.run(["ip", "netns", "exec", self.ns, "sysctl", "-qw", f"{key}=1"], check=True, timeout=30)
        for daemon in ("zebra", "staticd"):
            cmd = (f'hostname "$0"; exec {FRR_LIB}/{daemon} -u frr -g frr -A 127.0.0.1 -P 0 '
                   f'--vty_socket {self.dir} -z {self.dir}/zserv.api -i {self.dir}/{daemon}.pid '
                   f'--log file:{self.dir}/{daemon}.log')
            self.procs.append(subprocess.Popen(["ip", "netns", "exec", self.ns, "unshare", "-u", "sh", "-c", cmd,
                                                self.hostname], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            deadline = time.monotonic() + 15
            while not (self.dir / f"{daemon}.vty").exists():
                if time.monotonic() > deadline or self.procs[-1].poll() is not None:
                    log = self.dir / f"{daemon}.log"
                    raise RuntimeError(f"{daemon} did not start: {log.read_text(errors='replace') if log.exists() else ''}")
                time.sleep(0.05)

    def vtysh(self, *commands: str) -> subprocess.CompletedProcess:
        script = 'h=$0; d=$1; shift; hostname "$h"; exec vtysh --vty_socket "$d" "$@"'
        args = [a for command in commands for a in ("-c", command)]
        return subprocess.run(["ip", "netns", "exec", self.ns, "unshare", "-u", "sh", "-c", script,
                               self.hostname, str(self.dir), *args], capture_output=True, text=True, timeout=60)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        subprocess.run(["ip", "netns", "del", self.ns], capture_output=True, timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)


def _meaningful(lines: list[str]) -> list[str]:
    return [line for line in lines if line.strip() and not line.startswith("!")]


def _running(router: FrrRouter) -> list[str]:
    out = router.vtysh("show running-config")
    assert out.returncode == 0, out.stderr
    return _meaningful(out.stdout.split("Current configuration:", 1)[1].splitlines())


@pytest.mark.parametrize("device", ["wangtai-ex-rt", "yinzhu-ex-rt"])
def test_pushed_render_is_echoed_by_show_running_config(frr_configs, device):
    reason = _round_trip_unavailable()
    if reason:
        pytest.skip(reason)
    router = FrrRouter(device)
    try:
        router.start()
        lines = frr_configs[device].splitlines()
        pushed = router.vtysh("configure terminal", *lines)
        assert pushed.returncode == 0, pushed.stdout + pushed.stderr
        assert "Unknown command" not in pushed.stdout + pushed.stderr
        assert _running(router) == _meaningful(lines)
        again = router.vtysh("configure terminal", *lines)  # pushing twice changes nothing
        assert again.returncode == 0 and _running(router) == _meaningful(lines)
    finally:
        router.stop()
