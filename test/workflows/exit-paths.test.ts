// Every exit path of `run` and `gate`, computed by the real code (runCorpus +
// exitCodeOf as `run` does, runGate as `gate` does) from what the host target
// really ran: 0; 1 for a conformance failure alone; 1 for a liburing test that
// fails only on the patched kernel (no scenario fails); 2 for each
// infrastructure class (a scenario program that cannot run, a lost item, an
// interrupted run). The other 2s are tested where their input is: a kernel that
// dies and a report that cannot be written (gate-reports.test.ts), bad input
// (test/cli/gate-input.test.ts, cli.test.ts), --out refused (test/cli/out.test.ts).
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheDir } from '../../src/core/cache.ts';
import type { ProfileName } from '../../src/model/profiles.ts';
import { exitCodeOf } from '../../src/report/report.ts';
import { allScenarios, loadSpecsOrThrow } from '../../src/specs/load.ts';
import { runGate, type GateResult } from '../../src/workflows/gate.ts';
import { runCorpus } from '../../src/workflows/run.ts';
import { checkTargetChoice } from '../../src/workflows/target.ts';
import { hostTargets, nodeExits, type HostTweak } from '../host-targets.ts';
import { need } from '../need.ts';

const FIXTURE = 'test/fixtures/basic.yaml';
const specs = loadSpecsOrThrow([FIXTURE]);
const ids = allScenarios(specs).map((r) => r.spec.spec.scenarios[r.index]!.id);
const tmp = () => mkdtempSync(join(tmpdir(), 'uspec-exit-'));
const T = 120_000;
const lost = () => ({ status: 'lost' as const, stdout: '', kernelSplats: [], durationMs: 0, consoleTail: 'QEMU was killed (signal 9)' });

interface GateCase {
  patched?: ProfileName;
  peer?: boolean;
  tweaks?: Record<string, HostTweak>;
  abort?: AbortController;
}

const gate = (c: GateCase = {}): Promise<GateResult> => {
  const abort = c.abort ?? new AbortController();
  return runGate({
    specs,
    kernels: [
      { kernel: 'patched', profile: c.patched ?? 'host', role: 'patched' },
      { kernel: 'baseline', profile: 'host', role: 'baseline' },
    ],
    outDir: tmp(),
    peer: c.peer ?? false,
    peerTests: ['send_recv'],
    keep: false,
    accel: 'auto',
    progress: () => {},
    signal: abort.signal,
    makeTarget: hostTargets(c.tweaks),
  });
};

const run = async (profile: ProfileName, tweaks: HostTweak = {}, abort = new AbortController()) => {
  const report = await runCorpus({
    refs: allScenarios(specs),
    choice: checkTargetChoice({ profile }),
    progress: () => {},
    signal: abort.signal,
    makeTarget: hostTargets({ host: tweaks }),
  });
  return { report, exitCode: exitCodeOf(report), results: report.kernels[0]!.results };
};
const statusOf = (results: { id: string; status: string }[], id: string) => results.find((r) => r.id === id)?.status;

// liburing's send_recv, built by `npm run setup` into the cache.
const peerBuilt = need(existsSync(join(cacheDir(), 'build', 'liburing-2.9', 'test', 'Makefile')), {
  what: "liburing 2.9's source (the peer suite) is not in the cache",
  build: 'npm run setup',
});

describe('gate: every exit path, through runGate', () => {
  it.skipIf(!peerBuilt)(
    '0: every scenario agrees and the liburing test passes on both kernels',
    async () => {
      // Both "kernels" are this host and run at once: liburing's send_recv binds the fixed port 10202, so only the
      // patched side runs the real test; the baseline's is a stand-in that passes (a guest has its own network).
      const r = await gate({ peer: true, tweaks: { baseline: { argv: { 'peer:send_recv': nodeExits(0, 'send_recv: ok\n') } } } });
      expect(r.report.kernels.map((k) => k.peer?.map((p) => `${p.test}:${p.status}`))).toEqual([['send_recv:pass'], ['send_recv:pass']]);
      expect(r.report.regressions).toEqual([]);
      expect(r.report.kernels.flatMap((k) => k.results.map((x) => x.status)).filter((s) => s !== 'pass' && s !== 'no-oracle')).toEqual([]);
      expect(r.failures).toEqual([]);
      expect(r.exitCode).toBe(0);
    },
    T,
  );

  it.skipIf(!peerBuilt)(
    '1: a liburing test that fails only on the patched kernel, every scenario agreeing',
    async () => {
      const r = await gate({ peer: true, tweaks: { patched: { argv: { 'peer:send_recv': nodeExits(1, 'send_recv: test failed\n') } } } });
      const [patched, baseline] = r.report.kernels;
      expect(patched!.peer!.map((p) => [p.test, p.status, p.exitCode])).toEqual([['send_recv', 'fail', 1]]);
      expect(baseline!.peer!.map((p) => [p.test, p.status, p.exitCode])).toEqual([['send_recv', 'pass', 0]]);
      // The regression is the only thing wrong: no scenario failed, nothing is missing.
      for (const k of r.report.kernels) for (const x of k.results) expect(['pass', 'no-oracle'], `${k.label} ${x.id}`).toContain(x.status);
      expect(r.report.incomplete).toBe(false);
      expect(r.report.regressions).toEqual(['send_recv']);
      expect(r.failures).toEqual([]);
      expect(r.exitCode).toBe(1);
      expect(readFileSync(join(r.files.find((f) => f.endsWith('summary.txt'))!), 'utf8')).toMatch(
        /^REGRESSIONS \(pass on the baseline, fail on the patched kernel\): send_recv$/m,
      );
    },
    T,
  );

  it(
    '1: a conformance failure alone (the RFC model on a kernel without the RFC)',
    async () => {
      const r = await gate({ patched: 'rfc-v1' });
      expect(statusOf(r.report.kernels[0]!.results, 'zc-provided-regbuf')).toBe('fail');
      expect(r.report.kernels[1]!.results.every((x) => x.status === 'pass' || x.status === 'no-oracle')).toBe(true);
      expect(r.report.regressions).toBeUndefined();
      expect(r.exitCode).toBe(1);
    },
    T,
  );

  it(
    '2: a scenario program that cannot run, even beside a conformance failure',
    async () => {
      const r = await gate({ patched: 'rfc-v1', tweaks: { baseline: { argv: { 'zc-plain': nodeExits(3) } } } });
      expect(statusOf(r.report.kernels[1]!.results, 'zc-plain')).toBe('error');
      expect(r.report.kernels[1]!.results.find((x) => x.id === 'zc-plain')!.summary).toBe(
        'the scenario program exited with 3 before its end line',
      );
      expect(statusOf(r.report.kernels[0]!.results, 'zc-provided-regbuf')).toBe('fail');
      expect(r.exitCode).toBe(2);
    },
    T,
  );

  it(
    '2: a scenario the target lost',
    async () => {
      const r = await gate({ tweaks: { patched: { result: { 'send-bundle': lost } } } });
      expect(statusOf(r.report.kernels[0]!.results, 'send-bundle')).toBe('lost');
      expect(r.exitCode).toBe(2);
    },
    T,
  );

  it(
    '2: an interrupted run, reported incomplete with what finished',
    async () => {
      const abort = new AbortController();
      const r = await gate({ abort, tweaks: { patched: { after: { [ids[0]!]: () => abort.abort() } } } });
      expect(r.report.incomplete).toBe(true);
      expect(r.report.incompleteReason).toBe('interrupted');
      expect(statusOf(r.report.kernels[0]!.results, ids[0]!)).toBe('pass');
      expect(statusOf(r.report.kernels[0]!.results, ids.at(-1)!)).toBe('error');
      expect(r.exitCode).toBe(2);
    },
    T,
  );
});

describe('run: every exit path, through runCorpus and exitCodeOf', () => {
  it(
    '0 on the host model; 1 on the RFC model (the same observations judged)',
    async () => {
      const pass = await run('host');
      expect(pass.results.filter((x) => x.status !== 'pass' && x.status !== 'no-oracle')).toEqual([]);
      expect(pass.exitCode).toBe(0);
      const fail = await run('rfc-v1');
      expect(statusOf(fail.results, 'zc-provided-regbuf')).toBe('fail');
      expect(fail.results.some((x) => x.status === 'error' || x.status === 'lost')).toBe(false);
      expect(fail.exitCode).toBe(1);
    },
    T,
  );

  it(
    '2: a scenario program that cannot run; a lost scenario; each beside passes',
    async () => {
      const error = await run('host', { argv: { 'zc-plain': nodeExits(0, 'garbage\n') } });
      expect(statusOf(error.results, 'zc-plain')).toBe('error');
      expect(error.results.filter((x) => x.status === 'pass').length).toBeGreaterThan(0);
      expect(error.exitCode).toBe(2);
      const gone = await run('host', { result: { 'zc-plain': lost } });
      expect(statusOf(gone.results, 'zc-plain')).toBe('lost');
      expect(gone.exitCode).toBe(2);
    },
    T,
  );

  it(
    '2: an interrupted run (Ctrl-C after the first scenario), reported incomplete',
    async () => {
      const abort = new AbortController();
      const r = await run('host', { after: { [ids[0]!]: () => abort.abort() } }, abort);
      expect(r.report.incomplete).toBe(true);
      expect(r.report.incompleteReason).toBe('interrupted');
      expect(statusOf(r.results, ids[0]!)).toBe('pass');
      expect(r.results.slice(1).map((x) => x.summary)).toEqual(ids.slice(1).map(() => 'never ran (the run was interrupted)'));
      expect(r.exitCode).toBe(2);
    },
    T,
  );
});
