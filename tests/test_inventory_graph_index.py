"""`Inventory.links_of` answers from an index: it must never answer from a stale one."""

from __future__ import annotations

from pathlib import Path

from netops.inventory.load import load_inventory
from netops.inventory.model import Link

SAMPLE = Path(__file__).resolve().parents[1] / "inventory"


def _scan(inv, device: str) -> list[Link]:
    return [link for link in inv.links if device in (link.a.device, link.b.device)]


def test_index_agrees_with_a_scan_for_every_device():
    inv = load_inventory(SAMPLE)
    for name in inv.devices:
        assert inv.links_of(name) == _scan(inv, name), name
    assert inv.links_of("no-such-device") == []


def test_index_follows_links_added_or_replaced_after_the_first_lookup():
    inv = load_inventory(SAMPLE)
    first = inv.links_of("fw-1")
    moved = inv.links[0].model_copy(update={"b": inv.links[0].b.model_copy(update={"device": "fw-1"})})
    inv.links.append(moved)  # grows in place
    assert inv.links_of("fw-1") == first + [moved] == _scan(inv, "fw-1")
    inv.links = [moved]  # a new list of the same kind
    assert inv.links_of("fw-1") == [moved] and inv.links_of(inv.links[0].a.device) == [moved]
