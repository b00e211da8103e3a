#!/usr/bin/env bash
# Device operations on the lab: FRR routers over SSH, backed up into git, diffed against
# their intended configs, and a dry-run push. Needs root (network namespaces); skips otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
NETOPS=.venv/bin/netops
OUT=${DEMO_OUT:-out/demo}
if [ "$(id -u)" != 0 ]; then
  echo "== netops devices: skipped (the SSH lab needs root for network namespaces)"
  exit 0
fi
# The lab login's password comes from the inventory's credential set (env NETOPS_LAB_PASSWORD).
export NETOPS_LAB_PASSWORD=${NETOPS_LAB_PASSWORD:-$(openssl rand -hex 12)}
$NETOPS lab down >/dev/null 2>&1 || true
trap '$NETOPS lab down >/dev/null 2>&1 || true' EXIT
echo "== netops lab up --ssh: the inventory's lab routers (FRR in network namespaces, sshd + vtysh)"
$NETOPS lab up --ssh
echo
echo "== netops backup --lab: running configs into git ($OUT/backups), secrets masked"
$NETOPS backup --lab --repo "$OUT/backups"
git -C "$OUT/backups" log --oneline | head -3
echo
echo "== netops diff --lab wangtai-ex-rt --remediation: intended vs running (exit 1 = drift)"
$NETOPS diff --lab wangtai-ex-rt --remediation || true
echo
echo "== netops diff --lab: every lab router"
$NETOPS diff --lab || true
echo
echo "== netops push --lab --town wangtai --commit: apply, verify, roll back on failure"
$NETOPS push --lab --town wangtai --commit --repo "$OUT/backups"
$NETOPS diff --lab wangtai-ex-rt
echo
echo "== netops push --lab --recover: finish a push that was killed (here: nothing to recover)"
$NETOPS push --lab --recover --repo "$OUT/backups"
