// The HTML report's CQE timeline on a real host run, without a browser (the
// browser test, html-browser.test.ts, needs chromium): a scenario judged with
// the RFC model fails on this kernel, and the expected column the page draws
// must be the model's own prediction for it, the observed column what the
// scenario program printed. Nothing here is a hand-built result: the report
// comes from runCorpus, the expectation from predict().
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../src/core/paths.ts';
import { formatCqeFlags } from '../../src/model/cqe.ts';
import { predict } from '../../src/model/index.ts';
import { resToString } from '../../src/model/prediction.ts';
import { HtmlReporter } from '../../src/report/html.ts';
import { JsonReporter } from '../../src/report/json.ts';
import { allScenarios, loadSpecsOrThrow, scenarioOf } from '../../src/specs/load.ts';
import { timelineColumn as column, hostReport } from './consumers.ts';

const FAILING = 'zc-enc-index-65536';

describe('HTML timeline of a real run', () => {
  it("draws the model's prediction as expected and the program's CQEs as observed", async () => {
    const report = await hostReport([FAILING]);
    const result = report.kernels[0]!.results[0]!;
    expect(result.status).toBe('fail');
    const sc = scenarioOf(allScenarios(loadSpecsOrThrow([CORPUS_DIR])).find((r) => scenarioOf(r).id === FAILING)!);
    const p = predict(sc, 'rfc-v1');
    if (p.kind !== 'prediction') throw new Error(`no prediction for ${FAILING}`);
    const model = p.requests.flatMap((q) => q.cqes.map((c) => `ud=${q.userData} res=${resToString(c.res)} ${formatCqeFlags(c.flags)}`));
    expect(model.length).toBeGreaterThan(0);
    const html = new HtmlReporter().render(report);
    expect(column(html, FAILING, 'expected')).toEqual(model);
    expect(column(html, FAILING, 'observed')).toEqual(result.cqes.map((c) => `ud=${c.userData} res=${c.res} ${formatCqeFlags(c.flags)}`));
    // the observed result is the host's refusal, not what the model expected
    expect(column(html, FAILING, 'observed')).not.toEqual(model);
    // and the JSON report carries the same run, whole
    expect(JSON.parse(new JsonReporter().render(report))).toEqual(JSON.parse(JSON.stringify(report)));
  }, 120_000);
});
