// The model-backed oracle: predict with the reference model for the kernel's
// profile, then judge the observation against the prediction and the pins.
import { predict } from '../model/index.ts';
import { judge } from './compare.ts';
import type { Oracle } from './runner.ts';

export const PROFILE_NAMES = ['rfc-v1', 'rfc-rev', 'baseline', 'host'] as const;
export type ProfileChoice = (typeof PROFILE_NAMES)[number];

/** Which profile describes a kernel when the user did not say: recipes name their series. */
export function profileForKernel(target: 'host' | 'qemu', kernel: string | undefined): ProfileChoice {
  if (target === 'host') return 'host';
  if (kernel && /baseline/.test(kernel)) return 'baseline';
  return 'rfc-v1';
}

export async function modelOracle(profile: ProfileChoice): Promise<Oracle> {
  const features = profile === 'host' ? await (await import('./host-probe.ts')).probeHostFeatures() : undefined;
  return {
    profile,
    predict: (sc) => predict(sc, features ?? profile),
    judge: (sc, obs) => judge(sc, obs, predict(sc, features ?? profile)),
  };
}
