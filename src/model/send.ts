// IORING_OP_SEND (not zero-copy): one CQE, or one per bundle round.
import { asUserMemory, select, type Selection } from './buffer-select.ts';
import { userSource } from './direct-source.ts';
import { E } from './errno.ts';
import { CQE_F } from './cqe.ts';
import type { ByteSource } from './prediction.ts';
import { bufferFlags, cqe, isFailure, type OpContext, type OpOutcome, type SendOp } from './outcome.ts';
import type { RuleId } from './rules.ts';
import type { SocketModel } from './socket.ts';
import { unpredictable } from './unpredictable.ts';

const MAX_ROUNDS = 4096;

export function issueSend(ctx: OpContext, step: number, op: SendOp): OpOutcome {
  const { sem, st, sock } = ctx;
  const bundle = op.flags.includes('BUNDLE');
  const rules: RuleId[] = ['send.result'];
  const out: OpOutcome = { cqes: [], chunks: [], failed: false, initFailure: false, rules };
  if (op.msg_flags.includes('MORE')) unpredictable('MSG_MORE may hold the bytes back past the end of the scenario');
  const nowait = op.msg_flags.includes('DONTWAIT');

  if (bundle && op.buf_group === undefined) {
    if (sem.sendBundleNeedsSelect !== true)
      unpredictable(`${sem.name}: BUNDLE on send without IOSQE_BUFFER_SELECT is not a semantics the model knows`);
    rules.push('send.bundle-needs-select');
    return { ...out, cqes: [cqe('result', E('EINVAL'), 0, 'send.bundle-needs-select')], failed: true, initFailure: true };
  }
  // io_send: before io_send_import picks a buffer or imports the user's
  if (op.flags.includes('POLL_FIRST') && nowait) {
    rules.push('sock.poll-first-nowait');
    return { ...out, cqes: [cqe('result', E('EAGAIN'), 0, 'sock.poll-first-nowait', 'send.result')], failed: true };
  }

  if (op.buf_group === undefined) {
    const src = userSource(st, step, op, sock);
    if ('err' in src) {
      rules.push(src.rule);
      return { ...out, cqes: [cqe('result', src.err, 0, src.rule, 'send.result')], failed: true };
    }
    const r = sock.send(op.len, { waitall: op.msg_flags.includes('WAITALL'), nowait });
    rules.push(r.rule);
    return {
      ...out,
      cqes: [cqe('result', r.res, 0, r.rule, 'send.result')],
      chunks: [{ cqe: 0, sources: src.ok, rule: 'sock.stream-bytes' }],
      failed: isFailure(r.res, op.len),
    };
  }

  if (!bundle) {
    const sel = select(st, sem, op.buf_group, op.len, false);
    if ('err' in sel) {
      rules.push(sel.rule);
      return { ...out, cqes: [cqe('result', sel.err, 0, sel.rule, 'send.result')], failed: true };
    }
    rules.push(...sel.rules);
    const p = sel.picked[0]!;
    const mem = asUserMemory(p, sock);
    if ('fault' in mem) {
      rules.push(mem.fault);
      return { ...out, cqes: [cqe('result', E('EFAULT'), bufferFlags(p.bid), mem.fault, 'send.result')], failed: true };
    }
    if (!('ok' in mem)) return unpredictable('a user-memory buffer cannot fail to map');
    const r = sock.send(p.len, { waitall: op.msg_flags.includes('WAITALL'), nowait });
    rules.push(r.rule);
    return {
      ...out,
      cqes: [cqe('result', r.res, bufferFlags(p.bid), r.rule, 'send.result')],
      chunks: [{ cqe: 0, sources: [mem.ok], rule: 'sock.stream-bytes' }],
      failed: isFailure(r.res, p.len),
    };
  }

  // Bundle: rounds until a round leaves the group empty (io_send_finish).
  rules.push('send.bundle-rounds');
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const sel = select(st, sem, op.buf_group, round === 0 ? op.len : 0, true);
    const last = out.cqes.length;
    if ('err' in sel) {
      rules.push(sel.rule);
      if (round > 0) rules.push('send.bundle-empty-check');
      out.cqes.push(cqe('result', sel.err, 0, round > 0 ? 'send.bundle-empty-check' : sel.rule, 'send.result'));
      out.failed = true;
      return out;
    }
    rules.push(...sel.rules);
    const sources = userBytes(sel, sock);
    const n = sources.reduce((a, s) => a + s.len, 0);
    const r = sock.send(n, { waitall: true, nowait });
    if (!('exact' in r.res)) unpredictable("a send bundle that may complete short: rounds and head then depend on the kernel's choice");
    rules.push(r.rule, 'sock.waitall');
    const flags = bufferFlags(sel.picked[0]!.bid);
    const finished = r.res.exact <= 0 || sel.emptyAfter;
    out.cqes.push(cqe(finished ? 'result' : 'more', r.res, finished ? flags : flags | CQE_F.MORE, r.rule, 'send.bundle-rounds'));
    if (r.sent) out.chunks.push({ cqe: last, sources, rule: 'sock.stream-bytes' });
    if (finished) {
      out.failed = r.res.exact < 0;
      return out;
    }
  }
  return unpredictable('a send bundle that never empties its group');
}

function userBytes(sel: Selection, sock: SocketModel): ByteSource[] {
  return sel.picked.map((p) => {
    const m = asUserMemory(p, sock);
    if (!('ok' in m)) return unpredictable(`send bundle over buffer ${p.bid}, whose addr is not user memory the model knows`);
    return m.ok;
  });
}
