// Rules that span several fields and so cannot live in the zod schema without
// losing the precise location of the error. Each returns the path of the
// offending value so the loader can name its line and column.
import { abiRangeError } from './abi.ts';
import { PAGE_SIZE } from './layout.ts';
import type { SpecFile } from './schema.ts';

export interface RuleError {
  path: (string | number)[];
  message: string;
}

/** Memory a scenario may allocate: keeps a typo from asking the guest for gigabytes. */
export const MAX_SCENARIO_BYTES = 64 << 20;

export function crossFieldRules(spec: SpecFile): RuleError[] {
  const errors: RuleError[] = [];
  spec.scenarios.forEach((sc, si) => {
    const at = (...p: (string | number)[]) => ['scenarios', si, ...p];
    // A group is either one buffer ring or any number of classic provides.
    const groups = new Map<number, 'buffer_rings' | 'provided_buffers'>();
    const claim = (bgid: number, kind: 'buffer_rings' | 'provided_buffers', path: (string | number)[]) => {
      const prev = groups.get(bgid);
      if (prev && prev !== kind)
        errors.push({ path, message: `buffer group ${bgid} is used by both a buffer ring and classic provided buffers` });
      else if (prev === 'buffer_rings') errors.push({ path, message: `buffer group ${bgid} is registered twice` });
      groups.set(bgid, kind);
    };
    let bytes = 0;
    const regs = sc.registered_buffers;
    if (regs) bytes += Array.isArray(regs) ? regs.reduce((a, r) => a + r.size + PAGE_SIZE, 0) : regs.count * (regs.size + PAGE_SIZE);
    sc.buffer_rings.forEach((r, ri) => {
      claim(r.bgid, 'buffer_rings', at('buffer_rings', ri, 'bgid'));
      if (r.buffers.length > r.entries)
        errors.push({
          path: at('buffer_rings', ri, 'buffers'),
          message: `${r.buffers.length} buffers do not fit a ring of ${r.entries} entries`,
        });
      r.buffers.forEach((b, bi) => {
        if ('regbuf' in b) {
          const e = abiRangeError(r.abi, b.regbuf.index, b.regbuf.offset);
          if (e) errors.push({ path: at('buffer_rings', ri, 'buffers', bi, 'regbuf'), message: e });
        }
        if ('plain' in b) bytes += b.plain.size;
      });
    });
    sc.provided_buffers.forEach((p, pi) => {
      claim(p.bgid, 'provided_buffers', at('provided_buffers', pi, 'bgid'));
      if ('count' in p) {
        bytes += p.count * p.size;
        if (p.start_bid + p.count > 0x10000)
          errors.push({
            path: at('provided_buffers', pi, 'count'),
            message: `bids ${p.start_bid}..${p.start_bid + p.count - 1} go past 65535`,
          });
      } else {
        const e = abiRangeError(p.abi, p.regbuf.index, p.regbuf.offset);
        if (e) errors.push({ path: at('provided_buffers', pi, 'regbuf'), message: e });
      }
    });
    const userData = new Map<string, number>();
    const sendSteps = new Set<number>();
    // Requests queue SQEs until a wait, submit, peer_recv or peer_drain step submits them.
    let queued = 0;
    sc.steps.forEach((st, i) => {
      const op = 'send_zc' in st ? st.send_zc : 'send' in st ? st.send : undefined;
      if (op && ++queued > sc.ring.entries)
        errors.push({
          path: at('steps', i),
          message: `${queued} requests queued before the next submit do not fit a ring of ${sc.ring.entries} SQ entries`,
        });
      if ('wait' in st || 'submit' in st || 'peer_recv' in st || 'peer_drain' in st) queued = 0;
      if ('ring_add' in st) {
        const ring = sc.buffer_rings.find((r) => r.bgid === st.ring_add.bgid);
        if (!ring)
          errors.push({
            path: at('steps', i, 'ring_add', 'bgid'),
            message: `no buffer ring with bgid ${st.ring_add.bgid} in buffer_rings`,
          });
        st.ring_add.buffers.forEach((b, bi) => {
          if ('plain' in b) bytes += b.plain.size;
          if ('regbuf' in b && ring) {
            const e = abiRangeError(ring.abi, b.regbuf.index, b.regbuf.offset);
            if (e) errors.push({ path: at('steps', i, 'ring_add', 'buffers', bi, 'regbuf'), message: e });
          }
        });
      }
      if (!op) return;
      const kind = 'send_zc' in st ? 'send_zc' : 'send';
      sendSteps.add(i + 1);
      const ud = String(BigInt(op.user_data ?? i + 1));
      const prev = userData.get(ud);
      if (prev !== undefined)
        errors.push({
          path: at('steps', i, kind, 'user_data'),
          message: `user_data ${ud} is already used by step ${prev}; CQEs are matched to steps by user_data`,
        });
      userData.set(ud, i + 1);
      if (op.source && op.buf_group !== undefined)
        errors.push({
          path: at('steps', i, kind, 'source'),
          message: 'a send takes its data either from buf_group (provided buffers) or from source, not both',
        });
      if (op.source && 'plain' in op.source) bytes += op.source.plain.size;
      if (op.source && 'plain' in op.source && op.len > op.source.plain.size)
        errors.push({
          path: at('steps', i, kind, 'len'),
          message: `len ${op.len} is larger than the plain source (${op.source.plain.size} bytes)`,
        });
      if ('send_zc' in st) {
        const zc = st.send_zc;
        const fixed = zc.flags.includes('FIXED_BUF');
        if (zc.source && 'regbuf' in zc.source && !fixed)
          errors.push({ path: at('steps', i, kind, 'source'), message: 'a regbuf source needs FIXED_BUF in flags' });
        if (zc.buf_index !== undefined && zc.buf_group !== undefined)
          errors.push({ path: at('steps', i, kind, 'buf_index'), message: 'buf_index and buf_group share the SQE field: set one' });
      }
    });
    sc.expect?.peer?.bytes?.forEach((seg, gi) => {
      if ('source_of_step' in seg && !sendSteps.has(seg.source_of_step))
        errors.push({
          path: at('expect', 'peer', 'bytes', gi, 'source_of_step'),
          message: `step ${seg.source_of_step} is not a send step`,
        });
    });
    if (bytes > MAX_SCENARIO_BYTES)
      errors.push({ path: at('id'), message: `scenario allocates ${bytes} bytes of buffers; the limit is ${MAX_SCENARIO_BYTES}` });
  });
  return errors;
}
