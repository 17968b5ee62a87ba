// CQE flag bits (include/uapi/linux/io_uring.h) and their report spelling,
// shared by the model's expected timeline and every reporter.
export const CQE_F = { BUFFER: 1, MORE: 2, SOCK_NONEMPTY: 4, NOTIF: 8, BUF_MORE: 16 } as const;
export const CQE_BUFFER_SHIFT = 16;

/** "BUFFER|MORE|bid=3", or "0" for no flags. */
export function flagNames(flags: number): string {
  const names = (Object.entries(CQE_F) as [string, number][]).filter(([, bit]) => flags & bit).map(([n]) => n);
  if (flags & CQE_F.BUFFER) names.push(`bid=${flags >>> CQE_BUFFER_SHIFT}`);
  return names.join('|') || '0';
}
