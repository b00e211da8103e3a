"""Is this text a whole running configuration, written by the CLI the inventory says the
device runs? Checked before any line of it is believed.

Complete means the markers a full configuration carries: VRP and Comware open with
`sysname` and close with `return`; IOS has `hostname` and closes with `end`; FRR, as vtysh
writes it, opens with `frr version`, names its `hostname` and closes with `end` (show
running-config) or a closed block (`!` / `exit`: `write file`). The dialect is told by the
commands only one CLI writes; a file whose dialect is another platform's is not evidence.
"""

from __future__ import annotations

from typing import Iterable, Iterator

FAMILY = {"huawei_vrp": "vrp", "hp_comware": "vrp", "cisco_ios": "ios", "frr": "frr"}
LABEL = {"vrp": "Huawei VRP / H3C Comware", "ios": "Cisco IOS", "frr": "FRR", "huawei_vrp": "Huawei VRP",
         "hp_comware": "H3C Comware", "cisco_ios": "Cisco IOS"}  # every family and every platform of FAMILY


# Lines only one CLI family writes, as literal substrings of "\n" + text (a substring test per
# marker is what keeps 10,000 files within the audit's time budget).
_FAMILY_MARKERS = {
    "frr": ("\nfrr version", "\nfrr defaults", "\nexit-vrf", "\nservice integrated-vtysh-config", "\nline vty\n",
            "\nexit\n"),
    "ios": ("\nline vty 0 ", "\n transport input", "\nservice password-encryption", "\nservice timestamps",
            "\nno service pad", "\nsnmp-server ", "\nno ip http"),
    "vrp": ("\nsysname ", "\n sysname ", "\nreturn", "\nundo ", "\n undo ", "\nsnmp-agent", "\n snmp-agent",
            "\nip route-static", "\n ip route-static", "\ninfo-center ", "\n info-center "),
}
# what the other families write that the VRP family never does: checked first, the full vote only if one is seen
_NOT_VRP = ("\nhostname ", "\nfrr version", "\nsnmp-server ", "\n transport input")
_VENDOR_MARKERS = {
    "huawei_vrp": ("user-interface vty", "\ninterface Vlanif", "\ninterface XGigabitEthernet", "stelnet server enable",
                   "\nacl number", "port link-type"),
    "hp_comware": ("\nline vty", "\ninterface Vlan-interface", "\ninterface Ten-GigabitEthernet", "port link-mode",
                   "\nacl basic", "global enable"),
}
_COMMENT = ("!", "#")
_FRR_HEADER = ("Building configuration...", "Current configuration:")


def _score(markers: tuple[str, ...], text: str) -> int:
    n = 0
    for m in markers:  # a plain loop: a generator per file costs more than the substring tests
        if m in text:
            n += 1
    return n


def family_of(text: str) -> str | None:
    """The CLI family whose markers the text carries most; None when it carries none."""
    text = "\n" + text
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
    framed = "\n" + text
    if expected == "vrp" and not _score(_NOT_VRP, framed):
        found: str | None = "vrp"
    else:
        found = family_of(text)
    if found is None:
        return f"it does not read as any known CLI (expected {LABEL[platform]})"
    if found != expected:
        return f"it is written in the {LABEL[found]} dialect, but the inventory says {platform}"
    if expected == "vrp":
        other = "hp_comware" if platform == "huawei_vrp" else "huawei_vrp"
        theirs = _score(_VENDOR_MARKERS[other], framed)
        mine = _score(_VENDOR_MARKERS[platform], framed) if theirs else 0
        if theirs > mine:
            return (f"it is written in the {LABEL[other]} dialect ({theirs} markers against {mine}), "
                    f"but the inventory says {platform}")
    return None


def _significant(lines: Iterable[str]) -> str | None:
    for raw in lines:
        stripped = raw.strip()
        if stripped and not stripped.startswith(_COMMENT) and stripped not in _FRR_HEADER:
            return stripped
    return None


def _lines_from_end(text: str) -> Iterator[str]:
    """The lines of `text`, last first, without splitting the whole file (hot path)."""
    end = len(text)
    while end > 0:
        start = text.rfind("\n", 0, end)
        yield text[start + 1:end]
        end = max(start, 0)


def _lines_from_start(text: str) -> Iterator[str]:
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        yield text[start:end]
        start = end + 1


def completeness_problem(platform: str, text: str, hostname: str | None) -> str | None:
    """Why this is not a whole configuration as the device prints it, or None."""
    family = FAMILY.get(platform)
    if family is None:
        return None
    last = _significant(_lines_from_end(text))
    name_word = "sysname" if family == "vrp" else "hostname"
    if hostname is None:
        return f"no `{name_word}` line: not a whole configuration"
    if family == "vrp" and last != "return":
        return f"it does not end with `return` (last line: {last!r}): truncated or not a whole configuration"
    if family == "ios" and last != "end":
        return f"it does not end with `end` (last line: {last!r}): truncated or not a whole configuration"
    if family == "frr":
        first = _significant(_lines_from_start(text))
        if first is None or not first.startswith("frr version"):
            return "it does not open with `frr version` as vtysh writes it: not a whole configuration"
        closing = next((raw.strip() for raw in _lines_from_end(text) if raw.strip()), "")
        if last != "end" and closing not in ("!", "exit", "exit-vrf"):
            return (f"it ends inside a block (last line: {closing!r}), not with `end` or a closed block: "
                    "truncated")
    return None
