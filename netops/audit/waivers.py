"""Apply the policy's waivers to failing results: accepted until their expiry date, never after.

A waiver never turns a result into PASS; it records who accepted the failure and until when.
Controls marked `waivable: false` (physical isolation of classified systems) refuse waivers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from netops.audit.findings import Finding, Verdict, WaiverUse
from netops.audit.policy import Policy, waiver_source


def apply_waivers(findings: list[Finding], policy: Policy, today: dt.date) -> list[dict[str, Any]]:
    """Attach the first matching waiver to each non-passing finding; return every waiver's state."""
    catalogue = policy.control_catalogue()
    used = [0] * len(policy.waivers)
    refused_controls: dict[str, list[str]] = {}
    for finding in findings:
        if finding.verdict is Verdict.PASS:
            continue
        for i, w in enumerate(policy.waivers):
            if not w.matches(finding.check, finding.target):
                continue
            used[i] += 1
            refused = [c for c in policy.controls_of(finding.check) if c in catalogue and not catalogue[c].waivable]
            valid = w.expires >= today and not refused
            reason = w.reason
            if refused:
                reason = f"{w.reason} [refused: control {', '.join(refused)} may not be waived]"
                refused_controls.setdefault(str(i), refused)
            elif w.expires < today:
                reason = f"{w.reason} [expired {w.expires.isoformat()}]"
            finding.waiver = WaiverUse(w.check, w.target, reason, w.owner, w.expires.isoformat(), valid,
                                       waiver_source(policy, i))
            break
    states = []
    for i, w in enumerate(policy.waivers):
        state = "expired" if w.expires < today else "valid"
        if str(i) in refused_controls:
            state = "refused"
        states.append({"check": w.check, "target": w.target, "reason": w.reason, "owner": w.owner,
                       "expires": w.expires.isoformat(), "state": state, "matched": used[i],
                       "source": waiver_source(policy, i)})
    return states
