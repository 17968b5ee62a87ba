// The progress printer with a fake clock and a fake stream: in a log, long
// work prints a line at least every ~15 s saying what it does and how far,
// without a line per event; on a terminal, one rewritten status line.
import { describe, expect, it } from 'vitest';
import { HEARTBEAT_MS, LOG_EVERY_MS, formatElapsed, progressPrinter, type ProgressClock } from '../../src/cli/progress.ts';

class FakeClock implements ProgressClock {
  t = 1_000_000;
  private timers: { ms: number; next: number; fn: () => void }[] = [];
  now = () => this.t;
  every(ms: number, fn: () => void) {
    const timer = { ms, next: this.t + ms, fn };
    this.timers.push(timer);
    return () => void (this.timers = this.timers.filter((x) => x !== timer));
  }
  /** Moves time forward, firing timers as a real event loop would. */
  advance(ms: number) {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.next <= end).sort((a, b) => a.next - b.next)[0];
      if (!due) break;
      this.t = due.next;
      due.next += due.ms;
      due.fn();
    }
    this.t = end;
  }
}

const sink = (isTTY = false) => {
  const out = {
    lines: [] as string[],
    raw: '',
    isTTY,
    columns: 40,
    write: (s: string) => ((out.raw += s), out.lines.push(...s.split('\n').filter(Boolean))),
  };
  return out;
};

/** A kernel build as make-progress.ts reports it: a step line every 2 s for `seconds`. */
function kernelBuild(p: (e: { phase: string; detail: string }) => void, clock: FakeClock, seconds: number) {
  p({ phase: 'kernel', detail: '[kernel] sendzc-provided-rfc: configuring (tinyconfig + uringspec.config)' });
  p({ phase: 'kernel', detail: '[kernel] sendzc-provided-rfc: make -j2 bzImage in /cache/obj; log: /cache/build.log' });
  for (let s = 2, n = 1; s <= seconds; s += 2, n += 3) {
    clock.advance(2000);
    p({ phase: 'kernel', detail: `[kernel] CC kernel/file${n}.o (${n}/~1650, ${Math.floor((100 * n) / 1650)}%)` });
  }
}

describe('progress in a log (no TTY)', () => {
  it('an 8-minute kernel build: a line at least every 15 s, far fewer lines than events, each with how far and the elapsed time', () => {
    const clock = new FakeClock();
    const out = sink();
    const p = progressPrinter(false, out, clock);
    kernelBuild(p, clock, 480);
    p.close();
    // Both messages at once, then the counted step lines throttled.
    expect(out.lines[0]).toBe('[kernel] sendzc-provided-rfc: configuring (tinyconfig + uringspec.config) (0s)');
    expect(out.lines[1]).toBe('[kernel] sendzc-provided-rfc: make -j2 bzImage in /cache/obj; log: /cache/build.log (0s)');
    const steps = out.lines.slice(2);
    expect(steps.length).toBeGreaterThanOrEqual(480 / 15);
    expect(steps.length).toBeLessThanOrEqual(480 / (LOG_EVERY_MS / 1000) + 2);
    expect(steps.at(-1)).toMatch(/^\[kernel\] CC kernel\/file\d+\.o \(\d+\/~1650, \d+%\) \(8m00s\)$/);
    // No stretch of the build without a line for more than 15 s.
    const times = out.lines.map((l) => l.match(/\((?:(\d+)m)?(\d+)s\)$/)!).map((m) => Number(m[1] ?? 0) * 60 + Number(m[2]));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeLessThanOrEqual(HEARTBEAT_MS / 1000);
    expect(480 - times.at(-1)!).toBeLessThanOrEqual(HEARTBEAT_MS / 1000);
  });

  it('silent work (a long link, a TCG boot) still shows a line every 15 s saying what it is doing', () => {
    const clock = new FakeClock();
    const out = sink();
    const p = progressPrinter(false, out, clock);
    p({ phase: 'boot', done: 0, total: 122, detail: 'boot 1 (tcg) from item 1/122' });
    clock.advance(61_000);
    expect(out.lines).toEqual([
      '[boot] 0/122 boot 1 (tcg) from item 1/122 (0s)',
      '[boot] still: 0/122 boot 1 (tcg) from item 1/122 (15s)',
      '[boot] still: 0/122 boot 1 (tcg) from item 1/122 (30s)',
      '[boot] still: 0/122 boot 1 (tcg) from item 1/122 (45s)',
      '[boot] still: 0/122 boot 1 (tcg) from item 1/122 (1m00s)',
    ]);
    p.close();
  });

  it('two kernels at once: a busy one does not silence the other, each keeps its own heartbeat', () => {
    const clock = new FakeClock();
    const out = sink();
    const p = progressPrinter(false, out, clock);
    p({ phase: 'baseline: item', done: 0, total: 132, detail: 'peer:send-zerocopy: running' });
    for (let i = 1; i <= 60; i++) {
      clock.advance(1000);
      p({ phase: 'rfc: item', done: i, total: 132, detail: `s${i}: exited` });
    }
    const baseline = out.lines.filter((l) => l.startsWith('[baseline: item]'));
    expect(baseline).toEqual([
      '[baseline: item] 0/132 peer:send-zerocopy: running (0s)',
      '[baseline: item] still: 0/132 peer:send-zerocopy: running (15s)',
      '[baseline: item] still: 0/132 peer:send-zerocopy: running (30s)',
      '[baseline: item] still: 0/132 peer:send-zerocopy: running (45s)',
      '[baseline: item] still: 0/132 peer:send-zerocopy: running (1m00s)',
    ]);
    // the busy one: its first event, then one line per LOG_EVERY_MS
    expect(out.lines.filter((l) => l.startsWith('[rfc: item]')).length).toBe(1 + Math.floor(59_000 / LOG_EVERY_MS));
    p.close();
  });

  it('items done/total: the first, one per interval, the last; nothing after the work is done', () => {
    const clock = new FakeClock();
    const out = sink();
    const p = progressPrinter(false, out, clock);
    for (let i = 1; i <= 122; i++) {
      clock.advance(500);
      p({ phase: 'item', done: i, total: 122, detail: `s${i}: exited` });
    }
    clock.advance(120_000);
    p.close();
    expect(out.lines[0]).toBe('[item] 1/122 s1: exited (0s)');
    expect(out.lines.at(-1)).toBe('[item] 122/122 s122: exited (1m01s)');
    expect(out.lines.length).toBeLessThanOrEqual(2 + 61 / (LOG_EVERY_MS / 1000));
    expect(out.lines.length).toBeGreaterThanOrEqual(61 / (HEARTBEAT_MS / 1000));
  });

  it('a throttled event is not lost: it is printed when the interval is over even if no other event comes', () => {
    const clock = new FakeClock();
    const out = sink();
    const p = progressPrinter(false, out, clock);
    p({ phase: 'run', done: 1, total: 3, detail: 'a' });
    clock.advance(1000);
    p({ phase: 'run', done: 2, total: 3, detail: 'b' });
    clock.advance(14_000);
    p.close();
    expect(out.lines).toEqual(['[run] 1/3 a (0s)', '[run] 2/3 b (10s)']);
  });

  it('--quiet prints nothing', () => {
    const clock = new FakeClock();
    const out = sink();
    const p = progressPrinter(true, out, clock);
    kernelBuild(p, clock, 60);
    clock.advance(60_000);
    expect(out.raw).toBe('');
  });
});

describe('progress on a terminal', () => {
  it('rewrites one status line, cut to the width, and ends it when a count completes', () => {
    const clock = new FakeClock();
    const out = sink(true);
    const p = progressPrinter(false, out, clock);
    p({ phase: 'run', done: 1, total: 2, detail: 'a-very-long-scenario-name-that-does-not-fit' });
    p({ phase: 'run', done: 2, total: 2, detail: 'b' });
    clock.advance(60_000);
    expect(out.raw).toBe('\r\x1b[K[run] 1/2 a-very-long-scenario-name-tha\r\x1b[K[run] 2/2 b\n');
  });
});

describe('formatElapsed', () => {
  it('seconds, then minutes and two-digit seconds', () => {
    expect([0, 9_999, 60_000, 75_500, 480_000].map(formatElapsed)).toEqual(['0s', '9s', '1m00s', '1m15s', '8m00s']);
  });
});
