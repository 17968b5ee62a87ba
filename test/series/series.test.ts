// Series ingestion against the real RFC thread (mbox and web page) plus
// synthetic bad inputs derived from it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSeries } from '../../src/series/read-series.ts';
import { toFormatPatch, writeFormatPatches } from '../../src/series/format-patch.ts';
import { SeriesError } from '../../src/series/schema.ts';
import { need } from '../need.ts';

const SERIES = resolve(import.meta.dirname, '../../series');
const MBOX = join(SERIES, '04-provided-registered-buffers-rfc.mbox');
const PAGE = join(SERIES, '04-provided-registered-buffers-rfc.thread.txt');
const B4 = resolve(import.meta.dirname, '../fixtures/b4/20241023_axboe_add_support_for_provided_registered_buffers.mbx');
const have = need(existsSync(MBOX) && existsSync(PAGE), {
  what: `the RFC thread (${MBOX}, ${PAGE}) is missing`,
  build: 'git checkout -- series/',
});
const tmp = () => mkdtempSync(join(tmpdir(), 'uspec-series-'));

describe.skipIf(!have)('series ingestion (RFC thread)', () => {
  it('thread page and mbox give the same 7 patches, diffs byte for byte', async () => {
    const fromMbox = await readSeries(MBOX);
    const fromPage = await readSeries(PAGE);
    expect(fromMbox.patches).toHaveLength(7);
    expect(fromPage.patches).toHaveLength(7);
    for (let i = 0; i < 7; i++) {
      const a = fromMbox.patches[i]!;
      const b = fromPage.patches[i]!;
      expect(a.index).toBe(i + 1);
      expect(b.index).toBe(i + 1);
      expect(b.subject).toBe(a.subject);
      expect(b.diff).toBe(a.diff);
      expect(b.message).toBe(a.message);
      expect(b.files).toEqual(a.files);
      expect(b.author).toEqual(a.author); // the page has no address: taken from Signed-off-by
    }
  });

  it('counts match the diffstat each patch carries', async () => {
    const text = readFileSync(MBOX, 'utf-8');
    for (const p of (await readSeries(MBOX)).patches) {
      // the summary line below "---" of the same message
      const start = text.indexOf(`Subject: [PATCH ${p.index}/7]`);
      const stat = text.slice(start).match(/(\d+) files? changed(?:, (\d+) insertions?\(\+\))?(?:, (\d+) deletions?\(-\))?/)!;
      expect([p.files.length, p.added, p.removed]).toEqual([Number(stat[1]), Number(stat[2] ?? 0), Number(stat[3] ?? 0)]);
    }
  });

  it('skips the cover letter and the replies, and stops the diff at the signature', async () => {
    const s = await readSeries(MBOX);
    expect(s.coverSubject).toBe('Add support for provided registered buffers');
    for (const p of s.patches) {
      expect(p.diff.startsWith('diff --git ')).toBe(true);
      expect(p.diff).not.toMatch(/^-- $/m);
      expect(p.diff).not.toContain('2.45.2');
    }
  });

  it('inherits vN from the cover letter (02: [PATCHSET v3 0/4] then [PATCH n/4])', async () => {
    const s = await readSeries(join(SERIES, '02-get-rid-of-io_kiocb-imu-v3.mbox'));
    expect(s.version).toBe(3);
    expect(s.patches.map((p) => p.index)).toEqual([1, 2, 3, 4]);
  });

  it('writes format-patch files that git mailinfo parses back to the same diff and author', async () => {
    const dir = tmp();
    const s = await readSeries(PAGE);
    const paths = await writeFormatPatches(s.patches, dir);
    expect(paths).toHaveLength(7);
    for (const [i, path] of paths.entries()) {
      const info = execFileSync('git', ['mailinfo', join(dir, 'msg'), join(dir, 'patch')], { input: readFileSync(path) }).toString();
      expect(info).toContain(`Author: Jens Axboe\nEmail: axboe@kernel.dk\nSubject: ${s.patches[i]!.subject}`);
      // mailinfo's patch part is everything after the message: "---", our diff, the signature
      expect(readFileSync(join(dir, 'patch'), 'utf-8')).toBe(`---\n${s.patches[i]!.diff}-- \nuringspec\n`);
    }
    // and a directory of format-patch files reads back as the same series
    const again = await readSeries(dir);
    expect(again.format).toBe('format-patch-dir');
    expect(again.patches.map((p) => p.diff)).toEqual(s.patches.map((p) => p.diff));
  });

  it('picks the newest version unless told otherwise', async () => {
    const dir = tmp();
    const s = await readSeries(MBOX);
    const v1 = s.patches.map(toFormatPatch).join('\n');
    const v2 = s.patches.map((p) => toFormatPatch({ ...p, version: 2, subject: p.subject + ' (v2)' })).join('\n');
    writeFileSync(join(dir, 'both.mbox'), v2 + '\n' + v1);
    expect((await readSeries(join(dir, 'both.mbox'))).patches[0]!.subject).toMatch(/\(v2\)$/);
    const old = await readSeries(join(dir, 'both.mbox'), { version: 1 });
    expect(old.version).toBe(1);
    expect(old.otherVersions).toEqual([2]);
    await expect(readSeries(join(dir, 'both.mbox'), { version: 5 })).rejects.toThrow(/no v5 .* versions present: v1, v2/);
  });

  it('names the series: cover subject and tags, Message-ID of the cover (a thread page shows none)', async () => {
    const s = await readSeries(MBOX);
    expect([s.coverSubject, s.coverTags, s.messageId]).toEqual([
      'Add support for provided registered buffers',
      'PATCHSET RFC 0/7',
      '20241023161522.1126423-1-axboe@kernel.dk',
    ]);
    expect((await readSeries(PAGE)).messageId).toBeUndefined();
    // no cover letter in the input: patch 1's Message-ID
    const dir = tmp();
    const text = readFileSync(MBOX, 'utf-8');
    writeFileSync(join(dir, 'no-cover.mbox'), text.split(/^(?=From mboxrd@z )/m).filter((m) => !/^Subject: \[PATCHSET/m.test(m)).join(''));
    const bare = await readSeries(join(dir, 'no-cover.mbox'));
    expect([bare.coverSubject, bare.messageId]).toEqual([undefined, '20241023161522.1126423-2-axboe@kernel.dk']);
  });

  it("reads `b4 am` output (NAME.mbx, cover letter in NAME.cover) as the archive's series", async () => {
    const [b4, archive] = [await readSeries(B4), await readSeries(MBOX)];
    expect(b4.patches.map(toFormatPatch)).toEqual(archive.patches.map(toFormatPatch));
    expect([b4.coverSubject, b4.messageId, b4.version]).toEqual([archive.coverSubject, archive.messageId, 1]);
    expect(b4.coverTags).toBe('PATCH RFC 0/7'); // b4 rewrites PATCHSET
  });

  it('rejects bad input with a clear error', async () => {
    const dir = tmp();
    // not a series at all
    await expect(readSeries(join(SERIES, 'README.md'))).rejects.toThrow(SeriesError);
    await expect(readSeries(join(SERIES, 'README.md'))).rejects.toThrow(/not a series/);
    // a file with messages but no patches: only the cover letter and the replies
    const text = readFileSync(MBOX, 'utf-8');
    const msgs = text.split(/^(?=From mboxrd@z )/m);
    const noPatches = msgs.filter((m) => !/^Subject: \[PATCH \d\/7\]/m.test(m)).join('');
    writeFileSync(join(dir, 'zero.mbox'), noPatches);
    await expect(readSeries(join(dir, 'zero.mbox'))).rejects.toThrow(/no patches in .*cover letter.*repl/);
    // a gap: drop 3/7
    writeFileSync(join(dir, 'gap.mbox'), msgs.filter((m) => !/^Subject: \[PATCH 3\/7\]/m.test(m)).join(''));
    await expect(readSeries(join(dir, 'gap.mbox'))).rejects.toThrow(/gap in numbering.*have 1,2,4,5,6,7 of 7, missing 3/);
    // an empty file, a YAML file, a mail without a patch
    writeFileSync(join(dir, 'empty.mbox'), '');
    await expect(readSeries(join(dir, 'empty.mbox'))).rejects.toThrow(/not a series: .*empty\.mbox is empty/);
    await expect(readSeries(join(import.meta.dirname, '../fixtures/basic.yaml'))).rejects.toThrow(/not a series: .*neither an mbox/);
    writeFileSync(join(dir, 'mail.mbox'), 'From a@b.c Mon Jan  1 00:00:00 2024\nFrom: A <a@b.c>\nSubject: hello\n\nno diff here\n');
    await expect(readSeries(join(dir, 'mail.mbox'))).rejects.toThrow(/no patches in .*1 message\(s\)/);
    // an empty directory and a missing path
    mkdirSync(join(dir, 'empty'));
    await expect(readSeries(join(dir, 'empty'))).rejects.toThrow(/not a series/);
    await expect(readSeries(join(dir, 'nope'))).rejects.toThrow(/cannot read/);
  });
});
