"""The audit policy file (errors located by line) and waivers (valid, expired, refused)."""

from __future__ import annotations

import datetime as dt

import pytest

from netops.audit.findings import Verdict
from netops.audit.policy import PolicyError, load_policy
from tests.audit_support import SAMPLE, audit, copy_sample, replace_in, results

WAIVER = """
waivers:
  - check: config.evidence
    target: wangtai-*
    reason: Town routers' configs are kept by the town's vendor; reviewed on site
    owner: Network administrator, computer centre
    expires: {expires}
"""


def test_sample_policy_loads():
    policy = load_policy(SAMPLE / "policy.yaml")
    assert policy.physical_isolation[0].zones == ["intranet", "*"]
    assert policy.firewall_boundaries[0].firewalls == ["fw-1"]
    catalogue = policy.control_catalogue()
    assert catalogue["classified-art6"].waivable is False
    assert catalogue["mlps-access-control"].clause.startswith("8.1.3.2")
    assert policy.controls_of("config.firewall-flows") == ["mlps-access-control"]


def test_policy_errors_name_file_line_and_field(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text("physical_isolation:\n  - zones: [intranet, '*']\n    colour: red\n"
                    "waivers:\n  - check: no.such-check\n    target: x\n    reason: because\n"
                    "    owner: me\n    expires: 2030-01-01\n")
    with pytest.raises(PolicyError) as exc:
        load_policy(path)
    text = str(exc.value)
    assert f"{path}:3: physical_isolation[0].colour: unknown field" in text
    assert f"{path}:5: waivers[0].check: matches no check" in text


def test_policy_refers_to_unknown_zone_and_flow(tmp_path):
    inv = copy_sample(tmp_path)
    replace_in(inv / "policy.yaml", "  - zones: [intranet, '*']", "  - zones: [intranet, dmz]")
    replace_in(inv / "policy.yaml", "extranet-dns-out,", "extranet-ntp-out,")
    with pytest.raises(PolicyError) as exc:
        audit(inv)
    text = str(exc.value)
    assert "policy.yaml:13: physical_isolation[0].zones[1]: unknown zone 'dmz'" in text
    assert "unknown flow 'extranet-ntp-out'" in text


def test_missing_policy_is_a_clear_error(tmp_path):
    inv = copy_sample(tmp_path)
    (inv / "policy.yaml").unlink()
    with pytest.raises(PolicyError, match="no audit policy here"):
        audit(inv)


def _with_waiver(tmp_path, expires: str):  # type: ignore[no-untyped-def]
    inv = copy_sample(tmp_path)
    replace_in(inv / "policy.yaml", "waivers: []\n", WAIVER.format(expires=expires))
    return inv


def test_valid_waiver_accepts_unknown_results(tmp_path):
    inv = _with_waiver(tmp_path, "2026-06-30")
    report = audit(inv, ("config",), today=dt.date(2026, 1, 15))  # no configs at all: every result UNKNOWN
    waived = results(report, "config.evidence")["wangtai-in-sw"]
    assert waived.verdict is Verdict.UNKNOWN and waived.passes and waived.status == "UNKNOWN (waived)"
    assert waived.waiver.owner.startswith("Network administrator")
    assert not results(report, "config.evidence")["fw-1"].passes  # not covered by the waiver
    assert report.waivers[0]["state"] == "valid" and report.waivers[0]["matched"] == 8  # wangtai-in-sw, -ex-rt, -ex-sw, 5 villages


def test_expired_waiver_fails(tmp_path):
    inv = _with_waiver(tmp_path, "2025-12-31")
    report = audit(inv, ("config",), today=dt.date(2026, 1, 15))
    finding = results(report, "config.evidence")["wangtai-in-sw"]
    assert not finding.passes and finding.status == "UNKNOWN (waiver expired)"
    assert "expired 2025-12-31" in finding.waiver.reason
    assert report.waivers[0]["state"] == "expired"


def test_physical_isolation_cannot_be_waived(tmp_path):
    inv = copy_sample(tmp_path)
    replace_in(inv / "links.yaml", "  b: in-core-1:XGigabitEthernet1/0/1\n", "  b: wangtai-ex-sw:Ten-GigabitEthernet1/0/49\n")
    replace_in(inv / "policy.yaml", "waivers: []\n", """
waivers:
  - check: intent.physical-isolation
    target: '*'
    reason: Temporary link during the migration
    owner: Town office
    expires: 2030-01-01
""")
    report = audit(inv)
    breach = results(report, "intent.physical-isolation")["intranet | extranet"]
    assert breach.verdict is Verdict.FAIL and not breach.passes
    assert "may not be waived" in breach.waiver.reason
    assert report.waivers[0]["state"] == "refused"
