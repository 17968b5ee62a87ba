// Properties that hold for every scenario the model predicts, over random
// scenarios built from the schema's own vocabulary.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { predict, CQE_F, PROFILE_NAMES, type Prediction, type ProfileName } from '../../src/model/index.ts';
import { BufferBytes, expectedPeer } from '../../src/model/bytes.ts';
import { layoutOf } from '../../src/specs/layout.ts';
import { scenario } from './helpers.ts';

const profiles = PROFILE_NAMES.filter((p): p is Exclude<ProfileName, 'host'> => p !== 'host');

const entry = fc.oneof(
  fc.record({
    regbuf: fc.record({
      index: fc.integer({ min: 0, max: 3 }),
      offset: fc.integer({ min: 0, max: 5000 }),
      len: fc.integer({ min: 0, max: 3000 }),
    }),
  }),
  fc.record({ plain: fc.record({ size: fc.integer({ min: 1, max: 300 }) }) }),
);
const zcFlags = fc.subarray(['FIXED_BUF', 'BUNDLE', 'REPORT_USAGE'] as const);
const step = fc.oneof(
  fc.record({ send_zc: fc.record({ buf_group: fc.constant(1), len: fc.integer({ min: 0, max: 2000 }), flags: zcFlags }) }),
  fc.record({
    send_zc: fc.record({
      len: fc.integer({ min: 0, max: 400 }),
      flags: fc.subarray(['REPORT_USAGE'] as const),
      source: fc.constant({ plain: { size: 400 } }),
    }),
  }),
  fc.record({
    send_zc: fc.record({
      len: fc.integer({ min: 0, max: 400 }),
      flags: fc.constant(['FIXED_BUF']),
      source: fc.record({ regbuf: fc.record({ index: fc.integer({ min: 0, max: 2 }), offset: fc.integer({ min: 0, max: 4000 }) }) }),
    }),
  }),
  fc.record({
    send: fc.record({ buf_group: fc.constant(1), len: fc.integer({ min: 0, max: 500 }), flags: fc.subarray(['BUNDLE'] as const) }),
  }),
  fc.record({ send: fc.record({ len: fc.integer({ min: 1, max: 400 }), source: fc.constant({ plain: { size: 400 } }) }) }),
  fc.constant({ wait: { cqes: 1, timeout_ms: 10 } }),
  fc.constant({ peer_drain: {} }),
  fc.record({ ring_add: fc.record({ bgid: fc.constant(1), buffers: fc.array(entry, { minLength: 1, maxLength: 2 }) }) }),
);
const arbScenario = fc
  .record({
    type: fc.constantFrom('tcp', 'udp', 'unix-stream'),
    regs: fc.integer({ min: 1, max: 3 }),
    ring: fc.array(entry, { maxLength: 6 }),
    steps: fc.array(step, { minLength: 1, maxLength: 8 }),
  })
  .map(({ type, regs, ring, steps }) => {
    const sc = scenario({
      socket: { type },
      registered_buffers: { count: regs, size: 4096 },
      buffer_rings: [{ bgid: 1, entries: 64, buffers: ring }],
      steps,
    });
    return sc;
  });

const predictions = (sc: ReturnType<typeof scenario>) =>
  profiles.map((p) => predict(sc, p)).filter((p): p is Prediction => p.kind === 'prediction');

describe('model properties (fast-check)', () => {
  it('exactly one notification per send_zc whose result CQE has F_MORE, and it comes after the result', () => {
    fc.assert(
      fc.property(arbScenario, (sc) => {
        for (const p of predictions(sc))
          for (const r of p.requests) {
            if (r.op !== 'send_zc') continue;
            const notifs = r.cqes.filter((c) => c.flags & CQE_F.NOTIF);
            const more = (r.cqes[0]!.flags & CQE_F.MORE) !== 0;
            expect(notifs.length).toBe(more ? 1 : 0);
            if (more) expect(r.cqes.at(-1)!.flags & CQE_F.NOTIF).toBeTruthy();
          }
      }),
      { numRuns: 300 },
    );
  });

  it('the predicted ring head never passes the number of buffers added', () => {
    fc.assert(
      fc.property(arbScenario, (sc) => {
        const added =
          sc.buffer_rings[0]!.buffers.length + sc.steps.reduce((a, s) => a + ('ring_add' in s ? s.ring_add.buffers.length : 0), 0);
        for (const p of predictions(sc)) for (const h of p.heads) expect(h.head).toBeLessThanOrEqual(added);
      }),
      { numRuns: 300 },
    );
  });

  it('on stream sockets the predicted peer length is the sum of the positive results', () => {
    fc.assert(
      fc.property(
        arbScenario.filter((s) => s.socket.type !== 'udp'),
        (sc) => {
          const bytes = new BufferBytes(layoutOf(sc));
          for (const p of predictions(sc)) {
            const exactRes = (c: Prediction['requests'][number]['cqes'][number]) => ('exact' in c.res ? c.res.exact : c.res.max);
            const sum = p.requests
              .flatMap((r) => r.cqes.filter((c) => c.kind !== 'notif'))
              .reduce((a, c) => a + Math.max(0, exactRes(c)), 0);
            const data = expectedPeer(bytes, p.peer.chunks, (ch) =>
              exactRes(p.requests.find((r) => r.userData === ch.userData)!.cqes[ch.cqe]!),
            ).data;
            expect(data.length).toBe(sum);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is deterministic: predicting twice gives deep-equal results', () => {
    fc.assert(
      fc.property(arbScenario, fc.constantFrom(...profiles), (sc, prof) => {
        expect(predict(sc, prof)).toEqual(predict(sc, prof));
      }),
      { numRuns: 200 },
    );
  });
});
