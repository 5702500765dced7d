// The PNG writer (read back with node:zlib, CRCs checked) and the raster figure.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inflateSync } from 'node:zlib';
import { crc32, encodePng } from '../../src/report/topomap/png.js';
import { Raster } from '../../src/report/topomap/raster.js';
import { renderTopomapPng } from '../../src/report/topomap/chart-png.js';
import { montageMapper } from '../../src/streaming/eeg/topomap/topomap.js';
import { CYTON_8, electrodePositions } from '../../src/streaming/eeg/positions.js';

interface Decoded {
  widthPx: number;
  heightPx: number;
  rgb: Uint8Array;
}

function decodePng(png: Uint8Array): Decoded {
  assert.equal(Array.from(png.subarray(0, 8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let at = 8;
  let widthPx = 0;
  let heightPx = 0;
  const idat: Uint8Array[] = [];
  for (;;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    assert.is(view.getUint32(at + 8 + length), crc32(png.subarray(at + 4, at + 8 + length)), `${type} CRC`);
    if (type === 'IHDR') {
      widthPx = view.getUint32(at + 8);
      heightPx = view.getUint32(at + 12);
      assert.equal(Array.from(data.subarray(8)), [8, 2, 0, 0, 0]);
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
    if (type === 'IEND') break;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rgb = new Uint8Array(widthPx * heightPx * 3);
  for (let y = 0; y < heightPx; y++) {
    assert.is(raw[y * (1 + widthPx * 3)], 0, 'filter 0');
    rgb.set(raw.subarray(y * (1 + widthPx * 3) + 1, (y + 1) * (1 + widthPx * 3)), y * widthPx * 3);
  }
  return { widthPx, heightPx, rgb };
}

test('crc32 of "IEND" is the value every PNG ends with', () => {
  assert.is(crc32(new TextEncoder().encode('IEND')), 0xae426082);
});

test('encodePng round-trips pixels; text and lines land where drawn', () => {
  const r = new Raster(40, 20);
  r.set(3, 4, [255, 0, 0]);
  r.text(10, 5, 'Hz', [0, 0, 255]);
  r.line(0, 19, 39, 19, [0, 255, 0], 1);
  const back = decodePng(encodePng(r.rgb, 40, 20));
  assert.is(back.widthPx, 40);
  assert.is(back.heightPx, 20);
  assert.equal(Array.from(back.rgb), Array.from(r.rgb));
  assert.equal(Array.from(back.rgb.subarray((4 * 40 + 3) * 3, (4 * 40 + 3) * 3 + 3)), [255, 0, 0]);
  assert.equal(Array.from(back.rgb.subarray((5 * 40 + 10) * 3, (5 * 40 + 10) * 3 + 3)), [0, 0, 255], "top-left of 'H'");
  assert.equal(Array.from(back.rgb.subarray((19 * 40 + 20) * 3, (19 * 40 + 20) * 3 + 3)), [0, 255, 0]);
  assert.throws(() => encodePng(new Uint8Array(5), 2, 2), /RGB image/);
});

test('figure PNG: a panel per band, map coloured from dark (low) to yellow (high)', async () => {
  const mapper = montageMapper(CYTON_8, { outsideValue: Number.NaN });
  const e = electrodePositions(CYTON_8);
  const map = mapper.map(e.map((p) => p.y)); // high at the front
  const figure = {
    title: 't', subtitle: ['s'], valueTitle: 'log10 power (uV^2)', widthPx: 32, heightPx: 32, headRadius: mapper.grid.headRadius,
    electrodes: CYTON_8.map((name, i) => ({ name, at: mapper.electrodesPlane[i]! })),
    panels: [{ band: 'alpha', subtitle: '8-13 Hz', map }, { band: 'beta', subtitle: '13-30 Hz', map }],
  };
  const png = decodePng(await renderTopomapPng(figure, 200));
  assert.is(png.widthPx, 16 * 2 + 2 * 200 + 36);
  const px = (x: number, y: number) => Array.from(png.rgb.subarray((y * png.widthPx + x) * 3, (y * png.widthPx + x) * 3 + 3));
  const headerPx = 20 + 12 + 10 + 34;
  const cx = 16 + 100;
  const front = px(cx, headerPx + 30);
  const back = px(cx, headerPx + 170);
  assert.ok(front[0]! > 150 && front[1]! > 150 && front[2]! < 120, `front is yellow-ish: ${front}`);
  assert.ok(back[0]! < 90 && back[2]! > 60, `back is dark blue/purple: ${back}`);
  assert.equal(px(16 + 2, headerPx + 2), [255, 255, 255], 'corner outside the head is white');
});

test.run();
