#!/usr/bin/env python3
"""netops vs snmp_exporter per device class: the real recordings of ../shared/snmp-recordings.

For every recording (one device class each), served by snmpsim, in one run:
  A = `netops exporter` serving the anchor's module itself (bench/snmp_exporter.yml loaded as
      a `*.snmp.yml` profile: the same objects, the same names as snmp_exporter), and
      netops's own shipped profile for the same job (if_mib; ups_rfc1628 on UPS cards),
  B = Debian's prometheus-snmp-exporter 0.21 with that module (the anchor),
  snmpbulkwalk of the module's walk subtrees as a reference (process start included).
Runs alternate A/B/reference round by round (rotating the order), v2c and v3 authPriv
(SHA/AES, context = recording). Reported per row: median latency, exporter CPU per scrape
(process CPU time over the timed rounds / scrapes) and varbinds the agent returned per scrape,
counted on the wire by a UDP relay that decodes every v2c response (v3 sends the same requests).

    .venv/bin/python bench/snmp_families.py [--rounds 20] [--only NAME ...] [--json OUT]
    .venv/bin/python bench/snmp_families.py --local [--no-shared]   # + the environment recordings

--local adds the recordings of tests/data/snmp-recordings named in LOCAL_MODULES, each with
its environment module from bench/snmp_exporter_env.yml (written in the generator's output
form for the columns netops's own profile reads) and if_mib where it has an ifTable.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import http.client
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from netops.snmp import ber  # noqa: E402
from snmp_scrape import Child, NETOPS, SNMPSIM, free_port, wait_http, wait_snmp  # noqa: E402

SHARED = ROOT.parent / "shared" / "snmp-recordings"
ANCHOR = ROOT.parent / "shared" / "anchors" / "snmp_exporter" / "snmp.yml"  # if_mib (generated) and rfc1628_ups
UPS = {"huaweiups_ups2000", "netvision-rfc"}
USER, AUTH, PRIV = "bench", "benchauth123", "benchpriv123"
WALKS = {"if_mib": ["1.3.6.1.2.1.2", "1.3.6.1.2.1.31.1.1"],
         "rfc1628_ups": ["1.3.6.1.2.1.33.1.2", "1.3.6.1.2.1.33.1.3.3", "1.3.6.1.2.1.33.1.4.4"]}
OWN = {"if_mib": "if_mib", "rfc1628_ups": "ups_rfc1628"}
LOCAL = ROOT / "tests" / "data" / "snmp-recordings"
ENV_MODULES = BENCH / "snmp_exporter_env.yml"
# local recording -> (its module in ENV_MODULES, netops's own profile for the same job)
LOCAL_MODULES = {
    "linux_lm-sensors": ("lm_sensors", "lm_sensors"),
    "ciscoasa_entity-sensor": ("entity_sensor", "entity_sensor"),
    "apc_nbrk0200_sensors": ("apc_netbotz_200", "apc_netbotz"),
    "liebert_mph": ("liebert_pdu", "liebert_pdu"),
    "hwg-ste2": ("hwg_ste2", "hwg_ste2"),
    "liebert_pex": ("liebert_cooling", "liebert_cooling"),
    "huawei_usg_from_mib": ("huawei_usg", "huawei_usg"),  # HAND-MADE FROM THE MIB, NOT A DEVICE
    "geist-watchdog_fw320": ("geist_watchdog", "geist_watchdog"),
    "hwg-ste_values": ("hwg_ste", "hwg_ste"),
}


def anchor_modules(local: bool) -> dict:
    """The anchor's modules, plus the environment modules when local recordings are run."""
    modules = yaml.safe_load(ANCHOR.read_text()) if ANCHOR.exists() else {}
    if local:
        env = yaml.safe_load(ENV_MODULES.read_text())
        modules.update(env)
        for module, body in env.items():
            WALKS[module] = body["walk"]
        OWN.update({module: own for module, own in LOCAL_MODULES.values()})
    return modules


def modules_for(name: str, data: Path, modules: dict) -> list[str]:
    if name in LOCAL_MODULES:
        text = (data / f"{name}.snmprec").read_text(encoding="utf-8")
        own = [LOCAL_MODULES[name][0]]
        return (["if_mib"] if "if_mib" in modules and "\n1.3.6.1.2.1.2.2.1." in text else []) + own
    return [m for m in modules if m not in ENV_MODULES_NAMES and (m != "rfc1628_ups" or name in UPS)]


ENV_MODULES_NAMES = {module for module, _ in LOCAL_MODULES.values()}


class Relay:
    """UDP relay in front of the agent that counts varbinds in every v2c response."""

    def __init__(self, agent: tuple[str, int]) -> None:
        self.agent = agent
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.varbinds = 0
        self.responses = 0
        self.clients: dict[int, tuple[str, int]] = {}
        self.up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.up.bind(("127.0.0.1", 0))
        self.threads = [threading.Thread(target=self._down, daemon=True), threading.Thread(target=self._back, daemon=True)]
        for t in self.threads:
            t.start()

    def _down(self) -> None:
        while True:
            try:
                data, client = self.sock.recvfrom(65535)
            except OSError:
                return
            msg_id = ber.peek_message_id(data)
            if msg_id is not None:
                self.clients[msg_id] = client
            self.up.sendto(data, self.agent)

    def _back(self) -> None:
        while True:
            try:
                data, _ = self.up.recvfrom(65535)
            except OSError:
                return
            msg_id = ber.peek_message_id(data)
            try:
                self.varbinds += len(ber.decode_message(data).varbinds)
                self.responses += 1
            except Exception:  # noqa: BLE001 - a v3 or odd packet: relayed, not counted
                pass
            client = self.clients.pop(msg_id, None) if msg_id is not None else None
            if client:
                self.sock.sendto(data, client)

    def close(self) -> None:
        self.sock.close()
        self.up.close()


def anchor_config(recordings: list[str], work: Path, base: dict) -> tuple[Path, list[str]]:
    """snmp_exporter 0.21 config: the anchor modules once per recording and version (auth is per module)."""
    config = {}
    for name in recordings:
        for module, body in base.items():
            config[f"{module}__{name}__v2"] = {**body, "auth": {"community": name}}
            config[f"{module}__{name}__v3"] = {**body, "version": 3, "auth": {
                "username": USER, "security_level": "authPriv", "password": AUTH, "auth_protocol": "SHA",
                "priv_protocol": "AES", "priv_password": PRIV, "context_name": name}}
    path = work / "snmp_exporter.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path, list(base)


def netops_config(recordings: list[str], work: Path, modules: dict) -> tuple[Path, Path, dict]:
    profiles = work / "profiles"
    shutil.copytree(ROOT / "monitors" / "profiles", profiles)
    # the anchor's modules, loaded directly, renamed se_<module>
    (profiles / "anchor.snmp.yml").write_text(yaml.safe_dump({f"se_{k}": v for k, v in modules.items()}, sort_keys=False))
    env = {"BENCH_AUTH": AUTH, "BENCH_PRIV": PRIV}
    auths = {}
    for i, name in enumerate(recordings):
        env[f"BENCH_C{i}"] = name
        auths[f"v2-{name}"] = {"version": "2c", "community": {"env": f"BENCH_C{i}"}}
        auths[f"v3-{name}"] = {"version": "3", "username": USER, "auth_protocol": "sha", "auth_key": {"env": "BENCH_AUTH"},
                               "priv_protocol": "aes", "priv_key": {"env": "BENCH_PRIV"}, "context": name}
    config = work / "netops-exporter.yml"
    config.write_text(json.dumps({"auths": auths, "defaults": {"timeout": 5, "retries": 1}}))
    return config, profiles, env


def get(conn: http.client.HTTPConnection, path: str) -> tuple[float, bytes]:
    started = time.perf_counter()
    try:
        conn.request("GET", path)
        response = conn.getresponse()
    except (http.client.RemoteDisconnected, ConnectionError):  # idle keep-alive closed by the server
        conn.close()
        started = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status}: {body[:200]!r}")
    return time.perf_counter() - started, body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--big-rounds", type=int, default=5, help="rounds for recordings of over 5,000 lines")
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--local", action="store_true", help="add the environment recordings (LOCAL_MODULES)")
    parser.add_argument("--no-shared", action="store_true", help="only the --local recordings")
    args = parser.parse_args()
    sources = {} if args.no_shared else {p.stem: p for p in sorted(SHARED.glob("*.snmprec"))}
    if args.local:
        sources.update({name: LOCAL / f"{name}.snmprec" for name in LOCAL_MODULES})
    if not sources or (not args.no_shared and not SHARED.is_dir()) or not ANCHOR.exists():
        print(f"{SHARED} or {ANCHOR} is absent: the device recordings and the anchor are needed", file=sys.stderr)
        sys.exit(3)
    recordings = sorted(name for name in sources if not args.only or name in args.only)
    base_modules = anchor_modules(args.local)
    work = Path(tempfile.mkdtemp(prefix="netops-bench-families-"))
    data = work / "data"
    data.mkdir()
    for name in recordings:
        shutil.copy(sources[name], data / f"{name}.snmprec")
    v2_port, v3_port = free_port(kind=socket.SOCK_DGRAM), free_port(kind=socket.SOCK_DGRAM)
    env_sim = {"SNMPSIM_ALLOW_ROOT": "true"}
    sim2 = Child([str(SNMPSIM), f"--cache-dir={work / 'c2'}", "--v3-engine-id=auto", f"--data-dir={data}",
                  f"--agent-udpv4-endpoint=127.0.0.1:{v2_port}"], work / "snmpsim-v2.log", env_sim)
    sim3 = Child([str(SNMPSIM), f"--cache-dir={work / 'c3'}", "--v3-engine-id=auto", f"--data-dir={data}",
                  f"--agent-udpv4-endpoint=127.0.0.1:{v3_port}", f"--v3-user={USER}", f"--v3-auth-key={AUTH}",
                  "--v3-auth-proto=SHA", f"--v3-priv-key={PRIV}", "--v3-priv-proto=AES"], work / "snmpsim-v3.log", env_sim)
    se_config, modules = anchor_config(recordings, work, base_modules)
    nconfig, profiles, nenv = netops_config(recordings, work, base_modules)
    nport, sport = free_port(), free_port()
    netops = Child([str(NETOPS), "exporter", "--config", str(nconfig), "--profiles", str(profiles), "--allow-any-target",
                    "--listen", f"127.0.0.1:{nport}", "--log-level", "warning"], work / "netops.log", nenv)
    anchor = Child(["prometheus-snmp-exporter", f"--config.file={se_config}", f"--web.listen-address=127.0.0.1:{sport}",
                    "--log.level=warn"], work / "snmp_exporter.log")
    rows = []
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop our children on kill
    try:
        for port in (v2_port, v3_port):  # both agents up, every recording indexed
            for name in recordings:
                wait_snmp("127.0.0.1", port, name)
        wait_http("127.0.0.1", nport, "/-/healthy")
        wait_http("127.0.0.1", sport, "/")
        nconn = http.client.HTTPConnection("127.0.0.1", nport, timeout=120)
        sconn = http.client.HTTPConnection("127.0.0.1", sport, timeout=120)
        walk_env = {**os.environ, "MIBS": "", "SNMP_PERSISTENT_DIR": str(work)}
        for name in recordings:
            for module in modules_for(name, data, base_modules):
                for version, port in (("v2c", v2_port), ("v3", v3_port)):
                    big = sum(1 for _ in open(data / f"{name}.snmprec", encoding="utf-8")) > 5000
                    rounds = args.big_rounds if big else args.rounds
                    row = measure(name, module, version, port, nconn, sconn, netops, anchor, walk_env, rounds)
                    row["rounds"] = rounds
                    rows.append(row)
                    print(json.dumps(row), flush=True)
    finally:
        netops.stop()
        anchor.stop()
        sim2.stop()
        sim3.stop()
    print()
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


def measure(name, module, version, port, nconn, sconn, netops, anchor, walk_env, rounds) -> dict:  # noqa: ANN001
    auth = f"{'v2' if version == 'v2c' else 'v3'}-{name}"
    target = f"127.0.0.1:{port}"
    tools = {
        "netops": (nconn, f"/snmp?target={target}&auth={auth}&module=se_{module}"),
        "netops_own": (nconn, f"/snmp?target={target}&auth={auth}&module={OWN[module]}"),
        "snmp_exporter": (sconn, f"/snmp?target={target}&module={module}__{name}__{'v2' if version == 'v2c' else 'v3'}"),
    }
    v3 = ["-v3", "-l", "authPriv", "-u", USER, "-a", "SHA", "-A", AUTH, "-x", "AES", "-X", PRIV, "-n", name]
    creds = ["-v2c", "-c", name] if version == "v2c" else v3
    walks = [["snmpbulkwalk", *creds, "-Cr25", "-On", "-Oq", "-t", "5", target, oid] for oid in WALKS[module]]

    def bulkwalk() -> float:
        started = time.perf_counter()
        for argv in walks:
            subprocess.run(argv, capture_output=True, env=walk_env, check=True)
        return time.perf_counter() - started

    runners = {tool: (lambda t=tool: get(*tools[t])[0]) for tool in tools}
    runners["snmpbulkwalk"] = bulkwalk
    for runner in runners.values():  # warm up: connections, engine discovery, table sizes
        for _ in range(2):
            runner()
    times: dict[str, list[float]] = {tool: [] for tool in runners}
    cpu = {"netops": 0.0, "netops_own": 0.0, "snmp_exporter": 0.0}
    order = list(runners)
    for r in range(rounds):
        for tool in order[r % len(order):] + order[: r % len(order)]:
            proc = netops if tool.startswith("netops") else anchor if tool == "snmp_exporter" else None
            before = proc.cpu_seconds() if proc else 0.0
            times[tool].append(runners[tool]())
            if proc:
                cpu[tool] += proc.cpu_seconds() - before
    varbinds = {}
    if version == "v2c":  # count on the wire through the relay (same requests under v3)
        relay = Relay(("127.0.0.1", port))
        try:
            for tool, (conn, path) in tools.items():
                path = path.replace(target, f"127.0.0.1:{relay.port}")
                get(conn, path)  # warm-up for this target name (table sizes)
                relay.varbinds = relay.responses = 0
                get(conn, path)
                varbinds[tool] = relay.varbinds
                varbinds[tool + "_pdus"] = relay.responses
        finally:
            relay.close()
    med = {tool: statistics.median(t) * 1000 for tool, t in times.items()}
    return {
        "device": name, "module": module, "version": version,
        "netops_ms": round(med["netops"], 2), "netops_own_ms": round(med["netops_own"], 2),
        "snmp_exporter_ms": round(med["snmp_exporter"], 2), "snmpbulkwalk_ms": round(med["snmpbulkwalk"], 2),
        "ratio": round(med["netops"] / med["snmp_exporter"], 2),
        "ratio_own": round(med["netops_own"] / med["snmp_exporter"], 2),
        "netops_cpu_ms": round(cpu["netops"] / rounds * 1000, 2),
        "snmp_exporter_cpu_ms": round(cpu["snmp_exporter"] / rounds * 1000, 2),
        "varbinds": varbinds,
    }


def table(rows: list[dict]) -> str:
    out = ["| device class | module | SNMP | netops ms (same module) | snmp_exporter ms | **ratio** | netops own profile ms (ratio) "
           "| CPU ms/scrape netops / snmp_exporter | varbinds netops / snmp_exporter (own) | snmpbulkwalk ms |",
           "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        vb = r["varbinds"]
        varbinds = f"{vb['netops']} / {vb['snmp_exporter']} ({vb['netops_own']})" if vb else "same requests as v2c"
        out.append(f"| {r['device']} | {r['module']} | {r['version']} | {r['netops_ms']} | {r['snmp_exporter_ms']} "
                   f"| **{r['ratio']}** | {r['netops_own_ms']} ({r['ratio_own']}) | {r['netops_cpu_ms']} / {r['snmp_exporter_cpu_ms']} "
                   f"| {varbinds} | {r['snmpbulkwalk_ms']} |")
    return "\n".join(out)


if __name__ == "__main__":
    main()
