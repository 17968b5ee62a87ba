// Boundary values combined pairwise: every boundary label of every number is
// taken at least once, and every pair of labels of two interacting numbers
// (fields of one object, or a field and one its boundaries are computed from:
// sites.ts `relates`) is taken together at least once. Rows are built
// greedily (AETG-style: each row covers as many uncovered items as it can).
// Items are named by field pattern, not position, so what one skeleton
// covered is not asked of the next.
import type { NumberSite } from './builder.ts';
import type { Rng } from './rng.ts';

/** Sites of one pattern that take part in a plan. */
const PER_PATTERN = 2;
const matches = (pattern: string, suffix: string) => pattern === suffix || pattern.endsWith(`.${suffix}`);

export function interacting(a: NumberSite, b: NumberSite): boolean {
  if (a.key === b.key) return false;
  return a.parent === b.parent || a.relates.some((r) => matches(b.pattern, r)) || b.relates.some((r) => matches(a.pattern, r));
}

export const singleItem = (s: Pick<NumberSite, 'pattern'>, label: string) => `${s.pattern}=${label}`;
export function pairItem(a: Pick<NumberSite, 'pattern'>, la: string, b: Pick<NumberSite, 'pattern'>, lb: string): string {
  const x = singleItem(a, la);
  const y = singleItem(b, lb);
  return x < y ? `${x} & ${y}` : `${y} & ${x}`;
}

/** Every item (single label, interacting pair) the sites call for. */
/** The first PER_PATTERN sites of each pattern: items are by pattern, so a 1024-entry ring plans like a 2-entry one. */
function capPerPattern<T extends Pick<NumberSite, 'pattern'>>(sites: readonly T[]): T[] {
  const n = new Map<string, number>();
  return sites.filter((s) => {
    n.set(s.pattern, (n.get(s.pattern) ?? 0) + 1);
    return n.get(s.pattern)! <= PER_PATTERN;
  });
}

export function itemsOf(all: readonly NumberSite[]): Set<string> {
  const out = new Set<string>();
  const sites = capPerPattern(all);
  sites.forEach((a, i) => {
    for (const la of a.labels) out.add(singleItem(a, la));
    for (const b of sites.slice(i + 1))
      if (interacting(a, b)) for (const la of a.labels) for (const lb of b.labels) out.add(pairItem(a, la, b, lb));
  });
  return out;
}

/** The items a built scenario took: its numbers' labels, and their pairs where they interact. */
export function itemsTaken(sites: readonly NumberSite[], labels: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  const taken = capPerPattern(sites.filter((s) => labels.has(s.key)));
  taken.forEach((a, i) => {
    const la = labels.get(a.key)!;
    out.push(singleItem(a, la));
    for (const b of taken.slice(i + 1)) if (interacting(a, b)) out.push(pairItem(a, la, b, labels.get(b.key)!));
  });
  return out;
}

/**
 * Rows (site key -> label) that cover the items of `sites` not yet in
 * `covered`, at most maxRows of them. Deterministic for a given rng state.
 */
export function coveringRows(sites: readonly NumberSite[], covered: ReadonlySet<string>, rng: Rng, maxRows: number): Map<string, string>[] {
  const uniq = capPerPattern([...new Map(sites.filter((s) => s.labels.length).map((s) => [s.key, s])).values()]);
  // every item named once, up front: the greedy loop only looks names up
  const singles = uniq.map((s) => s.labels.map((l) => singleItem(s, l)));
  const partners = uniq.map((s) =>
    uniq
      .map((t, k) => ({ k, t }))
      .filter(({ t }) => interacting(s, t))
      .map(({ k, t }) => ({ k, items: s.labels.map((ls) => t.labels.map((lt) => pairItem(s, ls, t, lt))) })),
  );
  const todo = new Set<string>();
  uniq.forEach((_, i) => {
    for (const x of singles[i]!) if (!covered.has(x)) todo.add(x);
    for (const p of partners[i]!) for (const row of p.items) for (const x of row) if (!covered.has(x)) todo.add(x);
  });
  const rows: Map<string, string>[] = [];
  while (todo.size && rows.length < maxRows) {
    let best: { row: number[]; score: number } | undefined;
    for (let attempt = 0; attempt < 4; attempt++) {
      const row: number[] = uniq.map(() => -1);
      let score = 0;
      for (const i of rng.shuffle(uniq.map((_, i) => i))) {
        const labels = uniq[i]!.labels;
        let bestL = 0;
        let bestG = -1;
        const start = rng.int(0, labels.length - 1);
        for (let j = 0; j < labels.length; j++) {
          const l = (start + j) % labels.length;
          let g = todo.has(singles[i]![l]!) ? 1 : 0;
          for (const p of partners[i]!) if (row[p.k]! >= 0 && todo.has(p.items[l]![row[p.k]!]!)) g++;
          if (g > bestG) [bestL, bestG] = [l, g];
        }
        row[i] = bestL;
        score += bestG;
      }
      if (!best || score > best.score) best = { row, score };
    }
    if (!best || best.score <= 0) break;
    const r = best.row;
    uniq.forEach((_, i) => {
      todo.delete(singles[i]![r[i]!]!);
      for (const p of partners[i]!) todo.delete(p.items[r[i]!]![r[p.k]!]!);
    });
    rows.push(new Map(uniq.map((s, i) => [s.key, s.labels[r[i]!]!])));
  }
  return rows;
}
