// The feedback sources of `uringspec fuzz` (the interface is
// specs/synth/feedback.ts): what a generated scenario reached, read from
// what every target gives. Model rules the prediction used; the observed
// outcome classes (each CQE's op, errno or sign, and flags; CQEs per request;
// the ring heads' movement as predicted); the verdict and its finding
// signature; and, on a coverage build, the lines of the series the kernel
// executed for the scenario (gcov, folded by workflows/coverage.ts).
import { CQE_F, describeRes, formatCqeFlags, NOTIF_ZC_COPIED, STREAM_SAFE, type NoOracle, type Prediction } from '../model/index.ts';
import type { Scenario } from '../specs/schema.ts';
import type { FeedbackSource } from '../specs/synth/feedback.ts';
import type { ScenarioResult } from './result.ts';
import { findingSignature } from './signature.ts';

export interface FuzzObservation {
  scenario: Scenario;
  result: ScenarioResult;
  prediction: Prediction | NoOracle;
  /** A coverage build: the series' added lines ("io_uring/kbuf.c:301") the kernel executed for this scenario. */
  lines?: ReadonlySet<string>;
}

export const ruleFeedback: FeedbackSource<FuzzObservation> = {
  name: 'rule',
  features: (o) => (o.prediction.kind === 'prediction' ? o.prediction.rules : ['no-oracle']),
};

/** "-EFAULT", "0", "pos", or "copied" for a usage notification. */
function resClass(res: number, flags: number): string {
  if (flags & CQE_F.NOTIF) return res === NOTIF_ZC_COPIED ? 'copied' : res === 0 ? '0' : 'other';
  if (res > 0) return 'pos';
  if (res === 0) return '0';
  return /\((-E\w+)\)/.exec(describeRes(res))?.[1] ?? String(res);
}

export const outcomeFeedback: FeedbackSource<FuzzObservation> = {
  name: 'outcome',
  *features({ scenario, result, prediction }) {
    const ops = new Map<string, string>();
    scenario.steps.forEach((st, i) => {
      const op = 'send_zc' in st ? ['send_zc', st.send_zc] : 'send' in st ? ['send', st.send] : undefined;
      if (op) ops.set(String(BigInt((op[1] as { user_data?: number | string }).user_data ?? i + 1)), op[0] as string);
    });
    const perRequest = new Map<string, number>();
    for (const c of result.cqes) {
      const op = ops.get(c.userData) ?? 'unknown';
      perRequest.set(c.userData, (perRequest.get(c.userData) ?? 0) + 1);
      yield `${op}:${resClass(c.res, c.flags)}:${formatCqeFlags(c.flags).replace(/ bid=\d+/, '')}`;
    }
    for (const [ud, n] of perRequest) yield `${ops.get(ud) ?? 'unknown'}:cqes=${n >= 3 ? '3+' : n}`;
    if (prediction.kind !== 'prediction') return;
    if (prediction.setupFailure) yield `setup:${prediction.setupFailure.what}:${prediction.setupFailure.res}`;
    const final = new Map<number, number>();
    for (const h of prediction.heads) final.set(h.bgid, h.head);
    for (const r of scenario.buffer_rings) {
      const head = final.get(r.bgid) ?? 0;
      yield `head:${head === 0 ? '0' : head === 1 ? '1' : head >= r.entries ? 'wrapped' : 'several'}`;
    }
  },
};

/**
 * Per predicted request: its kind (op, FIXED_BUF, BUNDLE, buffer select) with each rule its CQEs follow,
 * and on a stream socket how full its bytes make the socket (an eighth, a quarter, a half, all of what the
 * model is sure fits, or more). A rule the prediction already used elsewhere is new again for another kind
 * of request, and a send closer to filling the socket is new before one fills it: the way to a FIXED_BUF
 * bundle that must wait for room (sock.waitall), one field change at a time.
 */
export const requestFeedback: FeedbackSource<FuzzObservation> = {
  name: 'request',
  *features({ scenario, prediction }) {
    if (prediction.kind !== 'prediction') return;
    const stream = scenario.socket.type === 'tcp' || scenario.socket.type === 'unix-stream';
    const room = Math.min(scenario.socket.sndbuf ?? STREAM_SAFE, STREAM_SAFE);
    for (const r of prediction.requests) {
      const st = scenario.steps[r.step - 1];
      const op = st && 'send_zc' in st ? st.send_zc : st && 'send' in st ? st.send : undefined;
      if (!op) continue;
      const flags: readonly string[] = op.flags;
      const kind = [
        r.op,
        ...(flags.includes('FIXED_BUF') ? ['fixed'] : []),
        ...(flags.includes('BUNDLE') ? ['bundle'] : []),
        ...(op.buf_group !== undefined ? ['select'] : []),
      ].join('+');
      for (const c of r.cqes) yield `${kind}:${c.resRule}`;
      if (!stream) continue;
      const bytes = prediction.peer.chunks
        .filter((c) => c.userData === r.userData)
        .reduce((a, c) => a + c.sources.reduce((b, s) => b + s.len, 0), 0);
      if (bytes > 0)
        yield `${kind}:fill-${bytes > room ? 'over' : (['1/8', '1/4', '1/2', 'all'].find((_, i) => bytes <= room / 2 ** (3 - i)) ?? 'all')}`;
    }
  },
};

export const verdictFeedback: FeedbackSource<FuzzObservation> = {
  name: 'verdict',
  features: (o) => [findingSignature(o.result) ?? o.result.status],
};

/** Kernel coverage of the series: each added line the scenario executed is a feature (none without a coverage build). */
export const lineFeedback: FeedbackSource<FuzzObservation> = {
  name: 'line',
  features: (o) => o.lines ?? [],
};

/** The sources every fuzz run uses. */
export const FEEDBACK_SOURCES: readonly FeedbackSource<FuzzObservation>[] = [
  ruleFeedback,
  requestFeedback,
  outcomeFeedback,
  verdictFeedback,
  lineFeedback,
];
