// A self-contained HTML page a person reads: per kernel, the scenarios that
// did not pass first (worst first), the passes folded away; for each that did
// not pass, the model's CQEs and the observed ones side by side (SVG), the
// differences, the kernel log, the console excerpt and the command that
// reproduces it. Every value from a report is escaped: titles, summaries and
// console text are hostile strings (and `report merge` reads reports from files).
import { formatCqeFlags } from '../model/cqe.ts';
import { STATUS_ORDER } from '../judge/verdict.ts';
import { type ScenarioResult } from '../judge/result.ts';
import { describePrefixes } from '../judge/bisect.ts';
import { bisectOf, totals, type KernelRun, type RunReport } from './report.ts';
import { xmlEscape as esc } from './junit.ts';
import { describeDiff, type Reporter } from './reporter.ts';
import { closingLine } from './terminal.ts';
import { COVERAGE_CSS, coverageSection } from './coverage-html.ts';

const ms = (n: number, digits: number) => esc((Number(n) || 0).toFixed(digits));
const anchorOf = (ki: number, id: string) => `k${ki}-${id.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
const worstFirst = (a: ScenarioResult, b: ScenarioResult) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status);

export class HtmlReporter implements Reporter {
  readonly format = 'html';
  readonly fileName = 'report.html';

  render(report: RunReport): string {
    const body: string[] = [];
    body.push(`<h1>uringspec: ${esc(closingLine(report))}</h1>`);
    body.push(`<p class="meta">${esc(report.startedAt)}, ${ms(report.durationMs / 1000, 1)} s</p>`);
    report.kernels.forEach((k, ki) => body.push(...kernelSection(report, k, ki)));
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>uringspec report</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}
tr.pass td:nth-child(2){color:#070}tr.no-oracle td:nth-child(2){color:#a60}
tr.fail td:nth-child(2),tr.crash td:nth-child(2),tr.timeout td:nth-child(2),tr.error td:nth-child(2),tr.lost td:nth-child(2){color:#b00;font-weight:bold}
.meta{color:#666}.bad{color:#b00}pre{background:#f6f6f6;padding:8px;overflow:auto;max-height:24em}
details{margin:1em 0}summary{cursor:pointer;color:#070}
section{border-top:1px solid #ddd;margin-top:2em}code{background:#f0f0f0;padding:1px 4px}
${COVERAGE_CSS}</style></head><body>
${body.join('\n')}
</body></html>
`;
  }
}

function kernelSection(report: RunReport, k: KernelRun, ki: number): string[] {
  const t = totals(k.results);
  const out = [`<h2>${esc(k.label)}</h2>`];
  out.push(
    `<p class="meta">${esc(k.target.kind)}${k.target.accel ? ` (${esc(k.target.accel)})` : ''}, kernel ${esc(k.target.kernel)}, model ${esc(k.profile)}: ${t.pass}/${t.total} pass</p>`,
  );
  if (report.incomplete) out.push(`<p class="bad">incomplete: ${esc(report.incompleteReason ?? 'interrupted')}</p>`);
  if (report.bisect?.kernel === k.label) out.push(`<p class="bisect">bisect: ${esc(describePrefixes(report.bisect))}</p>`);
  const notPassed = k.results.filter((r) => r.status !== 'pass').sort(worstFirst);
  const passed = k.results.filter((r) => r.status === 'pass');
  const row = (r: ScenarioResult) =>
    `<tr class="${esc(r.status)}"><td>${r.status === 'pass' ? esc(r.id) : `<a href="#${anchorOf(ki, r.id)}">${esc(r.id)}</a>`}</td><td>${esc(r.status)}</td><td>${esc(r.status === 'pass' ? r.title : r.summary)}</td><td>${ms(r.durationMs, 1)}</td></tr>`;
  const head = '<tr><th>scenario</th><th>status</th><th>summary</th><th>ms</th></tr>';
  if (notPassed.length) out.push(`<table class="not-passed">${head}`, ...notPassed.map(row), '</table>');
  if (passed.length)
    out.push(`<details class="passed"><summary>${passed.length} passed</summary><table>${head}`, ...passed.map(row), '</table></details>');
  if (k.peer?.length) {
    out.push('<h3>liburing tests</h3><table><tr><th>test</th><th>status</th><th>exit</th><th>ms</th></tr>');
    for (const p of k.peer) {
      const regression = report.regressions?.includes(p.test) && k.profile !== 'baseline' ? ' (regression)' : '';
      out.push(
        `<tr class="${p.status === 'pass' || p.status === 'skip' ? 'pass' : 'fail'}"><td>${esc(p.test)}</td><td>${esc(p.status)}${regression}</td><td>${esc(String(p.exitCode ?? ''))}</td><td>${ms(p.durationMs, 0)}</td></tr>`,
      );
    }
    out.push('</table>');
  }
  if (k.coverage) out.push(...coverageSection(k.coverage));
  for (const r of notPassed) out.push(detail(k.label, ki, r, bisectOf(report, k, r.id)?.text));
  return out;
}

function detail(kernel: string, ki: number, r: ScenarioResult, bisect: string | undefined): string {
  const parts = [`<section id="${anchorOf(ki, r.id)}"><h3>${esc(r.id)} <small>(${esc(kernel)}, ${esc(r.status)})</small></h3>`];
  parts.push(`<p>${esc(r.title)} — <code>${esc(r.file)}:${esc(String(r.line))}</code></p>`);
  parts.push(`<p><b>${esc(r.summary)}</b></p>`);
  if (bisect) parts.push(`<p class="bisect">${esc(bisect)}</p>`);
  if (r.diffs.length) parts.push(`<ul>${r.diffs.map((d) => `<li>${esc(describeDiff(d))}</li>`).join('')}</ul>`);
  if (r.pinConflicts.length)
    parts.push(
      `<p>pins that disagree with the model:</p><ul>${r.pinConflicts.map((d) => `<li>${esc(describeDiff(d))}</li>`).join('')}</ul>`,
    );
  parts.push(timelineSvg(r));
  if (r.kernelSplats.length) parts.push(`<h4>kernel log</h4><pre>${esc(r.kernelSplats.join('\n'))}</pre>`);
  if (r.consoleTail) parts.push(`<h4>console</h4><pre>${esc(r.consoleTail)}</pre>`);
  parts.push(`<p>reproduce: <code>${esc(r.reproduce)}</code></p></section>`);
  return parts.join('\n');
}

/** One CQE as both columns spell it: the model's res (resToString) and flags (formatCqeFlags) like the observed ones. */
const cqeText = (userData: string, res: string | number, flags: string) => `ud=${userData} res=${res} ${flags}`;

interface Box {
  text: string;
  /** undefined: nothing to compare with (no prediction). */
  ok: boolean | undefined;
  /** Arrival order of an observed CQE, from 1. */
  seq?: number;
}

/**
 * The model's CQEs (left, request by request) and the observed ones (right),
 * one row per pair the judge compared (ExpectedCqe.observed), then the observed
 * CQEs the model did not predict. Green: the pair agrees; red: it does not, or
 * one side is missing; grey: no prediction. #n is the observed arrival order.
 */
export function timelineSvg(r: ScenarioResult): string {
  const observed = (i: number, ok: boolean | undefined): Box => {
    const c = r.cqes[i]!;
    return { text: cqeText(c.userData, c.res, formatCqeFlags(c.flags)), ok, seq: i + 1 };
  };
  const paired = new Set((r.expected ?? []).flatMap((e) => (e.observed !== undefined ? [e.observed] : [])));
  const rows: [Box | undefined, Box | undefined][] = [
    ...(r.expected ?? []).map((e): [Box, Box | undefined] => [
      { text: cqeText(e.userData, e.res, e.flags), ok: e.agrees },
      e.observed !== undefined && r.cqes[e.observed] ? observed(e.observed, e.agrees) : undefined,
    ]),
    ...r.cqes.flatMap((_, i): [undefined, Box][] => (paired.has(i) ? [] : [[undefined, observed(i, r.expected ? false : undefined)]])),
  ];
  const w = 360,
    h = 26,
    top = 30;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * w + 40}" height="${top + Math.max(rows.length, 1) * (h + 6) + 10}" role="img" aria-label="CQE timeline of ${esc(r.id)}">`,
  ];
  svg.push(
    `<text x="10" y="18" font-weight="bold">expected (model${r.expected ? '' : ': no prediction'})</text><text x="${w + 30}" y="18" font-weight="bold">observed${r.cqes.length ? '' : ': no CQE'}</text>`,
  );
  const box = (x: number, y: number, b: Box, column: string) => {
    const [fill, stroke] = b.ok === undefined ? ['#f0f0f0', '#999'] : b.ok ? ['#e8f5e9', '#4caf50'] : ['#fdecea', '#e53935'];
    svg.push(`<g class="${column}"><rect x="${x}" y="${y}" width="${w}" height="${h}" rx="4" fill="${fill}" stroke="${stroke}"/>`);
    svg.push(`<text x="${x + 8}" y="${y + 17}" font-family="monospace" font-size="12">${esc(b.text)}</text>`);
    if (b.seq) svg.push(`<text x="${x + w - 8}" y="${y + 17}" text-anchor="end" font-size="11" fill="#666">#${b.seq}</text>`);
    svg.push('</g>');
  };
  rows.forEach(([e, o], i) => {
    const y = top + i * (h + 6);
    if (e) box(10, y, e, 'expected');
    if (o) box(w + 30, y, o, 'observed');
  });
  svg.push('</svg>');
  return svg.join('');
}
