// One scenario → one C function, written the way a kernel developer would
// write a liburing test by hand: set up, issue, observe. Every value taken
// from the spec passes through c-literal.ts.
import { encodeRegbufAddr } from '../specs/abi.ts';
import { layoutOf, ringAddsOf, type BufferDesc, type Layout } from '../specs/layout.ts';
import type { Fill, Scenario, SendStep, SendZcStep } from '../specs/schema.ts';
import { cComment, cIdent, cInt, cString, cU64, cUint } from './c-literal.ts';
import { Emitter } from './source.ts';

const SETUP_FLAGS: Record<Scenario['ring']['flags'][number], string> = {
  SINGLE_ISSUER: 'IORING_SETUP_SINGLE_ISSUER',
  DEFER_TASKRUN: 'IORING_SETUP_DEFER_TASKRUN',
  COOP_TASKRUN: 'IORING_SETUP_COOP_TASKRUN',
  TASKRUN_FLAG: 'IORING_SETUP_TASKRUN_FLAG',
  SUBMIT_ALL: 'IORING_SETUP_SUBMIT_ALL',
};
const ZC_FLAGS: Record<SendZcStep['send_zc']['flags'][number], string> = {
  FIXED_BUF: 'IORING_RECVSEND_FIXED_BUF',
  BUNDLE: 'IORING_RECVSEND_BUNDLE',
  REPORT_USAGE: 'IORING_SEND_ZC_REPORT_USAGE',
  POLL_FIRST: 'IORING_RECVSEND_POLL_FIRST',
};
const MSG_FLAGS: Record<SendStep['send']['msg_flags'][number], string> = {
  WAITALL: 'MSG_WAITALL',
  DONTWAIT: 'MSG_DONTWAIT',
  MORE: 'MSG_MORE',
  NOSIGNAL: 'MSG_NOSIGNAL',
};
const SQE_FLAGS: Record<SendStep['send']['sqe_flags'][number], string> = {
  ASYNC: 'IOSQE_ASYNC',
  IO_LINK: 'IOSQE_IO_LINK',
  IO_DRAIN: 'IOSQE_IO_DRAIN',
};
const SOCK_TYPES: Record<Scenario['socket']['type'], string> = {
  tcp: 'USPEC_TCP',
  udp: 'USPEC_UDP',
  'unix-stream': 'USPEC_UNIX_STREAM',
  'unix-dgram': 'USPEC_UNIX_DGRAM',
};

/** Names flags from a closed enum as a C bitwise OR; "0" when empty. */
function flagExpr<K extends string>(names: readonly K[], table: Record<K, string>): string {
  const parts = [...new Set(names)].map((n) => table[n]);
  return parts.length ? parts.join(' | ') : '0';
}

export function scenarioFunctionName(sc: Scenario): string {
  return cIdent('scenario_', sc.id);
}

export interface ScenarioSource {
  /** [spec file, "scenarios", i]: origin of the emitted lines, for compiler errors. */
  basePath: (string | number)[];
  /** Emits the end of the function (checks, then a return); default: `return 0;`. */
  epilogue?: (out: Emitter) => void;
}

export function emitScenario(sc: Scenario, where: ScenarioSource, out: Emitter): void {
  const layout = layoutOf(sc);
  const at = (...p: (string | number)[]) => [...where.basePath, ...p];
  out.line('/*');
  out.line(' * ', cComment(`${sc.id}: ${sc.title}`));
  if (sc.tags.length) out.line(' * tags: ', cComment(sc.tags.join(', ')));
  out.line(' */');
  out.func(['static int ', scenarioFunctionName(sc), '(void)'], () => {
    out.line('struct uspec u = { .fd = -1, .peer = -1 };');
    out.line('struct io_uring_params p = { 0 };');
    if (sc.steps.some((s) => 'send_zc' in s || 'send' in s)) out.line('struct io_uring_sqe *sqe;');
    for (const b of layout.buffers) out.line('unsigned char *', b.cname, ';');
    if (layout.regbufs.length) out.line('struct iovec iov[', cUint(layout.regbufs.length), '];');
    for (const r of sc.buffer_rings) out.line('struct io_uring_buf_ring *br', cUint(r.bgid, 0xffff), ';');
    out.blank();
    out.line('uspec_out("uspec v=1 scenario=%s", ', cString(sc.id), ');');
    emitBuffers(layout, out, at);
    emitRing(sc, out, at);
    emitSocket(sc, out, at);
    emitProvided(sc, layout, out, at);
    sc.steps.forEach((_, i) => out.from(at('steps', i), () => emitStep(sc, layout, i, out)));
    out.blank();
    out.line('uspec_finish(&u, ', cUint(sc.steps.length + 1), ', 1000);');
    emitHeads(sc, sc.steps.length + 1, out);
    if (where.epilogue) {
      // A reproducer checks the bytes itself instead of handing them to the harness.
      out.line('uspec_end(&u);');
      where.epilogue(out);
    } else {
      out.line('uspec_print_peerdata(&u);');
      out.line('uspec_end(&u);');
      out.line('return 0;');
    }
  });
}

function emitFill(b: BufferDesc, fill: Fill, out: Emitter): void {
  const size = cUint(b.size, 1 << 30);
  if (fill === 'tagged') out.line('uspec_fill_tagged(', b.cname, ', ', size, ', ', cUint(b.tag), 'u);');
  else if ('byte' in fill) out.line('memset(', b.cname, ', ', cUint(fill.byte, 255), ', ', size, ');');
  else if ('seq' in fill) out.line('uspec_fill_seq(', b.cname, ', ', size, ', ', cUint(fill.seq, 255), ');');
  else out.line('uspec_fill_text(', b.cname, ', ', size, ', ', cString(fill.text), ', ', cUint(Buffer.byteLength(fill.text)), ');');
}

function emitBuffers(layout: Layout, out: Emitter, at: (...p: (string | number)[]) => (string | number)[]): void {
  if (!layout.buffers.length) return;
  out.from(at('registered_buffers'), () => {
    out.blank();
    out.line('/* buffers: ', cUint(layout.buffers.length), ', filled so received bytes can be traced to their source */');
    for (const b of layout.buffers) {
      out.line(
        b.cname,
        ' = uspec_alloc(',
        cUint(b.size, 1 << 30),
        ', ',
        cUint(b.pageOffset, 4095),
        ');',
        b.pageOffset ? ` /* ${cComment(b.name)} at page offset ${b.pageOffset} */` : ` /* ${cComment(b.name)} */`,
      );
      emitFill(b, b.fill, out);
    }
  });
}

function emitRing(sc: Scenario, out: Emitter, at: (...p: (string | number)[]) => (string | number)[]): void {
  out.from(at('ring'), () => {
    out.blank();
    const flags = flagExpr(sc.ring.flags, SETUP_FLAGS);
    out.line('p.flags = ', sc.ring.cq_entries ? (flags === '0' ? 'IORING_SETUP_CQSIZE' : `${flags} | IORING_SETUP_CQSIZE`) : flags, ';');
    if (sc.ring.cq_entries) out.line('p.cq_entries = ', cUint(sc.ring.cq_entries), ';');
    out.line('USPEC_SETUP(&u, "queue_init", io_uring_queue_init_params(', cUint(sc.ring.entries), ', &u.ring, &p));');
    out.line('u.ring_ok = 1;');
  });
}

function emitSocket(sc: Scenario, out: Emitter, at: (...p: (string | number)[]) => (string | number)[]): void {
  out.from(at('socket'), () => {
    const s = sc.socket;
    out.line(
      'USPEC_SETUP(&u, "socket", uspec_socketpair(&u, ',
      SOCK_TYPES[s.type],
      ', ',
      cUint(s.sndbuf ?? 0),
      ', ',
      cUint(s.rcvbuf ?? 0),
      ', ',
      s.nonblocking ? '1' : '0',
      '));',
    );
  });
}

function emitProvided(sc: Scenario, layout: Layout, out: Emitter, at: (...p: (string | number)[]) => (string | number)[]): void {
  if (layout.regbufs.length) {
    out.from(at('registered_buffers'), () => {
      layout.regbufs.forEach((b, i) =>
        out.line('iov[', cUint(i), '] = (struct iovec){ .iov_base = ', b.cname, ', .iov_len = ', cUint(b.size, 1 << 30), ' };'),
      );
      out.line('USPEC_SETUP(&u, "register_buffers", io_uring_register_buffers(&u.ring, iov, ', cUint(layout.regbufs.length), '));');
    });
  }
  const adds = ringAddsOf(sc);
  sc.buffer_rings.forEach((r, ri) =>
    out.from(at('buffer_rings', ri), () => {
      const br = `br${cUint(r.bgid, 0xffff)}`;
      out.blank();
      out.line(
        '/* provided-buffer ring, group ',
        cUint(r.bgid, 0xffff),
        ', ',
        cUint(r.entries),
        ' entries, addr encoding ',
        cComment(r.abi),
        ' */',
      );
      out.line('USPEC_SETUP(&u, "buf_ring", uspec_buf_ring(&u, &', br, ', ', cUint(r.entries), ', ', cUint(r.bgid, 0xffff), '));');
      const add = adds.find((a) => a.bgid === r.bgid && a.step === 0)!;
      emitRingAdd(br, r.entries, add.entries, out);
    }),
  );
  sc.provided_buffers.forEach((p, pi) =>
    out.from(at('provided_buffers', pi), () => {
      out.blank();
      if ('count' in p) {
        const b = layout.buffers.find((x) => x.role.kind === 'classic' && x.role.index === pi)!;
        out.line(
          '/* classic provided buffers: group ',
          cUint(p.bgid, 0xffff),
          ', bids ',
          cUint(p.start_bid, 0xffff),
          '..',
          cUint(p.start_bid + p.count - 1, 0xffff),
          ' */',
        );
        out.line(
          'USPEC_SETUP(&u, "provide_buffers", uspec_provide(&u, ',
          b.cname,
          ', ',
          cUint(p.size),
          ', ',
          cUint(p.count),
          ', ',
          cUint(p.bgid, 0xffff),
          ', ',
          cUint(p.start_bid, 0xffff),
          '));',
        );
      } else {
        const addr = encodeRegbufAddr(p.abi, p.regbuf.index, p.regbuf.offset);
        out.line(
          '/* classic provided buffer ',
          cUint(p.bid, 0xffff),
          ' in group ',
          cUint(p.bgid, 0xffff),
          ': registered buffer ',
          cUint(p.regbuf.index),
          ' offset ',
          cUint(p.regbuf.offset, Number.MAX_SAFE_INTEGER),
          ' (',
          cComment(p.abi),
          ') */',
        );
        out.line(
          'USPEC_SETUP(&u, "provide_buffers", uspec_provide(&u, (void *)(uintptr_t)',
          cU64(addr),
          ', ',
          cUint(p.regbuf.len),
          ', 1, ',
          cUint(p.bgid, 0xffff),
          ', ',
          cUint(p.bid, 0xffff),
          '));',
        );
      }
    }),
  );
}

function emitRingAdd(br: string, entries: number, list: ReturnType<typeof ringAddsOf>[number]['entries'], out: Emitter): void {
  list.forEach((e, j) => {
    const addr = e.target.kind === 'plain' ? e.target.buffer.cname : `(void *)(uintptr_t)${cU64(e.target.addr)}`;
    const note =
      e.target.kind === 'regbuf'
        ? ` /* regbuf ${e.target.index} + ${e.target.offset} */`
        : e.target.kind === 'raw'
          ? ' /* raw addr */'
          : '';
    out.line(
      'io_uring_buf_ring_add(',
      br,
      ', ',
      addr,
      ', ',
      cUint(e.len),
      ', ',
      cUint(e.bid, 0xffff),
      ', io_uring_buf_ring_mask(',
      cUint(entries),
      '), ',
      cUint(j),
      ');',
      note,
    );
  });
  out.line('io_uring_buf_ring_advance(', br, ', ', cUint(list.length), ');');
}

function emitHeads(sc: Scenario, step: number, out: Emitter): void {
  for (const r of sc.buffer_rings) out.line('uspec_head(&u, ', cUint(step), ', ', cUint(r.bgid, 0xffff), ');');
}

function emitStep(sc: Scenario, layout: Layout, i: number, out: Emitter): void {
  const st = sc.steps[i]!;
  const n = i + 1;
  out.blank();
  if ('send_zc' in st || 'send' in st) {
    const zc = 'send_zc' in st;
    const op = zc ? st.send_zc : st.send;
    const ud = op.user_data ?? n;
    const buf = sourcePointer(op.source, layout, n);
    out.line(
      '/* step ',
      cUint(n),
      ': ',
      zc ? 'send_zc' : 'send',
      op.buf_group !== undefined ? `, buffer group ${op.buf_group}` : '',
      op.flags.length ? `, ${op.flags.join(' | ')}` : '',
      ' */',
    );
    out.line('sqe = uspec_sqe(&u);');
    if (zc)
      out.line(
        'io_uring_prep_send_zc(sqe, u.fd, ',
        buf,
        ', ',
        cUint(op.len),
        ', ',
        flagExpr(op.msg_flags, MSG_FLAGS),
        ', ',
        flagExpr(st.send_zc.flags, ZC_FLAGS),
        ');',
      );
    else {
      out.line('io_uring_prep_send(sqe, u.fd, ', buf, ', ', cUint(op.len), ', ', flagExpr(op.msg_flags, MSG_FLAGS), ');');
      if (st.send.flags.length)
        out.line(
          'sqe->ioprio |= ',
          flagExpr(st.send.flags, { BUNDLE: 'IORING_RECVSEND_BUNDLE', POLL_FIRST: 'IORING_RECVSEND_POLL_FIRST' }),
          ';',
        );
    }
    if (zc && st.send_zc.buf_index !== undefined) out.line('sqe->buf_index = ', cUint(st.send_zc.buf_index, 0xffff), ';');
    else if (op.source && 'regbuf' in op.source) out.line('sqe->buf_index = ', cUint(op.source.regbuf.index, 0xffff), ';');
    if (op.buf_group !== undefined) {
      out.line('sqe->flags |= IOSQE_BUFFER_SELECT;');
      out.line('sqe->buf_group = ', cUint(op.buf_group, 0xffff), ';');
    }
    if (op.sqe_flags.length) out.line('sqe->flags |= ', flagExpr(op.sqe_flags, SQE_FLAGS), ';');
    out.line('sqe->user_data = ', cU64(ud), ';');
    out.line('uspec_out("sqe step=%d ud=%" PRIu64, ', cUint(n), ', (uint64_t)', cU64(ud), ');');
  } else if ('wait' in st) {
    out.line('uspec_wait_step(&u, ', cUint(n), ', ', cUint(st.wait.cqes), ', ', cInt(st.wait.timeout_ms), ');');
    emitHeads(sc, n, out);
  } else if ('submit' in st) {
    out.line('uspec_submit(&u, ', cUint(n), ');');
  } else if ('peer_recv' in st) {
    out.line('uspec_peer_recv(&u, ', cUint(n), ', ', cUint(st.peer_recv.len), ', ', cInt(st.peer_recv.timeout_ms), ');');
  } else if ('peer_drain' in st) {
    out.line('uspec_peer_drain(&u, ', cUint(n), ');');
  } else if ('ring_add' in st) {
    const ring = sc.buffer_rings.find((r) => r.bgid === st.ring_add.bgid)!;
    const add = ringAddsOf(sc).find((a) => a.step === n)!;
    out.line('/* step ', cUint(n), ': add ', cUint(add.entries.length), ' buffers to ring ', cUint(ring.bgid, 0xffff), ' */');
    emitRingAdd(`br${cUint(ring.bgid, 0xffff)}`, ring.entries, add.entries, out);
    out.line(
      'uspec_out("ring_add step=%d bgid=%d n=%d", ',
      cUint(n),
      ', ',
      cUint(ring.bgid, 0xffff),
      ', ',
      cUint(add.entries.length),
      ');',
    );
  }
}

function sourcePointer(source: SendStep['send']['source'], layout: Layout, step: number): string {
  if (!source) return 'NULL';
  if ('plain' in source) return layout.buffers.find((b) => b.role.kind === 'source' && b.role.step === step)!.cname;
  const { index, offset } = source.regbuf;
  const reg = layout.regbufs[index];
  // An index past the registered table is a legitimate error-path test: the
  // address is then only an offset the kernel must reject.
  return reg ? `${reg.cname} + ${cUint(offset, 1 << 24)}` : `(void *)(uintptr_t)${cUint(offset, 1 << 24)}`;
}
