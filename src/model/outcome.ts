// What issuing one request produced, before it is placed in the prediction.
import { bufferFlags } from './cqe.ts';
import { type ByteSource, type PredictedCqe, type ResPrediction } from './prediction.ts';
import type { RuleId } from './rules.ts';
import type { Semantics } from './profiles.ts';
import type { KernelState } from './state.ts';
import type { SocketModel } from './socket.ts';
import type { Scenario, SendStep, SendZcStep } from '../specs/schema.ts';

export interface OpOutcome {
  cqes: PredictedCqe[];
  chunks: { cqe: number; sources: ByteSource[]; rule: RuleId }[];
  /** For IO_LINK: did the request fail (REQ_F_FAIL)? 'maybe' when the kernel may choose. */
  failed: boolean | 'maybe';
  /** Failed in io_init_req/prep: links then behave differently (the model does not follow). */
  initFailure: boolean;
  rules: RuleId[];
}

export interface OpContext {
  sc: Scenario;
  sem: Semantics;
  st: KernelState;
  sock: SocketModel;
}

export type SendOp = SendStep['send'];
export type SendZcOp = SendZcStep['send_zc'];

export { bufferFlags };
export const exact = (v: number): ResPrediction => ({ exact: v });

export function cqe(
  kind: PredictedCqe['kind'],
  res: ResPrediction | number,
  flags: number,
  resRule: RuleId,
  flagsRule: RuleId = resRule,
): PredictedCqe {
  // unsigned, as the kernel's u32 flags word is observed (a bid from 32768 sets bit 31)
  return { kind, res: typeof res === 'number' ? { exact: res } : res, flags: flags >>> 0, resRule, flagsRule };
}

export function isFailure(res: ResPrediction, wanted: number): boolean | 'maybe' {
  if ('exact' in res) return res.exact < 0 || res.exact < wanted;
  return res.max < 0 ? true : res.min >= wanted ? false : 'maybe';
}
