"""A lab of one monitoring stack per zone: each zone in its own network namespace.

Every namespace holds the zone's collector address (zones[].services.snmp_collectors), its
lab devices' management addresses, and a stand-in SMS platform, and runs the zone's own
SNMP lab agents, netops exporter, Prometheus, Alertmanager, relay and trap receiver from
`netops monitor plan`. The namespaces are not connected to each other or to the host: the
sample's zones may share no monitoring path (the intranet is physically isolated, the
statistics network is reached only through a one-way gatekeeper), so none is wired.

Used by the namespace test and `make demo`; needs root (ip netns) and the Debian packages
prometheus and prometheus-alertmanager.
"""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from netops.lab import netns, procs
from netops.stack.plan import EXPORTER_PORT

ZONE_DEVICES = {"intranet": ["in-ups-1", "in-core-1"], "extranet": ["ups-1", "env-1"], "stats": ["st-sw-1"]}
GATEWAY_HOST = 250  # the stand-in SMS platform's host number in the zone's first prefix
GATEWAY_PORT = 8080
TRAP_PORT = 1162
# Lab-only values for the sample's notify references (phones are fictitious 138 numbers).
NOTIFY_ENV = {
    "NETOPS_PHONE_DUTY_INTRANET": "13800000001",
    "NETOPS_PHONE_DUTY_EXTRANET": "13800000002",
    "NETOPS_PHONE_DUTY_STATS": "13800000003",
    "NETOPS_SMS_INTRANET_TOKEN": "lab-token-intranet",
}
SNMP_ENV = {"NETOPS_SNMP_IN_AUTH": "lab-intranet-auth", "NETOPS_SNMP_IN_PRIV": "lab-intranet-priv",
            "NETOPS_SNMP_COMMUNITY": "lab-appliance"}
SNMP_SECRETS = {"snmp-ex-auth": "lab-extranet-auth", "snmp-ex-priv": "lab-extranet-priv"}


class ZoneLabError(RuntimeError):
    """The zone lab could not be started."""


def missing_software() -> list[str]:
    need = {"ip": "iproute2", "prometheus": "prometheus", "prometheus-alertmanager": "prometheus-alertmanager",
            "amtool": "prometheus-alertmanager", "snmptrap": "snmp"}
    return sorted({pkg for tool, pkg in need.items() if shutil.which(tool) is None})


@dataclass
class Zone:
    name: str
    namespace: str
    collector: str
    gateway: str
    devices: list[str]
    addresses: dict[str, str]  # device -> management address
    directory: Path
    pids: dict[str, int] = field(default_factory=dict)

    @property
    def received(self) -> Path:
        return self.directory / "sms-received.jsonl"

    def messages(self) -> list[dict]:
        if not self.received.exists():
            return []
        return [json.loads(line) for line in self.received.read_text(encoding="utf-8").splitlines() if line]


@dataclass
class ZoneLab:
    root: Path
    inventory: Path
    plan: Path
    zones: dict[str, Zone]
    env: dict[str, str]

    def run_in(self, zone: str, argv: list[str], timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(netns.exec_argv(self.zones[zone].namespace, argv), capture_output=True, text=True,
                              timeout=timeout, env=self.env, cwd=self.root)


def _netops() -> list[str]:
    script = Path(sys.executable).with_name("netops")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from cli import main; main()"]


def prepare_inventory(source: Path, target: Path, zone_devices: dict[str, list[str]],
                      scrape_interval: str = "5s") -> Path:
    """A copy of the inventory whose lab holds only these devices, polled every `scrape_interval`."""
    shutil.copytree(source, target)
    lab_file = target / "lab.yaml"
    lab = yaml.safe_load(lab_file.read_text(encoding="utf-8"))
    keep = {d for devices in zone_devices.values() for d in devices}
    lab["lab"]["snmp"] = {k: v for k, v in lab["lab"]["snmp"].items() if k in keep}
    lab["lab"].pop("ssh", None)
    lab_file.write_text(yaml.safe_dump(lab, sort_keys=False), encoding="utf-8")
    mon_file = target / "monitoring.yaml"
    mon = yaml.safe_load(mon_file.read_text(encoding="utf-8"))
    for stack in mon["monitoring"]["zones"]:
        stack["scrape_interval"] = scrape_interval
        stack["shards"] = 1
    mon["notify"]["group_wait"] = "5s"
    mon_file.write_text(yaml.safe_dump(mon, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target


def _start(zone: Zone, name: str, argv: list[str], env: dict[str, str], cwd: Path) -> None:
    log = open(zone.directory / f"{name}.log", "ab")
    try:
        proc = subprocess.Popen(netns.exec_argv(zone.namespace, argv), stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, env=env, cwd=cwd, start_new_session=True)
    finally:
        log.close()
    zone.pids[name] = proc.pid


def _wait_tcp(zone: Zone, port: int, name: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid = zone.pids.get(name)
        if pid is not None and not procs.alive(pid):
            log = (zone.directory / f"{name}.log").read_text(errors="replace")[-1500:]
            raise ZoneLabError(f"{zone.name}: {name} exited:\n{log}")
        try:
            netns.connect_in(zone.namespace, (zone.collector if name != "sms-gateway" else zone.gateway, port),
                             timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise ZoneLabError(f"{zone.name}: {name} not listening on port {port} after {timeout} s")


def _wait_log(zone: Zone, name: str, text: str, timeout: float) -> None:
    log = zone.directory / f"{name}.log"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        content = log.read_text(errors="replace") if log.exists() else ""
        if text in content:
            return
        if not procs.alive(zone.pids[name]):
            raise ZoneLabError(f"{zone.name}: {name} exited:\n{content[-1500:]}")
        time.sleep(0.2)
    raise ZoneLabError(f"{zone.name}: {name} not ready after {timeout} s")


def _address_plan(inventory: Path, zones: dict[str, list[str]]) -> dict[str, tuple[str, str, dict[str, str], int]]:
    from netops.inventory import load_inventory

    inv = load_inventory(inventory)
    out = {}
    for name, devices in zones.items():
        zone = inv.zones[name]
        prefix = zone.prefixes[0]
        gateway = str(prefix.network_address + GATEWAY_HOST)
        addresses = {d: str(inv.devices[d].mgmt_address) for d in devices}
        out[name] = (str(zone.services.snmp_collectors[0]), gateway, addresses, prefix.prefixlen)
    return out


def lab_env(root: Path, zones: dict[str, tuple], base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment of every process: the lab's SNMP and notify secrets, gateway URLs of each zone."""
    env = dict(base if base is not None else os.environ)
    for key, value in {**SNMP_ENV, **NOTIFY_ENV}.items():
        env.setdefault(key, value)
    secrets = dict(SNMP_SECRETS)
    if env.get("NETOPS_SECRETS_FILE") and Path(env["NETOPS_SECRETS_FILE"]).exists():
        secrets.update(yaml.safe_load(Path(env["NETOPS_SECRETS_FILE"]).read_text()) or {})
    gw = {name: f"http://{spec[1]}:{GATEWAY_PORT}" for name, spec in zones.items()}
    if "intranet" in gw:
        env["NETOPS_SMS_INTRANET_URL"] = f"{gw['intranet']}/sms/send"
    if "stats" in gw:
        env["NETOPS_SMS_STATS_URL"] = f"{gw['stats']}/sms/send"
    if "extranet" in gw:
        secrets.update({"sms-extranet-url": f"{gw['extranet']}/sms/send",
                        "dingtalk-extranet-webhook": f"{gw['extranet']}/robot/send?access_token=lab",
                        "dingtalk-extranet-sign": "lab-dingtalk-sign",
                        "phone-wangtai-admin": "13800000009", "wecom-extranet-secret": "lab-wecom"})
    path = root / "secrets.yaml"
    path.write_text(yaml.safe_dump(secrets), encoding="utf-8")
    os.chmod(path, 0o600)
    env["NETOPS_SECRETS_FILE"] = str(path)
    env.pop("NETOPS_LAB_DIR", None)
    return env


def up(inventory: Path, root: Path, zone_devices: dict[str, list[str]] | None = None,
       tag: str | None = None, base_env: dict[str, str] | None = None, timeout: float = 60) -> ZoneLab:
    """Plan and start one stack per zone, each in its own namespace; stop everything on failure."""
    zone_devices = zone_devices or ZONE_DEVICES
    root.mkdir(parents=True, exist_ok=True)
    tag = tag or str(os.getpid())
    spec = _address_plan(inventory, zone_devices)
    env = lab_env(root, spec, base_env)
    plan_dir = root / "plan"
    result = subprocess.run([*_netops(), "monitor", "plan", "-i", str(inventory), "--out", str(plan_dir), "--lab",
                             "--trap-port", str(TRAP_PORT), *[a for z in zone_devices for a in ("--zone", z)]],
                            capture_output=True, text=True, env=env, timeout=120)
    if result.returncode != 0:
        raise ZoneLabError(f"netops monitor plan failed:\n{result.stdout}{result.stderr}")
    lab = ZoneLab(root, inventory, plan_dir, {}, env)
    try:
        for name, devices in zone_devices.items():
            collector, gateway, addresses, length = spec[name]
            zone = Zone(name, f"nz-{name[:6]}-{tag}", collector, gateway, devices, addresses, root / name)
            zone.directory.mkdir(parents=True, exist_ok=True)
            lab.zones[name] = zone
            _start_zone(lab, zone, length)
        for zone in lab.zones.values():
            for name, port in (("sms-gateway", GATEWAY_PORT), ("alertmanager", 9093), ("relay", 9095),
                               ("exporter", EXPORTER_PORT), ("prometheus", 9090)):
                _wait_tcp(zone, port, name, timeout)
            _wait_log(zone, "traps", "trap receiver for zone", timeout)  # UDP: its ready line
        return lab
    except BaseException:
        down(lab)
        raise


def _start_zone(lab: ZoneLab, zone: Zone, length: int) -> None:
    # a veth pair kept inside the namespace carries the zone's addresses (no dummy module needed)
    netns.create(zone.namespace, veth=(("zone0", "zone1"),))
    ip = ["ip", "-n", zone.namespace]
    for address in {zone.collector, zone.gateway, *zone.addresses.values()}:
        subprocess.run([*ip, "addr", "add", f"{address}/{length}", "dev", "zone0"], check=True)
    plan = lab.plan / zone.name
    netops = _netops()
    env = lab.env
    result = lab.run_in(zone.name, [*netops, "lab", "up", "-i", str(lab.inventory), "--lab-dir",
                                    str(zone.directory / "lab"), "--only", ",".join(zone.devices)], timeout=120)
    if result.returncode != 0:
        raise ZoneLabError(f"{zone.name}: lab up failed:\n{result.stdout}{result.stderr}")
    _start(zone, "sms-gateway", [sys.executable, "-m", "netops.lab.sms_gateway", "--listen",
                                 f"{zone.gateway}:{GATEWAY_PORT}", "--out", str(zone.received)], env, lab.root)
    _start(zone, "alertmanager", ["prometheus-alertmanager", f"--config.file={plan}/alertmanager/alertmanager.yml",
                                  f"--storage.path={zone.directory}/am-data", "--cluster.listen-address=",
                                  f"--web.listen-address={zone.collector}:9093"], env, plan / "alertmanager")
    _start(zone, "relay", [*netops, "monitor", "relay", "-c", str(plan / "relay.yml")], env, lab.root)
    _start(zone, "traps", [*netops, "monitor", "traps", "-c", str(plan / "traps.json")], env, lab.root)
    # the exporter reads only its compact config: run where no ./inventory directory is found
    _start(zone, "exporter", [*netops, "exporter", "--config", str(plan / "exporter" / "shard-0.json"),
                              "--listen", f"{zone.collector}:{EXPORTER_PORT}", "--audit-state",
                              str(zone.directory / "no-audit.json")], env, zone.directory)
    _start(zone, "prometheus", ["prometheus", f"--config.file={plan}/prometheus/shard-0.yml",
                                f"--storage.tsdb.path={zone.directory}/prom-data",
                                f"--web.listen-address={zone.collector}:9090"], env, zone.directory)


def down(lab: ZoneLab) -> None:
    """Stop what the lab started (by PID, checked against its command line), then the namespaces."""
    for zone in lab.zones.values():
        for name, pid in zone.pids.items():
            procs.stop(pid, str(lab.root))
        subprocess.run([*_netops(), "lab", "down", "--lab-dir", str(zone.directory / "lab")],
                       capture_output=True, timeout=60, env=lab.env)
        for pid in netns.pids_in(zone.namespace) if netns.exists(zone.namespace) else []:
            if str(lab.root) in procs.cmdline(pid):
                procs.stop(pid, str(lab.root))
        netns.delete(zone.namespace)


def connect_attempts(lab: ZoneLab, from_zone: str, to_zone: str) -> list[tuple[str, int, str]]:
    """From a process in `from_zone`, try TCP to every address and port of `to_zone`'s stack."""
    target = lab.zones[to_zone]
    addresses = [target.collector, target.gateway, *target.addresses.values()]
    ports = [9090, 9093, 9095, EXPORTER_PORT, GATEWAY_PORT, 22, 443]
    script = (
        "import json, socket, sys\n"
        "out = []\n"
        "for host in sys.argv[1].split(','):\n"
        "    for port in map(int, sys.argv[2].split(',')):\n"
        "        s = socket.socket(); s.settimeout(2)\n"
        "        try:\n"
        "            s.connect((host, port)); out.append([host, port, 'connected'])\n"
        "        except OSError as e:\n"
        "            out.append([host, port, type(e).__name__ + ': ' + (e.strerror or str(e))])\n"
        "        finally:\n"
        "            s.close()\n"
        "print(json.dumps(out))\n"
    )
    result = lab.run_in(from_zone, [sys.executable, "-c", script, ",".join(addresses), ",".join(map(str, ports))])
    if result.returncode != 0:
        raise ZoneLabError(f"connect attempts from {from_zone} failed to run: {result.stderr}")
    return [tuple(x) for x in json.loads(result.stdout)]


def send_trap(lab: ZoneLab, zone: str, device: str, varbinds: list[str], version: str = "3") -> None:
    """Send a trap as `device` would: from its management address to its zone's collector."""
    z = lab.zones[zone]
    source = z.addresses[device]
    if version == "3":
        env = lab.env
        auth = ["-v", "3", "-e", "0x80001f8880" + ipaddress.ip_address(source).packed.hex(), "-u", "netops-in",
                "-a", "SHA", "-A", env["NETOPS_SNMP_IN_AUTH"], "-x", "AES", "-X", env["NETOPS_SNMP_IN_PRIV"],
                "-l", "authPriv"]
    else:
        auth = ["-v", "2c", "-c", lab.env["NETOPS_SNMP_COMMUNITY"]]
    result = lab.run_in(zone, ["snmptrap", "-Ln", f"--clientaddr={source}", *auth,
                               f"udp:{z.collector}:{TRAP_PORT}", "", *varbinds])
    if result.returncode != 0:
        raise ZoneLabError(f"snmptrap failed: {result.stderr}")
