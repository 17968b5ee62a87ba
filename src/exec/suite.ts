// The scenario suite as a target runs it: one compiled program holding every
// scenario, and one run item per scenario (`<program> <scenario-id>`).
import { generateProgram } from '../generator/program.ts';
import { scenarioOf, type ScenarioRef } from '../specs/load.ts';
import type { RunItem, TargetFile } from '../core/target.ts';
import { compileProgram, type CompiledProgram } from './compile.ts';

export const GUEST_SUITE_PATH = '/uspec/uringspec-suite';

export function buildSuite(refs: ScenarioRef[], o: Parameters<typeof compileProgram>[1] = {}): Promise<CompiledProgram> {
  return compileProgram(generateProgram(refs), o);
}

/** The run items (one per scenario) and the file the target must carry. */
export function scenarioItems(
  refs: ScenarioRef[],
  compiled: CompiledProgram,
  kind: 'host' | 'qemu',
): { items: RunItem[]; files: TargetFile[] } {
  const argv0 = kind === 'qemu' ? GUEST_SUITE_PATH : compiled.binary;
  // Scenarios tagged may-crash run first, on a freshly booted kernel: memory
  // bugs that read stale slab contents show up (or not) depending on what ran
  // before. Results are still reported in spec order.
  const ordered = [
    ...refs.filter((r) => scenarioOf(r).tags.includes('may-crash')),
    ...refs.filter((r) => !scenarioOf(r).tags.includes('may-crash')),
  ];
  const items = ordered.map((r) => {
    const sc = scenarioOf(r);
    return { id: sc.id, argv: [argv0, sc.id], timeoutMs: sc.timeout_ms };
  });
  return { items, files: [{ hostPath: compiled.binary, guestPath: GUEST_SUITE_PATH, mode: 0o755 }] };
}
