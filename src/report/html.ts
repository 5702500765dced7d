// Assembles the self-contained report page: inline CSS, inline SVG charts, the summary table and
// the notes. No scripts, fonts, images or links to load.
import type { SummarySection } from './summary.js';

export interface ReportPage {
  title: string;
  subtitle: string;
  sections: SummarySection[];
  /** Rendered SVG strings, in display order. */
  charts: string[];
  notes: string[];
  attribution: string[];
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);
}

const CSS = `
body { font-family: Helvetica, Arial, sans-serif; margin: 24px auto; max-width: 1240px; color: #222; }
h1 { font-size: 22px; margin-bottom: 2px; }
.sub { color: #555; margin-top: 0; }
table.summary { border-collapse: collapse; margin: 12px 0 24px; font-size: 13px; }
table.summary th.group { text-align: left; background: #f0f0f0; padding: 6px 8px; font-size: 13px; }
table.summary td { padding: 3px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
table.summary td.label { color: #555; width: 260px; }
figure { margin: 0 0 28px; }
figure svg { max-width: 100%; height: auto; }
.notes { font-size: 12px; color: #444; }
.notes li { margin-bottom: 4px; }
.attribution { font-size: 11px; color: #666; border-top: 1px solid #ddd; padding-top: 8px; margin-top: 24px; }
`;

function summaryTable(sections: readonly SummarySection[]): string {
  const body = sections
    .map((s) => {
      const rows = s.rows
        .map((r) => {
          const data = r.key ? ` data-key="${escapeHtml(r.key)}"${r.raw !== undefined ? ` data-value="${r.raw === null || !Number.isFinite(r.raw) ? '' : r.raw}"` : ''}` : '';
          return `<tr${data}><td class="label">${escapeHtml(r.label)}</td><td>${escapeHtml(r.value)}</td></tr>`;
        })
        .join('\n');
      return `<tr><th class="group" colspan="2">${escapeHtml(s.title)}</th></tr>\n${rows}`;
    })
    .join('\n');
  return `<table class="summary">\n${body}\n</table>`;
}

export function reportHtml(page: ReportPage): string {
  const figures = page.charts.map((svg) => `<figure>${svg}</figure>`).join('\n');
  const notes = page.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('\n');
  const attribution =
    page.attribution.length > 0
      ? `<div class="attribution"><b>Data:</b> ${page.attribution.map(escapeHtml).join('<br>\n')}</div>`
      : '<div class="attribution">Data source not recognised; cite it as its licence requires.</div>';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(page.title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeHtml(page.title)}</h1>
<p class="sub">${escapeHtml(page.subtitle)}</p>
${summaryTable(page.sections)}
${figures}
<h2>How the numbers are made</h2>
<ul class="notes">
${notes}
</ul>
${attribution}
</body>
</html>
`;
}
