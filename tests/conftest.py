"""Shared fixtures: the loopback-only network guard and paths to the project's data."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import netguard

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch):
    """Fail any test whose process sends to or connects to a non-loopback address."""
    violations = netguard.install(monkeypatch)
    yield violations
    if violations:
        pytest.fail("network guard: " + "; ".join(violations), pytrace=False)


@pytest.fixture
def sample_inventory_dir() -> Path:
    return ROOT / "inventory"


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: shared test data is not available on this machine")
    return SHARED
