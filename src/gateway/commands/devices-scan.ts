// `weargate devices scan [--seconds N] [--adapter hci0] [--json]`: the BLE devices BlueZ hears
// (name, address, RSSI, the device kind weargate recognises) and the serial ports, so an operator
// can write the `devices:` section of the config.
import type { Command } from 'commander';

interface ScanRow {
  transport: 'ble' | 'serial';
  name: string;
  address: string;
  rssiDbm?: number;
  kind?: string;
}

export function register(program: Command): void {
  const devices = program.commands.find((c) => c.name() === 'devices') ?? program.command('devices').description('find and inspect devices');
  devices
    .command('scan')
    .description('list BLE devices (name, address, RSSI, recognised kind) and serial ports')
    .option('--seconds <n>', 'BLE scan duration', '5')
    .option('--adapter <name>', 'BlueZ adapter, e.g. hci0')
    .option('--json', 'print JSON')
    .action(async (opts: { seconds: string; adapter?: string; json?: boolean }) => {
      const seconds = Number(opts.seconds);
      if (!(seconds > 0 && seconds <= 300)) {
        console.error('devices scan: --seconds must be a number from 0 to 300');
        process.exitCode = 2;
        return;
      }
      const rows: ScanRow[] = [];
      const notes: string[] = [];
      const { SerialPort } = await import('serialport');
      try {
        for (const port of await SerialPort.list()) {
          rows.push({ transport: 'serial', name: port.manufacturer ?? port.pnpId ?? '', address: port.path });
        }
      } catch (err) {
        notes.push(`serial ports: ${(err as Error).message}`);
      }
      try {
        const { scan } = await import('../../device/transports/ble/scan.js');
        const { deviceKinds } = await import('../../device/kinds/registry.js');
        const kinds = await Promise.all(deviceKinds.map((k) => k.load()));
        for (const d of await scan(seconds, { adapter: opts.adapter })) {
          const kind = kinds.find((k) => k.recognize?.(d))?.kind;
          rows.push({ transport: 'ble', name: d.name ?? '', address: d.address, rssiDbm: d.rssiDbm, kind });
        }
      } catch (err) {
        notes.push(`BLE: ${(err as Error).message} (is bluetoothd running, and may this user use it? see hardware/README.md)`);
      }
      if (opts.json) console.log(JSON.stringify({ devices: rows, problems: notes }, null, 2));
      else {
        console.log(['transport', 'kind', 'rssi', 'address', 'name'].join('\t'));
        for (const r of rows) console.log([r.transport, r.kind ?? '-', r.rssiDbm ?? '-', r.address, r.name].join('\t'));
        for (const n of notes) console.error(`devices scan: ${n}`);
      }
      if (rows.length === 0 && notes.length > 0) process.exitCode = 1;
    });
}
