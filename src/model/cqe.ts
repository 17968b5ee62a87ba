// CQE flag bits (include/uapi/linux/io_uring.h) and the one way uringspec
// spells a flags word, in diffs, reports and the HTML timeline alike.
export const CQE_F = { BUFFER: 1 << 0, MORE: 1 << 1, SOCK_NONEMPTY: 1 << 2, NOTIF: 1 << 3, BUF_MORE: 1 << 4 } as const;
export type CqeFlagName = keyof typeof CQE_F;
/** IORING_CQE_BUFFER_SHIFT: the buffer id sits in the upper 16 bits. */
export const CQE_BUFFER_SHIFT = 16;
/** IORING_NOTIF_USAGE_ZC_COPIED as the signed 32-bit res the event line prints. */
export const NOTIF_ZC_COPIED = -0x80000000;

/** IORING_CQE_F_BUFFER with buffer id bid, as the unsigned 32-bit word the kernel posts (bids from 32768 set bit 31). */
export const bufferFlags = (bid: number): number => (CQE_F.BUFFER | (bid << CQE_BUFFER_SHIFT)) >>> 0;

const NAMES = Object.entries(CQE_F) as [CqeFlagName, number][];
const KNOWN = NAMES.reduce((a, [, b]) => a | b, 0);

/**
 * 0x30003 → "BUFFER|MORE bid=3"; 0 → "0"; unknown low bits in hex; upper bits
 * without BUFFER (no buffer id, yet not zero) as "upper=0x3", so two words that
 * differ there never read the same.
 */
export function formatCqeFlags(flags: number): string {
  const names: string[] = NAMES.filter(([, bit]) => flags & bit).map(([n]) => n);
  const unknown = flags & 0xffff & ~KNOWN;
  if (unknown) names.push(`0x${unknown.toString(16)}`);
  const upper = flags >>> CQE_BUFFER_SHIFT;
  const tail = flags & CQE_F.BUFFER ? ` bid=${upper}` : upper ? ` upper=0x${upper.toString(16)}` : '';
  return (names.length ? names.join('|') : '0') + tail;
}

/** The bits of flag names (a spec pin's `flags: [BUFFER, MORE]`). */
export const cqeFlagBits = (names: readonly CqeFlagName[]): number => names.reduce((a, n) => a | CQE_F[n], 0);
