"""The audit policy (`policy.yaml`): which zones must never meet, which meet only through a
firewall and with which flows, which gatekeepers are approved, the control catalogue and
the waivers.

It sits beside the inventory but is loaded here (the inventory loader skips it): it is the
auditor's statement of the rules, the inventory is the engineer's statement of the network.
Errors name the file, line and field like the inventory's.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import ipaddress
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from netops.audit.catalogue import CHECKS, CHECKS_BY_ID, CONTROLS
from netops.errors import NetopsError, Problem
from netops.inventory.model import Flow, Inventory, Isolation, ZoneKind
from netops.inventory.source import SourceMap, read_yaml

Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
Text = Annotated[str, Field(max_length=1000)]


class PolicyError(NetopsError):
    """The policy file is missing or wrong: the audit cannot say anything without it."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ZonePair(Strict):
    """Two zones; `*` as the second stands for every other zone of the inventory."""

    zones: Annotated[list[Name | Literal["*"]], Field(min_length=2, max_length=2)]
    description: Text | None = None

    @model_validator(mode="after")
    def _distinct(self) -> "ZonePair":
        if self.zones[0] == "*":
            raise ValueError("put the named zone first: [intranet, '*']")
        if self.zones[0] == self.zones[1]:
            raise ValueError("a zone pair needs two different zones")
        return self


class InlineFlow(Strict):
    name: Name
    from_zone: Name
    to_zone: Name
    sources: list[ipaddress.IPv4Network | Literal["any"]] = ["any"]
    destinations: list[ipaddress.IPv4Network | Literal["any"]] = ["any"]
    protocol: Literal["tcp", "udp", "icmp", "any"] = "tcp"
    ports: list[Annotated[int, Field(ge=1, le=65535)]] = []
    description: Text | None = None


class FirewallBoundary(Strict):
    """Zones that may meet only through these firewalls, permitting only these flows."""

    name: Name
    zones: Annotated[list[Name], Field(min_length=2, max_length=2)]
    untrusted: Name | None = None  # the side whose any-to-any permits are forbidden (default: public zone)
    firewalls: list[Name] = []  # approved boundary devices; empty = every device whose role is firewall
    ids: list[Name] = []  # IDS devices that must watch the boundary; empty = any IDS
    flows: list[Name | InlineFlow] = []  # inventory flow names, or flows written here
    description: Text | None = None


class Gatekeeper(Strict):
    """An approved one-way gatekeeper (网闸) and the zones it may join."""

    device: Name
    zones: Annotated[list[Name], Field(min_length=2)]
    direction: Text | None = None
    description: Text | None = None


class Hardening(Strict):
    forbid_telnet: bool = True
    snmpv3_only_zones: list[Name] | None = None  # default: every classified zone


class Control(Strict):
    id: Name
    standard: Text
    clause: Text
    title: Text
    requirement: Text = ""
    waivable: bool = True


class Waiver(Strict):
    """A known failure accepted for a while: who accepted it, why, until when."""

    check: Annotated[str, Field(min_length=1, max_length=100)]  # check id or glob (config.*)
    target: Annotated[str, Field(min_length=1, max_length=200)]  # target or glob
    reason: Annotated[str, Field(min_length=3, max_length=1000)]
    owner: Annotated[str, Field(min_length=1, max_length=200)]
    expires: dt.date

    @field_validator("check")
    @classmethod
    def _known_check(cls, value: str) -> str:
        if not any(fnmatch.fnmatchcase(c.id, value) for c in CHECKS):
            raise ValueError(f"matches no check; checks are: {', '.join(c.id for c in CHECKS)}")
        return value

    def matches(self, check: str, target: str) -> bool:
        return fnmatch.fnmatchcase(check, self.check) and fnmatch.fnmatchcase(target, self.target)


class PolicyInfo(Strict):
    name: Text = "isolation policy"
    level: Literal[2, 3, 4] = 3
    description: Text | None = None


class Policy(Strict):
    policy: PolicyInfo = PolicyInfo()
    physical_isolation: list[ZonePair] = []
    firewall_boundaries: list[FirewallBoundary] = []
    gatekeepers: list[Gatekeeper] = []
    hardening: Hardening = Hardening()
    controls: list[Control] = []
    checks: dict[str, list[Name]] = {}  # check id -> control ids (overrides the default mapping)
    waivers: list[Waiver] = []
    # filled by the loader: where each value was written
    _file: str = PrivateAttr(default="(policy)")
    _src: SourceMap = PrivateAttr(default_factory=SourceMap)

    @property
    def file(self) -> str:
        return self._file

    def problem(self, path: tuple, message: str) -> Problem:
        file, line = self._src.locate(self._src.concrete(path))
        return Problem(file if line else self._file, line, self._src.display(self._src.concrete(path)), message)

    def where(self, *path: object) -> str:
        file, line = self._src.locate(tuple(path))
        return f"{file}:{line}" if line else self._file

    @field_validator("checks")
    @classmethod
    def _known_checks(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = [c for c in value if c not in CHECKS_BY_ID]
        if unknown:
            raise ValueError(f"unknown check(s) {', '.join(unknown)}; checks are: "
                             f"{', '.join(c.id for c in CHECKS)}")
        return value

    def control_catalogue(self) -> dict[str, Control]:
        """The policy's controls, falling back to the built-in catalogue for any not restated."""
        out = {c.id: Control(**c.__dict__) for c in CONTROLS}
        out.update({c.id: c for c in self.controls})
        return out

    def controls_of(self, check: str) -> list[str]:
        if check in self.checks:
            return self.checks[check]
        info = CHECKS_BY_ID.get(check)
        return list(info.controls) if info else []


# --- loading -------------------------------------------------------------------------------


def load_policy(path: Path) -> Policy:
    """Read and validate the policy file; raise PolicyError with every problem located."""
    label = str(path)
    if not path.is_file():
        raise PolicyError([Problem(label, 0, "", "no audit policy here: write one (see docs/audit.md) "
                                                 "or pass --policy FILE")])
    data, lines, problems = read_yaml(path, label)
    if problems:
        raise PolicyError(problems)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PolicyError([Problem(label, 1, "", "expected a mapping with policy, physical_isolation, "
                                                 "firewall_boundaries, gatekeepers, controls, checks, waivers")])
    src = SourceMap(lines=lines, doc=data)
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(_problems(exc, src)) from None
    policy._file = label
    policy._src = src
    found = _cross_references(policy, src)
    if found:
        raise PolicyError(found)
    return policy


def _problems(exc: ValidationError, src: SourceMap) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        path = src.concrete(tuple(err["loc"]))
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown field"
        elif err["type"] == "missing":
            message = "required field is missing"
        file, line = src.locate(path)
        out.append(Problem(file, line, src.display(path), message))
    return out


def _cross_references(policy: Policy, src: SourceMap) -> list[Problem]:
    """References inside the policy itself: controls named by checks must exist."""
    catalogue = policy.control_catalogue()
    problems = []
    for check, controls in policy.checks.items():
        for i, control in enumerate(controls):
            if control not in catalogue:
                problems.append(src.problem(("checks", check, i), f"unknown control '{control}'; "
                                            f"known: {', '.join(catalogue)}"))
    return problems


def check_against_inventory(policy: Policy, inv: Inventory) -> list[Problem]:
    """Zones and flows the policy names must exist in the inventory (devices are audited instead)."""
    problems: list[Problem] = []
    known = ", ".join(inv.zones)

    def zone(z: str, *path: object) -> None:
        if z != "*" and z not in inv.zones:
            problems.append(policy.problem(tuple(path), f"unknown zone '{z}'; the inventory has {known}"))

    for i, pair in enumerate(policy.physical_isolation):
        for j, z in enumerate(pair.zones):
            zone(z, "physical_isolation", i, "zones", j)
    flows = {f.name for f in inv.flows}
    for i, b in enumerate(policy.firewall_boundaries):
        for j, z in enumerate(b.zones):
            zone(z, "firewall_boundaries", i, "zones", j)
        if b.untrusted:
            zone(b.untrusted, "firewall_boundaries", i, "untrusted")
            if b.untrusted not in b.zones:
                problems.append(policy.problem(("firewall_boundaries", i, "untrusted"),
                                               f"'{b.untrusted}' is not one of the boundary's zones"))
        for j, f in enumerate(b.flows):
            if isinstance(f, str) and f not in flows:
                problems.append(policy.problem(("firewall_boundaries", i, "flows", j),
                                               f"unknown flow '{f}'; the inventory has "
                                               f"{', '.join(sorted(flows)) or 'no flows'}"))
            elif not isinstance(f, str):
                for side in ("from_zone", "to_zone"):
                    zone(getattr(f, side), "firewall_boundaries", i, "flows", j, side)
    for i, g in enumerate(policy.gatekeepers):
        for j, z in enumerate(g.zones):
            zone(z, "gatekeepers", i, "zones", j)
    for j, z in enumerate(policy.hardening.snmpv3_only_zones or []):
        zone(z, "hardening", "snmpv3_only_zones", j)
    return problems


# --- questions the checks ask of the policy --------------------------------------------------


def isolated_pairs(policy: Policy, inv: Inventory) -> list[tuple[str, str]]:
    """Physically isolated zone pairs, `*` expanded, each pair once."""
    out: list[tuple[str, str]] = []
    for pair in policy.physical_isolation:
        a, b = pair.zones
        others = [z for z in inv.zones if z != a] if b == "*" else [b]
        for other in others:
            if (a, other) not in out and (other, a) not in out:
                out.append((a, other))
    return out


def boundary_flows(boundary: FirewallBoundary, inv: Inventory) -> list[Flow | InlineFlow]:
    by_name = {f.name: f for f in inv.flows}
    return [by_name[f] if isinstance(f, str) else f for f in boundary.flows if not isinstance(f, str) or f in by_name]


def untrusted_zone(boundary: FirewallBoundary, inv: Inventory) -> str:
    if boundary.untrusted:
        return boundary.untrusted
    for z in boundary.zones:
        zone = inv.zones.get(z)
        if zone is not None and (zone.kind is ZoneKind.public or zone.isolation is Isolation.none):
            return z
    return boundary.zones[1]


def snmpv3_zones(policy: Policy, inv: Inventory) -> set[str]:
    if policy.hardening.snmpv3_only_zones is not None:
        return set(policy.hardening.snmpv3_only_zones)
    return {z.name for z in inv.zones.values() if z.kind is ZoneKind.classified}


def waiver_source(policy: Policy, index: int) -> str:
    return policy.where("waivers", index)

