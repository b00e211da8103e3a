"""`netops data ...`: where the packaged templates, profiles, rules, dashboards and sample
inventory are, and copying them out to start your own."""

from __future__ import annotations

import shutil
from pathlib import Path

import typer

from netops.commands.common import JsonOption, UsageError, console, print_json, report_errors
from netops.resources import DATA, DataNotFound, data_path

app = typer.Typer(help="Where netops' templates, profiles, rules and sample inventory are; copy them.",
                  no_args_is_help=True)


def _path(kind: str) -> Path:
    try:
        return data_path(kind)
    except DataNotFound as exc:
        raise UsageError(str(exc)) from None


@app.command("list")
@report_errors
def list_data(json_out: bool = JsonOption) -> None:
    """Every kind of data netops ships and the directory it is read from."""
    rows = [{"kind": kind, "path": str(_path(kind))} for kind in DATA]
    if json_out:
        print_json(rows)
        return
    from rich.table import Table

    table = Table(title="netops data")
    table.add_column("kind")
    table.add_column("path")
    for row in rows:
        table.add_row(row["kind"], row["path"])
    console().print(table)


@app.command("path")
@report_errors
def path(kind: str = typer.Argument(..., help=f"One of: {', '.join(DATA)}.")) -> None:
    """Print one directory, for scripts: `netops inventory validate -i $(netops data path inventory)`."""
    typer.echo(str(_path(kind)))


@app.command("copy")
@report_errors
def copy(kind: str = typer.Argument(..., help=f"One of: {', '.join(DATA)}."),
         dest: Path = typer.Argument(..., help="Directory to create (e.g. /etc/netops/inventory)."),
         force: bool = typer.Option(False, "--force", help="Write into a directory that already has files."),
         json_out: bool = JsonOption) -> None:
    """Copy packaged data out to edit it: the sample inventory as a start, templates to adapt."""
    source = _path(kind)
    if dest.exists() and any(dest.iterdir()) and not force:
        raise UsageError(f"{dest} is not empty (use --force to write into it)")
    shutil.copytree(source, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    files = sum(1 for p in dest.rglob("*") if p.is_file())
    if json_out:
        print_json({"kind": kind, "from": str(source), "to": str(dest), "files": files})
    else:
        console().print(f"copied {files} files of {kind} from {source} to {dest}")
