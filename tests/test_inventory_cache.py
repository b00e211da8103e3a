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


# --- validate's replayed report and the sealed entries, against a hostile tester ----------

from netops.inventory import load as load_module  # noqa: E402
from netops.inventory.report import validation_report  # noqa: E402


@pytest.fixture
def counted(env, monkeypatch):
    """The sample inventory in a temporary directory; every real parse is counted."""
    inv, calls, compute = env
    monkeypatch.setattr(load_module, "_check_inventory", compute)
    return inv, calls


def test_validate_replays_its_report_without_parsing(counted):
    inv, calls = counted
    first = validation_report(inv)
    second = validation_report(inv)
    assert len(calls) == 1 and second == first and first["devices"] > 100 and first["problems"] == []


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "inventory").iterdir() if p.is_file()))
def test_any_change_to_any_input_file_is_a_miss(counted, name):
    inv, calls = counted
    validation_report(inv)
    path = inv / name
    path.write_bytes(path.read_bytes() + b"\n")  # a harmless change: same meaning, new content
    validation_report(inv)
    assert len(calls) == 2, f"a change to {name} replayed the old report"


def test_a_new_file_in_the_inventory_is_a_miss(counted):
    inv, calls = counted
    validation_report(inv)
    (inv / "extra.yaml").write_text("devices: []\n", encoding="utf-8")
    validation_report(inv)
    assert len(calls) == 2


def test_a_problem_introduced_after_a_clean_run_is_reported(counted):
    inv, calls = counted
    assert validation_report(inv)["problems"] == []
    devices = inv / "devices.yaml"
    devices.write_text(devices.read_text(encoding="utf-8").replace("role: core_switch", "role: toaster", 1),
                       encoding="utf-8")
    report = validation_report(inv)
    assert report["problems"] and any("toaster" in p["message"] or p["field"].endswith("role")
                                      for p in report["problems"])


def test_a_new_netops_version_is_a_miss(counted, monkeypatch):
    import netops

    inv, calls = counted
    validation_report(inv)
    monkeypatch.setattr(netops, "__version__", netops.__version__ + ".post1")
    validation_report(inv)
    assert len(calls) == 2


def test_edited_model_code_is_a_miss(counted, monkeypatch):
    """The key covers the source of every module of netops/inventory (here: model.py)."""
    inv, calls = counted
    validation_report(inv)
    model = Path(cache.__file__).with_name("model.py").resolve()
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: real(self) + b"\n# edited\n"
                        if self.resolve() == model else real(self))
    cache._code_files_digest.cache_clear()
    try:
        validation_report(inv)
    finally:
        cache._code_files_digest.cache_clear()
    assert len(calls) == 2


def _entries(inv: Path) -> list[Path]:
    return [cache._entry_path(inv), cache._entry_path(inv, "report.json")]


def _payload_offset(data: bytes) -> int:
    return sum(len(part) + 1 for part in data.split(b"\n", 3)[:3])


def test_a_tampered_report_is_detected_and_recomputed(counted):
    inv, calls = counted
    truth = validation_report(inv)
    report = cache._entry_path(inv, "report.json")
    data = report.read_bytes()
    forged = data.replace(b'"problems": []', b'"problems": [], "x": 1').replace(
        str(truth["devices"]).encode(), b"1", 1)
    assert forged != data
    report.write_bytes(forged)  # same header and seal, edited payload
    assert validation_report(inv) == truth  # rebuilt from the (intact) parsed inventory
    assert cache.read_entry(report, cache.inventory_key(inv)) is not None, "the forged entry was not replaced"


def test_a_tampered_pickle_is_never_unpickled(counted, tmp_path):
    """A planted pickle that would run code, under the right key but without our seal."""
    import pickle

    inv, calls = counted
    cache.cached(inv, load_module._check_inventory)
    entry = cache._entry_path(inv)
    data = entry.read_bytes()
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (Path.touch, (marker,))

    head = data[:_payload_offset(data)]
    entry.write_bytes(head + pickle.dumps(Evil()))
    result = cache.cached(inv, load_module._check_inventory)
    assert not marker.exists() and result[0] is not None and len(calls) == 2


@pytest.mark.parametrize("cut", ["empty", "header only", "half", "last byte"])
def test_a_truncated_entry_is_ignored(counted, cut):
    inv, calls = counted
    truth = validation_report(inv)
    cache.cached(inv, load_module._check_inventory)
    for entry in _entries(inv):
        data = entry.read_bytes()
        size = {"empty": 0, "header only": _payload_offset(data), "half": len(data) // 2,
                "last byte": len(data) - 1}[cut]
        entry.write_bytes(data[:size])
    assert validation_report(inv) == truth and len(calls) == 2
    assert cache.cached(inv, load_module._check_inventory)[1] == [] and len(calls) == 2  # rewritten, whole


def test_a_flipped_bit_anywhere_in_the_payload_is_detected(counted):
    inv, calls = counted
    cache.cached(inv, load_module._check_inventory)
    entry = cache._entry_path(inv)
    data = bytearray(entry.read_bytes())
    start = _payload_offset(bytes(data))
    for at in (start, start + (len(data) - start) // 2, len(data) - 1):
        corrupt = bytearray(data)
        corrupt[at] ^= 0x01
        entry.write_bytes(bytes(corrupt))
        assert cache.read_entry(entry, cache.inventory_key(inv)) is None, f"bit flip at {at} went unnoticed"


def test_an_entry_from_another_cache_is_not_trusted(counted, tmp_path, monkeypatch):
    """Entries copied from another user's or machine's cache carry another key's seal."""
    inv, calls = counted
    cache.cached(inv, load_module._check_inventory)
    validation_report(inv)
    foreign = [entry.read_bytes() for entry in _entries(inv)]
    monkeypatch.setenv("NETOPS_CACHE_DIR", str(tmp_path / "other-cache"))
    validation_report(inv)  # creates the other cache and its own key
    for entry, data in zip(_entries(inv), foreign):
        entry.write_bytes(data)
    calls.clear()
    validation_report(inv)
    assert len(calls) == 1


def test_a_lost_or_exposed_seal_key_means_no_hits(counted):
    inv, calls = counted
    validation_report(inv)
    key_file = cache.cache_dir() / cache.KEY_FILE
    assert key_file.stat().st_mode & 0o777 == 0o600
    key_file.chmod(0o644)  # readable by others: anyone could forge a seal
    validation_report(inv)
    assert len(calls) == 2
    key_file.unlink()
    validation_report(inv)
    assert len(calls) == 3 and key_file.stat().st_mode & 0o777 == 0o600


def test_an_entry_readable_by_others_is_ignored(counted):
    inv, calls = counted
    validation_report(inv)
    report = cache._entry_path(inv, "report.json")
    report.chmod(0o644)
    assert cache.read_entry(report, cache.inventory_key(inv)) is None
    validation_report(inv)
    assert report.stat().st_mode & 0o777 == 0o600, "the exposed entry was not replaced"


def test_entries_hold_no_secret_values(counted, monkeypatch, tmp_path):
    """The inventory names its secrets; values in the environment or a secrets file never
    reach the cache."""
    inv, calls = counted
    values = {"NETOPS_ADMIN_PASSWORD": "Adm1n-s3cret-value", "NETOPS_SNMP_IN_AUTH": "auth-s3cret-value",
              "NETOPS_SNMP_COMMUNITY": "community-s3cret-value"}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    secrets_file = tmp_path / "secrets.yaml"
    secrets_file.write_text("snmp-ex-auth: file-s3cret-value\nsnmp-ex-priv: file-s3cret-priv\n", encoding="utf-8")
    secrets_file.chmod(0o600)
    monkeypatch.setenv("NETOPS_SECRETS_FILE", str(secrets_file))
    cache.cached(inv, load_module._check_inventory)
    validation_report(inv)
    stored = b"".join(path.read_bytes() for path in cache.cache_dir().rglob("*") if path.is_file())
    for secret in [*values.values(), "file-s3cret-value", "file-s3cret-priv"]:
        assert secret.encode() not in stored


def test_the_replayed_inventory_is_the_validated_one(counted):
    inv, calls = counted
    first = cache.cached(inv, load_module._check_inventory)[0]
    second = cache.cached(inv, load_module._check_inventory)[0]
    assert second == first and second.model_dump() == first.model_dump()
    for name, device in first.devices.items():
        again = second.devices[name]
        assert list(again.__dict__) == list(device.__dict__)  # field order as validated
        assert again.model_fields_set == device.model_fields_set
    village = next(d for d in second.devices.values() if d.role.value == "village_ap")
    village.tags.append("edited")  # lists are never shared between loaded objects
    assert all("edited" not in d.tags for d in second.devices.values() if d is not village)


def test_the_cache_lives_where_the_conventions_say(monkeypatch, tmp_path):
    """$NETOPS_CACHE_DIR, else systemd's $CACHE_DIRECTORY (a service), else the XDG cache."""
    for name in ("NETOPS_CACHE_DIR", "CACHE_DIRECTORY", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "netops"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "netops"
    monkeypatch.setenv("CACHE_DIRECTORY", f"{tmp_path / 'var-cache-netops'}:{tmp_path / 'other'}")
    assert cache.cache_dir() == tmp_path / "var-cache-netops"
    monkeypatch.setenv("NETOPS_CACHE_DIR", str(tmp_path / "explicit"))
    assert cache.cache_dir() == tmp_path / "explicit"


def test_a_failed_write_leaves_no_partial_file(counted, monkeypatch):
    inv, calls = counted
    real_replace = os.replace

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    validation_report(inv)
    monkeypatch.setattr(os, "replace", real_replace)
    leftovers = [p.name for p in (cache.cache_dir() / "inventory").iterdir()]
    assert leftovers == [], leftovers


def test_a_csv_in_a_hidden_directory_with_a_space_in_its_name_is_part_of_the_key(counted):
    """However the YAML spells the path, every file inside the inventory is in the key."""
    inv, calls = counted
    hidden = inv / ".data" / "my villages.csv"
    hidden.parent.mkdir()
    shutil.move(inv / "villages.csv", hidden)
    links = inv / "links.yaml"
    links.write_text(links.read_text(encoding="utf-8").replace("villages.csv", '".data/my villages.csv"'),
                     encoding="utf-8")
    first = validation_report(inv)
    assert first["problems"] == [], first["problems"][:3]
    hidden.write_text(hidden.read_text(encoding="utf-8") + "not,a,valid,row\n", encoding="utf-8")
    second = validation_report(inv)
    assert len(calls) == 2 and second["problems"], "an edit to the hidden CSV replayed the old report"


def test_version_control_metadata_is_not_part_of_the_key(counted):
    inv, calls = counted
    validation_report(inv)
    (inv / ".git").mkdir()
    (inv / ".git" / "FETCH_HEAD").write_text("0123abcd\n", encoding="utf-8")
    validation_report(inv)
    assert len(calls) == 1


def test_the_kept_source_map_places_every_device_and_cable_as_the_full_one(counted):
    """The audit names files and lines from the compact map the cache keeps: same answers."""
    inv, calls = counted
    compact = load_module._check_inventory(inv)[2]
    _, full, _ = load_module.parse_inventory(inv)
    for section in ("devices", "links"):
        count = len(full.doc[section])
        assert count > 100
        for index in [*range(count), count, count + 7]:
            assert compact.locate((section, index)) == full.locate((section, index)), (section, index)
    names = [d.get("name") for d in full.doc["devices"]]
    assert [d["name"] for d in compact.doc["devices"]] == names
    assert compact.doc["villages_csv"] == full.doc["villages_csv"]
