#!/usr/bin/env bash
# Sets up everything `make demo` / `make test` need on a fresh Debian machine:
# Debian packages (installed with apt-get when root and missing), then a venv with pip.
# Usage: scripts/setup.sh demo|test
set -euo pipefail
cd "$(dirname "$0")/.."
purpose=${1:-test}

# Debian packages: the real components netops talks to and is tested against.
demo_pkgs="git iproute2 snmp frr openssh-server openssh-client prometheus-alertmanager graphviz"
test_pkgs="$demo_pkgs snmpd prometheus prometheus-snmp-exporter lldpd chromium fonts-wqy-zenhei"
case "$purpose" in
  demo) pkgs=$demo_pkgs ;;
  test) pkgs=$test_pkgs ;;
  *) echo "usage: $0 demo|test" >&2; exit 2 ;;
esac

missing=()
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # Debian starts some daemons on install; netops runs its own instances on loopback.
    for svc in snmpd frr lldpd prometheus prometheus-snmp-exporter prometheus-node-exporter prometheus-alertmanager; do
      systemctl stop "$svc" >/dev/null 2>&1 || service "$svc" stop >/dev/null 2>&1 || true
    done
  else
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: install them with: sudo apt-get install ${missing[*]}" >&2
    echo "setup: (tests that need them will be skipped with that reason)" >&2
  fi
fi

py=${PYTHON:-python3}
if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "setup: Python 3.11 or newer is required (found: $("$py" --version 2>&1))" >&2
  exit 1
fi
stamp=.venv/.netops-setup
want="$(sha256sum pyproject.toml | cut -c1-16)-$purpose"
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$py" -m venv .venv
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] && ! { [ "$purpose" = demo ] && grep -q -- "-test$" "$stamp" 2>/dev/null; }; then
  echo "setup: installing Python packages into .venv"
  extra=lab; [ "$purpose" = test ] && extra=test
  .venv/bin/pip install -q --disable-pip-version-check -e ".[$extra]" 2>&1 | grep -v "is ignored: it is neither a file nor a directory" || true
  .venv/bin/python -c "import netops, typer, pydantic, pysnmp, netmiko" || { echo "setup: pip install failed" >&2; exit 1; }
  echo "$want" > "$stamp"
fi
