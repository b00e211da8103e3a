"""The exporter's target map: a `target=` name becomes an address, a credential and labels.

A device name resolves through the inventory: its lab endpoint when running against the
lab (never its real management address, so a lab run cannot reach 10.x), else its
`mgmt_address`. Ad-hoc targets come from the exporter's config file, or are a plain
`host:port` with a named auth from that file (as snmp_exporter's `auth=`).
Secrets are resolved here, at the edge, and live only inside `SnmpTarget` as SecretStr.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from netops.errors import NetopsError, SecretError
from netops.inventory.model import Inventory, SnmpCredential
from netops.secrets import SecretResolver, secrets_file_path
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


class StaticTarget(BaseModel):
    model_config = ConfigDict(extra="forbid")

    address: str
    auth: str
    labels: dict[str, str] = Field(default_factory=dict)
    profiles: list[str] = Field(default_factory=list)

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
    default_auth: str | None = None
    secrets_file: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _auth_names(cls, data: Any) -> Any:
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
        if self.default_auth and self.default_auth not in self.auths:
            raise ValueError(f"default_auth {self.default_auth!r} is not in auths")
        return self


def load_exporter_config(path: Path | None) -> ExporterConfig:
    if path is None:
        return ExporterConfig()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError) as exc:
        raise TargetError(f"{path}: cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise TargetError(f"{path}{f':{mark.line + 1}' if mark else ''}: not valid YAML") from None
    try:
        return ExporterConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise TargetError(f"{path}: {field}: {first['msg'].removeprefix('Value error, ')}") from None


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


class TargetMap:
    """Resolve `target` names; built once per (re)load, cheap to query per scrape."""

    def __init__(
        self,
        inventory: Inventory | None = None,
        config: ExporterConfig | None = None,
        *,
        lab: bool = False,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.inventory = inventory
        self.config = config or ExporterConfig()
        self.lab = lab
        configured = self.config.secrets_file or (inventory.settings.secrets_file if inventory else None)
        self._secrets = SecretResolver(secrets_file_path(configured, env), env)
        self._auths: dict[str, SnmpAuth] = {}

    def _auth(self, name: str, credentials: Mapping[str, SnmpCredential], what: str) -> SnmpAuth:
        key = f"{what}:{name}"
        if key not in self._auths:
            if name not in credentials:
                raise TargetError(f"unknown SNMP credential {name!r}")
            self._auths[key] = snmp_auth(credentials[name], self._secrets)
        return self._auths[key]

    def resolve(self, name: str, auth: str | None = None) -> SnmpTarget:
        """A device name, a configured target, or `host:port` (needs `auth` or default_auth)."""
        limits = self.config.defaults.model_dump()
        if self.inventory is not None and name in self.inventory.devices:
            return self._device(name, limits)
        if name in self.config.targets:
            static = self.config.targets[name]
            host, port = split_host_port(static.address)
            return SnmpTarget(name=name, host=host, port=port, labels=static.labels,
                              profiles=tuple(static.profiles),
                              auth=self._auth(static.auth, self.config.auths, "config"), **limits)
        try:
            host, port = split_host_port(name)
        except ValueError:
            raise TargetError(f"unknown target {name!r}: not a device of the inventory, "
                              "not a configured target, and not HOST:PORT") from None
        auth_name = auth or self.config.default_auth
        if auth_name is None:
            raise TargetError(f"target {name!r} needs an auth= parameter naming an auth of the config file")
        return SnmpTarget(name=name, host=host, port=port,
                          auth=self._auth(auth_name, self.config.auths, "config"), **limits)

    def _device(self, name: str, limits: dict) -> SnmpTarget:
        assert self.inventory is not None
        device = self.inventory.devices[name]
        if device.snmp is None:
            raise TargetError(f"device {name!r} has no SNMP credential in the inventory")
        if self.lab:
            endpoint = self.inventory.lab.snmp.get(name)
            if endpoint is None:
                raise TargetError(f"device {name!r} has no lab SNMP endpoint (lab.snmp in the inventory)")
            host, port = split_host_port(endpoint)
        elif device.mgmt_address is not None:
            host, port = str(device.mgmt_address), 161
        else:
            raise TargetError(f"device {name!r} has no mgmt_address")
        profiles = device_profiles(device.role.value, device.platform.value, device.profiles)
        return SnmpTarget(name=name, host=host, port=port, labels=inventory_labels(device),
                          profiles=tuple(profiles),
                          auth=self._auth(device.snmp, self.inventory.snmp_credentials, "inventory"),
                          **limits)

    def names(self) -> list[str]:
        devices = [d for d in (self.inventory.devices if self.inventory else {})
                   if not self.lab or d in self.inventory.lab.snmp]  # type: ignore[union-attr]
        return [*devices, *self.config.targets]
