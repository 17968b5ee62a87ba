// Host side of the guest's ttyS1 protocol (see src/vm/guest/init.c). Fed the
// byte stream as it arrives; yields one event per complete record.
import { crc32 } from 'node:zlib';

export type FrameEvent =
  | { kind: 'ready'; items: number; start: number }
  | { kind: 'begin'; id: string }
  | { kind: 'out' | 'err'; id: string; data: Buffer }
  | { kind: 'end'; id: string; status: EndStatus; durUs: number; crc: number }
  | { kind: 'klog'; id: string; line: string }
  | { kind: 'gcda-base'; path: string; data: Buffer }
  | { kind: 'gcda-base-end'; files: number; bytes: number; crc: number }
  | { kind: 'gcda'; id: string; path: string; data: Buffer }
  | { kind: 'gcda-words'; id: string; path: string; words: [index: number, value: number][] }
  | { kind: 'gcda-end'; id: string; files: number; bytes: number; crc: number }
  | { kind: 'done' }
  | { kind: 'error'; message: string }
  | { kind: 'garbage'; line: string };

export type EndStatus = { type: 'exited'; code: number } | { type: 'signaled'; signal: number } | { type: 'timeout' };

export function unescapeBytes(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && s[i + 1] === 'x' && /^[0-9a-f]{2}$/i.test(s.slice(i + 2, i + 4))) {
      out.push(parseInt(s.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      out.push(s.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(out);
}

function parseStatus(s: string): EndStatus | undefined {
  if (s === 'timeout') return { type: 'timeout' };
  const m = s.match(/^(exited|signaled):(\d+)$/);
  if (!m) return undefined;
  return m[1] === 'exited' ? { type: 'exited', code: Number(m[2]) } : { type: 'signaled', signal: Number(m[2]) };
}

export function parseRecord(line: string): FrameEvent {
  const m = line.match(/^@@USPEC (\S+)(?: (.*))?$/);
  if (!m) return { kind: 'garbage', line };
  const rest = m[2] ?? '';
  switch (m[1]) {
    case 'READY': {
      const [items, start] = rest.split(' ').map(Number);
      return { kind: 'ready', items: items ?? 0, start: start ?? 0 };
    }
    case 'BEGIN':
      return { kind: 'begin', id: rest };
    case 'OUT':
    case 'ERR': {
      const sp = rest.indexOf(' ');
      const id = sp < 0 ? rest : rest.slice(0, sp);
      return { kind: m[1] === 'OUT' ? 'out' : 'err', id, data: sp < 0 ? Buffer.alloc(0) : unescapeBytes(rest.slice(sp + 1)) };
    }
    case 'END': {
      const e = rest.match(/^(\S+) status=(\S+) dur_us=(\d+) crc=([0-9a-f]{8})$/);
      const status = e ? parseStatus(e[2]!) : undefined;
      if (!e || !status) return { kind: 'garbage', line };
      return { kind: 'end', id: e[1]!, status, durUs: Number(e[3]), crc: parseInt(e[4]!, 16) };
    }
    case 'KLOG': {
      const sp = rest.indexOf(' ');
      return {
        kind: 'klog',
        id: sp < 0 ? rest : rest.slice(0, sp),
        line: sp < 0 ? '' : unescapeBytes(rest.slice(sp + 1)).toString('utf-8'),
      };
    }
    case 'GCDA': {
      const g = /^(\S+) (\S+) (.*)$/.exec(rest);
      if (!g) return { kind: 'garbage', line };
      return { kind: 'gcda', id: g[1]!, path: g[2]!, data: unescapeBytes(g[3]!) };
    }
    case 'GCDABASE': {
      const g = /^(\S+) (.*)$/.exec(rest);
      if (!g) return { kind: 'garbage', line };
      return { kind: 'gcda-base', path: g[1]!, data: unescapeBytes(g[2]!) };
    }
    case 'GCDABASEEND': {
      const g = /^files=(\d+) bytes=(\d+) crc=([0-9a-f]{8})$/.exec(rest);
      if (!g) return { kind: 'garbage', line };
      return { kind: 'gcda-base-end', files: Number(g[1]), bytes: Number(g[2]), crc: parseInt(g[3]!, 16) };
    }
    case 'GCDAW': {
      const g = /^(\S+) (\S+) ((?:[0-9a-f]{1,8}=[0-9a-f]{1,8},)*[0-9a-f]{1,8}=[0-9a-f]{1,8})$/.exec(rest);
      if (!g) return { kind: 'garbage', line };
      const words = g[3]!.split(',').map((p): [number, number] => {
        const [w, v] = p.split('=');
        return [parseInt(w!, 16), parseInt(v!, 16)];
      });
      return { kind: 'gcda-words', id: g[1]!, path: g[2]!, words };
    }
    case 'GCDAEND': {
      const g = /^(\S+) files=(\d+) bytes=(\d+) crc=([0-9a-f]{8})$/.exec(rest);
      if (!g) return { kind: 'garbage', line };
      return { kind: 'gcda-end', id: g[1]!, files: Number(g[2]), bytes: Number(g[3]), crc: parseInt(g[4]!, 16) };
    }
    case 'DONE':
      return { kind: 'done' };
    case 'ERROR':
      return { kind: 'error', message: rest };
    default:
      return { kind: 'garbage', line };
  }
}

/** Splits the stream into lines; a partial last line waits for more bytes. */
export class FrameStream {
  private pending = '';

  push(chunk: Buffer | string): FrameEvent[] {
    // the protocol is ASCII by construction (everything else is \xHH-escaped)
    this.pending += typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    return lines
      .map((l) => l.replace(/\r$/, ''))
      .filter((l) => l.length > 0)
      .map(parseRecord);
  }
}

export function crcOf(data: Buffer): number {
  return crc32(data) >>> 0;
}
