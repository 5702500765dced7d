import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { escapeHtml, reportHtml } from '../../src/report/html.js';
import { renderSvg } from '../../src/report/render-svg.js';
import { COLORS, signalRows } from '../../src/report/charts-common.js';

test('escapeHtml escapes markup and quotes', () => {
  assert.is(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});

test('reportHtml: escaped text, data attributes, attribution or its absence', () => {
  const html = reportHtml({
    title: 'ECG <report>',
    subtitle: 's',
    sections: [{ title: 'T', rows: [{ label: 'beats', value: '7', key: 'beats', raw: 7 }, { label: 'SDNN', value: 'n/a', key: 'sdnn-ms', raw: null }] }],
    charts: ['<svg xmlns="http://www.w3.org/2000/svg"></svg>'],
    notes: ['a < b'],
    attribution: ['Some DB'],
  });
  assert.ok(html.includes('<title>ECG &lt;report&gt;</title>'));
  assert.ok(html.includes('data-key="beats" data-value="7"'));
  assert.ok(html.includes('data-key="sdnn-ms" data-value=""'));
  assert.ok(html.includes('<li>a &lt; b</li>'));
  assert.ok(html.includes('Some DB'));
  assert.ok(reportHtml({ title: '', subtitle: '', sections: [], charts: [], notes: [], attribution: [] }).includes('source not recognised'));
});

test('signalRows: times from the record start, missing columns as null, mV scaling', () => {
  const x = new Float32Array([1000, NaN, 3000]);
  const { rows, decimated } = signalRows(x, 0, 3, 10, 2, 0.001);
  assert.is(decimated, false);
  assert.equal(rows, [{ t: 10, v: 1 }, { t: 10.5, v: null }, { t: 11, v: 3 }]);
});

test('renderSvg: a Vega-Lite spec becomes one self-contained SVG with its text', async () => {
  const svg = await renderSvg({
    width: 200,
    height: 100,
    title: 'hello chart',
    data: { values: [{ t: 0, v: 1 }, { t: 1, v: null }, { t: 2, v: 2 }] },
    mark: { type: 'line', color: COLORS.signal, invalid: 'break-paths-filter-domains' },
    encoding: { x: { field: 't', type: 'quantitative', title: 'time axis' }, y: { field: 'v', type: 'quantitative' } },
  });
  assert.ok(svg.startsWith('<svg'));
  assert.is((svg.match(/<svg/g) ?? []).length, 1);
  assert.ok(svg.includes('hello chart') && svg.includes('time axis'), 'text is rendered without node-canvas');
  assert.not.ok(/<image|href="http/.test(svg));
});

test.run();
