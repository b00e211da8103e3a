"""Reading inventory files while remembering where every value came from (file and line).

Engineers edit these files by hand; every error must point at the line to fix. PyYAML's
libyaml composer gives each node its mark; we build plain data and a path -> line index in
one pass, and refuse duplicate keys (YAML silently keeps the last one, hiding a typo).
"""

from __future__ import annotations

import csv
import io
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from netops.errors import Problem

try:
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # libyaml missing: the pure-Python loader has the same interface
    _BaseLoader = yaml.SafeLoader  # type: ignore[misc]

MAX_NODES = 500_000  # values per YAML file; the whole 10,496-device bench inventory has ~150,000
_PRECOUNT_BYTES = 512 * 1024  # above this size, count the values before building any


class _TooMany(Exception):
    pass


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The composer asks the resolver about (nearly) every node it makes: count them there, so a
    small file of `[1,1,1,...]` cannot grow millions of node objects (hundreds of bytes each)."""

    nodes = 0

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooMany()
        return super().resolve(kind, value, implicit)


_VALUE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)


def _count_values(text: str) -> int:
    """How many values a YAML text has, in constant memory (events, no nodes); stops past the cap."""
    loader = _BaseLoader(text)
    count = 0
    try:
        while count <= MAX_NODES and loader.check_event():
            if isinstance(loader.get_event(), _VALUE_EVENTS):
                count += 1
    except yaml.YAMLError:
        pass  # the real parse reports it, with its line
    finally:
        loader.dispose()
    return count

Path_ = tuple[Any, ...]


@dataclass
class SourceMap:
    """Where each value of the merged inventory document was written."""

    lines: dict[Path_, tuple[str, int]] = field(default_factory=dict)
    doc: dict[str, Any] = field(default_factory=dict)

    def locate(self, path: Path_) -> tuple[str, int]:
        """The closest recorded place for a path: the value itself or its nearest parent."""
        for end in range(len(path), 0, -1):
            hit = self.lines.get(path[:end])
            if hit is not None:
                return hit
        return ("(inventory)", 0)

    def concrete(self, path: Path_) -> Path_:
        """Keep only the path elements that exist in the document (drops pydantic's union tags)."""
        node: Any = self.doc
        kept: list[Any] = []
        for key in path:
            if key == "zones" and isinstance(node, dict) and "zones" not in node and "zone" in node:
                kept.append("zone")  # written with the one-zone shorthand
                break
            if isinstance(node, dict) and key in node:
                node = node[key]
                kept.append(key)
            elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
                node = node[key]
                kept.append(key)
            elif isinstance(node, dict | list):
                # a field that is missing (e.g. required): keep it as the last element
                if isinstance(key, str) and not key.startswith(("function-", "literal[")) and "[" not in key:
                    kept.append(key)
                break
            else:
                break
        return tuple(kept)

    def display(self, path: Path_) -> str:
        """devices[core-in-1].interfaces[GE1/0/1].description: list items named by their name."""
        node: Any = self.doc
        out = ""
        for key in path:
            if isinstance(key, int) and isinstance(node, list) and 0 <= key < len(node):
                item = node[key]
                label = item.get("name") if isinstance(item, dict) else None
                if isinstance(label, str) and len(label) > 80:
                    label = label[:77] + "..."  # a hostile megabyte-long name once, not in every message
                out += f"[{label}]" if isinstance(label, str) else f"[{key}]"
                node = item
            else:
                out += f".{key}" if out else str(key)
                node = node.get(key) if isinstance(node, dict) else None
        return out

    def problem(self, path: Path_, message: str) -> Problem:
        path = self.concrete(path)
        file, line = self.locate(path)
        return Problem(file, line, self.display(path), message)


# --- reading files --------------------------------------------------------------------------

MAX_FILE_BYTES = 32 * 1024 * 1024  # a 100,000-device inventory is about 12 MiB of YAML and CSV
_KINDS = {stat.S_IFIFO: "a named pipe (FIFO)", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a directory"}


def read_text(path: Path, inside: Path | None = None, encoding: str = "utf-8") -> str:
    """The text of a regular file of at most MAX_FILE_BYTES, inside `inside` if given.

    Raises FileRefused with a sentence for the user. Nothing is opened before the checks:
    a FIFO would block, a device could be endless, a file outside the inventory (a
    `villages_csv: /etc/shadow`) must not be read at all, so none of it can be echoed.
    """
    if inside is not None:
        try:
            real, base = path.resolve(strict=True), inside.resolve()
        except FileNotFoundError:
            raise FileRefused("does not exist") from None
        except (OSError, RuntimeError) as exc:  # a symlink loop
            raise FileRefused(f"cannot be resolved ({getattr(exc, 'strerror', None) or exc})") from None
        if not real.is_relative_to(base):
            via = f" (it leads to {real})" if real != path.absolute() else ""
            raise FileRefused(f"is outside the inventory directory {base}{via}: only files inside it are read")
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise FileRefused("does not exist") from None
    except OSError as exc:
        raise FileRefused(f"cannot be read: {exc.strerror}") from None
    if not stat.S_ISREG(mode):
        raise FileRefused(f"is {_KINDS.get(stat.S_IFMT(mode), 'not a regular file')}, expected a regular file")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        raise FileRefused(f"cannot be read: {exc.strerror}") from None
    try:
        info = os.fstat(fd)  # the file opened may not be the one checked (replaced meanwhile)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(f"is {_KINDS.get(stat.S_IFMT(info.st_mode), 'not a regular file')}, "
                              "expected a regular file")
        chunks, size = [], 0
        while size <= MAX_FILE_BYTES and info.st_size <= MAX_FILE_BYTES:
            chunk = os.read(fd, max(info.st_size - size, 0) + 65536)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if max(size, info.st_size) > MAX_FILE_BYTES:
            raise FileRefused(f"is larger than the {MAX_FILE_BYTES // 2**20} MiB limit for inventory files")
    except OSError as exc:
        raise FileRefused(f"cannot be read: {exc.strerror}") from None
    finally:
        os.close(fd)
    try:
        return b"".join(chunks).decode(encoding)
    except UnicodeDecodeError as exc:
        raise FileRefused(f"is not UTF-8 text ({exc.reason} at byte {exc.start})") from None


class FileRefused(Exception):
    """A file that is not read, with the reason (completing the sentence "<file> ...")."""


# --- YAML -----------------------------------------------------------------------------------

MAX_DEPTH = 64  # nesting levels; the inventory itself needs fewer than ten
MAX_ALIASED = 100_000  # values reached through aliases beyond the file's own count
MAX_INT_DIGITS = 18  # every integer of the model fits (a 5,000-digit one would stop Python's int())
_TAG = "tag:yaml.org,2002:"
_STR, _MAP, _SEQ, _MERGE, _INT = (_TAG + t for t in ("str", "map", "seq", "merge", "int"))
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "binary")}


class _Refuse(Exception):
    def __init__(self, node: yaml.Node, message: str):
        super().__init__(message)
        self.line = node.start_mark.line + 1


class _Builder:
    """Plain data from a composed YAML node graph, recording the line of every key and item.

    Built by hand rather than with PyYAML's constructor so that merge keys are not taken
    for duplicates, an alias bomb (10 lines, 10^9 values) or a recursive alias is refused
    after bounded work, and every bad scalar is reported at its line.
    """

    def __init__(self, loader: Any, file: str):
        self.loader, self.file = loader, file
        self.lines: dict[Path_, tuple[str, int]] = {}
        self.problems: list[Problem] = []
        self.built: set[int] = set()  # collections already built once: meeting one again is an alias
        self.active: set[int] = set()  # collections being built: meeting one of them is a cycle
        self.own = self.aliased = 0

    def value(self, node: yaml.Node, path: Path_, depth: int = 0, aliased: bool = False) -> Any:
        if aliased:
            self.aliased += 1
            if self.aliased > max(MAX_ALIASED, self.own):
                raise _Refuse(node, f"aliases expand to more than {max(MAX_ALIASED, self.own):,} values "
                                    "(an alias bomb?): write the values out or use fewer aliases")
        else:
            self.own += 1
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        key = id(node)
        if key in self.active:
            raise _Refuse(node, "an alias refers to the value that contains it (recursive alias)")
        if depth >= MAX_DEPTH:
            raise _Refuse(node, f"nested more than {MAX_DEPTH} levels deep")
        aliased = aliased or key in self.built
        self.built.add(key)
        self.active.add(key)
        try:
            if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
                return self.sequence(node, path, depth, aliased)
            if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
                return self.mapping(node, path, depth, aliased)
            raise _Refuse(node, f"YAML tag {node.tag.replace(_TAG, '!!')} is not supported here: "
                                "use a plain list or mapping")
        finally:
            self.active.discard(key)

    def scalar(self, node: yaml.ScalarNode, path: Path_) -> Any:
        """The value of a scalar; a bad one is reported at its line and read as null."""
        if node.tag == _STR:
            return node.value
        digits = len(node.value.lstrip("+-").replace("_", ""))
        constructor = self.loader.yaml_constructors.get(node.tag) if node.tag in _SCALAR_TAGS else None
        if node.tag == _INT and digits > MAX_INT_DIGITS:
            message = f"an integer of {digits:,} digits is too large (at most {MAX_INT_DIGITS} digits)"
        elif constructor is None:
            message = f"YAML tag {node.tag.replace(_TAG, '!!')} is not supported here"
        else:
            try:
                return constructor(self.loader, node)
            except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
                message = (f"invalid {node.tag.replace(_TAG, '')} value '{node.value[:80]}': "
                           f"{getattr(exc, 'problem', None) or exc}")
        self.problems.append(Problem(self.file, node.start_mark.line + 1, ".".join(map(str, path)), message))
        return None

    def sequence(self, node: yaml.SequenceNode, path: Path_, depth: int, aliased: bool) -> list:
        out = []
        for index, item in enumerate(node.value):
            self.lines[path + (index,)] = (self.file, item.start_mark.line + 1)
            out.append(self.value(item, path + (index,), depth + 1, aliased))
        return out

    def mapping(self, node: yaml.MappingNode, path: Path_, depth: int, aliased: bool) -> dict:
        out: dict[Any, Any] = {}
        merges: list[yaml.Node] = []
        first: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merges += value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Refuse(key_node, "a mapping key must be plain text, not a list or mapping")
            key = self.scalar(key_node, path)
            line = key_node.start_mark.line + 1
            if key in first:
                self.problems.append(Problem(self.file, line, ".".join(map(str, path + (key,)))[:200],
                                             f"duplicate key '{str(key)[:80]}' (first at line {first[key]})"))
                continue
            first[key] = line
            out[key] = (key_node, value_node)
        # merged mappings first, the earliest winning; then the mapping's own keys override them
        merged: dict[Any, Any] = {}
        for source in reversed(merges):
            if not isinstance(source, yaml.MappingNode):
                raise _Refuse(source, "a merge key (<<) takes a mapping or a list of mappings")
            merged.update(self.value(source, path, depth + 1, aliased))
        for key, (key_node, value_node) in out.items():
            self.lines[path + (key,)] = (self.file, key_node.start_mark.line + 1)
            merged[key] = self.value(value_node, path + (key,), depth + 1, aliased)
        return merged


def read_yaml(path: Path, label: str, inside: Path | None = None,
              ) -> tuple[Any, dict[Path_, tuple[str, int]], list[Problem]]:
    """Parse one YAML file into (data, lines, problems); never raises on bad content."""
    try:
        text = read_text(path, inside)
    except FileRefused as exc:
        return None, {}, [Problem(label, 0, "", str(exc))]
    too_many = Problem(label, 0, "", f"has more than {MAX_NODES:,} values: split it, or put villages in a CSV")
    if len(text) > _PRECOUNT_BYTES and _count_values(text) > MAX_NODES:
        return None, {}, [too_many]
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}, []
        builder = _Builder(loader, label)
        data = builder.value(node, ())
    except _Refuse as exc:
        return None, {}, [Problem(label, exc.line, "", str(exc))]
    except _TooMany:
        return None, {}, [too_many]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        what = " ".join(x for x in (exc.context, exc.problem) if x)
        return None, {}, [Problem(label, line, "", f"invalid YAML: {what}")]
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow: place it
        line = text.count("\n", 0, exc.position) + 1
        return None, {}, [Problem(label, line, "", f"invalid YAML: character U+{exc.character:04X} "
                                                   f"is not allowed ({exc.reason})")]
    except yaml.YAMLError as exc:
        return None, {}, [Problem(label, 0, "", f"invalid YAML: {exc}")]
    finally:
        loader.dispose()
    return data, builder.lines, builder.problems


# --- villages CSV ---------------------------------------------------------------------------

VILLAGE_COLUMNS = ("name", "town", "device_type", "mgmt_address", "uplink")
VILLAGE_OPTIONAL = ("label", "zone", "group", "media", "description", "gateway")


MAX_VILLAGES = 100_000  # rows per CSV file: a province, not a county (the bench has 10,000)


def parse_villages_csv(text: str, label: str) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """Rows of a villages spreadsheet export, each with the line it starts on.

    Records end only at CR/LF (not at U+2028 or NEL, which str.splitlines() would split on);
    a quoted line break stays in its value, for the model to refuse where it would reach a
    config. Values lose surrounding spaces only.
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    problems: list[Problem] = []
    rows: list[tuple[int, dict[str, str]]] = []
    header: list[str] | None = None
    start = 1
    try:
        for values in reader:
            line, start = start, reader.line_num + 1
            if header is None:
                header = [h.strip(" ") for h in values]
                problems += _header_problems(header, label)
                if problems:
                    return [], problems
                continue
            if not values or all(not v.strip(" ") for v in values):
                continue
            if len(rows) >= MAX_VILLAGES:
                return [], [Problem(label, line, "", f"more than {MAX_VILLAGES:,} villages in one CSV file: "
                                                     "split it")]
            if len(values) != len(header):
                problems.append(Problem(label, line, "", f"expected {len(header)} columns, found {len(values)}"))
                continue
            rows.append((line, {h: v.strip(" ") for h, v in zip(header, values) if v.strip(" ") != ""}))
    except csv.Error as exc:
        hint = f" (the record starting on line {start} never closes its quote)" if "end of data" in str(exc) else ""
        problems.append(Problem(label, start, "", f"invalid CSV: {exc}{hint}"))
    if header is None:
        return [], [Problem(label, 1, "", f"empty file; expected a header: {','.join(VILLAGE_COLUMNS)}")]
    return rows, problems


def _header_problems(header: list[str], label: str) -> list[Problem]:
    problems = []
    missing = [c for c in VILLAGE_COLUMNS if c not in header]
    unknown = [c for c in header if c not in VILLAGE_COLUMNS + VILLAGE_OPTIONAL]
    twice = sorted({c for c in header if header.count(c) > 1})
    if missing:
        problems.append(Problem(label, 1, "header", f"missing column(s): {', '.join(missing)}"))
    if unknown:
        problems.append(Problem(label, 1, "header", f"unknown column(s): {', '.join(c[:40] for c in unknown[:10])}; "
                                f"expected {', '.join(VILLAGE_COLUMNS + VILLAGE_OPTIONAL)}"))
    for column in twice:
        where = [str(i + 1) for i, c in enumerate(header) if c == column]
        problems.append(Problem(label, 1, "header", f"duplicate column '{column}' (columns {', '.join(where)}): "
                                "which one holds the value is ambiguous"))
    return problems
