"""Turn fetched SNMP data into metric families, generically over profile data. Pure.

`plan(profiles)` says what to read; `families(profiles, data, labels)` maps what was read.
Neither touches the network, so every rule here is tested against recordings as data.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Iterable

from netops.snmp import ber
from netops.snmp.families import LabelSet, MetricFamily, Sample
from netops.snmp.profile import Exponent, IndexPart, LabelSpec, MetricSpec, Profile, TableSpec
from netops.snmp.walk import Cell, Fetched, FetchPlan

SCALAR_ROW: ber.Oid = (0,)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def table_oids(table: TableSpec) -> tuple[list[ber.Oid], list[ber.Oid]]:
    """(scalars, columns) one table reads in the first pass (fallbacks come later)."""
    scalars: list[ber.Oid] = []
    columns: list[ber.Oid] = []
    target = scalars if table.scalar else columns
    for metric in table.metrics:
        target.append(metric.oid)
        if metric.scale_by:
            target.append(metric.scale_by)
        target.extend(e.oid for e in metric.exponent_by)
    target.extend(label.oid for label in table.labels if label.oid is not None)
    target.extend(f.oid for f in table.filters if not f.scalar and f.row is None)
    scalars.extend(f.oid for f in table.filters if f.scalar)
    columns.extend(f.oid for f in table.filters if f.row is not None)
    if table.rows_limit is not None:
        scalars.append(table.rows_limit.oid)
    return scalars, columns


def profile_oids(profile: Profile) -> set[ber.Oid]:
    """Every object or column a profile may read, fallbacks included (for module health)."""
    out: set[ber.Oid] = set()
    for table in profile.tables:
        scalars, columns = table_oids(table)
        out.update(scalars, columns)
        for metric in table.metrics:
            out.update(f.oid for f in metric.fallback)
        out.update(label.fallback for label in table.labels if label.fallback is not None)
    return out


def plan(profiles: Iterable[Profile]) -> FetchPlan:
    scalars: list[ber.Oid] = []
    columns: list[ber.Oid] = []
    for profile in profiles:
        for table in profile.tables:
            s, c = table_oids(table)
            scalars += s
            columns += c
    return FetchPlan(tuple(dict.fromkeys(scalars)), tuple(dict.fromkeys(columns)))


def fallback_plan(profiles: Iterable[Profile], data: Fetched) -> FetchPlan:
    """Second pass: fallback columns for metrics and labels whose own column came back empty."""
    scalars: list[ber.Oid] = []
    columns: list[ber.Oid] = []
    for profile in profiles:
        for table in profile.tables:
            target = scalars if table.scalar else columns
            for metric in table.metrics:
                if metric.fallback and not data.get(metric.oid):
                    target.append(metric.fallback[0].oid)
            for label in table.labels:
                if label.fallback is not None and label.oid is not None and not data.get(label.oid):
                    target.append(label.fallback)
    return FetchPlan(tuple(dict.fromkeys(scalars)), tuple(dict.fromkeys(columns)))


def served_by_fallback(profile: Profile, data: Fetched) -> set[ber.Oid]:
    """Objects of the profile that gave nothing but whose fallback did (ifHCInOctets refused,
    ifInOctets read; Huawei's product security tree refused, the old one read): not lost."""
    out: set[ber.Oid] = set()
    for table in profile.tables:
        for metric in table.metrics:
            if not data.get(metric.oid) and any(data.get(f.oid) for f in metric.fallback):
                out.add(metric.oid)
        for label in table.labels:
            if label.fallback is not None and label.oid is not None and not data.get(label.oid) \
                    and data.get(label.fallback):
                out.add(label.oid)
    return out


# --- rendering values -------------------------------------------------------------------


def render(cell: Cell | None, how: str = "text") -> str:
    """A varbind value as label text: DisplayString, hex, MAC, IP address, integer or OID."""
    if cell is None:
        return ""
    tag, value = cell
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple):
        return ber.format_oid(value)
    if value is None:
        return ""
    return render_octets(value, "ip" if tag == ber.IP_ADDRESS and how in ("text", "auto") else how)


def render_octets(raw: bytes, how: str) -> str:
    if how == "text":
        return _text(raw)
    if how == "auto":
        text = _printable(raw)
        return text if text is not None else raw.hex(":")
    if how == "ip":
        if len(raw) in (4, 16):
            return str(ipaddress.ip_address(raw))
        return raw.hex(":")
    if how == "int":
        return str(int.from_bytes(raw, "big")) if raw else ""
    if how == "oid":
        return ".".join(map(str, raw))
    if how == "phys48":
        return raw.ljust(6, b"\0").hex(":").upper()
    if how == "0xhex":
        return "0x" + raw.hex().upper()
    return raw.hex(":")  # hex, mac


def _text(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    if _CONTROL.search(text):
        text = _CONTROL.sub(" ", text.rstrip("\x00"))
    return text.strip()


def _printable(raw: bytes) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any((ord(c) < 32 and c not in "\r\n\t") or ord(c) == 127 for c in text.rstrip("\x00")):
        return None
    return _text(raw)


def number(cell: Cell) -> float | None:
    """The numeric value of a cell; numeric strings (UCD laLoad '0.15') count too."""
    value = cell[1]
    if type(value) is int:
        return value
    if isinstance(value, bytes):
        try:
            return float(value.decode("ascii").strip())
        except (UnicodeDecodeError, ValueError):
            return None
    return None


# --- index parsing ------------------------------------------------------------------------


def split_index(parts: list[IndexPart], index: ber.Oid) -> list[ber.Oid] | None:
    """Cut a row index into its parts' sub-identifiers; None when it does not fit the spec."""
    out: list[ber.Oid] = []
    pos, end = 0, len(index)
    for part in parts:
        kind = part.type
        if kind == "integer":
            n = 1
            start = pos
        elif kind == "fixed":
            n = part.length or 0
            start = pos
        elif kind == "implied":
            n = end - pos
            start = pos
        else:  # string, inet, oid: length-prefixed
            if pos >= end:
                return None
            n = index[pos]
            start = pos + 1
        stop = start + n
        if stop > end:
            return None
        out.append(index[pos:stop])
        pos = stop
    return out if pos == end else None


def row_pieces(parts: list[IndexPart], row: ber.Oid) -> list[ber.Oid] | None:
    """split_index, tolerating a scalar's `.0` after a table row: some agents (EastPower
    iStars UPS cards) answer upsInputVoltage.1.0 for row 1 of a one-integer index."""
    pieces = split_index(parts, row)
    if pieces is None and len(row) > 1 and row[-1] == 0:
        pieces = split_index(parts, row[:-1])
    return pieces


def _render_part(part: IndexPart, subids: ber.Oid) -> str:
    if part.type == "integer":
        value = subids[0]
        return part.enum.get(value, str(value)) if part.enum else str(value)
    body = subids if part.type in ("fixed", "implied") else subids[1:]
    if part.type == "oid":
        return ".".join(map(str, body))
    if any(b > 255 for b in body):
        return ".".join(map(str, body))
    raw = bytes(body)
    if part.type == "inet":
        return render_octets(raw, "ip")
    return render_octets(raw, part.render)


def _key(spec_key: list[str] | None, names: list[str], pieces: list[ber.Oid], index: ber.Oid) -> ber.Oid:
    if spec_key is None:
        return index
    out: tuple[int, ...] = ()
    for name in spec_key:
        raw = pieces[names.index(name)]
        out += raw
    return out


# --- mapping ------------------------------------------------------------------------------


def _classify(label: LabelSpec, source: str) -> str:
    for rule in label.classify or []:
        if re.search(rule.match, source):
            return rule.value
    return label.default if label.default is not None else ""


def _row_labels(table: TableSpec, data: Fetched, index: ber.Oid, pieces: list[ber.Oid] | None) -> dict[str, str] | None:
    labels: dict[str, str] = {}
    names = [p.name for p in table.index]
    if pieces is not None:
        for part, raw in zip(table.index, pieces):
            if part.label:
                labels[part.name] = _render_part(part, raw)
    for flt in table.filters:
        if flt.scalar:
            key = SCALAR_ROW
        elif flt.row is not None:
            key = flt.row
        else:
            key = _key(flt.key, names, pieces or [], index) if pieces is not None else index
        column = data.get(flt.oid)
        if not column and flt.when_absent == "keep":
            continue
        cell = column.get(key) if column else None
        if cell is None:
            return None  # fail closed: a row we cannot check is not shown
        value: int | str = cell[1] if isinstance(cell[1], int) else render(cell)
        if flt.in_ is not None and value not in flt.in_:
            return None
        if flt.not_in is not None and value in flt.not_in:
            return None
    for label in table.labels:
        if label.from_ is not None:
            labels[label.label] = _classify(label, labels.get(label.from_, ""))
            continue
        key = _key(label.key, names, pieces or [], index) if pieces is not None else index
        cell = data.get(label.oid, {}).get(key)  # type: ignore[arg-type]
        if cell is None and label.fallback is not None:
            cell = data.get(label.fallback, {}).get(key)
        text = render(cell, label.render)
        if label.map is not None:
            text = label.map.get(text, label.default if label.default is not None else text)
        elif not text and label.default is not None:
            text = label.default
        labels[label.label] = text
    return labels


def _column(metric: MetricSpec, data: Fetched) -> tuple[dict[ber.Oid, Cell] | None, float]:
    """The metric's own column, or its first fallback that has data, with that one's scale."""
    own = data.get(metric.oid)
    if own or not metric.fallback:
        return own, 1.0
    fallback = metric.fallback[0]
    return data.get(fallback.oid), fallback.scale / metric.scale if metric.scale else fallback.scale


def _rows(table: TableSpec, data: Fetched) -> list[ber.Oid]:
    if table.scalar:
        return [SCALAR_ROW]
    seen: dict[ber.Oid, None] = {}
    for metric in table.metrics:
        seen.update(dict.fromkeys(_column(metric, data)[0] or ()))
    rows = sorted(seen)
    if table.rows_limit is not None:
        cell = data.get(table.rows_limit.oid, {}).get(SCALAR_ROW)
        limit = number(cell) if cell else None
        if limit is not None:
            rows = [row for row in rows if row and row[0] <= limit]
    return rows


def _value(metric: MetricSpec, cell: Cell, data: Fetched, row: ber.Oid, column_factor: float = 1.0) -> float | None:
    raw = number(cell)
    if raw is None or raw in metric.unknown:
        return None
    raw *= column_factor
    if metric.value_map is not None:
        mapped = metric.value_map.get(int(raw))
        if mapped is None:
            return None
        raw = mapped
    value = raw
    if metric.scale != 1.0 or metric.offset:
        # 15 significant digits: 95 * 0.01 is 0.95 on a dashboard, not 0.9500000000000001
        value = float(f"{raw * metric.scale + metric.offset:.15g}")
    if metric.scale_by is not None:
        factor_cell = data.get(metric.scale_by, {}).get(row)
        factor = number(factor_cell) if factor_cell else None
        if factor is None:
            return None
        value = value * factor
    for exponent in metric.exponent_by:
        power = _power(exponent, data.get(exponent.oid, {}).get(row))
        if power is None:
            return None
        value = float(f"{value * 10.0 ** power:.15g}")
    if metric.convert == "mw_to_dbm":
        if value <= 0:
            return None
        value = round(10 * math.log10(value), 2)
    if (metric.min is not None and value < metric.min) or (metric.max is not None and value > metric.max):
        return None
    return value


def _power(exponent: Exponent, cell: Cell | None) -> int | None:
    code = number(cell) if cell else None
    return None if code is None else exponent.map.get(int(code))


def _enum_help(metric: MetricSpec) -> str:
    if not metric.enum:
        return metric.help
    states = ", ".join(f"{k}={v}" for k, v in sorted(metric.enum.items()))
    return f"{metric.help} ({states})" if metric.help else states


def _help(metric: MetricSpec) -> str:
    text = _enum_help(metric) if metric.enum_as == "value" else metric.help
    source = metric.object or ""
    oid = ber.format_oid(metric.oid)
    return f"{text} [{source} {oid}]".strip() if source else f"{text} [{oid}]".strip()


def table_families(table: TableSpec, data: Fetched, base: dict[str, str]) -> list[MetricFamily]:
    families = [MetricFamily(m.name, "gauge" if m.type == "info" else m.type, _help(m)) for m in table.metrics]
    chosen = [_column(m, data) for m in table.metrics]
    columns = [c for c, _ in chosen]
    factors = [f for _, f in chosen]
    if not any(columns):
        return families
    rows = _rows(table, data)
    plain = set(rows)
    for row in rows:
        pieces = None if table.scalar else row_pieces(table.index, row)
        if pieces is None and not table.scalar:
            continue
        if not table.scalar and row[-1:] == (0,) and row[:-1] in plain:
            continue  # row 1 answered both as .1 and as .1.0: one series, not two
        labels = _row_labels(table, data, row, pieces)
        if labels is None:
            continue
        label_set = LabelSet({**base, **labels})
        for metric, column, factor, family in zip(table.metrics, columns, factors, families):
            cell = column.get(row) if column else None
            if cell is None:
                continue
            if metric.type == "info":
                family.samples.append(Sample(label_set, 1))
                continue
            value = _value(metric, cell, data, row, factor)
            if value is None:
                continue
            if metric.enum_as == "value":
                family.samples.append(Sample(label_set, value))
            elif metric.enum_as == "label":
                name = metric.enum.get(int(value), str(int(value)))  # type: ignore[union-attr]
                family.samples.append(Sample(label_set, 1, ((metric.state_label, name),)))
            else:
                for code, name in metric.enum.items():  # type: ignore[union-attr]
                    family.samples.append(Sample(label_set, 1 if code == value else 0, ((metric.state_label, name),)))
    return families


def families(profiles: Iterable[Profile], data: Fetched, base_labels: dict[str, str] | None = None) -> list[MetricFamily]:
    """Every metric family of the profiles, from the fetched data, labelled with base_labels."""
    base = dict(base_labels or {})
    out: dict[str, MetricFamily] = {}
    for profile in profiles:
        for table in profile.tables:
            for family in table_families(table, data, base):
                if family.name in out:  # the same metric from two profiles: one family
                    out[family.name].samples.extend(family.samples)
                else:
                    out[family.name] = family
    return list(out.values())


def drop_repeated_series(families: list[MetricFamily]) -> list[str]:
    """Keep the first sample of every series given twice; return the ones dropped.

    Two rows can map to one label set (an APC unit with two main inputs, two profiles
    decoding the same object): Prometheus keeps one of them at random and counts the other
    as an error, so the exposition gives each series once and the scrape says which it
    dropped. Label sets of one table come in one order; the rendered text is the key.
    """
    dropped: list[str] = []
    for family in families:
        seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
        kept: list[Sample] = []
        for sample in family.samples:
            key = (sample.labels.text, sample.extra)
            if key in seen:
                dropped.append(f"{family.name}{{{key[0]}}}")
            else:
                seen.add(key)
                kept.append(sample)
        if len(kept) != len(family.samples):
            family.samples = kept
    return dropped
