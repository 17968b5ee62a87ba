// The guest->host channel: escaping makes forged markers harmless, the crc
// check catches corruption, partial lines wait for the rest.
import { describe, expect, it } from 'vitest';
import { crcOf, FrameStream, parseRecord, unescapeBytes } from '../../src/vm/frame-parser.ts';

// mirror of escape() in src/vm/guest/init.c
function escape(b: Buffer): string {
  let s = '';
  for (const c of b) s += c >= 0x20 && c < 0x7f && c !== 0x5c ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  return s;
}

describe('frame parser', () => {
  it('round-trips every byte value', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(unescapeBytes(escape(all))).toEqual(all);
    expect(escape(all)).not.toMatch(/[\n\r]/);
  });

  it('keeps a forged marker inside OUT data', () => {
    const forged = Buffer.from('ok\n@@USPEC END x status=exited:0 dur_us=1 crc=00000000\n');
    const s = new FrameStream();
    const evs = s.push(
      `@@USPEC BEGIN a\n@@USPEC OUT a ${escape(forged)}\n@@USPEC END a status=exited:0 dur_us=5 crc=${crcOf(forged).toString(16).padStart(8, '0')}\n`,
    );
    expect(evs.map((e) => e.kind)).toEqual(['begin', 'out', 'end']);
    const out = evs[1]!;
    expect(out.kind === 'out' && out.data.equals(forged)).toBe(true);
  });

  it('waits for the rest of a partial line and ignores \\r', () => {
    const s = new FrameStream();
    expect(s.push('@@USPEC REA')).toEqual([]);
    expect(s.push('DY 3 1\r\n@@USPEC DONE\n')).toEqual([{ kind: 'ready', items: 3, start: 1 }, { kind: 'done' }]);
  });

  it('parses END statuses and rejects malformed ones', () => {
    expect(parseRecord('@@USPEC END t status=signaled:9 dur_us=12 crc=0000abcd')).toEqual({
      kind: 'end',
      id: 't',
      status: { type: 'signaled', signal: 9 },
      durUs: 12,
      crc: 0xabcd,
    });
    expect(parseRecord('@@USPEC END t status=timeout dur_us=1 crc=00000000')).toMatchObject({ status: { type: 'timeout' } });
    expect(parseRecord('@@USPEC END t status=bogus dur_us=1 crc=00000000').kind).toBe('garbage');
    expect(parseRecord('[    1.0] random console line').kind).toBe('garbage');
  });

  it('carries gcov counters as GCDA chunks closed by GCDAEND', () => {
    const bytes = Buffer.from([0x67, 0x63, 0x64, 0x61, 0, 0, 0, 0, 0x0a, 0x5c, 0xff]);
    const s = new FrameStream();
    const evs = s.push(
      `@@USPEC GCDA sc1 root/obj/io_uring/net.gcda ${escape(bytes.subarray(0, 6))}\n` +
        `@@USPEC GCDA sc1 root/obj/io_uring/net.gcda ${escape(bytes.subarray(6))}\n` +
        `@@USPEC GCDAEND sc1 files=1 bytes=11 crc=${crcOf(bytes).toString(16).padStart(8, '0')}\n`,
    );
    expect(evs.map((e) => e.kind)).toEqual(['gcda', 'gcda', 'gcda-end']);
    const data = Buffer.concat(evs.flatMap((e) => (e.kind === 'gcda' ? [e.data] : [])));
    expect(data.equals(bytes)).toBe(true);
    expect(evs[0]).toMatchObject({ id: 'sc1', path: 'root/obj/io_uring/net.gcda' });
    expect(evs[2]).toEqual({ kind: 'gcda-end', id: 'sc1', files: 1, bytes: 11, crc: crcOf(bytes) });
    expect(parseRecord('@@USPEC GCDAEND sc1 files=x bytes=1 crc=00000000').kind).toBe('garbage');
    expect(parseRecord('@@USPEC GCDA sc1').kind).toBe('garbage');
  });

  it('uses the zlib crc32 the guest computes', () => {
    expect(crcOf(Buffer.from('123456789'))).toBe(0xcbf43926);
  });
});
