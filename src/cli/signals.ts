// SIGINT, SIGTERM and SIGHUP (Ctrl-C, timeout(1), a CI runner cancelling, a
// closed terminal) abort the work in progress: the workflow winds down, kills
// gcc and QEMU, and writes what it has as a partial report. A second signal
// exits at once.
export async function withSignals<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  let received = 0;
  const on = (sig: NodeJS.Signals) => {
    received++;
    if (received > 1) process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGHUP' ? 1 : 15));
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
