"""The exporter's target map: a `target=` name becomes an address, a credential and labels.

A device name resolves through the inventory: its lab endpoint when running against the
lab (never its real management address, so a lab run cannot reach 10.x), else its
`mgmt_address`. Other targets come from the exporter's config file. A raw `IP:PORT` (as
snmp_exporter takes) only with `--allow-any-target`, and only with the config auth the
request names (`auth=`): the exporter cannot be made to send a credential elsewhere.
Secrets are resolved here, at the edge, and live only inside `SnmpTarget` as SecretStr.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from netops.errors import NetopsError, SecretError
from netops.inventory.model import Inventory, SnmpCredential
from netops.secrets import SecretResolver, secrets_file_path
from netops.yamlfile import load_yaml_model
from netops.snmp.budget import BudgetLimits
from netops.snmp.defaults import device_profiles
from netops.snmp.target import SnmpAuth, SnmpTarget, split_host_port


class TargetError(NetopsError):
    """The target cannot be resolved (unknown device, no endpoint, missing secret)."""

    exit_code = 2


class Limits(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timeout: float = Field(2.0, gt=0, le=60)
    retries: int = Field(1, ge=0, le=10)
    max_repetitions: int = Field(25, ge=1, le=1000)
    max_oids_per_request: int = Field(10, ge=1, le=100)
    budget: BudgetLimits = Field(default_factory=BudgetLimits)


class StaticTarget(BaseModel):
    model_config = ConfigDict(extra="forbid")

    address: str
    auth: str
    labels: dict[str, str] = Field(default_factory=dict)
    profiles: list[str] = Field(default_factory=list)
    # per-target polling (a slow village link), else the config's defaults
    timeout: float | None = Field(None, gt=0, le=60)
    retries: int | None = Field(None, ge=0, le=10)

    @model_validator(mode="after")
    def _address(self) -> "StaticTarget":
        split_host_port(self.address)
        return self


class ExporterConfig(BaseModel):
    """`netops exporter --config FILE`: auths, static targets and defaults (all optional)."""

    model_config = ConfigDict(extra="forbid")

    auths: dict[str, SnmpCredential] = Field(default_factory=dict)
    targets: dict[str, StaticTarget] = Field(default_factory=dict)
    defaults: Limits = Field(default_factory=Limits)
    secrets_file: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _auth_names(cls, data: Any) -> Any:
        if isinstance(data, dict) and "default_auth" in data:
            raise ValueError("default_auth is not supported: a raw HOST:PORT target gets only the auth its "
                             "request names (auth=NAME), and only with --allow-any-target")
        if isinstance(data, dict) and isinstance(data.get("auths"), dict):
            data = dict(data)
            data["auths"] = {
                name: {"name": name, **body} if isinstance(body, dict) else body
                for name, body in data["auths"].items()
            }
        return data

    @model_validator(mode="after")
    def _references(self) -> "ExporterConfig":
        for name, target in self.targets.items():
            if target.auth not in self.auths:
                raise ValueError(f"target {name!r} uses unknown auth {target.auth!r}")
        return self


def load_exporter_config(path: Path | None) -> ExporterConfig:
    return ExporterConfig() if path is None else load_yaml_model(path, ExporterConfig, TargetError)


def snmp_auth(credential: SnmpCredential, secrets: SecretResolver) -> SnmpAuth:
    """The inventory's credential (references) as a ready SnmpAuth (values)."""
    def value(ref):  # noqa: ANN001, ANN202
        return secrets.resolve(ref) if ref is not None else None

    try:
        return SnmpAuth(
            version=credential.version,
            community=value(credential.community),
            username=credential.username,
            auth_protocol=credential.auth_protocol.upper() if credential.auth_protocol else None,
            auth_key=value(credential.auth_key),
            priv_protocol=credential.priv_protocol.upper() if credential.priv_protocol else None,
            priv_key=value(credential.priv_key),
            context=credential.context or "",
        )
    except SecretError as exc:
        raise TargetError(f"SNMP credential {credential.name!r}: {exc}") from None
    except ValidationError as exc:
        raise TargetError(f"SNMP credential {credential.name!r}: "
                          f"{exc.errors()[0]['msg'].removeprefix('Value error, ')}") from None


def inventory_labels(device) -> dict[str, str]:  # noqa: ANN001
    labels = {"device": device.name, "site": device.site, "zone": device.zone, "role": device.role.value}
    if device.town:
        labels["town"] = device.town
    return labels


_SEP, _PAIR = "\x1f", "\x1e"  # ASCII unit/record separators: never in inventory text (refused there)


@dataclass(frozen=True, slots=True)
class DeviceEntry:
    """What a scrape needs of one inventory device (the inventory itself is not kept).

    Kept encoded as one string per device: a reload hands 10k of them from the loader
    process in a few milliseconds of unpickling, where 10k objects took ~70 ms of GIL.
    """

    host: str | None
    port: int
    labels: dict[str, str]
    profiles: tuple[str, ...]
    credential: str | None
    problem: str | None = None  # why it cannot be scraped (no endpoint, no credential)

    def encode(self) -> str:
        fields = [self.host or "", str(self.port), self.credential or "", self.problem or "", ",".join(self.profiles),
                  *(f"{k}{_PAIR}{v}" for k, v in self.labels.items())]
        return _SEP.join(fields)

    @classmethod
    def decode(cls, text: str) -> "DeviceEntry":
        host, port, credential, problem, profiles, *labels = text.split(_SEP)
        return cls(host or None, int(port), dict(pair.split(_PAIR, 1) for pair in labels),
                   tuple(p for p in profiles.split(",") if p), credential or None, problem or None)


def device_entries(inventory: Inventory, lab: bool) -> dict[str, str]:
    """The inventory's devices as encoded scrape targets: lab endpoints in lab mode (never 10.x)."""
    out: dict[str, str] = {}
    for name, device in inventory.devices.items():
        labels = inventory_labels(device)
        profiles = tuple(device_profiles(device.role.value, device.platform.value, device.profiles))
        host, port, problem = None, 161, None
        if device.snmp is None:
            problem = f"device {name!r} has no SNMP credential in the inventory"
        elif lab:
            endpoint = inventory.lab.snmp.get(name)
            if endpoint is None:
                problem = f"device {name!r} has no lab SNMP endpoint (lab.snmp in the inventory)"
            else:
                host, port = split_host_port(endpoint)
        elif device.mgmt_address is not None:
            host = str(device.mgmt_address)
        else:
            problem = f"device {name!r} has no mgmt_address"
        out[name] = DeviceEntry(host, port, labels, profiles, device.snmp, problem).encode()
    return out


def raw_address(text: str) -> tuple[str, int]:
    """A raw target's HOST:PORT: an IP literal only, in its one canonical spelling.

    Names are refused (a resolver could point them anywhere); IPv4-mapped IPv6 becomes IPv4.
    """
    try:
        host, port = split_host_port(text)
        ip = ipaddress.ip_address(host)
    except ValueError:
        raise TargetError(f"raw target {text!r} is not IP:PORT (names are not accepted for raw targets)") from None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return str(ip), port


class TargetMap:
    """Resolve `target` names; built once per (re)load, cheap to query per scrape.

    Only inventory devices and the config's static targets are scraped. A raw `HOST:PORT`
    needs `allow_any_target`, an IP literal, and an `auth=` naming an auth of the config:
    an inventory credential is never sent to an address the HTTP caller chose.
    """

    def __init__(
        self,
        inventory: Inventory | None = None,
        config: ExporterConfig | None = None,
        *,
        lab: bool = False,
        env: Mapping[str, str] | None = None,
        allow_any_target: bool = False,
    ) -> None:
        self.config = config or ExporterConfig()
        self.lab = lab
        self.allow_any_target = allow_any_target
        self.devices = device_entries(inventory, lab) if inventory is not None else {}
        self.credentials = dict(inventory.snmp_credentials) if inventory is not None else {}
        configured = self.config.secrets_file or (inventory.settings.secrets_file if inventory else None)
        self._secrets_path = secrets_file_path(configured, env)
        self._env = env
        self._secrets = SecretResolver(self._secrets_path, env)
        self._auths: dict[str, SnmpAuth] = {}

    def __getstate__(self) -> dict:
        """Pickled (a reload loads in a child process) without resolved secrets or the environment."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("_secrets", "_auths", "_env")}
        state["_custom_env"] = None if self._env is None else dict(self._env)
        return state

    def __setstate__(self, state: dict) -> None:
        env = state.pop("_custom_env")
        self.__dict__.update(state)
        self._env = env
        self._secrets = SecretResolver(self._secrets_path, env)
        self._auths = {}

    def _auth(self, name: str, credentials: Mapping[str, SnmpCredential], what: str) -> SnmpAuth:
        key = f"{what}:{name}"
        if key not in self._auths:
            if name not in credentials:
                raise TargetError(f"unknown SNMP credential {name!r}")
            self._auths[key] = snmp_auth(credentials[name], self._secrets)
        return self._auths[key]

    def resolve(self, name: str, auth: str | None = None) -> SnmpTarget:
        """A device name, a configured target, or (with allow_any_target) `IP:PORT` + `auth`.

        `auth` is used only for a raw target; named targets always use their own credential.
        """
        limits = self.config.defaults.model_dump()
        if name in self.devices:
            return self._device(name, limits)
        if name in self.config.targets:
            static = self.config.targets[name]
            host, port = split_host_port(static.address)
            limits.update({k: v for k in ("timeout", "retries") if (v := getattr(static, k)) is not None})
            return SnmpTarget(name=name, host=host, port=port, labels=static.labels,
                              profiles=tuple(static.profiles),
                              auth=self._auth(static.auth, self.config.auths, "config"), **limits)
        if not self.allow_any_target:
            raise TargetError(f"unknown target {name!r}: not a device of the inventory or a target of the "
                              "config (raw HOST:PORT targets need --allow-any-target)")
        host, port = raw_address(name)
        if not auth:
            raise TargetError(f"raw target {name!r} needs auth= naming an auth of the config file")
        if auth not in self.config.auths:
            raise TargetError(f"auth {auth!r} is not an auth of the config file "
                              "(inventory credentials are never used for raw targets)")
        return SnmpTarget(name=f"{host}:{port}" if ":" not in host else f"[{host}]:{port}", host=host, port=port,
                          auth=self._auth(auth, self.config.auths, "config"), **limits)

    def _device(self, name: str, limits: dict) -> SnmpTarget:
        entry = DeviceEntry.decode(self.devices[name])
        if entry.problem is not None or entry.host is None or entry.credential is None:
            raise TargetError(entry.problem or f"device {name!r} cannot be scraped")
        return SnmpTarget(name=name, host=entry.host, port=entry.port, labels=entry.labels,
                          profiles=entry.profiles,
                          auth=self._auth(entry.credential, self.credentials, "inventory"), **limits)

    def names(self) -> list[str]:
        devices = [d for d, text in self.devices.items() if not text.split(_SEP, 4)[3]]
        return [*devices, *self.config.targets]
