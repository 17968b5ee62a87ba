// The only doors through which a spec value enters C source. Numbers are
// re-checked here (zod already validated them) so a bug upstream can never
// produce C that means something else; strings become fully escaped literals
// or comment text that cannot close the comment.

export class UnsafeValueError extends Error {}

/** A C string literal: printable ASCII except quote, backslash and '?' verbatim; everything else as octal escapes. */
export function cString(s: string): string {
  let out = '"';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (byte >= 0x20 && byte < 0x7f && ch !== '"' && ch !== '\\' && ch !== '?') out += ch;
    else out += '\\' + byte.toString(8).padStart(3, '0');
  }
  return out + '"';
}

/** Text for inside a /* comment *\/: one line, no comment terminator, no trigraph or non-ASCII surprises. */
export function cComment(s: string): string {
  return s
    .replace(/[^\x20-\x7e]/g, '?')
    .replace(/\*\//g, '*?/')
    .replace(/\/\*/g, '/?*')
    .replace(/\?\?/g, '?.?')
    .replace(/\\$/, '\\ ');
}

/** A non-negative integer that must be exactly representable; emitted in decimal. */
export function cUint(n: number, max = 0xffffffff): string {
  if (!Number.isSafeInteger(n) || n < 0 || n > max) throw new UnsafeValueError(`value ${n} is not an integer in [0, ${max}]`);
  return String(n);
}

export function cInt(n: number): string {
  if (!Number.isSafeInteger(n) || n < -0x80000000 || n > 0x7fffffff) throw new UnsafeValueError(`value ${n} is not a 32-bit integer`);
  return String(n);
}

/** A 64-bit unsigned constant. */
export function cU64(v: bigint | number | string): string {
  const b = BigInt(v);
  if (b < 0n || b > 0xffffffffffffffffn) throw new UnsafeValueError(`value ${String(v)} does not fit 64 bits`);
  return `0x${b.toString(16)}ULL`;
}

/** An identifier derived from a validated id ([a-z0-9_-]): '-' becomes '_'. */
export function cIdent(prefix: string, id: string): string {
  if (!/^[a-z0-9_-]+$/.test(id)) throw new UnsafeValueError(`id ${JSON.stringify(id)} cannot become a C identifier`);
  return prefix + id.replace(/-/g, '_');
}
