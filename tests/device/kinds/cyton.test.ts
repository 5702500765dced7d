// The cyton kind over a real PTY (serialport) against the Cyton simulator: the setup commands, the
// blocks (rate, channels, labels, values equal to the source within quantisation), the Daisy, and
// faults: dropped packets, garbage, an overrun burst, a stall and an unplug, each counted; stop
// sends `s`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { microvoltsPerCount } from '../../../src/device/protocols/openbci/index.js';
import { cytonRig, rowsOf, until } from './_cyton-rig.js';

/** Largest |block value - source value| over the samples of the first link, per channel gain. */
function maxError(rows: Map<number, number[]>, truth: Float32Array[], channels: number): { maxErr: number; compared: number } {
  let maxErr = 0;
  let compared = 0;
  for (const [index, values] of rows) {
    const want = truth[index];
    if (!want) continue;
    for (let c = 0; c < channels; c++) {
      if (Number.isNaN(values[c])) continue;
      maxErr = Math.max(maxErr, Math.abs(values[c] - want[c]));
      compared++;
    }
  }
  return { maxErr, compared };
}

test('8 channels: s, v, channel settings, b; 250 Hz blocks matching the source within quantisation', async () => {
  const rig = await cytonRig({ boardDaisy: false, config: { channels: [{ label: 'Fp1' }, { label: 'O1', gainX: 8 }, { enabled: false }] } });
  try {
    rig.session.start();
    await until('500 samples', () => rowsOf(rig.blocks).size >= 500);
    const cmds = rig.sim.stats.commands;
    assert.equal(cmds.slice(0, 2), ['s', 'v']);
    assert.equal(cmds.slice(2, 10), ['x1060110X', 'x2040110X', 'x3160110X', 'x4060110X', 'x5060110X', 'x6060110X', 'x7060110X', 'x8060110X']);
    assert.is(cmds[10], 'b');
    assert.is(rig.sim.settings[1].gainX, 8);
    const b = rig.blocks[0];
    assert.is(b.stream, 'eeg');
    assert.is(b.sampleRateHz, 250);
    assert.equal(b.channels, ['Fp1', 'O1', 'EEG3', 'EEG4', 'EEG5', 'EEG6', 'EEG7', 'EEG8']);
    assert.is(b.firstSampleIndex, 0);
    assert.is(b.t0Us, 0);
    const rows = rowsOf(rig.blocks);
    const indices = [...rows.keys()];
    assert.equal(indices, indices.map((_, i) => i), 'contiguous from 0');
    // Channel 3 is powered down: zeros. The others: within half a count of their gain (+ float32).
    assert.ok([...rows.values()].every((r) => r[2] === 0));
    const truth = rig.sim.truth.map((r) => Float32Array.from(r, (v, c) => (c === 2 ? 0 : v)));
    const { maxErr, compared } = maxError(rows, truth, 8);
    assert.ok(compared >= 500 * 8, `compared ${compared}`);
    assert.ok(maxErr <= microvoltsPerCount(8) / 2 + 1e-3, `max error ${maxErr} uV`);
    assert.ok(rig.statuses.some((s) => s.connected));
    const c = rig.session.counters();
    assert.ok(c.connected && c.framesOk >= 500);
    assert.equal([c.framesLost, c.samplesLost, c.errors['bytes-skipped'], c.errors.length, c.errors.field, c.errors.command], [0, 0, 0, 0, 0, 0]);
    assert.is(c.reconnects, 0);
    // Stop sends `s` before closing: the board stops streaming.
    await rig.session.stop();
    await until('the board got s', () => rig.sim.stats.commands.at(-1) === 's' && !rig.sim.streaming, 3000);
  } finally {
    await rig.dispose();
  }
});

test('Daisy (auto from the banner): 16 channels at 125 Hz, odd+even packets paired, values match', async () => {
  const rig = await cytonRig({ boardDaisy: true });
  try {
    rig.session.start();
    await until('300 samples', () => rowsOf(rig.blocks).size >= 300);
    assert.ok(rig.sim.stats.commands.includes('xI060110X'), 'channel 16 set');
    assert.ok(rig.sim.stats.commands.includes('C'));
    const b = rig.blocks[0];
    assert.is(b.sampleRateHz, 125);
    assert.is(b.channels.length, 16);
    assert.is(b.channels[15], 'EEG16');
    const rows = rowsOf(rig.blocks);
    const { maxErr, compared } = maxError(rows, rig.sim.truth, 16);
    assert.ok(compared >= 300 * 16, `compared ${compared}`);
    assert.ok(maxErr <= microvoltsPerCount(24) / 2 + 1e-3, `max error ${maxErr} uV`);
    // Losing packets: a lost half is NaN in its sample; counted.
    rig.sim.dropPackets(3);
    await until('loss counted', () => rig.session.counters().framesLost === 3);
    await until('samples after loss', () => rowsOf(rig.blocks).size >= 400);
    const c = rig.session.counters();
    assert.is(c.samplesLost, 2, 'three packets span two samples');
    const nanRows = [...rowsOf(rig.blocks).values()].filter((r) => r.some((v) => Number.isNaN(v)));
    assert.is(nanRows.length, 2);
    const all = [...rowsOf(rig.blocks).keys()];
    assert.equal(all, all.map((_, i) => i), 'still contiguous');
  } finally {
    await rig.dispose();
  }
});

test('accelerometer enabled: an acc stream of x, y, z in g at 25 Hz beside the EEG', async () => {
  const rig = await cytonRig({ boardDaisy: false, config: { accelerometer: { enabled: true } } });
  try {
    rig.session.start();
    await until('20 acc samples', () => rig.blocks.filter((b) => b.stream === 'acc').length >= 20);
    const acc = rig.blocks.filter((b) => b.stream === 'acc');
    assert.ok(acc.every((b) => b.sampleRateHz === 25 && b.channels.join() === 'x,y,z' && b.values[0].length === 1));
    const indices = acc.map((b) => b.firstSampleIndex);
    assert.equal(indices, indices.map((_, i) => i), 'one reading every 10th packet: contiguous at 25 Hz');
    // The simulated board lies flat: z is gravity (1 g, 0.002/16 g per count), x small.
    assert.ok(acc.every((b) => Math.abs(b.values[2][0] - 1) < 0.05 && Math.abs(b.values[0][0]) < 0.05), `${acc.map((b) => b.values[2][0]).join()}`);
    assert.ok(rig.blocks.some((b) => b.stream === 'eeg'));
  } finally {
    await rig.dispose();
  }
});

test('a board without Daisy but `daisy: true`: setup fails with a clear reason, counted, retried', async () => {
  const rig = await cytonRig({ boardDaisy: false, config: { daisy: true } });
  try {
    rig.session.start();
    await until('refused', () => rig.session.counters().errors.field >= 1);
    await until('status says why', () => rig.statuses.some((s) => !s.connected && /no Daisy/.test(s.reason ?? '')));
    assert.is(rig.blocks.length, 0);
    assert.is(rig.session.counters().connected, false);
  } finally {
    await rig.dispose();
  }
});

test('faults: garbage, an overrun burst, a stall past the silence timeout and an unplug; all counted, streaming resumes', async () => {
  const rig = await cytonRig({ boardDaisy: false, speed: 2, config: { silenceTimeoutS: 1 } });
  try {
    rig.session.start();
    await until('streaming', () => rowsOf(rig.blocks).size >= 200);
    rig.sim.injectBytes(Uint8Array.from({ length: 100 }, (_, i) => (i * 37 + 11) & 0xff));
    await until('garbage skipped', () => rig.session.counters().errors['bytes-skipped'] >= 100);
    const before = rig.session.counters();
    rig.sim.overrunBurst(10, 20);
    await until('overrun: packets lost and bytes skipped', () => {
      const c = rig.session.counters();
      return c.framesLost > before.framesLost && c.errors['bytes-skipped'] > before.errors['bytes-skipped'];
    });
    // Stall past the 1 s silence timeout: the link is reopened, the board reset, streaming again.
    rig.sim.stall(1600);
    await until('reconnect after stall', () => rig.session.counters().reconnects >= 1, 10_000);
    const n = rowsOf(rig.blocks).size;
    await until('streaming after stall', () => rowsOf(rig.blocks).size > n + 100, 10_000);
    rig.sim.unplug();
    await until('disconnected', () => rig.statuses.at(-1)?.connected === false);
    rig.sim.plug();
    await until('reconnect after unplug', () => rig.session.counters().reconnects >= 2, 10_000);
    const m = rowsOf(rig.blocks).size;
    await until('streaming after unplug', () => rowsOf(rig.blocks).size > m + 100, 10_000);
    // The sample index only rises across links (device clock, advanced by the time away).
    const starts = rig.blocks.map((b) => b.firstSampleIndex);
    assert.ok(starts.every((s, i) => i === 0 || s > starts[i - 1]), 'indices rise');
    assert.ok(rig.statuses.some((s) => s.connected));
  } finally {
    await rig.dispose();
  }
});

test('a railed channel (beyond full scale) marks its blocks saturated and the status says so', async () => {
  const rig = await cytonRig({
    boardDaisy: false,
    makeSource: (sampleRateHz, n) => ({
      sampleRateHz,
      channels: Array.from({ length: n }, (_, i) => `EEG${i + 1}`),
      description: 'channel 3 at 300 mV, the rest at 10 uV',
      next: (count) => Array.from({ length: n }, (_, c) => new Float32Array(count).fill(c === 2 ? 300_000 : 10)),
    }),
  });
  try {
    rig.session.start();
    await until('blocks', () => rig.blocks.length >= 5);
    assert.ok(rig.blocks.every((b) => b.status?.saturated === true));
    assert.ok(rig.blocks.every((b) => Math.abs(b.values[2][0] - 187_500) < 0.01), 'clipped at full scale');
    assert.ok(rig.statuses.some((s) => s.connected && s.saturated === true));
    assert.ok(rig.log.lines.some((l) => /railed .*EEG3/.test(l.text)));
  } finally {
    await rig.dispose();
  }
});

test.run();
