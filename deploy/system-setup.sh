# Shared system steps of deploy/install.sh and the .deb's maintainer scripts (scripts/build-deb.sh
# pastes this file into postinst/postrm, so they stand alone after the package files are gone).
# POSIX sh: dpkg runs maintainer scripts with /bin/sh (dash). Defines functions only.
#
# Hooks (empty: run the command as is): WG_RUN runs a file change under WG_ROOT, WG_SYS a change to
# the running system (users, ownership, services). install.sh sets them to its `run` and `sys`
# wrappers (--dry-run prints; DESTDIR writes files under it and skips system changes); WG_ROOT
# prefixes every path (install.sh: DESTDIR; the maintainer scripts: DPKG_ROOT, empty normally).

WG_USER=weargate
# The unit's SupplementaryGroups=: systemd refuses to start a unit naming a group that does not
# exist, so missing ones are created (Raspberry Pi OS has all four; plain Debian lacks gpio and spi).
WG_GROUPS="bluetooth dialout gpio spi"
WG_STATE_DIR=/var/lib/weargate
WG_CONFIG_DIR=/etc/weargate
WG_CONFIG=$WG_CONFIG_DIR/weargate.yaml

# The groups, the system user weargate (no login, home = the state folder) and its memberships.
wg_setup_user() {
  for wg_group in $WG_GROUPS; do
    if ! getent group "$wg_group" >/dev/null; then ${WG_SYS:-} groupadd --system "$wg_group"; fi
  done
  if ! getent passwd "$WG_USER" >/dev/null; then
    ${WG_SYS:-} useradd --system --user-group --home-dir "$WG_STATE_DIR" --no-create-home --shell /usr/sbin/nologin "$WG_USER"
  fi
  ${WG_SYS:-} usermod -a -G "$(echo $WG_GROUPS | tr ' ' ',')" "$WG_USER"
}

# The state folder (outbox, sequences, athletes, fleet models), weargate:weargate 0750.
wg_setup_state() {
  ${WG_RUN:-} mkdir -p "${WG_ROOT:-}$WG_STATE_DIR"
  ${WG_SYS:-} chown "$WG_USER:$WG_USER" "${WG_ROOT:-}$WG_STATE_DIR"
  ${WG_SYS:-} chmod 0750 "${WG_ROOT:-}$WG_STATE_DIR"
}

# The config may hold MQTT passwords: root:weargate 0640, readable by the service only.
wg_config_perms() {
  if [ -e "${WG_ROOT:-}$WG_CONFIG" ]; then
    ${WG_SYS:-} chown "root:$WG_USER" "${WG_ROOT:-}$WG_CONFIG"
    ${WG_SYS:-} chmod 0640 "${WG_ROOT:-}$WG_CONFIG"
  fi
}

# systemd re-reads units; the system bus re-reads its policies (the BlueZ one). Both only when running.
wg_reload_managers() {
  if [ -d "${WG_ROOT:-}/run/systemd/system" ]; then
    ${WG_SYS:-} systemctl daemon-reload || true
    ${WG_SYS:-} systemctl reload dbus.service 2>/dev/null || echo "weargate: could not reload dbus; the BlueZ policy applies after a reboot"
  fi
}

# Purge: the state and the configuration folder, then the user (its groups stay: other services may use them).
wg_purge_data() {
  ${WG_RUN:-} rm -rf "${WG_ROOT:-}$WG_STATE_DIR" "${WG_ROOT:-}$WG_CONFIG_DIR"
  if getent passwd "$WG_USER" >/dev/null; then ${WG_SYS:-} userdel "$WG_USER" || true; fi
}
