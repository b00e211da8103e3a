"""Software releases netops renders for, and the syntax facts that depend on them.

A device type (or a device) names its release as `<family> <version>`, e.g. `VRP V200R021C10`,
`AR V300R019C10`, `USG V500R005C20`, `Comware 7.1.064`, `IOS-XE 17.9`, `FRR 8.4.4`.
Templates branch on the `features` derived here, never on version text, so each syntax
difference is decided in one place and documented in docs/render.md. A release outside the
supported range is refused: rendering for it would be a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Family:
    """One software line: the platform it runs on, the versions netops renders for."""

    name: str
    platform: str
    pattern: re.Pattern[str]  # full match of the version; groups give the comparable key
    supported: str  # human text for errors and docs
    first: tuple[int, ...]
    last: tuple[int, ...]
    example: str


def _key(match: re.Match[str]) -> tuple[int, ...]:
    return tuple(int(g) for g in match.groups() if g is not None)


FAMILIES: dict[str, Family] = {f.name.lower(): f for f in (
    Family("VRP", "huawei_vrp", re.compile(r"V200R(\d{3})C(\d{2})(?:SPC\d{3})?"),
           "V200R013C00 to V200R023C10 (S-series campus switches)", (13, 0), (23, 10), "VRP V200R021C10"),
    Family("AR", "huawei_vrp", re.compile(r"V300R(\d{3})C(\d{2})(?:SPC\d{3})?"),
           "V300R019C00 to V300R023C10 (AR access routers)", (19, 0), (23, 10), "AR V300R019C10"),
    Family("USG", "huawei_vrp", re.compile(r"V(500|600)R(\d{3})C(\d{2})(?:SPC\d{3})?"),
           "V500R001C00 to V500R005C20 and V600R007C00 to V600R007C20 (USG6000/USG6000E firewalls)",
           (500, 1, 0), (600, 7, 20), "USG V500R005C20"),
    Family("Comware", "hp_comware", re.compile(r"7\.1\.(\d{3})(?:[ ,]+Release \d{4}[A-Z0-9]*)?"),
           "7.1.045 to 7.1.070 (Comware 7 switches)", (45,), (70,), "Comware 7.1.064"),
    Family("IOS-XE", "cisco_ios", re.compile(r"(1[67])\.(\d{1,2})(?:\.(\d{1,2})[a-z]?)?"),
           "16.9 to 17.15 (IOS XE)", (16, 9), (17, 15), "IOS-XE 17.9"),
    Family("FRR", "frr", re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?"), "8.4 to 10.2", (8, 4), (10, 2), "FRR 8.4.4"),
)}

# USG V600 is a separate line inside its family: V500R001-R005 and V600R007 are supported,
# so the range check for USG needs more than first/last.
_USG_LINES = {500: range(1, 6), 600: range(7, 8)}


class ReleaseError(ValueError):
    """The release text is malformed, of another platform, or outside the supported range."""


@dataclass(frozen=True)
class Release:
    family: str  # "VRP", "AR", "USG", "Comware", "IOS-XE", "FRR"
    version: str
    key: tuple[int, ...]

    def __str__(self) -> str:
        return f"{self.family} {self.version}"

    def at_least(self, *key: int) -> bool:
        return self.key >= key


def parse_release(text: str, platform: str | None = None) -> Release:
    """`VRP V200R021C10` -> Release; raises ReleaseError with what would have been accepted."""
    name, _, version = text.strip().partition(" ")
    family = FAMILIES.get(name.lower())
    if family is None:
        raise ReleaseError(f"unknown software family '{name}' in '{text}'; expected one of "
                           f"{', '.join(f.example for f in FAMILIES.values())}")
    if platform is not None and family.platform != platform:
        raise ReleaseError(f"{family.name} software runs on platform {family.platform}, not {platform}")
    version = version.strip()
    match = family.pattern.fullmatch(version)
    if match is None:
        raise ReleaseError(f"'{version}' is not a {family.name} version (e.g. {family.example})")
    key = _key(match)
    if family.name == "USG":
        supported = key[1] in _USG_LINES.get(key[0], ())
    else:
        supported = family.first <= key[:len(family.first)] <= family.last
    if not supported:
        raise ReleaseError(f"{family.name} {version} is not a release netops renders for; supported: "
                           f"{family.supported} (see docs/render.md)")
    return Release(family.name, version, key)


# --- syntax facts -----------------------------------------------------------------------------
# Each: (family, predicate on the release, what it means). Read by templates through `features`.

FeatureRule = tuple[str, Callable[[Release], bool]]

FEATURES: dict[str, tuple[FeatureRule, ...]] = {
    # SSH and the SNMP agent answer only on interfaces bound to them (S V200R020, AR V300R019 on).
    "ssh_server_source": (("VRP", lambda r: r.at_least(20)), ("AR", lambda r: True)),
    "snmp_source_interface": (("VRP", lambda r: r.at_least(20)), ("AR", lambda r: True)),
    # Comware 7.1.064 on prints basic ACLs as `acl basic N`; earlier releases `acl number N`.
    "acl_basic": (("Comware", lambda r: r.at_least(64)),),
    # `ssh server acl` guards the SSH server whatever VTY a session lands on (S-series and AR).
    "ssh_server_acl": (("VRP", lambda r: True), ("AR", lambda r: True)),
    # S-series and AR reserve VTY 16-20 (for the NMS); they need the same protection as 0-4.
    "vty_16_20": (("VRP", lambda r: True), ("AR", lambda r: True)),
    # USG: web management is `web-manager`, not the switches' `http server`.
    "web_manager": (("USG", lambda r: True),),
    # USG: an SNMPv3 user with its keys in plain text on one line, `... <group> simple
    # authentication-mode {md5|sha} K privacy-mode P K`; the device stores the keys encrypted. After
    # `cipher` the USG takes only ciphertext (USG CLI reference, snmp-agent usm-user).
    "snmp_usm_simple": (("USG", lambda r: True),),
}


def features(release: Release) -> dict[str, bool]:
    """The syntax facts true for this release, as template flags."""
    return {name: any(fam == release.family and test(release) for fam, test in rules)
            for name, rules in FEATURES.items()}


def supported_table() -> list[tuple[str, str, str, str]]:
    """(family, platform, supported versions, example) for docs and `--help`."""
    return [(f.name, f.platform, f.supported, f.example) for f in FAMILIES.values()]
