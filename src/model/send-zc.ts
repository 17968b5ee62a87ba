// IORING_OP_SEND_ZC: a result CQE with F_MORE, then the notification; with
// the RFC, the bytes may come from provided buffers (user memory, or
// registered buffers named by the encoded addr when FIXED_BUF is set).
import { asRegisteredMemory, asUserMemory, rollback, select, type Memory } from './buffer-select.ts';
import { fixedSource, userSource } from './direct-source.ts';
import { E } from './errno.ts';
import { CQE_F, NOTIF_ZC_COPIED } from './cqe.ts';
import type { ByteSource } from './prediction.ts';
import { bufferFlags, cqe, isFailure, type OpContext, type OpOutcome, type SendZcOp } from './outcome.ts';
import type { RuleId } from './rules.ts';
import { unpredictable } from './unpredictable.ts';

export function issueSendZc(ctx: OpContext, step: number, op: SendZcOp): OpOutcome {
  const { sem, st, sock } = ctx;
  const has = (f: SendZcOp['flags'][number]) => op.flags.includes(f);
  const rules: RuleId[] = [];
  const out = (cqes: OpOutcome['cqes'], extra: Partial<OpOutcome> = {}): OpOutcome => ({
    cqes,
    chunks: [],
    failed: true,
    initFailure: false,
    rules,
    ...extra,
  });

  // io_init_req: before prep, so no notification exists.
  if (op.buf_group !== undefined && !sem.zcBufferSelect) {
    rules.push('zc.bufsel-unsupported', 'zc.init-fail-no-notif');
    return out([cqe('result', E('EOPNOTSUPP'), 0, 'zc.bufsel-unsupported', 'zc.init-fail-no-notif')], { initFailure: true });
  }
  // prep: the notification is allocated before the flags are checked.
  const notif = (report: boolean) =>
    cqe('notif', report ? NOTIF_ZC_COPIED : 0, CQE_F.NOTIF, report ? 'zc.report-usage-copied' : 'zc.two-cqes', 'zc.notif-after-result');
  if (has('BUNDLE') && !sem.zcBundle) {
    rules.push('zc.bundle-einval', 'zc.fail-more-notif', 'zc.notif-after-result');
    return out([cqe('result', E('EINVAL'), CQE_F.MORE, 'zc.bundle-einval', 'zc.fail-more-notif'), notif(false)], { initFailure: true });
  }
  if (has('BUNDLE')) rules.push('rfc.zc-bundle-flag');
  if (has('BUNDLE') && op.buf_group === undefined)
    unpredictable('the RFC neither rejects nor documents BUNDLE without IOSQE_BUFFER_SELECT on send_zc (send rejects it with -EINVAL)');
  if (op.msg_flags.includes('MORE')) unpredictable('MSG_MORE may hold the bytes back past the end of the scenario');
  const report = has('REPORT_USAGE');
  rules.push('zc.two-cqes', 'zc.notif-after-result');
  if (report) rules.push('zc.report-usage-copied');
  const fail = (res: number, flags: number, rule: RuleId): OpOutcome => {
    rules.push(rule, 'zc.fail-more-notif');
    return out([cqe('result', res, flags | CQE_F.MORE, rule, 'zc.fail-more-notif'), notif(report)]);
  };

  // issue
  if (!sock.zcCapable) return fail(E('EOPNOTSUPP'), 0, 'zc.sock-no-zc');
  const waitall = op.msg_flags.includes('WAITALL');
  const nowait = op.msg_flags.includes('DONTWAIT');
  // before io_send_zc_import, where the RFC picks its buffers too (patch 5/7 calls io_send_import there)
  if (has('POLL_FIRST') && nowait) return fail(E('EAGAIN'), 0, 'sock.poll-first-nowait');
  const fixed = has('FIXED_BUF');

  let sources: ByteSource[];
  let flags = CQE_F.MORE;
  let waitAll = waitall;
  let flagsRule: RuleId = 'zc.two-cqes';
  if (op.buf_group === undefined) {
    const src = fixed ? fixedSource(st, op) : userSource(st, step, op, sock);
    if ('err' in src) return fail(src.err, 0, src.rule);
    sources = src.ok;
  } else {
    rules.push('rfc.zc-bufsel');
    const sel = select(st, sem, op.buf_group, op.len, has('BUNDLE'));
    if ('err' in sel) return fail(sel.err, 0, sel.rule);
    rules.push(...sel.rules);
    if (sel.from === 'classic' && has('BUNDLE')) rules.push('rfc.classic-one-buffer');
    const bid = sel.picked[0]!.bid;
    const mems: Memory[] = sel.picked.map((p) => (fixed ? asRegisteredMemory(st, sem, p) : asUserMemory(p, sock)));
    if (fixed) rules.push('rfc.addr-encoding');
    if (fixed && sel.from === 'classic') rules.push('rfc.classic-fixed');
    const bad = mems.findIndex((m) => !('ok' in m));
    if (bad >= 0) {
      const m = mems[bad]!;
      if ('err' in m) {
        // Mapping failed while picking: intended, nothing is consumed.
        if (sel.from === 'classic')
          unpredictable(
            'a classic provided buffer that fails to map with FIXED_BUF (the RFC path is memory-unsafe; no intended outcome is stated)',
          );
        rollback(st, sel);
        rules.push('rfc.zc-nothing-sent-nothing-consumed');
        if (bad > 0) rules.push('rfc.map-fail-no-commit');
        return fail(m.err, 0, m.rule);
      }
      if (sel.picked.length > 1)
        unpredictable("a bundle where one buffer is an unmapped user address: how much is sent first is the kernel's choice");
      return fail(E('EFAULT'), bufferFlags(bid), 'kbuf.bad-user-addr');
    }
    sources = mems.map((m) => ('ok' in m ? m.ok : unpredictable('unreachable')));
    if (fixed) rules.push('rfc.regbuf-bytes');
    else rules.push('rfc.zc-plain-memory');
    flags |= bufferFlags(bid);
    flagsRule = has('BUNDLE') ? 'rfc.zc-bundle-cqe' : 'rfc.zc-bufsel-cqe';
    if (has('BUNDLE')) {
      waitAll = true;
      rules.push('rfc.zc-bundle-cqe', 'rfc.zc-partial-keeps-buffers');
    } else rules.push('rfc.zc-bufsel-cqe');
  }
  const n = sources.reduce((a, s) => a + s.len, 0);
  const r = sock.send(n, { waitall: waitAll, nowait });
  rules.push(r.rule);
  return {
    cqes: [cqe('result', r.res, flags, r.rule, flagsRule), notif(report)],
    chunks: r.sent ? [{ cqe: 0, sources, rule: fixed && op.buf_group !== undefined ? 'rfc.regbuf-bytes' : 'sock.stream-bytes' }] : [],
    failed: isFailure(r.res, n),
    initFailure: false,
    rules,
  };
}
