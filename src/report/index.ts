import { HtmlReporter } from './html.ts';
import { JsonReporter } from './json.ts';
import { JunitReporter } from './junit.ts';
import { KtapReporter } from './ktap.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunReport } from './report.ts';
import type { Reporter } from './reporter.ts';
import { TerminalReporter } from './terminal.ts';

export const REPORT_FORMATS = ['ktap', 'junit', 'json', 'text', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function reporterFor(format: ReportFormat): Reporter {
  switch (format) {
    case 'ktap':
      return new KtapReporter();
    case 'junit':
      return new JunitReporter();
    case 'json':
      return new JsonReporter();
    case 'text':
      return new TerminalReporter({ verbose: true });
    case 'html':
      return new HtmlReporter();
  }
}

const reportSet = (): Reporter[] => [
  new KtapReporter(),
  new JunitReporter(),
  new JsonReporter(),
  new HtmlReporter(),
  new TerminalReporter(),
];

/** The file names writeReportSet writes. */
export const reportSetFiles = (): string[] => reportSet().map((r) => r.fileName);

/** Every machine and human format into one directory (gate output, merged shards). Returns the paths. */
export function writeReportSet(report: RunReport, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return reportSet().map((r) => {
    const f = join(dir, r.fileName);
    writeFileSync(f, r.render(report));
    return resolve(f);
  });
}
