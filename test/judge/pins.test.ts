// Pins in a spec are checked against the kernel and against the model, on the host.
import { describe, expect, it } from 'vitest';
import { batchRunner } from '../../src/workflows/batch.ts';
import { HostTarget } from '../../src/exec/host-target.ts';
import { modelOracle } from '../../src/judge/oracle.ts';
import { loadSpecText } from '../../src/specs/load.ts';

const spec = (usage: string) =>
  loadSpecText(
    'pins.yaml',
    `version: 1
scenarios:
  - id: usage-${usage}
    title: REPORT_USAGE pin
    steps:
      - send_zc: { len: 64, flags: [REPORT_USAGE], source: { plain: { size: 64 } }, expect: { cqes: [ { res: 64, flags: [MORE] }, { notif: true, usage: ${usage} } ] } }
`,
  );

describe('pins', () => {
  it('a notification usage pin that matches passes; one that does not fails and contradicts the model', async () => {
    const run = batchRunner(new HostTarget(), await modelOracle('host'), 'host');
    const [good, bad] = [spec('copied'), spec('zc')];
    if (!good.ok || !bad.ok) throw new Error('spec');
    const [g, b] = await run([good.loaded.spec.scenarios[0]!, bad.loaded.spec.scenarios[0]!]);
    expect(g!.status).toBe('pass');
    expect(b!.status).toBe('fail');
    expect(b!.diffs).toContainEqual(expect.objectContaining({ field: 'usage', expected: 'zc', got: 'copied', rule: 'pin' }));
    expect(b!.pinConflicts.map((d) => d.field)).toContain('usage');
  }, 60_000);
});
