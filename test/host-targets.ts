// Why this file exists: the outcomes the host kernel cannot produce by itself
// (a liburing test failing only on the patched kernel, a scenario program that
// cannot run, a lost item, a run interrupted midway) made to happen on the real
// host target, so the exit code and the reports are computed by the real
// pipeline (runGate, runCorpus, judgeItems) from them. Injected through the
// makeTarget option of runGate and runCorpus.
import type { ItemResult, RunItem } from '../src/core/target.ts';
import { makeTarget, type MadeTarget, type TargetRequest } from '../src/exec/targets.ts';

export interface HostTweak {
  /** Items run as this command instead (a real process on the host: its exit code and output are judged). */
  argv?: Record<string, string[]>;
  /** What the target reports for these items instead of running them (what only a guest can do: lost, crashed). */
  result?: Record<string, (item: RunItem) => Omit<ItemResult, 'id'>>;
  /** Called when the item with this id has run (e.g. to interrupt the run there). */
  after?: Record<string, () => void>;
}

/** A node one-liner that prints `out` and exits with `code`: a program the host really runs. */
export const nodeExits = (code: number, out = ''): string[] => [
  process.execPath,
  '-e',
  `process.stdout.write(${JSON.stringify(out)}); process.exit(${code})`,
];

/**
 * makeTarget where every kernel is the host, labelled by the kernel name the
 * workflow asked for (gate: each GateKernel's `kernel`; run: "host"), with
 * that label's tweaks applied.
 */
export function hostTargets(tweaks: Record<string, HostTweak> = {}): typeof makeTarget {
  return async (req: TargetRequest): Promise<MadeTarget> => {
    const host = await makeTarget({ kind: 'host' });
    const label = typeof req.kernel === 'string' ? req.kernel : 'host';
    const t = tweaks[label] ?? {};
    return {
      label,
      identity: { ...host.identity, label },
      target: {
        kind: 'host',
        run: async (items, files, progress, signal) => {
          const results: ItemResult[] = [];
          let info = (await host.target.run([], files, progress, signal)).info;
          for (const item of items) {
            const fake = t.result?.[item.id];
            if (fake) results.push({ id: item.id, ...fake(item) });
            else {
              const argv = t.argv?.[item.id] ?? item.argv;
              const r = await host.target.run([{ ...item, argv }], files, progress, signal);
              info = r.info;
              results.push(...r.results);
            }
            t.after?.[item.id]?.();
          }
          return { results, info };
        },
      },
    };
  };
}
