// Builds the Target a command asked for: the host, or a QEMU guest on a
// kernel named by recipe or image (built or found in the cache first). QEMU
// pieces are loaded only when needed, so host runs never touch the kernel
// pipeline.
import { release, version } from 'node:os';
import type { Progress } from '../core/progress.ts';
import type { KernelIdentity, Target } from '../core/target.ts';
import type { BuiltKernel } from '../kernel/build.ts';
import type { Recipe } from '../kernel/recipe.ts';
import { limitOf } from '../specs/limits.ts';
import { HostTarget } from './host-target.ts';

export type Accel = 'auto' | 'kvm' | 'tcg';

export interface TargetRequest {
  kind: 'host' | 'qemu';
  /** A recipe name or file, an image path, or a recipe built in memory. */
  kernel?: string | Recipe;
  accel?: Accel;
  progress?: Progress;
  /** QEMU: keep the initramfs and console logs here. */
  workDir?: string;
  signal?: AbortSignal;
  /** QEMU: the recipe's coverage variant; each item's gcov counters are written under this directory. */
  coverageDir?: string;
}

export interface MadeTarget {
  target: Target;
  /** Recipe name, image file name, or "host <release>". */
  label: string;
  /** The image a QEMU target boots. */
  image?: string;
  /** Which kernel exactly (recorded in reports; report merge compares it). */
  identity: KernelIdentity;
  /** The build behind a recipe (tree, branch, patches, gcov notes). */
  built?: BuiltKernel;
}

export async function makeTarget(req: TargetRequest): Promise<MadeTarget> {
  if (req.kind === 'host') {
    const label = `host ${release()}`;
    return { target: new HostTarget(), label, identity: { label, uname: `${release()} ${version()}` } };
  }
  const { resolveKernel } = await import('../kernel/resolve-kernel.ts');
  const { QemuTarget } = await import('../vm/qemu-target.ts');
  const { symbolizerFor } = await import('../kernel/symbolize.ts');
  const k = await resolveKernel(req.kernel!, {
    progress: req.progress,
    ...(req.signal ? { signal: req.signal } : {}),
    ...(req.coverageDir ? { coverage: true } : {}),
  });
  // Crash frames to source lines, from the kernel's debug info when it is at hand.
  const symbolize = symbolizerFor(k.debugImage);
  const target = new QemuTarget({
    image: k.image,
    label: k.label,
    accel: req.accel ?? 'auto',
    memMB: limitOf('guestMemMB'),
    ...(symbolize ? { symbolize } : {}),
    ...(req.workDir ? { workDir: req.workDir } : {}),
    ...(req.coverageDir ? { coverageDir: req.coverageDir } : {}),
  });
  const identity: KernelIdentity = {
    label: k.label,
    ...(k.cacheKey ? { cacheKey: k.cacheKey } : {}),
    ...(k.sha256 ? { sha256: k.sha256 } : {}),
  };
  return { target, label: k.label, image: k.image, identity, ...(k.built ? { built: k.built } : {}) };
}
