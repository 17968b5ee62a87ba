// Which scenarios of a corpus a run takes: by id, by tag, and a CI shard
// (shard i of n takes every n-th scenario in spec order, so each job gets a
// similar mix of topics and the union of all shards is the whole corpus);
// and the corpus's identity, which reports carry so that shards of different
// corpora are never merged into one verdict.
import { sha256 } from '../core/cache.ts';
import { UsageError } from '../core/errors.ts';
import { scenarioOf, type ScenarioRef } from './load.ts';

/** The scenarios a run was asked to run (all shards together): sorted ids, their count, a hash of ids and content. */
export interface CorpusIdentity {
  count: number;
  /** sha256 over every scenario's id and validated content (canonical JSON: key order, comments and file names do not count). */
  hash: string;
  ids: string[];
}

/** JSON with object keys sorted, so equal values give equal text. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

export function corpusIdentity(refs: ScenarioRef[]): CorpusIdentity {
  const scenarios = refs.map(scenarioOf).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    count: scenarios.length,
    hash: sha256(...scenarios.flatMap((s) => [s.id, canonicalJson(s)])),
    ids: scenarios.map((s) => s.id),
  };
}

export interface Shard {
  index: number; // 1-based
  count: number;
}

export function parseShard(s: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(s);
  const index = Number(m?.[1]),
    count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) throw new UsageError(`--shard takes i/n with 1 <= i <= n, not "${s}"`);
  return { index, count };
}

export function shardOf<T>(items: T[], shard: Shard | undefined): T[] {
  if (!shard) return items;
  return items.filter((_, i) => i % shard.count === shard.index - 1);
}

/** The scenarios named by id (every id must exist) and carrying one of the tags. */
export function selectScenarios(refs: ScenarioRef[], o: { ids?: string[] | undefined; tags?: string[] | undefined }): ScenarioRef[] {
  let out = refs;
  if (o.ids?.length) {
    const missing = o.ids.filter((id) => !refs.some((r) => scenarioOf(r).id === id));
    if (missing.length) throw new UsageError(`no scenario with id ${missing.join(', ')}`);
    out = out.filter((r) => o.ids!.includes(scenarioOf(r).id));
  }
  if (o.tags?.length) out = out.filter((r) => scenarioOf(r).tags.some((t) => o.tags!.includes(t)));
  if (!out.length) throw new UsageError('no scenario matches the selection');
  return out;
}
