#!/usr/bin/env python3
"""`--metric-names snmp_exporter` vs snmp_exporter: the same dashboard's data, same agents.

A dashboard built on snmp_exporter's if_mib (or an RFC 1628 module in the generator's format)
is pointed either at Debian's prometheus-snmp-exporter 0.21 with that module (B) or at
`netops exporter --metric-names snmp_exporter` with netops' own profiles (A: system + if_mib;
ups_rfc1628). One snmpsim serves every recording of tests/data/snmp-recordings and
../shared/snmp-recordings (when present). Runs alternate A and B round by round; reported:
median latency, exporter CPU per scrape and varbinds the agent returned per scrape (counted
on the wire by bench/snmp_families.py's relay), v2c; each exporter with its default timeouts
(netops 2 s x 2 tries, snmp_exporter 0.21 5 s x 4 tries) and a 10 s scrape deadline.

    .venv/bin/python bench/snmp_names.py [--rounds 15] [--big-rounds 3] [--only NAME ...] [--json OUT]
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import signal
import socket
import statistics
import sys
import tempfile
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from snmp_families import Relay, get  # noqa: E402
from snmp_scrape import Child, NETOPS, SNMPSIM, free_port, wait_http, wait_snmp  # noqa: E402

SOURCES = [ROOT / "tests" / "data" / "snmp-recordings", ROOT.parent / "shared" / "snmp-recordings"]
MODULES = {  # snmp_exporter module -> (its file, netops profiles serving the same dashboard)
    "if_mib": (BENCH / "snmp_exporter.yml", "system,if_mib"),
    "ups_mib": (ROOT / "tests" / "data" / "snmp_exporter_ups_mib.yml", "ups_rfc1628"),
}


def recordings(only: list[str] | None) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for base in SOURCES:
        if base.is_dir():
            for path in sorted(base.glob("*.snmprec")):
                if (not only or path.stem in only) and path.stem not in found:
                    found[path.stem] = path
    return found


def has_ups_mib(path: Path) -> bool:
    return any(line.startswith("1.3.6.1.2.1.33.1.") for line in path.read_text(encoding="utf-8").splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--big-rounds", type=int, default=3, help="rounds for recordings of over 5,000 lines")
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    found = recordings(args.only)
    work = Path(tempfile.mkdtemp(prefix="netops-bench-names-"))
    data = work / "data"
    data.mkdir()
    for name, path in found.items():
        shutil.copy(path, data / f"{name}.snmprec")
    port = free_port(kind=socket.SOCK_DGRAM)
    sim = Child([str(SNMPSIM), f"--cache-dir={work / 'cache'}", "--v3-engine-id=auto", f"--data-dir={data}",
                 f"--agent-udpv4-endpoint=127.0.0.1:{port}"], work / "snmpsim.log", {"SNMPSIM_ALLOW_ROOT": "true"})
    modules = {m: yaml.safe_load(path.read_text())[m] for m, (path, _) in MODULES.items()}
    relay = None
    se_config = {f"{m}__{name}": {**body, "auth": {"community": name}} for name in found for m, body in modules.items()}
    (work / "snmp.yml").write_text(yaml.safe_dump(se_config, sort_keys=False))
    auths = {name: {"version": "2c", "community": {"env": f"BENCH_C{i}"}} for i, name in enumerate(found)}
    env = {f"BENCH_C{i}": name for i, name in enumerate(found)}
    (work / "netops.yml").write_text(json.dumps({"auths": auths}))  # netops' default timeout: 2 s, 1 retry
    nport, sport = free_port(), free_port()
    netops = Child([str(NETOPS), "exporter", "--config", str(work / "netops.yml"), "--allow-any-target",
                    "--metric-names", "snmp_exporter", "--listen", f"127.0.0.1:{nport}", "--log-level", "warning"],
                   work / "netops.log", env)
    anchor = Child(["prometheus-snmp-exporter", f"--config.file={work / 'snmp.yml'}",
                    f"--web.listen-address=127.0.0.1:{sport}", "--log.level=warn"], work / "snmp_exporter.log")
    rows = []
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        for name in found:  # every recording indexed, not only the first
            wait_snmp("127.0.0.1", port, name)
        wait_http("127.0.0.1", nport, "/-/healthy")
        wait_http("127.0.0.1", sport, "/")
        nconn = http.client.HTTPConnection("127.0.0.1", nport, timeout=120)
        sconn = http.client.HTTPConnection("127.0.0.1", sport, timeout=120)
        relay = Relay(("127.0.0.1", port))
        for name, path in found.items():
            for module, (_, own) in MODULES.items():
                if module == "ups_mib" and not has_ups_mib(path):
                    continue
                big = sum(1 for _ in path.open(encoding="utf-8")) > 5000
                row = measure(name, module, own, port, relay, nconn, sconn, netops, anchor,
                              args.big_rounds if big else args.rounds)
                rows.append(row)
                print(json.dumps(row), flush=True)
    finally:
        if relay is not None:
            relay.close()
        netops.stop()
        anchor.stop()
        sim.stop()
    print()
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


def measure(name, module, own, port, relay, nconn, sconn, netops, anchor, rounds) -> dict:  # noqa: ANN001
    def paths(agent_port: int) -> dict[str, tuple[http.client.HTTPConnection, str]]:
        target = f"127.0.0.1:{agent_port}"
        return {"netops": (nconn, f"/snmp?target={target}&auth={name}&module={own}"),
                "snmp_exporter": (sconn, f"/snmp?target={target}&module={module}__{name}")}

    tools = paths(port)
    failed = None
    for tool, (conn, path) in list(tools.items()):  # warm up: connections, table sizes
        try:
            for _ in range(2):
                get(conn, path)
        except RuntimeError as exc:  # e.g. snmp_exporter on an agent that refuses one object
            failed = f"{tool} failed: {str(exc).splitlines()[0][:160]}"
            del tools[tool]
    times: dict[str, list[float]] = {tool: [] for tool in tools}
    cpu = dict.fromkeys(tools, 0.0)
    procs = {"netops": netops, "snmp_exporter": anchor}
    order = list(tools)
    for r in range(rounds):
        for tool in order[r % len(order):] + order[: r % len(order)]:
            before = procs[tool].cpu_seconds()
            times[tool].append(get(*tools[tool])[0])
            cpu[tool] += procs[tool].cpu_seconds() - before
    varbinds = {}
    for tool, (conn, path) in paths(relay.port).items():
        if tool not in tools:
            continue
        get(conn, path)  # this target name's table sizes
        relay.varbinds = 0
        get(conn, path)
        varbinds[tool] = relay.varbinds
    med = {tool: round(statistics.median(t) * 1000, 2) for tool, t in times.items()}
    ms = {tool: med.get(tool) for tool in ("netops", "snmp_exporter")}
    return {"device": name, "module": module, "netops_profiles": own,
            "netops_ms": ms["netops"], "snmp_exporter_ms": ms["snmp_exporter"],
            "ratio": round(ms["netops"] / ms["snmp_exporter"], 2) if None not in ms.values() else None,
            **{f"{tool}_cpu_ms": round(cpu[tool] / rounds * 1000, 2) if tool in cpu else None for tool in ms},
            "varbinds": varbinds, "rounds": rounds, "failed": failed}


def table(rows: list[dict]) -> str:
    out = ["| device | snmp_exporter module | netops profiles (snmp_exporter names) | netops ms | snmp_exporter ms "
           "| **ratio** | CPU ms/scrape netops / snmp_exporter | varbinds netops / snmp_exporter |",
           "|---|---|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        vb = r["varbinds"]
        theirs = r["snmp_exporter_ms"] if r["snmp_exporter_ms"] is not None else "fails (HTTP 500)"
        out.append(f"| {r['device']} | {r['module']} | {r['netops_profiles']} | {r['netops_ms']} | {theirs} "
                   f"| **{r['ratio'] if r['ratio'] is not None else '-'}** | {r['netops_cpu_ms']} / {r['snmp_exporter_cpu_ms']} "
                   f"| {vb.get('netops')} / {vb.get('snmp_exporter', '-')} |")
    return "\n".join(out)


if __name__ == "__main__":
    main()
