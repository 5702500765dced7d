// The private dbus-daemon of hardware/ble/private-bus.ts, and the SKIP rule for tests that need it.
import { requireCommands } from './env.js';

export { startPrivateBus, type PrivateBus } from '../../hardware/ble/private-bus.js';

/** True when dbus-daemon exists; otherwise prints a SKIP line (a failure under CI=true). */
export function haveDbusDaemon(what: string): boolean {
  return requireCommands(what, 'dbus-daemon');
}
