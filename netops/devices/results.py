"""Per-device outcomes as data (Nornir's Result idea): every device gets one, failures included.

Operations never raise out of the runner; a failed device is a result with a reason, so one
device's failure never stops the others and reports can list every outcome.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel, Field


class Status(str, Enum):
    backed_up = "backed_up"
    in_sync = "in_sync"  # diff: running matches intended
    drift = "drift"  # diff: running differs from intended
    unchanged = "unchanged"  # push: nothing to do
    would_change = "would_change"  # push dry-run
    changed = "changed"  # push committed and verified
    rolled_back = "rolled_back"  # push failed, device restored
    failed = "failed"  # could not do the job (and, for push, could not restore)
    not_started = "not_started"  # the run was stopped (SIGINT/SIGTERM) before this device began


FAILED = {Status.failed, Status.rolled_back, Status.not_started}


class DeviceResult(BaseModel):
    device: str
    operation: str
    status: Status
    reason: str | None = None
    diff: str = ""  # masked
    commands: list[str] = []  # masked
    rolled_back: bool = False
    restored_identical: bool | None = None  # after a rollback: running byte-identical to before
    duration_s: float = 0.0
    running: str | None = Field(default=None, exclude=True)  # unmasked; never serialised
    before: str | None = Field(default=None, exclude=True)  # unmasked; never serialised

    @property
    def failed(self) -> bool:
        return self.status in FAILED

    @property
    def changed(self) -> bool:
        return self.status in {Status.changed, Status.drift, Status.would_change, Status.backed_up}


class RunResult(BaseModel):
    operation: str
    results: list[DeviceResult] = []
    duration_s: float = 0.0
    notes: list[str] = []
    replication: list[dict[str, Any]] = []  # backup: one {remote, ok, error} per off-site remote

    @property
    def failed(self) -> list[DeviceResult]:
        return [r for r in self.results if r.failed]

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.results:
            counts[r.status.value] = counts.get(r.status.value, 0) + 1
        return counts

    def summary(self) -> str:
        parts = [f"{n} {status.replace('_', ' ')}" for status, n in sorted(self.counts().items())]
        return f"{self.operation}: {len(self.results)} devices: " + (", ".join(parts) or "none")
