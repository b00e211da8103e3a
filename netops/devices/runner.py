"""Run one task per device on a thread pool; observers watch, results are collected.

Device sessions spend their time waiting on the network, so threads give the parallel
speed-up; a task that raises becomes a failed result for that device alone.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Callable, Protocol, Sequence

from netops.devices.results import DeviceResult, RunResult, Status
from netops.devices.target import DeviceTarget

Task = Callable[[DeviceTarget], DeviceResult]


class Observer(Protocol):
    def run_started(self, operation: str, total: int) -> None: ...
    def device_done(self, result: DeviceResult) -> None: ...
    def run_finished(self, run: RunResult) -> None: ...


def _guarded(task: Task, target: DeviceTarget, operation: str, stop: threading.Event | None) -> DeviceResult:
    started = time.monotonic()
    if stop is not None and stop.is_set():
        return DeviceResult(device=target.name, operation=operation, status=Status.not_started,
                            reason="the run was stopped before this device began")
    try:
        result = task(target)
    except Exception as exc:  # one device's bug or surprise must not stop the run
        result = DeviceResult(device=target.name, operation=operation, status=Status.failed,
                              reason=f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    result.duration_s = round(time.monotonic() - started, 3)
    return result


def run(operation: str, targets: Sequence[DeviceTarget], task: Task, max_parallel: int = 10,
        observers: Sequence[Observer] = (), stop: threading.Event | None = None) -> RunResult:
    """Every target's result, in the targets' order. Once `stop` is set no device starts; the
    ones already running finish (their task decides how)."""
    started = time.monotonic()
    for o in observers:
        o.run_started(operation, len(targets))
    by_name: dict[str, DeviceResult] = {}
    with ThreadPoolExecutor(max_workers=max(1, max_parallel), thread_name_prefix=f"netops-{operation}") as pool:
        futures = {pool.submit(_guarded, task, t, operation, stop): t for t in targets}
        for future in as_completed(futures):
            result = future.result()
            by_name[futures[future].name] = result
            for o in observers:
                o.device_done(result)
    outcome = RunResult(operation=operation, results=[by_name[t.name] for t in targets],
                        duration_s=round(time.monotonic() - started, 3))
    for o in observers:
        o.run_finished(outcome)
    return outcome
