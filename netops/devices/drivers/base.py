"""The one driver interface device operations are written against (NAPALM's vocabulary).

backup, diff and push never branch on vendor: they open a driver, read the running config,
load a candidate, compare, commit, and roll back through these methods only.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Callable

from netops.devices.dialects import Dialect
from netops.devices.target import DeviceTarget


class DeviceError(Exception):
    """A device operation failed; the message is safe to show (no secrets)."""


class ConnectError(DeviceError):
    """The device could not be reached or refused the login or its host key did not match."""


class HostKeyError(ConnectError):
    """The device's SSH host key is unknown or differs from known_hosts: refused."""


class CommitError(DeviceError):
    """The device rejected part of a candidate; some commands may already be applied."""

    def __init__(self, message: str, applied: list[str] | None = None):
        super().__init__(message)
        self.applied = applied or []


class Interrupted(DeviceError):
    """The run was asked to stop (SIGINT/SIGTERM) while lines were being sent."""


class UnsupportedPlatform(DeviceError):
    """No driver knows this platform or operation."""


class Driver(ABC):
    """One session to one device."""

    dialect: Dialect

    def __init__(self, target: DeviceTarget):
        self.target = target
        # asked between batches of lines while a change is sent; True stops with Interrupted
        self.should_stop: Callable[[], bool] = lambda: False

    @abstractmethod
    def open(self) -> None: ...

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def get_config(self) -> str:
        """The running configuration, as the device prints it."""

    @abstractmethod
    def load_replace_candidate(self, config: str) -> None:
        """The whole intended config: commit makes running equal to it."""

    @abstractmethod
    def load_merge_candidate(self, config: str) -> None:
        """Config lines to add on top of running."""

    @abstractmethod
    def compare_config(self) -> list[str]:
        """The commands commit would send (empty: nothing to change)."""

    @abstractmethod
    def discard_config(self) -> None: ...

    @abstractmethod
    def commit_config(self) -> None:
        """Apply the candidate and save it; raises CommitError when the device rejects a line."""

    def confirm(self) -> None:
        """Make a verified commit permanent where the platform has commit-confirm (NAPALM
        junos/eos: commit with revert_in, then confirm); a no-op elsewhere."""

    @abstractmethod
    def rollback(self) -> None:
        """Return the device to the running config it had before the last commit."""

    def restore(self, config: str) -> None:
        """Make the running config `config` again (a pre-change config from the push journal),
        on a session that knows nothing of the change: replace and commit."""
        self.load_replace_candidate(config)
        self.commit_config()
        self.confirm()

    def __enter__(self) -> "Driver":
        self.open()
        return self

    def __exit__(self, *exc) -> None:
        self.close()
