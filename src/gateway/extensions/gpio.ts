// The gateway's own status LED and button on the Pi's GPIO (config `gpio`, off when absent). The
// LED follows the status board: off with no enabled device, blinking while any enabled device is
// connecting, on when all of them stream. Holding the button `longPressS` publishes a
// `shutdown_requested` event on `bridge/event`; the gateway itself does not power off (whoever
// subscribes decides, e.g. a systemd unit running `systemctl poweroff`). Lines come from the
// context's BoardIo (Linux GPIO by default, a fake board in tests).
import { RateLimitedLog } from '../../common/rate-limited-log.js';
import { linuxBoardIo, type GpioInput, type GpioOutput } from '../../device/transports/gpio.js';
import type { Extension, ExtensionContext } from '../context.js';
import { DebouncedButton, ledMode, type ButtonEvent, type LedMode } from './gpio-logic.js';

export interface GpioExtensionOptions {
  /** Monotonic ms (default performance.now). */
  nowMs?: () => number;
}

export function gpioExtension(ctx: ExtensionContext, options: GpioExtensionOptions = {}): Extension {
  const nowMs = options.nowMs ?? (() => performance.now());
  const log = ctx.log.child('gpio');
  const warnings = new RateLimitedLog(log, { nowMs });
  const io = ctx.io ?? linuxBoardIo;
  const cfg = ctx.config.gpio;
  const enabledIds = ctx.config.devices.filter((d) => d.enabled).map((d) => d.id);
  const offs: Array<() => void> = [];
  let led: GpioOutput | undefined;
  let button: GpioInput | undefined;
  let blinkTimer: NodeJS.Timeout | undefined;
  let buttonTimer: NodeJS.Timeout | undefined;
  let mode: LedMode | undefined;
  let lit = false;
  let stopped = false;

  const setLed = (on: boolean): void => {
    if (!led || !cfg?.led) return;
    lit = on;
    const level: 0 | 1 = on !== cfg.led.activeLow ? 1 : 0;
    led.write(level).catch((err: Error) => warnings.warn('led', `status LED write failed: ${err.message}`));
  };

  const applyMode = (next: LedMode): void => {
    if (next === mode) return;
    mode = next;
    log.debug(() => `status LED ${next}`);
    clearInterval(blinkTimer);
    blinkTimer = undefined;
    if (next === 'blink') {
      setLed(true);
      blinkTimer = setInterval(() => setLed(!lit), cfg!.led!.blinkIntervalMs);
      blinkTimer.unref();
    } else {
      setLed(next === 'on');
    }
  };

  const update = (): void => {
    if (!stopped) applyMode(ledMode(enabledIds, (id) => ctx.status.get(id)?.connected === true));
  };

  const onButton = (events: ButtonEvent[]): void => {
    for (const e of events) {
      if (e.type === 'long-press') {
        const heldS = Math.round(e.heldMs / 100) / 10;
        log.warn(`button held ${heldS} s: shutdown requested on bridge/event`);
        ctx.publisher.publish(ctx.topics.bridgeEvent, { t: Date.now(), type: 'shutdown_requested', source: 'button', heldS });
      } else {
        log.debug(() => `button ${e.type}`);
      }
    }
  };

  const scheduleButton = (b: DebouncedButton): void => {
    clearTimeout(buttonTimer);
    buttonTimer = undefined;
    const dueMs = b.nextDueMs();
    if (dueMs === undefined || stopped) return;
    buttonTimer = setTimeout(() => {
      onButton(b.poll(nowMs()));
      scheduleButton(b);
    }, Math.max(0, dueMs - nowMs()));
    buttonTimer.unref();
  };

  return {
    name: 'gpio',
    async start() {
      if (!cfg) return;
      if (cfg.led) {
        try {
          led = await io.openGpioOutput({ chip: cfg.led.chip, line: cfg.led.line, initial: cfg.led.activeLow ? 1 : 0 });
          offs.push(ctx.bus.on('device:status', () => update()));
          update();
        } catch (err) {
          log.error(`status LED ${cfg.led.chip}:${cfg.led.line} unavailable: ${(err as Error).message}`);
        }
      }
      if (cfg.button) {
        const b = cfg.button;
        try {
          button = await io.openGpioInput({ chip: b.chip, line: b.line, debounceMs: 0 });
          const isPressed = (value: 0 | 1): boolean => (value === 0) === b.activeLow;
          const tracker = new DebouncedButton({ debounceMs: b.debounceMs, longPressMs: b.longPressS * 1000 }, isPressed(await button.read()), nowMs());
          offs.push(
            button.watch('both', (event) => {
              onButton(tracker.edge(isPressed(event.value), nowMs()));
              scheduleButton(tracker);
            }),
          );
        } catch (err) {
          log.error(`button ${b.chip}:${b.line} unavailable: ${(err as Error).message}`);
        }
      }
    },
    async stop() {
      stopped = true;
      for (const off of offs) off();
      clearInterval(blinkTimer);
      clearTimeout(buttonTimer);
      if (led && cfg?.led) await led.write(cfg.led.activeLow ? 1 : 0).catch(() => undefined);
      await led?.close().catch(() => undefined);
      await button?.close().catch(() => undefined);
      warnings.flush();
    },
  };
}
