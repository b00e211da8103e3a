"""The push journal: a write-ahead record that survives SIGKILL and power cuts.

Before a push touches its first device, the journal holds the run id, the backup commit with
every target's pre-change config, and each device as `pending`; every change of a device's
state is written to a temporary file, fsync'd, renamed over the journal and the directory
fsync'd, so after a crash the file on disk is the last state reached, never a torn one.

The backup repository holds configs with secrets masked, which cannot be pushed back. So the
journal keeps each device's exact pre-change text beside it (mode 0600 in a 0700 directory)
until the run is settled, then deletes it; `netops push --recover` restores from it after
checking that, masked, it is the text committed in git.
"""

from __future__ import annotations

import os
import secrets
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from threading import Lock

from pydantic import BaseModel, ValidationError

from netops.errors import NetopsError

DIR_MODE = 0o700
FILE_MODE = 0o600
JOURNAL_FILE = "journal.json"
JOURNAL_DIR_ENV = "NETOPS_JOURNAL_DIR"


class JournalError(NetopsError):
    """The journal could not be written or read (reported as a message, not a traceback)."""


class DeviceState(str, Enum):
    pending = "pending"  # the pre-change config is committed; nothing sent yet
    applying = "applying"  # lines may have been sent: the device may be half-changed
    applied = "applied"  # every line sent and saved, not yet verified
    verified = "verified"  # running equals intended
    rolling_back = "rolling_back"
    rolled_back = "rolled_back"  # restored, verified byte-identical to the pre-change config
    not_started = "not_started"  # never touched (interrupted, or changed since the backup)
    failed = "failed"  # could not be restored: needs a person

    @property
    def touched(self) -> bool:
        """The device may differ from its pre-change config."""
        return self in {DeviceState.applying, DeviceState.applied, DeviceState.verified, DeviceState.rolling_back,
                        DeviceState.failed}


IN_FLIGHT = {DeviceState.applying, DeviceState.applied, DeviceState.rolling_back}


class DeviceEntry(BaseModel):
    state: DeviceState = DeviceState.pending
    platform: str
    driver: str | None = None
    updated: str = ""
    note: str | None = None


class RunRecord(BaseModel):
    run_id: str
    started: str
    repo: str
    before_commit: str
    finished: bool = False
    recovered: bool = False
    devices: dict[str, DeviceEntry] = {}

    def in_flight(self, include_verified: bool = True) -> list[str]:
        wanted = IN_FLIGHT | ({DeviceState.verified, DeviceState.failed} if include_verified else {DeviceState.failed})
        return [name for name, entry in self.devices.items() if entry.state in wanted]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def durable_write(path: Path, data: str) -> None:
    """Replace `path` with `data` atomically and durably (temp file, fsync, rename, fsync dir)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


class Journal:
    """One run's journal directory: journal.json plus <device>.before files while it is open."""

    def __init__(self, directory: Path, record: RunRecord):
        self.directory = Path(directory)
        self.record = record
        self._lock = Lock()  # devices are worked on from several threads

    @property
    def run_id(self) -> str:
        return self.record.run_id

    @classmethod
    def create(cls, root: Path, run_id: str, repo: Path, before_commit: str,
               devices: dict[str, tuple[str, str | None, str]]) -> "Journal":
        """A new journal under `root`: devices maps name -> (platform, driver, pre-change text)."""
        root = Path(root)
        try:
            root.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
            os.chmod(root, DIR_MODE)
            record = RunRecord(run_id=run_id, started=_now(), repo=str(Path(repo).resolve()),
                               before_commit=before_commit)
            directory = root / record.run_id
            directory.mkdir(mode=DIR_MODE)
            for name, (platform, driver, before) in devices.items():
                durable_write(directory / f"{name}.before", before)
                record.devices[name] = DeviceEntry(platform=platform, driver=driver, updated=_now())
            journal = cls(directory, record)
            journal._save()
            _fsync_dir(root)
        except OSError as exc:
            raise JournalError(f"cannot write the push journal in {root}: {exc}") from None
        return journal

    @classmethod
    def load(cls, directory: Path) -> "Journal":
        path = Path(directory) / JOURNAL_FILE
        try:
            record = RunRecord.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValidationError, ValueError) as exc:
            raise JournalError(f"{path}: not a readable push journal ({str(exc).splitlines()[0]})") from None
        return cls(Path(directory), record)

    def _save(self) -> None:
        durable_write(self.directory / JOURNAL_FILE, self.record.model_dump_json(indent=1))

    def set_state(self, device: str, state: DeviceState, note: str | None = None) -> None:
        with self._lock:
            entry = self.record.devices[device]
            entry.state, entry.updated = state, _now()
            if note is not None:
                entry.note = note
            self._save()

    def state(self, device: str) -> DeviceState:
        return self.record.devices[device].state

    def before(self, device: str) -> str:
        path = self.directory / f"{device}.before"
        try:
            return path.read_text(encoding="utf-8")
        except OSError as exc:
            raise JournalError(f"{path}: the pre-change config is missing ({exc.strerror})") from None

    def close(self, *, recovered: bool = False) -> None:
        """Mark the run settled and delete the unmasked pre-change copies, unless a device
        could not be restored (then they stay for the next --recover)."""
        with self._lock:
            if any(e.state in IN_FLIGHT or e.state is DeviceState.failed for e in self.record.devices.values()):
                self._save()
                return
            self.record.finished = True
            self.record.recovered = self.record.recovered or recovered
            self._save()
            for name in self.record.devices:
                (self.directory / f"{name}.before").unlink(missing_ok=True)

    @property
    def open(self) -> bool:
        return not self.record.finished


def open_runs(root: Path) -> list[Journal]:
    """Every run under `root` that did not finish, oldest first."""
    root = Path(root)
    if not root.is_dir():
        return []
    runs = []
    for directory in sorted(p for p in root.iterdir() if (p / JOURNAL_FILE).exists()):
        journal = Journal.load(directory)
        if journal.open:
            runs.append(journal)
    return runs


def discard_incomplete(root: Path) -> list[str]:
    """Remove run directories a crash left before their journal.json was written: no device
    was touched in such a run (the journal is complete before the first one is), but their
    unmasked pre-change copies should not stay on disk. Returns the run ids removed."""
    root = Path(root)
    if not root.is_dir():
        return []
    removed = []
    for directory in root.iterdir():
        if directory.is_dir() and not (directory / JOURNAL_FILE).exists():
            for f in directory.iterdir():
                f.unlink()
            directory.rmdir()
            removed.append(directory.name)
    return removed
