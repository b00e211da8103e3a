"""The audit as JUnit XML for CI pipelines: a suite per check, a case per target.

FAIL is a <failure>, UNKNOWN an <error> (the evidence was not seen), a waived result is
<skipped> with the waiver's reason, owner and expiry.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from netops.audit.findings import Finding, Verdict, path_text
from netops.audit.run import AuditReport


def _details(f: Finding) -> str:
    lines = [f.message]
    lines += [f"path: {path_text(p)}" for p in f.paths]
    lines += f.evidence[:100]
    if f.source:
        lines.append(f"source: {f.source}")
    if f.observed_at:
        lines.append(f"observed at: {f.observed_at}")
    return "\n".join(lines)


def render_junit(report: AuditReport) -> str:
    root = ET.Element("testsuites", name="netops isolation audit", tests=str(len(report.findings)),
                      failures=str(sum(1 for f in report.findings if not f.passes and f.verdict is Verdict.FAIL)),
                      errors=str(sum(1 for f in report.findings if not f.passes and f.verdict is Verdict.UNKNOWN)),
                      time=str(report.meta.get("duration_s", 0)))
    suites: dict[str, ET.Element] = {}
    counts: dict[str, list[int]] = {}
    for f in report.findings:
        suite = suites.get(f.check)
        if suite is None:
            suite = ET.SubElement(root, "testsuite", name=f.check, timestamp=report.meta.get("started_at", ""))
            props = ET.SubElement(suite, "properties")
            for control in report.policy.controls_of(f.check):
                ET.SubElement(props, "property", name="control", value=control)
            suites[f.check] = suite
            counts[f.check] = [0, 0, 0, 0]
        c = counts[f.check]
        c[0] += 1
        case = ET.SubElement(suite, "testcase", classname=f"audit.{f.check}", name=f.target)
        if f.verdict is Verdict.PASS:
            continue
        if f.passes and f.waiver is not None:
            ET.SubElement(case, "skipped", message=f"{f.verdict.value} waived: {f.waiver.reason} "
                                                   f"(owner {f.waiver.owner}, expires {f.waiver.expires})")
            c[3] += 1
        elif f.verdict is Verdict.FAIL:
            ET.SubElement(case, "failure", message=f.message, type="FAIL").text = _details(f)
            c[1] += 1
        else:
            ET.SubElement(case, "error", message=f.message, type="UNKNOWN").text = _details(f)
            c[2] += 1
    for name, suite in suites.items():
        tests, failures, errors, skipped = counts[name]
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", str(errors))
        suite.set("skipped", str(skipped))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
