// The topomap figure as a PNG, drawn directly (no canvas package): the same panels as the SVG of
// ./chart.ts (map pixels, nearest-neighbour scaled; head outline, nose, ears; electrode dots and
// names; a colour bar per panel with min / mid / max and the value title), viridis from vega.
import type { TopomapFigure } from './chart.js';
import { encodePng } from './png.js';
import { GLYPH_HEIGHT_PX, Raster, type Rgb } from './raster.js';

const BLACK: Rgb = [0, 0, 0];
const GREY: Rgb = [85, 85, 85];
const WHITE: Rgb = [255, 255, 255];

function hexToRgb(hex: string): Rgb {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!m) throw new Error(`colour '${hex}' is not #rrggbb`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}

const tick = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString());

/** Viridis as 256 RGB entries (vega's 'viridis' scheme, the SVG's colours). */
async function viridis(): Promise<Rgb[]> {
  const vega = await import('vega');
  const interpolate = vega.scheme('viridis') as (t: number) => string;
  return Array.from({ length: 256 }, (_, i) => {
    const c = interpolate(i / 255);
    const rgb = /^rgb\((\d+),\s*(\d+),\s*(\d+)\)$/.exec(c);
    return rgb ? [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])] : hexToRgb(c);
  });
}

/** The grid value at (row, col), or at the nearest finite neighbour (the rim pixels whose centre is outside the head). */
function valueNear(map: Float32Array, gw: number, gh: number, row: number, col: number): number | undefined {
  for (let r = 0; r <= 2; r++) {
    for (let dr = -r; dr <= r; dr++) {
      for (let dc = -r; dc <= r; dc++) {
        const rr = row + dr;
        const cc = col + dc;
        if (rr < 0 || cc < 0 || rr >= gh || cc >= gw) continue;
        const v = map[rr * gw + cc]!;
        if (Number.isFinite(v)) return v;
      }
    }
  }
  return undefined;
}

export async function renderTopomapPng(figure: TopomapFigure, panelSizePx = 220): Promise<Uint8Array> {
  const colours = await viridis();
  const margin = 16;
  const gap = 36;
  const headerPx = 20 + 12 * figure.subtitle.length + 10;
  const panelTitlePx = 34;
  const barPx = 56;
  const width = margin * 2 + figure.panels.length * panelSizePx + (figure.panels.length - 1) * gap;
  const height = headerPx + panelTitlePx + panelSizePx + barPx + margin;
  const img = new Raster(width, height);
  img.text(margin, 8, figure.title, BLACK, 2);
  figure.subtitle.forEach((line, i) => img.text(margin, 26 + 12 * i, line, GREY));

  const { widthPx: gw, heightPx: gh, headRadius } = figure;
  const extent = headRadius * 1.12; // as the SVG: room for nose and ears
  const toScreen = (x: number, y: number, x0: number, y0: number): [number, number] => [
    x0 + ((x + extent) / (2 * extent)) * panelSizePx,
    y0 + ((extent - y) / (2 * extent)) * panelSizePx,
  ];
  figure.panels.forEach((panel, p) => {
    const x0 = margin + p * (panelSizePx + gap);
    const y0 = headerPx + panelTitlePx;
    img.text(x0, headerPx, panel.band, BLACK, 2);
    img.text(x0, headerPx + 18, panel.subtitle, GREY);
    let min = Infinity;
    let max = -Infinity;
    for (const v of panel.map) if (Number.isFinite(v)) [min, max] = [Math.min(min, v), Math.max(max, v)];
    const span = max > min ? max - min : 1;
    const colourOf = (v: number) => colours[Math.max(0, Math.min(255, Math.round(((v - min) / span) * 255)))]!;
    for (let sy = 0; sy < panelSizePx; sy++) {
      for (let sx = 0; sx < panelSizePx; sx++) {
        const x = ((sx + 0.5) / panelSizePx) * 2 * extent - extent;
        const y = extent - ((sy + 0.5) / panelSizePx) * 2 * extent;
        if (x * x + y * y > headRadius * headRadius) continue;
        const col = Math.min(gw - 1, Math.max(0, Math.floor(((x + headRadius) / (2 * headRadius)) * gw)));
        const row = Math.min(gh - 1, Math.max(0, Math.floor(((headRadius - y) / (2 * headRadius)) * gh)));
        const v = valueNear(panel.map, gw, gh, row, col);
        if (v !== undefined) img.set(x0 + sx, y0 + sy, colourOf(v));
      }
    }
    // head outline, nose, ears (the SVG's shapes)
    const poly = (pts: readonly (readonly [number, number])[], mirror = false) => {
      for (let i = 1; i < pts.length; i++) {
        const [ax, ay] = toScreen((mirror ? -1 : 1) * pts[i - 1]![0] * headRadius, pts[i - 1]![1] * headRadius, x0, y0);
        const [bx, by] = toScreen((mirror ? -1 : 1) * pts[i]![0] * headRadius, pts[i]![1] * headRadius, x0, y0);
        img.line(ax, ay, bx, by, BLACK);
      }
    };
    poly(Array.from({ length: 121 }, (_, i) => [Math.cos((2 * Math.PI * i) / 120), Math.sin((2 * Math.PI * i) / 120)] as const));
    poly([[-0.09, 0.995], [0, 1.1], [0.09, 0.995]]);
    const ear = [[0.995, 0.08], [1.04, 0.11], [1.07, 0.08], [1.07, -0.1], [1.04, -0.14], [0.995, -0.12]] as const;
    poly(ear);
    poly(ear, true);
    for (const e of figure.electrodes) {
      const [ex, ey] = toScreen(e.at.x, e.at.y, x0, y0);
      img.disc(ex, ey, 2, BLACK);
      img.text(Math.round(ex - Raster.textWidthPx(e.name) / 2), Math.round(ey - 3 - GLYPH_HEIGHT_PX - 2), e.name, BLACK, 1, WHITE);
    }
    // colour bar
    const barY = y0 + panelSizePx + 8;
    img.text(x0, barY, figure.valueTitle, BLACK);
    const barW = panelSizePx - 20;
    for (let i = 0; i < barW; i++) img.rect(x0 + i, barY + 12, 1, 10, colours[Math.round((i / (barW - 1)) * 255)]!);
    [[0, min], [0.5, min + span / 2], [1, max]].forEach(([t, v]) => {
      const label = tick(v!);
      const tx = x0 + t! * (barW - 1);
      img.rect(tx, barY + 22, 1, 3, BLACK);
      img.text(Math.round(Math.min(x0 + barW - Raster.textWidthPx(label), Math.max(x0, tx - Raster.textWidthPx(label) / 2))), barY + 27, label, BLACK);
    });
  });
  return encodePng(img.rgb, width, height);
}
