"""Shared fixtures: the loopback-only network guard and paths to the project's data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The inventory parse cache (netops/inventory/cache.py) is off for the suite, so a test that
# patches the loader or validator sees its patch; tests/test_inventory_cache.py turns it on.
os.environ.setdefault("NETOPS_CACHE", "off")

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
