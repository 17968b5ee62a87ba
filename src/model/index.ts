// The reference model: predict(scenario, profile) → what the kernel must do,
// or NoOracle when the model does not know. Pure: no I/O, deterministic.
import type { Scenario } from '../specs/schema.ts';
import { noOracle, type NoOracle, type Prediction } from './prediction.ts';
import { semanticsOf, type HostFeatures, type ProfileName } from './profiles.ts';
import { simulate } from './simulate.ts';
import { Unpredictable } from './unpredictable.ts';

export function predict(scenario: Scenario, profile: ProfileName | HostFeatures): Prediction | NoOracle {
  const sem = semanticsOf(profile);
  if ('error' in sem) return noOracle(sem.error);
  try {
    return simulate(scenario, sem);
  } catch (e) {
    if (e instanceof Unpredictable) return noOracle(e.reason, e.unrunnable);
    throw e;
  }
}

export * from './cqe.ts';
export * from './prediction.ts';
export * from './profiles.ts';
export { RULES, ruleSource, type RuleId } from './rules.ts';
export { errnoValue, describeRes } from './errno.ts';
export { STREAM_SAFE } from './limits.ts';
