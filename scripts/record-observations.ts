// Why this file exists: records what a kernel really printed for every corpus
// scenario (the ItemResult its target returned), for tests that judge real
// observations in process: test/model/recorded-verdicts.test.ts holds the
// model to the pinned verdicts of test/expectations/ on them, with no compile
// and no kernel (fast enough for mutation testing). Re-record deliberately,
// after the corpus or a kernel changed:
//   npx tsx scripts/record-observations.ts host
//   npx tsx scripts/record-observations.ts sendzc-provided-rfc
//   npx tsx scripts/record-observations.ts baseline
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ItemResult, Target } from '../src/core/target.ts';
import { makeTarget } from '../src/exec/targets.ts';
import { allScenarios, loadSpecsOrThrow } from '../src/specs/load.ts';
import { runCorpus } from '../src/workflows/run.ts';
import { checkTargetChoice } from '../src/workflows/target.ts';

const which = process.argv[2];
if (!which) {
  process.stderr.write('usage: npx tsx scripts/record-observations.ts host|<recipe>\n');
  process.exit(2);
}
const root = join(import.meta.dirname, '..');
const refs = allScenarios(loadSpecsOrThrow([join(root, 'corpus')]));
const recorded: ItemResult[] = [];
let label = '';
const report = await runCorpus({
  refs,
  choice: checkTargetChoice(which === 'host' ? { target: 'host' } : { kernel: which }),
  progress: (p) => process.stderr.write(`[${p.phase}] ${p.detail ?? ''}\n`),
  makeTarget: async (req) => {
    const made = await makeTarget(req);
    label = made.label;
    const inner = made.target;
    const target: Target = {
      kind: inner.kind,
      run: async (...args) => {
        const out = await inner.run(...args);
        recorded.push(...out.results);
        return out;
      },
    };
    return { ...made, target };
  },
});
if (report.incomplete) throw new Error(`the run is incomplete: ${report.incompleteReason}`);
// durations say nothing about the kernel's answer and change every run
const items = recorded.map((r) => ({ ...r, durationMs: 0 })).sort((a, b) => a.id.localeCompare(b.id));
const file = join(root, 'test/fixtures/recorded', `${which}.json`);
writeFileSync(file, JSON.stringify({ kernel: label, recorded: new Date().toISOString().slice(0, 10), items }, null, 1) + '\n');
process.stderr.write(`${file}: ${items.length} item(s) from ${label}\n`);
