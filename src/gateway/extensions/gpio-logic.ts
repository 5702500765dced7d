// The pure parts of the GPIO extension: which state the status LED shows for the devices' status,
// and a debounced button that tells presses, releases and long presses apart. Time is passed in,
// so tests drive it exactly.

export type LedMode = 'off' | 'blink' | 'on';

/** Off: nothing enabled; on: every enabled device streams; blink: at least one is still connecting. */
export function ledMode(enabledDeviceIds: readonly string[], connected: (deviceId: string) => boolean): LedMode {
  if (enabledDeviceIds.length === 0) return 'off';
  return enabledDeviceIds.every(connected) ? 'on' : 'blink';
}

export type ButtonEvent = { type: 'press'; tMs: number } | { type: 'release'; tMs: number; heldMs: number } | { type: 'long-press'; tMs: number; heldMs: number };

/**
 * A button behind a bouncing contact: a level counts once it has been stable for `debounceMs`;
 * a press held `longPressMs` reports one long press (then its release).
 */
export class DebouncedButton {
  private rawLevel: boolean;
  private rawSinceMs: number;
  private pressed = false;
  private pressedAtMs = 0;
  private longReported = false;
  /** Raw edges seen that never became a stable level (contact bounce). */
  bounces = 0;

  constructor(
    private readonly options: { debounceMs: number; longPressMs: number },
    initiallyPressed = false,
    nowMs = 0,
  ) {
    this.rawLevel = initiallyPressed;
    this.rawSinceMs = nowMs;
    this.pressed = initiallyPressed;
    this.pressedAtMs = nowMs;
    // A button already held at start is not a long press: it must be released first.
    this.longReported = initiallyPressed;
  }

  get isPressed(): boolean {
    return this.pressed;
  }

  /** A raw edge: the contact now reads `pressed`. */
  edge(pressed: boolean, tMs: number): ButtonEvent[] {
    const out = this.poll(tMs);
    if (pressed === this.rawLevel) return out;
    // A level that flips back before it was stable, while it differs from the accepted one, was a bounce.
    if (this.rawLevel !== this.pressed) this.bounces++;
    this.rawLevel = pressed;
    this.rawSinceMs = tMs;
    return out;
  }

  /** Time passes: accepts a level stable for debounceMs, reports a long press once due. */
  poll(tMs: number): ButtonEvent[] {
    const out: ButtonEvent[] = [];
    if (this.rawLevel !== this.pressed && tMs - this.rawSinceMs >= this.options.debounceMs) {
      // The change happened when the contact first settled, not when we noticed it.
      const atMs = this.rawSinceMs;
      this.pressed = this.rawLevel;
      if (this.pressed) {
        this.pressedAtMs = atMs;
        this.longReported = false;
        out.push({ type: 'press', tMs: atMs });
      } else {
        out.push({ type: 'release', tMs: atMs, heldMs: atMs - this.pressedAtMs });
      }
    }
    if (this.pressed && !this.longReported && tMs - this.pressedAtMs >= this.options.longPressMs) {
      this.longReported = true;
      out.push({ type: 'long-press', tMs, heldMs: tMs - this.pressedAtMs });
    }
    return out;
  }

  /** When `poll` next has something to decide (a pending level or a long press due), or undefined. */
  nextDueMs(): number | undefined {
    if (this.rawLevel !== this.pressed) return this.rawSinceMs + this.options.debounceMs;
    if (this.pressed && !this.longReported) return this.pressedAtMs + this.options.longPressMs;
    return undefined;
  }
}
