// Server-side rendering of a Vega-Lite spec to an SVG string: vega-lite compiles, vega renders
// headless (renderer 'none': no canvas, no DOM, no network; text widths are estimated).
import type { TopLevelSpec } from 'vega-lite';

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [{ compile }, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  const compiled = compile(spec).spec;
  // no loader is needed: every chart carries its data inline
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
