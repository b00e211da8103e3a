"""Alert text for people: one short message per Alertmanager notification, Chinese or English. Pure.

A duty engineer reads it on a phone: what happened, where (device, site, town by their
inventory names), and what to do first, with the runbook address. A group of many alerts
(80 villages of one town) becomes one message that counts them and names a few.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# alertname -> (zh title, zh first action, en title, en first action)
CATALOGUE: dict[str, tuple[str, str, str, str]] = {
    "UpsOnBattery": ("UPS市电中断，电池供电中", "检查市电和配电柜，启动油机，准备有序关机",
                     "UPS lost mains power, running on battery",
                     "check mains and the distribution board, start the generator, prepare an orderly shutdown"),
    "UpsBatteryLow": ("UPS电池电量低", "立即保存业务并有序关机", "UPS battery low",
                      "save work and shut down in order now"),
    "UpsBatteryChargeLow": ("UPS电池电量低", "立即保存业务并有序关机", "UPS battery charge low",
                            "save work and shut down in order now"),
    "UpsRuntimeLow": ("UPS剩余时间不足10分钟", "立即有序关机", "UPS runtime below 10 minutes",
                      "shut down in order now"),
    "UpsPowerRestored": ("UPS市电恢复", "确认负载正常", "UPS mains power restored", "confirm the load is normal"),
    "DeviceDown": ("设备不可达", "检查设备电源和上联链路", "device unreachable",
                   "check the device's power and uplink"),
    "TownVillagesDown": ("乡镇多个村点不可达", "先检查乡镇外网交换机和路由器",
                         "many villages of a town unreachable", "check the town's switch and router first"),
    "UplinkDown": ("上联端口中断", "检查光纤/网线和对端端口", "uplink port down",
                   "check the fibre or cable and the peer port"),
    "LinkDown": ("端口中断(Trap)", "检查线路和对端设备", "port down (trap)", "check the line and the peer device"),
    "RoomTemperatureHigh": ("机房温度过高", "检查精密空调", "computer room too hot", "check the precision air conditioning"),
    "EnvironmentAlarm": ("机房环境告警", "到机房现场检查", "computer room environment alarm", "check the room on site"),
    "NetopsExporterDown": ("监控采集器停止", "重启本区netops exporter", "monitoring exporter down",
                           "restart this zone's netops exporter"),
    "IsolationAuditFailed": ("隔离审计未通过", "查看最近一次netops audit报告", "isolation audit failed",
                             "read the last netops audit report"),
    "IsolationAuditStale": ("隔离审计超过一天未运行", "检查审计定时任务", "isolation audit older than a day",
                            "check the audit timer"),
    "SnmpScrapeErrorsRising": ("SNMP采集错误增多", "检查采集器和网络", "SNMP scrape errors rising",
                               "check the collector and the network"),
}
SEVERITY = {"critical": ("紧急", "CRITICAL"), "warning": ("警告", "WARNING"), "info": ("提示", "INFO")}
MAX_NAMES = 5
MAX_CHARS = 300


@dataclass
class Names:
    """Inventory labels for people: zone, site and town names (e.g. 王台镇) by their keys."""

    zones: dict[str, str] = field(default_factory=dict)
    sites: dict[str, str] = field(default_factory=dict)


def _title(alertname: str, alert: dict, zh: bool) -> tuple[str, str]:
    entry = CATALOGUE.get(alertname)
    if entry:
        return (entry[0], entry[1]) if zh else (entry[2], entry[3])
    summary = alert.get("annotations", {}).get("summary") or alertname
    return summary, ""


def _where(labels: dict, names: Names, zh: bool) -> str:
    parts = []
    site = labels.get("site")
    town = labels.get("town")
    if site:
        parts.append(names.sites.get(site, site) if zh else site)
    if town and town != site:
        parts.append(names.sites.get(town, town) if zh else town)
    return ("，" if zh else ", ").join(parts)


def render_text(payload: dict, names: Names, language: str = "zh", runbook_url: str | None = None) -> str:
    """One message for one Alertmanager webhook notification (all its alerts)."""
    zh = language != "en"
    alerts = [a for a in payload.get("alerts", []) if isinstance(a, dict)]
    firing = [a for a in alerts if a.get("status") == "firing"] or alerts
    if not firing:
        return ""
    common = payload.get("commonLabels") or {}
    first = firing[0].get("labels", {})
    alertname = common.get("alertname") or first.get("alertname", "alert")
    severity = common.get("severity") or first.get("severity", "warning")
    zone = common.get("zone") or first.get("zone", "")
    zone_name = names.zones.get(zone, zone) if zh else zone
    title, action = _title(alertname, firing[0], zh)
    resolved = payload.get("status") == "resolved"
    sev = SEVERITY.get(severity, (severity, severity.upper()))[0 if zh else 1]
    if zh:
        head = f"【{zone_name}{'恢复' if resolved else sev}】{title}"
    else:
        head = f"[{zone_name} {'RESOLVED' if resolved else sev}] {title}"
    devices = sorted({a.get("labels", {}).get("device", "") for a in firing} - {""})
    where = _where(first if len(firing) == 1 else common, names, zh)
    if len(devices) > 1:
        shown = ", ".join(devices[:MAX_NAMES])
        more = (f" 等{len(devices)}台" if zh else f" and {len(devices) - MAX_NAMES} more") \
            if len(devices) > MAX_NAMES else ""
        what = (f"{len(devices)}台设备：" if zh else f"{len(devices)} devices: ") + shown + more
    elif devices:
        what = devices[0]
    else:
        what = ""
    body = [head]
    if what or where:
        if zh:
            body.append(f"：{what}" + (f"（{where}）" if where else ""))
        else:
            body.append(f": {what}" + (f" ({where})" if where else ""))
    if action and not resolved:
        body.append(f"。处置：{action}" if zh else f". Do: {action}")
    if runbook_url:
        link = f"{runbook_url.rstrip('/')}/{alertname}"
        body.append(f"。手册：{link}" if zh else f". Runbook: {link}")
    text = "".join(body)
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "…"
