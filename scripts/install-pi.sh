#!/usr/bin/env bash
# Installs rollbridge on Raspberry Pi OS (Debian bookworm, 32- or 64-bit) from its Debian package,
# asks whether to reach it from your phone (LAN mode), and starts the service:
#
#   sudo scripts/install-pi.sh [--deb FILE] [--lan | --no-lan] [--config FILE] [--no-start]
#
# --deb: a rollbridge_VERSION_all.deb built elsewhere (default: built here by
# scripts/package-deb.sh, which needs a JDK and Maven). apt installs it with what it depends on
# (Java 17, BlueZ). --lan / --no-lan: answer the LAN mode question in advance (asked only on a
# terminal; otherwise no): the dashboard and the embedded broker on the home network, each
# behind a password shown once (sudo rollbridge lan on). --config: install this configuration
# instead of the package's (a device found by scanning, embedded broker, dashboard on 127.0.0.1).
# --no-start: install and configure, but do not enable or start the service.
#
# Without this script: sudo apt install ./rollbridge_VERSION_all.deb, then
# sudo systemctl enable --now rollbridge (docs/raspberry-pi.md).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
deb=""
lan="ask"
config=""
start=1

while [ $# -gt 0 ]; do
  case "$1" in
    --deb) deb="$2"; shift 2 ;;
    --lan) lan="yes"; shift ;;
    --no-lan) lan="no"; shift ;;
    --config) config="$2"; shift 2 ;;
    --no-start) start=0; shift ;;
    # The header comment, however long it grows: every comment line after the first, up to the code.
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "install-pi.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

say() { echo "install-pi.sh: $*"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "install-pi.sh: permission denied: run it as root (sudo scripts/install-pi.sh)" >&2; exit 1
fi

# 1. The package: the one given, or one built from this checkout.
if [ -z "$deb" ]; then
  say "building the package (first time: a few minutes) ..."
  deb="$("$here/package-deb.sh")"
fi
[ -f "$deb" ] || { echo "install-pi.sh: no package at $deb" >&2; exit 1; }
deb="$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")"

# 2. Install or upgrade it; apt brings Java 17 and BlueZ when they are missing.
say "installing $deb ..."
# A configuration you changed (LAN mode changes it) is kept without a question: the new version's
# own is left beside it as config.yaml.dpkg-dist. Nothing waits for an answer that cannot come.
apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$deb"
}
if ! apt_install; then
  # The package lists may be missing or old on a fresh system: refresh them once, then try again.
  say "refreshing the package lists and trying again ..."
  apt-get update -qq
  apt_install || { echo "install-pi.sh: apt could not install $deb (see above)" >&2; exit 1; }
fi

# 3. The configuration.
if [ -n "$config" ]; then
  install -m 0600 -o root -g root "$config" /etc/rollbridge/config.yaml
  say "installed /etc/rollbridge/config.yaml from $config"
fi
rollbridge check-config /etc/rollbridge/config.yaml >/dev/null \
  || { rollbridge check-config /etc/rollbridge/config.yaml >&2 || true; echo "install-pi.sh: fix /etc/rollbridge/config.yaml, then run this again" >&2; exit 1; }

# 4. LAN mode: the one question.
if [ "$lan" = "ask" ]; then
  lan="no"
  if [ -t 0 ] && [ -t 1 ]; then
    read -r -p "Open the dashboard from your phone and let a Home Assistant on another machine subscribe (LAN mode, behind passwords)? [y/N] " answer
    case "$answer" in [yY]*) lan="yes" ;; esac
  fi
fi
if [ "$lan" = "yes" ]; then
  rollbridge lan on --config /etc/rollbridge/config.yaml
else
  say "LAN mode is off: the dashboard is on http://127.0.0.1:8080/ of this machine (turn it on later: sudo rollbridge lan on)"
fi

# 5. The service.
if [ "$start" -eq 0 ]; then
  say "installed; not started (--no-start). Start it with: sudo systemctl enable --now rollbridge"
  exit 0
fi
systemctl enable rollbridge.service >/dev/null 2>&1
systemctl restart rollbridge.service
for _ in $(seq 1 60); do
  if systemctl is-active --quiet rollbridge.service; then
    say "rollbridge is running. Logs: journalctl -u rollbridge -f"
    systemctl --no-pager --lines=5 status rollbridge.service || true
    exit 0
  fi
  sleep 1
done
echo "install-pi.sh: rollbridge did not start; see: journalctl -u rollbridge -n 50" >&2
systemctl --no-pager status rollbridge.service >&2 || true
exit 1
