"""Hostile inventories: files that are not files, YAML that explodes, text that attacks the terminal.

Each case goes through `netops inventory validate` and must end with exit 2 and a
`file:line: field: message` (or `file: message` for a whole file), never a traceback, a hang
or unbounded memory. The cases that are plain text edits live in test_inventory_malformed.py.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from netops.inventory import check_inventory, load_inventory
from netops.inventory.source import MAX_FILE_BYTES, MAX_NODES
from netops.printable import printable, printable_json

MINI = Path(__file__).parent / "fixtures" / "mini"
REPO = Path(__file__).parent.parent


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    return root


def _validate(root: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["inventory", "validate", str(root), *extra])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def _cli(root: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """The real binary, for cases that could hang or write raw bytes to a terminal."""
    proc = subprocess.run([sys.executable, "-m", "cli", "inventory", "validate", str(root)],
                          capture_output=True, text=True, cwd=REPO, timeout=timeout)
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


def _name_csv(root: Path, value: str) -> None:
    links = root / "links.yaml"
    links.write_text(links.read_text().replace("villages_csv: villages.csv", f"villages_csv: {value}"))


# --- the villages CSV as something other than a regular file inside the inventory ------------


def test_villages_csv_is_a_directory(mini):
    (mini / "villages.csv").unlink()
    (mini / "villages.csv").mkdir()
    code, out = _validate(mini)
    assert code == 2
    assert "mini/links.yaml:8: villages_csv[0]: villages CSV mini/villages.csv is a directory" in out


def test_villages_csv_fifo_does_not_hang(mini):
    (mini / "villages.csv").unlink()
    os.mkfifo(mini / "villages.csv")
    proc = _cli(mini, timeout=120)  # nobody ever writes to the pipe: reading it would block forever
    assert proc.returncode == 2
    assert "mini/links.yaml:8: villages_csv[0]: villages CSV mini/villages.csv is a named pipe (FIFO)" in proc.stderr


def test_inventory_yaml_fifo_and_directory(mini):
    os.mkfifo(mini / "extra.yaml")
    (mini / "more.yaml").mkdir()
    proc = _cli(mini, timeout=120)
    assert proc.returncode == 2
    assert "mini/extra.yaml: is a named pipe (FIFO), expected a regular file" in proc.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="creating a device node needs root")
def test_villages_csv_is_a_device_node(mini):
    (mini / "villages.csv").unlink()
    try:
        os.mknod(mini / "villages.csv", 0o600 | 0o020000, os.makedev(1, 5))  # a character device like /dev/zero
    except PermissionError:
        pytest.skip("this container may not create device nodes (no CAP_MKNOD)")
    code, out = _validate(mini)
    assert code == 2 and "villages CSV mini/villages.csv is a character device, expected a regular file" in out


def test_villages_csv_symlink_to_a_device_is_outside(mini):
    (mini / "villages.csv").unlink()
    (mini / "villages.csv").symlink_to("/dev/zero")
    code, out = _validate(mini)
    assert code == 2
    assert "villages CSV mini/villages.csv is outside the inventory directory" in out and "/dev/zero" in out


def test_villages_csv_unreadable(mini):
    csv = mini / "villages.csv"
    csv.chmod(0)
    command = [sys.executable, "-m", "cli", "inventory", "validate", str(mini)]
    if os.geteuid() == 0:  # root reads anything: drop the capabilities that let it
        if not shutil.which("setpriv"):
            pytest.skip("setpriv (util-linux) is needed to drop root's DAC capabilities")
        command = ["setpriv", "--inh-caps=-dac_override,-dac_read_search",
                   "--bounding-set=-dac_override,-dac_read_search", *command]
    proc = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=120)
    csv.chmod(0o644)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "mini/links.yaml:8: villages_csv[0]: villages CSV mini/villages.csv cannot be read: Permission denied" \
        in proc.stderr


def test_villages_csv_outside_is_never_read_or_printed(mini, tmp_path):
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$SECRET-HASH-never-printed:19000:0:99999:7:::\n")
    _name_csv(mini, str(secret))
    code, out = _validate(mini)
    assert code == 2 and "SECRET-HASH" not in out and "root:" not in out
    assert f"mini/links.yaml:8: villages_csv[0]: villages CSV {secret} is outside the inventory directory" in out


@pytest.mark.skipif(not Path("/etc/shadow").exists(), reason="no /etc/shadow on this system")
def test_villages_csv_etc_shadow(mini):
    _name_csv(mini, "/etc/shadow")
    code, out = _validate(mini)
    assert code == 2 and "root:" not in out and "villages CSV /etc/shadow is outside the inventory directory" in out


def test_yaml_symlink_out_of_the_inventory(mini, tmp_path):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("settings: {name: elsewhere}\n")
    (mini / "elsewhere.yaml").symlink_to(outside)
    code, out = _validate(mini)
    assert code == 2 and "mini/elsewhere.yaml: is outside the inventory directory" in out


def test_file_size_cap(mini):
    with open(mini / "villages.csv", "r+b") as f:  # sparse: costs no disk and no time
        f.truncate(MAX_FILE_BYTES + 1)
    start = time.monotonic()
    code, out = _validate(mini)
    assert code == 2 and "villages CSV mini/villages.csv is larger than the 32 MiB limit" in out
    assert time.monotonic() - start < 30


def test_too_many_village_rows(mini):
    from netops.inventory.source import MAX_VILLAGES

    csv = mini / "villages.csv"
    header, first = csv.read_text().splitlines()[:2]
    csv.write_text(header + "\n" + (first + "\n") * (MAX_VILLAGES + 1))
    code, out = _validate(mini)
    assert code == 2 and f"mini/villages.csv:{MAX_VILLAGES + 2}: more than 100,000 villages in one CSV file" in out


def test_too_many_yaml_files(mini):
    from netops.inventory.load import MAX_FILES

    for i in range(MAX_FILES + 1):
        (mini / f"extra{i:04d}.yaml").write_text("")
    code, out = _validate(mini)
    assert code == 2 and "more than 1,000 YAML files" in out


def test_megabyte_name_is_shortened_in_messages(mini):
    devices = mini / "devices.yaml"
    devices.write_text(devices.read_text().replace("  - name: srv\n", "  - name: " + "s" * 1_000_000 + "\n"))
    code, out = _validate(mini)
    assert code == 2 and len(out) < 10_000 and "devices[" + "s" * 77 + "...].name" in out


def test_symlink_loop(mini):
    (mini / "villages.csv").unlink()
    (mini / "villages.csv").symlink_to(mini / "villages.csv")
    code, out = _validate(mini)
    assert code == 2 and "villages CSV mini/villages.csv cannot be resolved" in out


# --- YAML: bounded work, merge keys ----------------------------------------------------------

BOMB = "x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"x{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9))
MERGE_BOMB = "m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9, j: 10}\n" + "".join(
    f"m{i}: &m{i} {{<<: [{', '.join([f'*m{i - 1}'] * 10)}]}}\n" for i in range(1, 10))


@pytest.mark.parametrize("text", [BOMB, MERGE_BOMB], ids=["alias-bomb", "merge-key-bomb"])
def test_alias_bomb_fails_fast_in_little_memory(mini, text):
    assert text.count("\n") <= 10  # 10 lines standing for 10^9 values
    (mini / "bomb.yaml").write_text(text)
    tracemalloc.start()
    cpu = time.process_time()
    _, problems = check_inventory(mini)
    cpu = time.process_time() - cpu
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert [p.file for p in problems] == ["mini/bomb.yaml"]
    assert "aliases expand to more than 100,000 values" in problems[0].message and problems[0].line > 0
    assert cpu < 5 and peak < 64 * 2**20, (cpu, peak)
    code, out = _validate(mini)
    assert code == 2 and "mini/bomb.yaml:" in out


@pytest.mark.parametrize("item", ["1,", "!!str 1,"], ids=["plain", "tagged"])
def test_too_many_values_are_refused_before_they_are_built(mini, item):
    """2 bytes a value: a 1 MB file would otherwise grow half a million node objects (~150 MB)."""
    (mini / "flat.yaml").write_text("lab: [" + item * (MAX_NODES + 10) + "1]\n")
    script = ("import resource, sys\nfrom netops.inventory import check_inventory\n"
              "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
              "_, problems = check_inventory(sys.argv[1])\n"
              "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)\n"
              "print(*problems, sep='\\n')\n")
    proc = subprocess.run([sys.executable, "-c", script, str(mini)], capture_output=True, text=True, cwd=REPO,
                          timeout=300)
    grown_kib, *problems = proc.stdout.splitlines()
    assert problems == [f"mini/flat.yaml: has more than {MAX_NODES:,} values: split it, or put villages in a CSV"]
    assert int(grown_kib) < 64 * 1024, f"peak RSS grew {grown_kib} KiB"


def test_deep_nesting_is_refused(mini):
    (mini / "deep.yaml").write_text("lab: " + "[" * 100 + "]" * 100 + "\n")
    code, out = _validate(mini)
    assert code == 2 and "mini/deep.yaml:1: nested more than 64 levels deep" in out


def test_merge_keys_with_override(mini):
    """`<<: *base` then an override: the override wins, nothing is a duplicate, lines stay right."""
    (mini / "more.yaml").write_text(
        "devices:\n"
        "  - &server\n"
        "    name: srv2\n"
        "    role: server\n"
        "    device_type: server\n"
        "    site: centre\n"
        "    zone: intranet\n"
        "    mgmt_address: 10.10.0.20\n"
        "  - <<: *server\n"
        "    name: srv3\n"
        "    mgmt_address: 10.10.0.21\n"
        "  - <<: [*server]\n"
        "    name: srv4\n"
        "    mgmt_address: 10.10.0.20\n")
    _, problems = check_inventory(mini)
    # srv4 repeats srv2's address: reported at srv4's own line, not at the base's
    assert [str(p) for p in problems] == [
        "mini/more.yaml:14: devices[srv4].mgmt_address: address 10.10.0.20 is already used by device 'srv2'"]
    (mini / "more.yaml").write_text((mini / "more.yaml").read_text().replace("10.10.0.20\n", "10.10.0.22\n", 2)
                                    .replace("10.10.0.22\n", "10.10.0.20\n", 1))
    inventory = load_inventory(mini)
    assert str(inventory.devices["srv3"].mgmt_address) == "10.10.0.21"
    assert inventory.devices["srv4"].site == "centre" and inventory.devices["srv4"].role.value == "server"
    assert _validate(mini)[0] == 0


# --- control characters never reach the terminal ------------------------------------------------


def test_escape_sequences_are_shown_escaped(mini):
    (mini / "evil.yaml").write_text(
        'devices:\n  - name: "evil\\e]0;owned\\a\\e[2J"\n    role: server\n    site: centre\n'
        '    zone: intranet\n    platform: linux\n    description: "csi\\x9b31m\\u202eevil"\n')
    proc = _cli(mini)
    assert proc.returncode == 2
    for raw in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert raw not in proc.stdout + proc.stderr
    assert "devices[evil\\x1b]0;owned\\x07\\x1b[2J].name" in proc.stderr
    code, out = _validate(mini, "--json")
    assert code == 2 and "\x1b" not in out and "\x9b" not in out and "\u202e" not in out
    fields = [p["field"] for p in json.loads(out)["problems"]]
    assert "devices[evil\x1b]0;owned\x07\x1b[2J].name" in fields  # JSON keeps the exact value, escaped


def test_show_unknown_device_name_is_escaped(mini):
    result = CliRunner().invoke(app, ["inventory", "show", "a\x1b[31mb", "--inventory", str(mini)])
    assert result.exit_code != 0 and "\x1b" not in result.output and "a\\x1b[31mb" in result.output


def test_printable_helper():
    assert printable("sw\x1b[2J\n\t\x00\x7f\x9b\u2028\u202e") == "sw\\x1b[2J\\n\\t\\x00\\x7f\\x9b\\u2028\\u202e"
    assert printable("政务内网 GE0/0/1") == "政务内网 GE0/0/1"
    text = json.dumps({"a": "x\x9b\u2028y"}, ensure_ascii=False)
    assert json.loads(printable_json(text)) == {"a": "x\x9b\u2028y"} and "\x9b" not in printable_json(text)


# --- keystrokes are a per-platform matter ----------------------------------------------------------


def test_question_mark_is_fine_where_no_cli_reads_it(mini):
    devices = mini / "devices.yaml"
    devices.write_text(devices.read_text().replace("    position: 10\n", "    position: 10\n    description: why?\n"))
    assert _validate(mini)[0] == 0  # srv is a Linux server: its description reaches no device CLI


# --- whatever the text, a list of problems and never an exception ---------------------------------

_PIECES = ["*a", "&a ", "<<: ", "<<: *a", "{", "}", "[", "]", ": ", "- ", "\n", "  ", "?", "!!binary ", "!!set ",
           "!!python/object ", "~", ".inf", "-.nan", "1e999", "9" * 30, "\x1b[2J", "\u2028", "\x85", '"', "'", ",",
           "#", "{1-99999}", "{9-1}", "zone: intranet", "zones: [intranet, extranet]", "GigabitEthernet0/0/9",
           "2026-13-45", "\ufeff", "\t", "\r"]


def test_random_mutations_never_raise(tmp_path):
    """600 seeded mutations of the mini inventory (1,000 more were run while writing this):
    check_inventory always returns, every problem names a file of the inventory."""
    rng = random.Random(9)
    for case in range(600):
        root = tmp_path / f"m{case}"
        shutil.copytree(MINI, root)
        files = sorted(root.iterdir())
        for _ in range(rng.randint(1, 4)):
            path = rng.choice(files)
            text = path.read_text(encoding="utf-8")
            pos, op = rng.randrange(len(text) + 1), rng.random()
            if op < 0.5:
                text = text[:pos] + rng.choice(_PIECES) + text[pos:]
            elif op < 0.75:
                text = text[:pos] + text[pos + rng.randint(1, 20):]
            else:
                lines = text.split("\n")
                lines.insert(rng.randrange(len(lines)), rng.choice(lines))
                text = "\n".join(lines)
            path.write_text(text, encoding="utf-8")
        _, problems = check_inventory(root)
        assert all(p.file.startswith(f"m{case}/") for p in problems), problems
        assert all("\x1b" not in str(p) for p in problems)
        shutil.rmtree(root)
