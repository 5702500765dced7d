// Human-readable rendering of an InspectReport for `weargate model inspect`.
import type { InspectReport, TensorReport } from './inspect.js';

function fmtQuant(t: TensorReport): string {
  if (!t.scale) return '';
  if (t.scale.length === 1) return `scale=${t.scale[0].toPrecision(6)} zp=${t.zeroPoint?.[0] ?? 0}`;
  // reduce, not spread: a large per-axis vector would exceed the argument limit.
  const lo = t.scale.reduce((a, b) => Math.min(a, b), Infinity), hi = t.scale.reduce((a, b) => Math.max(a, b), -Infinity);
  return `per-axis dim=${t.quantizedDimension} n=${t.scale.length} scale=[${lo.toPrecision(4)}..${hi.toPrecision(4)}]`;
}

function fmtTensor(t: TensorReport): string {
  const sig = t.shapeSignature && t.shapeSignature.some((d) => d < 0) ? ` sig=[${t.shapeSignature.join(',')}]` : '';
  return `#${t.index} ${t.name} ${t.type}[${t.shape.join(',')}]${sig}${t.constant ? ` const ${t.bytes}B` : ''}${t.variable ? ' VARIABLE' : ''} ${fmtQuant(t)}`.trimEnd();
}

function human(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

export function formatInspectReport(r: InspectReport, file: string): string {
  const lines: string[] = [];
  lines.push(`${file}: ${r.fileBytes} bytes, schema v${r.schemaVersion}, ${r.subgraphCount} subgraph(s)${r.description ? `, "${r.description}"` : ''}`);
  lines.push(`parameters: ${r.parameterCount} (${r.parameterBytes} bytes)   MACs: ${human(r.totalMacs)} (${r.totalMacs})`);
  lines.push('', 'inputs:');
  for (const t of r.inputs) lines.push(`  ${fmtTensor(t)}`);
  lines.push('outputs:');
  for (const t of r.outputs) lines.push(`  ${fmtTensor(t)}`);
  lines.push('', 'op counts: ' + Object.entries(r.opCounts).map(([k, v]) => `${k} x${v}`).join(', '));
  lines.push('ops:');
  for (const op of r.ops) {
    lines.push(`  ${String(op.index).padStart(3)} ${op.op.padEnd(22)} in=[${op.inputs.join(',')}] out=[${op.outputs.join(',')}]${op.activation ? ` act=${op.activation}` : ''}${op.macs ? ` MACs=${op.macs}` : ''}`);
  }
  lines.push('', `tensors (${r.tensors.length}):`);
  for (const t of r.tensors) lines.push(`  ${fmtTensor(t)}`);
  lines.push('', `metadata: ${r.metadataNames.length ? r.metadataNames.join(', ') : '(none)'}`);
  if (r.weargate) lines.push(`weargate metadata: ${JSON.stringify(r.weargate, null, 2).replace(/\n/g, '\n  ')}`);
  for (const s of r.signatures) lines.push(`signature ${s.key}: (${s.inputs.join(', ')}) -> (${s.outputs.join(', ')})`);
  lines.push('', 'runtime compatibility (LiteRT):');
  if (r.compatibility.length === 0) lines.push('  ok: nothing LiteRT is known to refuse');
  for (const c of r.compatibility) lines.push(`  ${c.severity === 'error' ? 'REFUSED' : 'note   '}: ${c.message}`);
  return lines.join('\n');
}
