"""Command shapes: is every line netops renders a command real devices of the family carry?

A rendered line becomes a pattern: its keywords stay literal, its values (addresses, numbers,
interface names, secrets, names from the inventory, free text after `description`/`name`/
`location`) become wildcards. The pattern must match a line of a real, public running
configuration of the same platform in the same view (the chain of block heads above it, e.g.
`interface`, `aaa`, `security-policy/rule`), or be listed in citations.yaml with the command
reference page that shows the command is valid. Sources of every corpus file: sources.yaml.

    .venv/bin/python -m tests.corpus_support      # coverage table per platform (docs/render.md)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from netops.audit.configs.tree import Node, parse_tree
from netops.inventory import load_inventory
from netops.inventory.model import Inventory
from netops.render import render_devices
from netops.render.prompts import answer_lines

CORPUS = Path(__file__).resolve().parent / "data" / "corpus"
PLATFORMS = ("huawei_vrp", "hp_comware", "cisco_ios", "frr")
TEXT_KEYWORDS = {"description", "name", "location"}  # the rest of the line is free text
# names the templates themselves choose (ACLs, views, rules, pools): values, not keywords
TEMPLATE_NAMES = {"netops-view", "netops-pool", "NETOPS-MGMT", "NETOPS-SNMP", "NETOPS-VIEW", "netops-manage",
                  "netops-ntp", "netops-syslog", "netops-snmp-trap", "deny-all", "netops", "local", "netops-mgmt"}
_IP = re.compile(r"^\d{1,3}(\.\d{1,3}){3}(/\d{1,2})?$")
_NUMBER = re.compile(r"^\d+$")
_IFNAME = re.compile(r"^([A-Z][A-Za-z-]*|eth)\d+(/\d+)*(\.\d+)?$")  # GigabitEthernet0/0/1, Vlanif100, eth0
_VLANS = re.compile(r"^\d+([,-]\d+)+$")  # 100,200-201
_SECRET = re.compile(r"^<secret:[^>]+>$")
_VERSION = re.compile(r"^\d+(\.\d+)+$")


_NEGATION = {"huawei_vrp": "undo ", "hp_comware": "undo ", "cisco_ios": "no ", "frr": "no "}


@dataclass(frozen=True)
class Shape:
    platform: str
    view: str
    pattern: str  # regex over the single-spaced line
    example: str  # one rendered line of this shape


@dataclass
class Coverage:
    platform: str
    shapes: list[Shape] = field(default_factory=list)
    seen: dict[Shape, str] = field(default_factory=dict)  # shape -> "corpus file:line"
    cited: dict[Shape, dict] = field(default_factory=dict)  # shape -> the citation (kind, url, note)

    @property
    def missing(self) -> list[Shape]:
        return [s for s in self.shapes if s not in self.seen and s not in self.cited]

    @property
    def percent(self) -> float:
        return 100.0 * (len(self.shapes) - len(self.missing)) / len(self.shapes) if self.shapes else 100.0


def inventory_values(inv: Inventory) -> set[str]:
    """Names the inventory puts into configurations: never keywords."""
    values = set(TEMPLATE_NAMES)
    values |= set(inv.devices) | set(inv.zones) | set(inv.sites) | {f.name for f in inv.flows}
    values |= {c.username for c in inv.credentials.values()}
    values |= {s.username for s in inv.snmp_credentials.values() if s.username}
    for d in inv.devices.values():
        values |= {v.name for v in d.vlans}
    return values


def _is_value(token: str, values: set[str]) -> bool:
    return bool(token in values or _IP.match(token) or _NUMBER.match(token) or _IFNAME.match(token)
                or _SECRET.match(token) or _VERSION.match(token) or _VLANS.match(token) or "/" in token)


def line_pattern(words: list[str], values: set[str]) -> str:
    parts = []
    for i, token in enumerate(words):
        if i and words[i - 1] in TEXT_KEYWORDS and i > 0:
            parts.append(r".+")
            break
        parts.append(r"\S+" if _is_value(token, values) else re.escape(token))
    return "^" + " ".join(parts) + "$"


def _view(ancestors: list[Node]) -> str:
    return "/".join(a.words[0] for a in ancestors) or "system"


def _walk(nodes: list[Node], ancestors: list[Node]):
    for node in nodes:
        yield node, ancestors
        yield from _walk(node.children, ancestors + [node])


def config_lines(text: str, platform: str, skip: set[int] = frozenset()) -> list[tuple[str, str, int]]:
    """(view, single-spaced line, line number) of every command in a configuration."""
    nodes, _ = parse_tree("\n".join("#" if n in skip else line for n, line in enumerate(text.splitlines())))
    out = []
    for node, ancestors in _walk(nodes, []):
        if node.words[0] in ("exit", "exit-address-family", "end", "return", "quit"):
            continue
        out.append((_view(ancestors), " ".join(node.words), node.number))
    return out


def rendered_shapes(inv: Inventory, templates_dir: Path | None = None) -> dict[str, list[Shape]]:
    values = inventory_values(inv)
    shapes: dict[str, dict[tuple[str, str], Shape]] = {p: {} for p in PLATFORMS}
    for r in render_devices(inv, templates_dir=templates_dir):
        if r.config is None or r.platform not in shapes:
            continue
        for view, line, _ in config_lines(r.config, r.platform, answer_lines(r.platform, r.config)):
            key = (view, line_pattern(line.split(), values))
            shapes[r.platform].setdefault(key, Shape(r.platform, key[0], key[1], line))
    return {p: list(s.values()) for p, s in shapes.items()}


@lru_cache(maxsize=1)
def sources() -> list[dict]:
    return yaml.safe_load((CORPUS / "sources.yaml").read_text(encoding="utf-8"))["configs"]


@lru_cache(maxsize=1)
def citations() -> list[dict]:
    return yaml.safe_load((CORPUS / "citations.yaml").read_text(encoding="utf-8"))["citations"]


def corpus_lines(platform: str) -> list[tuple[str, str, str]]:
    """(view, line, "file:line") of every real configuration of the platform."""
    out = []
    for entry in sources():
        if entry["platform"] != platform:
            continue
        text = (CORPUS / entry["file"]).read_text(encoding="utf-8")
        out += [(view, line, f"{entry['file']}:{n}") for view, line, n in config_lines(text, platform)]
    return out


def coverage(inv: Inventory, templates_dir: Path | None = None) -> dict[str, Coverage]:
    result = {}
    for platform, shapes in rendered_shapes(inv, templates_dir).items():
        cov = Coverage(platform, sorted(shapes, key=lambda s: (s.view, s.pattern)))
        lines = corpus_lines(platform)
        for shape in cov.shapes:
            rx = re.compile(shape.pattern)
            hit = next((where for view, line, where in lines if view == shape.view and rx.match(line)), None)
            negated = _NEGATION.get(platform)
            if hit is None and negated and shape.pattern.startswith(f"^{negated}"):
                # `undo X` / `no X` is valid wherever X is: the platforms' own rule for negation
                positive = re.compile("^" + shape.pattern[len(negated) + 1:])
                hit = next((f"{where} (negated)" for view, line, where in lines
                            if view == shape.view and positive.match(line)), None)
            if hit is not None:
                cov.seen[shape] = hit
                continue
            cite = next((c for c in citations() if c["platform"] == platform and c["view"] == shape.view
                         and re.match(c["pattern"], shape.example)), None)
            if cite is not None:
                cov.cited[shape] = cite
        result[platform] = cov
    return result


def coverage_table(inv: Inventory) -> str:
    rows = ["| platform | command shapes | seen in a public config | cited: reference | cited: example | "
            "cited: tested | neither | seen or cited |", "|---|---|---|---|---|---|---|---|"]
    for p, cov in coverage(inv).items():
        kinds = {k: sum(c["kind"] == k for c in cov.cited.values()) for k in ("reference", "example", "tested")}
        rows.append(f"| {p} | {len(cov.shapes)} | {len(cov.seen)} | {kinds['reference']} | {kinds['example']} | "
                    f"{kinds['tested']} | {len(cov.missing)} | {cov.percent:.0f} % |")
    return "\n".join(rows)


if __name__ == "__main__":
    import sys

    from tests.render_support import extended_inventory_dir
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        inventory = load_inventory(extended_inventory_dir(Path(tmp) / "inv"))
        print(coverage_table(inventory))
        if "-v" in sys.argv:
            for platform, cov in coverage(inventory).items():
                for shape, where in cov.seen.items():
                    print(f"SEEN {platform} [{shape.view}] {shape.example}    <- {where}")
                for shape in cov.missing:
                    print(f"MISSING {platform} [{shape.view}] {shape.example}    {shape.pattern}")
