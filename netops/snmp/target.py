"""What the collector needs to reach one device: address, SNMP credential, labels, limits.

Secrets are held as `SecretStr`, already resolved from env or the secrets file by whoever
builds the target (the target map), so they never show in reprs, logs or errors.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from netops.snmp.budget import BudgetLimits

AuthProtocol = Literal["MD5", "SHA", "SHA224", "SHA256", "SHA384", "SHA512"]
PrivProtocol = Literal["DES", "AES", "AES192", "AES256"]

LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


class SnmpAuth(BaseModel):
    """An SNMP v2c community or a v3 USM user, with secrets resolved."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal["2c", "3"] = "2c"
    community: SecretStr | None = None
    username: str | None = None
    auth_protocol: AuthProtocol | None = None
    auth_key: SecretStr | None = None
    priv_protocol: PrivProtocol | None = None
    priv_key: SecretStr | None = None
    context: str = ""

    @model_validator(mode="after")
    def _complete(self) -> "SnmpAuth":
        if self.version == "2c":
            if self.community is None:
                raise ValueError("SNMP v2c needs a community")
        else:
            if not self.username:
                raise ValueError("SNMP v3 needs a username")
            if self.priv_protocol and not self.auth_protocol:
                raise ValueError("SNMP v3 privacy needs authentication too (authPriv)")
            if self.auth_protocol and not self.auth_key:
                raise ValueError("SNMP v3 auth_protocol is set but auth_key is missing")
            if self.priv_protocol and not self.priv_key:
                raise ValueError("SNMP v3 priv_protocol is set but priv_key is missing")
            for key in (self.auth_key, self.priv_key):
                if key is not None and len(key.get_secret_value()) < 8:
                    raise ValueError("SNMP v3 keys must be at least 8 characters (RFC 3414)")
        return self

    @property
    def security_level(self) -> str:
        if self.version == "2c":
            return "community"
        if self.priv_protocol:
            return "authPriv"
        return "authNoPriv" if self.auth_protocol else "noAuthNoPriv"


class SnmpTarget(BaseModel):
    """One device as the collector sees it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="device name, or host:port for an ad-hoc target")
    host: str
    port: int = Field(161, ge=1, le=65535)
    auth: SnmpAuth
    labels: dict[str, str] = Field(default_factory=dict)
    profiles: tuple[str, ...] = ()
    timeout: float = Field(2.0, gt=0, le=60)
    retries: int = Field(1, ge=0, le=10)
    max_repetitions: int = Field(25, ge=1, le=1000)
    max_oids_per_request: int = Field(10, ge=1, le=100)
    budget: BudgetLimits = Field(default_factory=BudgetLimits)

    @field_validator("labels")
    @classmethod
    def _label_names(cls, labels: dict[str, str]) -> dict[str, str]:
        for name in labels:
            if not LABEL_NAME.match(name) or name.startswith("__"):
                raise ValueError(f"not a Prometheus label name: {name!r}")
        return labels

    @property
    def endpoint(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def split_host_port(text: str, default_port: int = 161) -> tuple[str, int]:
    """'127.0.0.1:1161', '[::1]:1161', '127.0.0.1' to (host, port); ValueError when malformed."""
    text = text.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    else:
        host, port_text = text, ""
    if not host:
        raise ValueError(f"no host in {text!r}")
    try:
        port = int(port_text) if port_text else default_port
    except ValueError:
        raise ValueError(f"bad port in {text!r}") from None
    if not 0 < port < 65536:
        raise ValueError(f"port out of range in {text!r}")
    return host, port
