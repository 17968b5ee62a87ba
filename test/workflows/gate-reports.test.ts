// Gate reports are never lost. One kernel's run fails after the other kernel
// finished: every format is still written, with the finished kernel's real
// results, the failed kernel marked (its scenarios 'lost', the cause named)
// and the run incomplete, exit 2. One format that cannot be written does not
// stop the others and is reported. The finished kernel is the host (real
// scenarios on the running kernel); the failing one comes in through
// runGate's makeTarget and throws an InfraError once the host run is over.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { InfraError } from '../../src/core/errors.ts';
import { makeTarget, type MadeTarget } from '../../src/exec/targets.ts';
import type { RunReport } from '../../src/report/report.ts';
import { loadSpecs } from '../../src/specs/load.ts';
import { runGate, type GateKernel } from '../../src/workflows/gate.ts';

const { specs } = loadSpecs(['test/fixtures/basic.yaml']);
const FILES = ['results.ktap', 'junit.xml', 'report.json', 'report.html', 'summary.txt'];
const tmp = () => mkdtempSync(join(tmpdir(), 'uspec-gate-reports-'));

/** Host target for "host"; for "dies" a target that fails once the host run has ended. */
function targets(): typeof makeTarget {
  let hostEnded!: () => void;
  const ended = new Promise<void>((r) => (hostEnded = r));
  return async (req): Promise<MadeTarget> => {
    if (req.kernel === 'host') {
      const host = await makeTarget({ kind: 'host' });
      return {
        label: host.label,
        target: {
          kind: 'host',
          run: (...a) => host.target.run(...a).finally(hostEnded),
        },
      };
    }
    return {
      label: 'dies',
      target: {
        kind: 'qemu',
        run: async () => {
          await ended;
          throw new InfraError('QEMU exited with status 1 before the first item', 'qemu-system-x86_64: cannot set up guest memory');
        },
      },
    };
  };
}

const gate = (outDir: string, kernels: GateKernel[]) =>
  runGate({
    specs,
    kernels,
    outDir,
    peer: false,
    keep: false,
    accel: 'auto',
    progress: () => {},
    signal: new AbortController().signal,
    makeTarget: targets(),
  });

describe('gate: reports are never lost', () => {
  it("one kernel's run fails after the other finished: every report, the finished results, the failed kernel marked, exit 2", async () => {
    const out = tmp();
    const r = await gate(out, [
      { kernel: 'host', profile: 'host', role: 'patched' },
      { kernel: 'dies', profile: 'baseline', role: 'baseline' },
    ]);
    expect(r.exitCode).toBe(2);
    expect(r.failures.map((f) => f.message)).toEqual(['dies: QEMU exited with status 1 before the first item']);
    expect(r.failures[0]!.detail).toMatch(/cannot set up guest memory/);
    for (const f of FILES) expect(statSync(join(out, f)).size, f).toBeGreaterThan(0);

    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RunReport;
    expect(report.incomplete).toBe(true);
    expect(report.incompleteReason).toBe('dies: QEMU exited with status 1 before the first item');
    const [host, dies] = report.kernels;
    expect(host!.error).toBeUndefined();
    expect(host!.target.kind).toBe('host');
    expect(host!.results.map((x) => x.id)).toEqual(specs[0]!.spec.scenarios.map((s) => s.id));
    expect(host!.results.filter((x) => x.status === 'pass').length).toBeGreaterThan(0);
    expect(host!.results.some((x) => x.status === 'lost')).toBe(false);
    expect(dies!.label).toBe('dies');
    expect(dies!.error).toBe(report.incompleteReason);
    expect(new Set(dies!.results.map((x) => x.status))).toEqual(new Set(['lost']));
    expect(dies!.results[0]!.summary).toBe('not run: dies: QEMU exited with status 1 before the first item');

    const ktap = readFileSync(join(out, 'results.ktap'), 'utf8');
    expect(ktap).toMatch(/^ {2}ok 1 zc-plain$/m);
    expect(ktap).toMatch(/^ {2}not ok 1 zc-plain # ERROR lost: /m);
    expect(ktap).toMatch(/^not ok 2 dies$/m);
    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(XMLValidator.validate(junit)).toBe(true);
    expect(junit).toMatch(/<error type="lost" message="not run: dies: QEMU exited/);
    const summary = readFileSync(join(out, 'summary.txt'), 'utf8');
    expect(summary).toMatch(/^ {2}RUN FAILED: dies: QEMU exited with status 1 before the first item$/m);
    expect(summary).toMatch(/^INCOMPLETE: dies: QEMU exited/m);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/incomplete/);
  }, 120_000);

  it('a format that cannot be written does not stop the others and is reported (exit 2)', async () => {
    const out = tmp();
    mkdirSync(join(out, 'junit.xml')); // a directory where the file goes
    const r = await gate(out, [{ kernel: 'host', profile: 'host', role: 'patched' }]);
    expect(r.exitCode).toBe(2);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]!.message).toMatch(/^could not write .*junit\.xml: EISDIR/);
    expect(r.files.map((f) => f.replace(/^.*\//, ''))).toEqual(FILES.filter((f) => f !== 'junit.xml'));
    for (const f of FILES.filter((f) => f !== 'junit.xml')) expect(statSync(join(out, f)).size, f).toBeGreaterThan(0);
    expect(existsSync(join(out, 'junit.xml', 'junit.xml'))).toBe(false);
    expect(r.report.incomplete).toBe(false); // the run itself finished
  }, 120_000);
});
