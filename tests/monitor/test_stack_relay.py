"""Alert text and the relay's requests: Chinese text with device, site, town and runbook;
a body template that alert text cannot break out of; DingTalk signing; zone refusal."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from urllib.parse import parse_qs, unquote, urlsplit

from netops.stack.messages import Names, render_text
from netops.stack.relay import Relay, RelayConfig, dingtalk_url, sms_body

NAMES = Names(zones={"intranet": "政务内网", "extranet": "政务外网"},
              sites={"admin-centre": "行政办公中心", "wangtai": "王台镇"})


def _alert(alertname: str, **labels: str) -> dict:
    return {"status": "firing", "labels": {"alertname": alertname, "severity": "critical", **labels},
            "annotations": {"summary": "x"}}


def test_chinese_text_names_device_site_and_runbook():
    payload = {"status": "firing", "alerts": [_alert("UpsOnBattery", device="in-ups-1", zone="intranet",
                                                      site="admin-centre")],
               "commonLabels": {"alertname": "UpsOnBattery", "zone": "intranet", "severity": "critical"}}
    text = render_text(payload, NAMES, "zh", "https://wiki.gov.example/runbooks")
    assert text.startswith("【政务内网紧急】UPS市电中断")
    assert "in-ups-1" in text and "行政办公中心" in text
    assert "处置：" in text and "https://wiki.gov.example/runbooks/UpsOnBattery" in text
    english = render_text(payload, NAMES, "en")
    assert english.startswith("[intranet CRITICAL] UPS lost mains power") and "admin-centre" in english


def test_eighty_villages_are_one_short_message():
    alerts = [_alert("DeviceDown", device=f"wangtai-v{i:03d}", zone="extranet", town="wangtai",
                     site=f"wangtai-v{i:03d}", role="village_ap") for i in range(1, 81)]
    payload = {"status": "firing", "alerts": alerts,
               "commonLabels": {"alertname": "DeviceDown", "zone": "extranet", "town": "wangtai",
                                "severity": "critical", "role": "village_ap"}}
    text = render_text(payload, NAMES, "zh")
    assert "80台设备" in text and "王台镇" in text and "wangtai-v001" in text and "等80台" in text
    assert len(text) <= 300


def test_sms_body_cannot_be_broken_by_alert_text():
    text = 'UPS "on battery"\n}, "mobile": "999'
    body = sms_body('{{"mobile": "{phone}", "content": "{text}"}}', "application/json", "13800000000", text, "")
    assert json.loads(body) == {"mobile": "13800000000", "content": text}
    form = sms_body("mobile={phone}&content={text}", "application/x-www-form-urlencoded", "138", "a&mobile=1", "")
    assert parse_qs(form) == {"mobile": ["138"], "content": ["a&mobile=1"]}


def test_dingtalk_signature():
    url = dingtalk_url("https://oapi.dingtalk.com/robot/send?access_token=abc", "SECret", now_ms=1700000000000)
    query = parse_qs(urlsplit(url).query)
    assert query["timestamp"] == ["1700000000000"]
    expected = base64.b64encode(hmac.new(b"SECret", b"1700000000000\nSECret", hashlib.sha256).digest()).decode()
    assert unquote(url.split("sign=")[1]) == expected
    assert dingtalk_url("https://x/robot?access_token=a", None) == "https://x/robot?access_token=a"


def _relay() -> Relay:
    config = RelayConfig.model_validate({
        "listen": "127.0.0.1:9095", "zone": "intranet",
        "channels": {"sms-intranet": {"kind": "sms", "zone": "intranet", "url": {"env": "SMS_URL"},
                                      "body": '{{"mobile": "{phone}", "content": "{text}"}}'}},
        "people": {"duty": {"phone": {"env": "PHONE_DUTY"}}, "nophone": {}},
        "names": {"zones": {"intranet": "政务内网"}, "sites": {}},
    })
    return Relay(config, env={"SMS_URL": "http://127.0.0.1:1/send", "PHONE_DUTY": "13900000000"})


def test_relay_sends_one_sms_per_person_with_a_phone():
    relay = _relay()
    payload = {"status": "firing", "alerts": [_alert("UpsOnBattery", device="in-ups-1", zone="intranet")],
               "commonLabels": {"alertname": "UpsOnBattery", "zone": "intranet", "severity": "critical"}}
    [(url, content_type, body)] = relay.requests("sms", "sms-intranet", ["duty", "nophone"], payload)
    assert url == "http://127.0.0.1:1/send" and content_type == "application/json"
    assert json.loads(body)["mobile"] == "13900000000"
    assert json.loads(body)["content"].startswith("【政务内网紧急】")


def test_relay_refuses_another_zones_alerts():
    relay = _relay()
    payload = {"alerts": [_alert("UpsOnBattery", device="ups-1", zone="extranet")]}
    assert "refused" in relay.check_zone(payload)
    assert relay.check_zone({"alerts": [_alert("X", zone="intranet")]}) is None
    assert relay.check_zone({"alerts": [_alert("X")]}) is not None  # no zone label: refused too
