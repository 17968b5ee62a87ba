// What the judge concludes about one scenario on one kernel, with everything
// a report shows about it. Reporters render lists of these.
import type { CrashReport, Triage } from '../core/target.ts';
import type { ObservedCqe } from '../exec/events.ts';
import type { Diff, ExpectedCqe, VerdictStatus } from './verdict.ts';

export interface ScenarioResult {
  id: string;
  title: string;
  file: string;
  line: number;
  tags: string[];
  status: VerdictStatus;
  summary: string;
  diffs: Diff[];
  pinConflicts: Diff[];
  durationMs: number;
  /** Every CQE observed, in order (user_data as a decimal string: JSON has no u64). */
  cqes: { step: number; userData: string; res: number; flags: number }[];
  /** The model's CQE timeline, when there is a prediction. */
  expected?: ExpectedCqe[];
  kernelSplats: string[];
  consoleTail?: string;
  /** The kernel crash this scenario is blamed for (its own, or one it caused in a later scenario). */
  crash?: CrashReport;
  /** How a crash was pinned on it (replays in fresh guests). */
  triage?: Triage;
  /** It ran to its end, and the scenario with this id crashed only when this one had run before it (`crash` is that one's). */
  corrupts?: string;
  /** A command that reruns just this scenario. */
  reproduce: string;
}

export function cqesForReport(cqes: ObservedCqe[]): ScenarioResult['cqes'] {
  return cqes.map((c) => ({ step: c.step, userData: c.userData.toString(), res: c.res, flags: c.flags }));
}
