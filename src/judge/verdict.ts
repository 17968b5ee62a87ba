// What the harness concludes about one scenario on one kernel. Produced by
// judge/compare.ts (model prediction + spec pins vs observation) or by the
// runner for infrastructure outcomes (crash, timeout, program error).

export type VerdictStatus =
  | 'pass' // observation agrees with the model and every pin
  | 'fail' // a conformance failure: a diff against the model or a pin
  | 'no-oracle' // the model cannot predict this scenario (never a pass)
  | 'crash' // the kernel panicked/oopsed or the program died while it ran
  | 'timeout' // the scenario did not finish in its time limit
  | 'error' // the program could not run (infrastructure)
  | 'lost'; // the target lost it: QEMU killed from outside, or gone without a panic message (infrastructure)

/**
 * What a status means for the run, the one classification every report and
 * the exit code use: the kernel agrees; the model cannot judge (visible,
 * counted, never a failure); a conformance failure (the kernel's doing: a
 * diff, a crash or hang while the scenario ran); or infrastructure (nothing
 * was learnt about the kernel: the program could not run, the target lost it).
 */
export type Outcome = 'pass' | 'no-oracle' | 'failure' | 'infrastructure';

export const OUTCOME: Record<VerdictStatus, Outcome> = {
  pass: 'pass',
  'no-oracle': 'no-oracle',
  fail: 'failure',
  crash: 'failure',
  timeout: 'failure',
  error: 'infrastructure',
  lost: 'infrastructure',
};

/** Every status, worst first: the order reports list scenarios in. */
export const STATUS_ORDER: readonly VerdictStatus[] = ['fail', 'crash', 'timeout', 'error', 'lost', 'no-oracle', 'pass'];

export interface Diff {
  /** Which thing differs: "cqe #1 (user_data 1)", "ring 1 head", "peer bytes", "setup". */
  where: string;
  /** Which field: "res", "flags", "bid", "count", "offset 100". */
  field: string;
  expected: string;
  got: string;
  /** The model rule (patch hunk or review message) the expectation comes from, or "pin" for a spec pin. */
  rule?: string;
  /** Extra explanation, e.g. where received bytes actually came from. */
  note?: string;
}

export interface Verdict {
  status: VerdictStatus;
  diffs: Diff[];
  /** One line for the terminal. */
  summary: string;
  /** Pins in the spec that contradict the model (reported, not silently trusted). */
  pinConflicts?: Diff[];
  /** The predicted CQE timeline, for side-by-side reports (res may be a set or range, hence strings). */
  expected?: ExpectedCqe[];
}

export interface ExpectedCqe {
  /** The step whose request posts it. */
  step: number;
  userData: string;
  /** As model/prediction.ts resToString() spells it: "100", "-14" or a range "0..4096". */
  res: string;
  /** As model/cqe.ts formatCqeFlags() spells them, e.g. "BUFFER|MORE bid=3". */
  flags: string;
  /** Index into the observed CQEs (ScenarioResult.cqes) of its counterpart: the same user_data, the same position among that request's CQEs. */
  observed?: number;
  /** The counterpart exists and agrees (res within the prediction, flags equal). */
  agrees: boolean;
}
