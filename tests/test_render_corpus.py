"""Every command shape netops renders is seen in a real public configuration or cited (issue 15).

Coverage per platform is printed by `.venv/bin/python -m tests.corpus_support` and kept in
docs/render.md. The corpus and its sources: tests/data/corpus/.
"""

from __future__ import annotations

import re

import pytest
import yaml

from netops.inventory import load_inventory
from tests import corpus_support as cs
from tests.render_support import extended_inventory_dir


@pytest.fixture(scope="module")
def inventory(tmp_path_factory):
    return load_inventory(extended_inventory_dir(tmp_path_factory.mktemp("corpus") / "inv"))


@pytest.fixture(scope="module")
def coverage(inventory):
    return cs.coverage(inventory)


@pytest.mark.parametrize("platform", cs.PLATFORMS)
def test_every_rendered_shape_is_seen_or_cited(coverage, platform):
    cov = coverage[platform]
    assert cov.shapes, f"nothing rendered for {platform}"
    missing = [f"[{s.view}] {s.example}" for s in cov.missing]
    assert not missing, f"{platform}: {len(missing)} shape(s) neither in the corpus nor cited:\n" + "\n".join(missing)


def test_every_corpus_file_has_its_source_and_every_source_its_file():
    listed = {e["file"] for e in cs.sources()}
    on_disk = {str(p.relative_to(cs.CORPUS)) for p in cs.CORPUS.glob("*/*.cfg")}
    assert listed == on_disk
    for entry in cs.sources():
        assert entry["platform"] in cs.PLATFORMS and entry["found"] and entry["kind"] in (
            "running-config", "vendor-example", "guide", "fixture"), entry


def test_every_citation_is_used_and_well_formed(coverage):
    used = {id(c) for cov in coverage.values() for c in cov.cited.values()}
    for cite in cs.citations():
        re.compile(cite["pattern"])
        assert cite["kind"] in ("reference", "example", "tested"), cite
        assert cite["url"].startswith(("https://", "search-index:")), cite
        assert id(cite) in used, f"citation matches no rendered shape (stale): {cite['pattern']}"


def test_a_command_no_source_knows_is_reported(inventory, tmp_path):
    """Hostile: a template line nobody has seen, in a copy of the templates, must come out missing."""
    import shutil

    templates = tmp_path / "templates"
    shutil.copytree(cs.CORPUS.parents[2] / "templates", templates)
    macros = templates / "huawei_vrp" / "_macros.j2"
    macros.write_text(macros.read_text().replace("snmp-agent trap enable\n", "snmp-agent trap enable\n"
                                                 "snmp-agent frobnicate everything\n", 1))
    cov = cs.coverage(inventory, templates)["huawei_vrp"]
    assert [s.example for s in cov.missing] == ["snmp-agent frobnicate everything"]


def test_shapes_keep_keywords_and_abstract_values(inventory):
    values = cs.inventory_values(inventory)
    assert cs.line_pattern("ssh server-source -i Vlanif100".split(), values) == r"^ssh server\-source \-i \S+$"
    assert cs.line_pattern("description to wangtai-in-sw".split(), values) == r"^description .+$"
    assert cs.line_pattern("snmp-agent usm-user v3 netops-in group netops-in".split(), values) == \
        r"^snmp\-agent usm\-user v3 \S+ group \S+$"
    assert cs.line_pattern("user-interface vty 16 20".split(), values) == r"^user\-interface vty \S+ \S+$"


def test_views_follow_the_block_structure():
    text = "#\ninterface GigabitEthernet0/0/1\n port link-type access\n#\naaa\n local-user a privilege level 15\n Y\n"
    lines = cs.config_lines(text, "huawei_vrp", skip={6})
    assert ("interface", "port link-type access", 3) in lines
    assert ("aaa", "local-user a privilege level 15", 6) in lines
    assert not any(line == "Y" for _, line, _ in lines)


def test_docs_carry_the_current_coverage_table(inventory):
    from pathlib import Path
    docs = (Path(cs.CORPUS).parents[2] / "docs" / "render.md").read_text(encoding="utf-8")
    assert cs.coverage_table(inventory) in docs, "docs/render.md: update the corpus coverage table " \
        "(.venv/bin/python -m tests.corpus_support)"
