// Parses the event lines a scenario program prints (protocol documented at the
// top of generator/c/uspec.h) into an Observation: what the kernel did.
export interface ObservedCqe {
  /** Position among all CQEs of the scenario, from 0. */
  seq: number;
  /** The step during which it was reaped (steps count from 1; steps.length+1 = the final drain). */
  step: number;
  userData: bigint;
  res: number;
  flags: number;
}

export interface Observation {
  scenario: string;
  /** A setup call that failed: the scenario ended there. */
  setupFailure?: { what: string; res: number };
  cqes: ObservedCqe[];
  /** CQEs that arrived after every request had completed. */
  extra: ObservedCqe[];
  /** Ring head per bgid after each step that reported it. */
  heads: { step: number; bgid: number; head?: number; err?: number }[];
  waits: { step: number; want: number; got: number }[];
  peer: Buffer;
  datagrams: number[];
  /** The program printed its final `end` line. */
  complete: boolean;
  /** Lines that are not part of the protocol (kept for the report). */
  stray: string[];
  fatal?: string;
}

const kv = (tokens: string[]) => Object.fromEntries(tokens.map((t) => t.split('=', 2) as [string, string]));

export function parseEvents(stdout: string): Observation {
  const obs: Observation = {
    scenario: '',
    cqes: [],
    extra: [],
    heads: [],
    waits: [],
    peer: Buffer.alloc(0),
    datagrams: [],
    complete: false,
    stray: [],
  };
  const peerChunks: Buffer[] = [];
  for (const line of stdout.split('\n')) {
    if (!line) continue;
    const [kind, ...rest] = line.split(' ');
    const f = kv(rest);
    switch (kind) {
      case 'uspec':
        obs.scenario = f.scenario ?? '';
        break;
      case 'setup':
        obs.setupFailure = { what: f.what ?? '?', res: Number(f.res) };
        break;
      case 'cqe':
        obs.cqes.push({
          seq: obs.cqes.length,
          step: Number(f.step),
          userData: BigInt(f.ud ?? '0'),
          res: Number(f.res),
          flags: Number(f.flags),
        });
        break;
      case 'extra':
        obs.extra.push({
          seq: obs.cqes.length + obs.extra.length,
          step: -1,
          userData: BigInt(f.ud ?? '0'),
          res: Number(f.res),
          flags: Number(f.flags),
        });
        break;
      case 'head':
        obs.heads.push({
          step: Number(f.step),
          bgid: Number(f.bgid),
          ...(f.head !== undefined ? { head: Number(f.head) } : { err: Number(f.err) }),
        });
        break;
      case 'wait':
        obs.waits.push({ step: Number(f.step), want: Number(f.want), got: Number(f.got) });
        break;
      case 'peerdata':
        peerChunks.push(Buffer.from(rest[0] ?? '', 'base64'));
        break;
      case 'dgram':
        obs.datagrams.push(Number(f.len));
        break;
      case 'end':
        obs.complete = true;
        break;
      case 'fatal':
        obs.fatal = line;
        break;
      case 'sqe':
      case 'submit':
      case 'peer':
      case 'ring_add':
      case 'wait_error':
        break;
      default:
        obs.stray.push(line);
    }
  }
  obs.peer = Buffer.concat(peerChunks);
  return obs;
}

/** Final head of each ring (the last report for each bgid). */
export function finalHeads(obs: Observation): Map<number, number | undefined> {
  const m = new Map<number, number | undefined>();
  for (const h of obs.heads) m.set(h.bgid, h.head);
  return m;
}
