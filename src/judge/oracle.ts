// The model-backed oracle: predict with the reference model for the kernel's
// profile, then judge the observation against the prediction and the pins.
import type { Observation } from '../exec/events.ts';
import { predict, type NoOracle, type Prediction, type ProfileName } from '../model/index.ts';
import type { Scenario } from '../specs/schema.ts';
import { judge } from './compare.ts';
import type { Verdict } from './verdict.ts';

export interface Oracle {
  profile: ProfileName;
  judge(sc: Scenario, obs: Observation): Verdict;
  /** The model's prediction, for reproducers that compile it into checks. */
  predict(sc: Scenario): Prediction | NoOracle;
}

/** Which profile describes a kernel when the user did not say: recipes name their series. */
export function profileForKernel(target: 'host' | 'qemu', kernel: string | undefined): ProfileName {
  if (target === 'host') return 'host';
  if (kernel && /baseline/.test(kernel)) return 'baseline';
  return 'rfc-v1';
}

export async function modelOracle(profile: ProfileName): Promise<Oracle> {
  const features = profile === 'host' ? await (await import('./host-probe.ts')).probeHostFeatures() : undefined;
  return {
    profile,
    predict: (sc) => predict(sc, features ?? profile),
    judge: (sc, obs) => judge(sc, obs, predict(sc, features ?? profile)),
  };
}
