"""Reading inventory files while remembering where every value came from (file and line).

Engineers edit these files by hand; every error must point at the line to fix. PyYAML's
libyaml composer gives each node its mark; we build plain data and a path -> line index in
one pass, and refuse duplicate keys (YAML silently keeps the last one, hiding a typo).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from netops.errors import Problem

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # libyaml missing: the pure-Python loader has the same interface
    _Loader = yaml.SafeLoader  # type: ignore[misc]

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


def _walk(loader: Any, node: yaml.Node, path: Path_, file: str, out: dict, problems: list) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(
                    Problem(file, line, ".".join(map(str, path + (key,))),
                            f"duplicate key '{key}' (first at line {seen[key]})")
                )
                continue
            seen[key] = line
            out[path + (key,)] = (file, line)
            _walk(loader, value_node, path + (key,), file, out, problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            out[path + (index,)] = (file, item.start_mark.line + 1)
            _walk(loader, item, path + (index,), file, out, problems)


def read_yaml(path: Path, label: str) -> tuple[Any, dict[Path_, tuple[str, int]], list[Problem]]:
    """Parse one YAML file into (data, lines, problems); never raises on bad content."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, {}, [Problem(label, 0, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return None, {}, [Problem(label, 0, "", f"cannot read: {exc.strerror}")]
    loader = _Loader(text)
    lines: dict[Path_, tuple[str, int]] = {}
    problems: list[Problem] = []
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}, []
        data = loader.construct_document(node)
        _walk(loader, node, (), label, lines, problems)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        what = " ".join(x for x in (exc.context, exc.problem) if x)
        return None, {}, [Problem(label, line, "", f"invalid YAML: {what}")]
    except yaml.YAMLError as exc:
        return None, {}, [Problem(label, 0, "", f"invalid YAML: {exc}")]
    finally:
        loader.dispose()
    return data, lines, problems


VILLAGE_COLUMNS = ("name", "town", "device_type", "mgmt_address", "uplink")
VILLAGE_OPTIONAL = ("label", "zone", "group", "media", "description", "gateway")


def read_villages_csv(path: Path, label: str) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """Rows of a villages spreadsheet export, each with its line number."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return [], [Problem(label, 0, "", "villages CSV file does not exist")]
    except UnicodeDecodeError as exc:
        return [], [Problem(label, 0, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if header is None:
        return [], [Problem(label, 1, "", f"empty file; expected a header: {','.join(VILLAGE_COLUMNS)}")]
    header = [h.strip() for h in header]
    missing = [c for c in VILLAGE_COLUMNS if c not in header]
    unknown = [c for c in header if c not in VILLAGE_COLUMNS + VILLAGE_OPTIONAL]
    problems = []
    if missing:
        problems.append(Problem(label, 1, "header", f"missing column(s): {', '.join(missing)}"))
    if unknown:
        problems.append(Problem(label, 1, "header", f"unknown column(s): {', '.join(unknown)}; "
                                f"expected {', '.join(VILLAGE_COLUMNS + VILLAGE_OPTIONAL)}"))
    if problems:
        return [], problems
    rows = []
    for line, values in enumerate(reader, start=2):
        if not values or all(not v.strip() for v in values):
            continue
        if len(values) != len(header):
            problems.append(Problem(label, line, "", f"expected {len(header)} columns, found {len(values)}"))
            continue
        rows.append((line, {h: v.strip() for h, v in zip(header, values) if v.strip() != ""}))
    return rows, problems
