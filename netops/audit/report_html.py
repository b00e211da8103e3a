"""The audit as one self-contained HTML page an auditor can file, print and sign.

No scripts, no external fonts or styles: the file is the record. Every value is escaped
(inventory strings are data, never markup).
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, StrictUndefined

from netops.audit.catalogue import CHECKS_BY_ID
from netops.audit.findings import Finding, Verdict
from netops.audit.run import AuditReport

PASS_TARGETS_LISTED = 300

TEMPLATE = r"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Isolation compliance audit - {{ meta.network or "network" }} - {{ "COMPLIANT" if passed else "NOT COMPLIANT" }}</title>
<style>
:root { --fail:#b00020; --unknown:#a35a00; --pass:#1b6e20; --waived:#5a5a8a; --line:#ccc; }
* { box-sizing: border-box; }
body { font: 14px/1.45 "Noto Sans", "Source Han Sans SC", "Microsoft YaHei", Arial, sans-serif; color:#111;
       margin: 0 auto; max-width: 1150px; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; border-bottom: 2px solid #111; margin-top: 28px; }
h3 { font-size: 15px; margin: 0 0 6px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
code, pre, .mono { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 12px; }
pre { white-space: pre-wrap; word-break: break-word; margin: 4px 0; background: #fafafa; padding: 6px; border: 1px solid #eee; }
.banner { padding: 12px 16px; color: #fff; font-size: 20px; font-weight: bold; margin: 12px 0; }
.banner.ok { background: var(--pass); } .banner.ko { background: var(--fail); }
.badge { display: inline-block; padding: 1px 7px; border-radius: 3px; color: #fff; font-weight: bold; font-size: 12px; }
.PASS { background: var(--pass); } .FAIL { background: var(--fail); } .UNKNOWN { background: var(--unknown); }
.waived { background: var(--waived); }
.finding { border: 1px solid var(--line); border-left: 6px solid var(--fail); padding: 8px 12px; margin: 10px 0;
           page-break-inside: avoid; }
.finding.UNKNOWN { border-left-color: var(--unknown); background: none; } .finding.accepted { border-left-color: var(--waived); }
.finding.FAIL { background: none; }
.path { display: flex; flex-wrap: wrap; align-items: center; gap: 4px; list-style: none; padding: 0; margin: 6px 0; }
.path li { border: 1px solid #888; border-radius: 4px; padding: 3px 6px; background: #fff; }
.path li.arrow { border: none; padding: 0 2px; font-weight: bold; }
.zone { font-size: 11px; padding: 0 4px; border-radius: 3px; background: #eee; }
.port { font-size: 11px; color: #444; }
.meta td:first-child { width: 230px; font-weight: bold; background: #f7f7f7; }
.signoff { display: grid; grid-template-columns: repeat(3, 1fr); gap: 16px; margin-top: 12px; }
.signoff div { border: 1px solid #111; padding: 10px; min-height: 150px; }
.signoff p { margin: 18px 0 0; border-bottom: 1px solid #999; }
.small { font-size: 12px; color: #444; }
details summary { cursor: pointer; }
@page { size: A4; margin: 15mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  .banner { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .badge, th, .zone { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { page-break-after: avoid; } table, .finding, .signoff { page-break-inside: avoid; }
  details:not([open]) > *:not(summary) { display: none; }
  .signoff-section { page-break-before: always; }
}
</style>
</head>
<body>
<header>
<h1>Isolation compliance audit report / 隔离合规审计报告</h1>
<div class="small">{{ meta.network or "" }} &middot; policy: {{ meta.policy_name }} &middot; GB/T 22239-2019 level {{ meta.mlps_level }}</div>
<div class="banner {{ 'ok' if passed else 'ko' }}" id="verdict">{{ "COMPLIANT: every check passes" if passed else "NOT COMPLIANT: " ~ counts.failing ~ " result(s) fail" }}</div>
<div>{{ counts.total }} results: <span class="badge PASS">PASS {{ counts.PASS }}</span>
 <span class="badge FAIL">FAIL {{ counts.FAIL }}</span> <span class="badge UNKNOWN">UNKNOWN {{ counts.UNKNOWN }}</span>
 <span class="badge waived">waived {{ counts.waived }}</span>
 &middot; UNKNOWN means the evidence was not seen; it fails unless waived.</div>
</header>

<h2>1. Audit identification</h2>
<table class="meta">
<tr><td>Report digest (SHA-256)</td><td class="mono">{{ digest }}</td></tr>
<tr><td>Started / finished (UTC)</td><td>{{ meta.started_at }} / {{ meta.finished_at }} ({{ meta.duration_s }} s)</td></tr>
<tr><td>Audited on host</td><td>{{ meta.host }}</td></tr>
<tr><td>Inventory</td><td><code>{{ meta.inventory }}</code>: {{ meta.devices }} devices, {{ meta.cables }} cables</td></tr>
<tr><td>Inventory git revision</td><td class="mono">{{ meta.inventory_git.revision }}{% if meta.inventory_git.dirty %} (with uncommitted changes){% endif %}</td></tr>
<tr><td>Policy</td><td><code>{{ meta.policy }}</code></td></tr>
<tr><td>Evidence layers</td><td>{{ meta.layers | join(", ") }}</td></tr>
<tr><td>Configurations</td><td>{{ meta.configs or "not audited" }}</td></tr>
<tr><td>Live evidence</td><td>{{ meta.evidence or "not audited" }}</td></tr>
<tr><td>Waivers judged on</td><td>{{ meta.waivers_judged_on }}</td></tr>
</table>

<h2>2. Summary by control</h2>
<table id="controls">
<tr><th>Control</th><th>Standard and clause</th><th>Checks</th><th>PASS</th><th>FAIL</th><th>UNKNOWN</th><th>waived</th><th>Status</th></tr>
{% for c in controls %}
<tr><td><b>{{ c.title }}</b><div class="small">{{ c.requirement }}</div></td><td>{{ c.standard }}<br>{{ c.clause }}</td>
<td class="small">{{ c.checks | join(", ") }}</td><td class="num">{{ c.PASS }}</td><td class="num">{{ c.FAIL }}</td>
<td class="num">{{ c.UNKNOWN }}</td><td class="num">{{ c.waived }}</td><td><span class="badge {{ c.status }}">{{ c.status }}</span></td></tr>
{% endfor %}
</table>

<h2>3. Summary by check</h2>
<table id="checks">
<tr><th>Check</th><th>Layer</th><th>What it proves</th><th>Targets</th><th>PASS</th><th>FAIL</th><th>UNKNOWN</th><th>waived</th></tr>
{% for c in checks %}
<tr><td><code>{{ c.check }}</code></td><td>{{ c.layer }}</td><td>{{ c.title }}</td><td class="num">{{ c.PASS + c.FAIL + c.UNKNOWN }}</td>
<td class="num">{{ c.PASS }}</td><td class="num">{{ c.FAIL }}</td><td class="num">{{ c.UNKNOWN }}</td><td class="num">{{ c.waived }}</td></tr>
{% endfor %}
</table>

<h2>4. Findings that fail the audit ({{ failing | length }})</h2>
{% if not failing %}<p>None.</p>{% endif %}
{% for f in failing %}{{ finding(f) }}{% endfor %}

{% if accepted %}
<h2>5. Accepted findings (valid waiver) ({{ accepted | length }})</h2>
{% for f in accepted %}{{ finding(f) }}{% endfor %}
{% endif %}

<h2>6. Waivers</h2>
{% if waivers %}
<table><tr><th>Check</th><th>Target</th><th>Reason</th><th>Owner</th><th>Expires</th><th>State</th><th>Matched</th><th>Written at</th></tr>
{% for w in waivers %}<tr><td><code>{{ w.check }}</code></td><td>{{ w.target }}</td><td>{{ w.reason }}</td><td>{{ w.owner }}</td>
<td>{{ w.expires }}</td><td><span class="badge {{ 'PASS' if w.state == 'valid' else 'FAIL' }}">{{ w.state }}</span></td>
<td class="num">{{ w.matched }}</td><td class="small">{{ w.source }}</td></tr>{% endfor %}
</table>
{% else %}<p>The policy grants no waivers.</p>{% endif %}

<h2>7. Passed checks</h2>
{% for c in passes %}
<details><summary><code>{{ c.check }}</code>: {{ c.count }} target(s) pass</summary>
<p class="small">{{ c.targets | join(", ") }}{% if c.more %} &hellip; and {{ c.more }} more (listed in the JSON report){% endif %}</p></details>
{% endfor %}

<h2>8. Evidence manifest (SHA-256)</h2>
{% if evidence_rule %}<p class="small">Configuration evidence, one per device: {{ evidence_rule }}.</p>{% endif %}
<table id="manifest"><tr><th>Role</th><th>File or source</th><th>Device</th><th>Used</th><th>Why</th><th>Bytes</th><th>SHA-256</th></tr>
{% for m in manifest %}<tr><td>{{ m.role }}</td><td class="mono">{{ m.path }}</td><td>{{ m.get("device") or "" }}</td>
<td>{{ "" if m.get("used") is none else ("yes" if m.used else "no") }}</td>
<td class="small">{{ m.get("reason") or "" }}{% if m.get("rank") %} ({{ m.rank }}){% endif %}{% if m.get("commit") %} commit <span class="mono">{{ m.commit[:12] }}</span>{% endif %}</td>
<td class="num">{{ m.get("bytes") if m.get("bytes") is not none else "" }}</td>
<td class="mono">{{ m.get("sha256") or ("unreadable: " ~ m.get("error", "")) }}</td></tr>{% endfor %}
</table>

<section class="signoff-section">
<h2>9. Sign-off / 审核签字</h2>
<p>The signatories confirm that this report (digest <span class="mono">{{ digest[:16] }}&hellip;</span>) was produced from the evidence
listed in section 8, and that every failing finding in section 4 has been reviewed.</p>
<div class="signoff">
<div><b>Auditor / 审计人</b><p>Name:</p><p>Signature:</p><p>Date:</p></div>
<div><b>Network administrator / 网络管理员</b><p>Name:</p><p>Signature:</p><p>Date:</p></div>
<div><b>Security officer / 安全保密负责人</b><p>Name:</p><p>Signature:</p><p>Date:</p></div>
</div>
</section>
<p class="small">Generated by netops audit isolation, report format {{ version }}.</p>
</body>
</html>
"""

FINDING = r"""{% macro finding(f) %}
<div class="finding {{ f.verdict }}{{ ' accepted' if f.accepted else '' }}">
<h3><span class="badge {{ 'waived' if f.accepted else f.verdict }}">{{ f.status }}</span> <code>{{ f.check }}</code> &middot; {{ f.target }}</h3>
<div>{{ f.message }}</div>
<div class="small">{{ f.title }} &middot; {% for c in f.controls %}{{ c }}{{ "; " if not loop.last }}{% endfor %}</div>
{% for p in f.paths %}
<ol class="path" title="counterexample path">
{% for s in p %}<li><b>{{ s.device }}</b> <span class="zone">{{ s.zones | join("/") or "?" }}</span>
{% if s.enters %}<span class="port">in {{ s.enters }}</span>{% endif %} {% if s.leaves %}<span class="port">out {{ s.leaves }}</span>{% endif %}</li>
{% if not loop.last %}<li class="arrow">&rarr;</li>{% endif %}{% endfor %}
</ol>
{% endfor %}
{% if f.evidence %}<pre>{{ f.evidence | join("\n") }}</pre>{% endif %}
<div class="small">{% if f.source %}source: <code>{{ f.source }}</code>{% endif %}{% if f.observed_at %} &middot; observed at {{ f.observed_at }}{% endif %}</div>
{% if f.waiver %}<div class="small">waiver: {{ f.waiver.reason }} &middot; owner {{ f.waiver.owner }} &middot; expires {{ f.waiver.expires }}
&middot; {{ "valid" if f.waiver.valid else "NOT valid" }} ({{ f.waiver.source }})</div>{% endif %}
</div>
{% endmacro %}"""


def _finding_view(f: Finding, report: AuditReport, catalogue: dict[str, Any]) -> dict[str, Any]:
    controls = [f"{catalogue[c].standard} {catalogue[c].clause}" if c in catalogue else c
                for c in report.policy.controls_of(f.check)]
    info = CHECKS_BY_ID.get(f.check)
    return {"check": f.check, "target": f.target, "verdict": f.verdict.value, "status": f.status,
            "message": f.message, "evidence": f.evidence[:200], "paths": f.paths, "source": f.source,
            "observed_at": f.observed_at, "waiver": f.waiver, "controls": controls,
            "title": info.title if info else "", "accepted": f.passes and f.verdict is not Verdict.PASS}


def render_html(report: AuditReport) -> str:
    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    macro = env.from_string(FINDING).module.finding  # type: ignore[attr-defined]
    catalogue = report.policy.control_catalogue()
    data = report.to_dict()
    passes: dict[str, list[str]] = {}
    for f in report.findings:
        if f.verdict is Verdict.PASS:
            passes.setdefault(f.check, []).append(f.target)
    return env.from_string(TEMPLATE).render(
        finding=macro,
        meta=report.meta, passed=report.passed, counts=data["counts"], controls=data["controls"],
        checks=data["checks"], digest=data["report"]["digest"], version=data["report"]["version"],
        failing=[_finding_view(f, report, catalogue) for f in report.findings if not f.passes],
        accepted=[_finding_view(f, report, catalogue) for f in report.findings
                  if f.passes and f.verdict is not Verdict.PASS],
        waivers=report.waivers, manifest=report.manifest, evidence_rule=report.meta.get("evidence_rule"),
        passes=[{"check": c, "count": len(t), "targets": t[:PASS_TARGETS_LISTED],
                 "more": max(0, len(t) - PASS_TARGETS_LISTED)} for c, t in passes.items()],
    )
