"""Inventory sections for one monitoring stack per zone: polling, shards, and who is notified.

Both sections are optional: an inventory without them still gets a plan (snmp_exporter's
5 s x 3 polling, one shard per zone, no receivers). Phone numbers, webhook addresses and
tokens are secret references (env or secrets file), never values in the inventory.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from netops.inventory.model import Name, Role, SafeText, SecretRef

_DURATION = re.compile(r"^[0-9]+(\.[0-9]+)?(ms|s|m)$")
# snmp_exporter's defaults: a village link must never be polled more aggressively than this
MIN_TIMEOUT_S = 5.0
MIN_RETRIES = 3


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def duration_seconds(text: str) -> float:
    if not _DURATION.match(text):
        raise ValueError(f"{text!r}: expected a duration such as 5s, 1500ms or 1m")
    for unit, factor in (("ms", 0.001), ("s", 1.0), ("m", 60.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    raise ValueError(text)  # pragma: no cover - the pattern above allows only these units


class Polling(_Strict):
    """How long to wait for one device and how often to ask again (per zone/site/role)."""

    zone: Name | None = None
    site: Name | None = None
    role: Role | None = None
    timeout: str = "5s"
    retries: Annotated[int, Field(ge=0, le=10)] = 3

    @field_validator("timeout")
    @classmethod
    def _duration(cls, value: str) -> str:
        duration_seconds(value)
        return value

    def matches(self, zone: str, site: str, role: str) -> bool:
        return ((self.zone is None or self.zone == zone) and (self.site is None or self.site == site)
                and (self.role is None or self.role == role))

    @property
    def specificity(self) -> int:
        return (self.zone is not None) + 2 * (self.role is not None) + 4 * (self.site is not None)


class ZoneStack(_Strict):
    """Per zone: how its devices are split over Prometheus servers (by town or site, never hash)."""

    zone: Name
    shard_by: Literal["town", "site"] = "town"
    shards: Annotated[int, Field(ge=1, le=256)] = 1
    scrape_interval: str = "60s"
    # other zones whose Prometheus may federate this one's alerts/aggregates (checked by policy)
    federate_to: list[Name] = Field(default_factory=list)

    @field_validator("scrape_interval")
    @classmethod
    def _duration(cls, value: str) -> str:
        duration_seconds(value)
        return value


class Monitoring(_Strict):
    """The `monitoring:` section: polling rules and per-zone stacks."""

    polling: list[Polling] = Field(default_factory=list)
    zones: list[ZoneStack] = Field(default_factory=list)
    trap_port: Annotated[int, Field(ge=1, le=65535)] = 162
    runbook_url: Annotated[str, Field(pattern=r"^https?://[^\s\"'<>]+$")] | None = None

    def stack(self, zone: str) -> ZoneStack:
        return next((s for s in self.zones if s.zone == zone), ZoneStack(zone=zone))


class Person(_Strict):
    """Someone on duty; the phone number is a secret reference (env or secrets file)."""

    name: Name
    label: SafeText | None = None
    phone: SecretRef | None = None
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$")] | None = None
    wecom_user: Name | None = None


ChannelKind = Literal["sms", "wecom", "dingtalk", "email"]


class Channel(_Strict):
    """One way to reach people in one zone: that zone's SMS platform, WeCom app, robot or mail relay."""

    name: Name
    kind: ChannelKind
    zone: Name
    language: Literal["zh", "en"] = "zh"
    # sms: the platform's HTTP API; body is a template with {phone}, {text} and {token}
    url: SecretRef | None = None
    body: SafeText = '{{"mobile": "{phone}", "content": "{text}"}}'
    content_type: Literal["application/json", "application/x-www-form-urlencoded"] = "application/json"
    token: SecretRef | None = None
    # wecom (Alertmanager wechat_configs)
    corp_id: Name | None = None
    agent_id: Name | None = None
    api_secret: SecretRef | None = None
    to_party: Name | None = None
    # dingtalk: robot webhook (URL with access_token) and its signing secret
    webhook: SecretRef | None = None
    sign_secret: SecretRef | None = None
    # email
    smarthost: Annotated[str, Field(pattern=r"^[A-Za-z0-9.-]+:[0-9]{1,5}$")] | None = None
    sender: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$")] | None = None
    auth_password: SecretRef | None = None

    @model_validator(mode="after")
    def _complete(self) -> "Channel":
        need = {"sms": ("url",), "wecom": ("corp_id", "agent_id", "api_secret"),
                "dingtalk": ("webhook",), "email": ("smarthost", "sender")}[self.kind]
        missing = [f for f in need if getattr(self, f) is None]
        if missing:
            raise ValueError(f"a {self.kind} channel needs {', '.join(missing)}")
        if self.kind == "sms":
            for field in ("{phone}", "{text}"):
                if field not in self.body:
                    raise ValueError(f"the SMS body template must contain {field}")
        return self


class NotifyRoute(_Strict):
    """Who hears about what: alerts of a zone (and optionally towns, severities) to people by channels."""

    zone: Name
    towns: list[Name] = Field(default_factory=list)
    severities: list[Literal["critical", "warning", "info"]] = Field(default_factory=list)
    channels: Annotated[list[Name], Field(min_length=1)]
    people: list[Name] = Field(default_factory=list)


class Notify(_Strict):
    """The `notify:` section: people on duty, channels per zone, routes."""

    people: list[Person] = Field(default_factory=list)
    channels: list[Channel] = Field(default_factory=list)
    routes: list[NotifyRoute] = Field(default_factory=list)
    group_wait: str = "10s"
    group_interval: str = "5m"
    repeat_interval: str = "4h"

    @field_validator("group_wait", "group_interval", "repeat_interval")
    @classmethod
    def _duration(cls, value: str) -> str:
        if not re.match(r"^[0-9]+(ms|s|m|h)$", value):
            raise ValueError(f"{value!r}: expected a duration such as 10s, 5m or 4h")
        return value
