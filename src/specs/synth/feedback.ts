// Feedback: what a scenario reached, as strings ("features") from any number
// of sources, and the pool of kept scenarios. A scenario is kept when it
// reaches a feature no kept scenario did; parents for mutation are drawn with
// a preference for those holding rare features. Sources are defined where
// their data lives (judge/feedback.ts: model rules, observed outcome classes,
// verdict signatures); kernel line coverage is one more source of the same
// shape.
import type { Decision, NumberSite, Trace } from './builder.ts';
import type { Rng } from './rng.ts';

/** One kind of signal. Features are prefixed with the source's name when recorded. */
export interface FeedbackSource<I> {
  readonly name: string;
  features(input: I): Iterable<string>;
}

/** Every source's features for one input, each as "source:feature". */
export function featuresOf<I>(sources: readonly FeedbackSource<I>[], input: I): string[] {
  const out = new Set<string>();
  for (const s of sources) for (const f of s.features(input)) out.add(`${s.name}:${f}`);
  return [...out];
}

export interface PoolEntry {
  id: string;
  trace: Trace;
  sites: readonly NumberSite[];
  features: string[];
}

export class Pool {
  readonly entries: PoolEntry[] = [];
  /** How many kept-or-not scenarios reached each feature. */
  private readonly hits = new Map<string, number>();

  /** Records what a scenario reached; keeps it (true) when it reached anything new. */
  consider(e: { id: string; trace: Map<string, Decision>; sites: readonly NumberSite[] }, features: readonly string[]): boolean {
    const fresh = features.filter((f) => !this.hits.has(f));
    for (const f of features) this.hits.set(f, (this.hits.get(f) ?? 0) + 1);
    if (!fresh.length) return false;
    this.entries.push({ ...e, features: [...features] });
    return true;
  }

  /** A parent: entries whose features few scenarios reached weigh more. */
  pick(rng: Rng): PoolEntry | undefined {
    if (!this.entries.length) return undefined;
    const w = this.entries.map((e) => e.features.reduce((a, f) => a + 1 / (this.hits.get(f) ?? 1), 0));
    return this.entries[rng.weighted(w)];
  }

  /** Distinct features reached so far, by source. */
  coverage(): Record<string, number> {
    const by: Record<string, number> = {};
    for (const f of this.hits.keys()) {
      const s = f.slice(0, f.indexOf(':'));
      by[s] = (by[s] ?? 0) + 1;
    }
    return by;
  }

  has(feature: string): boolean {
    return this.hits.has(feature);
  }

  get featureCount(): number {
    return this.hits.size;
  }
}
