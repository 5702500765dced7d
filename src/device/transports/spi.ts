// An SPI bus as the kinds see it: one full-duplex transfer per chip-select assertion. The real one
// (Linux spidev through the `spi-device` package, an optional native dependency) is loaded only
// when a configured device opens it, so tests and CI never need the module or the kernel driver.

export interface SpiBus {
  /** Clocks `tx` out with CS held low for the whole transfer; resolves with the bytes clocked in. */
  transfer(tx: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
}

export interface SpiSpec {
  bus: number;
  device: number;
  speedHz: number;
  /** SPI mode (CPOL/CPHA); the ADS1299 uses mode 1 (CPOL 0, CPHA 1). */
  mode: 0 | 1 | 2 | 3;
}

interface SpiDeviceModule {
  open(bus: number, device: number, options: object, cb: (err: Error | null | undefined) => void): SpiDeviceHandle;
}
interface SpiDeviceHandle {
  transfer(messages: Array<{ sendBuffer: Buffer; receiveBuffer: Buffer; byteLength: number; speedHz: number }>, cb: (err: Error | null | undefined) => void): void;
  close(cb: (err: Error | null | undefined) => void): void;
}

/** Opens /dev/spidev<bus>.<device> through `spi-device`; rejects with a clear message when it cannot. */
export async function openLinuxSpi(spec: SpiSpec): Promise<SpiBus> {
  let mod: SpiDeviceModule;
  try {
    const loaded = (await import('spi-device' as string)) as SpiDeviceModule & { default?: SpiDeviceModule };
    mod = typeof loaded.open === 'function' ? loaded : loaded.default!;
  } catch (err) {
    throw new Error(`SPI needs the optional package 'spi-device' (npm install spi-device; it builds a native module): ${(err as Error).message}`);
  }
  const path = `/dev/spidev${spec.bus}.${spec.device}`;
  const handle = await new Promise<SpiDeviceHandle>((resolve, reject) => {
    const h = mod.open(spec.bus, spec.device, { mode: spec.mode, maxSpeedHz: spec.speedHz }, (err) =>
      err ? reject(new Error(`cannot open ${path}: ${err.message} (SPI enabled? dtparam=spi=on; user in group spi?)`)) : resolve(h),
    );
  });
  return {
    transfer: (tx) =>
      new Promise<Uint8Array>((resolve, reject) => {
        const rx = Buffer.alloc(tx.length);
        handle.transfer([{ sendBuffer: Buffer.from(tx), receiveBuffer: rx, byteLength: tx.length, speedHz: spec.speedHz }], (err) =>
          err ? reject(new Error(`SPI transfer on ${path} failed: ${err.message}`)) : resolve(new Uint8Array(rx.buffer, rx.byteOffset, rx.length)),
        );
      }),
    close: () => new Promise<void>((resolve) => handle.close(() => resolve())),
  };
}
