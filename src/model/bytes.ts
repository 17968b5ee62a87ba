// Rebuilding bytes: what a layout buffer holds (specs/fill.ts, the same
// function the C side fills with), what the peer should receive, and where a
// window of received bytes actually came from.
import { fillBytes } from '../specs/fill.ts';
import type { Layout } from '../specs/layout.ts';
import type { ByteSource, PeerChunk } from './prediction.ts';

export class BufferBytes {
  private readonly cache = new Map<string, Buffer>();
  constructor(readonly layout: Layout) {}

  /** The bytes of a layout buffer by name, or undefined for an unknown name. */
  of(name: string): Buffer | undefined {
    let b = this.cache.get(name);
    if (b) return b;
    const d = this.layout.buffers.find((x) => x.name === name);
    if (!d) return undefined;
    b = fillBytes(d.fill, d.tag, d.size);
    this.cache.set(name, b);
    return b;
  }

  source(s: ByteSource): Buffer {
    const b = this.of(s.buffer);
    if (!b) throw new Error(`no buffer named ${s.buffer}`);
    return b.subarray(s.offset, s.offset + s.len);
  }

  /**
   * Where `window` occurs in any buffer, counting the zeroed bytes before a
   * buffer in its first page (uspec_alloc) as negative offsets: the longest
   * run wins. Undefined when nothing matches at least `minRun` bytes.
   */
  trace(window: Buffer, minRun = 4): { buffer: string; offset: number; run: number } | undefined {
    if (window.length < minRun) return undefined;
    let best: { buffer: string; offset: number; run: number } | undefined;
    const probe = window.subarray(0, Math.min(window.length, 16));
    for (const d of this.layout.buffers) {
      const body = this.of(d.name)!;
      const mem = d.pageOffset ? Buffer.concat([Buffer.alloc(d.pageOffset), body]) : body;
      for (let at = mem.indexOf(probe); at >= 0; at = mem.indexOf(probe, at + 1)) {
        let run = 0;
        while (run < window.length && at + run < mem.length && mem[at + run] === window[run]) run++;
        if (run >= minRun && (!best || run > best.run)) best = { buffer: d.name, offset: at - d.pageOffset, run };
        if (best && best.run === window.length) return best;
      }
    }
    return best;
  }
}

/** One stretch of the expected peer stream and the source it comes from. */
export interface ExpectedStretch {
  start: number;
  source: ByteSource;
}

/** Concatenates the first count(chunk) bytes of each chunk's sources. */
export function expectedPeer(
  bytes: BufferBytes,
  chunks: PeerChunk[],
  count: (c: PeerChunk) => number,
): { data: Buffer; map: ExpectedStretch[] } {
  const parts: Buffer[] = [];
  const map: ExpectedStretch[] = [];
  let at = 0;
  for (const c of chunks) {
    let left = Math.max(0, count(c));
    for (const s of c.sources) {
      if (left <= 0) break;
      const len = Math.min(left, s.len);
      const piece = { ...s, len };
      map.push({ start: at, source: piece });
      parts.push(bytes.source(piece));
      at += len;
      left -= len;
    }
  }
  return { data: Buffer.concat(parts), map };
}

/** "regbuf[0] offset 100" for the expected byte at stream offset `at`. */
export function expectedOrigin(map: ExpectedStretch[], at: number): string | undefined {
  const s = map.find((m) => at >= m.start && at < m.start + m.source.len);
  return s ? `${s.source.buffer} offset ${s.source.offset + (at - s.start)}` : undefined;
}
