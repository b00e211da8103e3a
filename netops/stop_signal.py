"""The one way netops' long-running asyncio services learn they should stop (SIGINT/SIGTERM)."""

from __future__ import annotations

import asyncio
import signal


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM; call from the running loop, then `await event.wait()`.

    Where the loop cannot take signal handlers (not the main thread: tests run services in
    threads), the event is only ever set by whoever holds it.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError, ValueError):
            pass
    return stop
