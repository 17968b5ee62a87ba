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

export interface ReportSet {
  /** The files written. */
  files: string[];
  /** The formats that could not be rendered or written, each with why. */
  failed: { file: string; message: string }[];
}

/**
 * Every machine and human format into one directory (gate output, merged
 * shards). One format failing (a render bug, a full disk, a directory in the
 * way) never stops the others: it is returned in `failed` for the caller to
 * report.
 */
export function writeReportSet(report: RunReport, dir: string): ReportSet {
  mkdirSync(dir, { recursive: true });
  const set: ReportSet = { files: [], failed: [] };
  for (const r of [new KtapReporter(), new JunitReporter(), new JsonReporter(), new HtmlReporter(), new TerminalReporter()]) {
    const f = resolve(join(dir, r.fileName));
    try {
      writeFileSync(f, r.render(report));
      set.files.push(f);
    } catch (e) {
      set.failed.push({ file: f, message: (e as Error).message });
    }
  }
  return set;
}
