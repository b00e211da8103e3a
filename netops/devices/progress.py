"""Progress and reporting as runner observers: a rich progress bar on stderr."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from netops.devices.results import DeviceResult, RunResult


class ProgressBar:
    """Shows devices done / total while a run goes; disappears when it ends."""

    def __init__(self, console: Console | None = None):
        self.console = console or Console(stderr=True)
        self._progress: Progress | None = None
        self._task = None

    def run_started(self, operation: str, total: int) -> None:
        self._progress = Progress(TextColumn(f"{operation}"), BarColumn(), MofNCompleteColumn(),
                                  TextColumn("{task.fields[last]}"), TimeElapsedColumn(),
                                  console=self.console, transient=True)
        self._progress.start()
        self._task = self._progress.add_task(operation, total=total, last="")

    def device_done(self, result: DeviceResult) -> None:
        if self._progress is not None:
            self._progress.update(self._task, advance=1, last=f"{result.device}: {result.status.value}")

    def run_finished(self, run: RunResult) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
