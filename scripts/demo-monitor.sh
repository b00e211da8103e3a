#!/usr/bin/env bash
# Monitoring demo: the SNMP lab (one simulated agent per device of the sample network, on
# loopback) and the netops exporter; live metrics of a UPS, a room sensor and a village,
# then a power cut, a hot room and a village going dark - and everything stopped again.
# Usage: scripts/demo-monitor.sh   (after scripts/setup.sh demo; `make demo` calls it)
set -euo pipefail
cd "$(dirname "$0")/.."
NETOPS=${NETOPS:-.venv/bin/netops}
PY=${PY:-.venv/bin/python}
OUT=${DEMO_OUT:-out/demo}/monitor
LAB_DIR=$OUT/lab
mkdir -p "$OUT"

# Lab-only credentials: the lab agents and the exporter both read the inventory's SNMP
# credentials (env vars and the secrets file it names); these values exist only in the lab.
if [ -z "${NETOPS_SECRETS_FILE:-}" ]; then
  export NETOPS_SECRETS_FILE=$OUT/lab-secrets.yaml
  (umask 077; printf 'snmp-ex-auth: demo-extranet-auth\nsnmp-ex-priv: demo-extranet-priv\n' > "$NETOPS_SECRETS_FILE")
fi
export NETOPS_SNMP_IN_AUTH=${NETOPS_SNMP_IN_AUTH:-demo-intranet-auth}
export NETOPS_SNMP_IN_PRIV=${NETOPS_SNMP_IN_PRIV:-demo-intranet-priv}
export NETOPS_SNMP_COMMUNITY=${NETOPS_SNMP_COMMUNITY:-demo-appliance}

EXPORTER=${NETOPS_DEMO_EXPORTER:-127.0.0.1:$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
exporter_pid=""
cleanup() {
  [ -n "$exporter_pid" ] && kill "$exporter_pid" 2>/dev/null && wait "$exporter_pid" 2>/dev/null || true
  "$NETOPS" lab down --lab-dir "$LAB_DIR" || true
}
trap cleanup EXIT

fetch() {  # fetch URL -> stdout (curl when present)
  if command -v curl >/dev/null; then curl -fsS --max-time 15 "$1"; else
    "$PY" -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=15).read().decode())' "$1"; fi
}
show() {  # show DEVICE REGEX: the device's live metrics matching REGEX, as Prometheus sees them
  echo "\$ curl 'http://$EXPORTER/snmp?target=$1' | grep -E '$2'"
  fetch "http://$EXPORTER/snmp?target=$1" | grep -v '^#' | grep -E "$2" | sed -E 's/\{device="[^"]*",site="[^"]*",zone="[^"]*",role="[^"]*"(,town="[^"]*")?,?/{/; s/\{\}//' || true
  echo
}

echo "== netops lab up: simulated SNMP agents for every device of inventory/lab.yaml"
"$NETOPS" lab up --lab-dir "$LAB_DIR" --processes 2
echo
echo "== netops exporter --lab on $EXPORTER"
"$NETOPS" exporter --lab --listen "$EXPORTER" --log-level warning > "$OUT/exporter.log" 2>&1 &
exporter_pid=$!
for _ in $(seq 1 100); do fetch "http://$EXPORTER/-/healthy" >/dev/null 2>&1 && break; sleep 0.2; done
fetch "http://$EXPORTER/-/healthy" >/dev/null

UPS='^(snmp_up|ups_output_source\{.*state="(normal|battery)"|ups_battery_charge_ratio|ups_battery_runtime_seconds|ups_output_load_ratio|ups_alarm_info)'
ENV='^(snmp_up|room_temperature_celsius|room_humidity_ratio|room_contact_alarm)'
VILLAGE='^(snmp_up|sys_uptime_seconds|if_oper_status.*uplink|entity_cpu_usage_ratio)'
PORT='^if_oper_status.*if_name="GigabitEthernet1/0/1"'

echo "== live metrics: UPS ups-1 (RFC 1628), room sensor env-1 (AKCP), village wangtai-v001 (Huawei AR161)"
show ups-1 "$UPS"
show env-1 "$ENV"
show wangtai-v001 "$VILLAGE"

echo "== netops lab set: mains fail at ups-1, the main room overheats, wangtai-v001 goes dark"
"$NETOPS" lab set ups-1 on_battery --lab-dir "$LAB_DIR"
"$NETOPS" lab set env-1 hot --lab-dir "$LAB_DIR"
"$NETOPS" lab set wangtai-v001 down --lab-dir "$LAB_DIR"
echo
show ups-1 "$UPS"
show env-1 "$ENV"
echo "(wangtai-v001 no longer answers: the exporter waits one bounded timeout and reports snmp_up 0)"
show wangtai-v001 '^snmp_up'
echo "(and the town switch sees its port to the village go down)"
show wangtai-ex-sw "$PORT"
echo "These changes fire UpsOnBattery, RoomTemperatureCritical and TownVillagesDown (monitors/rules)."
echo
echo "== netops lab status"
"$NETOPS" lab status --lab-dir "$LAB_DIR" --json | "$PY" -c 'import json, sys; s = json.load(sys.stdin); print("running:", s["running"], "-", s["agents"], "agents, snmpsim pids", ", ".join(s["pids"]), "- simulated states:", s["states"])'
echo
echo "== stopping the exporter and the lab"
