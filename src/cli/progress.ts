// Progress for long work on stderr. On a terminal: one status line, rewritten
// in place. In a log (CI, a pipe): lines, because nothing is rewritten there,
// as few as still say what is happening:
//   - a message (an event without a count: "configuring", "cache hit") at once;
//   - the first event of a phase, and the end of a count (done === total), at once;
//   - other counted events ("12/122 zc-foo", a kernel make step "(1234/~1650, 74%)")
//     at most one per LOG_EVERY_MS, the latest one;
//   - and when nothing was printed for HEARTBEAT_MS, the latest state again with
//     "still", so a long silent step (vmlinux link, a TCG boot) shows it is alive.
// Every log line ends with the time since the command started. Nothing with --quiet.
import type { Progress, ProgressEvent } from '../core/progress.ts';

/** Routine counted events: at most one line per this long. */
export const LOG_EVERY_MS = 10_000;
/** Nothing printed for this long while work is under way: say so. */
export const HEARTBEAT_MS = 15_000;

export interface ProgressOutput {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressClock {
  now(): number;
  /** Calls fn every ms until the returned stop(); must not keep the process alive. */
  every(ms: number, fn: () => void): () => void;
}

const realClock: ProgressClock = {
  now: () => Date.now(),
  every: (ms, fn) => {
    const t = setInterval(fn, ms);
    t.unref();
    return () => clearInterval(t);
  },
};

export type ProgressPrinter = Progress & { close(): void };

/** 75 s → "1m15s". */
export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** A count in the detail, as kernel/make-progress.ts writes it: "(1234/~1650, 74%)" or "(1234)". */
const DETAIL_COUNT = /\(\d+(\/~?\d+(, \d+%)?)?\)$/;

function describe(e: ProgressEvent): string {
  const frac = e.done !== undefined && e.total ? ` ${e.done}/${e.total}` : '';
  // Producers that log whole lines prefix them with the phase already ("[kernel] CC ...").
  const detail = e.detail?.startsWith(`[${e.phase}] `) ? e.detail.slice(e.phase.length + 3) : e.detail;
  return `[${e.phase}]${frac}${detail ? ` ${detail}` : ''}`;
}

export function progressPrinter(quiet: boolean, out: ProgressOutput = process.stderr, clock: ProgressClock = realClock): ProgressPrinter {
  if (quiet) return Object.assign(() => {}, { close() {} });
  if (out.isTTY) {
    const tty = (e: ProgressEvent) => {
      out.write(`\r\x1b[K${describe(e).slice(0, (out.columns ?? 100) - 1)}`);
      if (e.done !== undefined && e.done === e.total) out.write('\n');
    };
    return Object.assign(tty, { close() {} });
  }
  const start = clock.now();
  const seen = new Set<string>();
  // One state per source ("baseline: item" and "sendzc-provided-rfc: item" are two kernels running at
  // once): each keeps its own pace and heartbeat, so one busy kernel does not silence the other.
  interface Source {
    latest: ProgressEvent;
    printed: boolean;
    lastPrint: number;
    idle: boolean;
  }
  const sources = new Map<string, Source>();
  const sourceOf = (phase: string) => phase.slice(0, Math.max(0, phase.lastIndexOf(': ')));
  const print = (src: Source, still = false) => {
    const line = describe(src.latest);
    out.write(`${still ? line.replace(/^(\[[^\]]*\])/, '$1 still:') : line} (${formatElapsed(clock.now() - start)})\n`);
    src.lastPrint = clock.now();
    src.printed = true;
  };
  const stop = clock.every(Math.min(HEARTBEAT_MS, LOG_EVERY_MS) / 2, () => {
    for (const src of sources.values()) {
      if (src.idle || clock.now() - src.lastPrint < (src.printed ? HEARTBEAT_MS : LOG_EVERY_MS)) continue;
      print(src, src.printed);
    }
  });
  const log = (e: ProgressEvent) => {
    const counted = (e.done !== undefined && e.total !== undefined) || DETAIL_COUNT.test(e.detail ?? '');
    const finished = e.done !== undefined && e.done === e.total;
    const first = !seen.has(e.phase);
    seen.add(e.phase);
    const key = sourceOf(e.phase);
    const src = sources.get(key) ?? { latest: e, printed: true, lastPrint: start, idle: true };
    sources.set(key, src);
    src.latest = e;
    src.idle = finished;
    if (!counted || first || finished || clock.now() - src.lastPrint >= LOG_EVERY_MS) print(src);
    else src.printed = false;
  };
  return Object.assign(log, { close: stop });
}
