// Which patch of a series a finding appears with: the verdicts of bisection
// over the prefixes of the series (prefix 0 = the prerequisites alone, the
// baseline; prefix k = + patches 1..k; prefix n = the whole series), and the
// shapes every report shows them in. Pure: the workflow (workflows/bisect.ts)
// builds and boots the prefixes and hands the signatures here.
//
// A finding appears at the first prefix whose bisection signature
// (signature.ts bisectSignature) is the full series' own, as `git bisect`
// names the first bad commit; a prefix that did not build or boot is skipped
// as `git bisect skip` does, and when skipped prefixes sit right before the
// first one with the finding, every patch they could hide is a candidate.

import type { ProfileName } from '../model/profiles.ts';

/** A patch of the series as reports name it. */
export interface PatchRef {
  index: number;
  total: number;
  /** The bracketed tags as posted: "PATCH 6/7". */
  tags: string;
  subject: string;
  /** Its Message-ID, when the input shows one (a thread page does not). */
  messageId?: string;
}

/** One prefix of the series: built and booted, or skipped (and why). */
export interface PrefixRun {
  index: number;
  /** The kernel's label (a recipe name). */
  label: string;
  status: 'ran' | 'skipped';
  /** Skipped: "does not apply: ...", "does not build: ...", "did not boot: ...". */
  reason?: string;
  /** Build time (a cache hit takes about a second). */
  buildSeconds?: number;
  cacheHit?: boolean;
  /** Time of the boot that ran the findings' scenarios. */
  runSeconds?: number;
}

/** How one finding looked on one prefix, against the full series. */
export type PrefixOutcome =
  | 'same' // failed exactly as on the full series
  | 'other' // failed another way (a prefix without the feature fails differently)
  | 'pass' // agreed with the full series' model
  | 'skipped' // the prefix did not build or boot
  | 'no-verdict'; // the scenario gave no verdict there (error, lost, no oracle): treated as skipped

export interface FindingStep {
  prefix: number;
  outcome: PrefixOutcome;
  /** The scenario's summary on that prefix, or why the prefix was skipped. */
  detail: string;
}

export type BisectVerdict =
  | 'introduced' // first seen with `patch`, seen on every prefix after it
  | 'baseline' // already on prefix 0, seen on every prefix after it
  | 'fixed-later' // seen, gone, back: `patch` is where it came back, `seen` says where it was
  | 'skipped'; // prefixes right before the first one with it did not build or boot: any of `candidates`

/** Where the reply goes and what it quotes: the patch whose code the evidence points at, and that hunk. */
export interface Blame {
  patch: PatchRef;
  file: string;
  /** The hunk's "@@ -a,b +c,d @@ context" line. */
  hunk: string;
  /** Which rule chose it, in words ("the rule rfc.regbuf-index cites io_ubuf_from_buf of 6/7"). */
  how: string;
}

export interface FindingBisect {
  id: string;
  file: string;
  line: number;
  /** Its bisection signature on the full series. */
  signature: string;
  verdict: BisectVerdict;
  /** The patch it appears with (the one whose prefix first shows it); none for 'baseline'. */
  patch?: PatchRef;
  /** 'skipped': the patches any of which may have brought it. */
  candidates?: PatchRef[];
  /** 'fixed-later': the prefixes it was seen on before it came back for good, and the first prefix without it after it was first seen. */
  seen?: number[];
  goneAt?: number;
  blame?: Blame;
  steps: FindingStep[];
  /** One line for every report: "introduced by [PATCH 6/7] ... <Message-ID>". */
  text: string;
  /** The reply written for it, relative to the report directory. */
  mail?: string;
}

export interface BisectReport {
  /** The series under test: the cover letter's subject (else patch 1's), version, Message-ID. */
  series: { subject: string; version: number; messageId?: string; patches: PatchRef[] };
  /** The full series' kernel. */
  kernel: string;
  /** The model profile every prefix was judged with (the full series'). */
  profile: ProfileName;
  prefixes: PrefixRun[];
  findings: FindingBisect[];
}

/** "[PATCH 6/7] io_uring/kbuf: add support for mapping type KBUF_MODE_BVEC <id>" */
export function describePatch(p: PatchRef): string {
  return `[${p.tags}] ${p.subject}${p.messageId ? ` <${p.messageId}>` : ''}`;
}

/** "prefixes 2, 3" / "prefix 4". */
const prefixList = (xs: number[]) => `prefix${xs.length > 1 ? 'es' : ''} ${xs.join(', ')}`;

/**
 * The verdict for one finding from its outcome on every prefix (index =
 * prefix; the last one is the full series, 'same' by definition). Only
 * prefixes with a verdict count; the run of 'same' that reaches the full
 * series starts where the finding (re)appears.
 */
export function classify(
  outcomes: PrefixOutcome[],
  patches: PatchRef[],
): Pick<FindingBisect, 'verdict' | 'patch' | 'candidates' | 'seen' | 'goneAt'> {
  const n = outcomes.length - 1;
  const counted = (k: number) => outcomes[k] !== 'skipped' && outcomes[k] !== 'no-verdict';
  let start = n;
  for (let k = n - 1; k >= 0; k--) {
    if (!counted(k)) continue;
    if (outcomes[k] !== 'same') break;
    start = k;
  }
  if (start === 0) return { verdict: 'baseline' };
  // The last prefix with a verdict before `start` (it does not fail this way), -1 if none.
  let prev = start - 1;
  while (prev >= 0 && !counted(prev)) prev--;
  // Seen before it went away: a later patch fixed it, and `start` brought it back.
  const seen = outcomes.flatMap((o, k) => (o === 'same' && k < prev ? [k] : []));
  const history: Pick<FindingBisect, 'seen' | 'goneAt'> = seen.length
    ? { seen, goneAt: outcomes.findIndex((o, k) => k > seen[0]! && counted(k) && o !== 'same') }
    : {};
  // Skipped prefixes right before `start`: any patch after `prev` up to `start` may have brought it.
  if (prev < start - 1) return { verdict: 'skipped', candidates: patches.filter((p) => p.index > prev && p.index <= start), ...history };
  return { verdict: seen.length ? 'fixed-later' : 'introduced', patch: patches[start - 1]!, ...history };
}

/** The one-line statement every report shows for a finding. */
export function describeBisect(
  f: Pick<FindingBisect, 'verdict' | 'patch' | 'candidates' | 'seen' | 'goneAt' | 'blame'>,
  outcomes: PrefixOutcome[] = [],
): string {
  const blame =
    f.blame && f.patch && f.blame.patch.index !== f.patch.index
      ? `; the code at fault comes from ${describePatch(f.blame.patch)} (${f.blame.how})`
      : '';
  const earlier = f.seen?.length
    ? `; also seen on ${prefixList(f.seen)}, gone ${f.goneAt !== undefined && f.goneAt >= 0 ? `at prefix ${f.goneAt} (fixed by a later patch)` : 'later'}, back with this patch`
    : '';
  switch (f.verdict) {
    case 'baseline':
      return 'present on the baseline: not introduced by the series (prefix 0, the prerequisites alone, fails the same way)';
    case 'introduced':
      return `introduced by ${describePatch(f.blame?.patch ?? f.patch!)}${f.blame && f.blame.patch.index !== f.patch!.index ? `; first fails with ${describePatch(f.patch!)}, which makes it reachable (${f.blame.how})` : ''}`;
    case 'fixed-later':
      return `fixed by a later patch, then back: appears again with ${describePatch(f.patch!)}${earlier}${blame}`;
    case 'skipped': {
      const c = f.candidates!;
      // The prefix before each candidate patch, but not the last one with a verdict (it ran and does not fail this way).
      const hidden = c
        .map((p) => p.index - 1)
        .filter((k) => outcomes[k] === undefined || outcomes[k] === 'skipped' || outcomes[k] === 'no-verdict');
      // a prefix that ran but gave no verdict (no oracle there, or the scenario did not finish) is not one that failed to build
      const ranSilent = hidden.filter((k) => outcomes[k] === 'no-verdict');
      const down = hidden.filter((k) => outcomes[k] !== 'no-verdict');
      const why = [
        ...(down.length ? [`${prefixList(down)} did not build or boot (skipped, as git bisect skip does)`] : []),
        ...(ranSilent.length ? [`${prefixList(ranSilent)} ran but gave no verdict (no oracle there, or the scenario did not finish)`] : []),
      ].join('; ');
      return `introduced by one of ${c.map((p) => `${p.index}/${p.total}`).join(', ')}${hidden[0] === 0 ? ' or present on the baseline' : ''}: ${why}${earlier}`;
    }
  }
}

/** One line about the whole bisection: the series, the prefixes that ran or were skipped, where the findings came from. */
export function describePrefixes(b: BisectReport): string {
  const n = b.series.patches.length;
  const ran = b.prefixes.filter((p) => p.status === 'ran').map((p) => p.index);
  const skipped = b.prefixes.filter((p) => p.status === 'skipped');
  const tally = new Map<string, number>();
  for (const f of b.findings) {
    const where =
      f.verdict === 'baseline'
        ? 'baseline'
        : f.verdict === 'skipped'
          ? `one of ${f.candidates!.map((c) => c.index).join(',')}`
          : `${(f.blame?.patch ?? f.patch!).index}/${n}${f.verdict === 'fixed-later' ? ' (back after a fix)' : ''}`;
    tally.set(where, (tally.get(where) ?? 0) + 1);
  }
  return [
    `"${b.series.subject}" v${b.series.version}, ${n} patch${n === 1 ? '' : 'es'}, judged by model ${b.profile}`,
    b.findings.length ? `prefixes ${ran.length ? ran.join(',') : 'none'} ran` : 'nothing to bisect (no finding on the full series)',
    ...skipped.map((p) => `prefix ${p.index} skipped (${p.reason})`),
    ...(b.findings.length ? [`${b.findings.length} finding(s): ${[...tally].map(([w, c]) => `${c} from ${w}`).join(', ')}`] : []),
  ].join('; ');
}
