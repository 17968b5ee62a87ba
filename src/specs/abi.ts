// How a provided buffer's 64-bit addr encodes {registered-buffer index, offset}.
// rfc-v1: patch 5/7 as posted: IOU_BUF_REGBUF_BITS = 32 (index, low bits),
//         IOU_BUF_OFFSET_BITS = 32 (offset, high bits).
// rfc-rev: the split agreed in review (Jens Axboe, 2024-10-24 22:46): 20-bit
//          index, 44-bit offset.
import type { AbiName } from './schema.ts';

export interface AbiProfile {
  name: AbiName;
  indexBits: number;
  offsetBits: number;
}

export const ABIS: Record<AbiName, AbiProfile> = {
  'rfc-v1': { name: 'rfc-v1', indexBits: 32, offsetBits: 32 },
  'rfc-rev': { name: 'rfc-rev', indexBits: 20, offsetBits: 44 },
};

export function encodeRegbufAddr(abi: AbiName, index: number, offset: number): bigint {
  const p = ABIS[abi];
  return (BigInt(offset) << BigInt(p.indexBits)) | BigInt(index);
}

/** Why {index, offset} does not fit the ABI, or undefined when it does. */
export function abiRangeError(abi: AbiName, index: number, offset: number): string | undefined {
  const p = ABIS[abi];
  if (BigInt(index) >= 1n << BigInt(p.indexBits)) return `index ${index} does not fit the ${p.indexBits}-bit index field of ABI ${abi}`;
  if (BigInt(offset) >= 1n << BigInt(p.offsetBits))
    return `offset ${offset} does not fit the ${p.offsetBits}-bit offset field of ABI ${abi}`;
  return undefined;
}
