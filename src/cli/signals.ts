// SIGINT, SIGTERM and SIGHUP (Ctrl-C, timeout(1), a CI runner cancelling, a
// closed terminal) abort the work in progress: the workflow winds down, kills
// gcc and QEMU, and writes what it has as a partial report. A second signal
// exits at once, unless it comes within a moment of the first: timeout(1)
// signals the whole process group and npx forwards the same signal again, and
// that pair must still get its partial report.
/** Signals this close to the first are the same request (a process group's and a wrapper's copy). */
const SAME_SIGNAL_MS = 2000;

export async function withSignals<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  let first: number | undefined;
  const on = (sig: NodeJS.Signals) => {
    if (first !== undefined) {
      if (Date.now() - first < SAME_SIGNAL_MS) return;
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGHUP' ? 1 : 15));
    }
    first = Date.now();
    process.stderr.write(`\nuringspec: ${sig}: stopping, writing what has finished\n`);
    abort.abort(new Error(`interrupted by ${sig}`));
  };
  for (const s of signals) process.on(s, on);
  try {
    return await fn(abort.signal);
  } finally {
    for (const s of signals) process.off(s, on);
  }
}
