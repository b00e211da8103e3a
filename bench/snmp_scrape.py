#!/usr/bin/env python3
"""SNMP benchmark: scrape time against the anchor, and CPU to poll a 1,100-device network.

Part 1 (scrape): one 48-port IF-MIB table, the same agent, in one run:
  netops exporter (its if_mib profile, and if_mib_full = every column snmp_exporter walks)
  vs Debian's prometheus-snmp-exporter (bench/snmp_exporter.yml, the anchor's if_mib)
  vs snmpbulkwalk of ifTable + ifXTable (the floor; includes starting the process).
  Agents: Debian snmpd in a network namespace of our own with 48 veth interfaces (a fast C
  agent: shows the client's cost), and snmpsim serving a generated 48-port recording.
Part 2 (poll): `netops inventory generate` a county (12 towns, villages up to --devices),
  simulate every device with snmpsim on 127.3.x.y loopback endpoints (SNMPv3 authPriv as
  the inventory says, v2c for appliances), run `netops exporter --lab` and scrape every
  device once per cycle like Prometheus would; report the exporter's CPU per cycle as a
  share of one core at a 60 s interval.

    .venv/bin/python bench/snmp_scrape.py [--rounds 200] [--devices 1100] [--cycles 2]
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))

from netops.snmp import ber  # noqa: E402
from netops.snmp.snmprec import Port, interface_rows, render_snmprec, system_rows  # noqa: E402

VENV_BIN = Path(sys.executable).parent
NETOPS = VENV_BIN / "netops"
SNMPSIM = VENV_BIN / "snmpsim-command-responder"
COMMUNITY = "public"  # snmp_exporter 0.21's default auth
HUAWEI = (1, 3, 6, 1, 4, 1, 2011)
H3C = (1, 3, 6, 1, 4, 1, 25506)
ENTITY = (1, 3, 6, 1, 2, 1, 47, 1, 1, 1, 1)


# --- helpers ------------------------------------------------------------------------------


def free_port(host: str = "127.0.0.1", kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class Child:
    """A process we started; stopped by its PID."""

    def __init__(self, argv: list[str], log: Path, env: dict | None = None) -> None:
        self.log = log
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                         env={**os.environ, **(env or {})}, start_new_session=True)

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mib(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def wait_http(host: str, port: int, path: str, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            conn = http.client.HTTPConnection(host, port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answers on http://{host}:{port}{path}")


def wait_snmp(host: str, port: int, community: str, seconds: float = 120) -> None:
    message = ber.encode_request(ber.GET_REQUEST, community.encode(), 1, [(1, 3, 6, 1, 2, 1, 1, 3, 0)])
    end = time.monotonic() + seconds
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(0.5)
        while time.monotonic() < end:
            try:
                sock.sendto(message, (host, port))
                sock.recvfrom(65535)
                return
            except OSError:
                time.sleep(0.3)
    raise RuntimeError(f"no SNMP agent answers on {host}:{port}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- recordings ---------------------------------------------------------------------------


def switch_rows(ports: int, vendor: str, name: str, lldp: int = 0) -> list:
    """A switch: system group, `ports` GE ports, board health, a few LLDP neighbours."""
    oid = HUAWEI + (2, 23, 291) if vendor == "huawei" else H3C + (1, 1, 1, 1)
    descr = ("Huawei Versatile Routing Platform Software VRP (R) software, Version 5.170 (S5720)"
             if vendor == "huawei" else "HPE Comware Platform Software, Software Version 7.1.045")
    rows = system_rows(descr, oid, 123456789, name, "computer room")
    rows += interface_rows(
        [Port(i, f"GigabitEthernet0/0/{i}", alias=f"port {i}", oper_up=i % 5 != 0,
              in_octets=i * 10**9, out_octets=i * 7 * 10**8, in_packets=i * 10**6, out_packets=i * 9 * 10**5)
         for i in range(1, ports + 1)], 123456789)
    rows += entity_rows(vendor)
    for n in range(1, lldp + 1):
        base = (1, 0, 8802, 1, 1, 2, 1, 4, 1, 1)
        idx = (100, n, 1)
        rows += [(base + (4,) + idx, ber.INTEGER, 4), (base + (5,) + idx, ber.OCTET_STRING, bytes(6) + bytes([n])),
                 (base + (7,) + idx, ber.OCTET_STRING, f"GigabitEthernet0/0/{n}"),
                 (base + (9,) + idx, ber.OCTET_STRING, f"neighbour-{n}"),
                 ((1, 0, 8802, 1, 1, 2, 1, 3, 7, 1, 3, n), ber.OCTET_STRING, f"GigabitEthernet0/0/{n}")]
    return rows


def entity_rows(vendor: str) -> list:
    entities = [(1, 3, "chassis"), (9, 9, "MPU Board 0"), (10, 6, "POWER Card 0/PWR1")]
    rows = []
    for index, klass, name in entities:
        rows += [(ENTITY + (5, index), ber.INTEGER, klass), (ENTITY + (7, index), ber.OCTET_STRING, name)]
        if vendor == "huawei":
            table = HUAWEI + (5, 25, 31, 1, 1, 1, 1)
            values = {5: 23, 6: 90, 7: 41, 8: 90, 9: 536870912, 11: 38} if klass == 9 else dict.fromkeys((5, 6, 7, 8, 9, 11), 0)
        else:
            table = H3C + (2, 6, 1, 1, 1, 1)
            values = {6: 17, 8: 35, 12: 45} if klass == 9 else {6: 0, 8: 0, 12: 65535}
        rows += [(table + (col, index), ber.INTEGER, v) for col, v in values.items()]
    return rows


def village_rows(name: str) -> list:
    """A village's Huawei AR access router: 4 LAN ports, WAN uplink, Vlanif, board health."""
    rows = system_rows("Huawei AR161 Versatile Routing Platform", HUAWEI + (1, 1, 1), 98765432, name, "village")
    names = ["GigabitEthernet0/0/0", "Ethernet0/0/0", "Ethernet0/0/1", "Ethernet0/0/2", "Ethernet0/0/3", "Vlanif1"]
    rows += interface_rows([Port(i + 1, n, speed_mbps=1000 if i == 0 else 100, oper_up=i < 3,
                                 in_octets=(i + 1) * 10**8, out_octets=(i + 1) * 10**7) for i, n in enumerate(names)])
    return rows + entity_rows("huawei")


def write_recording(directory: Path, rows: list, names: tuple[str, ...] = ("self", COMMUNITY)) -> None:
    """`self` answers SNMPv3 with an empty context in snmpsim; `public` answers v2c."""
    directory.mkdir(parents=True, exist_ok=True)
    text = render_snmprec(rows)
    for name in names:
        (directory / f"{name}.snmprec").write_text(text)


# --- part 1: scrape time ------------------------------------------------------------------


def measure_scrapes(host: str, port: int, rounds: int, work: Path, label: str) -> dict:
    """Time every tool against one agent, interleaved round by round."""
    profiles = work / "profiles"
    shutil.rmtree(profiles, ignore_errors=True)
    shutil.copytree(ROOT / "monitors" / "profiles", profiles)
    shutil.copy(BENCH / "profiles" / "if_mib_full.yaml", profiles)
    config = work / "netops-exporter.yml"
    config.write_text(json.dumps({
        "auths": {"bench": {"version": "2c", "community": {"env": "BENCH_SNMP_COMMUNITY"}}},
        "defaults": {"timeout": 5, "retries": 0},
    }))
    netops_port, anchor_port = free_port(), free_port()
    netops = Child([str(NETOPS), "exporter", "--config", str(config), "--profiles", str(profiles), "--allow-any-target",
                    "--listen", f"127.0.0.1:{netops_port}", "--log-level", "warning"],
                   work / f"netops-{label}.log", env={"BENCH_SNMP_COMMUNITY": COMMUNITY})
    anchor = Child(["prometheus-snmp-exporter", f"--config.file={BENCH / 'snmp_exporter.yml'}",
                    f"--web.listen-address=127.0.0.1:{anchor_port}", "--log.level=warn"],
                   work / f"snmp_exporter-{label}.log")
    try:
        wait_http("127.0.0.1", netops_port, "/-/healthy")
        wait_http("127.0.0.1", anchor_port, "/")
        target = f"{host}:{port}"
        tools = {
            "snmp_exporter if_mib": (anchor_port, f"/snmp?target={target}&module=if_mib"),
            "netops if_mib_full": (netops_port, f"/snmp?target={target}&auth=bench&module=if_mib_full"),
            "netops if_mib": (netops_port, f"/snmp?target={target}&auth=bench&module=if_mib"),
        }
        conns = {name: http.client.HTTPConnection("127.0.0.1", p, timeout=30) for name, (p, _) in tools.items()}
        walk_env = {**os.environ, "MIBS": "", "SNMP_PERSISTENT_DIR": str(work)}
        walk = [["snmpbulkwalk", "-v2c", "-c", COMMUNITY, "-Cr25", "-On", "-Oq", target, oid]
                for oid in ("1.3.6.1.2.1.2", "1.3.6.1.2.1.31.1.1")]

        def scrape(name: str) -> tuple[float, int]:
            path = tools[name][1]
            started = time.perf_counter()
            conns[name].request("GET", path)
            body = conns[name].getresponse().read()
            elapsed = time.perf_counter() - started
            return elapsed, sum(1 for line in body.splitlines() if line and not line.startswith(b"#"))

        def bulkwalk() -> tuple[float, int]:
            started = time.perf_counter()
            lines = 0
            for argv in walk:
                out = subprocess.run(argv, capture_output=True, env=walk_env, check=True).stdout
                lines += out.count(b"\n")
            return time.perf_counter() - started, lines

        pysnmp_walk = _pysnmp_walker(host, port)
        runners = {**{name: (lambda n=name: scrape(n)) for name in tools}, "snmpbulkwalk (floor)": bulkwalk,
                   "pysnmp bulk_walk_cmd, lookupMib=False (no HTTP)": pysnmp_walk}
        for runner in runners.values():  # warm up: connections, caches, agent
            for _ in range(3):
                runner()
        times: dict[str, list[float]] = {name: [] for name in runners}
        sizes: dict[str, int] = {}
        order = list(runners)
        for r in range(rounds):
            for name in order[r % len(order):] + order[: r % len(order)]:
                elapsed, size = runners[name]()
                times[name].append(elapsed)
                sizes[name] = size
        pysnmp_walk.close()
        anchor_median = statistics.median(times["snmp_exporter if_mib"])
        return {
            name: {"median_ms": round(statistics.median(t) * 1000, 2), "p90_ms": round(percentile(t, 0.9) * 1000, 2),
                   "ratio_to_snmp_exporter": round(statistics.median(t) / anchor_median, 2),
                   "lines": sizes[name]}
            for name, t in times.items()
        }
    finally:
        netops.stop()
        anchor.stop()


def _pysnmp_walker(host: str, port: int):  # noqa: ANN202
    """The issue's starting point: pysnmp's hlapi walking both tables (engine reused)."""
    from pysnmp.hlapi.v3arch import asyncio as hlapi

    loop = asyncio.new_event_loop()
    engine = hlapi.SnmpEngine()
    target = loop.run_until_complete(hlapi.UdpTransportTarget.create((host, port), timeout=5, retries=0))

    async def walk() -> int:
        n = 0
        for root in ("1.3.6.1.2.1.2", "1.3.6.1.2.1.31.1.1"):
            async for ind, status, _, varbinds in hlapi.bulk_walk_cmd(
                    engine, hlapi.CommunityData(COMMUNITY), target, hlapi.ContextData(), 0, 25,
                    hlapi.ObjectType(hlapi.ObjectIdentity(root)), lexicographicMode=False, lookupMib=False):
                if ind or status:
                    raise RuntimeError(str(ind or status))
                n += len(varbinds)
        return n

    def run() -> tuple[float, int]:
        started = time.perf_counter()
        n = loop.run_until_complete(walk())
        return time.perf_counter() - started, n

    def close() -> None:
        engine.close_dispatcher()
        loop.run_until_complete(asyncio.sleep(0))
        loop.close()

    run.close = close  # type: ignore[attr-defined]
    return run


def scrape_snmpsim(rounds: int, work: Path) -> dict:
    data = work / "sim48"
    write_recording(data, switch_rows(48, "huawei", "bench-switch-48"), names=(COMMUNITY,))
    host = "127.3.250.1"
    port = free_port(host, socket.SOCK_DGRAM)
    sim = Child([str(SNMPSIM), f"--cache-dir={work / 'simcache'}", "--v3-engine-id=auto", f"--data-dir={data}",
                 f"--agent-udpv4-endpoint={host}:{port}"], work / "snmpsim48.log", env={"SNMPSIM_ALLOW_ROOT": "true"})
    try:
        wait_snmp(host, port, COMMUNITY)
        return measure_scrapes(host, port, rounds, work, "snmpsim")
    finally:
        sim.stop()


def scrape_snmpd_netns(rounds: int, work: Path) -> dict | str:
    """snmpd with 48 veth interfaces in our own namespace; the measurement runs inside it."""
    if os.geteuid() != 0 or shutil.which("ip") is None or shutil.which("snmpd") is None:
        return "skipped: needs root, iproute2 and snmpd"
    ns = f"netops-snmpbench-{os.getpid()}"
    ip = ["ip", "-n", ns]
    snmpd = None
    try:
        subprocess.run(["ip", "netns", "add", ns], check=True)
        subprocess.run(ip + ["link", "set", "lo", "up"], check=True)
        for i in range(24):
            subprocess.run(ip + ["link", "add", f"ge{2 * i + 1}", "type", "veth", "peer", "name", f"ge{2 * i + 2}"], check=True)
        for i in range(48):
            subprocess.run(ip + ["link", "set", f"ge{i + 1}", "up"], check=True)
        port = 11161
        conf = work / "snmpd.conf"
        conf.write_text(f"agentAddress udp:127.0.0.1:{port}\nrocommunity {COMMUNITY} 127.0.0.1\n")
        (work / "snmpd-persist").mkdir(exist_ok=True)
        snmpd = Child(["ip", "netns", "exec", ns, "snmpd", "-f", "-C", "-c", str(conf), "-Lf", str(work / "snmpd.log")],
                      work / "snmpd.out", env={"MIBS": "", "SNMP_PERSISTENT_DIR": str(work / "snmpd-persist")})
        out = subprocess.run(["ip", "netns", "exec", ns, sys.executable, __file__, "--inside", f"127.0.0.1:{port}",
                              "--rounds", str(rounds), "--work", str(work)], capture_output=True, text=True)
        if out.returncode != 0:
            return "failed: " + out.stderr[-1500:]
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        if snmpd:
            snmpd.stop()
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


# --- part 2: CPU to poll a county ---------------------------------------------------------


def device_kind(role: str, platform: str) -> str:
    if role == "village_ap":
        return "village"
    if role in ("core_switch", "access_switch", "aggregation_switch"):
        return "switch_h3c" if platform == "hp_comware" else "switch_huawei"
    if role in ("ups", "eps"):
        return "ups"
    if role == "environment_monitor":
        return "env"
    if platform in ("linux", "frr"):
        return "linux"
    return "firewall"


def poll_county(devices: int, cycles: int, concurrency: int, work: Path) -> dict:
    from netops.inventory import load_inventory
    from netops.secrets import load_secrets_file  # noqa: F401 - import proves the layout exists

    recordings = ROOT.parent / "shared" / "snmp-recordings"
    if not recordings.is_dir():
        recordings = Path("/work/shared/snmp-recordings")
    inventory_dir = work / "county"
    shutil.rmtree(inventory_dir, ignore_errors=True)
    base = 64  # devices of 12 towns and the centre, without villages
    subprocess.run([str(NETOPS), "inventory", "generate", "--out", str(inventory_dir), "--towns", "12",
                    "--villages", str(max(devices - base, 0))], check=True, capture_output=True)
    inventory = load_inventory(inventory_dir)

    # credentials: env values and a secrets file for every reference; snmpsim users to match
    env: dict[str, str] = {}
    secrets: dict[str, str] = {}
    users: list[list[str]] = []
    for cred in inventory.snmp_credentials.values():
        values = {}
        for field in ("community", "auth_key", "priv_key"):
            ref = getattr(cred, field)
            if ref is None:
                continue
            value = COMMUNITY if field == "community" else f"{cred.name}-{field}-bench"
            values[field] = value
            if ref.env:
                env[ref.env] = value
            else:
                secrets[ref.secret] = value
        if cred.version == "3":
            users.append([f"--v3-user={cred.username}", f"--v3-auth-key={values['auth_key']}", "--v3-auth-proto=SHA",
                          f"--v3-priv-key={values['priv_key']}", "--v3-priv-proto=AES"])
    secrets_file = work / "secrets.yaml"
    secrets_file.write_text(json.dumps(secrets))
    secrets_file.chmod(0o600)
    env["NETOPS_SECRETS_FILE"] = str(secrets_file)

    # one snmpsim engine per kind of device; every device on its own 127.3.x.y endpoint
    kinds: dict[str, list[str]] = {}
    lab: dict[str, str] = {}
    for i, device in enumerate(sorted(inventory.devices.values(), key=lambda d: d.name)):
        endpoint = f"127.3.{i // 250}.{i % 250 + 1}:1161"
        lab[device.name] = endpoint
        kinds.setdefault(device_kind(device.role.value, device.platform.value), []).append(endpoint)
    (inventory_dir / "lab.yaml").write_text(json.dumps({"lab": {"snmp": lab}}))
    sims = work / "county-sim"
    write_recording(sims / "village", village_rows("village"))
    write_recording(sims / "switch_huawei", switch_rows(48, "huawei", "town-switch", lldp=4))
    write_recording(sims / "switch_h3c", switch_rows(48, "h3c", "town-switch", lldp=0))
    for kind, source in (("linux", "linux_icecast"), ("ups", "huaweiups_ups2000"), ("env", "akcp_serverprobe8"),
                         ("firewall", "stoneos")):
        (sims / kind).mkdir(parents=True, exist_ok=True)
        for name in ("self", COMMUNITY):
            shutil.copy(recordings / f"{source}.snmprec", sims / kind / f"{name}.snmprec")
    argv = [str(SNMPSIM), f"--cache-dir={work / 'simcache'}"]
    for kind, endpoints in kinds.items():
        argv += ["--v3-engine-id=auto", f"--data-dir={sims / kind}"]
        argv += [f"--agent-udpv4-endpoint={e}" for e in endpoints]
        for user in users:
            argv += user
    sim = Child(argv, work / "county-snmpsim.log", env={"SNMPSIM_ALLOW_ROOT": "true"})
    exporter_port = free_port()
    exporter = None
    try:
        for endpoints in kinds.values():
            host, port = endpoints[-1].split(":")
            wait_snmp(host, int(port), COMMUNITY, 300)
        config = work / "county-exporter.yml"
        config.write_text(json.dumps({"defaults": {"timeout": 10, "retries": 1}}))
        exporter = Child([str(NETOPS), "exporter", "--inventory", str(inventory_dir), "--lab", "--config", str(config),
                          "--listen", f"127.0.0.1:{exporter_port}", "--concurrency", str(concurrency),
                          "--scrape-timeout", "30", "--log-level", "warning"], work / "county-exporter.log", env=env)
        wait_http("127.0.0.1", exporter_port, "/-/healthy")
        names = sorted(inventory.devices)
        results = []
        for cycle in range(cycles):
            cpu_before, started = exporter.cpu_seconds(), time.perf_counter()
            up, varbinds, failures = asyncio.run(_scrape_all(exporter_port, names, concurrency))
            wall = time.perf_counter() - started
            cpu = exporter.cpu_seconds() - cpu_before
            results.append({"cycle": cycle + 1, "devices": len(names), "up": up, "failed": failures[:5],
                            "wall_s": round(wall, 1), "exporter_cpu_s": round(cpu, 2),
                            "core_share_at_60s": f"{100 * cpu / 60:.1f} %", "varbinds": varbinds,
                            "exporter_rss_mib": round(exporter.rss_mib(), 1)})
            print(json.dumps(results[-1]), file=sys.stderr)
        kinds_count = {k: len(v) for k, v in kinds.items()}
        return {"devices": len(names), "kinds": kinds_count, "cycles": results}
    finally:
        if exporter:
            exporter.stop()
        sim.stop()


_UP = re.compile(rb"^snmp_up(?:\{[^\n]*\})? (\d+)$", re.M)
_VARBINDS = re.compile(rb"^snmp_scrape_varbinds(?:\{[^\n]*\})? (\d+)$", re.M)


async def _scrape_all(port: int, names: list[str], concurrency: int) -> tuple[int, int, list[str]]:
    """Scrape every device once, `concurrency` at a time, on keep-alive connections."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for name in names:
        queue.put_nowait(name)
    up = 0
    varbinds = 0
    failures: list[str] = []

    async def worker() -> None:
        nonlocal up, varbinds
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while not queue.empty():
                name = queue.get_nowait()
                writer.write(f"GET /snmp?target={name} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
                await writer.drain()
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                                  if line.lower().startswith(b"content-length")))
                body = await reader.readexactly(length)
                state = _UP.search(body)
                if state and state.group(1) == b"1":
                    up += 1
                else:
                    failures.append(name)
                count = _VARBINDS.search(body)
                varbinds += int(count.group(1)) if count else 0
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return up, varbinds, failures


# --- main ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="scrapes per tool per agent")
    parser.add_argument("--devices", type=int, default=1100, help="devices in the polled county")
    parser.add_argument("--cycles", type=int, default=2, help="poll cycles (the first includes v3 discovery)")
    parser.add_argument("--concurrency", type=int, default=32, help="scrapes in flight during a poll cycle")
    parser.add_argument("--skip-scrape", action="store_true")
    parser.add_argument("--skip-poll", action="store_true")
    parser.add_argument("--inside", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:  # measuring inside the benchmark's own network namespace
        host, port = args.inside.split(":")
        wait_snmp(host, int(port), COMMUNITY, 30)
        print(json.dumps(measure_scrapes(host, int(port), args.rounds, Path(args.work), "snmpd")))
        return
    report: dict = {"date": time.strftime("%Y-%m-%d"), "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="netops-snmp-bench-") as tmp:
        work = Path(tmp)
        if not args.skip_scrape:
            report["scrape_snmpd_48_veth"] = scrape_snmpd_netns(args.rounds, work)
            print(json.dumps({"scrape_snmpd_48_veth": report["scrape_snmpd_48_veth"]}, indent=1), file=sys.stderr)
            report["scrape_snmpsim_48_ports"] = scrape_snmpsim(args.rounds, work)
            print(json.dumps({"scrape_snmpsim_48_ports": report["scrape_snmpsim_48_ports"]}, indent=1), file=sys.stderr)
        if not args.skip_poll:
            report["poll"] = poll_county(args.devices, args.cycles, args.concurrency, work)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
