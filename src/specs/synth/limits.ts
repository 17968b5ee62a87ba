// Limits the synthesizer puts boundary values at and next to. The schema's own
// ranges are read from the schema; these are the ones it cannot say: the
// page size (layout.ts), the ABI's index/offset bit widths (abi.ts), and
// whatever the caller knows besides (the model's PEEK_MAX_IMPORT, UIO_MAXIOV,
// UDP payload limit, ...: model/limits.ts, passed in by the fuzz workflow,
// since specs/ may not import the model).
import { ABIS } from '../abi.ts';
import { PAGE_SIZE } from '../layout.ts';

/** What a limit counts, so it is applied to the fields that count the same thing. */
export type LimitUnit = 'bytes' | 'entries' | 'datagrams';

export interface Limit {
  name: string;
  value: number;
  unit: LimitUnit;
}

/** What the spec side knows: pages and the encodable index/offset ranges. */
export const SPEC_LIMITS: Limit[] = [
  { name: 'PAGE', value: PAGE_SIZE, unit: 'bytes' },
  { name: '2 pages', value: 2 * PAGE_SIZE, unit: 'bytes' },
  { name: '64 KiB', value: 1 << 16, unit: 'bytes' },
];

/** Index values at and past each bit width where the ABI or the kernel's types change (u16 idx, the ABIs' index fields). */
export function indexEdges(): { label: string; value: number }[] {
  const widths = [16, ...Object.values(ABIS).map((a) => a.indexBits)];
  return edgesOf(widths);
}

/** Offset values at and past each bit width (u16, u32, the ABIs' offset fields). */
export function offsetEdges(): { label: string; value: number }[] {
  const widths = [16, 32, ...Object.values(ABIS).map((a) => a.offsetBits)];
  return edgesOf(widths);
}

function edgesOf(widths: number[]): { label: string; value: number }[] {
  const out: { label: string; value: number }[] = [];
  for (const w of [...new Set(widths)].sort((a, b) => a - b)) {
    const v = 2 ** w;
    if (v - 1 > Number.MAX_SAFE_INTEGER) continue;
    out.push({ label: `2^${w}-1`, value: v - 1 });
    if (v <= Number.MAX_SAFE_INTEGER) out.push({ label: `2^${w}`, value: v });
  }
  return out;
}
