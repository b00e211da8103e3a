"""backup, diff and push: written once against the Driver interface, run per device.

Each function here is a Task (DeviceTarget -> DeviceResult) or builds one; the runner runs
them in parallel and the callers store, print or serialise the results.
"""

from __future__ import annotations

from typing import Callable

from netops.devices import confdiff
from netops.devices.drivers.base import CommitError, ConnectError, DeviceError, Driver
from netops.devices.masking import mask_secrets
from netops.devices.platforms import choose, driver_for
from netops.devices.results import DeviceResult, Status
from netops.devices.target import DeviceTarget

IntendedSource = Callable[[DeviceTarget], str]
DriverFactory = Callable[[DeviceTarget], Driver]


def _masked_commands(commands: list[str]) -> list[str]:
    return [mask_secrets(c) for c in commands]


def backup_task(make_driver: DriverFactory = driver_for):
    def task(target: DeviceTarget) -> DeviceResult:
        dialect = choose(target.platform, target.driver).dialect
        try:
            with make_driver(target) as driver:
                running = driver.get_config()
        except DeviceError as exc:
            return DeviceResult(device=target.name, operation="backup", status=Status.failed, reason=str(exc))
        if not running.strip():
            return DeviceResult(device=target.name, operation="backup", status=Status.failed,
                                reason=f"{target.name}: the device returned an empty configuration")
        stored = mask_secrets(confdiff.strip_noise(running, dialect))
        return DeviceResult(device=target.name, operation="backup", status=Status.backed_up, running=stored)

    return task


def _drift(running: str, intended: str, target: DeviceTarget, dialect) -> tuple[list[str], str]:
    commands = confdiff.remediation(running, intended, dialect)
    diff = confdiff.unified_diff(mask_secrets(running), mask_secrets(intended), dialect, target.name)
    if commands and not diff:
        diff = f"# {target.name}: only hidden secret values differ\n"
    return commands, diff


def diff_task(intended_for: IntendedSource, make_driver: DriverFactory = driver_for):
    def task(target: DeviceTarget) -> DeviceResult:
        dialect = choose(target.platform, target.driver).dialect
        intended = intended_for(target)
        try:
            with make_driver(target) as driver:
                running = driver.get_config()
        except DeviceError as exc:
            return DeviceResult(device=target.name, operation="diff", status=Status.failed, reason=str(exc))
        commands, diff = _drift(running, intended, target, dialect)
        status = Status.drift if commands else Status.in_sync
        return DeviceResult(device=target.name, operation="diff", status=status, diff=diff,
                            commands=_masked_commands(commands))

    return task


def push_task(intended_for: IntendedSource, commit: bool = False, make_driver: DriverFactory = driver_for):
    """Back up, apply, verify, and restore the backup if anything fails."""

    def task(target: DeviceTarget) -> DeviceResult:
        dialect = choose(target.platform, target.driver).dialect
        intended = intended_for(target)
        result = DeviceResult(device=target.name, operation="push", status=Status.failed)
        try:
            driver = make_driver(target)
            driver.open()
        except DeviceError as exc:
            result.reason = str(exc)
            return result
        try:
            before = driver.get_config()
            result.before = before
            commands, result.diff = _drift(before, intended, target, dialect)
            result.commands = _masked_commands(commands)
            if not commands:
                result.status = Status.unchanged
                result.running = before
                return result
            if not commit:
                result.status = Status.would_change
                return result
            failure, after = _apply_and_verify(driver, intended, dialect)
            if failure is None:
                result.status = Status.changed
                result.running = after
                return result
            result.reason = failure
            _restore(driver, target, before, result)
            return result
        except DeviceError as exc:
            result.reason = str(exc)
            if result.before is not None and commit:
                _restore(driver, target, result.before, result)
            return result
        finally:
            driver.close()

    return task


def _apply_and_verify(driver: Driver, intended: str, dialect) -> tuple[str | None, str | None]:
    """(None, running after) when the device now runs the intended config, else (why not, None)."""
    try:
        driver.load_replace_candidate(intended)
        driver.commit_config()
    except CommitError as exc:
        return str(exc), None
    after = driver.get_config()
    left = confdiff.remediation(after, intended, dialect)
    if left:
        shown = "; ".join(mask_secrets(c.strip()) for c in left[:3])
        return f"{driver.target.name}: running config does not match intended after commit ({shown})", None
    driver.confirm()
    return None, after


def _restore(driver: Driver, target: DeviceTarget, before: str, result: DeviceResult) -> None:
    """Roll back; on a broken session reconnect once. Checks the result is byte-identical."""
    for attempt in range(2):
        try:
            if attempt:
                driver.close()
                driver.open()
            driver.rollback()
            restored = driver.get_config()
            result.rolled_back = True
            result.restored_identical = restored == before
            result.running = restored
            result.status = Status.rolled_back if result.restored_identical else Status.failed
            if not result.restored_identical:
                result.reason = f"{result.reason}; rollback left the running config different from before"
            return
        except ConnectError:
            continue
        except DeviceError as exc:
            result.reason = f"{result.reason}; rollback failed: {exc}"
            return
    result.reason = f"{result.reason}; rollback impossible: device unreachable"
