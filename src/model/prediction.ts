// What the model says a kernel will do with a scenario. Plain data: the
// comparator (judge/compare.ts) reads it, tests deep-compare it.
import type { RuleId } from './rules.ts';

/** A result the kernel may choose within limits, or an exact one. */
export type ResPrediction = { exact: number } | { min: number; max: number };

export interface PredictedCqe {
  /** result: the request's (first) completion; more: a bundle round with F_MORE before the final; notif: the zero-copy notification. */
  kind: 'result' | 'more' | 'notif';
  res: ResPrediction;
  /** The whole flags word, buffer id bits included. */
  flags: number;
  resRule: RuleId;
  flagsRule: RuleId;
}

export interface PredictedRequest {
  step: number;
  userData: bigint;
  op: 'send' | 'send_zc';
  /** In the order the kernel posts them. */
  cqes: PredictedCqe[];
  /**
   * The rule a missing first CQE breaks when it is not the result's own: a
   * drained request after others completes only once they have (sqe.drain).
   */
  completesRule?: RuleId;
}

/** Bytes of one layout buffer (BufferDesc.name) or of a registered buffer by index. */
export interface ByteSource {
  buffer: string;
  offset: number;
  len: number;
}

/** What one CQE's res worth of bytes is: the first res bytes of `sources`, concatenated. */
export interface PeerChunk {
  userData: bigint;
  /** Index into that request's cqes. */
  cqe: number;
  sources: ByteSource[];
  rule: RuleId;
}

export interface Prediction {
  kind: 'prediction';
  profile: string;
  setupFailure?: { what: string; res: number; rule: RuleId };
  requests: PredictedRequest[];
  /**
   * 'submission': result CQEs of different requests come in submission order
   * (all complete inline); 'any': only the per-request order holds.
   */
  resultOrder: 'submission' | 'any';
  /** Ring heads at each step that reports them (after wait steps, and steps.length + 1 at the end). */
  heads: { step: number; bgid: number; head: number; rule: RuleId }[];
  peer: { datagram: boolean; chunks: PeerChunk[] };
  /** Every rule the prediction used, sorted. */
  rules: RuleId[];
}

export interface NoOracle {
  kind: 'no-oracle';
  reason: string;
  /** The scenario program cannot run it as written either (it would stop with a harness error): a fuzzer never runs it. */
  unrunnable?: true;
}

export const noOracle = (reason: string, unrunnable = false): NoOracle => ({
  kind: 'no-oracle',
  reason,
  ...(unrunnable ? { unrunnable: true as const } : {}),
});

export function resContains(p: ResPrediction, v: number): boolean {
  return 'exact' in p ? p.exact === v : v >= p.min && v <= p.max;
}

export function resToString(p: ResPrediction): string {
  return 'exact' in p ? String(p.exact) : `${p.min}..${p.max}`;
}
