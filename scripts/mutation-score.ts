// Why this file exists: `npm run mutation` ends with the mutation score per
// folder of src/ (the figure docs/mutation.md and the README quote), read from
// the JSON report StrykerJS wrote (mutation-testing-report-schema). Score as
// Stryker counts it: detected (killed, timeout) over valid mutants (detected,
// survived, no coverage); compile errors and ignored mutants do not count.
import { readFileSync } from 'node:fs';

interface Mutant {
  status: string;
}
interface MutationReport {
  files: Record<string, { mutants: Mutant[] }>;
}

const file = process.argv[2] ?? 'reports/mutation/mutation.json';
const report = JSON.parse(readFileSync(file, 'utf8')) as MutationReport;
const DETECTED = new Set(['Killed', 'Timeout']);

type Tally = { detected: number; survived: number; noCoverage: number };
const folders = new Map<string, Tally>();
const total: Tally = { detected: 0, survived: 0, noCoverage: 0 };
for (const [path, { mutants }] of Object.entries(report.files)) {
  const folder = path
    .replace(/^.*?\bsrc\//, 'src/')
    .split('/')
    .slice(0, 2)
    .join('/');
  const t = folders.get(folder) ?? { detected: 0, survived: 0, noCoverage: 0 };
  folders.set(folder, t);
  for (const m of mutants) {
    for (const x of [t, total]) {
      if (DETECTED.has(m.status)) x.detected++;
      else if (m.status === 'Survived') x.survived++;
      else if (m.status === 'NoCoverage') x.noCoverage++;
    }
  }
}

const score = (t: Tally) => {
  const valid = t.detected + t.survived + t.noCoverage;
  return valid ? ((100 * t.detected) / valid).toFixed(2) : '-';
};
const w = Math.max(...[...folders.keys()].map((f) => f.length), 'all'.length);
console.log(`${'folder'.padEnd(w)}  score    killed  survived  no-coverage`);
for (const [f, t] of [...folders].sort(([a], [b]) => a.localeCompare(b)))
  console.log(
    `${f.padEnd(w)}  ${score(t).padStart(6)}%  ${String(t.detected).padStart(6)}  ${String(t.survived).padStart(8)}  ${String(t.noCoverage).padStart(11)}`,
  );
console.log(
  `${'all'.padEnd(w)}  ${score(total).padStart(6)}%  ${String(total.detected).padStart(6)}  ${String(total.survived).padStart(8)}  ${String(total.noCoverage).padStart(11)}`,
);
