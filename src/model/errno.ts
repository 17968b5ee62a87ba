// Linux errno values (asm-generic/errno-base.h, errno.h) the corpus and the
// reports use: "-EFAULT" ↔ -14.
export const ERRNO: Record<string, number> = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  ENOEXEC: 8,
  EBADF: 9,
  ECHILD: 10,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  EXDEV: 18,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  ENOTTY: 25,
  EFBIG: 27,
  ENOSPC: 28,
  ESPIPE: 29,
  EROFS: 30,
  EPIPE: 32,
  ERANGE: 34,
  ENOSYS: 38,
  ETIME: 62,
  EOVERFLOW: 75,
  ENOTSOCK: 88,
  EDESTADDRREQ: 89,
  EMSGSIZE: 90,
  EPROTOTYPE: 91,
  EOPNOTSUPP: 95,
  EAFNOSUPPORT: 97,
  EADDRINUSE: 98,
  ECONNRESET: 104,
  ENOBUFS: 105,
  ENOTCONN: 107,
  ETIMEDOUT: 110,
  ECONNREFUSED: 111,
  EALREADY: 114,
  EINPROGRESS: 115,
  ECANCELED: 125,
};
const BY_NUMBER = new Map(Object.entries(ERRNO).map(([k, v]) => [v, k]));

/** "-EINVAL" → -22; undefined for an unknown name. */
export function errnoValue(name: string): number | undefined {
  const v = ERRNO[name.replace(/^-/, '')];
  return v === undefined ? undefined : -v;
}

/** -22 → "-22 (-EINVAL)"; other numbers as they are. */
export function describeRes(res: number): string {
  const n = res < 0 ? BY_NUMBER.get(-res) : undefined;
  return n ? `${res} (-${n})` : String(res);
}

export const E = (name: keyof typeof ERRNO): number => -ERRNO[name]!;
