"""Metric profiles: which OIDs to read and how they become Prometheus metrics, as data.

A profile is a YAML file in `monitors/profiles/`. It lists tables (a group of scalars
counts as a table whose only row is `.0`). OIDs are numeric - no MIB files exist on the
machines netops runs on - and MIB names ride along as metadata (`object`, `name`).

    name: ups_rfc1628
    description: ...
    tables:
      - name: upsBattery
        scalar: true
        metrics:
          - {name: ups_battery_charge_ratio, oid: 1.3.6.1.2.1.33.1.2.4, scale: 0.01, ...}
      - name: upsInputEntry
        index: [{name: line, type: integer}]
        metrics:
          - {name: ups_input_voltage_volts, oid: 1.3.6.1.2.1.33.1.3.3.1.3}

The loader turns every mistake into a `ProfileError` naming the file, the line and the
field, never a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from netops.snmp.ber import Oid, parse_oid

METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
PROFILE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# Labels the collector adds from the inventory; a profile must not produce them itself.
RESERVED_LABELS = frozenset({"device", "site", "zone", "role", "town", "platform", "job", "instance"})

# "phys48" and "0xhex" render as snmp_exporter does (PhysAddress48, OctetString)
Render = Literal["text", "hex", "mac", "ip", "int", "oid", "auto", "phys48", "0xhex"]


def _to_oid(value: Any) -> Oid:
    if isinstance(value, (tuple, list)):
        return tuple(int(v) for v in value)
    if isinstance(value, (int, float)):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError("expected a numeric OID such as 1.3.6.1.2.1.1.3")
    return parse_oid(value)


OidField = Annotated[tuple[int, ...], BeforeValidator(_to_oid)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class IndexPart(_Model):
    """One component of a table's index, in order.

    integer: one sub-identifier. string: length-prefixed octets. fixed: `length` octets.
    implied: all remaining sub-identifiers as octets. inet: length-prefixed address octets
    shown as an IP address. oid: length-prefixed sub-identifiers shown dotted.
    """

    name: str
    type: Literal["integer", "string", "fixed", "implied", "inet", "oid"] = "integer"
    length: int | None = Field(None, ge=1, le=128)
    render: Render = "text"
    label: bool = Field(True, description="expose this part as a label")
    enum: dict[int, str] | None = None
    object: str | None = None  # the MIB index object (ifIndex): the label name under snmp_exporter's names

    @model_validator(mode="after")
    def _check(self) -> "IndexPart":
        if not LABEL_NAME.match(self.name):
            raise ValueError(f"index name {self.name!r} is not a valid label name")
        if self.object is not None and not LABEL_NAME.match(self.object):
            raise ValueError(f"object {self.object!r} is not a valid label name")
        if (self.type == "fixed") != (self.length is not None):
            raise ValueError("'length' is required for type fixed and only for it")
        return self


class ClassifyRule(_Model):
    match: str
    value: str

    @field_validator("match")
    @classmethod
    def _regex(cls, pattern: str) -> str:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"bad regular expression {pattern!r}: {exc}") from None
        return pattern


class LabelSpec(_Model):
    """A label taken from a column (of this table or another, joined by index) or derived.

    `key` names the index parts of this table whose sub-identifiers form the other table's
    index (default: the whole index). `map` renames rendered values; `from` + `classify`
    derive a label from another label by regular expressions (first match wins).
    `fallback` is read only when `oid` gives nothing for the row (ifName -> ifDescr).
    """

    label: str
    oid: OidField | None = None
    fallback: OidField | None = None
    key: list[str] | None = None
    render: Render = "text"
    map: dict[str, str] | None = None
    from_: str | None = Field(None, alias="from")
    classify: list[ClassifyRule] | None = None
    default: str | None = None
    object: str | None = None  # the MIB object read (ifName): the label name under snmp_exporter's names

    @model_validator(mode="after")
    def _check(self) -> "LabelSpec":
        if not LABEL_NAME.match(self.label):
            raise ValueError(f"{self.label!r} is not a valid label name")
        if self.object is not None and not LABEL_NAME.match(self.object):
            raise ValueError(f"object {self.object!r} is not a valid label name")
        if (self.oid is None) == (self.from_ is None):
            raise ValueError("a label needs exactly one of 'oid' (read it) or 'from' (derive it)")
        if self.from_ is not None and not self.classify:
            raise ValueError("a derived label ('from') needs 'classify' rules")
        return self


class FilterSpec(_Model):
    """Keep only rows whose value in `oid` (joined by `key`) is in `in` / not in `not_in`.

    A row whose cell is missing is dropped (fail closed), unless the agent has no such
    column at all and `when_absent: keep` says the filter then does not apply (some Comware
    releases return no entPhysicalClass). `scalar: true` tests one scalar for every row
    (a NetBotz 200 gives all its temperatures in the unit memSensorsStatusSysTempUnits.0 names);
    `row` tests one fixed row of a column for every row (an APC scalar left out when the
    first output's upsPhase column gives the same quantity more precisely).
    """

    oid: OidField
    key: list[str] | None = None
    scalar: bool = False
    row: OidField | None = None
    when_absent: Literal["drop", "keep"] = "drop"
    in_: list[int | str] | None = Field(None, alias="in")
    not_in: list[int | str] | None = None

    @model_validator(mode="after")
    def _check(self) -> "FilterSpec":
        if (self.in_ is None) == (self.not_in is None):
            raise ValueError("a filter needs exactly one of 'in' or 'not_in'")
        if self.scalar and self.key is not None:
            raise ValueError("a scalar filter has no 'key'")
        if self.row is not None and (self.scalar or self.key is not None):
            raise ValueError("a filter on a fixed 'row' has no 'key' and is not 'scalar'")
        return self


class Fallback(_Model):
    """Where to read a metric when its own column is absent (ifHCInOctets -> ifInOctets)."""

    oid: OidField
    object: str | None = None
    scale: float = 1.0


class Exponent(_Model):
    """A power of ten read per row: the value is multiplied by 10 ** map[code].

    RFC 3433 sensors: entPhySensorScale (units(9) -> 0, milli(8) -> -3, ...) and
    entPhySensorPrecision (2 decimal places -> -2). A row whose cell is missing, or whose
    code the map does not list, is left out (fail closed): a wrong power of ten is worse
    than no value.
    """

    oid: OidField
    object: str | None = None
    map: dict[int, int]


class MetricSpec(_Model):
    """One metric family. The value is `raw * scale + offset` (times `scale_by`'s value,
    times the powers of ten `exponent_by` reads for the row).

    `unknown` lists raw values that mean "not known" (4294967295, 65535, -1...): the sample
    is left out, as is a value outside `min`..`max` (after scaling). `fallback` columns are
    read only when the agent has no value in `oid` for the row (devices without ifXTable).
    `convert: mw_to_dbm` turns a (scaled) power in milliwatts into dBm (optical light
    levels; no light at all, 0 mW, is left out rather than shown as minus infinity).
    `value_map` replaces raw codes by values (codes not listed: left out); with an enum it
    maps a vendor's codes onto the enum's (APC output states onto RFC 1628's).
    Enums: `value` keeps the number, `state` emits one 0/1 sample per state
    (labelled `state_label`), `label` emits 1 with the state name as a label.
    `info` metrics are 1 for every row where `oid` exists, carrying the table's labels.
    """

    name: str
    oid: OidField
    object: str | None = None
    type: Literal["gauge", "counter", "info"] = "gauge"
    help: str = ""
    scale: float = 1.0
    offset: float = 0.0
    scale_by: OidField | None = None
    exponent_by: list[Exponent] = Field(default_factory=list)
    unknown: list[int] = Field(default_factory=list)
    min: float | None = None
    max: float | None = None
    convert: Literal["mw_to_dbm"] | None = None
    fallback: list[Fallback] = Field(default_factory=list)
    value_map: dict[int, float] | None = None
    enum: dict[int, str] | None = None
    enum_as: Literal["value", "state", "label"] = "value"
    state_label: str = "state"

    @model_validator(mode="after")
    def _check(self, info: ValidationInfo) -> "MetricSpec":
        if not METRIC_NAME.match(self.name):
            raise ValueError(f"{self.name!r} is not a valid Prometheus metric name")
        if not LABEL_NAME.match(self.state_label):
            raise ValueError(f"state_label {self.state_label!r} is not a valid label name")
        if self.enum_as != "value" and not self.enum:
            raise ValueError(f"enum_as: {self.enum_as} needs an 'enum' map")
        if (info.context or {}).get("names") == "snmp_exporter":
            return self  # imported modules keep snmp_exporter's names (ifInOctets, counters without _total)
        if self.type == "counter" and not self.name.endswith("_total"):
            raise ValueError(f"counter {self.name!r} must end in _total")
        if self.type != "counter" and self.name.endswith("_total"):
            raise ValueError(f"only counters may end in _total ({self.name!r})")
        if self.type == "info" and not self.name.endswith("_info"):
            raise ValueError(f"info metric {self.name!r} must end in _info")
        return self


class RowLimit(_Model):
    """Keep rows whose first index part is at most the scalar `oid`'s value.

    RFC 1628 cards list three input/output lines and fill the unused ones with zeros;
    upsInputNumLines / upsOutputNumLines say how many exist.
    """

    oid: OidField
    object: str | None = None


class TableSpec(_Model):
    name: str
    scalar: bool = False
    index: list[IndexPart] = Field(default_factory=list)
    labels: list[LabelSpec] = Field(default_factory=list)
    filters: list[FilterSpec] = Field(default_factory=list)
    rows_limit: RowLimit | None = None
    metrics: list[MetricSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> "TableSpec":
        if self.scalar and self.index:
            raise ValueError("a scalar group has no index")
        if not self.scalar and not self.index:
            raise ValueError("a table needs an 'index' (or 'scalar: true' for scalars)")
        parts = [p.name for p in self.index]
        if len(set(parts)) != len(parts):
            raise ValueError("index part names must be unique")
        if any(p.type == "implied" for p in self.index[:-1]):
            raise ValueError("only the last index part may be 'implied'")
        names = [p.name for p in self.index if p.label] + [label.label for label in self.labels]
        for name in names:
            if name in RESERVED_LABELS:
                raise ValueError(f"label {name!r} is reserved for inventory labels")
        if len(set(names)) != len(names):
            raise ValueError(f"label names must be unique in a table: {names}")
        known = set(names)
        for label in self.labels:
            if label.from_ is not None and label.from_ not in known:
                raise ValueError(f"label {label.label!r} derives from unknown label {label.from_!r}")
        for spec in [*self.labels, *self.filters]:
            for part in spec.key or []:
                if part not in parts:
                    raise ValueError(f"key part {part!r} is not in the index {parts}")
        for metric in self.metrics:
            if metric.enum_as == "state" and metric.state_label in known:
                raise ValueError(f"state label {metric.state_label!r} clashes with a table label")
        return self


Domain = Literal["power", "environment", "cooling", "network", "host", "firewall"]


class MatchSpec(_Model):
    """When the profile applies to a device, as LibreNMS's discovery decides it.

    `sys_object_id`: prefixes of the device's sysObjectID (any one matches). `probe`:
    subtrees (e.g. `1.3.6.1.2.1.33.1.1` upsIdent) of which at least one must hold an object.
    Both given: both must hold. `replaces`: profiles not used on a device this one matches
    (a vendor MIB that decodes what the card's standard MIB reports wrongly).
    """

    sys_object_id: list[OidField] = Field(default_factory=list)
    probe: list[OidField] = Field(default_factory=list)
    replaces: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> "MatchSpec":
        if not self.sys_object_id and not self.probe:
            raise ValueError("a match needs 'sys_object_id' prefixes or 'probe' OIDs")
        return self


class Profile(_Model):
    name: str
    description: str = ""
    mib: str | list[str] = ""
    match: MatchSpec | None = None
    provides: list[Domain] = Field(default_factory=list)
    # snmp_exporter: metric and label names as snmp_exporter emits them (imported modules)
    names: Literal["netops", "snmp_exporter"] = "netops"
    tables: list[TableSpec] = Field(min_length=1)

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not PROFILE_NAME.match(name):
            raise ValueError(f"profile name {name!r} must be lower_snake_case")
        return name

    @model_validator(mode="after")
    def _consistent_metrics(self) -> "Profile":
        """A name may appear in several tables (e.g. two filtered views) with one type."""
        seen: dict[str, str] = {}
        for table in self.tables:
            names = [m.name for m in table.metrics]
            if len(set(names)) != len(names):
                raise ValueError(f"table {table.name!r} defines a metric twice")
            for metric in table.metrics:
                if seen.setdefault(metric.name, metric.type) != metric.type:
                    raise ValueError(f"metric {metric.name!r} is defined with two types")
        return self


# --- loading -----------------------------------------------------------------------------


class ProfileError(ValueError):
    """A profile file cannot be used; the message names file, line and field."""

    def __init__(self, path: Path | str, message: str, line: int | None = None, field: str | None = None):
        self.path, self.line, self.field = str(path), line, field
        where = self.path + (f":{line}" if line else "")
        super().__init__(f"{where}: " + (f"{field}: " if field else "") + message)


def _node_line(root: yaml.Node | None, loc: tuple) -> int | None:
    """Line (1-based) of the YAML node at a pydantic error location, as deep as it resolves."""
    node, line = root, (root.start_mark.line + 1 if root is not None else None)
    for step in loc:
        if isinstance(node, yaml.MappingNode):
            key = "from" if step == "from_" else ("in" if step == "in_" else step)
            found = next((v for k, v in node.value if getattr(k, "value", None) == str(key)), None)
            if found is None:
                break
            line = next(k for k, v in node.value if v is found).start_mark.line + 1
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _field_path(data: Any, loc: tuple) -> str:
    """'tables[1] (ifEntry).metrics[3] (if_in_octets_total).name' from a pydantic loc."""
    out, node = "", data
    for step in loc:
        if isinstance(step, int):
            out += f"[{step}]"
            node = node[step] if isinstance(node, list) and step < len(node) else None
            name = node.get("name") if isinstance(node, dict) else None
            if name:
                out += f" ({name})"
        else:
            step = {"from_": "from", "in_": "in"}.get(step, step)
            out += ("." if out else "") + str(step)
            node = node.get(step) if isinstance(node, dict) else None
    return out


def yaml_error(path: Path | str, exc: yaml.YAMLError) -> ProfileError:
    """A YAML syntax error as a ProfileError at the file's line."""
    mark = getattr(exc, "problem_mark", None)
    return ProfileError(path, f"not valid YAML: {getattr(exc, 'problem', exc)}", line=mark.line + 1 if mark else None)


def parse_profile(text: str, path: Path | str = "<profile>") -> Profile:
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise yaml_error(path, exc) from None
    if not isinstance(data, dict):
        raise ProfileError(path, "a profile is a YAML mapping with 'name' and 'tables'")
    context = {"names": data.get("names")} if data.get("names") == "snmp_exporter" else None
    try:
        return Profile.model_validate(data, context=context)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and "[" in p))
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = "unknown field"
        elif first["type"] == "missing":
            message = "required field is missing"
        more = len(exc.errors()) - 1
        if more:
            message += f" (and {more} more problem{'s' if more > 1 else ''})"
        raise ProfileError(path, message, line=_node_line(root, loc), field=_field_path(data, loc)) from None


def load_profile(path: Path) -> Profile:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(path, f"cannot read: {exc}") from None
    profile = parse_profile(text, path)
    if profile.name != path.stem:
        raise ProfileError(path, f"profile name {profile.name!r} must match the file name {path.stem!r}",
                           field="name")
    return profile


def load_profiles(directory: Path) -> dict[str, Profile]:
    """Every `*.yaml` profile in a directory, by name, plus every module of snmp_exporter
    configurations (`*.snmp.yml`, the generator's output) placed beside them.

    The first bad file raises ProfileError; a module named like a profile is an error too.
    """
    if not directory.is_dir():
        raise ProfileError(directory, "profile directory does not exist")
    profiles = {p.stem: load_profile(p) for p in sorted(directory.glob("*.yaml"))}
    for path in sorted(directory.glob("*.snmp.yml")):
        from netops.snmp.snmp_exporter_modules import load_snmp_exporter_config

        for name, profile in load_snmp_exporter_config(path).items():
            if name in profiles:
                raise ProfileError(path, f"module {name!r} has the name of another profile", field=name)
            profiles[name] = profile
    for name, profile in profiles.items():
        unknown = [r for r in (profile.match.replaces if profile.match else []) if r not in profiles]
        if unknown:
            raise ProfileError(directory / f"{name}.yaml", f"replaces unknown profile(s) {', '.join(unknown)}",
                               field="match.replaces")
    return profiles


def default_profile_dir() -> Path:
    """$NETOPS_PROFILES, the config file's `profiles`, else the packaged profiles (the wheel's
    package data, or monitors/profiles in a source checkout)."""
    import os

    from netops import configfile
    from netops.resources import data_root

    env = os.environ.get("NETOPS_PROFILES")
    if env:
        return Path(env)
    configured = configfile.current().profiles if configfile.config_path() else None
    return configured or data_root() / "monitors" / "profiles"
