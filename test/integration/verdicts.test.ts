// Every scenario's verdict pinned with its content (the first difference's
// expected and got, the crash title, the no-oracle reason) on the RFC kernel,
// the baseline and the host kernel: a change in any verdict fails the test
// with the scenario named. Verdicts are deterministic (slub_debug=P in the
// guest, crash triage; see src/vm/README.md), so a pin is exact.
//
// The pins are test/expectations/<target>.txt. A change is looked at, then
// taken deliberately:  UPDATE_EXPECTATIONS=1 npx vitest run test/integration/verdicts.test.ts
// The host's pins hold for a host whose probed features (model/profiles.ts
// HostFeatures) match the file's header; another host kernel skips with the
// features that differ, never a silent pass.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeHostFeatures } from '../../src/judge/host-probe.ts';
import type { RunReport } from '../../src/report/report.ts';
import { verdictDetail } from '../../src/report/stability.ts';
import { allScenarios, loadSpecsOrThrow } from '../../src/specs/load.ts';
import { runCorpus } from '../../src/workflows/run.ts';
import { checkTargetChoice } from '../../src/workflows/target.ts';
import { builtKernels } from './kernels.ts';

const DIR = join(import.meta.dirname, '../expectations');
const update = process.env.UPDATE_EXPECTATIONS === '1';
const kernels = await builtKernels();
const refs = allScenarios(loadSpecsOrThrow([join(import.meta.dirname, '../../corpus')]));

/**
 * A pin is one verdict. The one exception is written in the file as
 * "# also: <id> TAB <verdict> TAB <why>": a second verdict the scenario may
 * get, with the reason it cannot be one (kept when the pins are regenerated).
 */
interface Pins {
  header: string[];
  pins: Map<string, string>;
  also: Map<string, string>;
}

function readPins(file: string): Pins {
  const header: string[] = [];
  const pins = new Map<string, string>();
  const also = new Map<string, string>();
  if (!existsSync(file)) return { header, pins, also };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('# also: ')) {
      const [id, verdict, why] = line.slice('# also: '.length).split('\t');
      if (!id || !verdict || !why) throw new Error(`${file}: "# also:" takes <id> TAB <verdict> TAB <why>: ${line}`);
      also.set(id, verdict);
      header.push(line);
    } else if (line.startsWith('#')) header.push(line);
    else if (line.trim()) {
      const tab = line.indexOf('\t');
      pins.set(line.slice(0, tab), line.slice(tab + 1));
    }
  }
  return { header, pins, also };
}

function writePins(file: string, title: string, extra: string[], report: RunReport): void {
  const lines = [
    `# ${title}`,
    '# one line per scenario: <id> TAB <verdict> (report/stability.ts verdictDetail)',
    '# regenerate deliberately: UPDATE_EXPECTATIONS=1 npx vitest run test/integration/verdicts.test.ts',
    ...extra,
    ...(existsSync(file) ? readPins(file).header.filter((l) => l.startsWith('# also: ')) : []),
    ...report.kernels[0]!.results.map((r) => `${r.id}\t${verdictDetail(r)}`),
  ];
  writeFileSync(file, lines.join('\n') + '\n');
}

/** Every scenario whose verdict is not its pin, as "id: pinned X, got Y". */
/**
 * The declared second verdict (`# also: id TAB crash <title>`) seen but not pinned: the crash happened in the
 * run, no replay reproduced it, so the verdict is the pinned one with the crash noted after it. Any other
 * crash, or a note on a scenario without the declaration, is a difference.
 */
function unpinnedDeclared(pin: string | undefined, declared: string | undefined, got: string): boolean {
  if (!pin || !declared?.startsWith('crash ') || !got.startsWith(pin)) return false;
  const note =
    /^ \(in the run the kernel crashed while it ran, (.+?); no replay reproduced it, alone or after the same items: this verdict is its replay alone\)$/.exec(
      got.slice(pin.length),
    );
  return note?.[1] === declared.slice('crash '.length);
}

function differences({ pins, also }: Pins, report: RunReport): string[] {
  const got = new Map(report.kernels[0]!.results.map((r) => [r.id, verdictDetail(r)]));
  const out: string[] = [];
  for (const [id, v] of got)
    if (pins.get(id) !== v && also.get(id) !== v && !unpinnedDeclared(pins.get(id), also.get(id), v))
      out.push(`${id}: pinned ${JSON.stringify(pins.get(id) ?? '(no pin)')}, got ${JSON.stringify(v)}`);
  for (const id of pins.keys()) if (!got.has(id)) out.push(`${id}: pinned, but no such scenario ran`);
  return out;
}

async function run(choice: Parameters<typeof checkTargetChoice>[0]): Promise<RunReport> {
  const report = await runCorpus({ refs, choice: checkTargetChoice(choice), progress: () => {} });
  expect(report.incomplete).toBe(false);
  return report;
}

describe.skipIf(!kernels)('corpus verdicts on the guest kernels, pinned', () => {
  for (const [name, kernel] of [
    ['sendzc-provided-rfc', 'sendzc-provided-rfc'],
    ['baseline', 'baseline'],
  ] as const) {
    it(`${name}: every scenario's verdict is its pin`, async () => {
      const report = await run({ kernel });
      const file = join(DIR, `${name}.txt`);
      if (update) writePins(file, `corpus verdicts on ${name} (QEMU), model ${report.kernels[0]!.profile}`, [], report);
      expect(differences(readPins(file), report)).toEqual([]);
    }, 900_000);
  }
});

describe('corpus verdicts on the host kernel, pinned', () => {
  it("every scenario's verdict is its pin (for a host with the pinned features)", async () => {
    const features = await probeHostFeatures();
    const file = join(DIR, 'host.txt');
    const featureLine = `# host features: ${JSON.stringify({ ...features, kernel: undefined })}`;
    const pinned = readPins(file);
    const report = await run({ target: 'host' });
    if (update) {
      writePins(file, `corpus verdicts on the host kernel (${features.kernel}), model host`, [featureLine], report);
      return;
    }
    const pinnedFeatures = pinned.header.find((l) => l.startsWith('# host features: '));
    if (pinnedFeatures !== featureLine) {
      console.warn(`[verdicts] host pins are for other kernel features: pinned ${pinnedFeatures ?? '(none)'}, this host ${featureLine}`);
      return;
    }
    expect(differences(pinned, report)).toEqual([]);
  }, 300_000);
});
