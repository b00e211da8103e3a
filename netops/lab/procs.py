"""Stopping the lab's own processes by PID, never by name.

A PID read from a state file may have been reused by the time `lab down` runs from another
process, so a process is signalled only when its command line still names what the lab
started (its router or state directory).
"""

from __future__ import annotations

import os
import signal
import time


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def alive(pid: int) -> bool:
    """True for a running process (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return False


def stop(pid: int, marker: str, timeout: float = 5.0) -> bool:
    """SIGTERM `pid` if its command line contains `marker`, SIGKILL if it lingers.

    Returns True when the process is gone (or was never ours to stop).
    """
    if not alive(pid) or marker not in cmdline(pid):
        return True
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.02)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return True
    time.sleep(0.05)
    return not alive(pid)
