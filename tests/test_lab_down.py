"""`netops lab down` with $NETOPS_LAB_DIR stops everything that lab directory started, by PID.

The processes are stand-ins (sleeping Pythons whose command lines carry the markers the lab's
own processes carry: the SNMP lab's directory, a router's directory, the forwarder's module),
so the test needs neither snmpsim, FRR nor root; it checks what `down` signals, not how the
lab starts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from netops.lab import procs
from netops.lab import snmp as snmp_lab
from netops.lab import ssh_routers


def _sleeper(*marker: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", *marker])


@pytest.fixture
def started():
    procs_started: list[subprocess.Popen] = []

    def start(*marker: str) -> int:
        proc = _sleeper(*marker)
        procs_started.append(proc)
        return proc.pid

    yield start
    for proc in procs_started:  # only what this test started, by PID
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def _gone(pid: int) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and procs.alive(pid):
        time.sleep(0.05)
    return not procs.alive(pid)


def _ssh_lab(base: Path, name: str, start) -> tuple[int, int]:
    directory = base / name
    router_dir = directory / "routers" / "r1"
    router_dir.mkdir(parents=True)
    forwarder = start("-m", "netops.lab.forward", str(directory))
    zebra = start(str(router_dir))
    state = ssh_routers.LabState(
        name=name, dir=str(directory), username="netops", known_hosts=str(directory / "known_hosts"),
        forwarder_pid=forwarder,
        routers=[ssh_routers.RouterState(name="r1", namespace=f"netops-test-absent-{os.getpid()}-{name}",
                                         host="127.0.0.1", port=2222, dir=str(router_dir), pids={"zebra": zebra})])
    (directory / ssh_routers.STATE_FILE).write_text(state.model_dump_json(), encoding="utf-8")
    return forwarder, zebra


def _snmp_lab(root: Path, start) -> int:
    snmp_lab.snmp_dir(root).mkdir(parents=True)
    pid = start(str(snmp_lab.snmp_dir(root.resolve())))
    snmp_lab.save_state(root, snmp_lab.SnmpLabState(inventory="inventory", lab_dir=str(root), started_at=time.time(),
                                                    pids=[pid]))
    return pid


def test_down_with_lab_dir_env_stops_every_part_it_started(tmp_path, started):
    base = tmp_path / "lab"
    snmpsim = _snmp_lab(base, started)
    ssh_pids = [*_ssh_lab(base, "default", started), *_ssh_lab(base, "second", started)]
    other_lab = tmp_path / "someone-else"
    survivor = _snmp_lab(other_lab, started)  # another lab directory: not ours to stop

    result = CliRunner().invoke(app, ["lab", "down", "--json"], env={"NETOPS_LAB_DIR": str(base)})
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["snmp"]["stopped"] == [snmpsim]
    assert sorted(Path(lab["dir"]).name for lab in report["ssh"]) == ["default", "second"]
    assert all(lab["was_up"] and not lab["problems"] for lab in report["ssh"])
    for pid in (snmpsim, *ssh_pids):
        assert _gone(pid), f"pid {pid} still runs after lab down"
    assert procs.alive(survivor), "lab down stopped a process of another lab directory"
    assert not (base / "default").exists() and not snmp_lab.state_path(base).exists()


def test_lab_dir_flag_still_means_the_snmp_lab_only(tmp_path, started):
    base = tmp_path / "lab"
    snmpsim = _snmp_lab(base, started)
    forwarder, zebra = _ssh_lab(base, "default", started)
    result = CliRunner().invoke(app, ["lab", "down", "--lab-dir", str(base), "--json"],
                                env={"NETOPS_LAB_DIR": str(base)})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"stopped": [snmpsim]}
    assert _gone(snmpsim) and procs.alive(forwarder) and procs.alive(zebra)


def test_a_reused_pid_is_not_signalled(tmp_path, started):
    """A state file naming a PID that now runs something else (no lab marker) leaves it alone."""
    base = tmp_path / "lab"
    stranger = started("unrelated")
    snmp_lab.snmp_dir(base).mkdir(parents=True)
    snmp_lab.save_state(base, snmp_lab.SnmpLabState(inventory="inventory", lab_dir=str(base), started_at=time.time(),
                                                    pids=[stranger]))
    result = CliRunner().invoke(app, ["lab", "down", "--json"], env={"NETOPS_LAB_DIR": str(base)})
    assert result.exit_code == 0, result.output
    assert procs.alive(stranger)
