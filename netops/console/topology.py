"""The inventory graph by zone, laid out by Graphviz (`dot -Tsvg`, Debian's graphviz).

Zones are coloured clusters; devices in more than one zone (firewalls, gatekeepers) sit
outside every cluster, on the borders between them. A town's villages collapse into one node
per zone so a county of a thousand villages stays readable; the villages page lists them.
The layout depends only on the inventory and the viewer's scope, so it is computed once and
cached; live status and audit paths are laid over it as CSS rules on stable element ids.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from html import escape

from netops.errors import NetopsError
from netops.inventory.model import BOUNDARY_ROLES, Device, Inventory, Role

ZONE_COLOURS = {"classified": "#fde2e2", "government": "#e0f0ff", "public": "#eeeeee", "special": "#fff4d6"}
ROLE_SHAPES = {Role.firewall: "hexagon", Role.gatekeeper: "octagon", Role.core_switch: "box3d",
               Role.router: "ellipse", Role.ups: "cylinder", Role.eps: "cylinder", Role.server: "component",
               Role.storage: "folder"}


class TopologyError(NetopsError):
    """Graphviz is missing or failed (exit 3: could not run)."""

    exit_code = 3


def node_id(name: str) -> str:
    return f"dev-{name}"


def villages_id(town: str, zone: str) -> str:
    return f"villages-{town}-{zone}"


def edge_id(a: str, b: str) -> str:
    x, y = sorted((a, b))
    return f"cable-{x}--{y}"


@dataclass(frozen=True)
class GraphNodes:
    """Which drawn node stands for each device (a village -> its town's village node)."""

    node_of: dict[str, str]


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _collapsed(device: Device) -> bool:
    return device.role is Role.village_ap and bool(device.town)


def build_dot(inv: Inventory, devices: dict[str, Device]) -> tuple[str, GraphNodes]:
    """DOT text for the given devices (a viewer's scope) and the device -> node map."""
    node_of: dict[str, str] = {}
    clusters: dict[str, list[str]] = {z: [] for z in inv.zones}
    border: list[str] = []
    village_counts: dict[tuple[str, str], int] = {}
    for name, d in sorted(devices.items()):
        if _collapsed(d):
            key = (d.town or "", d.zone)
            node_of[name] = villages_id(*key)
            village_counts[key] = village_counts.get(key, 0) + 1
            continue
        node_of[name] = node_id(name)
        shape = ROLE_SHAPES.get(d.role, "box")
        line = (f'{_q(node_id(name))} [id={_q(node_id(name))} label={_q(name)} shape={shape} '
                f'URL={_q("/device/" + name)} tooltip={_q(f"{name} ({d.role.value})")}];')
        if len(d.zones) > 1 or d.role in BOUNDARY_ROLES:
            border.append(line.replace("];", ' style="filled,bold" fillcolor="#ffffff" penwidth=2];'))
        else:
            clusters.setdefault(d.zone, []).append(line)
    for (town, zone), count in sorted(village_counts.items()):
        nid = villages_id(town, zone)
        clusters.setdefault(zone, []).append(
            f'{_q(nid)} [id={_q(nid)} label={_q(f"{town} ×{count}")} shape=tab URL={_q("/town/" + town)}];')
    lines = ["graph netops {", 'graph [rankdir=LR fontname="sans-serif" fontsize=12 nodesep=0.25 ranksep=0.6 splines=true];',
             'node [fontname="sans-serif" fontsize=10 style=filled fillcolor="#ffffff" height=0.3];',
             'edge [color="#777777"];']
    for zone, members in clusters.items():
        if not members:
            continue
        z = inv.zones.get(zone)
        colour = ZONE_COLOURS.get(z.kind.value if z else "", "#f4f4f4")
        label = f"{z.label or zone} ({zone})" if z else zone
        lines.append(f"subgraph {_q('cluster_' + zone)} {{ id={_q('zone-' + zone)} label={_q(label)} "
                     f'style=filled fillcolor={_q(colour)} color="#999999";')
        lines.extend(members)
        lines.append("}")
    lines.extend(border)
    seen: set[tuple[str, str]] = set()
    for link in inv.links:
        a, b = node_of.get(link.a.device), node_of.get(link.b.device)
        if a is None or b is None or a == b:
            continue
        key = tuple(sorted((a, b)))
        if key in seen:
            continue
        seen.add(key)
        eid = edge_id(*key)
        lines.append(f"{_q(a)} -- {_q(b)} [id={_q(eid)} tooltip={_q(f'{link.a.device}:{link.a.interface} - {link.b.device}:{link.b.interface}')}];")
    lines.append("}")
    return "\n".join(lines), GraphNodes(node_of)


def layout_svg(dot_text: str, timeout: float = 60.0) -> str:
    """Run Graphviz; the SVG without its XML prologue, ready to inline in a page."""
    try:
        proc = subprocess.run(["dot", "-Tsvg"], input=dot_text.encode(), capture_output=True, timeout=timeout)
    except FileNotFoundError:
        raise TopologyError("graphviz is not installed (Debian package graphviz: apt-get install graphviz)") from None
    except subprocess.TimeoutExpired:
        raise TopologyError(f"graphviz took more than {timeout:.0f} s") from None
    if proc.returncode != 0:
        raise TopologyError(f"dot failed: {proc.stderr.decode(errors='replace').strip()[:500]}")
    svg = proc.stdout.decode()
    return svg[svg.find("<svg"):]


def overlay_css(nodes: GraphNodes, state: dict[str, str], path_devices: list[list[str]],
                alerting: set[str] = frozenset()) -> str:  # type: ignore[assignment]
    """CSS that paints each node by status (a village node red when any village is down) and
    highlights counterexample paths: stable ids, so the cached layout is reused."""
    node_state: dict[str, str] = {}
    for device, nid in nodes.node_of.items():
        value = state.get(device, "unknown")
        previous = node_state.get(nid)
        if previous == "down" or (previous == "up" and value == "unknown"):
            continue
        node_state[nid] = value
    fills = {"up": "#b7e4b0", "down": "#ff6b6b", "unknown": "#ffffff"}
    rules = []
    for nid, value in sorted(node_state.items()):
        if value != "unknown":
            rules.append(f'[id="{escape(nid)}"] :is(polygon,ellipse,path) {{ fill: {fills[value]}; }}')
    for nid in sorted({nodes.node_of[d] for d in alerting if d in nodes.node_of}):
        rules.append(f'[id="{escape(nid)}"] :is(polygon,ellipse,path) {{ stroke: #ff8c00; stroke-width: 3px; stroke-dasharray: 4 2; }}')
    for path in path_devices:
        drawn = [nodes.node_of[d] for d in path if d in nodes.node_of]
        for nid in drawn:
            rules.append(f'[id="{escape(nid)}"] :is(polygon,ellipse,path) {{ stroke: #d00000; stroke-width: 4px; }}')
        for a, b in zip(drawn, drawn[1:]):
            if a != b:
                rules.append(f'[id="{escape(edge_id(a, b))}"] path {{ stroke: #d00000; stroke-width: 5px; }}')
    return "\n".join(rules)


def node_states(nodes: GraphNodes, state: dict[str, str]) -> dict[str, str]:
    """Each drawn node's state (for tests and the JSON view)."""
    out: dict[str, str] = {}
    for device, nid in nodes.node_of.items():
        value = state.get(device, "unknown")
        if out.get(nid) != "down":
            out[nid] = value if value != "unknown" or nid not in out else out[nid]
    return out
