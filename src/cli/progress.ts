// Progress for long work on stderr: a rewriting status line on a terminal,
// one line per phase change (and every 10%) in CI logs, nothing with --quiet.
import type { Progress } from '../core/progress.ts';

export function progressPrinter(quiet: boolean): Progress {
  if (quiet) return () => {};
  const tty = process.stderr.isTTY;
  let lastPhase = '';
  let lastDecile = -1;
  return ({ phase, done, total, detail }) => {
    const frac = done !== undefined && total ? ` ${done}/${total}` : '';
    const line = `[${phase}]${frac}${detail ? ` ${detail}` : ''}`;
    if (tty) {
      process.stderr.write(`\r\x1b[K${line.slice(0, (process.stderr.columns ?? 100) - 1)}`);
      if (done !== undefined && done === total) process.stderr.write('\n');
      return;
    }
    const decile = done !== undefined && total ? Math.floor((done * 10) / total) : -1;
    if (phase !== lastPhase || decile !== lastDecile) process.stderr.write(line + '\n');
    lastPhase = phase;
    lastDecile = decile;
  };
}
