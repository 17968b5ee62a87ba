// Where a command's scenarios run and which model judges them: the choice
// checked up front (usage errors before anything is built), opened when
// needed. Shared by run, repro, minimize and fuzz.
import { UsageError } from '../core/errors.ts';
import type { Progress } from '../core/progress.ts';
import type { KernelIdentity, Target } from '../core/target.ts';
import { makeTarget, type Accel } from '../exec/targets.ts';
import { describeOrigin, kernelOrigin, type KernelOrigin } from '../kernel/origin.ts';
import type { BuiltKernel } from '../kernel/build.ts';
import { checkCoverageKernel, NoCoverageError } from '../kernel/resolve-kernel.ts';
import { coverageWorkDir } from './coverage.ts';
import { modelOracle, profileForKernel, type Oracle } from '../judge/oracle.ts';
import { PROFILE_NAMES, type ProfileName } from '../model/profiles.ts';

export interface TargetValues {
  target?: string | undefined;
  kernel?: string | undefined;
  accel?: string | undefined;
  profile?: string | undefined;
  coverage?: boolean | undefined;
}

export interface TargetChoice {
  kind: 'host' | 'qemu';
  kernel?: string;
  accel: Accel;
  profile: ProfileName;
  /** Run on the kernel recipe's coverage variant and collect each scenario's gcov counters. */
  coverage?: boolean;
}

export interface OpenTarget {
  target: Target;
  label: string;
  identity: KernelIdentity;
  oracle: Oracle;
  kind: 'host' | 'qemu';
  /** A coverage target: its build (branch, patches, gcov notes) and the directory the counters go to, removed by dispose. */
  coverage?: { built: BuiltKernel; dir: string; dispose: () => Promise<void> };
}

/** Validates the options without touching anything. */
export function checkTargetChoice(v: TargetValues): TargetChoice {
  const kind = v.target ?? (v.kernel ? 'qemu' : 'host');
  if (kind !== 'host' && kind !== 'qemu') throw new UsageError(`--target must be host or qemu, not "${kind}"`);
  if (kind === 'qemu' && !v.kernel) throw new UsageError('--target qemu needs --kernel <recipe|bzImage>');
  if (kind === 'host' && v.kernel) throw new UsageError('--kernel goes with --target qemu');
  const accel = v.accel ?? 'auto';
  if (accel !== 'auto' && accel !== 'kvm' && accel !== 'tcg') throw new UsageError('--accel must be auto, kvm or tcg');
  if (v.profile && !(PROFILE_NAMES as readonly string[]).includes(v.profile))
    throw new UsageError(`--profile must be one of ${PROFILE_NAMES.join(', ')}`);
  if (v.coverage && kind !== 'qemu')
    throw new UsageError('--coverage measures a kernel built for it: give --kernel <recipe> (the host kernel has no gcov build)');
  const profile = (v.profile as ProfileName | undefined) ?? profileForKernel(kind, v.kernel);
  return { kind, ...(v.kernel ? { kernel: v.kernel } : {}), accel, profile, ...(v.coverage ? { coverage: true } : {}) };
}

/**
 * `fuzz`: kernel coverage is feedback by default on a recipe that has a coverage variant (the choice with
 * coverage on); anything else runs without it, with the reason (`--no-coverage` skips this).
 */
export async function withCoverageIfPossible(c: TargetChoice): Promise<{ choice: TargetChoice; without?: string }> {
  if (c.coverage) return { choice: c };
  if (c.kind !== 'qemu' || !c.kernel) return { choice: c, without: 'the host kernel has no gcov build' };
  try {
    await checkCoverageKernel(c.kernel);
  } catch (e) {
    if (e instanceof NoCoverageError) return { choice: c, without: e.message.replace(/^--coverage: /, '') };
    throw e;
  }
  return { choice: { ...c, coverage: true } };
}

/**
 * The kernel in one line for people (a reproducer's header): a recipe by its
 * Debian base and series under test, the host by uname, an image by its name.
 * The origin, when the kernel is a recipe, for the full list.
 */
export async function describeKernel(
  c: TargetChoice,
  t: Pick<OpenTarget, 'label' | 'identity'>,
): Promise<{ line: string; origin?: KernelOrigin }> {
  const origin = c.kernel ? await kernelOrigin(c.kernel) : undefined;
  if (origin) return { line: `${t.label}: ${describeOrigin(origin)}`, origin };
  return { line: t.identity.uname ? `${t.label} (${t.identity.uname})` : t.label };
}

export async function openTarget(
  c: TargetChoice,
  progress: Progress,
  signal?: AbortSignal,
  /** exec/targets.ts makeTarget unless replaced (tests inject a target that loses or breaks items). */
  make: typeof makeTarget = makeTarget,
): Promise<OpenTarget> {
  const work = c.coverage ? await coverageWorkDir() : undefined;
  try {
    const { target, label, identity, built } = await make({
      kind: c.kind,
      ...(c.kernel ? { kernel: c.kernel } : {}),
      accel: c.accel,
      progress,
      ...(signal ? { signal } : {}),
      ...(work ? { coverageDir: work.dir } : {}),
    });
    const oracle = await modelOracle(c.profile);
    return { target, label, identity, oracle, kind: c.kind, ...(work && built ? { coverage: { built, ...work } } : {}) };
  } catch (e) {
    await work?.dispose();
    throw e;
  }
}
