// What the report tests need from outside: a report from the real pipeline (the
// corpus on this machine's kernel, judged with the RFC's model so the RFC
// scenarios fail) and the real consumers of each format. A missing consumer is
// an error under CI (.ci/run installs and builds them) and a one-line skip
// elsewhere, naming what provides it.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS_DIR } from '../../src/core/paths.ts';
import { planKernel } from '../../src/kernel/build.ts';
import { findRecipe } from '../../src/kernel/recipe.ts';
import type { RunReport } from '../../src/report/report.ts';
import { allScenarios, loadSpecsOrThrow } from '../../src/specs/load.ts';
import { selectScenarios } from '../../src/specs/select.ts';
import { runCorpus } from '../../src/workflows/run.ts';
import { checkTargetChoice } from '../../src/workflows/target.ts';
import { need } from '../need.ts';

/** `uringspec run corpus/ --profile rfc-v1 [--scenario ID...]` on the host, in process. */
export async function hostReport(ids?: string[]): Promise<RunReport> {
  const refs = selectScenarios(allScenarios(loadSpecsOrThrow([CORPUS_DIR])), ids ? { ids } : {});
  return runCorpus({ refs, choice: checkTargetChoice({ profile: 'rfc-v1' }), progress: () => {} });
}

/** The kernel's KTAP parser, tools/testing/kunit/kunit.py of the tree the recipes build from. */
export async function kunitPy(): Promise<string | undefined> {
  const recipe = await findRecipe('baseline');
  const tree = recipe ? (await planKernel(recipe)).tree : undefined;
  const py = tree && join(tree, 'tools/testing/kunit/kunit.py');
  if (py && existsSync(py)) return py;
  return need(undefined, {
    what: `the kernel tree with tools/testing/kunit/kunit.py is not unpacked (${py ?? 'no baseline recipe'})`,
    build: 'npx uringspec kernel build --all',
  });
}

/** A command-line tool from a Debian package (scripts/setup.sh installs it). */
export async function debianTool(name: string, pkg: string): Promise<string | undefined> {
  const r = await execa('sh', ['-c', `command -v ${name}`], { reject: false });
  if (r.exitCode === 0) return r.stdout.trim();
  return need(undefined, { what: `${name} is not installed`, build: `npm run setup, or apt-get install ${pkg}` });
}

/** The HTML report: the texts of the boxes of one column of one scenario's timeline, in order. */
export function timelineColumn(html: string, id: string, which: 'expected' | 'observed'): string[] {
  const svg = html.match(new RegExp(`<svg[^>]*aria-label="CQE timeline of ${id}"[^>]*>([\\s\\S]*?)</svg>`))?.[1] ?? '';
  return [...svg.matchAll(new RegExp(`<g class="${which}">.*?<text[^>]*>([^<]*)</text>`, 'g'))].map((m) => m[1]!);
}

/** kunit.py's text output without its "[HH:MM:SS] " stamps. */
export const kunitLines = (stdout: string) => stdout.split('\n').map((l) => l.replace(/^\[\d\d:\d\d:\d\d\] /, ''));
