// The model's small parts on their own, each expectation written out: how
// probed host outcomes become features (profiles.ts hostFeaturesFromProbes),
// what a host feature set means (semanticsOf), where received bytes came from
// (bytes.ts trace) and how the expected peer stream is cut and named
// (expectedPeer, expectedOrigin).
import { describe, expect, it } from 'vitest';
import { BufferBytes, expectedOrigin, expectedPeer } from '../../src/model/bytes.ts';
import { errnoValue } from '../../src/model/errno.ts';
import { resContains } from '../../src/model/prediction.ts';
import { hostFeaturesFromProbes, semanticsOf, type HostFeatures } from '../../src/model/profiles.ts';
import type { BufferDesc, Layout } from '../../src/specs/layout.ts';
import type { Fill } from '../../src/specs/schema.ts';

describe('host features from probe results', () => {
  const f = (res: Record<string, number>) => {
    const h = hostFeaturesFromProbes('6.x', res);
    return [h.sendZcBufferSelect, h.sendZcBundle, h.bundleStopsBeforePartial, h.sendBundleNeedsSelect];
  };
  it('no probe at all: the 6.12 behaviour', () => {
    expect(hostFeaturesFromProbes('6.12', {})).toEqual({
      kind: 'host',
      kernel: '6.12',
      sendZcBufferSelect: false,
      sendZcBundle: false,
      bundleStopsBeforePartial: false,
      sendBundleNeedsSelect: true,
    });
  });
  it('send_zc buffer select: supported unless -EOPNOTSUPP', () => {
    expect(f({ 'zc-bufsel-empty-ring': -95 })[0]).toBe(false);
    expect(f({ 'zc-bufsel-empty-ring': -105 })[0]).toBe(true);
    expect(f({ 'zc-bufsel-empty-ring': 0 })[0]).toBe(true);
    expect(f({ 'zc-bufsel-empty-ring': 95 })[0]).toBe(true);
  });
  it('send_zc BUNDLE: supported when the plain bundle does not fail', () => {
    expect(f({ 'zc-bundle-flag-plain': -22 })[1]).toBe(false);
    expect(f({ 'zc-bundle-flag-plain': -1 })[1]).toBe(false);
    expect(f({ 'zc-bundle-flag-plain': 0 })[1]).toBe(true);
    expect(f({ 'zc-bundle-flag-plain': 5 })[1]).toBe(true);
  });
  it('a capped send bundle stops before the entry it would cut: exactly 64 bytes', () => {
    expect(f({ 'send-bundle-cap-mid': 64 })[2]).toBe(true);
    expect(f({ 'send-bundle-cap-mid': 80 })[2]).toBe(false);
    expect(f({ 'send-bundle-cap-mid': 63 })[2]).toBe(false);
  });
  it('BUNDLE on send without buffer select: needs it where it fails with -EINVAL', () => {
    expect(f({ 'send-bundle-no-select': -22 })[3]).toBe(true);
    expect(f({ 'send-bundle-no-select': 22 })[3]).toBe(false);
    expect(f({ 'send-bundle-no-select': 0 })[3]).toBe(false);
    expect(f({ 'send-bundle-no-select': -95 })[3]).toBe(false);
  });
});

describe('semantics of a host feature set', () => {
  const host: HostFeatures = {
    kind: 'host',
    kernel: '7.0',
    sendZcBufferSelect: true,
    sendZcBundle: true,
    bundleStopsBeforePartial: true,
    sendBundleNeedsSelect: true,
    regbufAbi: 'rfc-rev',
  };
  it('every feature carried over, the ABI and the select rule only when set', () => {
    expect(semanticsOf(host)).toEqual({
      name: 'host 7.0',
      zcBufferSelect: true,
      zcBundle: true,
      abi: 'rfc-rev',
      bundleStopsBeforePartial: true,
      sendBundleNeedsSelect: true,
    });
    const { regbufAbi: _, ...noAbi } = host;
    expect(semanticsOf({ ...noAbi, sendBundleNeedsSelect: false, sendZcBundle: false, bundleStopsBeforePartial: false })).toEqual({
      name: 'host 7.0',
      zcBufferSelect: true,
      zcBundle: false,
      bundleStopsBeforePartial: false,
    });
  });
  it('the name "host" alone is no semantics', () => {
    expect(semanticsOf('host')).toEqual({ error: 'the host profile needs the probed HostFeatures object, not the name "host"' });
  });
});

const desc = (name: string, fill: Fill, size: number, pageOffset = 0): BufferDesc => ({
  name,
  cname: name.replace(/\W/g, '_'),
  role: { kind: 'regbuf', index: 0 },
  tag: 1,
  size,
  pageOffset,
  fill,
});

describe('where received bytes came from', () => {
  // "a" holds 10, 11, 12, ...; "b" holds 100, 101, ... and starts 8 bytes into its page (zeroes before it)
  const layout: Layout = { regbufs: [], buffers: [desc('a', { seq: 10 }, 64), desc('b', { seq: 100 }, 64, 8)] };
  const bytes = new BufferBytes(layout);
  const seq = (from: number, n: number) => Buffer.from(Array.from({ length: n }, (_, k) => (from + k) & 0xff));

  it('a window found whole: the buffer and its offset, the run its length', () => {
    expect(bytes.trace(seq(15, 20))).toEqual({ buffer: 'a', offset: 5, run: 20 });
    expect(bytes.trace(seq(100, 64))).toEqual({ buffer: 'b', offset: 0, run: 64 });
  });
  it('bytes before a buffer in its page count as negative offsets', () => {
    expect(bytes.trace(Buffer.concat([Buffer.alloc(3), seq(100, 5)]))).toEqual({ buffer: 'b', offset: -3, run: 8 });
  });
  it('a window that leaves the buffer: its first 16 bytes locate it, the run says how far it matched', () => {
    expect(bytes.trace(Buffer.concat([seq(40, 16), Buffer.from([0xee, 0xee])]))).toEqual({ buffer: 'a', offset: 30, run: 16 });
    // past the end of the buffer's memory the run stops there
    expect(bytes.trace(seq(58, 20))).toEqual({ buffer: 'a', offset: 48, run: 16 });
    // a window whose start is nowhere is no origin, whatever follows
    expect(bytes.trace(Buffer.concat([Buffer.from([0xee]), seq(40, 20)]))).toBeUndefined();
  });
  it('a run shorter than minRun, or a window shorter than it, is no origin', () => {
    expect(bytes.trace(seq(10, 3))).toBeUndefined();
    expect(bytes.trace(seq(10, 3), 3)).toEqual({ buffer: 'a', offset: 0, run: 3 });
    expect(bytes.trace(Buffer.from([1, 2, 3, 4, 5]))).toBeUndefined();
    expect(bytes.trace(Buffer.concat([seq(30, 4), Buffer.from([9, 9])]), 5)).toBeUndefined();
  });
  it('the longer of two partial matches wins, the first of two equal ones', () => {
    const two = new BufferBytes({ regbufs: [], buffers: [desc('x', { seq: 0 }, 20), desc('y', { seq: 0 }, 40)] });
    expect(two.trace(seq(0, 24))).toEqual({ buffer: 'y', offset: 0, run: 24 });
    expect(two.trace(Buffer.concat([seq(0, 18), Buffer.from([0xee])]))).toEqual({ buffer: 'x', offset: 0, run: 18 });
    expect(two.trace(seq(0, 12))).toEqual({ buffer: 'x', offset: 0, run: 12 });
  });
  it('an empty window is no origin; with minRun past the 16-byte probe, a run of 16 is not enough', () => {
    expect(bytes.trace(Buffer.alloc(0))).toBeUndefined();
    // the probe (first 16 bytes) matches "a" at 30, the 17th byte does not: run 16 < 18
    expect(bytes.trace(Buffer.concat([seq(40, 16), Buffer.from([0xee, 0xee, 0xee, 0xee])]), 18)).toBeUndefined();
    expect(bytes.trace(Buffer.concat([seq(40, 16), Buffer.from([0xee, 0xee, 0xee, 0xee])]), 16)).toEqual({
      buffer: 'a',
      offset: 30,
      run: 16,
    });
  });
  it('a buffer is filled once: the same bytes object every time', () => {
    expect(bytes.of('a')).toBe(bytes.of('a'));
  });
  it('a buffer by name, and a source slice; an unknown name says so', () => {
    expect(bytes.of('a')!.subarray(0, 3)).toEqual(seq(10, 3));
    expect(bytes.of('nope')).toBeUndefined();
    expect(bytes.source({ buffer: 'b', offset: 2, len: 3 })).toEqual(seq(102, 3));
    expect(() => bytes.source({ buffer: 'nope', offset: 0, len: 1 })).toThrow('no buffer named nope');
  });
});

describe('the expected peer stream', () => {
  const bytes = new BufferBytes({ regbufs: [], buffers: [desc('a', { seq: 0 }, 64), desc('b', { seq: 100 }, 64)] });
  const chunks = [
    {
      userData: 1n,
      cqe: 0,
      rule: 'sock.stream-bytes' as const,
      sources: [
        { buffer: 'a', offset: 4, len: 3 },
        { buffer: 'b', offset: 0, len: 5 },
      ],
    },
    { userData: 2n, cqe: 0, rule: 'sock.stream-bytes' as const, sources: [{ buffer: 'a', offset: 10, len: 2 }] },
  ];
  it('each chunk gives the first count bytes of its sources, in order, each stretch named', () => {
    const all = expectedPeer(bytes, chunks, (c) => (c.userData === 1n ? 5 : 2));
    expect([...all.data]).toEqual([4, 5, 6, 100, 101, 10, 11]);
    expect(all.map).toEqual([
      { start: 0, source: { buffer: 'a', offset: 4, len: 3 } },
      { start: 3, source: { buffer: 'b', offset: 0, len: 2 } },
      { start: 5, source: { buffer: 'a', offset: 10, len: 2 } },
    ]);
    expect(expectedOrigin(all.map, 0)).toBe('a offset 4');
    expect(expectedOrigin(all.map, 2)).toBe('a offset 6');
    expect(expectedOrigin(all.map, 3)).toBe('b offset 0');
    expect(expectedOrigin(all.map, 4)).toBe('b offset 1');
    expect(expectedOrigin(all.map, 6)).toBe('a offset 11');
    expect(expectedOrigin(all.map, 7)).toBeUndefined();
    expect(expectedOrigin(all.map, -1)).toBeUndefined();
  });
  it('a count of 0 or less takes nothing from that chunk; exactly a source takes no byte of the next', () => {
    const none = expectedPeer(bytes, chunks, (c) => (c.userData === 1n ? -5 : 0));
    expect(none).toEqual({ data: Buffer.alloc(0), map: [] });
    const three = expectedPeer(bytes, chunks, (c) => (c.userData === 1n ? 3 : 0));
    expect([...three.data]).toEqual([4, 5, 6]);
    expect(three.map).toHaveLength(1);
  });
});

describe('errno names and result ranges', () => {
  it('errnoValue: a name with or without its leading minus; a minus elsewhere is no name', () => {
    expect([errnoValue('-EINVAL'), errnoValue('EINVAL'), errnoValue('E-INVAL'), errnoValue('EINVAL-'), errnoValue('-ENOPE')]).toEqual([
      -22,
      -22,
      undefined,
      undefined,
      undefined,
    ]);
  });
  it('resContains: an exact value, or a range with both ends inclusive', () => {
    expect([0, 1, 8, 9].map((v) => resContains({ min: 1, max: 8 }, v))).toEqual([false, true, true, false]);
    expect([7, 8].map((v) => resContains({ exact: 8 }, v))).toEqual([false, true]);
  });
});
