"""Interface text: Chinese by default, English on request (`?lang=en`, remembered in a cookie)."""

from __future__ import annotations

LANGS = ("zh", "en")

TEXT: dict[str, tuple[str, str]] = {
    "title": ("网络运维控制台", "Network operations console"),
    "topology": ("拓扑", "Topology"),
    "villages": ("乡镇村居", "Villages by town"),
    "audit": ("合规审计", "Audit"),
    "history": ("配置历史", "Config history"),
    "room": ("机房", "Computer room"),
    "login": ("登录", "Log in"),
    "logout": ("退出", "Log out"),
    "user": ("用户名", "User"),
    "password": ("密码", "Password"),
    "bad_login": ("用户名或密码错误", "Wrong user name or password"),
    "bad_csrf": ("表单已过期，请重新登录", "The form expired; log in again"),
    "forbidden": ("无权查看", "Not in your scope"),
    "not_found": ("未找到", "Not found"),
    "device": ("设备", "Device"),
    "role": ("角色", "Role"),
    "site": ("站点", "Site"),
    "zone": ("安全域", "Zone"),
    "zones": ("安全域", "Zones"),
    "status": ("状态", "Status"),
    "up": ("正常", "up"),
    "down": ("中断", "down"),
    "unknown": ("未知", "unknown"),
    "alerts": ("告警", "Alerts"),
    "interfaces": ("接口", "Interfaces"),
    "cables": ("线缆", "Cables"),
    "power": ("供电", "Power"),
    "metrics": ("指标", "Metrics"),
    "last_backup": ("最近备份", "Last backup"),
    "no_backup": ("无备份", "no backup"),
    "town": ("乡镇", "Town"),
    "uplink": ("乡镇上联", "Town uplink"),
    "village": ("村", "Village"),
    "dark": ("中断村数", "Dark villages"),
    "cause": ("原因", "Cause"),
    "cause_uplink": ("乡镇上联中断", "the town's uplink is down"),
    "cause_village": ("村设备不可达（线路或供电）", "the village device is unreachable (line or power)"),
    "cause_unknown": ("无监控数据", "no monitoring data"),
    "last_change": ("交换机最近配置变更", "Last config change of its switch"),
    "control": ("控制项", "Control"),
    "clause": ("条款", "Clause"),
    "verdict": ("结论", "Verdict"),
    "findings": ("发现", "Findings"),
    "missing_evidence": ("缺少证据", "Missing evidence"),
    "waivers": ("豁免", "Waivers"),
    "evidence": ("证据哈希", "Evidence hashes"),
    "no_audit": ("尚无审计结果", "No audit result yet"),
    "show_on_map": ("在拓扑上显示路径", "Show the path on the topology"),
    "versions": ("版本", "Versions"),
    "diff": ("比较", "Diff"),
    "rack": ("机柜", "Rack"),
    "power_tree": ("供电树", "Power tree"),
    "load": ("负载", "Load"),
    "capacity": ("容量", "Capacity"),
    "sensors": ("环境传感器", "Room sensors"),
    "runtime": ("剩余时间", "Runtime"),
    "source": ("供电来源", "Output source"),
    "prometheus": ("监控数据源", "Prometheus"),
    "unreachable": ("不可达", "unreachable"),
    "print": ("打印", "Print"),
    "readonly": ("只读：变更请使用命令行和 git", "Read-only: changes go through the CLI and git"),
    "inventory_problems": ("清单校验问题", "Inventory problems"),
    "lang_switch": ("English", "中文"),
}


def translator(lang: str):  # noqa: ANN201
    index = 1 if lang == "en" else 0

    def t(key: str) -> str:
        pair = TEXT.get(key)
        return pair[index] if pair else key

    return t
