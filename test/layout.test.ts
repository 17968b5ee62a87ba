// The import rules between folders (.dependency-cruiser.cjs) hold: no import
// reaches up the pipeline or sideways into a folder it may not use, and no
// import cycle exists. A violation names the file, the import and the rule.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { cruise, type IConfiguration, type ICruiseResult } from 'dependency-cruiser';

const require = createRequire(import.meta.url);

describe('layout', () => {
  it('every import between folders is one the layout allows', async () => {
    const config = require('../.dependency-cruiser.cjs') as IConfiguration;
    const r = await cruise(['src', 'test', 'bench', 'bin'], { validate: true, ruleSet: config, ...config.options }, undefined, {
      tsConfig: { fileName: 'tsconfig.json' },
    });
    const out = r.output as ICruiseResult;
    const violations = out.summary.violations.map((v) => `${v.from} -> ${v.to} (${v.rule.name})`);
    expect(violations).toEqual([]);
    expect(out.summary.totalCruised).toBeGreaterThan(100);
  }, 60_000);
});
