"""The configuration tree the audit reads every line through is built by a fast path (line shapes
cached per distinct line, the last line kept off the ancestor stack). It must build exactly the
tree the plain rule gives: a line's parent is the nearest line above with less indentation, a
separator closes every block. Checked here against that rule written plainly, on random and
hostile layouts (tabs, odd Unicode spaces, CR, form feeds, separators mid-block, indentation
that returns to a level no line opened)."""

from __future__ import annotations

import random

import pytest

from netops.audit.configs.tree import Node, parse_tree
from tests.audit_support import configs, rendered  # noqa: F401 - shared fixtures


def reference(text: str, separators: str) -> tuple[list[tuple], int]:
    """The rule, plainly: (text, number, words, children) tuples and the line count."""
    root: list = []
    stack: list[tuple[int, list]] = [(-1, root)]
    number = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped:
            continue
        if stripped[0] in separators:
            stack = [(-1, root)]
            continue
        indent = len(raw) - len(raw.lstrip())
        while stack[-1][0] >= indent:
            stack.pop()
        children: list = []
        stack[-1][1].append((stripped, number, stripped.split(), children))
        stack.append((indent, children))
    return root, number


def shape(nodes: list[Node]) -> list[tuple]:
    return [(n.text, n.number, n.words, shape(n.children)) for n in nodes]


WORDS = ["interface", "ip", "route-static", "0.0.0.0", "undo", "telnet", "server", "enable", "snmp-agent",
         "rule", "5", "permit", "quit", "return", "exit", "vty", "line", "!x", "#y"]
INDENTS = ["", "", "", " ", " ", "  ", "   ", "\t", " \t", "\u3000", "\x0c", "    "]
ENDS = ["\n", "\n", "\n", "\r\n", "\r", "\x0b", "\u2028", "\x85"]


def random_config(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(0, 60)):
        kind = rng.random()
        if kind < 0.12:
            lines.append(rng.choice(["#", "!", " #", "  ! comment", "#x"]))
        elif kind < 0.2:
            lines.append(rng.choice(["", " ", "\t"]))
        else:
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
            lines.append(rng.choice(INDENTS) + words + rng.choice(["", "", " ", "\t"]))
    return "".join(line + rng.choice(ENDS) for line in lines)


@pytest.mark.parametrize("separators", ["#!", "!"])
def test_the_fast_tree_is_the_plain_rule_on_random_layouts(separators):
    rng = random.Random(9)
    for _ in range(3000):
        text = random_config(rng)
        nodes, count = parse_tree(text, separators)
        assert (shape(nodes), count) == reference(text, separators), repr(text)


def test_identical_lines_in_different_files_get_their_own_nodes():
    """Line shapes are shared between files; nodes, their children and numbers never are."""
    a, _ = parse_tree("interface X\n ip address 10.0.0.1 24\n")
    b, _ = parse_tree("#\ninterface X\n ip address 10.0.0.1 24\n")
    assert a[0] is not b[0] and a[0].children is not b[0].children
    assert (a[0].number, b[0].number) == (1, 2)
    b[0].children.clear()
    assert [c.text for c in a[0].children] == ["ip address 10.0.0.1 24"]


def test_a_separator_set_does_not_leak_into_another():
    """`#` separates on VRP but is an ordinary line for FRR's parser (separators "!")."""
    vrp, _ = parse_tree("a\n#b\n c\n", "#!")
    frr, _ = parse_tree("a\n#b\n c\n", "!")
    assert [n.text for n in vrp] == ["a", "c"]
    assert [n.text for n in frr] == ["a", "#b"] and [c.text for c in frr[1].children] == ["c"]


def test_no_configuration_text_outlives_the_read(tmp_path):
    """The per-line caches hold configuration text (a community string, say): the bulk read empties
    them when it ends, so the next audit in the process starts cold and nothing lingers in memory."""
    from netops.audit.config_evidence import select_configs
    from netops.audit.configs import tree, vrp_family

    (tmp_path / "sw-1.cfg").write_text("sysname sw-1\n#\nsnmp-agent community read s3cret-community\n#\nreturn\n")
    selection = select_configs(tmp_path, {"sw-1": "huawei_vrp"})
    assert [str(line) for line in selection.configs["sw-1"].parsed.snmp.legacy] == [
        "line 3: snmp-agent community read s3cret-community"]
    assert not any(tree._SHAPES.values())
    assert vrp_family._snmp_kind.cache_info().currsize == 0


def test_the_line_cache_stays_bounded_on_a_huge_file_of_distinct_lines():
    from netops.audit.configs import tree

    text = "".join(f"description line {i}\n" for i in range(tree._SHAPES_MAX + 5000))
    nodes, count = parse_tree(text)
    assert count == len(nodes) == tree._SHAPES_MAX + 5000 and nodes[-1].text.endswith(str(count - 1))
    assert len(tree._SHAPES["#!"]) <= tree._SHAPES_MAX
    tree.forget_shapes()


def test_no_configuration_text_outlives_the_config_layer(configs):  # noqa: F811 - the shared fixture
    """The boundary checks (NAT, IDS mirroring) read the firewall's and core's text again: the
    layer empties the caches after them too."""
    from netops.audit.configs import tree, vrp_family
    from tests.audit_support import SAMPLE, audit

    report = audit(SAMPLE, ("config",), configs=configs)
    assert report.passed and any(f.check == "config.boundary-nat" for f in report.findings)
    assert not any(tree._SHAPES.values())
    assert vrp_family._snmp_kind.cache_info().currsize == 0
