// A scenario in plain words, for the email that goes with a reproducer.
import { layoutOf } from '../specs/layout.ts';
import type { Scenario } from '../specs/schema.ts';

export function describeScenario(sc: Scenario): string[] {
  const out: string[] = [];
  const layout = layoutOf(sc);
  out.push(`ring: ${sc.ring.entries} entries${sc.ring.flags.length ? `, ${sc.ring.flags.join(' | ')}` : ''}`);
  for (const r of layout.regbufs)
    out.push(
      `registered buffer ${r.name.replace(/\D/g, '')}: ${r.size} bytes${r.pageOffset ? `, starting ${r.pageOffset} bytes into a page` : ', page aligned'}`,
    );
  for (const r of sc.buffer_rings) {
    out.push(`provided-buffer ring, group ${r.bgid}, ${r.entries} entries, addr encoding ${r.abi}:`);
    r.buffers.forEach((b, j) => {
      const bid = b.bid ?? j;
      if ('regbuf' in b) out.push(`  bid ${bid}: registered buffer ${b.regbuf.index}, offset ${b.regbuf.offset}, len ${b.regbuf.len}`);
      else if ('plain' in b) out.push(`  bid ${bid}: plain memory, ${b.plain.len ?? b.plain.size} bytes`);
      else out.push(`  bid ${bid}: raw addr ${b.raw.addr}, len ${b.raw.len}`);
    });
  }
  for (const p of sc.provided_buffers) {
    if ('count' in p)
      out.push(
        `classic provided buffers (IORING_OP_PROVIDE_BUFFERS), group ${p.bgid}: ${p.count} x ${p.size} bytes from bid ${p.start_bid}`,
      );
    else
      out.push(
        `classic provided buffer ${p.bid} in group ${p.bgid}: registered buffer ${p.regbuf.index}, offset ${p.regbuf.offset}, len ${p.regbuf.len} (${p.abi})`,
      );
  }
  out.push(
    `socket: ${sc.socket.type} pair${sc.socket.sndbuf ? `, SO_SNDBUF ${sc.socket.sndbuf}` : ''}${sc.socket.nonblocking ? ', non-blocking' : ''}`,
  );
  sc.steps.forEach((st, i) => {
    const n = i + 1;
    if ('send_zc' in st || 'send' in st) {
      const zc = 'send_zc' in st;
      const op = zc ? st.send_zc : st.send;
      const flags = [
        ...op.flags.map((f) => (f === 'REPORT_USAGE' ? 'IORING_SEND_ZC_REPORT_USAGE' : `IORING_RECVSEND_${f}`)),
        ...op.msg_flags.map((f) => `MSG_${f}`),
        ...op.sqe_flags.map((f) => `IOSQE_${f}`),
      ];
      const from =
        op.buf_group !== undefined
          ? `a provided buffer from group ${op.buf_group} (IOSQE_BUFFER_SELECT)`
          : op.source && 'regbuf' in op.source
            ? `registered buffer ${op.source.regbuf.index} at offset ${op.source.regbuf.offset}`
            : op.source
              ? 'plain memory'
              : 'no buffer';
      out.push(
        `${n}. ${zc ? 'IORING_OP_SEND_ZC' : 'IORING_OP_SEND'} (user_data ${op.user_data ?? n}) of ${op.len ? `${op.len} bytes` : 'the whole buffer'} from ${from}${flags.length ? `, ${flags.join(' | ')}` : ''}`,
      );
    } else if ('wait' in st) out.push(`${n}. submit and wait for ${st.wait.cqes} CQE(s)`);
    else if ('submit' in st) out.push(`${n}. submit`);
    else if ('peer_recv' in st) out.push(`${n}. the peer reads up to ${st.peer_recv.len} bytes`);
    else if ('peer_drain' in st) out.push(`${n}. the peer reads everything queued`);
    else if ('ring_add' in st) out.push(`${n}. add ${st.ring_add.buffers.length} buffer(s) to ring ${st.ring_add.bgid}`);
  });
  out.push(`${sc.steps.length + 1}. reap every CQE (until each request posted its last), drain the peer`);
  return out;
}
