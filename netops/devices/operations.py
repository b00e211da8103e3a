"""backup, diff and push: written once against the Driver interface, run per device.

Each function here is a Task (DeviceTarget -> DeviceResult) or builds one; the runner runs
them in parallel and the callers store, print or serialise the results.
"""

from __future__ import annotations

from typing import Callable

from netops.devices import confdiff
from netops.devices.drivers.base import DeviceError, Driver
from netops.devices.masking import mask_secrets
from netops.devices.platforms import choose, driver_for
from netops.devices.results import DeviceResult, Status
from netops.devices.target import DeviceTarget

IntendedSource = Callable[[DeviceTarget], str]
DriverFactory = Callable[[DeviceTarget], Driver]


def _masked_commands(commands: list[str], dialect) -> list[str]:
    return [mask_secrets(c, dialect.name) for c in commands]


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
        stored = mask_secrets(confdiff.strip_noise(running, dialect), dialect.name)
        return DeviceResult(device=target.name, operation="backup", status=Status.backed_up, running=stored)

    return task


def _drift(running: str, intended: str, target: DeviceTarget, dialect) -> tuple[list[str], str]:
    commands = confdiff.remediation(running, intended, dialect)
    diff = confdiff.unified_diff(mask_secrets(running, dialect.name), mask_secrets(intended, dialect.name),
                                dialect, target.name)
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
                            commands=_masked_commands(commands, dialect))

    return task


def plan_task(intended_for: IntendedSource, make_driver: DriverFactory = driver_for):
    """The dry run of a push: read running, compute the commands and the masked diff."""

    def task(target: DeviceTarget) -> DeviceResult:
        dialect = choose(target.platform, target.driver).dialect
        intended = intended_for(target)
        result = DeviceResult(device=target.name, operation="push", status=Status.failed)
        try:
            with make_driver(target) as driver:
                result.before = driver.get_config()
        except DeviceError as exc:
            result.reason = str(exc)
            return result
        commands, result.diff = _drift(result.before, intended, target, dialect)
        result.commands = _masked_commands(commands, dialect)
        if commands:
            result.status = Status.would_change
        else:
            result.status, result.running = Status.unchanged, result.before
        return result

    return task


def push_task(intended_for: IntendedSource, commit: bool = False, make_driver: DriverFactory = driver_for):
    """One device's push: the dry run, or with `commit` the whole transaction without a journal
    (netops.devices.transaction; runs over many devices journal it)."""
    if not commit:
        return plan_task(intended_for, make_driver)
    from netops.devices.transaction import single_device_push

    return single_device_push(intended_for, make_driver)
