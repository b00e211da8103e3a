"""Configuration parsers, one per platform, all returning `ParsedConfig`.

They read what the audit needs and ignore the rest; a line they do not understand is never
an error (vendors add commands every release), but a fact they cannot resolve is recorded
so the check concerned says UNKNOWN instead of guessing.
"""

from __future__ import annotations

from typing import Callable

from netops.audit.configs import cisco_ios, frr, hp_comware, huawei_vrp, tree, vrp_family
from netops.audit.configs.model import ParsedConfig

PARSERS: dict[str, Callable[[str], ParsedConfig]] = {
    "huawei_vrp": huawei_vrp.parse,
    "hp_comware": hp_comware.parse,
    "cisco_ios": cisco_ios.parse,
    "frr": frr.parse,
}


def parse_config(platform: str, text: str) -> ParsedConfig | None:
    """None when netops has no parser for the platform."""
    parser = PARSERS.get(platform)
    if parser is None:
        return None
    parsed = parser(text)
    parsed.source_text = text
    return parsed


def forget_lines() -> None:
    """Empty the parsers' per-line caches (line shapes, snmp-agent kinds): called after each bulk
    read, so no configuration text (communities included) stays in memory after the audit."""
    tree.forget_shapes()
    vrp_family.forget_lines()


__all__ = ["PARSERS", "ParsedConfig", "forget_lines", "parse_config"]
