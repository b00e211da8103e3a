"""snmp_exporter modules (the generator's `snmp.yml`) as netops profiles.

A team's existing generated modules keep working: each module becomes a profile that reads
the same objects and emits snmp_exporter's metric and label names (ifHCInOctets{ifIndex,
ifName}), so community dashboards built on snmp_exporter work unchanged.

Mapping (snmp_exporter -> netops):
- `metrics[].indexes` -> the table's index parts (gauge -> integer, DisplayString/OctetString
  -> length-prefixed string or `implied`/`fixed_size`, PhysAddress48 -> 6 octets, InetAddress
  -> inet, InetAddressIPv4/IPv6 -> 4/16 octets).
- `lookups` -> labels read from another column, keyed by the listed index labels;
  `drop_source_indexes` hides the index label.
- `type` gauge/counter/Float/Double -> a gauge or counter; DisplayString, OctetString,
  PhysAddress48, InetAddress* -> an info-style sample (value 1) carrying the rendered string
  as a label named like the metric; EnumAsInfo -> the same with the enum's name;
  EnumAsStateSet -> one 0/1 sample per `enum_values` entry. Strings render as snmp_exporter
  renders them (PhysAddress48 upper-case with colons, OctetString 0x-hex). `scale`/`offset` carry over.
- `get`/`walk` need no translation: netops reads exactly the metrics' and lookups' objects.
Not supported (reported, the metric is skipped): `regex_extracts`, Bits, DateAndTime.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from netops.snmp.profile import Profile, ProfileError, yaml_error

NAMES_CONTEXT = {"names": "snmp_exporter"}
_STRING_TYPES = {"DisplayString": "text", "OctetString": "0xhex", "PhysAddress48": "phys48",
                 "InetAddressIPv4": "ip", "InetAddressIPv6": "ip", "InetAddress": "ip", "LldpPortId": "auto"}
_NUMERIC = {"gauge": "gauge", "counter": "counter", "Float": "gauge", "Double": "gauge", "Counter64": "counter"}


class ImportNote(str):
    """A metric that could not be carried over, and why."""


def profile_name(module: str) -> str:
    name = re.sub(r"[^a-z0-9_]+", "_", module.lower()).strip("_")
    return name if name and name[0].isalpha() else f"m_{name}"


def _index_part(index: dict) -> dict:
    kind = index.get("type", "gauge")
    part: dict[str, Any] = {"name": index["labelname"]}
    if kind == "gauge":
        part["type"] = "integer"
    elif kind in ("DisplayString", "OctetString", "LldpPortId"):
        if index.get("fixed_size"):
            part.update(type="fixed", length=int(index["fixed_size"]))
        else:
            part["type"] = "implied" if index.get("implied") else "string"
        part["render"] = "text" if kind == "DisplayString" else ("auto" if kind == "LldpPortId" else "0xhex")
    elif kind == "PhysAddress48":
        part.update(type="fixed", length=6, render="phys48")
    elif kind == "InetAddressIPv4":
        part.update(type="fixed", length=4, render="ip")
    elif kind == "InetAddressIPv6":
        part.update(type="fixed", length=16, render="ip")
    elif kind == "InetAddress":
        part["type"] = "inet"
    else:
        raise ValueError(f"index type {kind!r} is not supported")
    return part


def _table(metric: dict) -> dict:
    """One netops table for one snmp_exporter metric (the fetch plan merges shared columns)."""
    name, kind = metric["name"], metric.get("type", "gauge")
    if metric.get("regex_extracts"):
        raise ValueError("regex_extracts is not supported")
    indexes = [_index_part(i) for i in metric.get("indexes") or []]
    by_name = {p["name"]: p for p in indexes}
    labels: list[dict] = []
    for lookup in metric.get("lookups") or []:
        label = lookup["labelname"]
        spec: dict[str, Any] = {"label": label, "oid": lookup["oid"],
                                "render": _STRING_TYPES.get(lookup.get("type", "DisplayString"), "text")}
        keys = list(lookup.get("labels") or [])
        if keys and keys != [p["name"] for p in indexes]:
            spec["key"] = keys
        if label in by_name:  # the lookup replaces the index's own label
            by_name[label]["label"] = False
        if lookup.get("drop_source_indexes"):
            for key in keys:
                if key in by_name:
                    by_name[key]["label"] = False
        labels.append(spec)
    out: dict[str, Any] = {"oid": metric["oid"], "name": name, "help": metric.get("help", "")}
    if metric.get("scale") is not None:
        out["scale"] = float(metric["scale"])
    if metric.get("offset") is not None:
        out["offset"] = float(metric["offset"])
    enum = {int(k): str(v) for k, v in (metric.get("enum_values") or {}).items()}
    if kind in _NUMERIC:
        out["type"] = _NUMERIC[kind]
    elif kind in _STRING_TYPES:
        out["type"] = "info"
        labels.append({"label": name, "oid": metric["oid"], "render": _STRING_TYPES[kind]})
    elif kind == "EnumAsInfo":  # snmp_exporter names it <name>_info
        out.update(type="info", name=f"{name}_info")
        labels.append({"label": name, "oid": metric["oid"], "map": {str(k): v for k, v in enum.items()}})
    elif kind == "EnumAsStateSet":
        out.update(type="gauge", enum=enum, enum_as="state", state_label=name)
    else:
        raise ValueError(f"metric type {kind!r} is not supported")
    table: dict[str, Any] = {"name": name, "metrics": [out]}
    if indexes:
        table["index"] = indexes
    else:
        table["scalar"] = True
    if labels:
        table["labels"] = labels
    return table


def module_profile(module: str, body: dict, source: str = "snmp.yml") -> tuple[dict, list[str]]:
    """The profile document for one module, and notes on what was left out."""
    tables, notes = [], []
    for metric in body.get("metrics") or []:
        try:
            tables.append(_table(metric))
        except (ValueError, KeyError, TypeError) as exc:
            notes.append(f"{module}: metric {metric.get('name', '?')}: {exc}; skipped")
    document = {
        "name": profile_name(module),
        "description": f"snmp_exporter module {module} (imported from {source})",
        "names": "snmp_exporter",
        "tables": tables,
    }
    return document, notes


def parse_config(text: str, path: Path | str = "snmp.yml") -> dict:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise yaml_error(path, exc) from None
    if not isinstance(data, dict):
        raise ProfileError(path, "an snmp_exporter configuration is a mapping of module names")
    modules = data.get("modules", data)  # newer snmp_exporter nests them under `modules:`
    if not isinstance(modules, dict) or not all(isinstance(v, dict) for v in modules.values()):
        raise ProfileError(path, "expected module names mapping to {walk, get, metrics}")
    return modules


def import_config(path: Path, only: list[str] | None = None) -> tuple[dict[str, dict], list[str]]:
    """Profile documents (by profile name) for the modules of an snmp_exporter config."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(path, f"cannot read: {exc}") from None
    modules = parse_config(text, path)
    missing = [m for m in only or [] if m not in modules]
    if missing:
        raise ProfileError(path, f"no module {', '.join(missing)}; it has: {', '.join(sorted(modules))}")
    documents, notes = {}, []
    for module, body in modules.items():
        if only and module not in only:
            continue
        document, skipped = module_profile(module, body, path.name)
        notes += skipped
        if not document["tables"]:
            notes.append(f"{module}: no metric could be imported; module skipped")
            continue
        documents[document["name"]] = document
    return documents, notes


def validate(document: dict, path: Path | str) -> Profile:
    try:
        return Profile.model_validate(document, context=NAMES_CONTEXT)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ProfileError(path, f"module {document['name']}: {where}: {first['msg'].removeprefix('Value error, ')}") from None


def load_snmp_exporter_config(path: Path) -> dict[str, Profile]:
    """Every importable module of an snmp_exporter configuration, as profiles."""
    documents, _notes = import_config(path)
    return {name: validate(document, path) for name, document in documents.items()}
