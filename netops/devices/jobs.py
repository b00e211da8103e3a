"""Whole runs over many devices: backup into git, diff, push with before/after snapshots.

These join the per-device tasks (operations.py), the runner and the backup store; the CLI
only picks targets and prints what these return.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from netops.devices import operations, runner, transaction
from netops.devices.gitstore import BackupStore
from netops.devices.platforms import driver_for
from netops.devices.results import DeviceResult, RunResult, Status
from netops.devices.target import DeviceTarget


def _merge(run: RunResult, pre_failed: Sequence[DeviceResult]) -> RunResult:
    run.results = list(pre_failed) + run.results
    return run


def commit_message(title: str, run: RunResult) -> str:
    lines = [f"{title}: {run.summary().split(': ', 1)[1]}", ""]
    for r in run.results:
        line = f"- {r.device}: {r.status.value}"
        if r.reason:
            line += f" ({r.reason})"
        lines.append(line)
    return "\n".join(lines) + "\n"


def run_backup(targets: Sequence[DeviceTarget], store: BackupStore, *, max_parallel: int = 10,
               observers=(), pre_failed: Sequence[DeviceResult] = (), make_driver=None,
               per_device: bool = False, remotes: Sequence[str] = ()) -> RunResult:
    """Pull every running config, store it masked, commit only what changed (once per run or
    once per device), then push to every remote. The store's lock covers the whole run."""
    task = operations.backup_task(make_driver) if make_driver else operations.backup_task()
    with store.lock():
        run = _merge(runner.run("backup", targets, task, max_parallel, observers), pre_failed)
        for r in run.results:
            if r.status is Status.backed_up and r.running is not None:
                store.write(r.device, r.running)
        changed = store.pending_devices()
        if per_device:
            commits = [c for c in (store.commit_changes(device_message(run, name), [f"{name}.cfg"])
                                   for name in changed) if c]
        else:
            commits = [c for c in [store.commit_changes(commit_message("backup", run))] if c]
        run.notes.append(f"backup repository {store.path}: "
                         + (f"{len(commits)} commit(s), last {commits[-1][:10]}" if commits else "no change, no commit"))
        run.notes.append(f"configs changed since the last backup: {', '.join(changed) or 'none'}")
        run.replication = [vars(p) for p in store.replicate(list(remotes))]
    for push in run.replication:
        run.notes.append(f"off-site {push['remote']}: " + ("pushed" if push["ok"] else
                         f"FAILED ({push['error']}); the next run pushes again"))
    return run


def device_message(run: RunResult, device: str) -> str:
    """Per-device commit: the device's change, and the run it came from."""
    return f"backup: {device} changed\n\n{run.summary()}\n"


def run_diff(targets: Sequence[DeviceTarget], intended_for, *, max_parallel: int = 10, observers=(),
             pre_failed: Sequence[DeviceResult] = (), make_driver=None) -> RunResult:
    task = (operations.diff_task(intended_for, make_driver) if make_driver
            else operations.diff_task(intended_for))
    return _merge(runner.run("diff", targets, task, max_parallel, observers), pre_failed)


def run_push(targets: Sequence[DeviceTarget], intended_for, *, commit: bool = False,
             store: BackupStore | None = None, journal_dir: Path | None = None, max_parallel: int = 10,
             observers=(), pre_failed: Sequence[DeviceResult] = (), make_driver=None, stop=None) -> RunResult:
    """Dry run (diffs only), or with `commit` the journaled transaction (netops.devices.transaction):
    pre-change configs in git and a journal before the first device is touched."""
    factory = make_driver or driver_for
    if not commit:
        return _merge(runner.run("push", targets, operations.plan_task(intended_for, factory), max_parallel,
                                 observers, getattr(stop, "event", stop)), pre_failed)
    if store is None:
        raise ValueError("a committed push needs a backup store")
    journal_dir = journal_dir or transaction.default_journal_dir(store.path)
    run = transaction.run_push_commit(targets, intended_for, store, journal_dir, max_parallel=max_parallel,
                                      observers=observers, make_driver=factory, stop=stop)
    return _merge(run, pre_failed)


def exit_code(run: RunResult) -> int:
    """0 all done; 1 findings: a device failed or was rolled back, diff found drift, or an
    off-site remote could not be pushed (docs/cli.md). For --recover, rolled back is the goal:
    1 only when a device could not be restored."""
    if run.operation == "recover":
        return 1 if any(r.status in (Status.failed, Status.not_started) for r in run.results) else 0
    if run.failed or any(not push["ok"] for push in run.replication):
        return 1
    if run.operation == "diff" and any(r.status is Status.drift for r in run.results):
        return 1
    return 0
