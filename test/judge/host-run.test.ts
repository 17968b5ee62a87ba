// The whole corpus, compiled once and run natively on this machine's kernel,
// judged against the model's `host` profile (features read from the corpus's
// own probe scenarios). The host has no RFC: RFC scenarios must show the
// baseline outcome (-EOPNOTSUPP from io_init_req), which is what the host
// profile predicts, and they must differ from the rfc-v1 prediction.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { allScenarios } from '../../src/specs/load.ts';
import { buildSuite } from '../../src/exec/suite.ts';
import { judge } from '../../src/judge/compare.ts';
import { parseEvents, type Observation } from '../../src/exec/events.ts';
import { predict, hostFeaturesFromProbes, HOST_PROBES } from '../../src/model/index.ts';
import { loadSpecs } from '../../src/specs/load.ts';
import type { Scenario } from '../../src/specs/schema.ts';

const CORPUS = resolve(import.meta.dirname, '../../corpus');

/** Scenarios the model has no oracle for on this host, and why that is expected. */
const EXPECTED_NO_ORACLE: Record<string, string> = {
  'send-bundle-no-select': 'newer kernels accept BUNDLE without buffer select on send; the model knows only the 6.12 -EINVAL',
  'ring-wrap-zc': 'without the RFC the first send_zc consumes nothing, so the ring_add overflows the 2-slot ring',
};
/** Scenarios where 6.12 (baseline) and this host legitimately differ. */
const BASELINE_DIFFERS = ['send-bundle-cap-mid'];

describe('corpus on the host kernel', () => {
  const { specs, errors } = loadSpecs([CORPUS]);
  const scenarios: Scenario[] = specs.flatMap((s) => s.spec.scenarios);
  const observed = new Map<string, Observation>();

  // One cached compile of the whole corpus (the suite's own flags), then every scenario natively.
  beforeAll(async () => {
    const { binary } = await buildSuite(allScenarios(specs));
    for (const sc of scenarios) {
      let out: string;
      try {
        out = execFileSync(binary, [sc.id], { encoding: 'utf8', timeout: 10_000 });
      } catch (e) {
        out = String((e as { stdout?: string }).stdout ?? '');
      }
      observed.set(sc.id, parseEvents(out));
    }
  }, 120_000);
  const host = () => {
    const first = (id: string) => observed.get(id)?.cqes[0]?.res;
    const probes = Object.fromEntries(Object.values(HOST_PROBES).map((id) => [id, first(id)]));
    return hostFeaturesFromProbes(execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim(), probes);
  };

  it('loads a corpus of at least 60 scenarios', () => {
    expect(errors).toEqual([]);
    expect(scenarios.length).toBeGreaterThanOrEqual(60);
  });

  it('the probes show a kernel without the RFC', () => {
    const f = host();
    expect(f.sendZcBufferSelect).toBe(false);
    expect(f.sendZcBundle).toBe(false);
  });

  it('every scenario agrees with the host prediction, except the listed no-oracle ones', { timeout: 120_000 }, () => {
    const f = host();
    const bad: string[] = [];
    const noOracle: string[] = [];
    for (const sc of scenarios) {
      const v = judge(sc, observed.get(sc.id)!, predict(sc, f));
      if (v.status === 'no-oracle') noOracle.push(sc.id);
      else if (v.status !== 'pass') bad.push(`${sc.id}: ${v.summary}`);
    }
    expect(bad).toEqual([]);
    expect(noOracle.sort()).toEqual(Object.keys(EXPECTED_NO_ORACLE).sort());
  });

  it('RFC scenarios differ between the host and rfc-v1 predictions, and the host shows the host outcome', () => {
    const f = host();
    const rfc = scenarios.filter((s) => s.tags.includes('rfc'));
    expect(rfc.length).toBeGreaterThan(20);
    for (const sc of rfc) {
      const h = predict(sc, f);
      const r = predict(sc, 'rfc-v1');
      if (h.kind !== 'prediction' || r.kind !== 'prediction') continue;
      expect(h, sc.id).not.toEqual({ ...r, profile: h.profile });
      // Buffer select on SEND_ZC without the RFC: io_init_req's -EOPNOTSUPP, flags 0.
      const first = observed.get(sc.id)!.cqes[0];
      if (sc.steps.some((s) => 'send_zc' in s && s.send_zc.buf_group !== undefined)) expect(first?.res, sc.id).toBe(-95);
    }
  });

  it('the baseline (6.12) profile differs from this host exactly where 6.12 and newer kernels differ', () => {
    const differs = scenarios
      .filter((sc) => {
        const p = predict(sc, 'baseline');
        return p.kind === 'prediction' && judge(sc, observed.get(sc.id)!, p).status === 'fail';
      })
      .map((s) => s.id);
    expect(differs.sort()).toEqual([...BASELINE_DIFFERS, 'send-bundle-no-select'].sort());
  });
});
