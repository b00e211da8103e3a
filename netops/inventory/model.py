"""The typed model of an e-government network: zones, sites, devices, cables, power, secrets.

Everything netops does reads these classes. They describe what the network *should* be
(intent); files on disk are parsed into them by `load.py`, and cross-object rules (unique
addresses, cables between zones, power budgets) live in `validate.py`.
"""

from __future__ import annotations

import ipaddress
import math
import re
import socket
from enum import Enum
from typing import Annotated, Any, Callable, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    field_validator,
    model_validator,
)

# --- strings that may reach a device configuration -----------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
IFNAME = re.compile(r"^[A-Za-z][A-Za-z0-9/._:-]{0,63}$")


def _safe_text(value: str) -> str:
    """Free text (descriptions, labels) that will be written into configs on one line."""
    if _CONTROL.search(value):
        raise ValueError("must be one line without control characters (newline, tab, escape, ...)")
    if len(value) > 240:
        raise ValueError("must be at most 240 characters")
    return value


def _fast_ip(text: str) -> int | None:
    """inet_pton is strict (four decimal octets, no leading zeros) and ~7x faster than ipaddress."""
    try:
        return int.from_bytes(socket.inet_pton(socket.AF_INET, text), "big")
    except (OSError, TypeError):
        return None


def _ipv4_address(value: Any) -> Any:
    if isinstance(value, str) and (n := _fast_ip(value)) is not None:
        return ipaddress.IPv4Address(n)
    return value


def _ipv4_prefixed(kind: type) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        if isinstance(value, str):
            addr, sep, length = value.partition("/")
            n = _fast_ip(addr)
            if n is not None and sep and length.isdigit() and int(length) <= 32:
                try:
                    return kind((n, int(length)))
                except ValueError:
                    network = ipaddress.IPv4Network((n, int(length)), strict=False)
                    raise ValueError(f"{value} has host bits set (did you mean {network}?)") from None
        return value

    return parse


# Large inventories hold tens of thousands of addresses; these parse them quickly and leave
# every malformed value to pydantic's own validation and messages.
IPv4 = Annotated[ipaddress.IPv4Address, BeforeValidator(_ipv4_address)]
IPv4Net = Annotated[ipaddress.IPv4Network, BeforeValidator(_ipv4_prefixed(ipaddress.IPv4Network))]
IPv4If = Annotated[ipaddress.IPv4Interface, BeforeValidator(_ipv4_prefixed(ipaddress.IPv4Interface))]

# Checked by pydantic-core's regex engine (fast at 10,000 devices); the loader turns a
# pattern mismatch into the sentence in PATTERN_MESSAGES.
_SAFE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029]*$"
SafeText = Annotated[str, StringConstraints(max_length=240, pattern=_SAFE_PATTERN)]
Name = Annotated[str, StringConstraints(pattern=_NAME.pattern)]
IfName = Annotated[str, StringConstraints(pattern=IFNAME.pattern)]
PATTERN_MESSAGES = {
    _SAFE_PATTERN: "must be one line without control characters (newline, tab, escape, ...)",
    _NAME.pattern: "must start with a letter or digit and contain only letters, digits, '.', '_' or '-'"
                   " (at most 63 characters)",
    IFNAME.pattern: "must be an interface name such as GigabitEthernet0/0/1, 10GE1/0/1, Vlanif100 or eth0",
}
VlanId = Annotated[int, Field(ge=1, le=4094)]
# Every number is finite (the base model refuses inf and nan) and bounded by what exists:
# an overloaded UPS must not hide behind `capacity_w: .inf`.
Watts = Annotated[float, Field(ge=0, le=10_000_000)]  # the largest UPS/EPS plant: 10 MW
PositiveWatts = Annotated[float, Field(gt=0, le=10_000_000)]
MAX_DATA_INT = 2**63 - 1


class Model(BaseModel):
    """Strict base: unknown fields are errors, so a typo never silently drops intent."""

    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=False, allow_inf_nan=False)


# --- enumerations ---------------------------------------------------------------------------


class ZoneKind(str, Enum):
    classified = "classified"  # 政务内网: state secrets
    government = "government"  # 政务外网: non-classified e-government network
    public = "public"  # 互联网
    special = "special"  # 专网: statistics, agriculture economy, ...


class Isolation(str, Enum):
    """What a zone demands at every cable that leaves it."""

    physical = "physical"  # no cable, device or path to any other zone
    gatekeeper = "gatekeeper"  # only through an approved one-way gatekeeper (网闸)
    firewall = "firewall"  # only through a firewall (or gatekeeper): logical isolation
    none = "none"  # the Internet itself


class Role(str, Enum):
    core_switch = "core_switch"
    aggregation_switch = "aggregation_switch"
    access_switch = "access_switch"
    router = "router"
    firewall = "firewall"
    ids = "ids"
    gatekeeper = "gatekeeper"
    server = "server"
    storage = "storage"
    ups = "ups"
    eps = "eps"
    environment_monitor = "environment_monitor"
    village_ap = "village_ap"
    wireless_ap = "wireless_ap"


BOUNDARY_ROLES = {Role.firewall, Role.gatekeeper}
POWER_SOURCE_ROLES = {Role.ups, Role.eps}


class Platform(str, Enum):
    huawei_vrp = "huawei_vrp"
    hp_comware = "hp_comware"
    cisco_ios = "cisco_ios"
    frr = "frr"
    linux = "linux"
    appliance = "appliance"  # UPS, EPS, sensors: SNMP only, no configuration we manage


class Media(str, Enum):
    fibre_sm = "fibre_sm"
    fibre_mm = "fibre_mm"
    cat5e_shielded = "cat5e_shielded"
    cat6 = "cat6"
    copper = "copper"
    dac = "dac"
    leased_line = "leased_line"


class SiteKind(str, Enum):
    admin_centre = "admin_centre"
    data_centre = "data_centre"
    town = "town"
    village = "village"
    department = "department"


class LocationKind(str, Enum):
    computer_room = "computer_room"
    training_room = "training_room"
    equipment_room = "equipment_room"
    office = "office"
    cabinet = "cabinet"


# --- secrets (references only) --------------------------------------------------------------


class SecretRef(Model):
    """A pointer to a secret: an environment variable, a key of the secrets file, or a file
    holding just the secret (systemd credentials, mounted secrets)."""

    env: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")] | None = None
    secret: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+$")] | None = None
    file: Annotated[str, Field(pattern=r"^[^\x00-\x1f\x7f]+$")] | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            kind, sep, ref = value.partition(":")
            if sep and kind in ("env", "secret", "file") and ref:
                return {kind: ref}
            raise ValueError(
                "expected a secret reference such as {env: NAME}, {secret: KEY} or {file: PATH}"
                " (the inventory never holds a secret itself)"
            )
        return value

    @model_validator(mode="after")
    def _exactly_one(self) -> "SecretRef":
        if sum(x is not None for x in (self.env, self.secret, self.file)) != 1:
            raise ValueError("give exactly one of env, secret or file")
        return self

    def __str__(self) -> str:
        if self.env is not None:
            return f"env:{self.env}"
        return f"secret:{self.secret}" if self.secret is not None else f"file:{self.file}"


class Credential(Model):
    """Login for a device's CLI; username is not secret, the password and enable are references."""

    name: Name
    username: Name
    password: SecretRef
    enable: SecretRef | None = None


class SnmpCredential(Model):
    name: Name
    version: Literal["2c", "3"]
    community: SecretRef | None = None
    username: Name | None = None
    auth_protocol: Literal["sha", "sha256", "sha512"] | None = None
    auth_key: SecretRef | None = None
    priv_protocol: Literal["aes", "aes256"] | None = None
    priv_key: SecretRef | None = None
    context: Name | None = None  # SNMPv3 context name (agents serving several MIB views)

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @model_validator(mode="after")
    def _complete(self) -> "SnmpCredential":
        if self.version == "2c":
            if self.community is None:
                raise ValueError("SNMP v2c needs a community reference")
        else:
            missing = [
                f
                for f in ("username", "auth_protocol", "auth_key", "priv_protocol", "priv_key")
                if getattr(self, f) is None
            ]
            if missing:
                raise ValueError(f"SNMPv3 authPriv needs {', '.join(missing)}")
        return self


# --- zones ----------------------------------------------------------------------------------


class ZoneServices(Model):
    """Servers a device in the zone uses; each zone has its own so none crosses a boundary."""

    ntp: list[IPv4] = Field(default_factory=list)
    syslog: list[IPv4] = Field(default_factory=list)
    dns: list[IPv4] = Field(default_factory=list)
    snmp_collectors: list[IPv4] = Field(default_factory=list)
    management: list[IPv4Net] = Field(default_factory=list)  # prefixes allowed to manage devices


class Zone(Model):
    name: Name
    label: SafeText | None = None
    kind: ZoneKind
    isolation: Isolation
    prefixes: list[IPv4Net] = Field(default_factory=list)
    wireless: bool | None = None
    description: SafeText | None = None
    services: ZoneServices = Field(default_factory=ZoneServices)

    @property
    def wireless_allowed(self) -> bool:
        if self.wireless is not None:
            return self.wireless
        return self.kind is not ZoneKind.classified

    def contains(self, ip: ipaddress.IPv4Address) -> bool:
        return any(ip in p for p in self.prefixes)


# --- sites ----------------------------------------------------------------------------------


class Rack(Model):
    name: Name
    u_height: Annotated[int, Field(ge=1, le=60)] = 42


class AirConditioner(Model):
    name: Name
    kind: Literal["precision", "comfort"] = "precision"
    cooling_kw: Annotated[float, Field(gt=0, le=10_000)] | None = None


class FireSystem(Model):
    kind: Literal["gas_fm200", "gas_ig541", "water_mist", "sprinkler", "extinguishers"]
    description: SafeText | None = None


class Location(Model):
    name: Name
    kind: LocationKind
    label: SafeText | None = None
    area_m2: Annotated[float, Field(gt=0, le=1_000_000)] | None = None
    racks: list[Rack] = Field(default_factory=list)
    air_conditioning: list[AirConditioner] = Field(default_factory=list)
    fire_system: FireSystem | None = None


class Site(Model):
    name: Name
    kind: SiteKind
    label: SafeText | None = None
    town: Name | None = None  # the town site a village (or department) belongs to
    address: SafeText | None = None
    description: SafeText | None = None
    locations: list[Location] = Field(default_factory=list)

    def location(self, name: str) -> Location | None:
        return next((loc for loc in self.locations if loc.name == name), None)


# --- devices --------------------------------------------------------------------------------


class InterfaceKind(str, Enum):
    ethernet = "ethernet"
    fibre = "fibre"
    wireless = "wireless"
    lag = "lag"
    vlan = "vlan"
    loopback = "loopback"
    management = "management"
    power = "power"


class Interface(Model):
    """A port as configured. Frozen: unconfigured ports are shared between devices of a type."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: IfName
    kind: InterfaceKind = InterfaceKind.ethernet
    description: SafeText | None = None
    zone: Name | None = None  # defaults to the device's zone when it has exactly one
    enabled: bool = True
    mode: Literal["access", "trunk", "routed"] | None = None
    vlan: VlanId | None = None  # access VLAN
    vlans: list[VlanId] = Field(default_factory=list)  # trunk: allowed VLANs
    addresses: list[IPv4If] = Field(default_factory=list)


class InterfaceTemplate(Model):
    """Interfaces every device of a type has; `name` may hold a range like GE0/0/{1-24}."""

    name: str
    kind: InterfaceKind = InterfaceKind.ethernet


class DeviceType(Model):
    name: Name
    manufacturer: SafeText
    model: SafeText
    platform: Platform
    u_height: Annotated[int, Field(ge=0, le=60)] = 1
    power_draw_w: Watts | None = None
    capacity_w: PositiveWatts | None = None  # UPS/EPS output rating
    wireless: bool = False
    uplink: IfName | None = None  # the port a bulk-loaded village cables to its town
    software: SafeText | None = None  # release the devices run, e.g. "VRP V200R021C10" (docs/render.md)
    interfaces: list[InterfaceTemplate] = Field(default_factory=list)


class Vlan(Model):
    id: VlanId
    name: Name
    description: SafeText | None = None


class Route(Model):
    prefix: IPv4Net
    next_hop: IPv4
    description: SafeText | None = None


class DeviceNat(Model):
    """A boundary firewall's NAT: the public block routed to it, and how private flows leave."""

    public: IPv4Net  # public addresses the Internet routes to this firewall (published services, pool)
    source: Literal["easy-ip", "pool"] = "easy-ip"  # pool: the public block's addresses, port-translated


class PowerFeed(Model):
    """Which UPS/EPS feeds this device, and what the device draws from it."""

    source: Name
    draw_w: Watts | None = None  # defaults to the device type's draw


def _zone_shorthand(value: Any) -> Any:
    if isinstance(value, dict) and "zone" in value:
        value = dict(value)
        zone = value.pop("zone")
        if "zones" in value:
            raise ValueError("give either zone or zones, not both")
        value["zones"] = [zone]
    return value


class Device(Model):
    name: Name
    role: Role
    platform: Platform
    device_type: Name | None = None
    manufacturer: SafeText | None = None
    model: SafeText | None = None
    software: SafeText | None = None  # defaults to the device type's release
    site: Name
    location: Name | None = None
    rack: Name | None = None
    position: Annotated[int, Field(ge=1, le=60)] | None = None
    zones: Annotated[list[Name], Field(min_length=1)]
    description: SafeText | None = None
    mgmt_address: IPv4 | None = None
    mgmt_interface: IfName | None = None
    credentials: Name | None = None
    snmp: Name | None = None
    profiles: list[Name] | None = None  # SNMP metric profiles; default chosen by role/platform
    interfaces: list[Interface] = Field(default_factory=list)
    vlans: list[Vlan] = Field(default_factory=list)
    routes: list[Route] = Field(default_factory=list)
    nat: DeviceNat | None = None  # boundary firewalls: NAT toward the Internet (docs/render.md)
    power: list[PowerFeed] = Field(default_factory=list)
    capacity_w: PositiveWatts | None = None  # UPS/EPS output rating
    groups: list[Name] = Field(default_factory=list)
    tags: list[Name] = Field(default_factory=list)
    data: dict[Name, Any] = Field(default_factory=dict)
    # filled by the loader, never written by hand
    town: Name | None = None

    _interfaces_by_name: dict[str, Interface] | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return _zone_shorthand(value)

    @field_validator("data")
    @classmethod
    def _data_is_safe(cls, value: dict[str, Any]) -> dict[str, Any]:
        _check_free_data(value)
        return value

    @property
    def zone(self) -> str:
        """The primary zone: the first listed (a boundary device lists several)."""
        return self.zones[0]

    def interface(self, name: str) -> Interface | None:
        # through __pydantic_private__: pydantic's attribute path for private fields costs ~4 us a read,
        # a third of the cable checks at 10,000 devices
        private = self.__pydantic_private__
        index = private.get("_interfaces_by_name")
        if index is None:
            index = private["_interfaces_by_name"] = {i.name: i for i in self.interfaces}
        return index.get(name)

    def interface_zone(self, interface: Interface) -> str | None:
        if interface.zone is not None:
            return interface.zone
        return self.zones[0] if len(self.zones) == 1 else None

    @property
    def is_wireless(self) -> bool:
        return self.role is Role.wireless_ap or any(
            i.kind is InterfaceKind.wireless for i in self.interfaces
        )


def _check_free_data(value: Any) -> None:
    """Free-form template data may reach configs too: its strings get the same rule."""
    if isinstance(value, str):
        _safe_text(value)
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value} is not a finite number")
    elif isinstance(value, int) and abs(value) > MAX_DATA_INT:
        raise ValueError(f"integer of {len(str(abs(value)))} digits is too large (at most {MAX_DATA_INT})")
    elif isinstance(value, dict):
        for k, v in value.items():
            _safe_text(str(k))
            _check_free_data(v)
    elif isinstance(value, list):
        for v in value:
            _check_free_data(v)


class Group(Model):
    """Nornir-style defaults shared by many devices (e.g. every village access point)."""

    name: Name
    description: SafeText | None = None
    role: Role | None = None
    platform: Platform | None = None
    device_type: Name | None = None
    zones: list[Name] | None = None
    credentials: Name | None = None
    snmp: Name | None = None
    profiles: list[Name] | None = None
    vlans: list[Vlan] | None = None
    routes: list[Route] | None = None
    power: list[PowerFeed] | None = None
    tags: list[Name] | None = None
    data: dict[Name, Any] | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return _zone_shorthand(value)


# --- cables and flows -----------------------------------------------------------------------


class Endpoint(Model):
    device: Name
    interface: IfName

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            device, sep, interface = value.partition(":")
            if not sep:
                raise ValueError("expected DEVICE:INTERFACE, e.g. core-in-1:GigabitEthernet1/0/1")
            return {"device": device, "interface": interface}
        return value

    def __str__(self) -> str:
        return f"{self.device}:{self.interface}"


class Link(Model):
    """A physical cable or fibre between two device interfaces (NetBox's A and B ends)."""

    a: Endpoint
    b: Endpoint
    media: Media
    length_m: Annotated[float, Field(gt=0, le=10_000_000)] | None = None  # at most 10,000 km
    label: SafeText | None = None


class Flow(Model):
    """A permitted flow between zones; a firewall permits these and denies everything else."""

    name: Name
    from_zone: Name
    to_zone: Name
    sources: list[IPv4Net | Literal["any"]] = ["any"]
    destinations: list[IPv4Net | Literal["any"]] = ["any"]
    protocol: Literal["tcp", "udp", "icmp", "any"] = "tcp"
    ports: list[Annotated[int, Field(ge=1, le=65535)]] = Field(default_factory=list)
    public_address: IPv4 | None = None  # inbound from the Internet: the address the service is published on
    description: SafeText | None = None


# --- settings and lab -----------------------------------------------------------------------


class PowerPolicy(Model):
    """The seeds' rule: communication gear on the UPS, computers on the EPS."""

    ups_roles: list[Role] = [
        Role.core_switch,
        Role.aggregation_switch,
        Role.access_switch,
        Role.router,
        Role.firewall,
        Role.ids,
        Role.gatekeeper,
        Role.environment_monitor,
    ]
    eps_roles: list[Role] = [Role.server, Role.storage]
    # where every device of those roles must have a feed at all
    required_in: list[LocationKind] = [LocationKind.computer_room]


class Settings(Model):
    name: SafeText = "netops network"
    domain: Annotated[str, Field(pattern=r"^[a-z0-9.-]+$")] | None = None
    timezone: Annotated[str, Field(pattern=r"^[A-Za-z0-9_+/-]+$")] = "Asia/Shanghai"
    secrets_file: SafeText | None = None
    power_policy: PowerPolicy = Field(default_factory=PowerPolicy)


def _loopback_endpoint(value: str) -> str:
    host, sep, port = value.rpartition(":")
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError("expected HOST:PORT with a 127.x.y.z host") from None
    if not sep or not port.isdigit() or len(port) > 5 or not 1024 < int(port) < 65536:
        raise ValueError("expected HOST:PORT with a port above 1024")
    if not ip.is_loopback:
        raise ValueError("lab endpoints must be loopback (127.0.0.0/8): the lab never leaves this host")
    return value


LoopbackEndpoint = Annotated[str, AfterValidator(_loopback_endpoint)]


class LabSsh(Model):
    """How the lab provides a device over SSH (an FRR router in a network namespace)."""

    namespace: Name | None = None
    endpoint: LoopbackEndpoint | None = None


class Lab(Model):
    """The simulated devices: each mapped explicitly to a loopback endpoint or namespace."""

    snmp: dict[Name, LoopbackEndpoint] = Field(default_factory=dict)
    ssh: dict[Name, LabSsh] = Field(default_factory=dict)

    @field_validator("ssh", mode="before")
    @classmethod
    def _ssh_shorthand(cls, value: Any) -> Any:
        if isinstance(value, list):
            return {name: {} for name in value}
        return value


# --- the whole inventory --------------------------------------------------------------------


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


# Optional monitoring sections; imported here because they build on the types above.
from netops.inventory.monitoring_model import Monitoring, Notify  # noqa: E402


class InventoryDoc(Model):
    """The merged content of every inventory file, as written (before defaults and groups)."""

    settings: Settings = Field(default_factory=Settings)
    zones: list[Zone] = Field(default_factory=list)
    sites: list[Site] = Field(default_factory=list)
    device_types: list[DeviceType] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)
    defaults: Group | None = None
    credentials: list[Credential] = Field(default_factory=list)
    snmp_credentials: list[SnmpCredential] = Field(default_factory=list)
    devices: list[Device] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    flows: list[Flow] = Field(default_factory=list)
    villages_csv: Annotated[list[str], BeforeValidator(_as_list)] = Field(default_factory=list)
    lab: Lab = Field(default_factory=Lab)
    monitoring: Monitoring = Field(default_factory=Monitoring)
    notify: Notify = Field(default_factory=Notify)


class Inventory(BaseModel):
    """The resolved network: name-keyed, defaults and groups applied, villages loaded."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    settings: Settings
    zones: dict[str, Zone]
    sites: dict[str, Site]
    device_types: dict[str, DeviceType]
    groups: dict[str, Group]
    credentials: dict[str, Credential]
    snmp_credentials: dict[str, SnmpCredential]
    devices: dict[str, Device]
    links: list[Link]
    flows: list[Flow]
    lab: Lab
    monitoring: Monitoring = Field(default_factory=Monitoring)
    notify: Notify = Field(default_factory=Notify)
    root: str = ""  # the directory it was loaded from

    _link_index: tuple[int, int, dict[str, list[Link]]] | None = PrivateAttr(default=None)

    def devices_by_role(self, *roles: Role) -> list[Device]:
        return [d for d in self.devices.values() if d.role in roles]

    def links_of(self, device: str) -> list[Link]:
        """Cables with an end on `device`. Indexed once (rebuilt if `links` is replaced or grows),
        so checks that ask per device stay linear over a 10,000-device network."""
        key = (id(self.links), len(self.links))
        if self._link_index is None or self._link_index[:2] != key:
            index: dict[str, list[Link]] = {}
            for link in self.links:
                index.setdefault(link.a.device, []).append(link)
                if link.b.device != link.a.device:
                    index.setdefault(link.b.device, []).append(link)
            self._link_index = (*key, index)
        return self._link_index[2].get(device, [])
