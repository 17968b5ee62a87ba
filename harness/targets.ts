// Builds the Target a command asked for. QEMU pieces are loaded only when
// needed, so host runs never touch the kernel pipeline.
import { HostTarget } from './host-target.ts';
import type { Progress, Target } from './target.ts';
import { release } from 'node:os';

export interface TargetRequest {
  kind: 'host' | 'qemu';
  kernel?: string;
  accel?: 'auto' | 'kvm' | 'tcg';
  progress?: Progress;
}

export async function makeTarget(req: TargetRequest): Promise<{ target: Target; label: string }> {
  if (req.kind === 'host') return { target: new HostTarget(), label: `host ${release()}` };
  const { resolveKernel } = await import('../vm/resolve-kernel.ts');
  const { QemuTarget } = await import('../vm/qemu-target.ts');
  const k = await resolveKernel(req.kernel!, { progress: req.progress });
  return { target: new QemuTarget({ image: k.image, label: k.label, accel: req.accel ?? 'auto' }), label: k.label };
}
