// JSON for tools: the RunReport itself (schema in docs/report-json.md).
import type { RunReport } from './report.ts';
import type { Reporter } from './reporter.ts';

export class JsonReporter implements Reporter {
  readonly format = 'json';
  readonly fileName = 'report.json';
  render(report: RunReport): string {
    return JSON.stringify(report, null, 2) + '\n';
  }
}
