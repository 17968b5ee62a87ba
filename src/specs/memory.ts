// Scenarios that exist only in memory (minimizer candidates, fuzzer output)
// wrapped so the rest of the pipeline treats them like loaded files.
import { stringify } from 'yaml';
import { crossFieldRules } from './rules.ts';
import { Scenario, SpecFile } from './schema.ts';
import type { LoadedSpec } from './load.ts';

export function inMemorySpec(scenarios: Scenario[], file = '<generated>'): LoadedSpec {
  return { file, spec: { version: 1, scenarios }, lineOf: () => 0 };
}

/** Re-validates a scenario built by code: schema, then cross-field rules. */
export function validScenario(candidate: unknown): Scenario | undefined {
  const parsed = Scenario.safeParse(candidate);
  if (!parsed.success) return undefined;
  const spec = SpecFile.safeParse({ version: 1, scenarios: [parsed.data] });
  if (!spec.success || crossFieldRules(spec.data).length) return undefined;
  return parsed.data;
}

/** YAML text of scenarios, ready to save as a spec file. */
export function specText(scenarios: Scenario[], header = ''): string {
  return `${header}# yaml-language-server: $schema=../../schema/uringspec.schema.json\n${stringify({ version: 1, scenarios }, { lineWidth: 0 })}`;
}
