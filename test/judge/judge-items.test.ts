// judgeItems on what the host kernel really printed (test/fixtures/host-items.ts)
// and on the outcomes only a guest produces (crash, lost, timeout, signal,
// interrupted run, kernel splats, triage), built as the QEMU target hands them
// back: every status and summary a report shows, checked against literal text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CrashReport, ItemResult } from '../../src/core/target.ts';
import { judgeItems } from '../../src/judge/judge-items.ts';
import { modelOracle, type Oracle } from '../../src/judge/oracle.ts';
import type { ScenarioResult } from '../../src/judge/result.ts';
import { loadSpecFile, type ScenarioRef } from '../../src/specs/load.ts';
import { HOST_ITEMS, RECORDED_FILES } from '../fixtures/host-items.ts';

type Recorded = keyof typeof RECORDED_FILES;
const corpusFile = (id: Recorded) => join(import.meta.dirname, '../..', RECORDED_FILES[id]);

function refOf(id: Recorded): ScenarioRef {
  const l = loadSpecFile(corpusFile(id));
  if (!l.ok) throw new Error(`${RECORDED_FILES[id]} does not load`);
  const index = l.loaded.spec.scenarios.findIndex((s) => s.id === id);
  if (index < 0) throw new Error(`${id} is not in ${RECORDED_FILES[id]}`);
  return { spec: l.loaded, index };
}

const reproduce = (ref: ScenarioRef) => `uringspec run ${ref.spec.file} -s ${ref.spec.spec.scenarios[ref.index]!.id}`;
let rfc: Oracle;
let baseline: Oracle;
beforeAll(async () => {
  rfc = await modelOracle('rfc-v1');
  baseline = await modelOracle('baseline');
});

const one = (id: Recorded, item: Partial<ItemResult> | undefined, oracle: Oracle): ScenarioResult => {
  const results = item ? [{ ...HOST_ITEMS[id], ...item }] : [];
  const [r] = judgeItems([refOf(id)], results, oracle, reproduce);
  return r!;
};

// zc-pbuf-regbuf-basic's title: "res 50, F_BUFFER bid 0, F_MORE, notification" (the RFC); the host answered -EOPNOTSUPP.
const pbufCqes = [{ step: 2, userData: '1', res: -95, flags: 0 }];
const pbufExpected = [
  { step: 1, userData: '1', res: '50', flags: 'BUFFER|MORE bid=0', observed: 0, agrees: false },
  { step: 1, userData: '1', res: '0', flags: 'NOTIF', agrees: false },
];
const pbufDiffs = [
  { where: 'cqe 1 of user_data 1 (step 1 send_zc)', field: 'res', expected: '50', got: '-95 (-EOPNOTSUPP)', rule: 'sock.stream-full' },
  { where: 'cqe 1 of user_data 1 (step 1 send_zc)', field: 'flags', expected: 'BUFFER|MORE bid=0', got: '0', rule: 'rfc.zc-bufsel-cqe' },
  {
    where: 'cqe 2 of user_data 1 (step 1 send_zc, notification)',
    field: 'count',
    expected: 'res 0 flags NOTIF',
    got: 'missing',
    rule: 'zc.two-cqes',
  },
  { where: 'ring 1 head (step 2)', field: 'head', expected: '1', got: '0', rule: 'ring.head' },
  { where: 'peer bytes', field: 'length', expected: '50', got: '0', rule: 'rfc.regbuf-bytes' },
];

// A real crash report's shape: the frame that names the title is reliable and symbolized.
const crash: CrashReport = {
  title: 'BUG: kernel NULL pointer dereference in io_send_zc',
  headline: 'BUG: kernel NULL pointer dereference, address: 0000000000000000',
  frames: [
    { fn: 'io_send_zc', offset: '+0x92/0x3e0', where: ['io_uring/net.c:1'], reliable: false },
    { fn: 'io_send_zc', offset: '+0x92/0x3e0', where: [], reliable: true },
    { fn: 'io_send_zc', offset: '+0x92/0x3e0', reliable: true },
    { fn: 'sock_sendmsg', offset: '+0x55/0x70', where: ['net/socket.c:729'], reliable: true },
    { fn: 'io_send_zc', offset: '+0x92/0x3e0', where: ['io_uring/net.c:1466', 'io_uring/net.c:1401'], reliable: true },
  ],
  text: 'BUG: kernel NULL pointer dereference, address: 0000000000000000',
};
const splats = ['WARNING: CPU: 0 PID: 19 at io_uring/kbuf.c:57 io_kbuf_commit', 'BUG: one', 'BUG: two', 'BUG: three'];
const splatDiffs = splats.slice(0, 3).map((got) => ({ where: 'kernel log', field: 'splat', expected: 'none', got }));
const consoleFixture = readFileSync(join(import.meta.dirname, '../fixtures/console/rfc-gpf-poisoned-call-1.txt'), 'utf8');

describe('judgeItems on recorded host output', () => {
  it('a real difference from the RFC model: every field of the result', () => {
    const ref = refOf('zc-pbuf-regbuf-basic');
    const [r] = judgeItems([ref], [HOST_ITEMS['zc-pbuf-regbuf-basic']], rfc, reproduce);
    expect(r).toEqual({
      id: 'zc-pbuf-regbuf-basic',
      title: 'one ring entry naming regbuf 0 offset 100 - res 50, F_BUFFER bid 0, F_MORE, notification',
      file: corpusFile('zc-pbuf-regbuf-basic'),
      line: 6,
      tags: ['zc-provided-regbuf', 'rfc'],
      reproduce: `uringspec run ${corpusFile('zc-pbuf-regbuf-basic')} -s zc-pbuf-regbuf-basic`,
      status: 'fail',
      summary: '5 difference(s); first: cqe 1 of user_data 1 (step 1 send_zc) res: expected 50, got -95 (-EOPNOTSUPP) [sock.stream-full]',
      diffs: pbufDiffs,
      pinConflicts: [],
      durationMs: 17,
      cqes: pbufCqes,
      expected: pbufExpected,
      kernelSplats: [],
    });
  });

  it('results are matched by id and returned in the order of the refs; a scenario without a result is an error', () => {
    const refs = [refOf('send-ring-one'), refOf('zc-pbuf-regbuf-basic'), refOf('zc-plain-tcp')];
    const rs = judgeItems(refs, [HOST_ITEMS['zc-pbuf-regbuf-basic'], HOST_ITEMS['send-ring-one']], baseline, reproduce);
    expect(rs.map((r) => [r.id, r.status, r.summary])).toEqual([
      ['send-ring-one', 'pass', 'pass (baseline: 1 request(s), 1 CQE(s))'],
      ['zc-pbuf-regbuf-basic', 'pass', 'pass (baseline: 1 request(s), 1 CQE(s))'],
      ['zc-plain-tcp', 'error', 'the target returned no result for this scenario'],
    ]);
    expect(rs[2]).toEqual({
      id: 'zc-plain-tcp',
      title: 'send_zc from user memory posts res with F_MORE, then a notification',
      file: corpusFile('zc-plain-tcp'),
      line: 5,
      tags: ['zc-basic'],
      reproduce: `uringspec run ${corpusFile('zc-plain-tcp')} -s zc-plain-tcp`,
      status: 'error',
      summary: 'the target returned no result for this scenario',
      diffs: [],
      pinConflicts: [],
      durationMs: 0,
      cqes: [],
      kernelSplats: [],
    });
  });

  it('no oracle stays no-oracle without splats, and has no expected timeline', () => {
    const r = one('ring-wrap-zc', {}, baseline);
    expect(r.status).toBe('no-oracle');
    expect(r.summary).toBe('no oracle: ring 1: adding 1 entries to 2 unconsumed overflows its 2 slots');
    expect(r).not.toHaveProperty('expected');
    expect(r.cqes).toEqual([
      { step: 2, userData: '1', res: -95, flags: 0 },
      { step: 5, userData: '4', res: -95, flags: 0 },
    ]);
  });
});

describe('kernel splats while a scenario ran', () => {
  it('turn a pass into a failure, the splats (at most 3) first', () => {
    const r = one('send-ring-one', { kernelSplats: splats }, baseline);
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('kernel log: WARNING: CPU: 0 PID: 19 at io_uring/kbuf.c:57 io_kbuf_commit');
    expect(r.diffs).toEqual(splatDiffs);
    expect(r.kernelSplats).toEqual(splats);
  });

  it('turn no oracle into a failure too, and keep the differences of a failure after the splats', () => {
    expect(one('ring-wrap-zc', { kernelSplats: splats.slice(0, 1) }, baseline).status).toBe('fail');
    const f = one('zc-pbuf-regbuf-basic', { kernelSplats: splats.slice(1, 2) }, rfc);
    expect(f.status).toBe('fail');
    expect(f.summary).toBe('kernel log: BUG: one');
    expect(f.diffs).toEqual([{ where: 'kernel log', field: 'splat', expected: 'none', got: 'BUG: one' }, ...pbufDiffs]);
  });
});

describe('a program that did not end well', () => {
  it('an exit code other than 0 is an error naming it', () => {
    const r = one('send-ring-one', { exitCode: 3 }, baseline);
    expect([r.status, r.summary, r.diffs]).toEqual(['error', 'the scenario program exited with 3', []]);
    // it still shows what the model expected next to what arrived
    expect(r.expected).toEqual([{ step: 1, userData: '1', res: '64', flags: 'BUFFER bid=0', observed: 0, agrees: true }]);
  });

  it('output without its end line is an error even with exit code 0', () => {
    const stdout = HOST_ITEMS['send-ring-one'].stdout.replace(/\nend .*$/, '');
    const r = one('send-ring-one', { stdout }, baseline);
    expect([r.status, r.summary]).toEqual(['error', 'the scenario program exited with 0 before its end line']);
  });

  it('a fatal line is the summary', () => {
    const stdout = `${HOST_ITEMS['send-ring-one'].stdout.replace(/\nend .*$/, '')}\nfatal what=io_uring_queue_init errno=12\nend`;
    const r = one('send-ring-one', { stdout }, baseline);
    expect([r.status, r.summary]).toEqual(['error', 'fatal what=io_uring_queue_init errno=12']);
  });

  it('killed by a signal: a crash naming the signal, or "?" when none was reported', () => {
    const r = one('send-ring-one', { status: 'signaled', signal: 11, kernelSplats: splats }, baseline);
    expect([r.status, r.summary, r.diffs]).toEqual(['crash', 'the scenario program died with signal 11', splatDiffs]);
    expect(one('send-ring-one', { status: 'signaled' }, baseline).summary).toBe('the scenario program died with signal ?');
  });

  it('a timeout names the scenario limit', () => {
    const r = one('send-ring-one', { status: 'timeout', kernelSplats: splats.slice(0, 2) }, baseline);
    expect([r.status, r.summary, r.diffs]).toEqual(['timeout', 'no result within 5000 ms', splatDiffs.slice(0, 2)]);
  });

  it('lost: the first line of the console tail, kept in the result', () => {
    const r = one('send-ring-one', { status: 'lost', consoleTail: 'qemu: terminating on signal 15\nsecond line' }, baseline);
    expect([r.status, r.summary, r.diffs]).toEqual(['lost', 'lost: qemu: terminating on signal 15', []]);
    expect(r.consoleTail).toBe('qemu: terminating on signal 15\nsecond line');
    const bare = one('send-ring-one', { status: 'lost' }, baseline);
    expect(bare.summary).toBe('lost: the target lost this scenario');
    expect(bare).not.toHaveProperty('consoleTail');
  });

  it('never ran: an error without an expected timeline', () => {
    const r = one('send-ring-one', { status: 'missing', stdout: '', durationMs: 0 }, baseline);
    expect([r.status, r.summary, r.diffs]).toEqual(['error', 'never ran (the run was interrupted)', []]);
    expect(r).not.toHaveProperty('expected');
  });
});

describe('crashes', () => {
  const partial = HOST_ITEMS['send-ring-one'].stdout.split('\n').slice(0, 3).join('\n');

  it('a crash report is named by its title and the source line of the reliable frame the title names', () => {
    const r = one('send-ring-one', { status: 'crashed', stdout: partial, crash }, baseline);
    expect(r.status).toBe('crash');
    expect(r.summary).toBe('crash: BUG: kernel NULL pointer dereference in io_send_zc at io_uring/net.c:1466');
    expect(r.crash).toBe(crash);
    expect(r).not.toHaveProperty('corrupts');
    // what the model expected, though nothing arrived
    expect(r.expected).toEqual([{ step: 1, userData: '1', res: '64', flags: 'BUFFER bid=0', agrees: false }]);
    expect(r.cqes).toEqual([]);
  });

  it('without a symbolized frame, the title alone', () => {
    const bare = { ...crash, frames: crash.frames.slice(0, 4) };
    expect(one('send-ring-one', { status: 'crashed', crash: bare }, baseline).summary).toBe(
      'crash: BUG: kernel NULL pointer dereference in io_send_zc',
    );
  });

  it('how it was pinned on the scenario: alone, not reproduced, only after another', () => {
    const s = (triage: ItemResult['triage']) => one('send-ring-one', { status: 'crashed', crash, triage }, baseline);
    const title = 'crash: BUG: kernel NULL pointer dereference in io_send_zc at io_uring/net.c:1466';
    const alone = s({ outcome: 'alone', tries: 3, reproduced: 2 });
    expect(alone.summary).toBe(`${title} (reproduced alone in a fresh guest, 2 of 3)`);
    expect(alone.triage).toEqual({ outcome: 'alone', tries: 3, reproduced: 2 });
    expect(s({ outcome: 'not-reproduced', tries: 4, reproduced: 0 }).summary).toBe(
      `${title} (not reproduced in 4 replay(s); the run's evidence is kept)`,
    );
    expect(s({ outcome: 'after', tries: 2, reproduced: 1, after: 'zc-plain-tcp' }).summary).toBe(`${title} (only after zc-plain-tcp)`);
  });

  it('no crash report: the panic line and the io_uring frame from the console', () => {
    const r = one('send-ring-one', { status: 'crashed', consoleTail: consoleFixture }, baseline);
    expect(r.summary).toBe(
      'the kernel crashed while this scenario ran: Oops: general protection fault: 0000 [#1] (in io_uring_get_opcode+0x10/0x30)',
    );
    expect(r).not.toHaveProperty('crash');
    // a timestamped panic line, a splat that names the bug before the console does
    const stamped = consoleFixture.replace(/^Oops/m, '[   12.345678] Oops');
    expect(one('send-ring-one', { status: 'crashed', consoleTail: stamped }, baseline).summary).toBe(
      'the kernel crashed while this scenario ran: Oops: general protection fault: 0000 [#1] (in io_uring_get_opcode+0x10/0x30)',
    );
    expect(
      one(
        'send-ring-one',
        { status: 'crashed', kernelSplats: ['[    3.1] KASAN: slab-use-after-free in io_send_zc'], consoleTail: stamped },
        baseline,
      ).summary,
    ).toBe('the kernel crashed while this scenario ran: KASAN: slab-use-after-free in io_send_zc (in io_uring_get_opcode+0x10/0x30)');
    // frame lines carry the timestamp too, before their "? "
    const frames =
      '[    5.000001] BUG: kernel NULL pointer dereference, address: 0000000000000008\n[    5.000300]  ? io_send_zc+0x92/0x3e0';
    expect(one('send-ring-one', { status: 'crashed', consoleTail: frames }, baseline).summary).toBe(
      'the kernel crashed while this scenario ran: BUG: kernel NULL pointer dereference, address: 0000000000000008 (in io_send_zc+0x92/0x3e0)',
    );
  });

  it('a serial console line ending in a carriage return', () => {
    const tail = 'BUG: kernel NULL pointer dereference, address: 0000000000000000\r\n io_send_zc+0x92/0x3e0\r';
    expect(one('send-ring-one', { status: 'crashed', consoleTail: tail }, baseline).summary).toBe(
      'the kernel crashed while this scenario ran: BUG: kernel NULL pointer dereference, address: 0000000000000000 (in io_send_zc+0x92/0x3e0)',
    );
  });

  it('a panic without a bug line, a frame without "? ", nothing at all', () => {
    const tail = ['[    9.0] Kernel panic - not syncing: Fatal exception', ' io_issue_sqe+0x49/0x4e0', 'x'].join('\n');
    expect(one('send-ring-one', { status: 'crashed', consoleTail: tail }, baseline).summary).toBe(
      'the kernel crashed while this scenario ran: Kernel panic - not syncing: Fatal exception (in io_issue_sqe+0x49/0x4e0)',
    );
    expect(one('send-ring-one', { status: 'crashed', consoleTail: 'not_io_thing+0x1/0x2\n? xio_a+0x1' }, baseline).summary).toBe(
      'the kernel crashed while this scenario ran: no panic message captured',
    );
    expect(one('send-ring-one', { status: 'crashed' }, baseline).summary).toBe(
      'the kernel crashed while this scenario ran: no panic message captured',
    );
  });

  it('a scenario that ran to its end but made a later one crash is blamed for that crash', () => {
    const r = one('send-ring-one', { corrupts: { victim: 'zc-plain-tcp', crash }, kernelSplats: splats.slice(0, 1) }, baseline);
    expect(r.status).toBe('crash');
    expect(r.summary).toBe(
      'corrupts the kernel: zc-plain-tcp crashed only after it (crash: BUG: kernel NULL pointer dereference in io_send_zc at io_uring/net.c:1466)',
    );
    expect(r.diffs).toEqual(splatDiffs.slice(0, 1));
    expect(r.crash).toBe(crash);
    expect(r.corrupts).toBe('zc-plain-tcp');
  });

  it("a crashed status with a report is the item's own crash only when it crashed", () => {
    // a timeout that carries a crash report (from another item) does not claim it
    expect(one('send-ring-one', { status: 'timeout', crash }, baseline)).not.toHaveProperty('crash');
  });
});

describe('the verdict alone, after a crash in the run', () => {
  it("blamed on an earlier item: this scenario's own verdict, with why", () => {
    const r = one('send-ring-one', { triage: { outcome: 'after', tries: 2, reproduced: 1, after: 'zc-plain-tcp' } }, baseline);
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(
      'pass (baseline: 1 request(s), 1 CQE(s)) (in the run it crashed the kernel only after zc-plain-tcp, which is blamed; alone: this verdict)',
    );
  });

  it('not reproduced: the crash of the run is named, or said to have no title', () => {
    const triage = { outcome: 'not-reproduced' as const, tries: 2, reproduced: 0 };
    expect(one('send-ring-one', { triage, unpinnedCrash: crash }, baseline).summary).toBe(
      'pass (baseline: 1 request(s), 1 CQE(s)) (in the run the kernel crashed while it ran, BUG: kernel NULL pointer dereference in io_send_zc; no replay reproduced it, alone or after the same items: this verdict is its replay alone)',
    );
    expect(one('send-ring-one', { triage }, baseline).summary).toBe(
      'pass (baseline: 1 request(s), 1 CQE(s)) (in the run the kernel crashed while it ran, no panic title; no replay reproduced it, alone or after the same items: this verdict is its replay alone)',
    );
    // with a splat, the note follows the kernel log line
    expect(one('send-ring-one', { triage, kernelSplats: ['BUG: x'] }, baseline).summary).toBe(
      'kernel log: BUG: x (in the run the kernel crashed while it ran, no panic title; no replay reproduced it, alone or after the same items: this verdict is its replay alone)',
    );
  });

  it('a triage that pinned the crash alone adds nothing to a verdict that ran', () => {
    expect(one('send-ring-one', { triage: { outcome: 'alone', tries: 1, reproduced: 1 } }, baseline).summary).toBe(
      'pass (baseline: 1 request(s), 1 CQE(s))',
    );
  });
});
