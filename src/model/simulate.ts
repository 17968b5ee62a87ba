// Walks a scenario's steps the way the generated program runs them (see
// generator/scenario.ts): op steps only queue SQEs; wait, submit, peer_recv
// and peer_drain submit what is queued first; the end of the scenario submits
// the rest, reaps every CQE and drains the peer. Requests are issued at
// submission, in order, against the state the earlier steps left.
import type { Scenario } from '../specs/schema.ts';
import { encodeRegbufAddr } from '../specs/abi.ts';
import { E } from './errno.ts';
import { USER_PTR_MAX } from './limits.ts';
import { type Prediction, type PredictedRequest, type PeerChunk } from './prediction.ts';
import type { RuleId } from './rules.ts';
import type { Semantics } from './profiles.ts';
import { issueSend } from './send.ts';
import { issueSendZc } from './send-zc.ts';
import { SocketModel } from './socket.ts';
import { KernelState } from './state.ts';
import { cqe, type OpContext, type OpOutcome } from './outcome.ts';
import { unpredictable, unrunnable } from './unpredictable.ts';

interface Queued {
  step: number;
  userData: bigint;
  st: Scenario['steps'][number];
}

export function setupFailure(sc: Scenario): Prediction['setupFailure'] {
  const f = new Set(sc.ring.flags);
  if (f.has('TASKRUN_FLAG') && !f.has('COOP_TASKRUN') && !f.has('DEFER_TASKRUN'))
    return { what: 'queue_init', res: E('EINVAL'), rule: 'setup.taskrun-flag-needs-coop' };
  if (f.has('DEFER_TASKRUN') && !f.has('SINGLE_ISSUER'))
    return { what: 'queue_init', res: E('EINVAL'), rule: 'setup.defer-needs-single-issuer' };
  if (sc.ring.cq_entries !== undefined) {
    const cq = 1 << Math.ceil(Math.log2(sc.ring.cq_entries));
    if (cq < sc.ring.entries) return { what: 'queue_init', res: E('EINVAL'), rule: 'setup.cq-smaller-than-sq' };
  }
  // io_provide_buffers_prep: the range addr .. addr + len must not wrap, and access_ok() must take it
  for (const p of sc.provided_buffers) {
    if (!('regbuf' in p)) continue; // plain memory the program allocated
    const end = encodeRegbufAddr(p.abi, p.regbuf.index, p.regbuf.offset) + BigInt(p.regbuf.len);
    if (end >= 1n << 64n) return { what: 'provide_buffers', res: E('EOVERFLOW'), rule: 'setup.provide-range' };
    if (end > USER_PTR_MAX) return { what: 'provide_buffers', res: E('EFAULT'), rule: 'setup.provide-range' };
  }
  return undefined;
}

export function simulate(sc: Scenario, sem: Semantics): Prediction {
  const rules = new Set<RuleId>();
  const pred: Prediction = {
    kind: 'prediction',
    profile: sem.name,
    requests: [],
    resultOrder: 'submission',
    heads: [],
    peer: { datagram: sc.socket.type === 'udp' || sc.socket.type === 'unix-dgram', chunks: [] },
    rules: [],
  };
  const fail = setupFailure(sc);
  if (fail) {
    rules.add(fail.rule);
    return { ...pred, setupFailure: fail, rules: [...rules].sort() };
  }
  const st = new KernelState(sc);
  const ctx: OpContext = { sc, sem, st, sock: new SocketModel(sc.socket) };
  // SQEs in the SQ ring not yet consumed by the kernel, and how many were
  // queued since the last io_uring_submit (uspec_submit skips the call when 0).
  let queue: Queued[] = [];
  let fresh = 0;
  const submitAll = sc.ring.flags.includes('SUBMIT_ALL');

  // A POLL_FIRST request (not MSG_DONTWAIT) returns -EAGAIN at its first issue and is armed for poll: it
  // runs from task work, after the requests issued inline in its submission (sqe.poll-first). With
  // DEFER_TASKRUN the task work waits for the next wait for completions, so every step before one may see
  // the request not yet issued. send_zc on a socket without zero-copy fails before the POLL_FIRST check.
  const pollsFirst = (q: Queued) => {
    const op = 'send_zc' in q.st ? q.st.send_zc : 'send' in q.st ? q.st.send : undefined;
    if ('send_zc' in q.st && !ctx.sock.zcCapable) return false;
    return !!op && op.flags.includes('POLL_FIRST') && !op.msg_flags.includes('DONTWAIT');
  };
  // A request that may not have run yet when the program goes on: POLL_FIRST on a DEFER_TASKRUN ring (its
  // task work waits for a wait) and IOSQE_ASYNC (io-wq runs it beside the program: the fuzzer saw a later
  // request pick the ring entry before it, 1 run in 2)
  let pending: { step: number; why: string } | undefined;
  const notBeforeTaskWork = (step: number, what: string) => {
    if (pending)
      unpredictable(
        `step ${step} (${what}) comes before a wait after the ${pending.why} request of step ${pending.step}: whether that request has run yet is the kernel's choice`,
      );
  };
  const submit = () => {
    if (fresh === 0) return;
    fresh = 0;
    // A link chain ends at the end of a submission batch.
    let chainFailed = false;
    let inChain = false;
    const batch = queue;
    queue = [];
    const polled = batch.find(pollsFirst);
    const sqeFlags = (q: Queued) => ('send_zc' in q.st ? q.st.send_zc : 'send' in q.st ? q.st.send : undefined)?.sqe_flags ?? [];
    const ordered = batch.some((q) => sqeFlags(q).some((f) => f === 'IO_LINK' || f === 'IO_DRAIN'));
    // io_submit_state_end queues a link still open at the end of the submission to io-wq, whose blocking
    // issue does not arm poll: POLL_FIRST's -EAGAIN is final there (seen: -EAGAIN on 6.12, -ECANCELED on 6.18)
    const last = batch[batch.length - 1];
    if (last && pollsFirst(last) && sqeFlags(last).includes('IO_LINK'))
      unpredictable(
        `step ${last.step}: a POLL_FIRST request left as an open link at the end of its submission goes to io-wq, which fails it (-EAGAIN on 6.12, -ECANCELED on 6.18; the thread does not say)`,
      );
    // io_drain_req: a drained request with nothing in flight runs from task work, after the requests submitted
    // after it; with requests in flight it waits on the defer list and those after it wait behind it
    const drained = batch.findIndex((q) => sqeFlags(q).includes('IO_DRAIN'));
    if (drained >= 0 && drained < batch.length - 1)
      unpredictable(
        `step ${batch[drained]!.step}: a drained request with requests submitted after it (io_drain_req runs it from task work after them, or defers them behind it, by what is still in flight)`,
      );
    if (polled && batch.length > 1 && ordered)
      unpredictable(
        `step ${polled.step}: a POLL_FIRST request in a submission with links or drains (which requests wait for its task work is the kernel's)`,
      );
    if (polled && sc.ring.flags.includes('DEFER_TASKRUN')) pending = { step: polled.step, why: 'POLL_FIRST (DEFER_TASKRUN)' };
    const async = batch.findIndex((q) => sqeFlags(q).includes('ASYNC'));
    if (async >= 0 && async < batch.length - 1)
      unpredictable(`step ${batch[async]!.step}: an IOSQE_ASYNC request with requests submitted after it (io-wq runs it beside them)`);
    if (async >= 0) pending = { step: batch[async]!.step, why: 'IOSQE_ASYNC' };
    // issue order: the inline requests, then the POLL_FIRST ones (in submission order each); a request at or
    // after an io_init_req failure was never submitted
    const inline = [...batch.keys()].filter((k) => !pollsFirst(batch[k]!));
    const deferred = [...batch.keys()].filter((k) => pollsFirst(batch[k]!));
    if (deferred.length && batch.length > 1) rules.add('sqe.poll-first');
    let stoppedAt = batch.length;
    for (const k of [...inline, ...deferred]) {
      const q = batch[k]!;
      if (k > stoppedAt) continue;
      const op = 'send_zc' in q.st ? q.st.send_zc : 'send' in q.st ? q.st.send : undefined;
      if (!op) continue;
      let o: OpOutcome;
      if (inChain && chainFailed) {
        if ('send_zc' in q.st)
          unpredictable(
            'a send_zc cancelled by its link: the base posts -ECANCELED without F_MORE and still flushes a notification; the intended protocol is not settled',
          );
        o = {
          cqes: [cqe('result', E('ECANCELED'), 0, 'link.cancel')],
          chunks: [],
          failed: true,
          initFailure: false,
          rules: ['link.cancel'],
        };
      } else {
        o =
          'send_zc' in q.st
            ? issueSendZc(ctx, q.step, q.st.send_zc)
            : issueSend(ctx, q.step, (q.st as { send: Parameters<typeof issueSend>[2] }).send);
      }
      const linked = op.sqe_flags.includes('IO_LINK');
      if ((linked || inChain) && o.initFailure)
        unpredictable('a request that fails in io_init_req inside a link chain (the chain head is failed too)');
      if (linked && o.failed === 'maybe')
        unpredictable("a linked request that may complete short: whether the next one is cancelled is the kernel's choice");
      if (linked && !inChain) chainFailed = false;
      if (linked || inChain) chainFailed = chainFailed || o.failed === true;
      inChain = linked;
      if (!linked) chainFailed = false;
      if (op.sqe_flags.includes('ASYNC') || op.sqe_flags.includes('IO_DRAIN') || op.sqe_flags.includes('IO_LINK')) pred.resultOrder = 'any';
      o.rules.forEach((r) => rules.add(r));
      const req: PredictedRequest = { step: q.step, userData: q.userData, op: 'send_zc' in q.st ? 'send_zc' : 'send', cqes: o.cqes };
      // A drain with nothing before it waits for nothing: only one after other requests can hang on them.
      if (op.sqe_flags.includes('IO_DRAIN') && pred.requests.length > 0) {
        req.completesRule = 'sqe.drain';
        rules.add('sqe.drain');
      }
      pred.requests.push(req);
      for (const c of o.chunks)
        pred.peer.chunks.push({ userData: q.userData, cqe: c.cqe, sources: c.sources, rule: c.rule } satisfies PeerChunk);
      // io_submit_sqes stops at the first SQE that fails io_init_req (prep
      // included) unless SUBMIT_ALL: the rest stay in the SQ ring until the
      // next io_uring_submit.
      if (o.initFailure && !submitAll) {
        if (pollsFirst(q))
          unpredictable(
            `step ${q.step}: a POLL_FIRST request that fails in io_init_req completes inline, before requests the model issued first`,
          );
        rules.add('submit.stop-on-init-failure');
        queue = batch.slice(k + 1);
        stoppedAt = k;
      }
    }
  };
  const heads = (step: number) => {
    for (const r of sc.buffer_rings) {
      rules.add('ring.head');
      pred.heads.push({ step, bgid: r.bgid, head: st.rings.get(r.bgid)!.head & 0xffff, rule: 'ring.head' });
    }
  };

  sc.steps.forEach((s, i) => {
    const step = i + 1;
    if (!('wait' in s) && !('submit' in s)) notBeforeTaskWork(step, Object.keys(s)[0]!);
    if ('send_zc' in s || 'send' in s) {
      const op = 'send_zc' in s ? s.send_zc : s.send;
      queue.push({ step, userData: BigInt(op.user_data ?? step), st: s });
      fresh++;
      // SQEs an io_init_req failure left in the SQ ring count against its size: the spec's check cannot know
      // about them, and io_uring_get_sqe finds no free entry (the program stops: fatal what=sq_full)
      if (queue.length > sc.ring.entries)
        unrunnable(
          `step ${step}: ${queue.length - fresh} request(s) a failed submission left in the SQ ring and ${fresh} new one(s) do not fit its ${sc.ring.entries} entries`,
        );
    } else if ('ring_add' in s) {
      st.addToRing(s.ring_add.bgid, step);
    } else if ('wait' in s) {
      submit();
      // waiting for completions runs the deferred task work
      pending = undefined;
      heads(step);
    } else if ('submit' in s) {
      submit();
    } else if ('peer_recv' in s) {
      submit();
      ctx.sock.peerRead(s.peer_recv.len);
    } else if ('peer_drain' in s) {
      submit();
      ctx.sock.peerRead();
    }
  });
  submit();
  heads(sc.steps.length + 1);
  return { ...pred, rules: [...rules].sort() };
}
