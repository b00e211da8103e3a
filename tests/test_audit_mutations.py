"""The mutation suite (tests/audit_mutations.py) against the audit's config layer: every
breaking mutation caught by the check it concerns, no benign one flagged."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.audit_mutations import FAMILY, Generator, Mutation, Runner, judge
from tests.audit_support import SAMPLE, render_configs


@pytest.fixture(scope="module")
def runner(tmp_path_factory) -> Runner:
    return Runner(SAMPLE, render_configs(SAMPLE, tmp_path_factory.mktemp("rendered")))


@pytest.fixture(scope="module")
def mutations(runner) -> list[Mutation]:
    return Generator(runner.inv, runner.rendered).all()


def test_the_suite_is_large_and_covers_every_platform(mutations):
    breaking = Counter(FAMILY[m.platform] for m in mutations if m.breaking)
    benign = Counter(FAMILY[m.platform] for m in mutations if not m.breaking)
    assert sum(breaking.values()) >= 150 and sum(benign.values()) >= 100
    assert set(breaking) == set(benign) == {"vrp", "comware", "ios", "frr"}
    labels = {m.name.split("/", 2)[2].split("-")[0] for m in mutations if m.breaking}
    assert {"route", "truncated", "platform", "name", "stale", "equal", "git", "local", "snmp", "telnet"} <= labels


@pytest.mark.parametrize("family", ["vrp", "comware", "ios", "frr"])
def test_every_breaking_mutation_is_caught(runner, mutations, family, tmp_path: Path):
    mine = [m for m in mutations if m.breaking and FAMILY[m.platform] == family]
    missed = [f"{m.name} (expected {m.expect} FAIL or UNKNOWN)" for m in mine
              if not judge(m, runner.findings(m, tmp_path))]
    assert missed == []


@pytest.mark.parametrize("family", ["vrp", "comware", "ios", "frr"])
def test_no_benign_mutation_is_flagged(runner, mutations, family, tmp_path: Path):
    mine = [m for m in mutations if not m.breaking and FAMILY[m.platform] == family]
    flagged = []
    for m in mine:
        findings = runner.findings(m, tmp_path)
        if not judge(m, findings):
            flagged.append((m.name, [(f.check, f.verdict.value, f.message) for f in findings if f.verdict.value != "PASS"]))
    assert flagged == []
