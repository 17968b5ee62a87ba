// The hunk a reply quotes, on the RFC as posted: the u16 index truncation is
// in 6/7's io_ubuf_from_buf, the rules of the model that cite a patch each
// resolve to a hunk of that patch (a citation that goes stale fails here), a
// line of the patched file maps back to its hunk, and the reply target is
// read from the thread (subject as posted, In-Reply-To, References, To/Cc).
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/model/rules.ts';
import { hunkAtLine, hunkForNames, hunksOf, quoteHunk } from '../../src/series/hunks.ts';
import { readSeries } from '../../src/series/read-series.ts';
import { messageAt, replyTarget } from '../../src/series/reply-to.ts';
import { ruleCitations } from '../../src/workflows/bisect.ts';

const RFC = 'series/04-provided-registered-buffers-rfc.mbox';
const series = await readSeries(RFC);

describe('hunks of the RFC', () => {
  it('every patch keeps the Message-ID it was posted with', () => {
    expect(series.patches.map((p) => p.messageId)).toEqual(
      Array.from({ length: 7 }, (_, i) => `20241023161522.1126423-${i + 2}-axboe@kernel.dk`),
    );
  });

  it("io_ubuf_from_buf is defined in 6/7's kbuf.c hunk, and the quote is that function with its u16 idx", () => {
    const hunks = hunksOf(series.patches[5]!);
    // 6/7: "io_uring/kbuf.c | 170 ++++, io_uring/kbuf.h | 9 ++-, io_uring/net.c | 10 +--" in 10, 1 and 2 hunks.
    expect(hunks.map((h) => h.file)).toEqual([...Array<string>(10).fill('io_uring/kbuf.c'), 'io_uring/kbuf.h', 'io_uring/net.c', 'io_uring/net.c']);
    const c = hunkForNames(hunks, ['io_ubuf_from_buf'])!;
    expect(c.how).toBe('defines');
    expect(c.hunk.header).toMatch(/^@@ -117,20 \+118,135 @@ static void __user \*io_provided_buffer_select/);
    const q = quoteHunk(c.hunk, c.at);
    expect(q.slice(0, 5)).toEqual([
      '--- a/io_uring/kbuf.c',
      '+++ b/io_uring/kbuf.c',
      c.hunk.header,
      '[...]',
      '+static struct io_mapped_ubuf *io_ubuf_from_buf(struct io_ring_ctx *ctx,',
    ]);
    expect(q).toContain('+\tu16 idx;');
    expect(q[q.length - 2]).toBe('+}');
    expect(q[q.length - 1]).toBe('[...]');
  });

  it('a line of the patched file maps to the hunk that holds it; lines outside every hunk do not', () => {
    const hunks = hunksOf(series.patches[5]!);
    // "+static struct io_mapped_ubuf *io_ubuf_from_buf(" is the 4th line of the hunk starting at +118.
    const hit = hunkAtLine(hunks, 'io_uring/kbuf.c', 121)!;
    expect(hit.hunk.lines[hit.at]).toBe('+static struct io_mapped_ubuf *io_ubuf_from_buf(struct io_ring_ctx *ctx,');
    expect(hunkAtLine(hunks, 'io_uring/kbuf.c', 5)).toBeUndefined();
    expect(hunkAtLine(hunks, 'io_uring/rsrc.c', 121)).toBeUndefined();
  });

  it('every model rule that cites a patch of the RFC names code that patch defines or changes', () => {
    const cited = Object.entries(RULES).flatMap(([id, r]) => ruleCitations(r.source).flatMap((c) => (c.patch ? [{ id, ...c }] : [])));
    expect(cited.length).toBeGreaterThan(8);
    for (const c of cited) {
      const choice = hunkForNames(hunksOf(series.patches[c.patch! - 1]!), c.names, c.hints);
      expect(choice, `${c.id}: patch ${c.patch}/7 has no hunk for ${c.names.join(', ')}`).toBeDefined();
    }
    expect(ruleCitations(RULES['rfc.regbuf-index'].source)[0]).toMatchObject({ patch: 6, names: ['io_ubuf_from_buf'] });
    // "io_buffers_select commits nbufs already mapped": of the two hunks inside io_buffers_select, the one that commits them.
    const c = ruleCitations(RULES['rfc.map-fail-no-commit'].source)[1]!;
    expect(c).toEqual({ patch: 6, names: ['io_buffers_select'], hints: ['commit', 'nbuf', 'already', 'mapped'] });
    const commit = hunkForNames(hunksOf(series.patches[5]!), c.names, c.hints)!;
    expect(commit.hunk.lines).toContain('+\t\t\tio_kbuf_commit(req, bl, arg->out_len, nbufs);');
  });
});

describe('the reply target', () => {
  it('a reply to 6/7: its subject as posted, In-Reply-To it, References the thread, To the author, Cc the list', async () => {
    expect(await replyTarget(RFC, '20241023161522.1126423-7-axboe@kernel.dk')).toEqual({
      subject: 'Re: [PATCH 6/7] io_uring/kbuf: add support for mapping type KBUF_MODE_BVEC',
      inReplyTo: '20241023161522.1126423-7-axboe@kernel.dk',
      references: ['20241023161522.1126423-1-axboe@kernel.dk', '20241023161522.1126423-7-axboe@kernel.dk'],
      to: ['Jens Axboe <axboe@kernel.dk>'],
      cc: ['io-uring@vger.kernel.org'],
    });
    expect(await replyTarget(RFC, 'not-in-the-thread@example.org')).toBeUndefined();
  });

  it('a review message as a rule cites it (author, minute in UTC) is found in the thread', async () => {
    expect(await messageAt(RFC, 'Jens Axboe', '2024-10-24 15:11')).toEqual({
      messageId: '943cc734-e074-438a-b881-84dca3feb23c@kernel.dk',
      subject: 'Re: [PATCHSET RFC 0/7] Add support for provided registered buffers',
    });
    expect(await messageAt(RFC, 'Jens Axboe', '2024-10-24 15:12')).toBeUndefined();
  });
});
