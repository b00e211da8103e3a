"""The push transaction on real FRR routers: rollback on any exception, stop signals, kill -9.

Eight of the sample network's town routers run in the namespace lab. Each test tries to
break a promise: a `?` that vtysh eats as a help keystroke (netmiko ReadTimeout), SIGTERM
and SIGINT in the middle of a 600-line push, and SIGKILL at random moments followed by
`netops push --recover`, after which every router must be byte-identical to before.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from netops.devices.journal import Journal, open_runs
from netops.devices.transaction import default_journal_dir
from tests.frr_lab import ROOT, intended_frr, running_lab

ROUTERS = ["wangtai-ex-rt", "zhangjialou-ex-rt", "cangnan-ex-rt", "dachang-ex-rt",
           "haiqing-ex-rt", "liuwang-ex-rt", "baoshan-ex-rt", "dacun-ex-rt"]
ROUTES = 600
KILL_RUNS = int(os.environ.get("NETOPS_KILL_RUNS", "10"))


def big_change(name: str, salt: int = 0) -> str:
    """600 static routes (and a new description): a push that takes seconds per router."""
    routes = "".join(f"ip route 10.{200 + salt}.{i // 250}.{i % 250}/32 10.22.0.5\n" for i in range(ROUTES))
    return intended_frr(name, description=f"uplink run {salt}", extra=routes)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    with running_lab(tmp_path_factory.mktemp("pushtx"), ROUTERS, offset=13, tag="p") as e:
        yield e


def snapshot(env) -> dict[str, str]:
    return {n: env.running(n) for n in ROUTERS}


def cli(env, *args: str, **popen) -> subprocess.Popen:
    """`netops ...` as its own process, so it can be signalled or killed."""
    argv = [sys.executable, "-m", "cli", *args, *env.lab_args(args[0])]
    return subprocess.Popen(argv, cwd=ROOT, env={**os.environ, **env.env}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **popen)


def wait_for_state(journal_root: Path, states: set[str], timeout: float = 60.0, proc=None) -> str:
    """Wait until some device of the open run reaches one of `states` (a condition, not a sleep),
    or `proc` ends."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return "exited"
        for journal in open_runs(journal_root):
            hit = [e.state.value for e in journal.record.devices.values() if e.state.value in states]
            if hit:
                return hit[0]
        time.sleep(0.01)
    raise AssertionError(f"no device reached {states} within {timeout} s")


def test_question_mark_in_description_ends_rolled_back(env):
    """vtysh takes `?` as a help keystroke (the echo never comes: netmiko's ReadTimeout). Lines
    from --intended never passed inventory validation, so the driver refuses the line before
    sending anything; the device ends as it was, verified byte-identical, and the run settles.
    (ReadTimeout itself rolling back is tested in tests/test_devices_transaction_fake.py.)"""
    name = ROUTERS[0]
    before = env.running(name)
    env.write_intended({name: intended_frr(name, description="what? now")})
    push = env.netops("push", name, "--intended", str(env.intended), "--commit", "--repo", str(env.repo),
                      "--json", "--timeout", "3")
    assert push.exit_code == 1, push.output
    result = json.loads(push.stdout)["results"][0]
    assert result["status"] == "rolled_back", result
    assert result["rolled_back"] and result["restored_identical"]
    assert "keystroke" in result["reason"] and "not sent" in result["reason"], result["reason"]
    assert env.running(name) == before
    assert not open_runs(default_journal_dir(env.repo))  # settled: nothing left to recover


def test_pre_change_commit_and_journal_exist_before_the_first_line(env):
    """Kill the push the moment a device is `applying`: git already has every target's
    pre-change config and the journal names the commit."""
    before = snapshot(env)
    env.write_intended({n: big_change(n, 1) for n in ROUTERS})
    journal_root = env.base / "journal-first"
    proc = cli(env, "push", "--intended", str(env.intended), "--commit", "--repo", str(env.repo),
               "--journal", str(journal_root), "--max-parallel", "8")
    try:
        wait_for_state(journal_root, {"applying"})
    finally:
        proc.kill()
        proc.communicate()
    [journal] = open_runs(journal_root)
    commit = journal.record.before_commit
    for name in ROUTERS:
        committed = subprocess.run(["git", "-C", str(env.repo), "show", f"{commit}:{name}.cfg"],
                                   capture_output=True, text=True, check=True).stdout
        assert f"hostname {name}" in committed
    recover = env.netops("push", "--recover", "--repo", str(env.repo), "--journal", str(journal_root), "--json")
    assert recover.exit_code == 0, recover.output
    assert snapshot(env) == before
    assert not open_runs(journal_root)
    assert oct((env.repo / f"{ROUTERS[0]}.cfg").stat().st_mode & 0o777) == "0o600"
    assert oct(env.repo.stat().st_mode & 0o777) == "0o700"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_stop_signal_rolls_back_in_flight_and_starts_nothing_new(env, signum):
    before = snapshot(env)
    env.write_intended({n: big_change(n, 2) for n in ROUTERS})
    journal_root = env.base / f"journal-{signum.name}"
    proc = cli(env, "push", "--intended", str(env.intended), "--commit", "--repo", str(env.repo),
               "--journal", str(journal_root), "--max-parallel", "2", "--json")
    wait_for_state(journal_root, {"applying"})
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode != 0, err
    results = {r["device"]: r for r in json.loads(out)["results"]}
    statuses = {r["status"] for r in results.values()}
    assert "not_started" in statuses, statuses  # 8 routers, 2 at a time: most never began
    assert statuses <= {"not_started", "rolled_back", "changed"}, statuses
    assert any(signum.name in note for note in json.loads(out)["notes"])
    after = snapshot(env)
    for name, r in results.items():
        if r["status"] != "changed":
            assert after[name] == before[name], name
    assert not open_runs(journal_root)
    env.write_intended(before)  # put the routers back for the next test
    reset = env.netops("push", "--intended", str(env.intended), "--commit", "--repo", str(env.repo),
                       "--journal", str(journal_root))
    assert reset.exit_code == 0, reset.output
    assert snapshot(env) == before


def test_kill_9_at_random_moments_then_recover_is_byte_identical(env):
    """SIGKILL at a random moment of a push of 600 routes to 8 routers, KILL_RUNS times; after
    `push --recover` every router is byte-identical to before, every time."""
    before = snapshot(env)
    rng = random.Random(int(os.environ.get("NETOPS_KILL_SEED", "10")))
    journal_root = env.base / "journal-kill"
    seen, outcomes = [], []
    for run in range(KILL_RUNS):
        mode = rng.choices(["early", "applying", "rolling back", "verified"], weights=[2, 4, 2, 2])[0]
        if mode == "verified":  # half the routers get a small change: kills land after verifications
            env.write_intended({n: big_change(n, 3 + run % 2) if i % 2 else intended_frr(n, f"small {run}")
                                for i, n in enumerate(ROUTERS)})
        else:
            env.write_intended({n: big_change(n, 3 + run % 2) for n in ROUTERS})
        proc = cli(env, "push", "--intended", str(env.intended), "--commit", "--repo", str(env.repo),
                   "--journal", str(journal_root), "--max-parallel", "4")
        started = time.monotonic()
        if mode == "early":  # while reading and committing the pre-change configs, or before
            time.sleep(rng.uniform(0.0, 2.0))
        elif mode == "verified":
            wait_for_state(journal_root, {"verified"}, proc=proc)
            time.sleep(rng.uniform(0.0, 3.0))
        else:
            wait_for_state(journal_root, {"applying"})
            time.sleep(rng.uniform(0.0, 8.0 if mode == "applying" else 2.0))
            if mode == "rolling back":  # SIGTERM starts the rollbacks; SIGKILL lands in the middle
                proc.send_signal(signal.SIGTERM)
                wait_for_state(journal_root, {"rolling_back"}, proc=proc)
                time.sleep(rng.uniform(0.0, 1.0))
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()
        runs = open_runs(journal_root)
        states = sorted(e.state.value for j in runs for e in j.record.devices.values())
        seen.append((mode, round(time.monotonic() - started, 2), states))
        recover = env.netops("push", "--recover", "--repo", str(env.repo), "--journal", str(journal_root),
                             "--json", "--max-parallel", "8")
        assert recover.exit_code == 0, recover.output
        assert not open_runs(journal_root), recover.output
        after = snapshot(env)
        outcomes.append(all(after[n] == before[n] for n in ROUTERS))
        assert after == before, f"run {run}: routers differ after --recover (killed at {seen[-1]})"
    assert outcomes == [True] * KILL_RUNS
    assert any("applying" in states for _, _, states in seen), seen  # some kills hit a half-sent change
    if any(mode == "verified" for mode, _, _ in seen):
        assert any("verified" in states for _, _, states in seen), seen  # ... and some a finished one
    print("kill moments (s after start, device states):", seen)


def test_recover_refuses_a_journal_that_does_not_match_git(env):
    name = ROUTERS[1]
    before = env.running(name)
    env.write_intended({name: big_change(name, 7)})
    journal_root = env.base / "journal-tamper"
    proc = cli(env, "push", name, "--intended", str(env.intended), "--commit", "--repo", str(env.repo),
               "--journal", str(journal_root))
    wait_for_state(journal_root, {"applying"})
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    [journal] = open_runs(journal_root)
    path = journal.directory / f"{name}.before"
    path.write_text(path.read_text().replace("lab uplink", "tampered"))
    blocked = env.netops("push", "--intended", str(env.intended), "--commit", "--repo", str(env.repo),
                         "--journal", str(journal_root))
    assert blocked.exit_code != 0 and "--recover" in blocked.output  # no new push over an open run
    refused = env.netops("push", "--recover", "--repo", str(env.repo), "--journal", str(journal_root), "--json")
    assert refused.exit_code == 1
    assert "does not match commit" in json.loads(refused.stdout)["results"][0]["reason"]
    path.write_text(path.read_text().replace("tampered", "lab uplink"))
    fixed = env.netops("push", "--recover", "--repo", str(env.repo), "--journal", str(journal_root))
    assert fixed.exit_code == 0, fixed.output
    assert env.running(name) == before
    assert Journal.load(journal.directory).record.recovered
