// Vega-Lite spec of the topomap figure: one panel per band (the map as pixel rectangles, NaN outside
// the head left out), a colour bar per panel with units, the head outline with nose and ears, and
// the electrodes as dots with their names. Plane coordinates: x to the right ear, y to the nose, the
// head circle at radius `headRadius` (see src/streaming/eeg/topomap/projection.ts). Pure; rendered
// by src/report/render-svg.ts.
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig } from '../charts-common.js';
import type { PlanePoint } from '../../streaming/eeg/topomap/projection.js';

export interface TopomapPanel {
  band: string;
  /** heightPx * widthPx values, row 0 = front, NaN outside the head. */
  map: Float32Array;
  /** e.g. '8-13 Hz'. */
  subtitle: string;
}

export interface TopomapFigure {
  title: string;
  /** One line each. */
  subtitle: string[];
  /** Colour-bar title with the unit, e.g. 'log10 power (uV^2)'. */
  valueTitle: string;
  widthPx: number;
  heightPx: number;
  headRadius: number;
  electrodes: { name: string; at: PlanePoint }[];
  panels: TopomapPanel[];
  /** Panel size in screen pixels. */
  panelSizePx?: number;
}

const round = (v: number) => Math.round(v * 1e4) / 1e4;

function outline(headRadius: number): { x: number; y: number; part: string; order: number }[] {
  const rows: { x: number; y: number; part: string; order: number }[] = [];
  for (let i = 0; i <= 72; i++) {
    const a = (2 * Math.PI * i) / 72;
    rows.push({ x: round(headRadius * Math.cos(a)), y: round(headRadius * Math.sin(a)), part: 'head', order: i });
  }
  const r = headRadius;
  const nose = [[-0.09, 0.995], [0, 1.1], [0.09, 0.995]] as const;
  nose.forEach(([x, y], i) => rows.push({ x: round(x * r), y: round(y * r), part: 'nose', order: i }));
  const ear = [[0.995, 0.08], [1.04, 0.11], [1.07, 0.08], [1.07, -0.1], [1.04, -0.14], [0.995, -0.12]] as const;
  ear.forEach(([x, y], i) => {
    rows.push({ x: round(x * r), y: round(y * r), part: 'ear-r', order: i });
    rows.push({ x: round(-x * r), y: round(y * r), part: 'ear-l', order: i });
  });
  return rows;
}

export function topomapSpec(figure: TopomapFigure): TopLevelSpec {
  const { widthPx, heightPx, headRadius } = figure;
  const size = figure.panelSizePx ?? 220;
  const extent = headRadius * 1.12;
  const dx = (2 * headRadius) / widthPx;
  const dy = (2 * headRadius) / heightPx;
  const scale = { domain: [-extent, extent], nice: false, zero: false };
  const axisOff = { axis: null };
  const outlineRows = outline(headRadius);
  const electrodeRows = figure.electrodes.map((e) => ({ name: e.name, x: round(e.at.x), y: round(e.at.y) }));
  const panels = figure.panels.map((panel) => {
    const pixels: { x: number; x2: number; y: number; y2: number; v: number }[] = [];
    for (let row = 0; row < heightPx; row++) {
      for (let col = 0; col < widthPx; col++) {
        const v = panel.map[row * widthPx + col]!;
        if (!Number.isFinite(v)) continue;
        const x = -headRadius + col * dx;
        const y = headRadius - row * dy;
        // 15 % overlap (about a screen pixel) hides the hairline seams renderers draw between abutting rectangles
        pixels.push({ x: round(x), x2: round(x + 1.15 * dx), y: round(y), y2: round(y - 1.15 * dy), v: round(v) });
      }
    }
    return {
      title: { text: panel.band, subtitle: panel.subtitle },
      width: size,
      height: size,
      layer: [
        {
          data: { values: pixels },
          mark: { type: 'rect' as const, strokeWidth: 0 },
          encoding: {
            x: { field: 'x', type: 'quantitative' as const, scale, ...axisOff },
            x2: { field: 'x2' },
            y: { field: 'y', type: 'quantitative' as const, scale, ...axisOff },
            y2: { field: 'y2' },
            color: {
              field: 'v',
              type: 'quantitative' as const,
              title: figure.valueTitle,
              scale: { scheme: 'viridis' },
              legend: { orient: 'bottom' as const, direction: 'horizontal' as const, gradientLength: size - 20, titleLimit: 0 },
            },
          },
        },
        {
          data: { values: outlineRows },
          mark: { type: 'line' as const, color: '#222', strokeWidth: 1.5 },
          encoding: {
            x: { field: 'x', type: 'quantitative' as const, scale, ...axisOff },
            y: { field: 'y', type: 'quantitative' as const, scale, ...axisOff },
            detail: { field: 'part' },
            order: { field: 'order' },
          },
        },
        {
          data: { values: electrodeRows },
          mark: { type: 'point' as const, filled: true, color: '#000', size: 14 },
          encoding: {
            x: { field: 'x', type: 'quantitative' as const, scale, ...axisOff },
            y: { field: 'y', type: 'quantitative' as const, scale, ...axisOff },
          },
        },
        {
          data: { values: electrodeRows },
          mark: { type: 'text' as const, dy: -7, fontSize: 9, fontWeight: 'bold' as const, color: '#fff', opacity: 0.85 },
          encoding: {
            x: { field: 'x', type: 'quantitative' as const, scale, ...axisOff },
            y: { field: 'y', type: 'quantitative' as const, scale, ...axisOff },
            text: { field: 'name' },
          },
        },
        {
          data: { values: electrodeRows },
          mark: { type: 'text' as const, dy: -7, fontSize: 8, color: '#000' },
          encoding: {
            x: { field: 'x', type: 'quantitative' as const, scale, ...axisOff },
            y: { field: 'y', type: 'quantitative' as const, scale, ...axisOff },
            text: { field: 'name' },
          },
        },
      ],
      resolve: { scale: { color: 'independent' as const } },
    };
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: figure.title, subtitle: figure.subtitle },
    // no aria descriptions: one per map pixel would triple the file
    config: { ...chartConfig, view: { stroke: null }, aria: false },
    hconcat: panels,
    resolve: { scale: { color: 'independent' } },
  } as TopLevelSpec;
}

/**
 * Vega writes coordinates with full double precision and colours as rgb(): for a figure made of
 * thousands of pixel rectangles that is most of the file. Rounds numbers with 3+ decimals to 2
 * (0.01 screen pixel) and writes rgb() fills as hex, nothing else changes.
 */
export function compactSvg(svg: string): string {
  return svg
    .replace(/-?\d+\.\d{3,}/g, (n) => String(Math.round(Number(n) * 100) / 100))
    .replace(/rgb\((\d+), (\d+), (\d+)\)/g, (_, r: string, g: string, b: string) => '#' + [r, g, b].map((c) => Number(c).toString(16).padStart(2, '0')).join(''));
}
