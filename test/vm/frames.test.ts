// The guest->host channel: escaping makes forged markers harmless, the crc
// check catches corruption, partial lines wait for the rest. What the guest
// writes comes from the C of src/vm/guest/init.c itself, compiled on the host
// (test/vm/init-frames.c includes it) and read here by src/vm/frame-parser.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { cc } from '../../src/core/cc.ts';
import { crcOf, FrameStream, parseRecord, type FrameEvent } from '../../src/vm/frame-parser.ts';

let harness = '';
beforeAll(async () => {
  harness = join(mkdtempSync(join(tmpdir(), 'uspec-init-frames-')), 'init-frames');
  const r = await cc({ sources: [join(import.meta.dirname, 'init-frames.c')], out: harness, flags: ['-O2', '-Wall', '-Werror'] });
  expect(r.output).toBe('');
  expect(r.ok).toBe(true);
}, 60_000);

/** The records init.c writes for `bytes` as item `id`'s stdout (out) or as a gcov file (gcda). */
async function guestWrites(mode: 'out' | 'gcda', id: string, bytes: Buffer): Promise<string> {
  return (await execa(harness, [mode, id], { input: bytes, stripFinalNewline: false, encoding: 'latin1' })).stdout;
}
const dataOf = (evs: FrameEvent[], kind: 'out' | 'gcda') =>
  Buffer.concat(evs.flatMap((e) => (e.kind === kind ? [(e as { data: Buffer }).data] : [])));

describe('frame parser', () => {
  it("round-trips every byte value through init.c's escape(), in printable lines, with its crc", async () => {
    const all = Buffer.from(Array.from({ length: 3 * 256 }, (_, i) => i % 256));
    const text = await guestWrites('out', 'a', all);
    // one record per line, nothing but printable ASCII inside a record
    for (const line of text.split('\n').slice(0, -1)) expect(line).toMatch(/^@@USPEC [\x20-\x7e]*$/);
    const evs = new FrameStream().push(text);
    expect(evs[0]).toEqual({ kind: 'begin', id: 'a' });
    expect(dataOf(evs, 'out').equals(all)).toBe(true);
    expect(evs.at(-1)).toMatchObject({ kind: 'end', id: 'a', crc: crcOf(all) });
    // '\\' is escaped too, and a newline ends a text record
    expect(text).toContain('\\x5c');
    expect(text).toContain('\\x0a\n@@USPEC OUT a ');
  });

  it('keeps a forged marker inside OUT data', async () => {
    const forged = Buffer.from('ok\n@@USPEC END x status=exited:0 dur_us=1 crc=00000000\n@@USPEC DONE\n');
    const evs = new FrameStream().push(await guestWrites('out', 'a', forged));
    expect(evs.map((e) => e.kind)).toEqual(['begin', 'out', 'out', 'out', 'end']);
    expect(dataOf(evs, 'out').equals(forged)).toBe(true);
    expect(evs.at(-1)).toMatchObject({ kind: 'end', id: 'a', crc: crcOf(forged) });
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

  it('carries gcov counters as GCDA chunks closed by GCDAEND', async () => {
    // binary, longer than one GCDA record (1536 raw bytes), every byte value
    const bytes = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 131 + 7) % 256));
    const evs = new FrameStream().push(await guestWrites('gcda', 'sc1', bytes));
    expect(evs.map((e) => e.kind)).toEqual(['gcda', 'gcda', 'gcda', 'gcda-end']);
    expect(dataOf(evs, 'gcda').equals(bytes)).toBe(true);
    expect(evs[0]).toMatchObject({ id: 'sc1', path: 'root/obj/io_uring/net.gcda' });
    expect(evs[3]).toEqual({ kind: 'gcda-end', id: 'sc1', files: 1, bytes: 4000, crc: crcOf(bytes) });
    expect(parseRecord('@@USPEC GCDAEND sc1 files=x bytes=1 crc=00000000').kind).toBe('garbage');
    expect(parseRecord('@@USPEC GCDA sc1').kind).toBe('garbage');
  });

  it('uses the zlib crc32 the guest computes', async () => {
    expect(crcOf(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(await guestWrites('out', 'c', Buffer.from('123456789'))).toMatch(/ crc=cbf43926\n$/);
  });
});
