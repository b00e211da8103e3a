"""The backup repository: one file per device, one commit per run, failures in the message."""

import subprocess

import pytest

from netops.devices import jobs
from netops.devices.gitstore import BackupStore, BackupStoreError
from netops.devices.results import DeviceResult, RunResult, Status


def test_one_commit_per_run_even_without_changes(tmp_path):
    store = BackupStore(tmp_path / "repo")
    store.ensure()
    store.write("r1", "hostname r1")
    first = store.commit("backup: 1\n")
    assert store.changed_files(first) == ["r1.cfg"]
    second = store.commit("backup: 2\n")
    assert second != first and store.changed_files(second) == []
    assert store.read("r1") == "hostname r1\n"
    log = subprocess.run(["git", "-C", str(store.path), "log", "--format=%s"], capture_output=True, text=True)
    assert log.stdout.splitlines() == ["backup: 2", "backup: 1"]


def test_device_names_cannot_escape_the_repository(tmp_path):
    with pytest.raises(BackupStoreError):
        BackupStore(tmp_path).file_for("../etc/passwd")


def test_commit_message_lists_failures():
    run = RunResult(operation="backup", results=[
        DeviceResult(device="r1", operation="backup", status=Status.backed_up),
        DeviceResult(device="r2", operation="backup", status=Status.failed, reason="r2: unreachable"),
    ])
    message = jobs.commit_message("backup", run)
    assert message.splitlines()[0] == "backup: 2 devices: 1 backed up, 1 failed"
    assert "- r2: failed (r2: unreachable)" in message
    assert jobs.exit_code(run) == 1


def test_backups_are_0600_in_a_0700_repository(tmp_path):
    loose = tmp_path / "repo"
    loose.mkdir(mode=0o755)
    (loose / "r0.cfg").write_text("old\n")
    (loose / "r0.cfg").chmod(0o644)  # left by an older netops
    store = BackupStore(loose)
    commit = store.commit_configs({"r0": "hostname r0", "r1": "hostname r1"}, "push: backup before change\n")
    assert oct(loose.stat().st_mode & 0o777) == "0o700"
    for name in ("r0", "r1"):
        assert oct((loose / f"{name}.cfg").stat().st_mode & 0o777) == "0o600"
    assert store.read("r1", commit) == "hostname r1\n"
