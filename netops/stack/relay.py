"""`netops monitor relay`: Alertmanager webhooks to the zone's SMS platform and DingTalk robot.

Alertmanager speaks neither a centre's SMS platform API nor DingTalk's signed robot
webhook, so the zone's Alertmanager posts to this relay on the same collector, which
writes the message text (Chinese by default, netops.stack.messages) and calls the
platform. Phone numbers, platform URLs, tokens and signing secrets are resolved from env
or the secrets file when the relay starts and appear in no log. A notification carrying
another zone's alerts is refused: the relay sends only what its zone may see.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
from pathlib import Path
from urllib.parse import quote, quote_plus

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from netops.errors import NetopsError, SecretError
from netops.inventory.monitoring_model import Channel, Person
from netops.secrets import SecretResolver, secrets_file_path
from netops.stack.messages import Names, render_text

log = logging.getLogger("netops.relay")


class RelayConfigError(NetopsError):
    exit_code = 2


class _Channel(Channel):
    name: str = ""


class _Person(Person):
    name: str = ""


class RelayConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    listen: str
    zone: str
    channels: dict[str, _Channel] = Field(default_factory=dict)
    people: dict[str, _Person] = Field(default_factory=dict)
    names: dict[str, dict[str, str]] = Field(default_factory=dict)
    runbook_url: str | None = None
    secrets_file: str | None = None

    @classmethod
    def load(cls, path: Path) -> "RelayConfig":
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            return cls.model_validate(data)
        except (OSError, yaml.YAMLError) as exc:
            raise RelayConfigError(f"{path}: cannot read: {exc}") from None
        except ValidationError as exc:
            first = exc.errors()[0]
            raise RelayConfigError(f"{path}: {'.'.join(map(str, first['loc']))}: {first['msg']}") from None

    def label_names(self) -> Names:
        return Names(zones=dict(self.names.get("zones", {})), sites=dict(self.names.get("sites", {})))


def sms_body(template: str, content_type: str, phone: str, text: str, token: str) -> str:
    """Fill the platform's body template, escaping each value for the body's format."""
    if content_type == "application/json":
        def esc(value: str) -> str:
            return json.dumps(value, ensure_ascii=False)[1:-1]
    else:
        esc = quote_plus
    return template.format(phone=esc(phone), text=esc(text), token=esc(token))


def dingtalk_url(webhook: str, secret: str | None, now_ms: int | None = None) -> str:
    """DingTalk's signed robot URL: timestamp and HMAC-SHA256 of "timestamp\\nsecret", base64, URL-quoted."""
    if not secret:
        return webhook
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = quote(base64.b64encode(digest).decode(), safe="")
    return f"{webhook}{'&' if '?' in webhook else '?'}timestamp={timestamp}&sign={sign}"


class Relay:
    def __init__(self, config: RelayConfig, env: dict[str, str] | None = None) -> None:
        self.config = config
        self.names = config.label_names()
        self._secrets = SecretResolver(secrets_file_path(config.secrets_file, env), env)
        self.sent = 0

    def secret(self, ref) -> str:  # noqa: ANN001
        return self._secrets.resolve(ref) if ref is not None else ""

    def phones(self, people: list[str]) -> list[str]:
        out = []
        for name in people:
            person = self.config.people.get(name)
            if person is not None and person.phone is not None:
                out.append(self.secret(person.phone))
        return out

    def check_zone(self, payload: dict) -> str | None:
        for alert in payload.get("alerts", []):
            zone = (alert.get("labels") or {}).get("zone")
            if zone != self.config.zone:
                return f"alert of zone {zone!r} refused by the {self.config.zone} relay"
        return None

    def requests(self, kind: str, name: str, people: list[str], payload: dict) -> list[tuple[str, str, str]]:
        """(url, content type, body) to send for one notification."""
        channel = self.config.channels.get(name)
        if channel is None or channel.kind != kind:
            raise KeyError(f"no {kind} channel {name!r} in this relay")
        text = render_text(payload, self.names, channel.language, self.config.runbook_url)
        if not text:
            return []
        if kind == "sms":
            url, token = self.secret(channel.url), self.secret(channel.token)
            return [(url, channel.content_type, sms_body(channel.body, channel.content_type, phone, text, token))
                    for phone in self.phones(people)]
        phones = self.phones(people)
        body = {"msgtype": "text", "text": {"content": text + "".join(f" @{p}" for p in phones)},
                "at": {"atMobiles": phones, "isAtAll": False}}
        url = dingtalk_url(self.secret(channel.webhook), self.secret(channel.sign_secret) or None)
        return [(url, "application/json", json.dumps(body, ensure_ascii=False))]


def make_app(relay: Relay):  # noqa: ANN201
    from aiohttp import ClientError, ClientSession, ClientTimeout, web

    async def notify(request: web.Request) -> web.Response:
        kind, name = request.match_info["kind"], request.match_info["channel"]
        try:
            payload = await request.json()
        except (ValueError, UnicodeDecodeError):
            return web.Response(status=400, text="expected Alertmanager's webhook JSON\n")
        if not isinstance(payload, dict):
            return web.Response(status=400, text="expected a JSON object\n")
        refused = relay.check_zone(payload)
        if refused:
            log.warning(refused)
            return web.Response(status=403, text=refused + "\n")
        people = [p for p in request.query.get("people", "").split(",") if p]
        try:
            outgoing = relay.requests(kind, name, people, payload)
        except KeyError as exc:
            return web.Response(status=404, text=f"{exc.args[0]}\n")
        except SecretError as exc:
            log.error("channel %s: %s", name, exc)
            return web.Response(status=500, text="a secret of this channel cannot be resolved\n")
        failed = 0
        async with ClientSession(timeout=ClientTimeout(total=10)) as session:
            for url, content_type, body in outgoing:
                try:
                    async with session.post(url, data=body.encode(), headers={"Content-Type": content_type}) as resp:
                        if resp.status >= 300:
                            failed += 1
                            log.warning("%s %s: the platform answered %s", kind, name, resp.status)
                except (ClientError, TimeoutError) as exc:
                    failed += 1
                    log.warning("%s %s: cannot reach the platform: %s", kind, name, type(exc).__name__)
        relay.sent += len(outgoing) - failed
        log.info("%s %s: %d message(s) sent, %d failed", kind, name, len(outgoing) - failed, failed)
        # a failure makes Alertmanager retry the notification
        return web.Response(status=502 if failed else 200, text=f"sent {len(outgoing) - failed}\n")

    async def healthy(_request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    app = web.Application(client_max_size=1 << 20)
    app.router.add_post("/{kind:sms|dingtalk}/{channel}", notify)
    app.router.add_get("/-/healthy", healthy)
    return app
