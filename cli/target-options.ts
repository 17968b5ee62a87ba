// The options every command that runs scenarios shares, parsed one way:
// checked up front (before anything is built), opened when needed.
import { modelOracle, profileForKernel, PROFILE_NAMES, type ProfileChoice } from '../harness/oracle.ts';
import type { Oracle } from '../harness/runner.ts';
import { makeTarget } from '../harness/targets.ts';
import type { Progress, Target } from '../harness/target.ts';
import { UsageError } from './command.ts';

export const TARGET_OPTIONS = {
  target: { type: 'string' },
  kernel: { type: 'string' },
  accel: { type: 'string', default: 'auto' },
  profile: { type: 'string' },
} as const;

export const TARGET_USAGE = `  --target host|qemu      where to run (default host: the running kernel; --kernel implies qemu)
  --kernel R|PATH         a recipe name (sendzc-provided-rfc, baseline), a recipe file, or a bzImage/vmlinux
  --accel auto|kvm|tcg    qemu accelerator (default auto: KVM if a probe boot works, else TCG)
  --profile P             model profile: ${PROFILE_NAMES.join(', ')} (default: from the kernel)`;

export interface TargetValues {
  target?: string | undefined;
  kernel?: string | undefined;
  accel?: string | undefined;
  profile?: string | undefined;
}

export interface TargetChoice {
  kind: 'host' | 'qemu';
  kernel?: string;
  accel: 'auto' | 'kvm' | 'tcg';
  profile: ProfileChoice;
}

/** Validates the options without touching anything: usage errors come before any build. */
export function checkTargetOptions(v: TargetValues): TargetChoice {
  const kind = v.target ?? (v.kernel ? 'qemu' : 'host');
  if (kind !== 'host' && kind !== 'qemu') throw new UsageError(`--target must be host or qemu, not "${kind}"`);
  if (kind === 'qemu' && !v.kernel) throw new UsageError('--target qemu needs --kernel <recipe|bzImage>');
  if (kind === 'host' && v.kernel) throw new UsageError('--kernel goes with --target qemu');
  const accel = v.accel ?? 'auto';
  if (accel !== 'auto' && accel !== 'kvm' && accel !== 'tcg') throw new UsageError('--accel must be auto, kvm or tcg');
  if (v.profile && !PROFILE_NAMES.includes(v.profile as ProfileChoice)) throw new UsageError(`--profile must be one of ${PROFILE_NAMES.join(', ')}`);
  const profile = (v.profile as ProfileChoice | undefined) ?? profileForKernel(kind, v.kernel);
  return { kind, ...(v.kernel ? { kernel: v.kernel } : {}), accel, profile };
}

export async function openTarget(c: TargetChoice, progress: Progress): Promise<{ target: Target; label: string; oracle: Oracle; kind: 'host' | 'qemu' }> {
  const { target, label } = await makeTarget({ kind: c.kind, ...(c.kernel ? { kernel: c.kernel } : {}), accel: c.accel, progress });
  return { target, label, oracle: await modelOracle(c.profile), kind: c.kind };
}

export async function targetFromOptions(v: TargetValues, progress: Progress): ReturnType<typeof openTarget> {
  return openTarget(checkTargetOptions(v), progress);
}
