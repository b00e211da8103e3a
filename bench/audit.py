"""Bench: the isolation audit (intent + config layers) of the generated 10,000-device network.

    .venv/bin/python bench/audit.py [--towns 120] [--villages 10000] [--repeat 3] [--work DIR]

Side by side in one run: the anchor (`netops inventory validate`: load + semantic checks of
the same inventory, which every audit also pays) and the audit's own layers. Configs come
from `netops render` (setup, not timed). Goal: the audit's layers (intent + config, inventory
load excluded) under 2 s. The load average before and after is printed: on a shared machine,
wall times mean something only beside it (and beside the CPU seconds).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netops.audit.run import AuditOptions, audit_isolation  # noqa: E402
from netops.inventory.generate import write  # noqa: E402
from netops.inventory.load import parse_inventory  # noqa: E402
from netops.inventory.validate import validate_inventory  # noqa: E402
from netops.render.files import write_configs  # noqa: E402
from netops.render.run import render_devices  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--towns", type=int, default=120)
    ap.add_argument("--villages", type=int, default=10000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", type=Path, default=None, help="keep the generated network here")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="netops-bench-audit-"))
    inv_dir, cfg_dir = work / "inventory", work / "configs"
    try:
        if not (inv_dir / "devices.yaml").exists():
            write(inv_dir, args.towns, args.villages)
            shutil.copy(ROOT / "inventory" / "policy.yaml", inv_dir / "policy.yaml")
        inv, _, problems = parse_inventory(inv_dir)
        assert inv is not None, problems
        if not cfg_dir.exists():
            t = time.perf_counter()
            n = len(write_configs(render_devices(inv), cfg_dir, with_secrets=False))
            print(f"rendered {n} configs in {time.perf_counter() - t:.2f} s (setup, not timed)")
        load_before = os.getloadavg()
        anchor, audits, layers, anchor_cpu, audits_cpu = [], [], [], [], []
        report = None
        for _ in range(args.repeat):
            t, c = time.perf_counter(), time.process_time()
            inv, src, problems = parse_inventory(inv_dir)
            validate_inventory(inv, src)
            anchor.append(time.perf_counter() - t)
            anchor_cpu.append(time.process_time() - c)
            t, c = time.perf_counter(), time.process_time()
            report = audit_isolation(AuditOptions(inv_dir, layers=("intent", "config"), configs=cfg_dir))
            audits.append(time.perf_counter() - t)
            audits_cpu.append(time.process_time() - c)
            timings = report.meta["timings_s"]
            layers.append(timings["intent"] + timings["config"])
        assert report is not None
        counts = report.counts()
        netops = Path(sys.executable).with_name("netops")
        t = time.perf_counter()
        cli = subprocess.run([str(netops), "audit", "isolation", "-i", str(inv_dir), "--configs", str(cfg_dir),
                              "--json", "-o", str(work / "report.json"), "--state", str(work / "state.json")],
                             capture_output=True, text=True)
        if cli.returncode not in (0, 1):  # 0 compliant, 1 findings; anything else is not an audit's time
            raise SystemExit(f"netops audit isolation exited {cli.returncode}: {cli.stderr.strip()[-500:]}")
        cli_s = time.perf_counter() - t
        result = {
            "devices": len(inv.devices), "cables": len(inv.links), "configs": sum(
                1 for f in report.findings if f.check == "config.evidence"), "results": counts["total"],
            "passed": report.passed,
            "anchor_validate_s": round(min(anchor), 3),
            "audit_end_to_end_s": round(min(audits), 3),
            "audit_layers_s": round(min(layers), 3),
            "intent_s": report.meta["timings_s"]["intent"], "config_s": report.meta["timings_s"]["config"],
            "load_s": report.meta["timings_s"]["load"],
            # CPU seconds of this process: what a loaded shared machine distorts least
            "anchor_cpu_s": round(min(anchor_cpu), 3), "audit_cpu_s": round(min(audits_cpu), 3),
            "layers_cpu_s": round(min(audits_cpu) - min(anchor_cpu), 3),
            "median_layers_s": round(statistics.median(layers), 3),
            "cli_json_report_s": round(cli_s, 3), "cli_exit": cli.returncode,
            "load_average_1m": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        }
        print(f"{result['devices']} devices, {result['cables']} cables, {result['configs']} configs, "
              f"{result['results']} results, passed={result['passed']}")
        print(f"{'step':42} {'best of ' + str(args.repeat):>12}")
        print(f"{'anchor: inventory load + validate':42} {result['anchor_validate_s']:>10.3f} s")
        print(f"{'audit end to end (load + intent + config)':42} {result['audit_end_to_end_s']:>10.3f} s")
        print(f"{'audit layers (intent + config), goal < 2 s':42} {result['audit_layers_s']:>10.3f} s"
              f"  ({'met' if result['audit_layers_s'] < 2 else 'MISSED'})")
        print(f"{'  of which intent / config':42} {result['intent_s']:>7.3f} / {result['config_s']:.3f} s")
        print(f"{'CPU: audit end to end / minus the anchor':42} {result['audit_cpu_s']:>7.3f} / "
              f"{result['layers_cpu_s']:.3f} s  (process time, robust to other jobs' load)")
        print(f"{'CLI: netops audit isolation --json (1 run)':42} {result['cli_json_report_s']:>10.3f} s"
              f"  (exit {cli.returncode}; interpreter start, JSON report and state file included)")
        print(f"{'machine load average (1 min), before / after':42} {result['load_average_1m'][0]:>7.2f} / "
              f"{result['load_average_1m'][1]:.2f}  ({os.cpu_count()} cores)")
        print(json.dumps(result))
        return 0 if result["passed"] else 1
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
