// `npm run bench -- --repeat N [--kernels rfc,baseline,host]`: the corpus run N
// times on each kernel, compared scenario by scenario. Prints, per kernel, how
// many scenarios changed verdict between runs (goal: 0) and which. A verdict
// is report/stability.ts's verdictKey (status, first difference, crash title).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { RunReport } from '../src/report/report.ts';
import { movedVerdicts, verdictDetail } from '../src/report/stability.ts';

export interface StabilityRow {
  kernel: string;
  runs: number;
  scenarios: number;
  moved: number;
  /** Scenarios whose verdict content (expected/got values, crash title) moved. */
  movedDetail: number;
  seconds: number;
  detail: string[];
}

const TARGETS: Record<string, string[]> = {
  rfc: ['--kernel', 'sendzc-provided-rfc'],
  baseline: ['--kernel', 'baseline'],
  host: ['--target', 'host'],
};

export async function stability(repeat: number, kernels: string[], log: (s: string) => void): Promise<StabilityRow[]> {
  const rows: StabilityRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'uspec-stability-'));
  for (const k of kernels) {
    const args = TARGETS[k];
    if (!args) throw new Error(`--kernels: unknown ${k} (rfc, baseline, host)`);
    const reports: RunReport[] = [];
    const t0 = performance.now();
    for (let i = 0; i < repeat; i++) {
      const out = join(dir, `${k}-${i}.json`);
      const r = await execa('node', ['bin/uringspec.mjs', 'run', 'corpus', ...args, '--report', 'json', '--out', out, '--quiet'], {
        reject: false,
      });
      if (r.exitCode === 2) throw new Error(`run ${i + 1} on ${k} was an infrastructure failure:\n${r.stderr}`);
      reports.push(JSON.parse(readFileSync(out, 'utf8')) as RunReport);
      log(`[stability] ${k}: run ${i + 1}/${repeat} done`);
    }
    const moved = movedVerdicts(reports);
    const movedDetail = movedVerdicts(reports, verdictDetail);
    rows.push({
      kernel: k,
      runs: repeat,
      scenarios: reports[0]!.kernels[0]!.results.length,
      moved: moved.length,
      movedDetail: movedDetail.length,
      seconds: (performance.now() - t0) / 1000,
      detail: (movedDetail.length > moved.length ? movedDetail : moved).map(
        (m) => `${m.id}: ${[...new Set(m.verdicts)].map((v) => `${v} x${m.verdicts.filter((x) => x === v).length}`).join(' | ')}`,
      ),
    });
  }
  return rows;
}
