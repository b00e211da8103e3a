"""Where a device applies each line of a configuration, whatever the file's indentation says.

Every one of the four CLIs reads a configuration line by line in a current view (mode):
a line the view does not know is tried in the parent view, up to the global one (VRP,
Comware, IOS and FRR alike: FRR 8.4 installs `ip route` written under `interface eth0` as a
global route, checked in tests/test_audit_frr_placement.py), and a separator (`#`, `!`) is a
comment that closes nothing. So a global security command nested under another block is
applied globally, and a child command written unindented after its block still belongs to
that block. `place` rewrites the indentation tree into that shape and says what it moved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netops.audit.configs.model import ParsedConfig
from netops.audit.configs.tree import Node

Prefix = tuple[str, ...]


Index = dict[str, tuple[bool, tuple[tuple[int, frozenset[Prefix]], ...]]]


def _index(prefixes: tuple[Prefix, ...]) -> Index:
    """First word -> (a one-word prefix matches outright, the longer prefixes grouped by length)."""
    out: dict[str, dict[int, set[Prefix]]] = {}
    for p in prefixes:
        out.setdefault(p[0], {}).setdefault(len(p), set()).add(p)
    return {w: (1 in by_len, tuple((n, frozenset(ps)) for n, ps in sorted(by_len.items()) if n > 1))
            for w, by_len in out.items()}


def _match(index: Index, words: list[str]) -> bool:
    """Whether `words` starts with one of the prefixes (hot path: one lookup, a tuple per prefix length)."""
    entry = index.get(words[0]) if words else None
    if entry is None:
        return False
    if entry[0]:
        return True
    for n, prefixes in entry[1]:
        if tuple(words[:n]) in prefixes:
            return True
    return False


@dataclass(frozen=True)
class BlockSpec:
    """One CLI's views: commands valid only globally, block heads by kind, what each kind owns."""

    globals_: tuple[Prefix, ...]
    blocks: dict[str, tuple[Prefix, ...]]  # kind -> heads
    owns: dict[str, tuple[Prefix, ...]]  # kind -> child commands it takes (unindented ones too)
    scoped: dict[str, tuple[Prefix, ...]] = field(default_factory=dict)  # kind -> globals valid inside it
    closers: frozenset[str] = frozenset()
    enters: tuple[Prefix, ...] = ()  # global commands that open a view (the rest of is_global are one-liners)
    leave: frozenset[str] = frozenset()  # closers that, typed at the global level, leave configuration mode
    _g: dict = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        heads = [(p, kind) for kind, prefixes in self.blocks.items() for p in prefixes]
        self._g.update(globals=_index(self.globals_), enters=_index(self.enters),
                       kinds={w: tuple((p, k) for p, k in heads if p[0] == w) for w in {p[0] for p, _ in heads}},
                       owns={k: _index(v) for k, v in self.owns.items()},
                       scoped={k: _index(v) for k, v in self.scoped.items()},
                       first={p[0] for p in self.globals_} | {p[0] for p, _ in heads},
                       own_first={p[0] for prefixes in self.owns.values() for p in prefixes})

    def relevant(self, words: list[str]) -> bool:
        """Whether the first word can start a global command or a block head at all (the fast path)."""
        return bool(words) and words[0] in self._g["first"]

    def is_global(self, words: list[str]) -> bool:
        return _match(self._g["globals"], words)

    def one_liner(self, words: list[str]) -> bool:
        """A global command that leaves the CLI at the global level."""
        return self.is_global(words) and not _match(self._g["enters"], words) and self.kind(words) is None

    def kind(self, words: list[str]) -> str | None:
        for p, kind in self._g["kinds"].get(words[0], ()) if words else ():
            if len(p) == 1 or tuple(words[:len(p)]) == p:
                return kind
        return None

    def takes(self, kind: str | None, words: list[str]) -> bool:
        return kind is not None and _match(self._g["owns"].get(kind, {}), words)

    def allows(self, kind: str | None, words: list[str]) -> bool:
        return kind is not None and _match(self._g["scoped"].get(kind, {}), words)


@dataclass
class Placement:
    nodes: list[Node]
    notes: list[str]
    ended: Node | None = None  # the closer at which the CLI leaves configuration mode before the file ends


def place(nodes: list[Node], spec: BlockSpec) -> Placement:
    """The top-level nodes as the device applies them, a note per line moved, and where the
    device stops applying the file: after a relocated line the CLI stands at the global level,
    where the block's own `exit` (FRR) or `quit` (VRP) leaves configuration mode, so FRR 8.4
    applies nothing after it (tests/test_audit_frr_placement.py).

    Hot path (10,000 files in the audit's budget): lines are classified only when they could
    matter (a closer, a possible unindented child, a block's children)."""
    out: list[Node] = []
    notes: list[str] = []
    ended: Node | None = None
    first, own_first, kind_first = spec._g["first"], spec._g["own_first"], spec._g["kinds"]
    globals_ = spec._g["globals"]
    open_block: Node | None = None
    open_at = 0
    prev: Node | None = None
    prev_moved = False
    closers, leave = spec.closers, spec.leave
    for node in nodes:
        words = node.words
        w0 = words[0]
        if w0 in closers and len(words) == 1:
            if ended is None and w0 in leave and _at_global(prev, prev_moved, spec):
                ended = node
                notes.append(f"line {node.number}: `{node.text}` at the global level leaves configuration mode: "
                             "the device applies nothing after it")
            open_block, prev, prev_moved = None, None, False
            continue
        if open_block is not None and w0 in own_first and not (w0 in first and _match(globals_, words)):
            target = _orphan_owner(open_block, out, open_at, words, spec)  # (a global command is nobody's)
            if target is not None:
                target.children.append(node)
                notes.append(f"line {node.number}: `{node.text}` is not indented but follows `{target.text}` "
                             f"(line {target.number}): the device applies it there")
                continue
        out.append(node)
        if node.children:
            moved = _hoist(node, spec.kind(words) if w0 in first else None, spec, notes)
            prev, prev_moved = node, bool(moved)
            if moved:
                out += moved
                open_block = None  # the relocated line left the CLI at the global level
            else:
                open_block, open_at = node, len(out)
            continue
        prev, prev_moved = node, False
        if w0 in kind_first and spec.kind(words) is not None:
            open_block, open_at = node, len(out)
    if notes:
        out.sort(key=lambda n: n.number)
    return Placement(out, notes, ended)


def _at_global(prev: Node | None, prev_moved: bool, spec: BlockSpec) -> bool:
    """Whether the CLI stands at the global level after `prev` (None: the start, or just after a closer)."""
    if prev is None or prev_moved:
        return True
    return not prev.children and spec.relevant(prev.words) and spec.one_liner(prev.words)


def _orphan_owner(block: Node, out: list[Node], open_at: int, words: list[str], spec: BlockSpec) -> Node | None:
    """The open block that takes this unindented line, unless it is a global command or a global
    command typed since the block opened returned the CLI to the global view."""
    if spec.relevant(words) and (spec.is_global(words) or spec.kind(words) is not None):
        return None
    if any(not n.children and spec.relevant(n.words) and spec.one_liner(n.words) for n in out[open_at:]):
        return None
    return _owner(block, spec.kind(block.words), words, spec)


def stop_here(config: ParsedConfig, placed: Placement) -> None:
    """Lines after the point where the device leaves configuration mode are not applied: every
    security check is UNKNOWN over such a file (a FAIL it already shows stays FAIL)."""
    if placed.ended is None:
        return
    for kind in ("route", "telnet", "snmp", "firewall"):
        config.cannot_place(kind, placed.ended.line, "the device leaves configuration mode here and applies "
                                                     "nothing after it")


def _owner(block: Node, kind: str | None, words: list[str], spec: BlockSpec) -> Node | None:
    """The open block (or its last sub-block) that takes this unindented line, if any."""
    if spec.takes(kind, words):
        return block
    if block.children:
        last = block.children[-1]
        sub = spec.kind(last.words)
        if sub is not None and spec.takes(sub, words):
            return last
    return None


def _hoist(parent: Node, kind: str | None, spec: BlockSpec, notes: list[str]) -> list[Node]:
    """Take global commands out of `parent` (at any depth); return them in order (hot path)."""
    first, globals_ = spec._g["first"], spec._g["globals"]
    moved: list[Node] = []
    keep: list[Node] | None = None
    for i, child in enumerate(parent.children):
        words = child.words
        if words[0] in first and _match(globals_, words) and not spec.allows(kind, words):
            notes.append(f"line {child.number}: `{child.text}` stands under `{parent.text}` (line {parent.number}), "
                         "where it is not a command of that view: the device applies it globally")
            if keep is None:
                keep = parent.children[:i]
            moved.append(child)
            if child.children:
                moved += _hoist(child, spec.kind(words), spec, notes)
            continue
        if keep is not None:
            keep.append(child)
        if child.children:
            moved += _hoist(child, (spec.kind(words) if words[0] in first else None) or kind, spec, notes)
    if keep is not None:
        parent.children = keep
    return moved


_VRP_GLOBALS: tuple[Prefix, ...] = (
    ("sysname",), ("ip", "route-static"), ("ipv6", "route-static"), ("undo", "ip", "route-static"),
    ("snmp-agent",), ("undo", "snmp-agent"), ("telnet",), ("undo", "telnet"), ("stelnet",), ("undo", "stelnet"),
    ("ssh", "server"), ("undo", "ssh", "server"), ("http",), ("undo", "http"), ("ip", "http"), ("undo", "ip", "http"),
    ("ip", "https"), ("undo", "ip", "https"), ("web-manager",), ("undo", "web-manager"), ("ftp", "server"), ("undo", "ftp", "server"), ("ftp",),
    ("user-interface",), ("line", "vty"), ("line", "class"), ("security-policy",), ("firewall", "zone"),
    ("ip", "address-set"), ("ip", "service-set"), ("nat-policy",), ("nat", "server"), ("nat", "address-group"),
    ("info-center", "loghost"), ("ospf",), ("ospfv3",), ("bgp",), ("isis",), ("rip",), ("ripng",), ("aaa",),
    ("acl",), ("interface",),
)
_VTY_VRP: tuple[Prefix, ...] = (("protocol", "inbound"), ("authentication-mode",), ("acl",), ("undo", "protocol"))
_IFACE_VRP: tuple[Prefix, ...] = (("ip", "address"), ("shutdown",), ("undo", "shutdown"), ("traffic-filter",),
                                  ("packet-filter",), ("nat", "outbound"), ("nat", "server"))
_POLICY: tuple[Prefix, ...] = (("rule", "name"), ("default", "action"))
_RULE: tuple[Prefix, ...] = (("source-zone",), ("destination-zone",), ("source-address",), ("destination-address",),
                             ("service",), ("action",), ("disable",))

VRP = BlockSpec(
    globals_=_VRP_GLOBALS,
    blocks={"vty": (("user-interface", "vty"), ("line", "vty")), "interface": (("interface",),),
            "policy": (("security-policy",),), "rule": (("rule", "name"),), "zone": (("firewall", "zone"),),
            "acl": (("acl",),)},
    owns={"vty": _VTY_VRP, "interface": _IFACE_VRP, "policy": _POLICY, "rule": _RULE,
          "zone": (("add", "interface"),), "acl": (("rule",),)},
    scoped={"interface": (("nat", "server"),), "vty": (("acl",),)},
    closers=frozenset({"quit", "return"}),
    enters=(("user-interface",), ("line",), ("security-policy",), ("firewall", "zone"), ("ip", "address-set"),
            ("ip", "service-set"), ("nat-policy",), ("ospf",), ("ospfv3",), ("bgp",), ("isis",), ("rip",), ("ripng",),
            ("aaa",), ("acl",), ("interface",)),
    leave=frozenset({"quit"}),
)

IOS = BlockSpec(
    globals_=(("hostname",), ("ip", "route"), ("ipv6", "route"), ("no", "ip", "route"), ("snmp-server",),
              ("no", "snmp-server"), ("line",), ("ip", "http"), ("no", "ip", "http"), ("ip", "ssh"), ("router",),
              ("interface",), ("ip", "access-list"), ("access-list",)),
    blocks={"vty": (("line", "vty"),), "interface": (("interface",),), "acl": (("ip", "access-list"),)},
    owns={"vty": (("transport", "input"), ("access-class",), ("login",), ("no", "login"), ("password",)),
          "interface": (("ip", "address"), ("shutdown",), ("no", "shutdown"), ("ip", "access-group"),
                        ("ip", "nat")),
          "acl": (("permit",), ("deny",))},
    closers=frozenset({"exit", "end"}),
    enters=(("line",), ("router",), ("interface",), ("ip", "access-list")),
    leave=frozenset({"exit"}),
)

FRR = BlockSpec(
    globals_=(("hostname",), ("ip", "route"), ("ipv6", "route"), ("no", "ip", "route"), ("password",),
              ("enable", "password"), ("line", "vty"), ("router",), ("agentx",), ("interface",), ("vrf",)),
    blocks={"vty": (("line", "vty"),), "interface": (("interface",),), "vrf": (("vrf",),)},
    owns={"vty": (("no", "login"), ("login",), ("access-class",), ("password",)),
          "interface": (("ip", "address"), ("shutdown",), ("no", "shutdown")),
          "vrf": (("ip", "route"), ("ipv6", "route"))},
    scoped={"vrf": (("ip", "route"), ("ipv6", "route")), "vty": (("password",),)},
    closers=frozenset({"exit", "exit-vrf", "end"}),
    enters=(("line", "vty"), ("router",), ("interface",), ("vrf",)),
    leave=frozenset({"exit", "exit-vrf"}),
)
