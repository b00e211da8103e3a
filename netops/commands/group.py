"""The root `netops` command group: loads each command's module only when it is run.

`netops --help` lists commands from a static table (name, one-line help) without importing
them, so the CLI answers before its heavy dependencies load. The config file's values
become click's `default_map` for the command being run: flag > env > file > default.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any, Sequence

import typer
from typer import _click as click
from typer._click.exceptions import UsageError
from typer.exceptions import Abort
from typer.core import TyperCommand, TyperGroup

from netops.commands.common import error_json


class LazyCommand:
    """Where a command lives: `module:attribute`, a Typer app, a function, or a register(app) hook."""

    def __init__(self, target: str, help: str, kind: str = "app"):
        self.target, self.help, self.kind = target, help, kind

    def load(self, name: str) -> click.Command:
        module_name, attribute = self.target.split(":")
        obj = getattr(importlib.import_module(module_name), attribute)
        if self.kind == "app":
            return typer.main.get_command(obj)
        holder = typer.Typer()
        holder.callback()(lambda: None)  # with a callback Typer always builds a group
        if self.kind == "function":
            holder.command(name)(obj)
        else:  # "register": obj(app) adds the command
            obj(holder)
        group = typer.main.get_command(holder)
        command = group.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None, f"{self.target} did not define {name}"
        return command


def _config_defaults(command: click.Command, values: dict[str, object]) -> dict[str, Any]:
    """Nested default_map for one command tree: each parameter the config file names."""
    if hasattr(command, "commands"):
        commands = getattr(command, "commands", {})
        return {name: _config_defaults(sub, values) for name, sub in commands.items()}
    return {p.name: values[p.name] for p in command.params if p.name in values}


class NetopsGroup(TyperGroup):
    lazy: dict[str, LazyCommand] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*self.commands, *(n for n in self.lazy if n not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        entry = self.lazy.get(cmd_name)
        if entry is None:
            return None
        if getattr(ctx, "_netops_listing", False):  # help listing: name and help, no import
            return TyperCommand(name=cmd_name, help=entry.help, short_help=entry.help)
        command = entry.load(cmd_name)
        self.commands[cmd_name] = command
        _apply_config(ctx, cmd_name, command)
        return command

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        ctx._netops_listing = True  # type: ignore[attr-defined]
        try:
            return super().format_help(ctx, formatter)
        finally:
            ctx._netops_listing = False  # type: ignore[attr-defined]

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        _choose_help_style()
        argv = list(sys.argv[1:] if args is None else args)
        if not (standalone_mode and "--json" in argv):
            return super().main(argv, prog_name, complete_var, standalone_mode, **extra)
        try:  # under --json even usage errors are JSON on stderr
            code = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as exc:
            typer.echo(error_json(exc.format_message(), exc.exit_code), err=True)
            sys.exit(exc.exit_code)
        except Abort:
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def _apply_config(ctx: click.Context, name: str, command: click.Command) -> None:
    from netops import configfile

    try:
        values = configfile.option_defaults()
    except configfile.ConfigError as exc:
        raise UsageError(str(exc)) from None
    if values:
        ctx.default_map = {**(ctx.default_map or {}), name: _config_defaults(command, values)}


def _choose_help_style() -> None:
    """Rich help on a terminal; plain text under NO_COLOR or when piped (and much faster)."""
    import typer.core

    if os.environ.get("NO_COLOR") or not sys.stdout.isatty():
        typer.core.HAS_RICH = False
