// Shrinks several failing scenarios on one kernel at once, for the replies
// `gate --bisect` writes: each one goes through specs/minimize.ts exactly as
// `uringspec minimize` does (same failure signature, one round at a time),
// but the candidates of every scenario's current round run together in one
// batch (one boot on QEMU), so twenty findings cost as many boots as the
// longest of them has rounds, not the sum. Each result is cached by content
// (the scenario, its signature, the kernel's build key, the model profile),
// so the next gate over the same kernel and corpus boots nothing for it.
//
// Crashes and hangs are left as written: every candidate that still crashes
// costs a reboot (and a triage replay), and the corpus scenarios that crash
// are small already. `uringspec repro --mail` shrinks one of them on request.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir, cachedEntry, checkEntry, sha256 } from '../core/cache.ts';
import type { Progress } from '../core/progress.ts';
import { failureSignature } from '../judge/signature.ts';
import type { ScenarioResult } from '../judge/result.ts';
import { minimize } from '../specs/minimize.ts';
import type { Scenario } from '../specs/schema.ts';
import type { BatchRunner } from './batch.ts';

const KEY_SCHEMA = 'uringspec-minimized-v1';

export interface Minimized {
  scenario: Scenario;
  changes: string[];
}

export interface MinimizeManyRequest {
  /** Each failing scenario with its result on the kernel. */
  items: { scenario: Scenario; result: ScenarioResult }[];
  /** Runs one batch on the kernel (workflows/batch.ts). */
  run: BatchRunner;
  /** What the results depend on beside the scenario: the kernel's build key and the profile. */
  identity: string;
  progress: Progress;
}

/** The minimized scenarios by id (only those that shrank or were cached; crashes and hangs are left out). */
export async function minimizeMany(r: MinimizeManyRequest): Promise<Map<string, Minimized>> {
  const out = new Map<string, Minimized>();
  const todo: { scenario: Scenario; signature: string; key: string }[] = [];
  for (const { scenario, result } of r.items) {
    const signature = failureSignature(result);
    if (!signature?.startsWith('fail')) continue;
    const key = sha256(KEY_SCHEMA, r.identity, signature, JSON.stringify(scenario)).slice(0, 24);
    const dir = cacheDir('minimized', key);
    if ((await checkEntry(dir)) === undefined) {
      out.set(scenario.id, JSON.parse(await readFile(join(dir, 'minimized.json'), 'utf-8')) as Minimized);
      continue;
    }
    todo.push({ scenario, signature, key });
  }
  if (!todo.length) return out;
  const batch = coalescer(r.run, todo.length);
  let round = 0;
  const results = await Promise.all(
    todo.map(async (t) => {
      try {
        return await minimize(t.scenario, t.signature, batch.evaluate, {
          onRound: (k) => {
            if (k > round) r.progress({ phase: 'minimize', detail: `round ${(round = k)} (${todo.length} scenario(s) together)` });
          },
        });
      } finally {
        batch.leave();
      }
    }),
  );
  for (const [i, t] of todo.entries()) {
    const m: Minimized = { scenario: results[i]!.scenario, changes: results[i]!.changes };
    await cachedEntry({ kind: 'minimized', key: t.key, build: (dir) => writeFile(join(dir, 'minimized.json'), JSON.stringify(m)) });
    out.set(t.scenario.id, m);
  }
  return out;
}

/**
 * One `evaluate` for several concurrent minimizations: it waits until every
 * one still running has asked for its round, then runs all their candidates
 * as one batch (renamed c0, c1, ... so ids never collide) and hands each its
 * signatures.
 */
function coalescer(run: BatchRunner, members: number) {
  let active = members;
  let waiting: { batch: Scenario[]; resolve: (s: (string | undefined)[]) => void; reject: (e: unknown) => void }[] = [];
  const flush = () => {
    if (!waiting.length || waiting.length < active) return;
    const group = waiting;
    waiting = [];
    const all = group.flatMap((g) => g.batch);
    run(all.map((s, i) => ({ ...s, id: `c${i}` }))).then(
      (results) => {
        const sigs = results.map(failureSignature);
        let at = 0;
        for (const g of group) {
          g.resolve(sigs.slice(at, at + g.batch.length));
          at += g.batch.length;
        }
      },
      (err: unknown) => group.forEach((g) => g.reject(err)),
    );
  };
  return {
    evaluate: (batch: Scenario[]) =>
      new Promise<(string | undefined)[]>((resolve, reject) => {
        waiting.push({ batch, resolve, reject });
        flush();
      }),
    leave: () => {
      active--;
      flush();
    },
  };
}
