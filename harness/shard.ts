// Deterministic sharding for CI matrices: shard i of n takes every n-th
// scenario in spec order (files sorted, scenarios in file order), so each job
// gets a similar mix of topics and the union of all shards is the whole corpus.
export interface Shard {
  index: number; // 1-based
  count: number;
}

export function parseShard(s: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(s);
  const index = Number(m?.[1]), count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) throw new Error(`--shard takes i/n with 1 <= i <= n, not "${s}"`);
  return { index, count };
}

export function shardOf<T>(items: T[], shard: Shard | undefined): T[] {
  if (!shard) return items;
  return items.filter((_, i) => i % shard.count === shard.index - 1);
}
