"""Every command follows docs/cli.md: walked mechanically through the command tree, so a new
command that breaks a convention fails here without anyone writing a test for it."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
import typer
from typer import _click as click
from typer.testing import CliRunner

import cli

# Commands that print no table, so need no --json (what they print instead).
NO_TABLE = {
    "snmp defaults": "one comma-separated line",
    "audit metrics": "Prometheus text exposition",
    "data path": "one path",
    "service units": "unit files",
    "web": "a server: its output is HTML pages",
}
# Long-running commands: a service or a many-device run; they log, so take the log options.
LONG_RUNNING = {"exporter", "backup", "diff", "push", "web"}


def _walk(command: click.Command, path: tuple[str, ...] = ()):
    if hasattr(command, "list_commands"):
        ctx = click.Context(command, info_name=path[-1] if path else "netops")
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not getattr(sub, "hidden", False):
                yield from _walk(sub, path + (name,))
    else:
        yield " ".join(path), command


ROOT = typer.main.get_command(cli.app)
COMMANDS = dict(_walk(ROOT))


def _options(command: click.Command):
    return [p for p in command.params if p.param_type_name == "option"]


def test_the_walk_finds_every_command():
    assert {"inventory validate", "render", "exporter", "audit isolation", "backup", "service units"} <= set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_h_is_help(name):
    result = CliRunner().invoke(cli.app, [*name.split(), "-h"], env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output and "<bool>" not in result.output


def test_no_short_flag_has_two_meanings():
    meanings: dict[str, set[str]] = defaultdict(set)
    for command in COMMANDS.values():
        for option in _options(command):
            longs = [o for o in option.opts if o.startswith("--")]
            for short in (o for o in option.opts if len(o) == 2):
                meanings[short].add(longs[0] if longs else option.name)
    clashes = {short: sorted(longs) for short, longs in meanings.items() if len(longs) > 1}
    assert not clashes, f"short flags with two meanings: {clashes}"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_booleans_are_flags(name):
    for option in _options(COMMANDS[name]):
        if option.type_descriptor.annotation in (bool, "bool") or "bool" in str(option.type_descriptor.annotation):
            assert option.is_flag, f"{name} {option.opts}: a boolean must be a flag, not '--x <bool>'"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_inventory_is_dash_i_everywhere(name):
    for param in COMMANDS[name].params:
        if param.name == "inventory":
            assert param.param_type_name == "option" and {"-i", "--inventory"} <= set(param.opts), name
    positional = [p for p in COMMANDS[name].params if p.param_type_name == "argument" and p.name == "path"]
    if positional:  # the older positional inventory stays as an alias of -i
        assert any(p.name == "inventory" for p in COMMANDS[name].params), name


@pytest.mark.parametrize("name", sorted(set(COMMANDS) - set(NO_TABLE) - {"exporter"}))
def test_json_everywhere_a_table_prints(name):
    json_opts = [o for o in _options(COMMANDS[name]) if "--json" in o.opts]
    assert json_opts and json_opts[0].is_flag, f"{name} needs a --json flag (or a reason in NO_TABLE)"


def _serves(command) -> bool:
    return any("--listen" in o.opts for o in _options(command))


@pytest.mark.parametrize("name", sorted(LONG_RUNNING | {n for n, c in COMMANDS.items() if _serves(c)}))
def test_long_running_commands_take_log_options(name):
    """Every daemon (anything with --listen) and every many-device run."""
    opts = {o for option in _options(COMMANDS[name]) for o in option.opts}
    assert {"--log-level", "--log-format"} <= opts, name


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_json_is_the_one_machine_output_switch(name):
    """No command offers JSON twice (--json and, say, --format json): a --format/--output
    option is for report formats other than JSON. Log formats (--log-format json) are logs."""
    import re

    for option in _options(COMMANDS[name]):
        if "--json" in option.opts or any(o.startswith("--log") for o in option.opts):
            continue
        if not any(word in o for o in option.opts for word in ("format", "output")):
            continue
        choices = [str(c).lower() for c in getattr(getattr(option, "type", None), "choices", None) or ()]
        help_text = re.sub(r"use --json", "", option.help or "", flags=re.I)
        assert "json" not in choices and not re.search(r"\bjson\b", help_text, re.I), (
            f"{name} {option.opts[0]} offers JSON: machine output is --json only (docs/cli.md)")


def test_format_json_is_a_usage_error_pointing_to_json():
    result = CliRunner().invoke(cli.app, ["audit", "isolation", "-i", "inventory", "--format", "json"])
    assert result.exit_code == 2 and "--json" in result.output and "Traceback" not in result.output
    both = CliRunner().invoke(cli.app, ["audit", "isolation", "-i", "inventory", "--format", "html", "--json"])
    assert both.exit_code == 2 and json.loads(both.stderr)["exit_code"] == 2


def test_audit_json_with_out_writes_the_file_and_prints_json(tmp_path):
    out = tmp_path / "audit.json"
    result = CliRunner().invoke(cli.app, ["audit", "isolation", "-i", "inventory", "--json", "--out", str(out),
                                          "--state", str(tmp_path / "state.json")])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(out.read_text(encoding="utf-8"))


def test_usage_errors_exit_2_and_are_json_under_json():
    runner = CliRunner()
    plain = runner.invoke(cli.app, ["inventory", "validate", "--no-such-option"])
    assert plain.exit_code == 2
    as_json = runner.invoke(cli.app, ["render", "--no-such-option", "--json"])
    assert as_json.exit_code == 2
    error = json.loads(as_json.stderr)
    assert error["exit_code"] == 2 and "--no-such-option" in error["error"]
    assert as_json.stdout == ""
    assert runner.invoke(cli.app, ["no-such-command"]).exit_code == 2


def test_input_errors_are_json_on_stderr_under_json(tmp_path):
    result = CliRunner().invoke(cli.app, ["inventory", "show", "nosuch", "-i", "inventory", "--json"])
    assert result.exit_code == 2
    error = json.loads(result.stderr)
    assert "no device named 'nosuch'" in error["error"] and result.stdout == ""
    broken = tmp_path / "inv"
    broken.mkdir()
    (broken / "devices.yaml").write_text("devices: [\n", encoding="utf-8")
    result = CliRunner().invoke(cli.app, ["inventory", "summary", "-i", str(broken), "--json"])
    assert result.exit_code == 2 and json.loads(result.stderr)["problems"]


def test_two_inventories_are_a_usage_error():
    result = CliRunner().invoke(cli.app, ["inventory", "validate", "inventory", "-i", "elsewhere"])
    assert result.exit_code == 2 and "two inventories" in result.output


def test_no_color_means_no_escape_sequences(monkeypatch):
    result = CliRunner().invoke(cli.app, ["inventory", "summary", "-i", "inventory"], env={"NO_COLOR": "1"},
                                color=True)
    assert result.exit_code == 0 and "\x1b[" not in result.output


def test_version():
    result = CliRunner().invoke(cli.app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("netops ")


def test_audit_policy_errors_are_json_under_json(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text("controls: [\n", encoding="utf-8")
    result = CliRunner().invoke(cli.app, ["audit", "isolation", "-i", "inventory", "--policy", str(policy), "--json",
                                          "--state", str(tmp_path / "state.json")])
    assert result.exit_code == 2 and result.stdout == ""
    error = json.loads(result.stderr)
    assert error["exit_code"] == 2 and error["problems"]
