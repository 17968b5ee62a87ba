// `npm run bench -- --coverage`: what --coverage costs. The corpus on one
// kernel recipe, plain and on its coverage variant, each as `uringspec run`
// under /usr/bin/time: wall time (goal: coverage < 3x plain) and the host's
// peak RSS (the counters of one scenario at a time, never all of them: the
// coverage run's peak stays near the plain run's). Both kernels are built
// (or found in the cache) first, so neither time holds a build.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { resolveKernel } from '../src/kernel/resolve-kernel.ts';
import type { RunReport } from '../src/report/report.ts';

export interface BenchRow {
  what: string;
  value: string;
  target: string;
  ok?: boolean;
}

interface Timed {
  seconds: number;
  maxRssMB: number;
  report: RunReport;
}

async function timedRun(kernel: string, extra: string[], dir: string, name: string): Promise<Timed> {
  const out = join(dir, `${name}.json`);
  const timeFile = join(dir, `${name}.time`);
  const r = await execa(
    '/usr/bin/time',
    [
      '-f',
      '%e %M',
      '-o',
      timeFile,
      'node',
      'bin/uringspec.mjs',
      'run',
      'corpus',
      '--kernel',
      kernel,
      ...extra,
      '--report',
      'json',
      '--out',
      out,
      '--quiet',
    ],
    { reject: false },
  );
  if (r.exitCode === 2) throw new Error(`${name} run: infrastructure failure\n${r.stderr}`);
  const [seconds, rssKB] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return { seconds: seconds!, maxRssMB: rssKB! / 1024, report: JSON.parse(readFileSync(out, 'utf8')) as RunReport };
}

export async function coverageBench(kernel: string, log: (s: string) => void): Promise<BenchRow[]> {
  log(`[bench] ${kernel} and its coverage variant: built or from the cache`);
  await resolveKernel(kernel, { quiet: true });
  await resolveKernel(kernel, { quiet: true, coverage: true });
  const dir = mkdtempSync(join(tmpdir(), 'uspec-bench-cov-'));
  log('[bench] corpus, plain');
  const plain = await timedRun(kernel, [], dir, 'plain');
  log('[bench] corpus, --coverage');
  const cov = await timedRun(kernel, ['--coverage'], dir, 'coverage');
  const c = cov.report.kernels[0]!.coverage!;
  const ratio = cov.seconds / plain.seconds;
  const guest = (t: Timed) => t.report.kernels[0]!.results.reduce((a, r) => a + r.durationMs, 0) / 1000;
  return [
    { what: `corpus on ${kernel}, plain: wall`, value: `${plain.seconds.toFixed(1)} s`, target: '' },
    { what: `corpus on ${kernel}, --coverage: wall`, value: `${cov.seconds.toFixed(1)} s`, target: '' },
    { what: 'coverage / plain wall time', value: `${ratio.toFixed(2)}x`, target: '< 3x', ok: ratio < 3 },
    { what: 'guest time in scenarios: plain / coverage', value: `${guest(plain).toFixed(1)} / ${guest(cov).toFixed(1)} s`, target: '' },
    {
      what: 'host peak RSS: plain / coverage',
      value: `${plain.maxRssMB.toFixed(0)} / ${cov.maxRssMB.toFixed(0)} MB`,
      target: 'coverage ~ plain (one scenario of counters at a time)',
    },
    {
      what: 'series coverage',
      value: `${c.executed}/${c.executable}`,
      target: `${c.scenarios.length} scenarios with counters, ${c.withoutCoverage.length} without`,
    },
  ];
}
