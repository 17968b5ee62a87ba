// A reply to the patch a finding was bisected to, as a maintainer sends it
// with `git send-email` (or pastes it into a mail client): plain text, the
// headers a reply needs (Subject "Re: " + the patch's subject as posted,
// In-Reply-To the patch's Message-ID, References the thread up to it, To
// the author and Cc everyone the patch went to, all read from the thread
// itself), then, as a reviewer writes: the hunk at issue quoted with "> ",
// what was expected and why (the model rule, the patch hunk or review mail it
// comes from), what was observed, how each prefix of the series behaved, the
// kernel it ran on, and the reproducer inline.
//
// Every line the reply writes itself is at most 72 columns (wrapText). Code
// is not: the quoted hunk and the reproducer go verbatim, as
// Documentation/process/email-clients.rst asks (a wrapped line of code no
// longer applies or compiles).
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { wrapText } from '../core/text.ts';
import type { TargetInfo } from '../core/target.ts';
import type { BisectReport, FindingBisect } from '../judge/bisect.ts';
import { baseSource, type Recipe } from '../kernel/recipe.ts';
import { generateRepro } from '../generator/repro.ts';
import { modelOracle } from '../judge/oracle.ts';
import { RULES } from '../model/rules.ts';
import { describeDiff } from '../report/reporter.ts';
import { quoteHunk } from '../series/hunks.ts';
import { messageAt, replyTarget } from '../series/reply-to.ts';
import { inMemorySpec } from '../specs/memory.ts';
import type { Scenario } from '../specs/schema.ts';
import type { BisectedFinding } from './bisect.ts';

export interface ReplyRequest {
  finding: BisectedFinding;
  bisect: BisectReport;
  /** The full series' recipe: its base, prerequisites and the series file (the thread the reply goes to). */
  recipe: Recipe;
  /** The reproducer's C, and how it was made smaller than the scenario (empty: not minimized). */
  repro: { c: string; minimized?: string[]; from: string };
  target?: TargetInfo;
}

/** A header line from a one-line value. */
// TODO(inputs): series/mail.ts formatHeader once it lands on main (one header writer).
function header(name: string, value: string): string {
  return `${name}: ${value.replace(/[\r\n\t\v\f\u2028\u2029]+/g, ' ').replace(/[\x00-\x1f\x7f]/g, '')}`;
}

/** A paragraph at 72 columns; `indent` starts every line, `hang` the lines after the first. */
const para = (text: string, indent = '', hang = indent) => wrapText(text, { first: indent, rest: hang });

/** The reply, or undefined when there is no patch message to answer (present on the baseline, or a thread without Message-IDs). */
export async function replyMail(r: ReplyRequest): Promise<string | undefined> {
  const { finding, bisect } = r;
  const quote = finding.quote;
  const seriesFile = r.recipe.patches[r.recipe.patches.length - 1]?.path;
  if (!quote?.patch.messageId || !seriesFile) return undefined;
  const to = await replyTarget(seriesFile, quote.patch.messageId);
  if (!to) return undefined;
  const f = finding.bisect;
  const res = finding.result;
  const n = bisect.series.patches.length;

  const out = [
    header('Subject', to.subject),
    header('In-Reply-To', `<${to.inReplyTo}>`),
    // Folded at the spaces between ids (RFC 5322 2.2.3), one id per line.
    `References: ${to.references.map((id) => `<${id}>`).join('\n ')}`,
    ...(to.to.length ? [header('To', to.to.join(', '))] : []),
    ...(to.cc.length ? [header('Cc', to.cc.join(', '))] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    ...para(
      `uringspec, a conformance test generator for io_uring patch series, runs scenarios on kernels built from this series and compares every CQE, buffer id, ring head and byte with a model of what the series and its review say. Bisected over the series, the failure below ${f.patch && f.patch.index !== quote.patch.index ? `first shows with ${f.patch.index}/${n}, and the code it runs into is this hunk of ${quote.patch.index}/${n}` : `comes with this patch`}:`,
    ),
    '',
    ...quoteHunk(quote.hunk, quote.at).map((l) => `> ${l}`),
    '',
    ...para(`${res.id}: ${res.title}`),
    '',
    ...observed(finding),
    '',
    ...(await why(finding, seriesFile)),
    '',
    ...para(
      `Bisection: each prefix of the series built and run (0/${n}: the base and prerequisites alone; k/${n}: patches 1 to k), judged by the model of the full series (${bisect.profile}):`,
    ),
    ...bisectionLines(f, n),
    '',
    ...para(`Verdict: ${f.text}.`),
    ...(f.blame && f.blame.patch.index === f.patch?.index ? para(`The quoted hunk: ${f.blame.how}.`) : []),
    '',
    ...kernelLines(r, to.references[0]),
    '',
    ...para(
      `Reproducer, ${r.repro.minimized?.length ? `minimized from ${r.repro.from} (${r.repro.minimized.join(', ')})` : `the scenario ${r.repro.from} as written`}. Build: gcc -O2 -o repro repro.c -luring; exit 0 pass, 1 fail (prints expected vs got), 77 skip (the kernel lacks the feature).`,
    ),
    '',
    r.repro.c.replace(/\n+$/, ''),
    '',
  ];
  return out.join('\n');
}

/** What each prefix did, consecutive prefixes that did the same thing on one line ("0-2: fails another way: ..."). */
function bisectionLines(f: FindingBisect, n: number): string[] {
  const steps = f.steps;
  const out: string[] = [];
  for (let i = 0; i < steps.length;) {
    let j = i;
    while (j + 1 < steps.length && steps[j + 1]!.outcome === steps[i]!.outcome && steps[j + 1]!.detail === steps[i]!.detail) j++;
    const s = steps[i]!;
    const range = i === j ? `${i}` : `${i}-${j}`;
    const name = `${range}/${n}${j === n ? ' (the full series)' : ''}`;
    const what =
      s.outcome === 'same'
        ? 'fails this way'
        : s.outcome === 'other'
          ? `fails another way: ${s.detail}`
          : s.outcome === 'pass'
            ? 'agrees with the model'
            : s.outcome === 'skipped'
              ? `skipped: ${s.detail}`
              : `no verdict: ${s.detail}`;
    out.push(...para(`${name}: ${what}`, '  ', '      '));
    i = j + 1;
  }
  return out;
}

/** What the kernel did: the differences (first one first), or the crash with its report. */
function observed(f: BisectedFinding): string[] {
  const r = f.result;
  if (r.status === 'crash') {
    const crash = r.crash;
    return [
      ...para(`Expected: no crash. Observed: the kernel crashed while the program ran: ${crash?.title ?? r.summary}.`),
      ...(crash?.text ? ['', ...crash.text.split('\n').slice(0, 40)] : []),
    ];
  }
  if (r.status === 'timeout') return para(`Expected: the program completes. Observed: ${r.summary}.`);
  const [first, ...rest] = r.diffs;
  if (!first) return para(`Observed: ${r.summary}.`);
  return [
    ...para(`Expected: ${first.where} ${first.field} ${first.expected}.`),
    ...para(`Observed: ${first.got}${first.note ? ` (${first.note})` : ''}.`),
    ...(rest.length ? ['', 'Also:', ...rest.slice(0, 6).flatMap((d) => para(`- ${describeDiff(d)}`, '', '  '))] : []),
  ];
}

/** The rules behind the expectation, each with the patch hunk or review message it comes from. */
async function why(f: BisectedFinding, thread: string): Promise<string[]> {
  const ids = [...new Set(f.result.diffs.flatMap((d) => (d.rule && d.rule in RULES ? [d.rule as keyof typeof RULES] : [])))];
  const out: string[] = [];
  for (const id of ids.slice(0, 3)) {
    const rule = RULES[id];
    const review = /([A-Z][\w-]+ [A-Z][\w-]+) (\d{4}-\d\d-\d\d \d\d:\d\d)/.exec(rule.source);
    const mail = review ? await messageAt(thread, review[1]!, review[2]!) : undefined;
    out.push(
      ...para(
        `Why: ${rule.says} (model rule ${id}, from ${rule.source}${mail ? `; that review message is <${mail.messageId}>, "${mail.subject}"` : ''}).`,
      ),
    );
  }
  if (out.length) return out;
  if (f.result.status === 'crash') return para('Why: nothing a program asks of io_uring may crash the kernel.');
  if (f.result.status === 'timeout') return para('Why: every request the program submits completes; none did within the time limit.');
  return para('Why: the reproducer below checks every CQE the model expects, each with its rule.');
}

/** The kernel: the base, the prerequisites, the series with its version and thread, how it ran. */
function kernelLines(r: ReplyRequest, thread: string | undefined): string[] {
  const src = baseSource(r.recipe.base);
  const before = r.recipe.patches.slice(0, -1).map((p) => basename(p.path));
  const s = r.bisect.series;
  return [
    ...para(`Debian ${src.pkg} ${src.version}${before.length ? ` + ${before.join(', ')}` : ''}`, 'Base:   ', '        '),
    ...para(`"${s.subject}" v${s.version}, ${s.patches.length} patches${thread ? `, thread <${thread}>` : ''}`, 'Series: ', '        '),
    ...para(
      `${r.target?.kind === 'host' ? `the host (${r.target.kernel})` : `QEMU${r.target?.accel ? ` (${r.target.accel})` : ''}`}, x86_64, model ${r.bisect.profile}`,
      'Ran:    ',
      '        ',
    ),
  ];
}

export interface WriteRepliesRequest {
  findings: BisectedFinding[];
  bisect: BisectReport;
  recipe: Recipe;
  /** Where the mails go (one <scenario id>.txt each). */
  dir: string;
  /** Report directory the mail paths in the report are relative to. */
  reportDir: string;
  target?: TargetInfo;
  /** Smaller scenarios failing the same way, by finding id, with the reductions that made them. */
  minimized?: Map<string, { scenario: Scenario; changes: string[] }>;
}

/** Writes a reply for every finding traced to a patch message; sets each one's `mail`. Returns the files. */
export async function writeReplies(r: WriteRepliesRequest): Promise<string[]> {
  const oracle = await modelOracle(r.bisect.profile);
  const files: string[] = [];
  for (const f of r.findings) {
    const min = r.minimized?.get(f.bisect.id);
    const spec = min ? inMemorySpec([min.scenario], f.ref.spec.file) : f.ref.spec;
    const index = min ? 0 : f.ref.index;
    const prediction = oracle.predict(spec.spec.scenarios[index]!);
    if (prediction.kind === 'no-oracle') continue;
    const c = generateRepro(spec, index, prediction, { kernel: r.bisect.kernel, profile: r.bisect.profile });
    const from = `${f.ref.spec.file}:${f.bisect.line} (${f.bisect.id})`;
    const mail = await replyMail({
      finding: f,
      bisect: r.bisect,
      recipe: r.recipe,
      repro: { c, from, ...(min ? { minimized: min.changes } : {}) },
      ...(r.target ? { target: r.target } : {}),
    });
    if (!mail) continue;
    mkdirSync(r.dir, { recursive: true });
    const file = join(r.dir, `${f.bisect.id}.txt`);
    writeFileSync(file, mail);
    f.bisect.mail = relative(r.reportDir, file);
    files.push(file);
  }
  return files;
}
