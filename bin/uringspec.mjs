#!/usr/bin/env node
// Thin launcher: the project is TypeScript run through tsx, so there is no
// build step between editing a file and running it.
import { register } from 'tsx/esm/api';

// Launched through `npx` (or any wrapper), a SIGTERM often reaches only the
// wrapper, which exits and leaves us running with QEMU. When our parent goes
// away, stop as if we had been sent SIGTERM ourselves: the command winds
// down, ends gcc and QEMU, and writes its partial report.
const parent = process.ppid;
const watch = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(watch);
  process.kill(process.pid, 'SIGTERM');
}, 200).unref();

// A reader that goes away (`uringspec run ... 2>&1 | head -1`) is no reason to
// stop or to change the exit code: what it would have read is dropped, the
// work goes on, and the reports are written to --out as usual.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e) => {
    if (e.code !== 'EPIPE') throw e;
  });

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
