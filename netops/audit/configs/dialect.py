"""Is this text a whole running configuration, written by the CLI the inventory says the
device runs? Checked before any line of it is believed.

Complete means the markers a full configuration carries: VRP and Comware open with
`sysname` and close with `return`; IOS has `hostname` and closes with `end`; FRR, as vtysh
writes it, opens with `frr version`, names its `hostname` and closes with `end` (show
running-config) or a closed block (`!` / `exit`: `write file`). The dialect is told by the
commands only one CLI writes; a file whose dialect is another platform's is not evidence.
"""

from __future__ import annotations

import re

FAMILY = {"huawei_vrp": "vrp", "hp_comware": "vrp", "cisco_ios": "ios", "frr": "frr"}
LABEL = {"vrp": "Huawei VRP / H3C Comware", "ios": "Cisco IOS", "frr": "FRR", "huawei_vrp": "Huawei VRP",
         "hp_comware": "H3C Comware"}


def _markers(*patterns: str) -> list[re.Pattern[str]]:
    return [re.compile(p, re.M) for p in patterns]


_FAMILY_MARKERS = {
    "frr": _markers(r"^frr (version|defaults)\b", r"^exit-vrf$", r"^ ip address \d+\.\d+\.\d+\.\d+/\d+",
                    r"^ip route \S+/\d+", r"^service integrated-vtysh-config$", r"^line vty$"),
    "ios": _markers(r"^line vty \d+", r"^ transport input", r"^(no )?service (password-encryption|timestamps|pad)",
                    r"^version \d+\.\d+$", r"^ip route \d+\.\d+\.\d+\.\d+ \d+\.\d+\.\d+\.\d+", r"^snmp-server ",
                    r"^ ip address \d+\.\d+\.\d+\.\d+ \d+\.\d+\.\d+\.\d+", r"^no ip http"),
    "vrp": _markers(r"^ ?sysname ", r"^return$", r"^ ?undo ", r"^ ?snmp-agent", r"^ ?ip route-static",
                    r"^ ?info-center ", r"^ ?(user-interface|line) vty \d+"),
}
_VENDOR_MARKERS = {
    "huawei_vrp": _markers(r"^ ?user-interface vty", r"^ ?vlan batch", r"^interface (Vlanif|XGigabitEthernet|Eth-Trunk|MEth)",
                           r"^!Software Version V\d{3}R", r"^ ?stelnet server enable", r"^ ?acl number",
                           r"^ ?security-policy$", r"^ ?firewall zone", r"^ local-user \S+ service-type",
                           r"^ manager-user ", r"^ ?port link-type"),
    "hp_comware": _markers(r"^ ?line vty", r"^interface (Vlan-interface|Ten-GigabitEthernet|Bridge-Aggregation|"
                           r"M-GigabitEthernet|FortyGigE|HundredGigE)", r"^ ?version 7\.\d", r"^ ?port link-mode",
                           r"^ ?acl (basic|advanced)", r"^ ?lldp global enable", r"^ ?stp global enable",
                           r"^ ?ssh server enable", r"^ ?irf ", r"^ ?undo ip http enable"),
}
_COMMENT = ("!", "#")
_FRR_HEADER = ("Building configuration...", "Current configuration:")


def _score(markers: list[re.Pattern[str]], text: str) -> int:
    return sum(1 for m in markers if m.search(text))


def family_of(text: str) -> str | None:
    """The CLI family whose markers the text carries most; None when it carries none."""
    scores = {family: _score(markers, text) for family, markers in _FAMILY_MARKERS.items()}
    best = max(scores.values())
    if best == 0:
        return None
    winners = [f for f, s in scores.items() if s == best]
    return winners[0] if len(winners) == 1 else None


def dialect_problem(platform: str, text: str) -> str | None:
    """Why this text is not a `platform` configuration, or None."""
    expected = FAMILY.get(platform)
    if expected is None:
        return None
    found = family_of(text)
    if found is None:
        return f"it does not read as any known CLI (expected {LABEL[platform]})"
    if found != expected:
        return f"it is written in the {LABEL[found]} dialect, but the inventory says {platform}"
    if expected == "vrp":
        mine = _score(_VENDOR_MARKERS[platform], text)
        other = "hp_comware" if platform == "huawei_vrp" else "huawei_vrp"
        theirs = _score(_VENDOR_MARKERS[other], text)
        if theirs > mine:
            return (f"it is written in the {LABEL[other]} dialect ({theirs} markers against {mine}), "
                    f"but the inventory says {platform}")
    return None


def _significant(lines: list[str], reverse: bool = False) -> str | None:
    for raw in (reversed(lines) if reverse else lines):
        stripped = raw.strip()
        if stripped and not stripped.startswith(_COMMENT) and stripped not in _FRR_HEADER:
            return stripped
    return None


def completeness_problem(platform: str, text: str, hostname: str | None) -> str | None:
    """Why this is not a whole configuration as the device prints it, or None."""
    family = FAMILY.get(platform)
    if family is None:
        return None
    lines = text.splitlines()
    last = _significant(lines, reverse=True)
    name_word = "sysname" if family == "vrp" else "hostname"
    if hostname is None:
        return f"no `{name_word}` line: not a whole configuration"
    if family == "vrp" and last != "return":
        return f"it does not end with `return` (last line: {last!r}): truncated or not a whole configuration"
    if family == "ios" and last != "end":
        return f"it does not end with `end` (last line: {last!r}): truncated or not a whole configuration"
    if family == "frr":
        first = _significant(lines)
        if first is None or not first.startswith("frr version"):
            return "it does not open with `frr version` as vtysh writes it: not a whole configuration"
        closing = next((raw.strip() for raw in reversed(lines) if raw.strip()), "")
        if last != "end" and closing not in ("!", "exit", "exit-vrf"):
            return (f"it ends inside a block (last line: {closing!r}), not with `end` or a closed block: "
                    "truncated")
    return None
