// The ADS1299 session against the emulated chip (hardware/ads1299/emulator.ts) on a fake board:
// the power-up flow and the registers it leaves (read back through the emulator's register file),
// rate and gain scaling of the samples, lead-off into block status and device status, overwritten
// conversions counted, a wrong ID refused with a clear reason, and a hung chip re-initialised.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Value } from '@sinclair/typebox/value';
import { Ads1299Emulator } from '../../../hardware/ads1299/emulator.js';
import { FakeBoard } from '../../../hardware/fake-board.js';
import { createMemoryLogger } from '../../../src/common/logger.js';
import { Ads1299Config } from '../../../src/device/kinds/ads1299/schema.js';
import { createAds1299Session } from '../../../src/device/kinds/ads1299/session.js';
import type { DeviceStatusReport } from '../../../src/device/kinds/kind.js';
import { ADS1299_REG, microvoltsPerCount } from '../../../src/device/protocols/ads1299/index.js';
import type { SampleBlock } from '../../../src/streaming/types.js';

function config(extra: Record<string, unknown> = {}): Ads1299Config {
  const doc = { id: 'eeg1', kind: 'ads1299', reconnect: { initialDelayMs: 20, maxDelayMs: 100 }, silenceTimeoutS: 0.5, ...extra };
  const c = Value.Default(Ads1299Config, Value.Clone(doc)) as Ads1299Config;
  assert.ok(Value.Check(Ads1299Config, c), JSON.stringify([...Value.Errors(Ads1299Config, c)].map((e) => `${e.path} ${e.message}`)));
  return c;
}

interface Rig {
  board: FakeBoard;
  chip: Ads1299Emulator;
  blocks: SampleBlock[];
  statuses: DeviceStatusReport[];
  session: ReturnType<typeof createAds1299Session>;
  log: ReturnType<typeof createMemoryLogger>;
}

function rig(cfg: Ads1299Config, emulator: { id?: number; speed?: number } = {}): Rig {
  const board = new FakeBoard();
  const chip = new Ads1299Emulator({ board, seed: 5, ...emulator });
  const blocks: SampleBlock[] = [];
  const statuses: DeviceStatusReport[] = [];
  const log = createMemoryLogger();
  const session = createAds1299Session(
    { deviceId: 'eeg1', config: cfg, log, onBlock: (b) => blocks.push(b), onStatus: (s) => statuses.push(s) },
    board,
    { referenceSettleMs: 20 },
  );
  return { board, chip, blocks, statuses, session, log };
}

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const samples = (blocks: SampleBlock[]): number => blocks.reduce((n, b) => n + b.values[0].length, 0);

test('power-up flow: RESET, SDATAC, ID, CONFIG3 first, the plan, read-back, START, RDATAC; registers as configured', async () => {
  const cfg = config({
    sampleRateHz: 500,
    gain: 12,
    channels: [{ label: 'Fp1', gain: 24 }, { label: 'Fp2', input: 'shorted' }, {}, {}, {}, {}, { enabled: false }, { input: 'test', gain: 1 }],
  });
  const r = rig(cfg);
  r.session.start();
  try {
    await until('blocks', () => samples(r.blocks) >= 50);
    const c = r.chip.commands;
    assert.equal(c.slice(0, 4), ['RESET', 'SDATAC', 'RREG 0x0', 'WREG 0x3']);
    assert.equal(c.slice(c.indexOf('RREG 0x1') + 1, c.indexOf('RREG 0x1') + 3), ['START', 'RDATAC']);
    assert.equal(r.chip.violations, []);
    const reg = r.chip.registers;
    assert.is(reg[ADS1299_REG.CONFIG1], 0x95, '500 SPS');
    assert.is(reg[ADS1299_REG.CONFIG2], 0xd0, 'internal test signal for CH8');
    assert.is(reg[ADS1299_REG.CONFIG3], 0xec, 'reference and bias on');
    assert.equal([...reg.subarray(ADS1299_REG.CH1SET, ADS1299_REG.CH1SET + 8)], [0x60, 0x51, 0x50, 0x50, 0x50, 0x50, 0xd1, 0x05]);
    assert.is(reg[ADS1299_REG.LOFF_SENSP], 0b0011_1101, 'lead-off on electrode channels');
    assert.is(reg[ADS1299_REG.BIAS_SENSN], 0b0011_1101);
    assert.is(reg[ADS1299_REG.MISC1], 0x20, 'SRB1');
    assert.is(reg[ADS1299_REG.CONFIG4], 0x02, 'lead-off comparators');
    const b = r.blocks[1];
    assert.is(b.sampleRateHz, 500);
    assert.equal(b.channels, ['Fp1', 'Fp2', 'CH3', 'CH4', 'CH5', 'CH6', 'CH8']);
    assert.is(b.values[0].length, 20, '40 ms blocks');
    assert.is(b.t0Us, (b.firstSampleIndex * 1e6) / 500, 'device time = index / rate');
  } finally {
    await r.session.stop();
  }
  assert.is(r.chip.openBuses, 0, 'bus closed on stop');
  assert.ok(r.chip.commands.slice(-2).join() === 'SDATAC,STOP', 'chip left stopped');
});

test('samples: exactly the chip quantisation of the source, scaled 2 Vref / gain / 2^24 per channel', async () => {
  const cfg = config({ channels: [{ gain: 24 }, { gain: 1 }, { input: 'shorted' }, { input: 'test', gain: 1 }] });
  const r = rig(cfg);
  r.session.start();
  try {
    await until('250 samples', () => samples(r.blocks) >= 250);
  } finally {
    await r.session.stop();
  }
  let checked = 0;
  for (const b of r.blocks) {
    for (let k = 0; k < b.values[0].length; k++) {
      const index = b.firstSampleIndex + k;
      for (const c of [0, 1, 2, 3]) assert.is(b.values[c][k], Math.fround(r.chip.quantisedUv(c, index)), `ch ${c} index ${index}`);
      const lsb24 = microvoltsPerCount(24);
      assert.ok(Math.abs(b.values[0][k] - r.chip.sourceUv(0, index)) <= lsb24 / 2 + 1e-3, 'gain 24 within half an LSB');
      assert.ok(Math.abs(b.values[1][k] - r.chip.sourceUv(1, index)) <= microvoltsPerCount(1) / 2 + 1e-3, 'gain 1 within half an LSB');
      assert.is(b.values[2][k], 0);
      assert.ok(Math.abs(Math.abs(b.values[3][k]) - 1875) < 0.6, 'test signal ±1.875 mV');
      checked++;
    }
  }
  assert.ok(checked >= 250);
  assert.is(r.session.counters().framesLost, 0);
  assert.is(r.chip.overwritten, 0);
});

test('lead-off: injected on CH3 -> blocks and status say leadOff, then clear again', async () => {
  const r = rig(config());
  r.session.start();
  try {
    await until('connected', () => r.statuses.some((s) => s.connected));
    await until('first blocks', () => r.blocks.length >= 3);
    assert.ok(r.blocks.every((b) => b.status?.leadOff === false));
    r.chip.setLeadOff(2, { p: true });
    await until('lead-off block', () => r.blocks.some((b) => b.status?.leadOff === true));
    await until('lead-off status', () => r.statuses.some((s) => s.leadOff === true));
    const off = r.blocks.find((b) => b.status?.leadOff === true)!;
    assert.is(off.status?.saturated, true, 'an open input sits at the rail');
    assert.ok(r.log.lines.some((l) => l.text === 'lead-off on CH3'));
    r.chip.setLeadOff(2, { p: false });
    const n = r.blocks.length;
    await until('electrodes back', () => r.blocks.slice(n).some((b) => b.status?.leadOff === false));
    assert.is(r.statuses.at(-1)?.leadOff, false);
  } finally {
    await r.session.stop();
  }
});

test('missed DRDY edges: overwritten conversions counted (framesLost, samplesLost per channel), index jumps', async () => {
  const r = rig(config({ channels: [{}, {}, {}, {}, { enabled: false }, { enabled: false }, { enabled: false }, { enabled: false }] }));
  r.session.start();
  try {
    await until('blocks', () => r.blocks.length >= 3);
    r.chip.missDrdyEdges(3);
    await until('loss counted', () => r.session.counters().framesLost >= 3);
    await until('more blocks', () => r.blocks.length >= 8);
  } finally {
    await r.session.stop();
  }
  const counters = r.session.counters();
  assert.is(counters.framesLost, 3);
  assert.is(r.chip.overwritten, 3);
  assert.is(counters.samplesLost, 12, '3 conversions x 4 channels');
  const gaps = r.blocks.slice(1).map((b, i) => b.firstSampleIndex - (r.blocks[i].firstSampleIndex + r.blocks[i].values[0].length));
  assert.equal(gaps.filter((g) => g !== 0), [3]);
  // And the samples after the gap are still the right ones.
  const last = r.blocks.at(-1)!;
  assert.is(last.values[0][0], Math.fround(r.chip.quantisedUv(0, last.firstSampleIndex)));
});

test('wrong ID register: no stream, a clear reason, counted as a version error', async () => {
  const r = rig(config(), { id: 0x00 });
  r.session.start();
  try {
    await until('reason', () => r.statuses.some((s) => !s.connected && /ID register/.test(s.reason ?? '')));
    const reason = r.statuses.find((s) => s.reason)!.reason!;
    assert.match(reason, /ID register reads 0x00, not an ADS1299 \(expected 0x3e\).*check SPI wiring/);
    await until('retried', () => r.session.counters().errors.version >= 2);
    assert.is(r.blocks.length, 0);
    assert.is(r.chip.openBuses, 0, 'bus closed after each refused open');
  } finally {
    await r.session.stop();
  }
});

test('a hung chip (DRDY silent): reported lost, re-initialised, streaming again with the index advanced', async () => {
  const r = rig(config());
  r.session.start();
  try {
    await until('blocks', () => r.blocks.length >= 3);
    r.chip.hang();
    await until('lost', () => r.statuses.some((s) => !s.connected && /no data/.test(s.reason ?? '')), 5000);
    const n = r.blocks.length;
    await until('streaming again', () => r.blocks.length >= n + 3, 5000);
    assert.is(r.chip.commands.filter((c) => c === 'RESET').length, 2);
    assert.is(r.session.counters().reconnects, 1);
    assert.ok(r.blocks[n].firstSampleIndex > r.blocks[n - 1].firstSampleIndex + 100, 'outage advances the index');
    assert.is(r.session.counters().framesLost, 0, 'an outage is not counted as overwritten conversions');
    assert.equal(r.chip.violations, []);
  } finally {
    await r.session.stop();
  }
});

test.run();
