"""End to end on real FRR routers (network namespaces, zebra/staticd, sshd + vtysh).

Three of the sample network's town routers run in the lab; the tests drive them through the
netops CLI exactly as an engineer would: lab up, diff, push (dry run, commit, rejected
halfway), backup into git, unreachable device, host-key mismatch, lab status/down from
another process. The lab is torn down by the fixture's finalizer even when a test fails.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from netops.devices import confdiff
from netops.devices.dialects import FRR
from netops.lab import netns, procs
from tests.frr_lab import intended_frr, running_lab

ROOT = Path(__file__).resolve().parent.parent
ROUTERS = ["wangtai-ex-rt", "zhangjialou-ex-rt", "cangnan-ex-rt"]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    with running_lab(tmp_path_factory.mktemp("frrlab"), ROUTERS, offset=0) as e:
        yield e


def test_lab_status_from_another_process(env):
    proc = subprocess.run([sys.executable, "-m", "cli", "lab", "status", "--dir", str(env.lab_dir), "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    assert info["up"] and info["healthy"]
    assert [r["name"] for r in info["routers"]] == ROUTERS
    assert all(r["endpoint"].startswith("127.") for r in info["routers"])


def test_vtysh_prompt_carries_the_hostname(env):
    for name in ROUTERS:
        assert f"hostname {name}" in env.running(name)


def test_diff_shows_the_change_and_push_dry_run_changes_nothing(env):
    env.write_intended({n: intended_frr(n) for n in ROUTERS})
    before = {n: env.running(n) for n in ROUTERS}
    diff = env.netops("diff", "--intended", str(env.intended), "--remediation")
    assert diff.exit_code == 1, diff.output  # drift
    assert "+ description uplink to ex-core-1" in diff.output
    assert "-ip route 10.254.0.0/16 10.255.0.2" in diff.output
    assert "no ip route 10.254.0.0/16 10.255.0.2" in diff.output  # remediation command
    dry = env.netops("push", "--intended", str(env.intended), "--json")
    assert dry.exit_code == 0, dry.output
    assert {r["status"] for r in json.loads(dry.stdout)["results"]} == {"would_change"}
    assert {n: env.running(n) for n in ROUTERS} == before


def test_push_commit_makes_running_match_and_records_backups(env):
    env.write_intended({n: intended_frr(n) for n in ROUTERS})
    push = env.netops("push", "--intended", str(env.intended), "--commit", "--repo", str(env.repo), "--json",
                      "--max-parallel", "3")
    assert push.exit_code == 0, push.output
    results = json.loads(push.stdout)["results"]
    assert {r["device"]: r["status"] for r in results} == {n: "changed" for n in ROUTERS}
    for n in ROUTERS:
        assert confdiff.remediation(env.running(n), intended_frr(n), FRR) == []
        saved = (Path(env.state().router(n).dir) / "frr.conf").read_text()
        assert "description uplink to ex-core-1" in saved  # write memory happened
    again = env.netops("diff", "--intended", str(env.intended))
    assert again.exit_code == 0, again.output
    backup = env.netops("backup", "--repo", str(env.repo), "--json")
    assert backup.exit_code == 0, backup.output
    # push recorded the configs after the change: the backup finds nothing new, commits nothing
    assert any("no change, no commit" in n for n in json.loads(backup.stdout)["notes"])
    log = subprocess.run(["git", "-C", str(env.repo), "log", "--format=%s"], capture_output=True, text=True).stdout
    subjects = log.splitlines()
    assert subjects[0].startswith("push: after change")
    assert any(s.startswith("push: backup before change") for s in subjects)
    assert any(s.startswith("push: after change") for s in subjects)
    for n in ROUTERS:
        assert "description uplink to ex-core-1" in (env.repo / f"{n}.cfg").read_text()
    old = subprocess.run(["git", "-C", str(env.repo), "show", "HEAD~1:wangtai-ex-rt.cfg"], capture_output=True,
                         text=True).stdout
    assert "description lab uplink" in old  # the pre-change backup


def test_push_rejected_halfway_rolls_back_byte_identical(env):
    bad, good = ROUTERS[0], ROUTERS[1:]
    before = env.running(bad)
    env.write_intended({
        bad: intended_frr(bad, description="new uplink", route="0.0.0.0/0 10.22.0.1",
                          extra="interface eth2\n ip address 10.21.1.254/24\n no-such-command here\nexit\n"),
        **{n: intended_frr(n, description="uplink (renumbered)") for n in good},
    })
    push = env.netops("push", "--intended", str(env.intended), "--commit", "--repo", str(env.repo), "--json")
    assert push.exit_code == 1, push.output
    by_device = {r["device"]: r for r in json.loads(push.stdout)["results"]}
    assert by_device[bad]["status"] == "rolled_back"
    assert by_device[bad]["rolled_back"] and by_device[bad]["restored_identical"]
    assert "no-such-command" in by_device[bad]["reason"]
    assert env.running(bad) == before  # byte for byte
    for n in good:
        assert by_device[n]["status"] == "changed"
        assert "description uplink (renumbered)" in env.running(n)


def test_secrets_are_masked_in_backups_and_diffs(env):
    name = ROUTERS[1]
    env.write_intended({name: intended_frr(name, extra="password vty-s3cret-771\nenable password en-s3cret-772\n")})
    push = env.netops("push", name, "--intended", str(env.intended), "--commit", "--repo", str(env.repo))
    assert push.exit_code == 0, push.output
    assert "s3cret" not in push.output
    assert "password vty-s3cret-771" in env.running(name)  # really on the device
    backup = env.netops("backup", name, "--repo", str(env.repo))
    assert backup.exit_code == 0, backup.output
    saved = (env.repo / f"{name}.cfg").read_text()
    assert "password <secret hidden>" in saved and "enable password <secret hidden>" in saved
    history = subprocess.run(["git", "-C", str(env.repo), "log", "-p", "--all"], capture_output=True, text=True).stdout
    assert "s3cret" not in history
    diff = env.netops("diff", name, "--intended", str(env.intended))
    assert "s3cret" not in diff.output


def test_host_key_mismatch_is_refused(env):
    lines = Path(env.state().known_hosts).read_text().splitlines()
    keys = [ln.split(" ", 1) for ln in lines]
    swapped = [f"{keys[i][0]} {keys[(i + 1) % len(keys)][1]}" for i in range(len(keys))]
    bad_known = env.base / "known_hosts.swapped"
    bad_known.write_text("\n".join(swapped) + "\n")
    result = env.netops("backup", "--repo", str(env.repo), "--known-hosts", str(bad_known), "--json")
    assert result.exit_code == 1
    for r in json.loads(result.stdout)["results"]:
        assert r["status"] == "failed" and "does not match" in r["reason"]


def test_selectors_pick_devices(env):
    result = env.netops("backup", "--repo", str(env.repo), "--town", "wangtai", "--json")
    assert [r["device"] for r in json.loads(result.stdout)["results"]] == ["wangtai-ex-rt"]
    result = env.netops("backup", "*-ex-rt", "--repo", str(env.repo), "--json", "--role", "router")
    assert len(json.loads(result.stdout)["results"]) == 3
    none = env.netops("backup", "--repo", str(env.repo), "--platform", "huawei_vrp")
    assert none.exit_code != 0 and "no device matches" in none.output


def test_napalm_ios_driver_reads_vtysh(env):
    """NAPALM's ios driver (chosen by override) reads the config; its config sessions need
    SCP, which vtysh has not, so only the netmiko driver changes FRR routers."""
    from netops.devices.drivers.napalm_driver import NapalmDriver
    from netops.devices.platforms import driver_for
    from netops.devices.target import DeviceTarget

    state = env.state()
    router = state.router(ROUTERS[0])
    target = DeviceTarget(name=router.name, platform="frr", host=router.host, port=router.port,
                          username=state.username, password=env.password, known_hosts=Path(state.known_hosts),
                          driver="napalm")
    with driver_for(target) as driver:
        assert isinstance(driver, NapalmDriver) and driver.napalm_name == "ios"
        assert f"hostname {router.name}" in driver.get_config()


def test_unreachable_device_fails_alone(env):
    victim = ROUTERS[2]
    router = env.state().router(victim)
    assert procs.stop(router.pids["sshd"], marker=router.dir)
    result = env.netops("backup", "--repo", str(env.repo), "--json", "--timeout", "5")
    assert result.exit_code == 1
    by_device = {r["device"]: r for r in json.loads(result.stdout)["results"]}
    assert by_device[victim]["status"] == "failed" and by_device[victim]["reason"]
    assert all(by_device[n]["status"] == "backed_up" for n in ROUTERS[:2])
    notes = json.loads(result.stdout)["notes"]
    if not any("no change, no commit" in n for n in notes):  # a commit was made: it names the failure
        message = subprocess.run(["git", "-C", str(env.repo), "log", "-1", "--format=%B"], capture_output=True,
                                 text=True).stdout
        assert f"- {victim}: failed" in message


def test_rendered_config_diffs_pushes_and_stays_in_sync(env):
    """The whole loop with intended configs from `netops render`, not hand-written files."""
    name = ROUTERS[1]
    before = env.netops("diff", name, "--json")
    assert before.exit_code == 1, before.output  # the lab router starts from a bare config
    push = env.netops("push", name, "--commit", "--repo", str(env.repo), "--json")
    assert push.exit_code == 0, push.output
    assert json.loads(push.stdout)["results"][0]["status"] == "changed"
    after = env.netops("diff", name)
    assert after.exit_code == 0, after.output
    assert "access-class netops-mgmt" in env.running(name)


def test_lab_down_from_another_process_removes_everything(env):
    state = env.state()
    pids = [p for r in state.routers for p in r.pids.values()] + [state.forwarder_pid]
    proc = subprocess.run([sys.executable, "-m", "cli", "lab", "down", "--dir", str(env.lab_dir)],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not any(procs.alive(p) for p in pids)
    assert not any(netns.exists(r.namespace) for r in state.routers)
    assert not env.lab_dir.exists()
    again = subprocess.run([sys.executable, "-m", "cli", "lab", "down", "--dir", str(env.lab_dir)],
                           capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert again.returncode == 0 and "was not up" in again.stdout
