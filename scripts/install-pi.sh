#!/usr/bin/env bash
# Installs rollbridge on Raspberry Pi OS (Debian bookworm, 32- or 64-bit) as a hardened systemd
# service, and starts it:
#   /opt/rollbridge/rollbridge.jar (+ rollbridge.jsa, its class data archive made here)
#   /etc/rollbridge/config.yaml    (0600 root; kept if it exists; see rollbridge.example.yaml)
#   /etc/rollbridge/profiles/      (your own device profiles; the configuration names it)
#   /etc/systemd/system/rollbridge.service
#
#   sudo scripts/install-pi.sh [--jar FILE] [--config FILE]
#
# --jar: a rollbridge.jar built elsewhere (default: target/rollbridge.jar, built here if missing,
# which needs a JDK and Maven). --config: the configuration to install (default: a new one for a
# ball found over Bluetooth, the embedded broker and the dashboard on 127.0.0.1).
#
# Tests install into a throwaway root: ROLLBRIDGE_ROOT=DIR SYSTEMD_OFFLINE=1 (no apt, nothing
# started; the unit is enabled with systemctl --root).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
root="${ROLLBRIDGE_ROOT:-}"
jar="$repo/target/rollbridge.jar"
config=""

while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar="$2"; shift 2 ;;
    --config) config="$2"; shift 2 ;;
    # The header comment, however long it grows: every comment line after the first, up to the code.
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "install-pi.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

say() { echo "install-pi.sh: $*"; }

if [ -z "$root" ] && [ "$(id -u)" -ne 0 ]; then
  echo "install-pi.sh: run it as root (sudo scripts/install-pi.sh)" >&2; exit 1
fi

# 1. Java 17 runtime (Debian's, as on Raspberry Pi OS bookworm).
if [ -z "$root" ]; then
  if ! command -v java >/dev/null 2>&1; then
    say "installing openjdk-17-jre-headless ..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless
  fi
fi
java_bin="$(command -v java)"

# 2. The jar.
if [ ! -f "$jar" ]; then
  say "building $jar (first time: a few minutes) ..."
  "$repo/scripts/rollbridge" --version >/dev/null
fi
install -d -m 0755 "$root/opt/rollbridge"
install -m 0644 "$jar" "$root/opt/rollbridge/rollbridge.jar"
say "installed $root/opt/rollbridge/rollbridge.jar"

# 3. The configuration: root-only, handed to the service as a credential. Your own device
#    profiles go in /etc/rollbridge/profiles (readable by the service; NAME.yaml there wins over
#    the built-in profile of that name).
install -d -m 0755 "$root/etc/rollbridge"
install -d -m 0755 "$root/etc/rollbridge/profiles"
target_config="$root/etc/rollbridge/config.yaml"
if [ -n "$config" ]; then
  install -m 0600 "$config" "$target_config"
  say "installed $target_config from $config"
elif [ ! -f "$target_config" ]; then
  umask 077
  cat > "$target_config" <<'YAML'
# rollbridge on this Raspberry Pi. Every key: /opt/rollbridge/rollbridge.example.yaml.
# Check it after editing: java -jar /opt/rollbridge/rollbridge.jar check-config /etc/rollbridge/config.yaml
# then: sudo systemctl restart rollbridge
mqtt:
  embedded_port: 1883          # or broker: ssl://HOST:8883 with username and password_file
ble:
  backend: bluez               # BlueZ over D-Bus: 32- and 64-bit Pi OS
devices:
  - profile: rollsense-ball    # found by scanning; add address: "XX:XX:XX:XX:XX:XX" (rollbridge scan) to pin it
                               # or: thingy52-ball, thingy52-roller, oriori-ball, nano33-ble-sense, ess-pressure
profiles_dir: /etc/rollbridge/profiles   # your own NAME.yaml profiles (docs/profiles.md)
audio:
  enabled: true
dashboard:
  port: 8080
  bind: 127.0.0.1
YAML
  say "wrote $target_config (edit it, then: sudo systemctl restart rollbridge)"
else
  say "kept the existing $target_config"
fi
chmod 0600 "$target_config"
install -m 0644 "$repo/rollbridge.example.yaml" "$root/opt/rollbridge/rollbridge.example.yaml"

# 4. Class data archive (AppCDS) for a quicker start. A session played once at full speed with the
#    service's JVM flags (embedded broker on a free port, no sound, nothing kept) lists the classes
#    it loads; the embedded broker's own (Moquette, Netty) are dropped unless the configuration
#    uses the embedded broker; the rest go into one static archive that replaces the JDK's default
#    one. The JVM relocates an archive at every start and so touches all of it: an archive of only
#    the classes the service uses costs ~5 MB less memory than the JDK's plus a dynamic one.
say "making the class data archive ..."
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
service_flags=(-XX:+UseSerialGC -Xms8m -Xmn2m -Xmx48m -Xss256k -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=0.1
  -XX:-UsePerfData)
"$java_bin" "${service_flags[@]}" -XX:DumpLoadedClassList="$scratch/loaded.classlist" \
  -jar "$root/opt/rollbridge/rollbridge.jar" run --once --speed 0 --port 0 --dashboard-port -1 --no-cue \
  --no-ha-discovery --data-dir "$scratch/data" >"$scratch/cds.log" 2>&1 \
  || { echo "install-pi.sh: the archive run failed; see below" >&2; cat "$scratch/cds.log" >&2; exit 1; }
# Read as the service will: an installation under a root (tests, images) keeps its profiles there.
( umask 077; sed "s#/etc/rollbridge/profiles#$root/etc/rollbridge/profiles#" "$target_config" >"$scratch/config.yaml" )
resolved="$("$java_bin" -jar "$root/opt/rollbridge/rollbridge.jar" check-config "$scratch/config.yaml" 2>/dev/null || true)"
broker_classes="the embedded broker's left out: the configuration names an external one"
if grep -qx '    broker: embedded' <<<"$resolved"; then
  broker_classes="with the embedded broker's, which the configuration runs"
  cp "$scratch/loaded.classlist" "$scratch/service.classlist"
else
  grep -v -e 'io/netty/' -e 'io/moquette/' "$scratch/loaded.classlist" >"$scratch/service.classlist"
fi
rm -f "$root/opt/rollbridge/rollbridge.jsa"
"$java_bin" "${service_flags[@]}" -Xshare:dump -XX:SharedClassListFile="$scratch/service.classlist" \
  -XX:SharedArchiveFile="$root/opt/rollbridge/rollbridge.jsa" -cp "$root/opt/rollbridge/rollbridge.jar" \
  >"$scratch/dump.log" 2>&1 \
  || { echo "install-pi.sh: making the archive failed; see below" >&2; cat "$scratch/dump.log" >&2; exit 1; }
chmod 0644 "$root/opt/rollbridge/rollbridge.jsa"
say "wrote $root/opt/rollbridge/rollbridge.jsa ($(grep -c -v -e '^#' -e '^@' "$scratch/service.classlist") classes, $broker_classes)"

# 5. The unit.
install -d -m 0755 "$root/etc/systemd/system"
install -m 0644 "$here/rollbridge.service" "$root/etc/systemd/system/rollbridge.service"
if [ -n "$root" ] || [ -n "${SYSTEMD_OFFLINE:-}" ]; then
  systemctl --root="${root:-/}" enable rollbridge.service >/dev/null 2>&1
  say "enabled rollbridge.service in $root (offline: not started)"
  exit 0
fi
systemctl daemon-reload
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
