#!/usr/bin/env bash
# Installs weargate as a systemd service on Raspberry Pi OS / Debian (docs/install-pi.md). Run once
# as root from a clone; run again to upgrade (idempotent: an existing /etc/weargate/weargate.yaml
# is never overwritten).
#
#   sudo deploy/install.sh [--prefix /opt/weargate] [--no-start] [--skip-apt]
#   deploy/install.sh --dry-run              # print every step, change nothing
#   DESTDIR=/tmp/root deploy/install.sh      # write the files under /tmp/root only (no root needed):
#                                            # apt, users, ownership and systemctl are skipped
#   sudo deploy/install.sh --uninstall [--purge]   # --purge also removes config, state and the user
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PREFIX=/opt/weargate
DESTDIR=${DESTDIR:-}
DRY=0 START=1 APT=1 NPM=1 UNINSTALL=0 PURGE=0
NODE_MAJOR_MIN=20
# What a gateway needs from the clone (no tests, training or firmware).
ITEMS=(package.json package-lock.json tsconfig.json tsconfig.build.json bin src hardware models config deploy docs scripts/build.mjs README.md)

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "install: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || die "--prefix needs a folder"; PREFIX=$2; shift ;;
    --prefix=*) PREFIX=${1#--prefix=} ;;
    --dry-run) DRY=1 ;;
    --no-start) START=0 ;;
    --skip-apt) APT=0 ;;
    --skip-npm) NPM=0 ;;
    --uninstall) UNINSTALL=1 ;;
    --purge) PURGE=1 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option $1 (--help)" ;;
  esac
  shift
done
case "$PREFIX" in /*) ;; *) die "--prefix must be an absolute path, not '$PREFIX'" ;; esac
PREFIX=${PREFIX%/}
[ -n "$PREFIX" ] || die "--prefix must not be /"
if [ -n "$DESTDIR" ]; then
  case "$DESTDIR" in /*) ;; *) DESTDIR=$(pwd)/$DESTDIR ;; esac
  DESTDIR=${DESTDIR%/}
fi
if [ -z "$DESTDIR" ] && [ "$DRY" = 0 ] && [ "$(id -u)" != 0 ]; then
  die "run as root (sudo), or with --dry-run, or with DESTDIR=<folder> for a staged install"
fi

# run: a step that writes under DESTDIR (or the system when DESTDIR is empty).
run() {
  echo "+ $*"
  if [ "$DRY" = 0 ]; then "$@"; fi
}
# sys: a change to the running system (packages, users, ownership, services): never under DESTDIR.
sys() {
  if [ -n "$DESTDIR" ]; then echo "~ $* (skipped: DESTDIR)"; return 0; fi
  run "$@"
}
# render <template> <dest> <mode> [sed expressions...]: a file from a template with @NAME@ filled in.
render() {
  local template=$1 dest=$2 mode=$3
  shift 3
  echo "+ write $dest (mode $mode) from ${template#"$SRC"/}"
  [ "$DRY" = 1 ] && return 0
  mkdir -p "$(dirname "$dest")"
  sed "$@" "$template" >"$dest.tmp"
  chmod "$mode" "$dest.tmp"
  mv -f "$dest.tmp" "$dest"
}

# The steps shared with the .deb's maintainer scripts (users, state folder, config ownership, reloads, purge).
# shellcheck source=deploy/system-setup.sh
. "$SRC/deploy/system-setup.sh"
WG_RUN=run WG_SYS=sys WG_ROOT=$DESTDIR

UNIT=$DESTDIR/etc/systemd/system/weargate.service
POLICY=$DESTDIR/etc/dbus-1/system.d/weargate-bluez.conf
CONFIG=$DESTDIR$WG_CONFIG
LINK=$DESTDIR/usr/local/bin/weargate
TARGET=$DESTDIR$PREFIX

if [ "$UNINSTALL" = 1 ]; then
  sys systemctl disable --now weargate.service || true
  run rm -f "$UNIT" "$POLICY" "$LINK"
  run rm -rf "$TARGET"
  wg_reload_managers
  if [ "$PURGE" = 1 ]; then
    wg_purge_data
  else
    echo "install: kept $DESTDIR$WG_CONFIG_DIR and $DESTDIR$WG_STATE_DIR (--purge removes them and the $WG_USER user)"
  fi
  exit 0
fi

# 1. Packages: bluetoothd and D-Bus for BLE, a compiler for the native modules (better-sqlite3, serialport).
if [ "$APT" = 1 ]; then
  sys apt-get update -qq
  sys env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bluez dbus g++ make python3 ca-certificates
fi

# 2. Node.js >= 20 (not installed here: Debian 12's nodejs is 18).
NODE=$(command -v node || true)
[ -n "$NODE" ] || die "node not found: install Node.js $NODE_MAJOR_MIN or later first (docs/install-pi.md)"
NODE=$(readlink -f "$NODE")
NODE_MAJOR=$("$NODE" -p 'process.versions.node.split(".")[0]')
[ "$NODE_MAJOR" -ge "$NODE_MAJOR_MIN" ] || die "node $("$NODE" --version) at $NODE is too old: weargate needs $NODE_MAJOR_MIN or later"
command -v npm >/dev/null || die "npm not found (it comes with Node.js)"
echo "install: node $("$NODE" --version) at $NODE, prefix $PREFIX${DESTDIR:+, DESTDIR $DESTDIR}"

# 3. The service user and the groups of the devices (Raspberry Pi OS has them all; plain Debian may lack gpio, spi).
wg_setup_user

# 4. The code: copied beside the running version, built there, then swapped in (an upgrade keeps the
#    old version running until the restart at the end).
STAGE=$TARGET.new
run rm -rf "$STAGE"
run mkdir -p "$STAGE/scripts"
for item in "${ITEMS[@]}"; do
  [ -e "$SRC/$item" ] || die "missing $SRC/$item (run install.sh from a weargate clone)"
  run cp -a "$SRC/$item" "$STAGE/$item"
done
if [ "$NPM" = 1 ]; then
  # Full install for the compiler, build, then drop the dev dependencies.
  run env -C "$STAGE" npm ci --no-audit --no-fund
  run env -C "$STAGE" npm run build
  run env -C "$STAGE" npm prune --omit=dev --no-audit --no-fund
fi
run rm -rf "$TARGET.old"
if [ -d "$TARGET" ]; then run mv "$TARGET" "$TARGET.old"; fi
run mv "$STAGE" "$TARGET"
run rm -rf "$TARGET.old"
run mkdir -p "$(dirname "$LINK")"
run ln -sfn "$PREFIX/bin/weargate.js" "$LINK"

# 5. systemd unit, D-Bus policy for BlueZ, default config (only when absent), state folder.
render "$SRC/deploy/weargate.service" "$UNIT" 0644 -e "s#@NODE@#$NODE#g" -e "s#@PREFIX@#$PREFIX#g"
render "$SRC/deploy/weargate-bluez.conf" "$POLICY" 0644 -e ''
if [ -e "$CONFIG" ]; then
  echo "install: keeping the existing $CONFIG"
else
  GATEWAY_ID=$(hostname | tr -c 'A-Za-z0-9_\n-' '-' | cut -c1-64)
  [ -n "$GATEWAY_ID" ] || GATEWAY_ID=weargate
  run mkdir -p "$DESTDIR$WG_CONFIG_DIR"
  render "$SRC/deploy/weargate.yaml" "$CONFIG" 0640 -e "s#@GATEWAY_ID@#$GATEWAY_ID#g"
fi
wg_config_perms
wg_setup_state

# 6. Start (or restart after an upgrade).
wg_reload_managers
if [ "$START" = 1 ]; then
  sys systemctl enable weargate.service
  sys systemctl restart weargate.service
  echo "install: weargate started; follow it with: journalctl -u weargate -f"
else
  echo "install: not started (--no-start); start with: systemctl enable --now weargate"
fi
