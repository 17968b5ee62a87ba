// Whether a run fits the QEMU guest's memory, checked before it boots. A
// scenario that does not fit is OOM-killed in the guest and would be judged
// a CRASH, a verdict about the kernel that is really about our limits.
// Scenarios run one at a time, so the need is the kernel, the initramfs (held
// twice: the retained initrd and the unpacked root) and the largest scenario.
import { statSync } from 'node:fs';
import { InfraError } from '../core/errors.ts';
import type { TargetFile } from '../core/target.ts';
import { layoutOf } from '../specs/layout.ts';
import { limitOf, overLimit } from '../specs/limits.ts';
import { scenarioOf, type ScenarioRef } from '../specs/load.ts';

const MiB = 1 << 20;
/**
 * The guest kernel's own share. Measured on the baseline recipe (6.12.8,
 * tinyconfig + kconfig/uringspec.config) in a 256 MiB guest: a scenario with
 * 224 MiB of registered buffers passes, one with 240 MiB is OOM-killed.
 */
export const GUEST_KERNEL_RESERVE_MB = 32;

export class GuestMemoryError extends InfraError {}

/** Bytes a scenario's program allocates for its buffers (page-aligned, as uspec.h allocates them). */
export function scenarioMemory(ref: ScenarioRef): number {
  return layoutOf(scenarioOf(ref)).buffers.reduce((a, b) => a + Math.ceil((b.size + b.pageOffset) / 4096) * 4096, 0);
}

/** Throws GuestMemoryError when the largest scenario and the initramfs do not fit the guest. */
export function checkGuestMemory(refs: ScenarioRef[], files: TargetFile[]): void {
  const guestMB = limitOf('guestMemMB');
  const initramfs = files.reduce((a, f) => a + statSync(f.hostPath).size, 0);
  let largest: ScenarioRef | undefined;
  let largestBytes = 0;
  for (const r of refs) {
    const bytes = scenarioMemory(r);
    if (bytes > largestBytes) [largest, largestBytes] = [r, bytes];
  }
  const needMB = Math.ceil(GUEST_KERNEL_RESERVE_MB + (2 * initramfs + largestBytes) / MiB);
  if (needMB <= guestMB) return;
  const at = largest ? `${scenarioOf(largest).id} (${largest.spec.file}:${largest.spec.lineOf(['scenarios', largest.index])})` : '';
  throw new GuestMemoryError(
    overLimit(
      'guestMemMB',
      `about ${needMB}`,
      `${at ? `${at} allocates ${(largestBytes / MiB).toFixed(1)} MiB of buffers; with ` : ''}` +
        `the initramfs (${(initramfs / MiB).toFixed(1)} MiB, held twice) and ${GUEST_KERNEL_RESERVE_MB} MiB for the kernel`,
    ),
  );
}
