"""Bench: backup and push across 30+ real FRR lab routers, netops vs Nornir + nornir_netmiko.

Both sides do the same work on the same routers in one run, through the same loopback
endpoints and with host keys checked against the lab's known_hosts:
  backup - read `show running-config`, mask secrets, write one file per device, one git commit;
  push   - read running (backup), send the remediation commands with the error pattern,
           `write memory`, read running again to verify; netops also commits the pre-change
           and after configs to git and keeps its fsync'd journal (a second session per
           device re-reads running before the change).
Each push run flips every router between two intended configs, so every run changes all.
Speed-up: time with --max-parallel 1 over time with --max-parallel P (ideal: min(P, routers)).

    .venv/bin/python bench/devices.py --routers 32 --parallel 8

Needs root, Debian frr and openssh-server, and `pip install nornir nornir-netmiko` in .venv.
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netops.devices import confdiff, jobs  # noqa: E402
from netops.devices.dialects import FRR  # noqa: E402
from netops.devices.gitstore import BackupStore  # noqa: E402
from netops.devices.masking import mask_secrets  # noqa: E402
from netops.devices.target import DeviceTarget  # noqa: E402
from netops.lab import ssh_routers  # noqa: E402


def intended(name: str, variant: int) -> str:
    return (f"frr defaults traditional\nhostname {name}\nservice integrated-vtysh-config\n!\n"
            f"ip route 0.0.0.0/0 10.255.0.{2 + variant}\n!\n"
            f"interface eth0\n description uplink variant {variant}\n ip address 10.255.0.1/30\nexit\n!\n"
            f"interface eth1\n description town LAN variant {variant}\n ip address 10.20.{variant}.1/24\nexit\n")


# --- netops ---------------------------------------------------------------------------------
def netops_backup(targets, repo: Path, parallel: int) -> float:
    t0 = time.perf_counter()
    run = jobs.run_backup(targets, BackupStore(repo), max_parallel=parallel)
    elapsed = time.perf_counter() - t0
    assert not run.failed, [r.reason for r in run.failed]
    return elapsed


def netops_push(targets, variant: int, parallel: int, repo: Path) -> float:
    """The whole transaction: plan, pre-change commit + journal, apply, verify, after commit."""
    t0 = time.perf_counter()
    run = jobs.run_push(targets, lambda t: intended(t.name, variant), commit=True, store=BackupStore(repo),
                        max_parallel=parallel)
    elapsed = time.perf_counter() - t0
    bad = [(r.device, r.status.value, r.reason) for r in run.results if r.status.value != "changed"]
    assert not bad, bad
    return elapsed


# --- Nornir + nornir_netmiko doing the same ---------------------------------------------------
def nornir_for(state, password: str, parallel: int):
    from nornir.core import Nornir
    from nornir.core.inventory import ConnectionOptions, Defaults, Groups, Host, Hosts, Inventory
    from nornir.core.plugins.connections import ConnectionPluginRegister
    from nornir.plugins.runners import ThreadedRunner

    ConnectionPluginRegister.auto_register()  # what InitNornir does: finds nornir_netmiko

    options = {"netmiko": ConnectionOptions(platform="cisco_ios", extras={
        "ssh_strict": True, "system_host_keys": False, "alt_host_keys": True, "alt_key_file": state.known_hosts,
        "allow_agent": False, "use_keys": False, "fast_cli": True})}
    hosts = Hosts({r.name: Host(name=r.name, hostname=r.host, port=r.port, username=state.username,
                                password=password, platform="cisco_ios", connection_options=options)
                   for r in state.routers})
    return Nornir(inventory=Inventory(hosts=hosts, groups=Groups(), defaults=Defaults()),
                  runner=ThreadedRunner(num_workers=parallel))


def nornir_backup(nr, repo: Path) -> float:
    from nornir_netmiko.tasks import netmiko_send_command

    def task(t):
        result = t.run(netmiko_send_command, command_string="show running-config")
        t.host.close_connections()
        return result[0].result

    t0 = time.perf_counter()
    results = nr.run(task=task)
    store = BackupStore(repo)
    store.ensure()
    for name, multi in results.items():
        assert not multi.failed, [str(r.exception) for r in multi if r.exception][:1]
        store.write(name, mask_secrets(confdiff.strip_noise(multi[0].result, FRR)))
    store.commit(f"nornir backup: {len(results)} devices\n")
    return time.perf_counter() - t0


def nornir_push(nr, variant: int) -> float:
    from nornir_netmiko.tasks import netmiko_save_config, netmiko_send_command, netmiko_send_config

    def task(t):
        before = t.run(netmiko_send_command, command_string="show running-config").result
        commands = confdiff.as_commands(confdiff.remediation(before, intended(t.host.name, variant), FRR))
        t.run(netmiko_send_config, config_commands=commands, error_pattern=FRR.error_pattern)
        t.run(netmiko_save_config)
        after = t.run(netmiko_send_command, command_string="show running-config").result
        t.host.close_connections()
        assert not confdiff.remediation(after, intended(t.host.name, variant), FRR)

    t0 = time.perf_counter()
    results = nr.run(task=task)
    elapsed = time.perf_counter() - t0
    assert not results.failed, {n: str(m.exception) for n, m in results.failed_hosts.items()}
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routers", type=int, default=32)
    parser.add_argument("--parallel", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3, help="timed runs per measurement (median reported)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "devices.json")
    args = parser.parse_args()
    missing = ssh_routers.missing_requirements()
    if missing:
        print("cannot run: missing " + ", ".join(missing))
        return 2
    try:
        import nornir  # noqa: F401
        import nornir_netmiko  # noqa: F401
    except ImportError:
        print("cannot run: .venv/bin/pip install nornir nornir-netmiko")
        return 2

    password = "bench-" + secrets.token_hex(8)
    names = [f"bench-rt{i:02d}" for i in range(1, args.routers + 1)]
    lab_dir = ssh_routers.lab_dir("bench")
    ssh_routers.down(lab_dir)
    spec = ssh_routers.LabSpec(name="bench", password=password,
                               routers=ssh_routers.sequential_endpoints(names, base="127.0.60.1"))
    t0 = time.perf_counter()
    state = ssh_routers.up(spec, lab_dir)
    lab_up = time.perf_counter() - t0
    figures: dict[str, object] = {"routers": args.routers, "parallel": args.parallel, "lab_up_s": round(lab_up, 2)}
    try:
        targets = [DeviceTarget(name=r.name, platform="frr", host=r.host, port=r.port, username=state.username,
                                password=password, known_hosts=Path(state.known_hosts)) for r in state.routers]
        work = Path(tempfile.mkdtemp(prefix="netops-bench-"))
        variant = 0

        def median(fn, runs=args.runs):
            return round(statistics.median(fn() for _ in range(runs)), 3)

        def flip():
            nonlocal variant
            variant ^= 1
            return variant

        netops_backup(targets, work / "warm", args.parallel)  # warm caches (imports, page cache)
        figures["backup_netops_serial_s"] = median(lambda: netops_backup(targets, work / "n1", 1), 1)
        figures["backup_netops_s"] = median(lambda: netops_backup(targets, work / "nP", args.parallel))
        nr = nornir_for(state, password, args.parallel)
        nr1 = nornir_for(state, password, 1)
        figures["backup_nornir_serial_s"] = median(lambda: nornir_backup(nr1, work / "r1"), 1)
        figures["backup_nornir_s"] = median(lambda: nornir_backup(nr, work / "rP"))
        figures["push_netops_serial_s"] = median(lambda: netops_push(targets, flip(), 1, work / "p1"), 1)
        figures["push_netops_s"] = median(lambda: netops_push(targets, flip(), args.parallel, work / "pP"))
        figures["push_nornir_serial_s"] = median(lambda: nornir_push(nr1, flip()), 1)
        figures["push_nornir_s"] = median(lambda: nornir_push(nr, flip()))
    finally:
        ssh_routers.down(lab_dir)

    ideal = min(args.parallel, args.routers)
    for op in ("backup", "push"):
        for tool in ("netops", "nornir"):
            speedup = figures[f"{op}_{tool}_serial_s"] / figures[f"{op}_{tool}_s"]
            figures[f"{op}_{tool}_speedup"] = round(speedup, 2)
            figures[f"{op}_{tool}_efficiency"] = round(speedup / ideal, 3)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"{args.routers} FRR lab routers, --max-parallel {args.parallel} (ideal speed-up {ideal}x), "
          f"lab up in {figures['lab_up_s']} s; median of {args.runs} runs")
    print(f"{'operation':10} {'tool':8} {'serial s':>9} {'parallel s':>11} {'speed-up':>9} {'of ideal':>9}")
    for op in ("backup", "push"):
        for tool in ("netops", "nornir"):
            print(f"{op:10} {tool:8} {figures[f'{op}_{tool}_serial_s']:>9} {figures[f'{op}_{tool}_s']:>11} "
                  f"{figures[f'{op}_{tool}_speedup']:>8}x {figures[f'{op}_{tool}_efficiency']:>8.0%}")
    ok = all(figures[f"{op}_netops_s"] <= figures[f"{op}_nornir_s"] * 1.05 and
             figures[f"{op}_netops_efficiency"] >= 0.8 for op in ("backup", "push"))
    print("goal (netops at least as fast as Nornir, >= 80 % of ideal speed-up):", "met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
