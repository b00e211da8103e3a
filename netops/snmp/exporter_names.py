"""netops' own profiles under snmp_exporter's metric and label names (`--metric-names snmp_exporter`).

Community dashboards are built on what snmp_exporter's generator emits: a metric is named
after its MIB object and carries the raw MIB value (`ifHCInOctets`, `ifHighSpeed` in Mbit/s,
`upsEstimatedMinutesRemaining` in minutes, `upsOutputSource` as the enum's number); an index
label is named after its index object (`ifIndex`) and a looked-up label after the object it
reads (`ifName`, `ifAlias`, `ifDescr`). This module rewrites a profile into that form, as
data, from the `object` fields the profiles already carry:

- metric name := `object`; scale, offset, sentinels (`unknown`), `min`/`max`, `value_map`,
  `convert`, `scale_by` and `exponent_by` are dropped (raw value); an enum stays a number (`enum_as: value`),
  as the generator's default for INTEGER enums;
- a fallback column (ifInOctets behind ifHCInOctets) becomes a metric of its own, read
  beside the first: snmp_exporter's if_mib exports both; a fallback reading the same
  object in another OID tree (Huawei's two security MIBs) stays a fallback of that metric;
- index parts and labels that name an `object` are renamed to it; a label's fallback column
  (ifName -> ifDescr) is dropped, so ifName is empty where the agent has no ifXTable, as in
  snmp_exporter; labels without an object keep their netops name;
- `rows_limit` is dropped (snmp_exporter shows every row the agent returns); filters stay.

Names without `_total` on counters fail `promtool check metrics`'s naming lint exactly as
snmp_exporter's own output does; that is the price of drop-in dashboards, so the default
stays netops' names.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import ValidationError

from netops.snmp.profile import Profile, ProfileError

MetricNames = Literal["netops", "snmp_exporter"]
CONTEXT = {"names": "snmp_exporter"}
_RAW_DROPPED = ("scale", "offset", "unknown", "min", "max", "value_map", "convert", "scale_by", "exponent_by",
                "fallback", "enum_as", "state_label")


def sanitized(name: str) -> str:
    """A MIB object name as the generator makes it a Prometheus name (internal-tempc -> internal_tempc)."""
    name = re.sub(r"[^a-zA-Z0-9_]", "_", name)
    return f"_{name}" if name[:1].isdigit() else name


def _rename(keys: list[str] | None, renamed: dict[str, str]) -> list[str] | None:
    return [renamed.get(k, k) for k in keys] if keys is not None else None


def _metrics(table: dict[str, Any]) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for metric in table["metrics"]:
        raw = {k: v for k, v in metric.items() if k not in _RAW_DROPPED}
        raw["name"] = sanitized(metric["object"]) if metric.get("object") else metric["name"]
        # the same object under an older tree of the vendor (HUAWEI-SECSTAT-MIB behind
        # HUAWEI-SECURITY-STAT-MIB) is one metric: it stays a fallback, raw
        raw["fallback"] = [{**f, "scale": 1.0} for f in metric.get("fallback") or []
                           if f.get("object") and sanitized(f["object"]) == raw["name"]]
        out.setdefault(raw["name"], raw)
        for fallback in metric.get("fallback") or []:
            if fallback.get("object") and sanitized(fallback["object"]) != raw["name"]:
                name = sanitized(fallback["object"])
                out.setdefault(name, {"name": name, "oid": fallback["oid"], "object": fallback["object"],
                                      "type": metric["type"], "help": metric.get("help", "")})
    return list(out.values())


def _table(table: dict[str, Any]) -> dict[str, Any]:
    renamed: dict[str, str] = {}
    index = []
    for part in table.get("index") or []:
        if part.get("object"):
            renamed[part["name"]] = sanitized(part["object"])
        index.append({**part, "name": renamed.get(part["name"], part["name"]),
                      "label": part["label"] or bool(part.get("object"))})  # snmp_exporter shows every index
    labels = []
    for label in table.get("labels") or []:
        new = {**label, "key": _rename(label.get("key"), renamed)}
        if label.get("object"):
            renamed[label["label"]] = sanitized(label["object"])
            new.update(label=renamed[label["label"]], fallback=None)
        labels.append(new)
    for label in labels:
        if label.get("from") is not None:
            label["from"] = renamed.get(label["from"], label["from"])
    filters = [{**f, "key": _rename(f.get("key"), renamed)} for f in table.get("filters") or []]
    return {**table, "index": index, "labels": labels, "filters": filters, "rows_limit": None,
            "metrics": _metrics(table)}


def snmp_exporter_names(profile: Profile) -> Profile:
    """The profile emitting snmp_exporter's names and raw values (imported modules already do)."""
    if profile.names == "snmp_exporter":
        return profile
    document = profile.model_dump(by_alias=True)
    document.update(names="snmp_exporter", tables=[_table(t) for t in document["tables"]])
    try:
        return Profile.model_validate(document, context=CONTEXT)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ProfileError(profile.name, f"under snmp_exporter's names: {where}: "
                                         f"{first['msg'].removeprefix('Value error, ')}") from None


def with_names(profiles: dict[str, Profile], names: MetricNames) -> dict[str, Profile]:
    """The catalog as it is served: netops' names, or every profile under snmp_exporter's."""
    if names == "netops":
        return profiles
    return {name: snmp_exporter_names(profile) for name, profile in profiles.items()}
