// One interface, one class per output format (terminal, KTAP, JUnit, JSON, HTML).
import type { RunReport } from './report.ts';

export interface Reporter {
  /** Format name as given to --report. */
  readonly format: string;
  /** Default file name in an output directory. */
  readonly fileName: string;
  render(report: RunReport): string;
}

export const describeDiff = (d: { where: string; field: string; expected: string; got: string; rule?: string; note?: string }): string =>
  `${d.where} ${d.field}: expected ${d.expected}, got ${d.got}${d.rule ? ` [${d.rule}]` : ''}${d.note ? ` (${d.note})` : ''}`;
