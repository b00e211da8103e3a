"""What a check says about one target: a verdict, why, and the evidence an auditor can follow.

Findings are plain dataclasses (a 10,000-device audit makes tens of thousands of them);
they become JSON, HTML and JUnit at the report edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Iterable

from netops.inventory.graph import Hop


class Verdict(str, Enum):
    PASS = "PASS"
    FAIL = "FAIL"
    UNKNOWN = "UNKNOWN"  # the evidence was missing or unreadable: fails unless waived


@dataclass(slots=True)
class PathStep:
    """One device on a counterexample path, with the ports the path enters and leaves by."""

    device: str
    zones: list[str]
    enters: str | None = None
    leaves: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"device": self.device, "zones": self.zones, "enters": self.enters, "leaves": self.leaves}

    def __str__(self) -> str:
        ports = " ".join(p for p in (f"in {self.enters}" if self.enters else "",
                                     f"out {self.leaves}" if self.leaves else "") if p)
        return f"{self.device} ({'/'.join(self.zones) or '?'}{', ' + ports if ports else ''})"


def path_text(path: list[PathStep]) -> str:
    """wangtai-in-sw (intranet) -[XGE0/0/1 : Ten-GE1/0/49]-> wangtai-ex-sw (extranet) ...

    Device by device, each cable shown with the port it leaves by and the port it enters.
    """
    parts = []
    for i, step in enumerate(path):
        parts.append(f"{step.device} ({'/'.join(step.zones) or 'undeclared'})")
        if i < len(path) - 1:
            parts.append(f"-[{step.leaves or '?'} : {path[i + 1].enters or '?'}]->")
    return " ".join(parts)


@dataclass(slots=True)
class WaiverUse:
    """The waiver that matched a failing result, and whether it still holds."""

    check: str
    target: str
    reason: str
    owner: str
    expires: str
    valid: bool
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"check": self.check, "target": self.target, "reason": self.reason, "owner": self.owner,
                "expires": self.expires, "valid": self.valid, "source": self.source}


@dataclass(slots=True)
class Finding:
    check: str
    target: str
    verdict: Verdict
    message: str
    evidence: list[str] = field(default_factory=list)
    paths: list[list[PathStep]] = field(default_factory=list)
    source: str | None = None  # file:line of the intent or config line concerned
    observed_at: str | None = None  # when the evidence was taken (config mtime, walk time)
    waiver: WaiverUse | None = None

    @property
    def layer(self) -> str:
        return self.check.split(".", 1)[0]

    @property
    def passes(self) -> bool:
        """PASS, or a failing result covered by a waiver that has not expired."""
        return self.verdict is Verdict.PASS or (self.waiver is not None and self.waiver.valid)

    @property
    def status(self) -> str:
        """The verdict as shown to people: FAIL, UNKNOWN (waived), WAIVER EXPIRED..."""
        if self.waiver is None or self.verdict is Verdict.PASS:
            return self.verdict.value
        return f"{self.verdict.value} (waived)" if self.waiver.valid else f"{self.verdict.value} (waiver expired)"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"check": self.check, "layer": self.layer, "target": self.target,
                               "verdict": self.verdict.value, "passes": self.passes, "message": self.message}
        if self.evidence:
            out["evidence"] = self.evidence
        if self.paths:
            out["paths"] = [[s.to_dict() for s in p] for p in self.paths]
            out["path_text"] = [path_text(p) for p in self.paths]
        if self.source:
            out["source"] = self.source
        if self.observed_at:
            out["observed_at"] = self.observed_at
        if self.waiver is not None:
            out["waiver"] = self.waiver.to_dict()
        return out


def steps_from_hops(hops: Iterable[Hop], zones_of: Any) -> list[PathStep]:
    """Turn the graph's hops into devices, each with the port the path enters and leaves by."""
    hops = list(hops)
    if not hops:
        return []
    steps = [PathStep(hops[0].device, zones_of(hops[0].device), None, hops[0].interface)]
    for i, hop in enumerate(hops):
        leaves = hops[i + 1].interface if i + 1 < len(hops) else None
        steps.append(PathStep(hop.peer, zones_of(hop.peer), hop.peer_interface, leaves))
    return steps


def passed(check: str, target: str, message: str, **kw: Any) -> Finding:
    return Finding(check, target, Verdict.PASS, message, **kw)


def failed(check: str, target: str, message: str, **kw: Any) -> Finding:
    return Finding(check, target, Verdict.FAIL, message, **kw)


def unknown(check: str, target: str, message: str, **kw: Any) -> Finding:
    return Finding(check, target, Verdict.UNKNOWN, message, **kw)
