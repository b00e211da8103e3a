"""What one scrape may cost: a budget the session charges for every response it accepts.

A hostile or broken agent can answer forever with valid, increasing OIDs, stretch each OID
by a sub-identifier per response, send huge values or flood datagrams. The deadline bounds
time (by cancellation, in the collector); this budget bounds everything else, so memory
and CPU per scrape stay small whatever the agent does. Exceeding it fails the scrape with
reason `budget`, never the process.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from netops.snmp.errors import SnmpBudgetError, SnmpDeadlineError

MAX_OID_LENGTH = 128  # sub-identifiers (RFC 2578 section 3.5)


class BudgetLimits(BaseModel):
    """Per-scrape limits (the exporter config's `defaults:` may tighten or loosen them)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_oid_length: int = Field(MAX_OID_LENGTH, ge=2, le=MAX_OID_LENGTH)
    max_response_bytes: int = Field(65_535, ge=484, le=65_535)
    max_varbinds: int = Field(100_000, ge=1, le=5_000_000)
    max_total_bytes: int = Field(8 << 20, ge=4096, le=1 << 30)


@dataclass
class ScrapeBudget:
    """Counts what one scrape has accepted; raises SnmpBudgetError once a limit is passed."""

    limits: BudgetLimits = field(default_factory=BudgetLimits)
    deadline_at: float | None = None  # time.monotonic() value; checked at every response too
    responses: int = 0
    varbinds: int = 0
    total_bytes: int = 0

    @property
    def max_oid_length(self) -> int:
        return self.limits.max_oid_length

    def charge_bytes(self, size: int) -> None:
        """Before decoding a datagram that matched a request of this scrape."""
        limits = self.limits
        if size > limits.max_response_bytes:
            raise SnmpBudgetError(f"response of {size} bytes exceeds the limit of {limits.max_response_bytes}")
        self.total_bytes += size
        if self.total_bytes > limits.max_total_bytes:
            raise SnmpBudgetError(f"agent sent more than {limits.max_total_bytes} bytes in one scrape")

    def charge_varbinds(self, count: int) -> None:
        """After decoding: the varbinds the walk will keep."""
        self.responses += 1
        self.varbinds += count
        if self.deadline_at is not None and time.monotonic() > self.deadline_at:
            raise SnmpDeadlineError("scrape deadline exceeded")
        if self.varbinds > self.limits.max_varbinds:
            raise SnmpBudgetError(f"agent returned more than {self.limits.max_varbinds} varbinds in one scrape")

    def check_varbinds(self, varbinds: list) -> None:  # noqa: ANN001 - list[ber.Varbind]
        """For varbinds decoded elsewhere (pysnmp): the OID length and count limits."""
        longest = max((len(oid) for oid, _, _ in varbinds), default=0)
        if longest > self.limits.max_oid_length:
            raise SnmpBudgetError(f"agent returned an OID of {longest} sub-identifiers "
                                  f"(limit {self.limits.max_oid_length})")
        self.charge_varbinds(len(varbinds))
