// A self-contained HTML page: a table per kernel, and for every scenario that
// did not pass the expected and observed CQE timelines side by side (SVG),
// the differences, the console excerpt and the command that reproduces it.
import { formatCqeFlags } from '../model/cqe.ts';
import { totals, type RunReport } from './report.ts';
import { type ScenarioResult } from '../judge/result.ts';
import { xmlEscape as esc } from './junit.ts';
import { describeDiff, type Reporter } from './reporter.ts';

export class HtmlReporter implements Reporter {
  readonly format = 'html';
  readonly fileName = 'report.html';

  render(report: RunReport): string {
    const all = report.kernels.flatMap((k) => k.results);
    const t = totals(all);
    const body: string[] = [];
    body.push(`<h1>uringspec: ${t.pass}/${t.total} pass${report.incomplete ? ' <span class="bad">(incomplete)</span>' : ''}</h1>`);
    body.push(`<p class="meta">${esc(report.startedAt)}, ${(report.durationMs / 1000).toFixed(1)} s</p>`);
    for (const k of report.kernels) {
      const kt = totals(k.results);
      body.push(`<h2>${esc(k.label)}</h2>`);
      body.push(
        `<p class="meta">${esc(k.target.kind)}${k.target.accel ? ` (${esc(k.target.accel)})` : ''}, kernel ${esc(k.target.kernel)}, model ${esc(k.profile)}: ${kt.pass}/${kt.total} pass</p>`,
      );
      body.push('<table><tr><th>scenario</th><th>status</th><th>summary</th><th>ms</th></tr>');
      for (const r of k.results) {
        const anchor = `${k.label}-${r.id}`.replace(/[^a-zA-Z0-9_-]/g, '_');
        const name = r.status === 'pass' ? esc(r.id) : `<a href="#${anchor}">${esc(r.id)}</a>`;
        body.push(
          `<tr class="${r.status}"><td>${name}</td><td>${r.status}</td><td>${esc(r.status === 'pass' ? r.title : r.summary)}</td><td>${r.durationMs.toFixed(1)}</td></tr>`,
        );
      }
      body.push('</table>');
      if (k.peer?.length) {
        body.push('<h3>liburing tests</h3><table><tr><th>test</th><th>status</th><th>exit</th><th>ms</th></tr>');
        for (const p of k.peer)
          body.push(
            `<tr class="${p.status === 'skip' ? 'pass' : p.status === 'pass' ? 'pass' : 'fail'}"><td>${esc(p.test)}</td><td>${p.status}${report.regressions?.includes(p.test) && k.profile !== 'baseline' ? ' (regression)' : ''}</td><td>${p.exitCode ?? ''}</td><td>${p.durationMs.toFixed(0)}</td></tr>`,
          );
        body.push('</table>');
      }
      for (const r of k.results.filter((x) => x.status !== 'pass')) body.push(this.detail(k.label, r));
    }
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>uringspec report</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}
tr.pass td:nth-child(2){color:#070}tr.fail td:nth-child(2),tr.crash td:nth-child(2),tr.timeout td:nth-child(2),tr.error td:nth-child(2),tr.no-oracle td:nth-child(2){color:#b00;font-weight:bold}
.meta{color:#666}.bad{color:#b00}pre{background:#f6f6f6;padding:8px;overflow:auto;max-height:24em}
section{border-top:1px solid #ddd;margin-top:2em}code{background:#f0f0f0;padding:1px 4px}
</style></head><body>
${body.join('\n')}
</body></html>
`;
  }

  private detail(kernel: string, r: ScenarioResult): string {
    const anchor = `${kernel}-${r.id}`.replace(/[^a-zA-Z0-9_-]/g, '_');
    const parts = [`<section id="${anchor}"><h3>${esc(r.id)} <small>(${esc(kernel)}, ${r.status})</small></h3>`];
    parts.push(`<p>${esc(r.title)} — <code>${esc(r.file)}:${r.line}</code></p>`);
    parts.push(`<p><b>${esc(r.summary)}</b></p>`);
    if (r.diffs.length) parts.push(`<ul>${r.diffs.map((d) => `<li>${esc(describeDiff(d))}</li>`).join('')}</ul>`);
    parts.push(timelineSvg(r));
    if (r.kernelSplats.length) parts.push(`<h4>kernel log</h4><pre>${esc(r.kernelSplats.join('\n'))}</pre>`);
    if (r.consoleTail) parts.push(`<h4>console</h4><pre>${esc(r.consoleTail)}</pre>`);
    parts.push(`<p>reproduce: <code>${esc(r.reproduce)}</code></p></section>`);
    return parts.join('\n');
  }
}

/** Expected (left) and observed (right) CQEs as two columns of boxes; differing rows in red. */
export function timelineSvg(r: ScenarioResult): string {
  const expected = (r.expected ?? []).map((c) => `ud=${c.userData} res=${c.res} ${c.flags}`);
  const observed = r.cqes.map((c) => `ud=${c.userData} res=${c.res} ${formatCqeFlags(c.flags)}`);
  const rows = Math.max(expected.length, observed.length, 1);
  const w = 360,
    h = 26,
    top = 30;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * w + 40}" height="${top + rows * (h + 6) + 10}" role="img" aria-label="CQE timeline of ${esc(r.id)}">`,
  ];
  svg.push(
    `<text x="10" y="18" font-weight="bold">expected (model${r.expected ? '' : ': no prediction'})</text><text x="${w + 30}" y="18" font-weight="bold">observed</text>`,
  );
  for (let i = 0; i < rows; i++) {
    const y = top + i * (h + 6);
    const e = expected[i],
      o = observed[i];
    const same = e !== undefined && o !== undefined && sameCqe(r, i);
    for (const [x, label] of [
      [10, e],
      [w + 30, o],
    ] as const) {
      if (label === undefined) continue;
      svg.push(
        `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="4" fill="${same ? '#e8f5e9' : '#fdecea'}" stroke="${same ? '#4caf50' : '#e53935'}"/>`,
      );
      svg.push(`<text x="${x + 8}" y="${y + 17}" font-family="monospace" font-size="12">${esc(label)}</text>`);
    }
  }
  svg.push('</svg>');
  return svg.join('');
}

function sameCqe(r: ScenarioResult, i: number): boolean {
  const e = r.expected?.[i],
    o = r.cqes[i];
  if (!e || !o) return false;
  return e.userData === o.userData && e.res === String(o.res) && e.flags === formatCqeFlags(o.flags);
}
