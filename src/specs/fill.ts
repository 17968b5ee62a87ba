// The byte a buffer holds at offset k. The generated C (generator/c/uspec.h,
// uspec_fill_byte) computes exactly the same function, so the harness and the
// model can rebuild every buffer's contents and say where received bytes came
// from. Change both together.
import type { Fill } from './schema.ts';

export function taggedByte(tag: number, k: number): number {
  let x = (Math.imul(tag, 0x9e3779b1) + Math.imul(k, 0x85ebca77)) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x2c1b3c6d) >>> 0;
  x ^= x >>> 12;
  x = Math.imul(x, 0x297a2d39) >>> 0;
  x ^= x >>> 15;
  return x & 0xff;
}

export function fillByte(fill: Fill, tag: number, k: number): number {
  if (fill === 'tagged') return taggedByte(tag, k);
  if ('byte' in fill) return fill.byte;
  if ('seq' in fill) return (fill.seq + k) & 0xff;
  const t = Buffer.from(fill.text, 'utf8');
  return t[k % t.length]!;
}

export function fillBytes(fill: Fill, tag: number, size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let k = 0; k < size; k++) b[k] = fillByte(fill, tag, k);
  return b;
}
