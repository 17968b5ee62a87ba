// The scenario synthesizer: valid scenarios over the whole spec language,
// boundary values first, then feedback-driven.
//
// 1. Boundary phase: skeletons (structure drawn to reach every union branch,
//    enum value, flag and boundary length not yet seen), and for each one the
//    pairwise rows over its numbers' boundary values (pairwise.ts), until the
//    skeletons stop bringing new structure or new boundary pairs.
// 2. Feedback phase: mostly mutations of kept scenarios (one decision
//    changed, or two step sequences spliced), some fresh random ones.
//
// Every candidate is repaired to satisfy the cross-field rules and checked by
// validScenario(); the acceptance rate is counted. The same seed and the same
// feedback give the same scenarios in the same order.
import type { Scenario } from '../schema.ts';
import { buildScenario, type Built, type Decision } from './builder.ts';
import { Pool, type PoolEntry } from './feedback.ts';
import { SPEC_LIMITS, type Limit } from './limits.ts';
import { mutateOne, splice } from './mutate.ts';
import { coveringRows, itemsOf, itemsTaken } from './pairwise.ts';
import { repairScenario } from './repair.ts';
import { Rng } from './rng.ts';

export type Origin = 'boundary' | 'random' | 'mutate' | 'splice';

export interface Candidate {
  scenario: Scenario;
  origin: Origin;
  /** What the mutation changed, or which skeleton/row it is. */
  detail: string;
  trace: Map<string, Decision>;
  built: Built;
}

export interface SynthOptions {
  seed: number;
  /** Limits besides the spec's own (the model's: model/limits.ts). */
  limits?: readonly Limit[];
  /** Skip the boundary phase (random and mutations from the start). */
  noBoundaryPhase?: boolean;
  /** Most rows the boundary phase makes in all (it ends earlier when skeletons stop bringing anything new). */
  maxBoundaryRows?: number;
  /** Prefix of the generated ids. */
  idPrefix?: string;
}

export interface SynthStats {
  /** Candidates built (valid or not). */
  built: number;
  /** Candidates that needed at least one cross-field repair. */
  repaired: number;
  /** Candidates no repair made valid (dropped; counted, never silent). */
  rejected: number;
  byOrigin: Record<Origin, number>;
  skeletons: number;
  /** Why candidates were rejected, most frequent first. */
  rejections: Record<string, number>;
}

// Rows per skeleton: 48 gave a 10-minute guest run 8 skeletons' worth of structure in its boundary phase and
// 89 series lines at 5m46s; 16 gave 24 skeletons, 116 lines and a crash the corpus does not show (2026-11-28).
const SKELETON_ROWS = 16;
const STALE_SKELETONS = 6;

export class Synth {
  readonly pool = new Pool();
  readonly stats: SynthStats = {
    built: 0,
    repaired: 0,
    rejected: 0,
    byOrigin: { boundary: 0, random: 0, mutate: 0, splice: 0 },
    skeletons: 0,
    rejections: {},
  };
  private readonly rng: Rng;
  private readonly limits: readonly Limit[];
  private readonly seen = new Set<string>();
  private readonly covered = new Set<string>();
  private readonly wanted = new Set<string>();
  private readonly planned = new Set<string>();
  private queue: { trace: Map<string, Decision>; detail: string }[] = [];
  private boundaryRows = 0;
  private stale = 0;
  private boundaryDone: boolean;
  private serial = 0;

  constructor(private readonly o: SynthOptions) {
    this.rng = new Rng(o.seed);
    this.limits = [...SPEC_LIMITS, ...(o.limits ?? [])];
    this.boundaryDone = !!o.noBoundaryPhase;
  }

  /**
   * Boundary items (labels, and label pairs of interacting fields): how many
   * of those the skeletons have were taken (wanted), and of those the
   * planned rows aimed at (planned; a row may land elsewhere when its
   * context changes a relational value or a repair moves it).
   */
  boundaryCoverage(): { covered: number; wanted: number; plannedCovered: number; planned: number } {
    let covered = 0;
    let plannedCovered = 0;
    for (const i of this.wanted) if (this.covered.has(i)) covered++;
    for (const i of this.planned) if (this.covered.has(i)) plannedCovered++;
    return { covered, wanted: this.wanted.size, plannedCovered, planned: this.planned.size };
  }

  /** Ends the boundary phase now (a time-boxed run gives it a share of its budget). */
  endBoundaryPhase(): void {
    this.boundaryDone = true;
    this.queue = [];
  }

  get inBoundaryPhase(): boolean {
    return !this.boundaryDone;
  }

  /** The next n valid candidates, with unique ids. */
  next(n: number): Candidate[] {
    const out: Candidate[] = [];
    let guard = 0;
    while (out.length < n && guard++ < n * 50) {
      const c = this.one();
      if (c) out.push(c);
    }
    return out;
  }

  /** Feedback for a candidate: keeps it when it reached something new. */
  feedback(c: Candidate, features: readonly string[]): boolean {
    return this.pool.consider({ id: c.scenario.id, trace: c.trace, sites: c.built.sites }, features);
  }

  private one(): Candidate | undefined {
    // a boundary row that no repair made valid is counted and skipped, not replaced by a random scenario
    if (!this.boundaryDone) {
      const b = this.boundary();
      if (b || !this.boundaryDone) return b;
    }
    const rng = this.rng.fork('feedback');
    const parent = this.pool.pick(rng);
    if (parent && rng.chance(0.8)) {
      const other = this.pool.pick(rng);
      if (other && other !== parent && rng.chance(0.2)) {
        const m = splice(parent.trace, other.trace, rng);
        return this.make('splice', `${parent.id} + ${other.id}: ${m.change}`, m.trace, rng);
      }
      return this.mutate(parent, rng);
    }
    return this.make('random', 'fresh', undefined, rng, 0.35);
  }

  private mutate(parent: PoolEntry, rng: Rng): Candidate | undefined {
    let m = mutateOne(parent, rng);
    const changes = [m.change];
    // sometimes a few changes at once
    while (rng.chance(0.3) && changes.length < 4) {
      m = mutateOne({ trace: m.trace, sites: parent.sites }, rng);
      changes.push(m.change);
    }
    return this.make('mutate', `${parent.id}: ${changes.join(', ')}`, m.trace, rng);
  }

  /** The next pairwise row, planning the next skeleton when the current one is done. */
  private boundary(): Candidate | undefined {
    const cap = this.o.maxBoundaryRows ?? 1500;
    while (!this.queue.length) {
      if (this.stale >= STALE_SKELETONS || this.boundaryRows >= cap) {
        this.boundaryDone = true;
        return undefined;
      }
      const rng = this.rng.fork('skeleton');
      const skel = buildScenario({ rng, limits: this.limits, seen: this.seen, boundaryBias: 1 });
      this.stats.skeletons++;
      const newStructure = skel.structure.filter((f) => !this.seen.has(f));
      skel.structure.forEach((f) => this.seen.add(f));
      for (const i of itemsOf(skel.sites)) this.wanted.add(i);
      const rows = coveringRows(skel.sites, this.covered, rng, Math.min(SKELETON_ROWS, cap - this.boundaryRows));
      this.stale = newStructure.length || rows.length ? 0 : this.stale + 1;
      // the skeleton's structure, each row's labels for its numbers
      const structure = new Map([...skel.trace].filter(([, d]) => typeof d === 'number' || false));
      for (const s of skel.sites) structure.delete(s.key);
      const sk = this.stats.skeletons;
      if (!rows.length && newStructure.length) this.queue.push({ trace: new Map(skel.trace), detail: `skeleton ${sk}` });
      rows.forEach((row, r) => {
        for (const i of itemsTaken(skel.sites, row)) this.planned.add(i);
        this.queue.push({ trace: new Map([...structure, ...row]), detail: `skeleton ${sk} row ${r + 1}` });
      });
      this.boundaryRows += rows.length;
    }
    const q = this.queue.shift()!;
    return this.make('boundary', q.detail, q.trace, this.rng.fork('row'), 1);
  }

  private make(
    origin: Origin,
    detail: string,
    replay: Map<string, Decision> | undefined,
    rng: Rng,
    boundaryBias = 0.6,
  ): Candidate | undefined {
    const built = buildScenario({ rng, limits: this.limits, ...(replay ? { replay } : {}), boundaryBias });
    this.stats.built++;
    const id = `${this.o.idPrefix ?? 'synth'}-${this.o.seed}-${this.serial}`;
    const r = repairScenario({ ...built.value, id, title: `generated (${origin}): ${detail}`.slice(0, 200) });
    if (!r.scenario) {
      this.stats.rejected++;
      const why = r.repairs[r.repairs.length - 1] ?? 'unknown';
      this.stats.rejections[why] = (this.stats.rejections[why] ?? 0) + 1;
      return undefined;
    }
    if (r.repairs.length) this.stats.repaired++;
    this.serial++;
    this.stats.byOrigin[origin]++;
    built.structure.forEach((f) => this.seen.add(f));
    for (const i of itemsTaken(built.sites, built.labels)) this.covered.add(i);
    return { scenario: r.scenario, origin, detail, trace: built.trace, built };
  }
}

export { Rng } from './rng.ts';
export type { Limit } from './limits.ts';
export { featuresOf, type FeedbackSource } from './feedback.ts';
