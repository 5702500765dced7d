#!/usr/bin/env bash
# `npm run package:deb`: builds weargate_<version>_<arch>.deb with Debian's own dpkg-deb (docs/install-pi.md,
# "Install from the .deb"). Offline: the compiled daemon, and this clone's node_modules copied and
# pruned to the production dependencies (npm prune --omit=dev --offline), so the native modules
# (better-sqlite3, serialport, node-pty) are the ones built here: the package's Architecture is this
# machine's (dpkg --print-architecture) and it depends on this Node major (better-sqlite3 is built
# against its ABI). Build it on the Pi, or on a machine of the Pi's architecture and Debian release.
#
#   scripts/build-deb.sh [--out <dir>] [--compression xz|gzip|zstd|none] [--no-check] [--keep-stage]
#
# --out: where the .deb goes (default: the repository root); --no-check: compile without type checking
# (npm run typecheck does that; the tests use it); --keep-stage: leave the package tree and print it.
set -euo pipefail
umask 022

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$SRC COMPRESSION=xz CHECK=1 KEEP=0
PREFIX=/opt/weargate

die() { echo "build-deb: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case "$1" in
    --out) [ $# -ge 2 ] || die "--out needs a folder"; OUT=$2; shift ;;
    --compression) [ $# -ge 2 ] || die "--compression needs a type"; COMPRESSION=$2; shift ;;
    --no-check) CHECK=0 ;;
    --keep-stage) KEEP=1 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (--help)" ;;
  esac
  shift
done
case "$COMPRESSION" in xz|gzip|zstd|none) ;; *) die "--compression must be xz, gzip, zstd or none" ;; esac
command -v dpkg-deb >/dev/null || die "dpkg-deb not found (apt-get install dpkg)"
command -v npm >/dev/null || die "npm not found"
[ -d "$SRC/node_modules/better-sqlite3" ] || die "no node_modules in $SRC: run npm ci first"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

VERSION=$(node -p "require('$SRC/package.json').version")
ARCH=$(dpkg --print-architecture)
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
[ "$NODE_MAJOR" -ge 20 ] || die "node $(node --version) is too old: weargate needs 20 or later"
DEB=$OUT/weargate_${VERSION}_${ARCH}.deb
startedS=$SECONDS

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/weargate-deb-XXXXXX")
cleanup() { if [ "$KEEP" = 0 ]; then rm -rf "$STAGE"; else echo "build-deb: package tree kept in $STAGE/root"; fi; }
trap cleanup EXIT
ROOTFS=$STAGE/root
APP=$ROOTFS$PREFIX
mkdir -p "$APP/docs" "$APP/deploy" "$ROOTFS/DEBIAN" "$ROOTFS/usr/bin" "$ROOTFS/usr/lib/systemd/system" \
  "$ROOTFS/usr/share/dbus-1/system.d" "$ROOTFS/usr/share/doc/weargate" "$ROOTFS/etc/weargate"

# 1. The daemon compiled (npm run build's script, into the package tree; no source maps: no sources ship).
#    dist/hardware (the demo and its simulators) stays out: the package is the gateway.
build_args=(--out "$APP/dist" --no-source-maps)
[ "$CHECK" = 1 ] || build_args+=(--no-check)
node "$SRC/scripts/build.mjs" "${build_args[@]}"
rm -rf "$APP/dist/hardware"

# 2. What the daemon reads at run time: the launcher, package.json (version, the package root), the models.
mkdir -p "$APP/bin"
cp "$SRC/bin/weargate.js" "$SRC/bin/freshness.js" "$APP/bin/"
cp "$SRC/package.json" "$SRC/package-lock.json" "$APP/"
cp -a "$SRC/models" "$APP/models"
cp "$SRC/docs/install-pi.md" "$APP/docs/"

# 3. node_modules: a copy of this clone's (its native modules are built for this machine), pruned to
#    the production dependencies (optional ones stay: onoff and spi-device drive GPIO and SPI).
echo "build-deb: copying node_modules ($(du -sh "$SRC/node_modules/" | cut -f1))"
cp -a "$SRC/node_modules/." "$APP/node_modules/"
(cd "$APP" && npm prune --omit=dev --offline --no-audit --no-fund --ignore-scripts --loglevel=error)
rm -f "$APP/package-lock.json"
rm -rf "$APP/node_modules/.cache"
# What only a compiler or another OS uses: object files of the native builds, sqlite's C sources
# (compiled into better_sqlite3.node), node-pty's Windows/macOS binaries and winpty sources.
find "$APP/node_modules" -type d \( -path '*/build/Release/obj.target' -o -path '*/build/Release/.deps' -o -path '*/build/Release/obj' \) -prune -exec rm -rf {} +
rm -rf "$APP/node_modules/better-sqlite3/deps" "$APP/node_modules/better-sqlite3/src" \
  "$APP/node_modules/better-sqlite3/build/Release/test_extension.node" \
  "$APP/node_modules/node-pty/prebuilds" "$APP/node_modules/node-pty/third_party" "$APP/node_modules/node-pty/deps"
for dev in typescript uvu fast-check @types/better-sqlite3 @types/cli-progress; do
  [ ! -e "$APP/node_modules/$dev" ] || die "dev dependency $dev is still in the package's node_modules"
done
# The pruned tree must still load its native modules in this Node.
(cd "$APP" && node -e "require('better-sqlite3'); require('serialport'); require('node-pty')") \
  || die "a native module does not load from the pruned node_modules"

# 4. The CLI on the PATH, the systemd unit, the BlueZ D-Bus policy (package locations: /usr/lib, /usr/share;
#    /etc/systemd/system and /etc/dbus-1/system.d are the administrator's), the default config.
ln -s "$PREFIX/bin/weargate.js" "$ROOTFS/usr/bin/weargate"
sed -e "s#@NODE@#/usr/bin/node#g" -e "s#@PREFIX@#$PREFIX#g" "$SRC/deploy/weargate.service" >"$ROOTFS/usr/lib/systemd/system/weargate.service"
cp "$SRC/deploy/weargate-bluez.conf" "$ROOTFS/usr/share/dbus-1/system.d/"
# gatewayId: install.sh writes the hostname; a conffile is the same on every Pi, so the default is
# "weargate" and postinst does not start the service until the operator edited the file.
sed -e 's#@GATEWAY_ID@#weargate#g' "$SRC/deploy/weargate.yaml" >"$ROOTFS/etc/weargate/weargate.yaml"
chmod 0640 "$ROOTFS/etc/weargate/weargate.yaml"
cp "$ROOTFS/etc/weargate/weargate.yaml" "$APP/deploy/weargate.yaml.default"
chmod 0644 "$APP/deploy/weargate.yaml.default"
cat >"$ROOTFS/usr/share/doc/weargate/copyright" <<EOF
weargate $VERSION, licensed under the Apache License 2.0 (/usr/share/common-licenses/Apache-2.0).
The npm packages under $PREFIX/node_modules carry their own licences (each package's LICENSE file).
EOF

# 5. DEBIAN/: control, conffiles, the maintainer scripts with deploy/system-setup.sh pasted in.
for script in postinst prerm postrm; do
  awk -v lib="$SRC/deploy/system-setup.sh" '$0 == "#@SYSTEM_SETUP@" { while ((getline line < lib) > 0) print line; next } { print }' \
    "$SRC/deploy/deb/$script" >"$ROOTFS/DEBIAN/$script"
  chmod 0755 "$ROOTFS/DEBIAN/$script"
done
echo /etc/weargate/weargate.yaml >"$ROOTFS/DEBIAN/conffiles"
INSTALLED_KB=$(du -sk --exclude=DEBIAN "$ROOTFS" | cut -f1)
cat >"$ROOTFS/DEBIAN/control" <<EOF
Package: weargate
Version: $VERSION
Architecture: $ARCH
Maintainer: ${DEB_MAINTAINER:-weargate maintainers <weargate@localhost>}
Installed-Size: $INSTALLED_KB
Depends: nodejs (>= $NODE_MAJOR), nodejs (<< $((NODE_MAJOR + 1))), passwd, systemd (>= 246)
Recommends: bluez, dbus
Section: misc
Priority: optional
Description: edge runtime for biosignal wearables (ECG/EEG to int8 models and MQTT)
 weargate reads ECG and EEG wearables over BLE, serial and SPI, runs int8 TFLite
 models on the gateway and publishes the results over MQTT, as a systemd service
 (weargate.service) running as the user weargate. Configuration:
 /etc/weargate/weargate.yaml; state: /var/lib/weargate; logs: journalctl -u weargate.
 .
 Built with Node.js $(node --version) on $ARCH: the native modules match that Node major.
EOF

# 6. The package (owner root:root for every file, whoever builds it).
find "$ROOTFS" -type d -exec chmod 0755 {} +
dpkg-deb --build --root-owner-group "-Z$COMPRESSION" "$ROOTFS" "$DEB" >/dev/null
DEB_BYTES=$(stat -c %s "$DEB")
echo "build-deb: $DEB: $(awk -v b="$DEB_BYTES" 'BEGIN { printf "%.1f MB", b / 1e6 }') ($DEB_BYTES bytes, $COMPRESSION), installed $(awk -v k="$INSTALLED_KB" 'BEGIN { printf "%.1f MB", k * 1024 / 1e6 }'), in $((SECONDS - startedS)) s"
