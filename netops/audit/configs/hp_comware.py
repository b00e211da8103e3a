"""H3C / HP Comware 5 and 7 switches (`line vty` on 7, `user-interface vty` on 5)."""

from __future__ import annotations

from netops.audit.configs import vrp_family
from netops.audit.configs.blocks import VRP, place, stop_here
from netops.audit.configs.model import ParsedConfig
from netops.audit.configs.tree import parse_tree


def parse(text: str) -> ParsedConfig:
    nodes, count = parse_tree(text)
    placed = place(nodes, VRP)
    nodes, notes = placed.nodes, placed.notes
    config = ParsedConfig("hp_comware", lines=count, relocated=notes)
    stop_here(config, placed)
    vrp_family.globals_(nodes, config, ("line vty", "user-interface vty"), comware=True)
    vrp_family.default_v3(config.snmp)
    if "nat" in text:
        vrp_family.nat(nodes, config)
    return config
