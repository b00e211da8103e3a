"""What every command shares (docs/cli.md): the inventory option, --json, logging options,
exit codes, plain output under NO_COLOR or off a terminal, and errors turned into exits.

New commands use these instead of declaring their own, so the conventions hold everywhere
(tests/test_cli_conventions.py checks them mechanically).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
from enum import IntEnum
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

import typer

from netops.errors import InventoryError, NetopsError
from netops.printable import printable, printable_json

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_INVENTORY = "inventory"
INVENTORY_ENV = "NETOPS_INVENTORY"
LOG_LEVEL_ENV = "NETOPS_LOG_LEVEL"
LOG_FORMAT_ENV = "NETOPS_LOG_FORMAT"
JSON_PARAMS = ("json_out", "as_json", "json")


class ExitCode(IntEnum):
    """The one meaning of each exit status, for every command."""

    OK = 0
    FINDINGS = 1  # drift, an audit FAIL/UNKNOWN, devices that failed, a target down
    USAGE = 2  # bad options or bad input (inventory, policy, profile, config file)
    CANNOT_RUN = 3  # a missing dependency, an unreachable service, a secret that cannot be read


class UsageError(NetopsError):
    """Options or input the command cannot use (exit 2)."""

    exit_code = ExitCode.USAGE


class CannotRun(NetopsError):
    """Something outside the input stopped the command: a tool, a service, a lock (exit 3)."""

    exit_code = ExitCode.CANNOT_RUN


InventoryOption = typer.Option(
    None, "--inventory", "-i", envvar=INVENTORY_ENV, show_default=False,
    help="Inventory directory (default: ./inventory, $NETOPS_INVENTORY or the config file's `inventory`).",
)
JsonOption = typer.Option(False, "--json", help="Print machine-readable JSON instead of tables (errors too, on stderr).")
def log_level_option(default: str = "info"):  # type: ignore[no-untyped-def]
    return typer.Option(default, "--log-level", envvar=LOG_LEVEL_ENV, help="debug, info, warning or error.")


LogLevelOption = log_level_option("info")
QuietLogLevelOption = log_level_option("warning")  # device commands: SSH libraries chat at info
LogFormatOption = typer.Option("text", "--log-format", envvar=LOG_FORMAT_ENV,
                               help="text (one line per event) or json (one object per line, for journald/Loki).")


def inventory_path(value: Path | None) -> Path:
    return value if value is not None else Path(os.environ.get(INVENTORY_ENV, DEFAULT_INVENTORY))


def inventory_or_argument(option: Path | None, argument: Path | None) -> Path:
    """`-i DIR` and the older positional DIR mean the same; both at once must agree."""
    if option is not None and argument is not None and option != argument:
        raise UsageError(f"two inventories given: -i {option} and {argument}; give one")
    return inventory_path(option if option is not None else argument)


def plain_output() -> bool:
    """No colours or styles: NO_COLOR set (any value, https://no-color.org) or not a terminal."""
    return bool(os.environ.get("NO_COLOR")) or not sys.stdout.isatty()


def console(stderr: bool = False):  # type: ignore[no-untyped-def]
    """A rich Console that prints plain text under NO_COLOR (no bold or italics either)."""
    from rich.console import Console

    plain = "NO_COLOR" in os.environ and os.environ["NO_COLOR"] != ""
    return Console(stderr=stderr, highlight=False, soft_wrap=True, no_color=plain,
                   **({"color_system": None} if plain else {}))


def print_json(data: Any) -> None:
    from pydantic import BaseModel

    if isinstance(data, BaseModel):
        text = data.model_dump_json(indent=2)
    else:
        text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    typer.echo(printable_json(text))


def error_json(message: str, exit_code: int, problems: list[Any] | None = None) -> str:
    data: dict[str, Any] = {"error": message, "exit_code": int(exit_code)}
    if problems:
        data["problems"] = [p.__dict__ if hasattr(p, "__dict__") else str(p) for p in problems]
    return json.dumps(data, ensure_ascii=False, default=str)


def print_error(message: str, exit_code: int, as_json: bool, problems: list[Any] | None = None,
                summary: str | None = None) -> None:
    """One error on stderr: a JSON object under --json, else `error ...` lines."""
    if as_json:
        typer.echo(printable_json(error_json(summary or message, exit_code, problems)), err=True)
        return
    from rich.markup import escape

    err = console(stderr=True)
    for line in ([str(p) for p in problems] if problems else [message]):
        err.print(f"[red]error[/red] {escape(printable(line))}")
    if summary:
        err.print(escape(printable(summary)))


def wants_json(kwargs: dict[str, Any]) -> bool:
    return any(kwargs.get(name) is True for name in JSON_PARAMS)


def report_errors(func: F) -> F:
    """Turn netops errors into a message on stderr (JSON under --json) and the error's exit
    code: never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InventoryError as exc:
            print_error(str(exc), exc.exit_code, wants_json(kwargs), exc.problems,
                        summary=f"{len(exc.problems)} problem(s) in the inventory")
            raise typer.Exit(exc.exit_code) from None
        except NetopsError as exc:
            print_error(str(exc), exc.exit_code, wants_json(kwargs))
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


class _JsonLogFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"), "level": record.levelname.lower(),
                "logger": record.name, "message": record.getMessage()}
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def setup_logging(level: str = "info", fmt: str = "text") -> None:
    """Logging for long-running commands: to stderr, text or one JSON object per line."""
    if level.lower() not in ("debug", "info", "warning", "error"):
        raise UsageError(f"--log-level: expected debug, info, warning or error, got '{level}'")
    if fmt not in ("text", "json"):
        raise UsageError(f"--log-format: expected text or json, got '{fmt}'")
    handler = logging.StreamHandler()
    handler.setFormatter(_JsonLogFormatter() if fmt == "json" else
                         logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
