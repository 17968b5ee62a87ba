// The HTML report's coverage section (KernelRun.coverage): the headline, a
// table of patches, each patch's diff with every added line marked (executed,
// with how many scenarios ran it; unreached, highlighted; not executable;
// superseded by a later patch), the never-executed lines per hunk, and which
// scenarios execute which patch. Every value is escaped: patch text is a
// stranger's.
import { coverageLine, percent, unreachedRanges } from '../coverage/format.ts';
import type { CoveredLine, HunkCoverage, PatchCoverage, SeriesCoverage } from '../coverage/series-coverage.ts';
import { xmlEscape as esc } from './junit.ts';

export const COVERAGE_CSS = `
.cov-diff{font:12px/1.35 monospace;border-collapse:collapse;margin:0.5em 0;width:100%}
.cov-diff td{border:none;padding:0 6px;white-space:pre;vertical-align:top}
.cov-diff td.n{color:#888;text-align:right;user-select:none;width:4em}
.cov-diff td.s{color:#666;text-align:right;width:3em;user-select:none}
.cov-diff tr.head td{color:#888;font-size:11px}
.cov-diff tr.hunk td{background:#eef3fb;color:#456;padding-top:4px}
.cov-diff tr.del td.t{background:#fbeaea;color:#a33}
.cov-diff tr.executed td.t{background:#e6f6e6}
.cov-diff tr.unreached td{background:#ffd7a8}.cov-diff tr.unreached td.t{font-weight:bold;color:#7a2e00}
.cov-diff tr.superseded td.t{color:#999;text-decoration:line-through}
.cov-diff tr.not-instrumented td.t{color:#777;background:#f3f3f3}
.cov-legend span{padding:1px 6px;margin-right:6px;font:12px monospace}
`;

const LEGEND = `<p class="cov-legend">line: in the final tree; runs: scenarios that executed it. <span style="background:#e6f6e6">executed</span><span style="background:#ffd7a8;font-weight:bold">unreached</span><span>not executable</span><span style="color:#999;text-decoration:line-through">superseded by a later patch</span><span style="background:#f3f3f3">not instrumented</span></p>`;

const ratio = (x: { executed: number; executable: number }) =>
  x.executable ? `${x.executed}/${x.executable} (${percent(x.executed, x.executable)})` : 'no executable added lines';

function lineRow(l: CoveredLine): string {
  const cls = l.kind === '-' ? 'del' : l.kind === ' ' ? 'ctx' : (l.status ?? 'not-executable');
  const sign = l.kind === ' ' ? ' ' : l.kind;
  const n = l.kind === '+' && l.final !== undefined ? String(l.final) : '';
  const s = l.status === 'executed' ? String(l.scenarios ?? '') : l.status === 'unreached' ? '0' : '';
  const title = l.kind === '+' && l.status ? ` title="${esc(l.status)}"` : '';
  return `<tr class="${esc(cls)}"${title}><td class="n">${esc(n)}</td><td class="s">${esc(s)}</td><td class="t">${esc(sign + l.text)}</td></tr>`;
}

function hunkRows(h: HunkCoverage): string[] {
  const runs = unreachedRanges(h).map(([a, b]) => `${h.file}:${a === b ? a : `${a}-${b}`}`);
  return [
    `<tr class="hunk"><td class="n"></td><td class="s"></td><td class="t">${esc(`hunk ${h.index}  ${h.file}  ${h.header}`)}${runs.length ? esc(`   unreached: ${runs.join(', ')}`) : ''}</td></tr>`,
    ...h.lines.map(lineRow),
  ];
}

function patchDetails(p: PatchCoverage, pi: number): string {
  const unreached = p.executable - p.executed;
  return [
    `<details class="cov-patch" id="cov-p${pi}"${unreached ? ' open' : ''}><summary>${esc(`${p.number} ${p.subject}`)}: ${esc(ratio(p))}${unreached ? `, <b>${unreached} unreached</b>` : ''}</summary>`,
    `<table class="cov-diff"><tr class="head"><td class="n">line</td><td class="s">runs</td><td class="t"></td></tr>`,
    ...p.hunks.flatMap(hunkRows),
    '</table></details>',
  ].join('\n');
}

export function coverageSection(c: SeriesCoverage): string[] {
  const out = [`<h3>series coverage</h3>`, `<p><b>${esc(coverageLine(c, 8))}</b></p>`];
  out.push(`<p class="meta">measured with ${esc(c.tool)} on ${esc(c.kernel)}; a line counts as executed when any scenario ran it</p>`);
  out.push('<table class="cov-patches"><tr><th>patch</th><th>added lines executed</th><th>hunks with unreached lines</th></tr>');
  c.patches.forEach((p, pi) => {
    const hunks = p.hunks.filter((h) => h.unreached.length).map((h) => h.index);
    out.push(
      `<tr><td><a href="#cov-p${pi}">${esc(`${p.number} ${p.subject}`)}</a></td><td>${esc(ratio(p))}</td><td>${esc(hunks.join(', '))}</td></tr>`,
    );
  });
  out.push('</table>', LEGEND);
  c.patches.forEach((p, pi) => out.push(patchDetails(p, pi)));
  const numbers = c.patches.map((p) => p.number);
  out.push(
    `<details class="cov-scenarios"><summary>which scenarios execute which patch (${c.scenarios.length} scenarios)</summary><table><tr><th>scenario</th>${numbers.map((n) => `<th>${esc(n)}</th>`).join('')}</tr>`,
    ...c.scenarios.map(
      (s) => `<tr><td>${esc(s.id)}</td>${numbers.map((n) => `<td>${esc(String(s.patches[n] ?? ''))}</td>`).join('')}</tr>`,
    ),
    '</table></details>',
  );
  const notes: string[] = [];
  if (c.withoutCoverage.length) notes.push(`no counters from: ${c.withoutCoverage.map((w) => `${w.id} (${w.why})`).join(', ')}`);
  if (c.notInstrumented.length)
    notes.push(`not instrumented: ${c.notInstrumented.map((f) => `${f.file} (${f.lines} added lines)`).join(', ')}`);
  if (c.unmapped.length) notes.push(`counters not mapped: ${c.unmapped.map((u) => `${u.file} (${u.why})`).join(', ')}`);
  if (c.verdictDiffs?.length)
    notes.push(
      `verdicts differ on the coverage kernel (the plain kernel's count): ${c.verdictDiffs.map((d) => `${d.id} ${d.plain} → ${d.coverage}`).join(', ')}`,
    );
  if (notes.length) out.push(`<ul class="cov-notes">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
  if (c.outside.length)
    out.push(
      `<details class="cov-outside"><summary>counted files the series does not touch (${c.outside.length})</summary><table><tr><th>file</th><th>lines executed</th></tr>`,
      ...c.outside.map((f) => `<tr><td>${esc(f.file)}</td><td>${esc(ratio(f))}</td></tr>`),
      '</table></details>',
    );
  return out;
}
