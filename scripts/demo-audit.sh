#!/usr/bin/env bash
# `make demo` stage for the isolation audit (called by scripts/demo.sh):
#  1. the sample network passes the intent and configuration layers;
#  2. a copy with one cable moved, so the intranet touches the extranet, fails and names the path.
set -euo pipefail
cd "$(dirname "$0")/.."
NETOPS=.venv/bin/netops
PY=.venv/bin/python
OUT=${DEMO_OUT:-out/demo}/audit
rm -rf "$OUT"
mkdir -p "$OUT"

echo "== netops audit: configurations of the sample network (netops render)"
$NETOPS render -i inventory --out "$OUT/configs"

echo
echo "== netops audit: the sample network (intent + configuration layers)"
$NETOPS audit isolation -i inventory --configs "$OUT/configs" --state "$OUT/last-audit.json" \
  --format html --out "$OUT/sample.html"

echo
echo "== netops audit: a copy with one cable moved (wangtai-in-sw's uplink plugged into wangtai-ex-sw)"
cp -r inventory "$OUT/moved-cable"
sed -i 's#^  b: in-core-1:XGigabitEthernet1/0/1$#  b: wangtai-ex-sw:Ten-GigabitEthernet1/0/49#' "$OUT/moved-cable/links.yaml"
grep -q "wangtai-ex-sw:Ten-GigabitEthernet1/0/49" "$OUT/moved-cable/links.yaml" || { echo "demo: cable not moved" >&2; exit 1; }
rc=0
$NETOPS audit isolation -i "$OUT/moved-cable" --configs "$OUT/configs" --state "$OUT/last-audit.json" \
  --format html --out "$OUT/moved-cable.html" || rc=$?
if [ "$rc" -ne 1 ]; then
  echo "demo: expected the audit of the moved cable to fail with exit 1, got $rc" >&2
  exit 1
fi
echo
echo "the audit failed as it must (exit $rc); the counterexample path:"
$PY - "$OUT/last-audit.json" <<'PYEOF'
import json, sys
report = json.load(open(sys.argv[1]))
for f in report["findings"]:
    if f["check"] == "intent.physical-isolation" and f["verdict"] == "FAIL":
        print(f"  {f['target']}: {f['path_text'][0]}")
PYEOF
echo
echo "reports: $OUT/sample.html (pass), $OUT/moved-cable.html (fail); metrics: $NETOPS audit metrics --state $OUT/last-audit.json"
