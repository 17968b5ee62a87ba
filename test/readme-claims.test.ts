// The numbers the README and docs/findings-rfc.md show a reader are the ones
// the pinned verdicts give (test/expectations, checked against the kernels by
// test/integration/verdicts.test.ts): a claim no test backs goes stale.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const read = (f: string) => readFileSync(join(root, f), 'utf8');

/** Verdict counts of a pin file: pass, fail, crash, no-oracle, and the scenario count. */
function counts(file: string) {
  const verdicts = read(`test/expectations/${file}`)
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t')[1]!);
  const n = (re: RegExp) => verdicts.filter((v) => re.test(v)).length;
  return { total: verdicts.length, pass: n(/^pass$/), fail: n(/^fail /), crash: n(/^crash /), noOracle: n(/^no-oracle/) };
}

describe('numbers shown to readers', () => {
  const rfc = counts('sendzc-provided-rfc.txt');
  const baseline = counts('baseline.txt');
  const host = counts('host.txt');

  it("the README's gate output: each kernel's line and the closing line", () => {
    const readme = read('README.md');
    expect(readme).toContain(
      `sendzc-provided-rfc (qemu, tcg, model rfc-v1): ${rfc.pass}/${rfc.total} pass, ${rfc.fail} fail, ${rfc.noOracle} no-oracle, ${rfc.crash} crash`,
    );
    expect(readme).toContain(
      `baseline (qemu, tcg, model baseline): ${baseline.pass}/${baseline.total} pass, ${baseline.noOracle} no-oracle`,
    );
    expect(readme).toContain(
      `${rfc.pass + baseline.pass} passed, ${rfc.fail + rfc.crash + baseline.fail + baseline.crash} failed, ${rfc.noOracle + baseline.noOracle} no-oracle`,
    );
  });

  it("docs/findings-rfc.md's table", () => {
    const doc = read('docs/findings-rfc.md');
    for (const [name, c] of [
      ['sendzc-provided-rfc (model rfc-v1)', rfc],
      ['baseline (model baseline)', baseline],
      ['host 6.18 (model host, features probed)', host],
    ] as const)
      expect(doc).toContain(`| ${name} | ${c.pass} / ${c.total} | ${c.fail} | ${c.crash} | ${c.noOracle} |`);
  });
});
