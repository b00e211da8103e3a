"""Pure functions over config text: strip noise, compare, and compute remediation commands.

A config is read as a tree by indentation (the shape FRR, IOS, VRP and Comware all print);
separator and block-closing lines carry no meaning and are dropped. Remediation walks the
running and intended trees: what only running has is negated, what only intended has is
added, shared blocks are entered and compared child by child. This is the core idea of
hier_config, written small for the dialects netops drives.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from netops.devices.dialects import Dialect


@dataclass
class Node:
    text: str
    children: list["Node"] = field(default_factory=list)

    def child(self, text: str) -> "Node | None":
        for c in self.children:
            if c.text == text:
                return c
        return None


def significant_lines(config: str, dialect: Dialect) -> list[str]:
    """The config without noise (banners, timestamps, counters), separators and block ends."""
    out = []
    for raw in config.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped or dialect.is_noise(line):
            continue
        if stripped.startswith(dialect.separators):  # a separator or a comment: "!", "! note", "#"
            continue
        if stripped in dialect.block_end:
            continue
        out.append(line)
    return out


def strip_noise(config: str, dialect: Dialect) -> str:
    """The config as the device printed it, less the lines that change on their own
    (banners, timestamps, byte counts): what a backup stores."""
    lines = [ln.rstrip() for ln in config.replace("\r\n", "\n").split("\n")]
    kept = [ln for ln in lines if ln.strip() and not dialect.is_noise(ln)]
    return "\n".join(kept) + "\n"


def normalize(config: str, dialect: Dialect) -> str:
    """Config text fit for comparing: noise and separators removed, line endings unified."""
    return "\n".join(significant_lines(config, dialect)) + "\n"


def parse(config: str, dialect: Dialect) -> Node:
    root = Node("")
    stack: list[tuple[int, Node]] = [(-1, root)]
    for line in significant_lines(config, dialect):
        indent = len(line) - len(line.lstrip(" "))
        node = Node(line.strip())
        while stack[-1][0] >= indent:
            stack.pop()
        stack[-1][1].children.append(node)
        stack.append((indent, node))
    return root


def _ignored(text: str, dialect: Dialect) -> bool:
    return any(re.search(p, text) for p in dialect.extra_ignore)


def _negation(text: str, dialect: Dialect) -> str:
    if text.startswith(dialect.negate):
        return text[len(dialect.negate):]
    return dialect.negate + (dialect.key_of(text) or text)


def _emit(node: Node, depth: int) -> list[str]:
    lines = [" " * depth + node.text]
    for c in node.children:
        lines += _emit(c, depth + 1)
    return lines


def _remediate(running: Node, intended: Node, dialect: Dialect, depth: int, replace: bool = True) -> list[str]:
    removals, additions = [], []
    intended_texts = {c.text for c in intended.children}
    intended_keys = {dialect.key_of(c.text) for c in intended.children} - {None}
    for node in running.children:
        if dialect.key_of(node.text) in intended_keys:
            continue  # the intended value replaces it
        if replace and node.text not in intended_texts and not _ignored(node.text, dialect):
            if node.children and any(re.search(p, node.text) for p in dialect.kept_blocks):
                inner = _remediate(node, Node(node.text), dialect, depth + 1, replace)
                removals += [" " * depth + node.text, *inner, " " * depth + dialect.block_end[0]]
            else:
                removals.append(" " * depth + _negation(node.text, dialect))
    for node in intended.children:
        if _ignored(node.text, dialect):
            continue
        present = running.child(node.text)
        if present is None:
            additions += _emit(node, depth)
        elif node.children or present.children:
            inner = _remediate(present, node, dialect, depth + 1, replace)
            if inner:
                additions += [" " * depth + node.text, *inner, " " * depth + dialect.block_end[0]]
    return removals + additions


def remediation(running: str, intended: str, dialect: Dialect, replace: bool = True) -> list[str]:
    """Commands (indented to show nesting) that turn `running` into `intended`; empty when equal.

    replace=False gives merge semantics: only additions, nothing running has is removed.
    """
    return _remediate(parse(running, dialect), parse(intended, dialect), dialect, 0, replace)


def unified_diff(running: str, intended: str, dialect: Dialect, name: str = "device") -> str:
    """`running` -> `intended` as a unified diff, noise lines left out of both sides."""
    a = normalize(running, dialect).splitlines(keepends=True)
    b = normalize(intended, dialect).splitlines(keepends=True)
    return "".join(difflib.unified_diff(a, b, fromfile=f"{name} (running)", tofile=f"{name} (intended)"))


def as_commands(lines: list[str]) -> list[str]:
    """Remediation lines as the flat command list a CLI session sends (indentation dropped)."""
    return [line.strip() for line in lines]
