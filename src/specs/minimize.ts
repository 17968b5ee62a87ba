// Delta debugging over a scenario: try one-step simplifications (drop a
// step, a ring entry, a buffer, a flag; halve a size; zero an offset), keep
// the first that fails with the same signature, repeat until nothing smaller
// still fails. Every round's candidates are verified together in one batch
// (one boot on QEMU), or a chunk at a time in order until one holds: the same
// candidate is kept either way (the first that holds), for fewer runs.
import type { Scenario } from './schema.ts';
import { validScenario } from './memory.ts';

export interface Candidate {
  scenario: Scenario;
  change: string;
}

type Mut = (s: Scenario) => void;

/** Every valid one-step simplification of sc, most aggressive first. */
export function reductions(sc: Scenario): Candidate[] {
  const muts: [string, Mut][] = [];
  sc.steps.forEach((_, i) => muts.push([`drop step ${i + 1}`, (s) => void s.steps.splice(i, 1)]));
  sc.buffer_rings.forEach((r, ri) => {
    muts.push([`drop buffer ring ${r.bgid}`, (s) => void s.buffer_rings.splice(ri, 1)]);
    r.buffers.forEach((_, j) => muts.push([`drop entry ${j} of ring ${r.bgid}`, (s) => void s.buffer_rings[ri]!.buffers.splice(j, 1)]));
    if (r.entries > Math.max(1, r.buffers.length))
      muts.push([`ring ${r.bgid}: ${r.entries / 2} entries`, (s) => void (s.buffer_rings[ri]!.entries /= 2)]);
    r.buffers.forEach((b, j) => {
      if ('regbuf' in b) {
        if (b.regbuf.len > 1)
          muts.push([
            `ring ${r.bgid} entry ${j}: len ${Math.floor(b.regbuf.len / 2)}`,
            (s) => void ((s.buffer_rings[ri]!.buffers[j] as typeof b).regbuf.len = Math.floor(b.regbuf.len / 2)),
          ]);
        if (b.regbuf.offset > 0)
          muts.push([`ring ${r.bgid} entry ${j}: offset 0`, (s) => void ((s.buffer_rings[ri]!.buffers[j] as typeof b).regbuf.offset = 0)]);
        if (b.regbuf.offset > 1)
          muts.push([
            `ring ${r.bgid} entry ${j}: offset ${Math.floor(b.regbuf.offset / 2)}`,
            (s) => void ((s.buffer_rings[ri]!.buffers[j] as typeof b).regbuf.offset = Math.floor(b.regbuf.offset / 2)),
          ]);
      }
      if ('plain' in b && b.plain.size > 1)
        muts.push([
          `ring ${r.bgid} entry ${j}: size ${Math.floor(b.plain.size / 2)}`,
          (s) => void ((s.buffer_rings[ri]!.buffers[j] as typeof b).plain.size = Math.floor(b.plain.size / 2)),
        ]);
    });
  });
  sc.provided_buffers.forEach((p, pi) => {
    muts.push([`drop classic buffers ${pi}`, (s) => void s.provided_buffers.splice(pi, 1)]);
    if (!('count' in p)) return;
    const at = (s: Scenario) => s.provided_buffers[pi] as typeof p;
    if (p.count > 2)
      muts.push([`classic buffers ${pi}: ${Math.ceil(p.count / 2)} buffers`, (s) => void (at(s).count = Math.ceil(p.count / 2))]);
    if (p.count > 1) muts.push([`classic buffers ${pi}: ${p.count - 1} buffers`, (s) => void (at(s).count = p.count - 1)]);
    if (p.size > 1) muts.push([`classic buffers ${pi}: size ${Math.floor(p.size / 2)}`, (s) => void (at(s).size = Math.floor(p.size / 2))]);
  });
  const regs = sc.registered_buffers;
  // the biggest cuts first: a generated scenario may register 64 buffers it never uses
  if (regs) muts.push(['no registered buffers', (s) => void delete s.registered_buffers]);
  if (regs && Array.isArray(regs)) {
    if (regs.length > 2) muts.push(['only registered buffer 0', (s) => void (s.registered_buffers as typeof regs).splice(1)]);
    if (regs.length > 1) muts.push([`drop registered buffer ${regs.length - 1}`, (s) => void (s.registered_buffers as typeof regs).pop()]);
    regs.forEach((r, i) => {
      if (r.size > 1)
        muts.push([
          `regbuf ${i}: size ${Math.floor(r.size / 2)}`,
          (s) => void ((s.registered_buffers as typeof regs)[i]!.size = Math.floor(r.size / 2)),
        ]);
      if (r.placement !== 'page_aligned')
        muts.push([`regbuf ${i}: page aligned`, (s) => void ((s.registered_buffers as typeof regs)[i]!.placement = 'page_aligned')]);
    });
  } else if (regs) {
    if (regs.count > 2)
      muts.push([
        `${Math.ceil(regs.count / 2)} registered buffers`,
        (s) => void ((s.registered_buffers as typeof regs).count = Math.ceil(regs.count / 2)),
      ]);
    if (regs.count > 1) muts.push([`${regs.count - 1} registered buffers`, (s) => void ((s.registered_buffers as typeof regs).count -= 1)]);
    if (regs.size > 1)
      muts.push([
        `registered buffers of ${Math.floor(regs.size / 2)} bytes`,
        (s) => void ((s.registered_buffers as typeof regs).size = Math.floor(regs.size / 2)),
      ]);
    if (regs.placement !== 'page_aligned')
      muts.push(['registered buffers page aligned', (s) => void ((s.registered_buffers as typeof regs).placement = 'page_aligned')]);
  }
  sc.steps.forEach((st, i) => {
    const op = 'send_zc' in st ? st.send_zc : 'send' in st ? st.send : undefined;
    if (!op) return;
    const get = (s: Scenario) => {
      const x = s.steps[i]!;
      return 'send_zc' in x ? x.send_zc : 'send' in x ? x.send : undefined;
    };
    (op.flags as string[]).forEach((f) =>
      muts.push([
        `step ${i + 1}: without ${f}`,
        (s) => void ((get(s)!.flags as string[]) = (get(s)!.flags as string[]).filter((x) => x !== f)),
      ]),
    );
    op.msg_flags.forEach((f) =>
      muts.push([`step ${i + 1}: without MSG_${f}`, (s) => void (get(s)!.msg_flags = get(s)!.msg_flags.filter((x) => x !== f))]),
    );
    op.sqe_flags.forEach((f) =>
      muts.push([`step ${i + 1}: without IOSQE_${f}`, (s) => void (get(s)!.sqe_flags = get(s)!.sqe_flags.filter((x) => x !== f))]),
    );
    if (op.len > 1) muts.push([`step ${i + 1}: len ${Math.floor(op.len / 2)}`, (s) => void (get(s)!.len = Math.floor(op.len / 2))]);
    if (op.expect) muts.push([`step ${i + 1}: no pins`, (s) => void delete get(s)!.expect]);
  });
  sc.ring.flags.forEach((f) => muts.push([`ring without ${f}`, (s) => void (s.ring.flags = s.ring.flags.filter((x) => x !== f))]));
  if (sc.socket.sndbuf) muts.push(['default SO_SNDBUF', (s) => void delete s.socket.sndbuf]);
  if (sc.socket.nonblocking) muts.push(['blocking socket', (s) => void (s.socket.nonblocking = false)]);
  if (sc.expect) muts.push(['no scenario pins', (s) => void delete s.expect]);

  const out: Candidate[] = [];
  for (const [change, mut] of muts) {
    const copy = structuredClone(sc);
    mut(copy);
    const valid = validScenario(copy);
    if (valid) out.push({ scenario: valid, change });
  }
  return out;
}

/** Size of a scenario, to report how much was removed. */
export function scenarioSize(sc: Scenario): number {
  const regs = sc.registered_buffers;
  const nreg = !regs ? 0 : Array.isArray(regs) ? regs.length : regs.count;
  return sc.steps.length + nreg + sc.buffer_rings.reduce((a, r) => a + 1 + r.buffers.length, 0) + sc.provided_buffers.length;
}

/** Bytes a scenario allocates and asks to send: the other half of "smaller". */
export function scenarioBytes(sc: Scenario): number {
  const regs = sc.registered_buffers;
  const reg = !regs ? 0 : Array.isArray(regs) ? regs.reduce((a, r) => a + r.size, 0) : regs.count * regs.size;
  const ring = sc.buffer_rings.reduce(
    (a, r) => a + r.buffers.reduce((b, e) => b + ('regbuf' in e ? e.regbuf.len : 'plain' in e ? e.plain.size : e.raw.len), 0),
    0,
  );
  const classic = sc.provided_buffers.reduce((a, p) => a + ('count' in p ? p.count * p.size : p.regbuf.len), 0);
  return reg + ring + classic;
}

export interface MinimizeResult {
  scenario: Scenario;
  changes: string[];
  runs: number;
  rounds: number;
}

/**
 * Greedy delta debugging. `evaluate` runs a batch of scenarios (ids already
 * unique) and returns each one's failure signature (undefined = it passed).
 */
export async function minimize(
  start: Scenario,
  signature: string,
  evaluate: (batch: Scenario[]) => Promise<(string | undefined)[]>,
  opts: {
    maxRounds?: number;
    onRound?: (round: number, size: number, change?: string) => void;
    /** Candidates per evaluate call: later chunks of a round run only if no earlier candidate held (default: all). */
    chunk?: number;
  } = {},
): Promise<MinimizeResult> {
  let current = start;
  const changes: string[] = [];
  let runs = 0;
  let rounds = 0;
  for (; rounds < (opts.maxRounds ?? 50); rounds++) {
    const cands = reductions(current).map((c, k) => ({
      ...c,
      scenario: { ...c.scenario, id: `${start.id.slice(0, 50)}-m${rounds}-${k}` },
    }));
    if (!cands.length) break;
    const chunk = Math.max(1, opts.chunk ?? cands.length);
    let k = -1;
    for (let at = 0; at < cands.length && k < 0; at += chunk) {
      const part = cands.slice(at, at + chunk);
      const sigs = await evaluate(part.map((c) => c.scenario));
      runs += part.length;
      const j = sigs.findIndex((s) => s === signature);
      if (j >= 0) k = at + j;
    }
    if (k < 0) break;
    current = cands[k]!.scenario;
    changes.push(cands[k]!.change);
    opts.onRound?.(rounds + 1, scenarioSize(current), cands[k]!.change);
  }
  return { scenario: { ...current, id: start.id }, changes, runs, rounds };
}
