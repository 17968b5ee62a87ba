// Judges one observation against the model's prediction and the spec's own
// pins. Every difference becomes a short Diff naming the CQE, the field,
// expected vs got and the rule; received bytes that differ are traced back
// to the buffer they actually came from.
import { BufferBytes, expectedOrigin, expectedPeer } from '../model/bytes.ts';
import { describeRes, errnoValue } from '../model/errno.ts';
import { CQE_BUFFER_SHIFT, CQE_F, cqeFlagBits, formatCqeFlags } from '../model/cqe.ts';
import { resContains, resToString, type NoOracle, type PeerChunk, type PredictedCqe, type Prediction } from '../model/prediction.ts';
import { layoutOf, ringAddsOf, type Layout } from '../specs/layout.ts';
import type { CqeExpect, ResExpect, Scenario, Segment } from '../specs/schema.ts';
import { finalHeads, type ObservedCqe, type Observation } from '../exec/events.ts';
import type { Diff, ExpectedCqe, Verdict } from './verdict.ts';

const hex = (b: Buffer) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
const udOf = (sc: Scenario, step: number): bigint | undefined => {
  const s = sc.steps[step - 1];
  const op = s && ('send_zc' in s ? s.send_zc : 'send' in s ? s.send : undefined);
  return op ? BigInt(op.user_data ?? step) : undefined;
};

export function judge(sc: Scenario, obs: Observation, prediction: Prediction | NoOracle): Verdict {
  if (obs.fatal) return { status: 'error', diffs: [], summary: `program error: ${explainFatal(obs.fatal)}` };
  if (!obs.complete) return { status: 'error', diffs: [], summary: 'incomplete observation: no "end" line' };
  const layout = layoutOf(sc);
  const bytes = new BufferBytes(layout);
  const pinDiffs = checkPins(sc, obs, layout, bytes);
  if (prediction.kind === 'no-oracle') {
    return {
      status: 'no-oracle',
      diffs: pinDiffs,
      summary: `no oracle: ${prediction.reason}${pinDiffs.length ? `; ${pinDiffs.length} pin(s) fail` : ''}`,
    };
  }
  const diffs: Diff[] = [];
  compareSetup(prediction, obs, diffs);
  if (!prediction.setupFailure && !obs.setupFailure) {
    compareCqes(prediction, obs, diffs);
    compareHeads(prediction, obs, diffs);
    comparePeer(prediction, obs, bytes, diffs);
  }
  diffs.push(...pinDiffs);
  const pinConflicts = pinConflictsOf(sc, prediction, layout, bytes);
  const status = diffs.length ? 'fail' : 'pass';
  const expected = expectedTimeline(prediction, obs)!;
  const summary =
    status === 'pass'
      ? `pass (${prediction.profile}: ${prediction.requests.length} request(s), ${obs.cqes.length + obs.extra.length} CQE(s))`
      : `${diffs.length} difference(s); first: ${diffs[0]!.where} ${diffs[0]!.field}: expected ${diffs[0]!.expected}, got ${diffs[0]!.got}${diffs[0]!.rule ? ` [${diffs[0]!.rule}]` : ''}`;
  return { status, diffs, summary, expected, ...(pinConflicts.length ? { pinConflicts } : {}) };
}

/**
 * The model's CQEs for reports, request by request in submission order, spelled
 * as the observed ones are (resToString, formatCqeFlags), each paired with the
 * observed CQE it is compared with (the same user_data, the same position among
 * that request's CQEs) and whether that one agrees: reports draw both sides
 * from this without judging again.
 */
export function expectedTimeline(p: Prediction | NoOracle, obs: Observation): ExpectedCqe[] | undefined {
  if (p.kind === 'no-oracle') return undefined;
  const byUd = new Map<bigint, ObservedCqe[]>();
  for (const c of allCqes(obs)) byUd.set(c.userData, [...(byUd.get(c.userData) ?? []), c]);
  return p.requests.flatMap((req) =>
    req.cqes.map((e, i): ExpectedCqe => {
      const g = byUd.get(req.userData)?.[i];
      return {
        step: req.step,
        userData: req.userData.toString(),
        res: resToString(e.res),
        flags: formatCqeFlags(e.flags),
        ...(g ? { observed: g.seq } : {}),
        agrees: g !== undefined && resContains(e.res, g.res) && g.flags === e.flags,
      };
    }),
  );
}

function compareSetup(p: Prediction, obs: Observation, diffs: Diff[]): void {
  const e = p.setupFailure;
  const g = obs.setupFailure;
  if (!e && !g) return;
  const show = (f?: { what: string; res: number }) => (f ? `${f.what} ${describeRes(f.res)}` : 'success');
  if (!e || !g || e.what !== g.what || e.res !== g.res)
    diffs.push({ where: 'setup', field: 'result', expected: show(e), got: show(g), ...(e ? { rule: e.rule } : {}) });
}

function allCqes(obs: Observation): ObservedCqe[] {
  return [...obs.cqes, ...obs.extra];
}

function compareCqes(p: Prediction, obs: Observation, diffs: Diff[]): void {
  const byUd = new Map<bigint, ObservedCqe[]>();
  for (const c of allCqes(obs)) byUd.set(c.userData, [...(byUd.get(c.userData) ?? []), c]);
  for (const req of p.requests) {
    const got = byUd.get(req.userData) ?? [];
    byUd.delete(req.userData);
    req.cqes.forEach((e, i) => {
      const where = `cqe ${i + 1} of user_data ${req.userData} (step ${req.step} ${req.op}${e.kind === 'notif' ? ', notification' : ''})`;
      const g = got[i];
      if (!g) {
        diffs.push({
          where,
          field: 'count',
          expected: `res ${resToString(e.res)} flags ${formatCqeFlags(e.flags)}`,
          got: 'missing',
          rule: (i === 0 && req.completesRule) || e.resRule,
        });
        return;
      }
      // A notification where the result should be: the order rule, not the values, is what broke.
      const swapped = g.flags & CQE_F.NOTIF && e.kind !== 'notif';
      if (!resContains(e.res, g.res))
        diffs.push({
          where,
          field: 'res',
          expected: resToString(e.res),
          got: describeRes(g.res),
          rule: swapped ? 'zc.notif-after-result' : e.resRule,
        });
      if (g.flags !== e.flags)
        diffs.push({
          where,
          field: fieldOfFlags(e.flags, g.flags),
          expected: formatCqeFlags(e.flags),
          got: formatCqeFlags(g.flags),
          rule: swapped ? 'zc.notif-after-result' : e.flagsRule,
        });
    });
    got.slice(req.cqes.length).forEach((g, k) =>
      diffs.push({
        where: `cqe ${req.cqes.length + k + 1} of user_data ${req.userData} (step ${req.step} ${req.op})`,
        field: 'count',
        expected: 'none',
        got: `res ${describeRes(g.res)} flags ${formatCqeFlags(g.flags)}`,
        rule: req.cqes[req.cqes.length - 1]?.flagsRule ?? 'send.result',
      }),
    );
  }
  for (const [ud, got] of byUd)
    for (const g of got)
      diffs.push({
        where: `cqe #${g.seq + 1} (user_data ${ud})`,
        field: 'count',
        expected: 'no CQE for this user_data',
        got: `res ${describeRes(g.res)} flags ${formatCqeFlags(g.flags)}`,
      });
  if (p.resultOrder === 'submission') {
    const firstSeq = p.requests
      .map((r) => ({ ud: r.userData, seq: allCqes(obs).find((c) => c.userData === r.userData)?.seq }))
      .filter((x): x is { ud: bigint; seq: number } => x.seq !== undefined);
    const order = [...firstSeq].sort((a, b) => a.seq - b.seq).map((x) => x.ud);
    const want = firstSeq.map((x) => x.ud);
    if (order.join() !== want.join())
      diffs.push({
        where: 'cqe order',
        field: 'first CQE per request',
        expected: want.join(', '),
        got: order.join(', '),
        rule: 'sock.stream-bytes',
      });
  }
}

function fieldOfFlags(e: number, g: number): string {
  if ((e & 0xffff) === (g & 0xffff) && e & CQE_F.BUFFER) return 'bid';
  return 'flags';
}

function compareHeads(p: Prediction, obs: Observation, diffs: Diff[]): void {
  for (const h of p.heads) {
    const g = obs.heads.find((x) => x.step === h.step && x.bgid === h.bgid);
    const where = `ring ${h.bgid} head (step ${h.step})`;
    if (!g) diffs.push({ where, field: 'head', expected: String(h.head), got: 'not reported', rule: h.rule });
    else if (g.head !== h.head)
      diffs.push({
        where,
        field: 'head',
        expected: String(h.head),
        got: g.head === undefined ? `error ${describeRes(g.err ?? 0)}` : String(g.head),
        rule: h.rule,
      });
  }
}

/** How many bytes of a chunk the peer should have: the observed res when the prediction allows it. */
function chunkCount(p: Prediction, obs: Observation): (c: PeerChunk) => number {
  const byUd = new Map<bigint, ObservedCqe[]>();
  for (const c of allCqes(obs)) byUd.set(c.userData, [...(byUd.get(c.userData) ?? []), c]);
  return (c) => {
    const e = p.requests.find((r) => r.userData === c.userData)?.cqes[c.cqe];
    const g = byUd.get(c.userData)?.[c.cqe];
    const max = c.sources.reduce((a, s) => a + s.len, 0);
    if (g && e && resContains(e.res, g.res)) return Math.min(Math.max(g.res, 0), max);
    if (!e) return 0;
    return 'exact' in e.res ? Math.max(0, e.res.exact) : Math.max(0, e.res.min);
  };
}

function comparePeer(p: Prediction, obs: Observation, bytes: BufferBytes, diffs: Diff[]): void {
  const count = chunkCount(p, obs);
  const { data, map } = expectedPeer(bytes, p.peer.chunks, count);
  const rule = p.peer.chunks[0]?.rule ?? 'sock.stream-bytes';
  if (p.peer.datagram) {
    // A datagram is sent when its completion succeeds; an empty one is still a datagram.
    const succeeded = (c: Prediction['peer']['chunks'][number]) => {
      const e = p.requests.find((r) => r.userData === c.userData)?.cqes[c.cqe];
      return e !== undefined && ('exact' in e.res ? e.res.exact >= 0 : e.res.min >= 0);
    };
    const want = p.peer.chunks.filter(succeeded).map(count);
    if (want.join() !== obs.datagrams.join())
      diffs.push({
        where: 'peer datagrams',
        field: 'lengths',
        expected: want.join(', ') || 'none',
        got: obs.datagrams.join(', ') || 'none',
        rule: 'sock.dgram',
      });
  }
  diffPeerBytes(data, obs.peer, bytes, (at) => expectedOrigin(map, at), rule, 'peer bytes', diffs);
}

/** Length and first differing byte, with where the received bytes came from. */
function diffPeerBytes(
  want: Buffer,
  got: Buffer,
  bytes: BufferBytes,
  origin: (at: number) => string | undefined,
  rule: string,
  where: string,
  diffs: Diff[],
): void {
  const n = Math.min(want.length, got.length);
  let d = 0;
  while (d < n && want[d] === got[d]) d++;
  if (d < n) {
    // A long window: constant stretches (zeroed page prefixes) only disambiguate by what follows them.
    const w = got.subarray(d, Math.min(got.length, d + 4096));
    const t = bytes.trace(w);
    const exp = origin(d);
    const note = t
      ? `bytes at ${d}..${d + t.run - 1} came from ${t.buffer} offset ${t.offset}${exp ? ` (expected ${exp})` : ''}`
      : `bytes at ${d}.. match no buffer of the scenario${exp ? ` (expected ${exp})` : ''}`;
    diffs.push({ where, field: `offset ${d}`, expected: hex(want.subarray(d, d + 8)), got: hex(got.subarray(d, d + 8)), rule, note });
  }
  if (want.length !== got.length) diffs.push({ where, field: 'length', expected: String(want.length), got: String(got.length), rule });
}

// ---- pins ---------------------------------------------------------------------

function resPinValue(r: ResExpect): { exact: number } | { min: number; max: number } | undefined {
  if (typeof r === 'number') return { exact: r };
  if (typeof r === 'string') {
    const v = errnoValue(r);
    return v === undefined ? undefined : { exact: v };
  }
  return r;
}

/** Why an observed (or predicted) CQE does not satisfy a pin, field by field. */
function pinMismatch(
  pin: CqeExpect,
  res: { exact: number } | { min: number; max: number },
  flags: number,
): { field: string; expected: string; got: string }[] {
  const out: { field: string; expected: string; got: string }[] = [];
  if (pin.res !== undefined) {
    const want = resPinValue(pin.res);
    const ok =
      want === undefined
        ? false
        : 'exact' in res
          ? resContains(want, res.exact)
          : 'exact' in want
            ? res.min === want.exact && res.max === want.exact
            : res.min >= want.min && res.max <= want.max;
    if (!ok)
      out.push({
        field: 'res',
        expected: String(typeof pin.res === 'object' ? `${pin.res.min}..${pin.res.max}` : pin.res),
        got: 'exact' in res ? describeRes(res.exact) : resToString(res),
      });
  }
  if (pin.flags !== undefined && (flags & 0xffff) !== cqeFlagBits(pin.flags))
    out.push({ field: 'flags', expected: pin.flags.join('|') || '0', got: formatCqeFlags(flags & 0xffff) });
  if (pin.bid !== undefined && (!(flags & CQE_F.BUFFER) || flags >>> CQE_BUFFER_SHIFT !== pin.bid))
    out.push({ field: 'bid', expected: String(pin.bid), got: flags & CQE_F.BUFFER ? String(flags >>> CQE_BUFFER_SHIFT) : 'no buffer' });
  if (pin.notif !== undefined && Boolean(flags & CQE_F.NOTIF) !== pin.notif)
    out.push({ field: 'notif', expected: String(pin.notif), got: String(Boolean(flags & CQE_F.NOTIF)) });
  if (pin.usage !== undefined) {
    // IORING_NOTIF_USAGE_ZC_COPIED is bit 31 of the notification's res.
    const copied = ((('exact' in res ? res.exact : res.min) >>> 0) & 0x80000000) !== 0;
    if (copied !== (pin.usage === 'copied')) out.push({ field: 'usage', expected: pin.usage, got: copied ? 'copied' : 'zc' });
  }
  return out;
}

function stepPins(sc: Scenario): { step: number; ud: bigint; pins: CqeExpect[] }[] {
  return sc.steps.flatMap((s, i) => {
    const op = 'send_zc' in s ? s.send_zc : 'send' in s ? s.send : undefined;
    return op?.expect ? [{ step: i + 1, ud: udOf(sc, i + 1)!, pins: op.expect.cqes }] : [];
  });
}

/** The bytes a pinned segment names, or why it cannot be rebuilt. */
function segmentBytes(sc: Scenario, layout: Layout, bytes: BufferBytes, seg: Segment): Buffer | string {
  if ('regbuf' in seg) {
    const r = layout.regbufs[seg.regbuf];
    return r ? bytes.source({ buffer: r.name, offset: seg.offset, len: seg.len }) : `no regbuf ${seg.regbuf}`;
  }
  if ('ring' in seg) {
    const e = ringAddsOf(sc)
      .filter((a) => a.bgid === seg.ring)
      .flatMap((a) => a.entries)
      .find((x) => x.bid === seg.bid);
    if (!e) return `no entry with bid ${seg.bid} in ring ${seg.ring}`;
    if (e.target.kind === 'plain') return bytes.source({ buffer: e.target.buffer.name, offset: seg.offset, len: seg.len });
    if (e.target.kind === 'regbuf') {
      const r = layout.regbufs[e.target.index];
      return r
        ? bytes.source({ buffer: r.name, offset: e.target.offset + seg.offset, len: seg.len })
        : `ring ${seg.ring} bid ${seg.bid} names no regbuf`;
    }
    return `ring ${seg.ring} bid ${seg.bid} is a raw addr`;
  }
  const s = sc.steps[seg.source_of_step - 1];
  const op = s && ('send_zc' in s ? s.send_zc : 'send' in s ? s.send : undefined);
  const src = op?.source;
  if (!src) return `step ${seg.source_of_step} has no source`;
  if ('plain' in src) return bytes.source({ buffer: `step ${seg.source_of_step} source`, offset: seg.offset, len: seg.len });
  const r = layout.regbufs[src.regbuf.index];
  return r
    ? bytes.source({ buffer: r.name, offset: src.regbuf.offset + seg.offset, len: seg.len })
    : `step ${seg.source_of_step} names no regbuf`;
}

function checkPins(sc: Scenario, obs: Observation, layout: Layout, bytes: BufferBytes): Diff[] {
  const diffs: Diff[] = [];
  const cqes = allCqes(obs);
  for (const { step, ud, pins } of stepPins(sc)) {
    const got = cqes.filter((c) => c.userData === ud);
    pins.forEach((pin, i) => {
      const where = `pin: cqe ${i + 1} of user_data ${ud} (step ${step})`;
      const g = got[i];
      if (!g) return void diffs.push({ where, field: 'count', expected: 'a CQE', got: 'missing', rule: 'pin' });
      for (const m of pinMismatch(pin, { exact: g.res }, g.flags)) diffs.push({ where, ...m, rule: 'pin' });
    });
  }
  const ex = sc.expect;
  if (ex?.ring_heads) {
    const heads = finalHeads(obs);
    for (const [bgid, head] of Object.entries(ex.ring_heads)) {
      const g = heads.get(Number(bgid));
      if (g !== head)
        diffs.push({
          where: `pin: ring ${bgid} head`,
          field: 'head',
          expected: String(head),
          got: g === undefined ? 'not reported' : String(g),
          rule: 'pin',
        });
    }
  }
  if (ex?.peer?.len !== undefined && obs.peer.length !== ex.peer.len)
    diffs.push({ where: 'pin: peer', field: 'length', expected: String(ex.peer.len), got: String(obs.peer.length), rule: 'pin' });
  if (ex?.peer?.bytes) {
    const parts = ex.peer.bytes.map((s) => segmentBytes(sc, layout, bytes, s));
    const bad = parts.find((x): x is string => typeof x === 'string');
    if (bad) diffs.push({ where: 'pin: peer bytes', field: 'segments', expected: 'segments of known buffers', got: bad, rule: 'pin' });
    else {
      let at = 0;
      const map = ex.peer.bytes.map((s, k) => {
        const start = at;
        at += (parts[k] as Buffer).length;
        return { start, len: (parts[k] as Buffer).length, name: segName(s) };
      });
      const origin = (o: number) => {
        const m = map.find((x) => o >= x.start && o < x.start + x.len);
        return m ? `${m.name} +${o - m.start}` : undefined;
      };
      diffPeerBytes(Buffer.concat(parts as Buffer[]), obs.peer, bytes, origin, 'pin', 'pin: peer bytes', diffs);
    }
  }
  return diffs;
}

const segName = (s: Segment) =>
  'regbuf' in s
    ? `regbuf[${s.regbuf}] offset ${s.offset}`
    : 'ring' in s
      ? `ring ${s.ring} bid ${s.bid} offset ${s.offset}`
      : `step ${s.source_of_step} source offset ${s.offset}`;

/** Pins the model disagrees with: reported, never silently trusted either way. */
function pinConflictsOf(sc: Scenario, p: Prediction, layout: Layout, bytes: BufferBytes): Diff[] {
  const out: Diff[] = [];
  for (const { step, ud, pins } of stepPins(sc)) {
    const req = p.requests.find((r) => r.userData === ud);
    pins.forEach((pin, i) => {
      const where = `pin: cqe ${i + 1} of user_data ${ud} (step ${step})`;
      const e: PredictedCqe | undefined = req?.cqes[i];
      if (!e) return void out.push({ where, field: 'count', expected: 'model: no such CQE', got: 'pinned', rule: 'pin' });
      for (const m of pinMismatch(pin, e.res, e.flags))
        out.push({
          where,
          field: m.field,
          expected: `pin ${m.expected}`,
          got: `model ${m.got}`,
          rule: m.field === 'res' ? e.resRule : e.flagsRule,
        });
    });
  }
  const ex = sc.expect;
  if (ex?.ring_heads) {
    const last = sc.steps.length + 1;
    for (const [bgid, head] of Object.entries(ex.ring_heads)) {
      const h = p.heads.find((x) => x.step === last && x.bgid === Number(bgid));
      if (h && h.head !== head)
        out.push({ where: `pin: ring ${bgid} head`, field: 'head', expected: `pin ${head}`, got: `model ${h.head}`, rule: h.rule });
    }
  }
  const exact = p.peer.chunks.every((c) => {
    const e = p.requests.find((r) => r.userData === c.userData)?.cqes[c.cqe];
    return e && 'exact' in e.res;
  });
  if (exact && ex?.peer) {
    const model = expectedPeer(bytes, p.peer.chunks, (c) => {
      const e = p.requests.find((r) => r.userData === c.userData)!.cqes[c.cqe]!;
      return 'exact' in e.res ? e.res.exact : 0;
    }).data;
    if (ex.peer.len !== undefined && ex.peer.len !== model.length)
      out.push({
        where: 'pin: peer',
        field: 'length',
        expected: `pin ${ex.peer.len}`,
        got: `model ${model.length}`,
        rule: 'sock.stream-bytes',
      });
    if (ex.peer.bytes) {
      const parts = ex.peer.bytes.map((s) => segmentBytes(sc, layout, bytes, s));
      if (parts.every((x): x is Buffer => typeof x !== 'string') && !Buffer.concat(parts).equals(model))
        out.push({
          where: 'pin: peer bytes',
          field: 'bytes',
          expected: 'pinned segments',
          got: 'model bytes differ',
          rule: 'sock.stream-bytes',
        });
    }
  }
  return out;
}

/** A harness `fatal` line, with what it means where the scenario (not the machine) caused it. */
export function explainFatal(fatal: string): string {
  return /\bwhat=sq_full\b/.test(fatal)
    ? `${fatal}: the SQ ring had no free entry (requests a failed submission left there, plus new ones, exceed ring.entries; a submit step before them makes room)`
    : fatal;
}
