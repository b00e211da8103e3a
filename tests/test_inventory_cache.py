"""The inventory cache: a hit only when no input changed, never a stale or foreign result."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from netops.inventory import cache
from netops.inventory.load import _check_inventory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("NETOPS_CACHE", "on")
    monkeypatch.setenv("NETOPS_CACHE_DIR", str(tmp_path / "cache"))
    inv = tmp_path / "inv"
    shutil.copytree(ROOT / "inventory", inv)
    calls = []

    def counting(root: Path):
        calls.append(root)
        return _check_inventory(root)

    return inv, calls, counting


def test_hit_gives_the_same_inventory_and_any_change_is_a_miss(env):
    inv, calls, compute = env
    first = cache.cached(inv, compute)
    second = cache.cached(inv, compute)
    assert len(calls) == 1 and second[0] == first[0] and second[0] is not first[0]
    assert second[0].model_dump() == first[0].model_dump()
    csv = inv / "villages.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("第1村", "第一村", 1), encoding="utf-8")
    third = cache.cached(inv, compute)
    assert len(calls) == 2 and third[0].model_dump() != first[0].model_dump()


def test_same_size_same_mtime_edit_is_still_a_miss(env):
    inv, calls, compute = env
    cache.cached(inv, compute)
    devices = inv / "devices.yaml"
    stat = devices.stat()
    text = devices.read_text(encoding="utf-8")
    devices.write_text(text.replace("in-core-1", "in-core-9", 1), encoding="utf-8")
    os.utime(devices, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    cache.cached(inv, compute)
    assert len(calls) == 2, "the key is the content, not the modification time"


def test_a_csv_outside_the_directory_is_part_of_the_key(env, tmp_path):
    inv, calls, compute = env
    outside = tmp_path / "shared-villages.csv"
    shutil.move(inv / "villages.csv", outside)
    links = inv / "links.yaml"
    links.write_text(links.read_text(encoding="utf-8").replace("villages.csv", "../shared-villages.csv"),
                     encoding="utf-8")
    cache.cached(inv, compute)
    outside.write_text(outside.read_text(encoding="utf-8").replace("第2村", "第二村", 1), encoding="utf-8")
    cache.cached(inv, compute)
    assert len(calls) == 2


def test_problems_are_cached_with_their_locations(env):
    inv, calls, compute = env
    (inv / "devices.yaml").write_text((inv / "devices.yaml").read_text().replace("role: core_switch", "role: toaster", 1))
    first = cache.cached(inv, compute)
    second = cache.cached(inv, compute)
    assert first[1] and second[1] == first[1] and len(calls) == 1


def test_entries_are_private_and_a_shared_cache_dir_is_not_trusted(env, tmp_path):
    inv, calls, compute = env
    cache.cached(inv, compute)
    entry = cache._entry_path(inv)
    assert entry.stat().st_mode & 0o777 == 0o600 and entry.parent.stat().st_mode & 0o777 == 0o700
    entry.parent.chmod(0o777)  # someone else could have planted a pickle
    cache.cached(inv, compute)
    assert len(calls) == 2


def test_a_corrupt_entry_is_recomputed(env):
    inv, calls, compute = env
    cache.cached(inv, compute)
    entry = cache._entry_path(inv)
    key = entry.read_bytes().split(b"\n", 1)[0]
    entry.write_bytes(key + b"\nnot a pickle")
    result = cache.cached(inv, compute)
    assert len(calls) == 2 and result[0] is not None


def test_off_means_off(env, monkeypatch):
    inv, calls, compute = env
    monkeypatch.setenv("NETOPS_CACHE", "off")
    cache.cached(inv, compute)
    cache.cached(inv, compute)
    assert len(calls) == 2 and not cache._entry_path(inv).exists()
