"""What every command shares: where the inventory is, JSON output, and turning errors into exits."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any, Callable, TypeVar

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.markup import escape

from netops.errors import InventoryError, NetopsError
from netops.printable import printable, printable_json

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_INVENTORY = "inventory"
INVENTORY_ENV = "NETOPS_INVENTORY"

InventoryOption = typer.Option(
    None, "--inventory", "-i", envvar=INVENTORY_ENV, help="Inventory directory (default: ./inventory).",
    show_default=False,
)
JsonOption = typer.Option(False, "--json", help="Print machine-readable JSON instead of tables.")


def inventory_path(value: Path | None) -> Path:
    return value if value is not None else Path(os.environ.get(INVENTORY_ENV, DEFAULT_INVENTORY))


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def print_json(data: Any) -> None:
    if isinstance(data, BaseModel):
        text = data.model_dump_json(indent=2)
    else:
        text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    typer.echo(printable_json(text))


def report_errors(func: F) -> F:
    """Turn netops errors into a message on stderr and the error's exit code: never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InventoryError as exc:
            err = console(stderr=True)
            for problem in exc.problems:
                err.print(f"[red]error[/red] {escape(str(problem))}")
            err.print(f"{len(exc.problems)} problem(s) in the inventory")
            raise typer.Exit(exc.exit_code) from None
        except NetopsError as exc:
            console(stderr=True).print(f"[red]error[/red] {escape(printable(exc))}")
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]
