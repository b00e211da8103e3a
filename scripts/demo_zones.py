"""`make demo` stage: one monitoring stack per zone, a power cut in the intranet, and nothing crossing zones.

Plans the sample network's stacks (`netops monitor plan`), then starts intranet, extranet and
stats each in its own network namespace (netops.lab.zones), cuts the intranet UPS's mains,
sends its SNMPv3 trap, and shows the SMS the intranet's (stand-in) SMS platform receives,
that the other zones' platforms receive nothing, and that the extranet cannot connect to
any intranet address. Needs root for the namespaces; otherwise only the plan is shown.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from netops.lab import zones

ROOT = Path(__file__).resolve().parents[1]
TRAP = ["1.3.6.1.2.1.33.2.0.1", "1.3.6.1.2.1.33.1.2.3.0", "i", "42", "1.3.6.1.2.1.33.1.2.2.0", "i", "3"]


def main() -> int:
    out = Path(os.environ.get("DEMO_OUT", "out/demo")).resolve() / "zones"
    netops = [str(Path(sys.executable).with_name("netops"))]
    print("$ netops monitor plan -i inventory --out", out / "plan")
    subprocess.run([*netops, "monitor", "plan", "-i", str(ROOT / "inventory"), "--out", str(out / "plan")],
                   check=True)
    missing = zones.missing_software()
    if os.geteuid() != 0 or missing:
        why = "not root" if os.geteuid() != 0 else f"missing {', '.join(missing)}"
        print(f"(zone namespaces skipped: {why})")
        return 0
    work = out / "lab"
    shutil.rmtree(work, ignore_errors=True)
    inventory = zones.prepare_inventory(ROOT / "inventory", work / "inventory", zones.ZONE_DEVICES)
    print("\nstarting intranet, extranet and stats, each in its own namespace with lab agents, exporter,"
          " Prometheus, Alertmanager, relay, trap receiver and a stand-in SMS platform ...")
    lab = zones.up(inventory, work / "run", tag=f"demo{os.getpid() % 10000}")
    try:
        for z in lab.zones.values():
            print(f"  {z.name:9} namespace {z.namespace:18} collector {z.collector}  SMS platform {z.gateway}:8080")
        print("\n== the intranet UPS in-ups-1 loses mains power and sends its SNMPv3 trap (upsTrapOnBattery)")
        result = lab.run_in("intranet", [*netops, "lab", "set", "in-ups-1", "on_battery", "-i", str(inventory),
                                         "--lab-dir", str(lab.zones["intranet"].directory / "lab")])
        assert result.returncode == 0, result.stderr
        sent = time.time()
        zones.send_trap(lab, "intranet", "in-ups-1", TRAP)
        intranet = lab.zones["intranet"]
        while not intranet.messages() and time.time() - sent < 30:
            time.sleep(0.1)
        if not intranet.messages():
            print("no SMS within 30 s: see", intranet.directory)
            return 1
        message = intranet.messages()[0]
        body = json.loads(message["body"])  # the platform's token is a secret: not shown
        print(f"intranet SMS platform received after {message['time'] - sent:.1f} s, for {body['mobile']}:\n"
              f"  {body['content']}")
        time.sleep(3)
        for name in ("extranet", "stats"):
            print(f"{name} SMS platform received: {len(lab.zones[name].messages())} message(s)")
        print("\n== from a process in the extranet namespace, TCP to every intranet monitoring address:")
        for host, port, outcome in zones.connect_attempts(lab, "extranet", "intranet")[:8]:
            print(f"  {host}:{port:<5} {outcome}")
        print("  ... (every address and port: none connects)")
    finally:
        zones.down(lab)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
