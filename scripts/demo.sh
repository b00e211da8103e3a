#!/usr/bin/env bash
# `make demo`: the main jobs of netops on the bundled sample network, one stage after another.
#  1. validate the inventory and print its summary;
#  2. render every device's configuration;
#  3. audit isolation: the sample passes, a copy with one cable moved fails and names the path;
#  4. monitoring: SNMP lab agents + the exporter, live UPS / room sensor / village metrics;
#  4b. one monitoring stack per zone (namespaces): an intranet power cut reaches only the intranet;
#  5. device operations: FRR lab routers over SSH backed up into git, diffed, pushed (root only);
#  6. the web console over the lab: every page fetched once, its URL printed (NETOPS_DEMO_KEEP=1 keeps it up).
# Everything talks to loopback or to network namespaces the demo creates, and is stopped after.
set -euo pipefail
cd "$(dirname "$0")/.."
NETOPS=.venv/bin/netops
export DEMO_OUT=${DEMO_OUT:-out/demo}
mkdir -p "$DEMO_OUT"

echo "== 1. netops inventory validate: the sample inventory (inventory/)"
$NETOPS inventory validate inventory
echo
$NETOPS inventory summary inventory

echo
echo "== 2. netops render: every device's configuration (secrets stay placeholders)"
$NETOPS render -i inventory --out "$DEMO_OUT/configs"
$NETOPS render -i inventory --check "$DEMO_OUT/configs"

echo
echo "== 3. netops audit isolation"
scripts/demo-audit.sh

echo
echo "== 4. netops lab + exporter: live metrics"
scripts/demo-monitor.sh

echo
echo "== 4b. netops monitor plan: one stack per zone; a power cut in the intranet stays in the intranet"
.venv/bin/python scripts/demo_zones.py

echo
echo "== 5. netops backup / diff / push on the FRR lab routers"
scripts/demo-devices.sh

echo
echo "== 6. netops web: the console over the lab (NETOPS_DEMO_KEEP=1 keeps it running to browse)"
.venv/bin/python scripts/demo_web.py

echo
echo "demo done: configurations in $DEMO_OUT/configs, audit reports in $DEMO_OUT/audit,"
echo "config backups (git) in $DEMO_OUT/backups"
