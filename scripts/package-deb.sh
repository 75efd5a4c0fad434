#!/usr/bin/env bash
# Builds the Debian package (architecture all) from the shaded jar, with dpkg-deb: no download.
#   scripts/package-deb.sh [--jar FILE] [--version VERSION] [--out DIR]
# Default: target/rollbridge.jar (built if missing or older than the sources, which needs a JDK and
# Maven), the jar's version (0.1.0-SNAPSHOT becomes 0.1.0~snapshot), out to target/. Prints the
# package's path. Install it with: sudo apt install ./target/rollbridge_VERSION_all.deb
#
# What it installs:
#   /usr/share/rollbridge/rollbridge.jar      the program
#   /usr/bin/rollbridge                       the command line
#   /lib/systemd/system/rollbridge.service    the hardened unit (not enabled: systemctl enable --now rollbridge)
#   /etc/rollbridge/config.yaml               a commented configuration (a conffile: kept on upgrade)
#   /etc/rollbridge/profiles/                 your own device profiles
#   /usr/share/doc/rollbridge/                README, docs, an example configuration with every key
# and, in postinst, the system user rollbridge and the class data archive /var/cache/rollbridge/rollbridge.jsa.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
jar="$repo/target/rollbridge.jar"
version=""
out="$repo/target"

while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar="$2"; shift 2 ;;
    --version) version="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "package-deb.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
command -v dpkg-deb >/dev/null 2>&1 || { echo "package-deb.sh: dpkg-deb is missing (sudo apt-get install dpkg)" >&2; exit 1; }

if [ "$jar" = "$repo/target/rollbridge.jar" ]; then
  "$repo/scripts/rollbridge" --version >/dev/null   # builds it when missing or stale
fi
[ -f "$jar" ] || { echo "package-deb.sh: no jar at $jar" >&2; exit 1; }
if [ -z "$version" ]; then
  version="$(java -jar "$jar" --version | awk '{print $2}' | tr 'A-Z' 'a-z' | sed 's/-/~/')"
fi
[[ "$version" =~ ^[0-9][A-Za-z0-9.+~]*$ ]] || { echo "package-deb.sh: '$version' is not a Debian version" >&2; exit 2; }

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
umask 022
d="$stage/rollbridge"
install -d "$d/DEBIAN" "$d/usr/share/rollbridge" "$d/usr/bin" "$d/lib/systemd/system" "$d/etc/rollbridge/profiles" \
  "$d/usr/share/doc/rollbridge/examples" "$d/usr/share/doc/rollbridge/docs" "$d/usr/share/man/man1"
install -m 0644 "$jar" "$d/usr/share/rollbridge/rollbridge.jar"
install -m 0755 "$here/debian/make-cds-archive" "$d/usr/share/rollbridge/make-cds-archive"
install -m 0755 "$here/debian/rollbridge" "$d/usr/bin/rollbridge"
install -m 0644 "$here/rollbridge.service" "$d/lib/systemd/system/rollbridge.service"
# 0644 in the package (no secret in it as shipped); postinst makes it root-only before anything is written to it.
install -m 0644 "$here/debian/config.yaml" "$d/etc/rollbridge/config.yaml"
# An empty folder of one's own profiles, kept by dpkg with this note in it.
printf '%s\n' "Your own device profiles: NAME.yaml here wins over the built-in profile of that name." \
  "The format: /usr/share/doc/rollbridge/docs/ (device profiles)." > "$d/etc/rollbridge/profiles/README"
chmod 0644 "$d/etc/rollbridge/profiles/README"

# Documentation: the repository's README and docs pages, the example configuration, the licence.
install -m 0644 "$repo/README.md" "$d/usr/share/doc/rollbridge/README.md"
find "$repo/docs" -maxdepth 1 -type f \( -name '*.md' -o -name '*.png' \) -exec install -m 0644 {} "$d/usr/share/doc/rollbridge/docs/" \;
install -m 0644 "$repo/rollbridge.example.yaml" "$d/usr/share/doc/rollbridge/examples/rollbridge.example.yaml"
install -m 0644 "$here/debian/copyright" "$d/usr/share/doc/rollbridge/copyright"
unzip -Z1 "$jar" 'META-INF/maven/*/pom.properties' 2>/dev/null | while read -r props; do
  unzip -p "$jar" "$props" | awk -F= '/^groupId=/{g=$2} /^artifactId=/{a=$2} /^version=/{v=$2} END {print g ":" a " " v}'
done | grep -v '^dev.rollbridge:' | sort -u > "$d/usr/share/doc/rollbridge/bundled-libraries"
chmod 0644 "$d/usr/share/doc/rollbridge/bundled-libraries"
{
  echo "rollbridge ($version) unstable; urgency=medium"
  echo
  echo "  * Built from the rollbridge repository (see README.md for what changed)."
  echo
  echo " -- rollbridge developers <maintainers@rollbridge.invalid>  $(date -R -d "@${SOURCE_DATE_EPOCH:-$(stat -c %Y "$jar")}")"
} | gzip -9n > "$d/usr/share/doc/rollbridge/changelog.gz"

# The manual page: its command list is the jar's own (rollbridge --help), so it cannot drift.
commands="$(java -jar "$jar" --help | awk '/^Commands:/ {on = 1; next} on && /^  [a-z]/ {
    if (name != "" && name != "help") printf ".TP\n.B %s\n%s\n", name, text
    name = $1; $1 = ""; sub(/^ +/, ""); text = $0; next }
  on && /^    / { sub(/^ +/, ""); text = text " " $0 }
  END { if (name != "" && name != "help") printf ".TP\n.B %s\n%s\n", name, text }')"
awk -v commands="$commands" '{ if ($0 == "@COMMANDS@") print commands; else print }' "$here/debian/rollbridge.1.in" \
  | gzip -9n > "$d/usr/share/man/man1/rollbridge.1.gz"
chmod 0644 "$d/usr/share/man/man1/rollbridge.1.gz"

for script in postinst prerm postrm; do
  install -m 0755 "$here/debian/$script" "$d/DEBIAN/$script"
done
echo "/etc/rollbridge/config.yaml" > "$d/DEBIAN/conffiles"
echo "/etc/rollbridge/profiles/README" >> "$d/DEBIAN/conffiles"
size="$(du -k -s --exclude=DEBIAN "$d" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" "$here/debian/control.in" > "$d/DEBIAN/control"
(cd "$d" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) > "$d/DEBIAN/md5sums"
chmod 0644 "$d/DEBIAN/control" "$d/DEBIAN/conffiles" "$d/DEBIAN/md5sums"

mkdir -p "$out"
deb="$out/rollbridge_${version}_all.deb"
dpkg-deb --root-owner-group -Zxz --build "$d" "$deb" >/dev/null
echo "$deb"
