// Runs generated programs natively on the host kernel and asserts on what the
// kernel did (raw observations, independent of the model).
import { beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { buildSuite } from '../../src/exec/suite.ts';
import { allScenarios } from '../../src/specs/load.ts';
import { parseEvents, type Observation } from '../../src/exec/events.ts';
import { loadSpecs } from '../../src/specs/load.ts';
import { fillBytes } from '../../src/specs/fill.ts';
import { layoutOf } from '../../src/specs/layout.ts';

const F_BUFFER = 1,
  F_MORE = 2,
  F_NOTIF = 8;
let binary = '';
const { specs } = loadSpecs(['test/fixtures/basic.yaml']);

async function observe(id: string): Promise<Observation> {
  const r = await execa(binary, [id], { timeout: 10_000 });
  return parseEvents(r.stdout);
}

describe('host runs', () => {
  beforeAll(async () => {
    binary = (await buildSuite(allScenarios(specs))).binary;
  }, 60_000);

  it('plain send_zc: result with F_MORE, then a notification, bytes intact', async () => {
    const o = await observe('zc-plain');
    expect(o.complete).toBe(true);
    expect(o.cqes.map((c) => [c.userData, c.res, c.flags & (F_MORE | F_NOTIF)])).toEqual([
      [1n, 100, F_MORE],
      [1n, 0, F_NOTIF],
    ]);
    const src = layoutOf(specs[0]!.spec.scenarios[0]!).buffers[0]!;
    expect(o.peer.equals(fillBytes(src.fill, src.tag, 100))).toBe(true);
  });

  it('send_zc with IOSQE_BUFFER_SELECT is refused by a kernel without the RFC (an observation, not a crash)', async () => {
    const o = await observe('zc-provided-regbuf');
    expect(o.complete).toBe(true);
    expect(o.cqes).toHaveLength(1);
    expect(o.cqes[0]!.res).toBe(-95);
    expect(o.cqes[0]!.flags & F_MORE).toBe(0);
    expect(o.heads.at(-1)).toMatchObject({ bgid: 1, head: 0 });
  });

  it('send bundle consumes both ring buffers and reports the first bid', async () => {
    const o = await observe('send-bundle');
    expect(o.cqes).toHaveLength(1);
    expect(o.cqes[0]!.res).toBe(128);
    expect(o.cqes[0]!.flags & F_BUFFER).toBe(F_BUFFER);
    expect(o.cqes[0]!.flags >>> 16).toBe(0);
    expect(o.heads.at(-1)).toMatchObject({ bgid: 3, head: 2 });
    expect(o.peer.length).toBe(128);
  });

  it('UDP: one datagram of the sent size', async () => {
    const o = await observe('udp-send-plain');
    expect(o.datagrams).toEqual([200]);
    expect(o.peer[0]).toBe(7);
    expect(o.peer[199]).toBe((7 + 199) & 0xff);
  });

  it('FIXED_BUF send_zc from a registered buffer at a page offset sends the right bytes', async () => {
    const o = await observe('unaligned-fixed-zc');
    expect(o.cqes[0]!.res).toBe(300);
    const reg = layoutOf(specs[0]!.spec.scenarios[4]!).regbufs[0]!;
    expect(o.peer.equals(fillBytes(reg.fill, reg.tag, 4300).subarray(4000))).toBe(true);
  });
});
