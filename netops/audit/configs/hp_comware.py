"""H3C / HP Comware 5 and 7 switches (`line vty` on 7, `user-interface vty` on 5)."""

from __future__ import annotations

from netops.audit.configs import vrp_family
from netops.audit.configs.model import ParsedConfig
from netops.audit.configs.tree import parse_tree


def parse(text: str) -> ParsedConfig:
    nodes, count = parse_tree(text)
    config = ParsedConfig("hp_comware", lines=count)
    vrp_family.interfaces(nodes, config)
    vrp_family.globals_(nodes, config, ("line vty", "user-interface vty"))
    vrp_family.default_v3(config.snmp)
    return config
