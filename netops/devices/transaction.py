"""A committed push as a transaction: back up, journal, apply, verify, restore on anything.

1. Read every target and plan its change (the dry run).
2. Commit every target's pre-change config (masked) to the backup repository and write the
   journal with each device to change as `pending`: all of it before the first line is sent.
3. Per device: check it still runs the backed-up config, mark it `applying`, send, mark it
   `applied`, read back and compare, mark it `verified`. Any exception of any class on the
   way (timeouts, EOF, socket, SSH, parse, a stop request) restores the pre-change config on
   a fresh session and checks it byte-identical (`rolled_back`), else `failed`.
4. Commit the configs after the change; close the journal.

`recover` finishes a run that was killed: every device the journal shows touched is restored
from the journal's pre-change copy, which must mask to the config committed in git.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from netops.devices import confdiff, operations, runner
from netops.devices.drivers.base import DeviceError, Driver
from netops.devices.gitstore import BackupStore, BackupStoreError
from netops.devices.journal import DeviceState, Journal, JournalError, discard_incomplete, new_run_id, open_runs
from netops.devices.masking import mask_secrets
from netops.devices.platforms import choose, driver_for
from netops.devices.results import DeviceResult, RunResult, Status
from netops.devices.target import DeviceTarget

DriverFactory = Callable[[DeviceTarget], Driver]
NEVER = (lambda: False)


class UnfinishedRun(JournalError):
    """A previous push did not finish: it must be recovered before another one starts."""


def stored_config(config: str, platform: str, driver: str | None = None) -> str:
    """What the backup repository keeps of a config: noise stripped, secrets masked."""
    dialect = choose(platform, driver).dialect
    return mask_secrets(confdiff.strip_noise(config, dialect), dialect.name)


def default_journal_dir(repo: Path) -> Path:
    """Beside the backup repository, never inside it (it holds unmasked configs while open)."""
    repo = Path(repo)
    return repo.parent / f"{repo.name}.journal"


def _why(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc).strip() else ""
    return text if isinstance(exc, DeviceError) and text else f"{type(exc).__name__}: {text}".rstrip(": ")


def restore_device(target: DeviceTarget, before: str, make_driver: DriverFactory = driver_for,
                   attempts: int = 2) -> tuple[bool, str | None, str | None]:
    """Bring `target` back to `before` on a new session (the old one may be mid-prompt or dead).

    Returns (byte-identical, running config read at the end, why not).
    """
    why, current = None, None
    for _ in range(attempts):  # a second pass on a new session: a broken session, or an order
        try:                    # dependency the first pass's commands did not resolve
            with make_driver(target) as driver:
                current = driver.get_config()
                if current != before:
                    driver.restore(before)
                    current = driver.get_config()
            if current == before:
                return True, current, None
            why = "the running config still differs from the pre-change config after the restore"
        except Exception as exc:
            why = _why(exc)
    return False, current, why


class _Apply:
    """The per-device task of step 3, bound to one run's journal and plan."""

    def __init__(self, journal: Journal, plan: dict[str, DeviceResult], intended_for, make_driver: DriverFactory,
                 should_stop: Callable[[], bool]):
        self.journal, self.plan, self.intended_for = journal, plan, intended_for
        self.make_driver, self.should_stop = make_driver, should_stop

    def __call__(self, target: DeviceTarget) -> DeviceResult:
        planned = self.plan[target.name]
        before = planned.before or ""
        result = DeviceResult(device=target.name, operation="push", status=Status.failed, diff=planned.diff,
                              commands=planned.commands, before=before)
        dialect = choose(target.platform, target.driver).dialect
        touched = False
        try:
            intended = self.intended_for(target)
            with self.make_driver(target) as driver:
                driver.should_stop = self.should_stop
                if driver.get_config() != before:
                    return self._untouched(result, "the running config changed since the pre-change backup: "
                                                   "not touched (run the push again)")
                if self.should_stop():
                    return self._untouched(result, "the run was stopped before this device began",
                                           Status.not_started)
                self.journal.set_state(target.name, DeviceState.applying)
                touched = True
                driver.load_replace_candidate(intended)
                driver.commit_config()
                self.journal.set_state(target.name, DeviceState.applied)
                after = driver.get_config()
                left = confdiff.remediation(after, intended, dialect)
                if left:
                    shown = "; ".join(mask_secrets(c.strip(), dialect.name) for c in left[:3])
                    raise DeviceError(f"{target.name}: running config does not match intended after commit ({shown})")
                driver.confirm()
            self.journal.set_state(target.name, DeviceState.verified)
            result.status, result.running = Status.changed, after
            return result
        except Exception as exc:  # of any class: the device may be half-changed
            result.reason = _why(exc)
            if not touched:
                return self._untouched(result, result.reason, Status.failed)
        self._note(target.name, DeviceState.rolling_back, result)
        identical, running, why = restore_device(target, before, self.make_driver)
        _record_restore(result, identical, running, why)
        self._note(target.name, DeviceState.rolled_back if identical else DeviceState.failed, result)
        return result

    def _note(self, device: str, state: DeviceState, result: DeviceResult) -> None:
        """A journal write that fails (disk full) must not stop the rollback; the journal then
        still shows the device in flight, which is what --recover needs."""
        try:
            self.journal.set_state(device, state, note=result.reason)
        except (OSError, JournalError) as exc:
            result.reason = f"{result.reason}; journal not updated: {exc}"

    def _untouched(self, result: DeviceResult, why: str, status: Status = Status.failed) -> DeviceResult:
        result.status, result.reason = status, why
        self.journal.set_state(result.device, DeviceState.not_started, note=why)
        return result


class NoJournal:
    """For a single device pushed outside a journaled run (tests, the library API)."""

    def set_state(self, device: str, state: DeviceState, note: str | None = None) -> None:
        pass


def single_device_push(intended_for, make_driver: DriverFactory = driver_for, should_stop=NEVER):
    """A task that plans, then applies with the same guarantees as a run, minus the journal."""
    plan = operations.plan_task(intended_for, make_driver)

    def task(target: DeviceTarget) -> DeviceResult:
        planned = plan(target)
        if planned.status is not Status.would_change:
            return planned
        return _Apply(NoJournal(), {target.name: planned}, intended_for, make_driver, should_stop)(target)

    return task


def _record_restore(result: DeviceResult, identical: bool, running: str | None, why: str | None) -> None:
    result.rolled_back = running is not None
    result.restored_identical = identical
    result.running = running
    result.status = Status.rolled_back if identical else Status.failed
    if not identical:
        result.reason = f"{result.reason}; rollback failed: {why}" if result.reason else f"rollback failed: {why}"


def check_no_unfinished_run(journal_root: Path) -> None:
    runs = open_runs(journal_root)
    if runs:
        ids = ", ".join(j.run_id for j in runs)
        raise UnfinishedRun(f"push run {ids} did not finish (journal in {journal_root}): devices may be "
                            "half-changed; run `netops push --recover` first")


def run_push_commit(targets: Sequence[DeviceTarget], intended_for, store: BackupStore, journal_root: Path, *,
                    max_parallel: int = 10, observers=(), make_driver: DriverFactory = driver_for,
                    stop=None) -> RunResult:
    """Steps 1-4 above. `stop`: an object with is_set() (a threading.Event or StopRequest)."""
    check_no_unfinished_run(journal_root)
    discard_incomplete(journal_root)
    event = getattr(stop, "event", stop)
    should_stop = stop.is_set if stop is not None else NEVER
    by_name = {t.name: t for t in targets}
    plan = runner.run("push", targets, operations.plan_task(intended_for, make_driver), max_parallel,
                      observers, event)
    read = [r for r in plan.results if r.before is not None]
    if not read:
        return plan  # no device could be read: nothing to back up, nothing will be touched
    run_id = new_run_id()
    before_commit = store.commit_configs(
        {r.device: stored_config(r.before, by_name[r.device].platform, by_name[r.device].driver) for r in read},
        f"push: backup before change (run {run_id})\n\n" + "".join(f"- {r.device}\n" for r in read))
    plan.notes.append(f"run {run_id}: backup repository {store.path}, before {before_commit[:10]}")
    changing = [r for r in plan.results if r.status is Status.would_change]
    for r in plan.results:
        if r.status is Status.unchanged:
            r.before = None  # nothing to record after
    if not changing:
        return plan
    journal = Journal.create(journal_root, run_id, store.path, before_commit,
                             {r.device: (by_name[r.device].platform, by_name[r.device].driver, r.before)
                              for r in changing})
    task = _Apply(journal, {r.device: r for r in changing}, intended_for, make_driver, should_stop)
    applied = runner.run("push", [by_name[r.device] for r in changing], task, max_parallel, observers, event)
    for r in applied.results:
        if r.status is Status.not_started:
            journal.set_state(r.device, DeviceState.not_started, note=r.reason)
    done = {r.device: r for r in applied.results}
    plan.results = [done.get(r.device, r) for r in plan.results]
    plan.duration_s = round(plan.duration_s + applied.duration_s, 3)
    after = {r.device: stored_config(r.running, by_name[r.device].platform, by_name[r.device].driver)
             for r in applied.results if r.running is not None}
    try:
        after_commit = store.commit_configs(after, f"push: after change (run {run_id})")
        plan.notes.append(f"run {run_id}: after {after_commit[:10]}")
    except BackupStoreError as exc:
        plan.notes.append(f"run {run_id}: the after-change backup failed: {exc}")
    journal.close()
    if journal.open:
        plan.notes.append(f"run {run_id}: some devices could not be restored; the journal stays open in "
                          f"{journal.directory}: fix them, then run `netops push --recover`")
    return plan


def _recover_task(journal: Journal, make_driver: DriverFactory):
    store = BackupStore(Path(journal.record.repo))

    def task(target: DeviceTarget) -> DeviceResult:
        name = target.name
        entry = journal.record.devices[name]
        result = DeviceResult(device=name, operation="recover", status=Status.failed,
                              reason=f"run {journal.run_id}: was {entry.state.value}")
        try:
            before = journal.before(name)
            committed = store.read(name, journal.record.before_commit)
        except (JournalError, BackupStoreError) as exc:
            result.reason = f"{result.reason}; {exc}"
            return result
        if stored_config(before, entry.platform, entry.driver) != committed:
            result.reason = (f"{result.reason}; the journal's pre-change config does not match commit "
                             f"{journal.record.before_commit[:10]} in {store.path}: not restored")
            return result
        journal.set_state(name, DeviceState.rolling_back)
        identical, running, why = restore_device(target, before, make_driver)
        _record_restore(result, identical, running, why)
        journal.set_state(name, DeviceState.rolled_back if identical else DeviceState.failed, note=result.reason)
        return result

    return task


def recover(journal_root: Path, targets_for: Callable[[list[str]], tuple[list[DeviceTarget], list[DeviceResult]]],
            *, keep_verified: bool = False, max_parallel: int = 10, observers=(),
            make_driver: DriverFactory = driver_for, stop=None) -> RunResult:
    """Restore every device that unfinished runs left touched; close the runs that settle.

    targets_for(names) -> (targets, failed results for names that cannot be reached).
    keep_verified: leave devices whose change was verified before the crash as they are.
    """
    outcome = RunResult(operation="recover")
    runs = open_runs(journal_root)
    if not runs:
        outcome.notes.append(f"no unfinished push run in {journal_root}")
        return outcome
    for journal in runs:
        names = journal.record.in_flight(include_verified=not keep_verified)
        targets, unreachable = targets_for(names) if names else ([], [])
        for r in unreachable:
            r.operation = "recover"
        run = runner.run("recover", targets, _recover_task(journal, make_driver), max_parallel, observers,
                         getattr(stop, "event", stop))  # stopped: restores under way finish, no new one
        outcome.results += list(unreachable) + run.results
        restored = {r.device: r.running for r in run.results if r.status is Status.rolled_back and r.running}
        if restored:
            store = BackupStore(Path(journal.record.repo))
            try:
                store.commit_configs({n: stored_config(c, journal.record.devices[n].platform,
                                                       journal.record.devices[n].driver) for n, c in restored.items()},
                                     f"push: recovered run {journal.run_id}")
            except BackupStoreError as exc:
                outcome.notes.append(f"run {journal.run_id}: recording the restored configs failed: {exc}")
        if keep_verified:
            kept = [n for n, e in journal.record.devices.items() if e.state is DeviceState.verified]
            if kept:
                outcome.notes.append(f"run {journal.run_id}: kept as changed (verified): {', '.join(kept)}")
        journal.close(recovered=True)
        state = "closed" if not journal.open else f"still open ({journal.directory})"
        outcome.notes.append(f"run {journal.run_id}: {len(names)} devices to restore; journal {state}")
    outcome.duration_s = round(sum(r.duration_s for r in outcome.results), 3)
    return outcome
