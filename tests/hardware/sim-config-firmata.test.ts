// The simulator schema is a union on `kind`: each entry is validated against its own kind, with
// defaults; the demo config's Firmata board and its script are valid, and a script event acts.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../src/common/errors.js';
import { readConfigDocument } from '../../src/gateway/config/load.js';
import { SimulatedFirmataAd8232 } from '../../hardware/firmata/emulator.js';
import { applyScriptEvent } from '../../hardware/firmata/script.js';
import { validateSimulators } from '../../hardware/sim-config.js';
import { syntheticSource } from '../../hardware/signals/source.js';

test('an ad8232-firmata simulator gets its defaults; problems name the entry and field', () => {
  const [sim] = validateSimulators([{ kind: 'ad8232-firmata', link: { type: 'pty', path: 'tty/x' }, source: { type: 'synthetic' } }], '/base');
  assert.ok(sim.kind === 'ad8232-firmata');
  if (sim.kind !== 'ad8232-firmata') return;
  assert.is(sim.link.path, '/base/tty/x');
  assert.is(sim.sampleRateHz, 250);
  assert.equal(sim.frontEnd, { gainX: 100, supplyV: 3.3, adcVrefV: 5 });
  assert.equal(sim.script, []);
  const problems = (doc: unknown[]) => {
    try {
      validateSimulators(doc, '/base');
    } catch (err) {
      if (err instanceof ConfigError) return err.message;
      throw err;
    }
    return '';
  };
  assert.match(problems([{ kind: 'cyton-x' }]), /simulators\.0\.kind: expected one of garment, cyton, ad8232-firmata/);
  const bad = problems([
    { kind: 'garment', link: { type: 'pty', path: 'a' }, source: { type: 'synthetic' } },
    { kind: 'ad8232-firmata', link: { type: 'pty', path: 'b' }, source: { type: 'synthetic' }, script: [{ atS: 1, action: 'explode' }] },
  ]);
  assert.match(bad, /simulators\.1\.script\.0\.action/);
  assert.not.match(bad, /simulators\.0/);
});

test('the demo config has a Firmata board with a valid script; script events act on the board', () => {
  const configPath = new URL('../../config/demo.yaml', import.meta.url).pathname;
  const doc = readConfigDocument(configPath) as { simulators?: unknown };
  const sims = validateSimulators(doc.simulators, join(configPath, '..'));
  const firmata = sims.find((s) => s.kind === 'ad8232-firmata');
  assert.ok(firmata && firmata.kind === 'ad8232-firmata' && firmata.script.some((e) => e.action === 'press-button'));
  const board = new SimulatedFirmataAd8232({ linkPath: '/nonexistent/never-plugged', source: syntheticSource({ sampleRateHz: 250, heartRateBpm: 60, noiseMicrovolts: 0, seed: 1 }) });
  applyScriptEvent(board, { atS: 0, action: 'lead-off', durationMs: 150 });
  assert.ok(board.frontEnd.leadOff);
  applyScriptEvent(board, { atS: 0, action: 'lead-on', durationMs: 150 });
  assert.not.ok(board.frontEnd.leadOff);
  applyScriptEvent(board, { atS: 0, action: 'press-button', durationMs: 20 });
  assert.ok(board.buttonIsDown);
  board.stop();
});

test.run();
