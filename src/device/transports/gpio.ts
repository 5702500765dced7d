// GPIO lines as the gateway sees them: an input that reports edges, an output, and `BoardIo`, the
// one factory for SPI buses and GPIO lines that sessions and extensions receive (the real Linux
// one by default, a fake board in tests). Lines are named as the kernel's character device names
// them (`gpiochip0`, offset 25 = BCM GPIO25 on a Pi); the real implementation uses `onoff`
// (sysfs GPIO, an optional native dependency) and maps chip + offset to the sysfs number, which is
// not the BCM number on current kernels (e.g. base 512 or 571).
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openLinuxSpi, type SpiBus, type SpiSpec } from './spi.js';

export type GpioEdge = 'rising' | 'falling' | 'both';

export interface GpioEdgeEvent {
  /** Line level after the edge (0 or 1). */
  value: 0 | 1;
  /** When the edge happened, monotonic µs, if the GPIO layer timestamps edges (absent: take the arrival time). */
  tUs?: number;
}

export interface GpioInput {
  /** Calls `cb` on each edge of the kind asked for; returns a function that stops watching. */
  watch(edge: GpioEdge, cb: (event: GpioEdgeEvent) => void): () => void;
  read(): Promise<0 | 1>;
  close(): Promise<void>;
}

export interface GpioOutput {
  write(value: 0 | 1): Promise<void>;
  close(): Promise<void>;
}

export interface GpioLineSpec {
  /** GPIO chip name, e.g. `gpiochip0` (a Pi's header pins, on Pi 5 after kernel 6.6.45 too). */
  chip: string;
  /** Line offset on that chip; on a Pi the BCM GPIO number. */
  line: number;
}

/** SPI buses and GPIO lines: the real Linux ones, or a fake board in tests (selected by who builds the gateway). */
export interface BoardIo {
  openSpi(spec: SpiSpec): Promise<SpiBus>;
  openGpioInput(spec: GpioLineSpec & { activeLow?: boolean; debounceMs?: number }): Promise<GpioInput>;
  openGpioOutput(spec: GpioLineSpec & { initial?: 0 | 1 }): Promise<GpioOutput>;
}

type OnoffDirection = 'in' | 'out' | 'high' | 'low';
interface OnoffGpio {
  read(): Promise<0 | 1>;
  write(value: 0 | 1): Promise<void>;
  watch(cb: (err: Error | null | undefined, value: 0 | 1) => void): void;
  unwatch(cb?: (err: Error | null | undefined, value: 0 | 1) => void): void;
  unexport(): void;
}
interface OnoffModule {
  Gpio: new (gpio: number, direction: OnoffDirection, edge?: string, options?: { activeLow?: boolean; debounceTimeout?: number }) => OnoffGpio;
}

async function loadOnoff(): Promise<OnoffModule> {
  try {
    const mod = (await import('onoff' as string)) as OnoffModule & { default?: OnoffModule };
    return mod.Gpio ? mod : mod.default!;
  } catch (err) {
    throw new Error(`GPIO needs the optional package 'onoff' (npm install onoff; it builds a native module): ${(err as Error).message}`);
  }
}

/**
 * The sysfs GPIO number of `chip` offset `line`: the legacy class entry `/sys/class/gpio/gpiochip<base>`
 * and the character device `gpiochipN` share their parent device, and sysfs number = base + offset.
 */
export function sysfsGpioNumber(spec: GpioLineSpec, sysRoot = '/sys'): number {
  let chipParent: string;
  try {
    chipParent = dirname(realpathSync(join(sysRoot, 'bus/gpio/devices', spec.chip)));
  } catch {
    throw new Error(`no GPIO chip '${spec.chip}' (${join(sysRoot, 'bus/gpio/devices')}); this machine has no such GPIO controller`);
  }
  const classDir = join(sysRoot, 'class/gpio');
  let entries: string[] = [];
  try {
    entries = readdirSync(classDir).filter((e) => /^gpiochip\d+$/.test(e));
  } catch {
    // Handled below: no sysfs GPIO class at all.
  }
  for (const entry of entries) {
    const real = realpathSync(join(classDir, entry));
    // .../<controller>/gpio/gpiochip<base>
    if (dirname(dirname(real)) !== chipParent) continue;
    const base = Number(readFileSync(join(real, 'base'), 'utf8').trim());
    const ngpio = Number(readFileSync(join(real, 'ngpio'), 'utf8').trim());
    if (spec.line >= ngpio) throw new Error(`${spec.chip} has ${ngpio} lines; line ${spec.line} does not exist`);
    return base + spec.line;
  }
  throw new Error(`no sysfs GPIO for ${spec.chip} under ${classDir} (kernel without CONFIG_GPIO_SYSFS?)`);
}

export async function openLinuxGpioInput(spec: GpioLineSpec & { activeLow?: boolean; debounceMs?: number }): Promise<GpioInput> {
  const { Gpio } = await loadOnoff();
  const number = sysfsGpioNumber(spec);
  let gpio: OnoffGpio;
  try {
    gpio = new Gpio(number, 'in', 'both', { activeLow: spec.activeLow ?? false, debounceTimeout: spec.debounceMs ?? 0 });
  } catch (err) {
    throw new Error(`cannot open GPIO ${spec.chip}:${spec.line} (sysfs ${number}): ${(err as Error).message} (user in group gpio?)`);
  }
  return {
    watch(edge, cb) {
      // onoff is configured for both edges; the wanted one is filtered here. onoff gives no edge timestamp.
      const listener = (err: Error | null | undefined, value: 0 | 1): void => {
        if (err) return;
        if (edge === 'both' || (edge === 'rising') === (value === 1)) cb({ value });
      };
      gpio.watch(listener);
      return () => gpio.unwatch(listener);
    },
    read: () => gpio.read(),
    close: async () => {
      gpio.unwatch();
      gpio.unexport();
    },
  };
}

export async function openLinuxGpioOutput(spec: GpioLineSpec & { initial?: 0 | 1 }): Promise<GpioOutput> {
  const { Gpio } = await loadOnoff();
  const number = sysfsGpioNumber(spec);
  let gpio: OnoffGpio;
  try {
    gpio = new Gpio(number, spec.initial === 1 ? 'high' : 'low');
  } catch (err) {
    throw new Error(`cannot open GPIO ${spec.chip}:${spec.line} (sysfs ${number}) for output: ${(err as Error).message} (user in group gpio?)`);
  }
  return {
    write: (value) => gpio.write(value),
    close: async () => gpio.unexport(),
  };
}

/** The machine's own SPI and GPIO (Linux spidev and sysfs GPIO; modules loaded on first use). */
export const linuxBoardIo: BoardIo = {
  openSpi: openLinuxSpi,
  openGpioInput: openLinuxGpioInput,
  openGpioOutput: openLinuxGpioOutput,
};
