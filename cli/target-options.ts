// The options every command that runs scenarios shares, parsed one way.
import { modelOracle, profileForKernel, PROFILE_NAMES, type ProfileChoice } from '../harness/oracle.ts';
import type { Oracle } from '../harness/runner.ts';
import { makeTarget } from '../harness/targets.ts';
import type { Progress, Target } from '../harness/target.ts';
import { UsageError } from './command.ts';

export const TARGET_OPTIONS = {
  target: { type: 'string', default: 'host' },
  kernel: { type: 'string' },
  accel: { type: 'string', default: 'auto' },
  profile: { type: 'string' },
} as const;

export const TARGET_USAGE = `  --target host|qemu      where to run (default host; --kernel implies qemu)
  --kernel R|PATH         a recipe name (sendzc-provided-rfc, baseline), a recipe file, or a bzImage
  --accel auto|kvm|tcg    qemu accelerator (default auto)
  --profile P             model profile: ${PROFILE_NAMES.join(', ')} (default: from the kernel)`;

export interface TargetValues {
  target?: string | undefined;
  kernel?: string | undefined;
  accel?: string | undefined;
  profile?: string | undefined;
}

export async function targetFromOptions(v: TargetValues, progress: Progress): Promise<{ target: Target; label: string; oracle: Oracle; kind: 'host' | 'qemu' }> {
  const kind = v.kernel ? 'qemu' : v.target;
  if (kind !== 'host' && kind !== 'qemu') throw new UsageError(`--target must be host or qemu, not "${v.target}"`);
  if (kind === 'qemu' && !v.kernel) throw new UsageError('--target qemu needs --kernel <recipe|bzImage>');
  if (!['auto', 'kvm', 'tcg'].includes(v.accel ?? 'auto')) throw new UsageError('--accel must be auto, kvm or tcg');
  if (v.profile && !PROFILE_NAMES.includes(v.profile as ProfileChoice)) throw new UsageError(`--profile must be one of ${PROFILE_NAMES.join(', ')}`);
  const profile = (v.profile as ProfileChoice | undefined) ?? profileForKernel(kind, v.kernel);
  const { target, label } = await makeTarget({ kind, ...(v.kernel ? { kernel: v.kernel } : {}), accel: (v.accel ?? 'auto') as 'auto' | 'kvm' | 'tcg', progress });
  return { target, label, oracle: await modelOracle(profile), kind };
}
