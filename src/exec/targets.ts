// Builds the Target a command asked for: the host, or a QEMU guest on a
// kernel named by recipe or image (built or found in the cache first). QEMU
// pieces are loaded only when needed, so host runs never touch the kernel
// pipeline.
import { release } from 'node:os';
import type { Progress } from '../core/progress.ts';
import type { Target } from '../core/target.ts';
import type { BuiltKernel } from '../kernel/build.ts';
import { HostTarget } from './host-target.ts';

export type Accel = 'auto' | 'kvm' | 'tcg';

export interface TargetRequest {
  kind: 'host' | 'qemu';
  kernel?: string;
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
  /** The build behind a recipe (tree, branch, patches, gcov notes). */
  built?: BuiltKernel;
}

export async function makeTarget(req: TargetRequest): Promise<MadeTarget> {
  if (req.kind === 'host') return { target: new HostTarget(), label: `host ${release()}` };
  const { resolveKernel } = await import('../kernel/resolve-kernel.ts');
  const { QemuTarget } = await import('../vm/qemu-target.ts');
  const k = await resolveKernel(req.kernel!, {
    progress: req.progress,
    ...(req.signal ? { signal: req.signal } : {}),
    ...(req.coverageDir ? { coverage: true } : {}),
  });
  const target = new QemuTarget({
    image: k.image,
    label: k.label,
    accel: req.accel ?? 'auto',
    ...(req.workDir ? { workDir: req.workDir } : {}),
    ...(req.coverageDir ? { coverageDir: req.coverageDir } : {}),
  });
  return { target, label: k.label, image: k.image, ...(k.built ? { built: k.built } : {}) };
}
