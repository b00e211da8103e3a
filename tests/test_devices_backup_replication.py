"""Backups as Oxidized users expect: a commit only when a config changed, a configurable
author, per-run or per-device commits, off-site push to any number of remotes with failures
reported and retried by the next run, and a lock so two runs never interleave.

Devices are the FAKE Huawei SSH device (tests/fakes): real SSH, real netmiko, real git; the
"off-site" repository is a second, bare git repository.
"""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import pytest

from netops.devices import jobs
from netops.devices.gitstore import BackupLocked, BackupStore, BackupStoreError
from netops.devices.target import DeviceTarget
from tests.fakes.fake_huawei_ssh import FakeHuaweiDevice


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def devices(tmp_path):
    with FakeHuaweiDevice(sysname="wangtai-in-sw") as a, FakeHuaweiDevice(sysname="wangtai-ex-sw") as b:
        known = tmp_path / "known_hosts"
        known.write_text(a.public_key_line + "\n" + b.public_key_line + "\n")
        yield {"wangtai-in-sw": a, "wangtai-ex-sw": b}, known


def targets(devices) -> list[DeviceTarget]:
    fakes, known = devices
    return [DeviceTarget(name=name, platform="huawei_vrp", host=d.host, port=d.port, username="admin",
                         password="fake-pass", known_hosts=known, timeout=10) for name, d in fakes.items()]


@pytest.fixture
def offsite(tmp_path) -> Path:
    bare = tmp_path / "jinan.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    return bare


def test_no_change_no_commit_and_a_change_reaches_the_offsite_copy(devices, offsite, tmp_path):
    store = BackupStore(tmp_path / "backups", author="Dongying NOC <noc@dongying.example>")
    first = jobs.run_backup(targets(devices), store, remotes=[str(offsite)])
    assert jobs.exit_code(first) == 0 and first.replication == [{"remote": str(offsite), "ok": True, "error": ""}]
    assert len(git(store.path, "log", "--format=%H").split()) == 1
    assert git(offsite, "log", "--format=%an <%ae>", "-1").strip() == "Dongying NOC <noc@dongying.example>"

    again = jobs.run_backup(targets(devices), store, remotes=[str(offsite)])
    assert jobs.exit_code(again) == 0
    assert len(git(store.path, "log", "--format=%H").split()) == 1, "a run without change must not commit"
    assert any("no change, no commit" in n for n in again.notes)

    devices[0]["wangtai-ex-sw"].config.sysname = "wangtai-ex-sw-renamed"
    changed = jobs.run_backup(targets(devices), store, remotes=[str(offsite)])
    assert jobs.exit_code(changed) == 0
    assert git(store.path, "rev-parse", "HEAD") == git(offsite, "rev-parse", "HEAD")
    assert git(offsite, "show", "--name-only", "--format=", "HEAD").split() == ["wangtai-ex-sw.cfg"]
    assert "wangtai-ex-sw-renamed" in git(offsite, "show", "HEAD:wangtai-ex-sw.cfg")


def test_per_device_commits(devices, tmp_path):
    store = BackupStore(tmp_path / "backups")
    jobs.run_backup(targets(devices), store, per_device=True)
    subjects = git(store.path, "log", "--format=%s").splitlines()
    assert sorted(subjects) == ["backup: wangtai-ex-sw changed", "backup: wangtai-in-sw changed"]
    for commit in git(store.path, "log", "--format=%H").split():
        assert len(git(store.path, "show", "--name-only", "--format=", commit).split()) == 1


def test_a_failing_remote_is_reported_and_retried_next_run(devices, offsite, tmp_path):
    store = BackupStore(tmp_path / "backups")
    missing = tmp_path / "not-yet-mounted.git"
    run = jobs.run_backup(targets(devices), store, remotes=[str(missing), str(offsite)])
    assert jobs.exit_code(run) == 1, "an off-site copy that failed is a finding"
    assert [p["ok"] for p in run.replication] == [False, True], "one failing remote must not stop the others"
    assert any("FAILED" in n and "next run" in n for n in run.notes)

    subprocess.run(["git", "init", "-q", "--bare", str(missing)], check=True)  # the link comes back
    retry = jobs.run_backup(targets(devices), store, remotes=[str(missing), str(offsite)])
    assert jobs.exit_code(retry) == 0 and all(p["ok"] for p in retry.replication)
    assert git(missing, "rev-parse", "HEAD") == git(store.path, "rev-parse", "HEAD"), \
        "the commit made while the remote was down reaches it on the next run, without a new change"


def test_two_runs_never_interleave(tmp_path):
    store = BackupStore(tmp_path / "backups")
    started, release = threading.Event(), threading.Event()

    def hold():
        with store.lock():
            started.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert started.wait(10)
        with pytest.raises(BackupLocked, match="in use by pid"):
            jobs.run_backup([], store)
    finally:
        release.set()
        holder.join()
    jobs.run_backup([], store)  # free again once the first run ends


def test_lock_is_held_across_processes(tmp_path):
    store = BackupStore(tmp_path / "backups")
    with store.lock():
        code = ("import sys; from pathlib import Path; from netops.devices.gitstore import BackupStore, BackupLocked\n"
                f"try:\n    BackupStore(Path({str(store.path)!r})).lock().__enter__()\n"
                "except BackupLocked:\n    sys.exit(7)\n")
        assert subprocess.run([__import__("sys").executable, "-c", code]).returncode == 7
    assert BackupLocked.exit_code == 3


@pytest.mark.parametrize("author", ["no email", "a <b> c", "<x@y>", "n <a b@c>"])
def test_bad_author_is_refused(tmp_path, author):
    with pytest.raises(BackupStoreError, match="expected 'Name <email>'"):
        BackupStore(tmp_path, author=author)
