"""What `netops inventory validate` prints, replayed from the cache when no input changed.

Validating an unchanged province should cost hashing its files, not rebuilding its
775,000 objects: the report (counts and every problem) is a small JSON entry stored under
the same content key as the parsed inventory (netops/inventory/cache.py).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from netops.errors import Problem
from netops.inventory import cache


def validation_report(root: Path) -> dict[str, Any]:
    """{"devices", "cables", "zones", "sites": counts or None, "problems": [Problem fields]}."""
    root = Path(root)
    if not cache.enabled():
        return _report(root, None)
    try:
        key = cache.inventory_key(root)
    except OSError:
        return _report(root, None)
    report = cache.cached_json(root, "report.json", key, lambda: _report(root, key))
    if not _well_formed(report):
        return _report(root, key)
    return report


def problems_of(report: dict[str, Any]) -> list[Problem]:
    return [Problem(**p) for p in report["problems"]]


def _report(root: Path, key: str | None) -> dict[str, Any]:
    from netops.inventory.load import _check_inventory

    if key is None:
        inventory, problems, _ = _check_inventory(root)
    else:
        inventory, problems, _ = cache.cached(root, _check_inventory, key)
    counts = {name: len(getattr(inventory, field)) if inventory is not None else None
              for name, field in (("devices", "devices"), ("cables", "links"), ("zones", "zones"), ("sites", "sites"))}
    return {**counts, "problems": [dataclasses.asdict(p) for p in problems]}


def _well_formed(report: Any) -> bool:
    """A sealed entry is ours, but an older netops may have written another shape."""
    if not isinstance(report, dict) or not isinstance(report.get("problems"), list):
        return False
    fields = {"file": str, "line": int, "field": str, "message": str}
    return all(isinstance(p, dict) and p.keys() == fields.keys() and all(isinstance(p[k], t) for k, t in fields.items())
               for p in report["problems"]) and all(
        report.get(k) is None or isinstance(report.get(k), int) for k in ("devices", "cables", "zones", "sites"))
