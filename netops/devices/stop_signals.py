"""SIGINT and SIGTERM as a request to stop a run cleanly, not as an exception.

A KeyboardInterrupt raised in the middle of a push would leave devices half-changed (and the
thread pool would run to the end anyway). Instead the first signal sets an event: the runner
starts no new device, devices in flight stop between batches of lines and are rolled back,
and the command exits non-zero with its table. Further signals while that happens are noted
and ignored; SIGKILL remains, and `netops push --recover` repairs what it leaves.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Iterator


class StopRequest:
    def __init__(self) -> None:
        self.event = threading.Event()
        self.signals: list[str] = []

    def is_set(self) -> bool:
        return self.event.is_set()

    def handle(self, signum, frame) -> None:
        self.signals.append(signal.Signals(signum).name)
        self.event.set()

    @property
    def reason(self) -> str | None:
        return f"stopped by {self.signals[0]}" if self.signals else None


@contextlib.contextmanager
def stop_on_signals(signums=(signal.SIGINT, signal.SIGTERM)) -> Iterator[StopRequest]:
    """Within the block, the signals set the request instead of raising or killing."""
    request = StopRequest()
    if threading.current_thread() is not threading.main_thread():
        yield request  # handlers can only be installed from the main thread
        return
    previous = {s: signal.signal(s, request.handle) for s in signums}
    try:
        yield request
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
