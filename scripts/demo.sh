#!/usr/bin/env bash
# The main job on the bundled sample network. Each stage prints what it did.
set -euo pipefail
cd "$(dirname "$0")/.."
NETOPS=.venv/bin/netops
echo "== netops: validating the sample inventory (inventory/)"
$NETOPS inventory validate inventory
echo
echo "== netops: the sample network"
$NETOPS inventory summary inventory
