"""A zone's alertmanager.yml from the inventory's `notify` section. Pure.

Routes follow the inventory (zone, towns, severities); each route's receiver uses only the
channels of that zone. SMS and DingTalk go through the zone's netops relay (Alertmanager
has no SMS platform or DingTalk signing of its own); WeCom and e-mail are Alertmanager's
own wechat_configs and email_configs. Grouping by alert, zone and town makes 80 villages
of one town one notification; inhibition keeps the cause and drops its echoes.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from netops.inventory.model import Inventory, SecretRef
from netops.inventory.monitoring_model import Channel, NotifyRoute
from netops.stack.plan import PlanError, RELAY_PORT

GROUP_BY = ["alertname", "zone", "town"]
NULL_RECEIVER = "null"
# Town gear whose loss cuts the town's villages off.
TOWN_UPLINK_ROLES = "router|access_switch|aggregation_switch|core_switch"
PER_DEVICE_DOWN = "DeviceDown|SnmpScrapeFailed|UplinkDown|LinkDown"
ROOM_POWER_CUT = "UpsOnBattery|UpsRuntimeLow|UpsBatteryChargeLow"

Secret = Callable[[SecretRef], str]


def placeholder(ref: SecretRef) -> str:
    return f"<{ref}>"


def inhibit_rules() -> list[dict]:
    return [
        # a town's router or switch down: its villages' alerts are echoes of it
        {"source_matchers": ['alertname="DeviceDown"', f'role=~"{TOWN_UPLINK_ROLES}"', 'town=~".+"'],
         "target_matchers": ['role="village_ap"'], "equal": ["zone", "town"]},
        {"source_matchers": ['alertname="DeviceDown"', f'role=~"{TOWN_UPLINK_ROLES}"', 'town=~".+"'],
         "target_matchers": ['alertname="TownVillagesDown"'], "equal": ["zone", "town"]},
        # a room-wide power cut: devices of that site going down is what it causes
        {"source_matchers": [f'alertname=~"{ROOM_POWER_CUT}"'],
         "target_matchers": [f'alertname=~"{PER_DEVICE_DOWN}"'], "equal": ["zone", "site"]},
        # a critical alert of a device hides its warnings
        {"source_matchers": ['severity="critical"'], "target_matchers": ['severity="warning"'],
         "equal": ["zone", "device", "alertname"]},
    ]


def _people(inv: Inventory, route: NotifyRoute) -> list:
    known = {p.name: p for p in inv.notify.people}
    missing = [p for p in route.people if p not in known]
    if missing:
        raise PlanError(f"notify.routes (zone {route.zone}): unknown people: {', '.join(missing)}")
    return [known[p] for p in route.people]


def relay_url(channel: Channel, people: list[str], relay: str) -> str:
    query = f"?people={quote(','.join(people))}" if people else ""
    return f"http://{relay}/{channel.kind}/{quote(channel.name)}{query}"


def _receiver(inv: Inventory, route: NotifyRoute, index: int, relay: str, secret: Secret) -> dict:
    channels = {c.name: c for c in inv.notify.channels}
    people = _people(inv, route)
    receiver: dict = {"name": f"{route.zone}-route-{index}"}
    for name in route.channels:
        channel = channels.get(name)
        if channel is None:
            raise PlanError(f"notify.routes (zone {route.zone}): unknown channel {name!r}")
        if channel.zone != route.zone:
            raise PlanError(f"notify.routes (zone {route.zone}): channel {name!r} belongs to zone {channel.zone};"
                            f" a notification from {route.zone} through it needs the path"
                            f" {route.zone} -> {channel.zone}, which the plan refuses")
        if channel.kind == "sms" and not any(p.phone for p in people):
            raise PlanError(f"notify.routes (zone {route.zone}): SMS channel {name!r} but none of the route's"
                            " people has a phone: nobody would be told")
        if channel.kind in ("sms", "dingtalk"):
            receiver.setdefault("webhook_configs", []).append(
                {"url": relay_url(channel, [p.name for p in people], relay), "send_resolved": True})
        elif channel.kind == "wecom":
            users = "|".join(p.wecom_user for p in people if p.wecom_user)
            config = {"corp_id": channel.corp_id, "agent_id": channel.agent_id,
                      "api_secret": secret(channel.api_secret), "send_resolved": True,
                      "message": '{{ template "netops.text" . }}'}
            if users:
                config["to_user"] = users
            if channel.to_party:
                config["to_party"] = channel.to_party
            receiver.setdefault("wechat_configs", []).append(config)
        elif channel.kind == "email":
            for person in people:
                if not person.email:
                    continue
                config = {"to": person.email, "from": channel.sender, "smarthost": channel.smarthost,
                          "send_resolved": True, "headers": {"Subject": '{{ template "netops.subject" . }}'},
                          "text": '{{ template "netops.text" . }}', "html": ""}
                if channel.auth_password is not None:
                    config["auth_username"] = channel.sender
                    config["auth_password"] = secret(channel.auth_password)
                receiver.setdefault("email_configs", []).append(config)
    return receiver


def _matchers(route: NotifyRoute) -> list[str]:
    matchers = [f'zone="{route.zone}"']
    if route.towns:
        matchers.append(f'town=~"{"|".join(route.towns)}"')
    if route.severities:
        matchers.append(f'severity=~"{"|".join(route.severities)}"')
    return matchers


def alertmanager_config(inv: Inventory, zone: str, relay: str = f"127.0.0.1:{RELAY_PORT}",
                        secret: Secret = placeholder) -> dict:
    """The zone's Alertmanager configuration; routes and receivers of other zones never appear."""
    notify = inv.notify
    routes = [r for r in notify.routes if r.zone == zone]
    receivers = [{"name": NULL_RECEIVER}]
    children = []
    for index, route in enumerate(routes, 1):
        receiver = _receiver(inv, route, index, relay, secret)
        receivers.append(receiver)
        children.append({"receiver": receiver["name"], "matchers": _matchers(route), "continue": True})
    return {
        "global": {"resolve_timeout": "5m"},
        "templates": ["templates/*.tmpl"],
        "route": {
            "receiver": NULL_RECEIVER,
            "group_by": list(GROUP_BY),
            "group_wait": notify.group_wait,
            "group_interval": notify.group_interval,
            "repeat_interval": notify.repeat_interval,
            "routes": children,
        },
        "inhibit_rules": inhibit_rules(),
        "receivers": receivers,
    }


TEMPLATE = """{{/* netops: Chinese alert text for WeCom and e-mail (SMS and DingTalk: the netops relay) */}}
{{ define "netops.subject" }}【{{ .CommonLabels.zone }}{{ if eq .Status "resolved" }}恢复{{ else }}告警{{ end }}】{{ .CommonLabels.alertname }}{{ if .CommonLabels.town }} {{ .CommonLabels.town }}{{ end }}{{ end }}
{{ define "netops.text" }}{{ template "netops.subject" . }}
{{ range .Alerts.Firing }}- {{ .Labels.device }}（站点 {{ .Labels.site }}{{ if .Labels.town }}，乡镇 {{ .Labels.town }}{{ end }}）：{{ .Annotations.summary }}
{{ end }}{{ if .CommonAnnotations.runbook_url }}处置手册：{{ .CommonAnnotations.runbook_url }}{{ end }}{{ end }}
"""
