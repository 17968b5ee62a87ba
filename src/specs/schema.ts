// The scenario spec format, version 1. Every TypeScript type of a spec is
// inferred from these schemas (see the bottom of the file): the schema is the
// single source of truth for the checker, the generator, the model and the
// JSON Schema that editors use.
//
// Every object is strict (unknown keys are errors: a misspelt key must never be
// silently ignored), every number has the range the C side can represent, and
// every string that can reach C is either an enum or a pattern-checked id.
import { z } from 'zod';

const u = (max: number) => z.number().int().min(0).max(max);
const U16 = 0xffff;
const U32 = 0xffffffff;
/** 64-bit values are written as decimal or 0x-hex strings in YAML (JSON numbers stop at 2^53). */
export const U64_RE = /^(0x[0-9a-fA-F]{1,16}|[0-9]{1,20})$/;
const u64 = z
  .union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.string().regex(U64_RE, 'a decimal or 0x-hex 64-bit integer')])
  // zod runs refinements after a failed regex too: only a well-formed value is converted
  .refine((v) => !U64_RE.test(String(v)) || BigInt(v) <= 0xffffffffffffffffn, 'must fit in 64 bits');

/** Ids become C identifiers (after mangling) and file names: keep them boring. */
export const ID_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const id = z.string().regex(ID_RE, 'lowercase letters, digits, "-" or "_", starting with a letter or digit, at most 64 characters');

/** How the bytes of a buffer are filled before the scenario runs. */
export const Fill = z.union(
  [
    z.literal('tagged').describe('default: bytes derived from the buffer tag and offset, so received data can be traced to its source'),
    z.strictObject({ byte: u(255) }).describe('every byte the same value'),
    z.strictObject({ seq: u(255) }).describe('byte k = (seq + k) mod 256'),
    z.strictObject({ text: z.string().min(1).max(256) }).describe('the text repeated (becomes an escaped C literal)'),
  ],
  { error: 'fill: "tagged", {byte: N}, {seq: N} or {text: "..."}' },
);

export const Placement = z.union(
  [
    z.literal('page_aligned'),
    z.strictObject({ page_offset: z.number().int().min(0).max(4095) }).describe('buffer starts this many bytes into a page'),
  ],
  { error: 'placement: "page_aligned" or {page_offset: N}' },
);

export const RegisteredBuffer = z.strictObject({
  size: z
    .number()
    .int()
    .min(1)
    .max(1 << 24),
  placement: Placement.default('page_aligned'),
  fill: Fill.default('tagged'),
});

/** A group of identical registered buffers (count) or an explicit list. */
export const RegisteredBuffers = z.union(
  [
    z.array(RegisteredBuffer).min(1).max(64),
    z.strictObject({
      count: z.number().int().min(1).max(64),
      size: RegisteredBuffer.shape.size,
      placement: Placement.default('page_aligned'),
      fill: Fill.default('tagged'),
    }),
  ],
  { error: 'registered_buffers: a list of {size, placement, fill} or {count, size, placement, fill}' },
);

/** Named ABI profiles for encoding {index, offset} into io_uring_buf.addr. */
export const AbiName = z
  .enum(['rfc-v1', 'rfc-rev'])
  .describe(
    'rfc-v1: index in the low 32 bits, offset in the high 32 (as posted); rfc-rev: 20-bit index, 44-bit offset (the split agreed in review)',
  );

export const RegbufRef = z.strictObject({
  index: z.number().int().min(0).max(U32),
  offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  len: u(U32),
});

/** One entry of a provided-buffer ring: exactly one of regbuf / plain / raw. */
export const RingEntry = z.union(
  [
    z.strictObject({ bid: u(U16).optional(), regbuf: RegbufRef }),
    z.strictObject({
      bid: u(U16).optional(),
      plain: z.strictObject({
        size: z
          .number()
          .int()
          .min(1)
          .max(1 << 24),
        len: u(U32).optional(),
        fill: Fill.default('tagged'),
      }),
    }),
    z
      .strictObject({ bid: u(U16).optional(), raw: z.strictObject({ addr: u64, len: u(U32) }) })
      .describe('addr written verbatim: for hostile encodings'),
  ],
  { error: 'a ring entry: {regbuf: {index, offset, len}}, {plain: {size, fill}} or {raw: {addr, len}}, each with an optional bid' },
);

export const BufferRing = z.strictObject({
  bgid: u(U16),
  entries: z
    .number()
    .int()
    .min(1)
    .max(32768)
    .refine((n) => (n & (n - 1)) === 0, 'must be a power of two'),
  abi: AbiName.default('rfc-v1'),
  buffers: z.array(RingEntry).max(32768).default([]),
});

/** Classic provided buffers (IORING_OP_PROVIDE_BUFFERS) issued during setup. */
export const ClassicBuffers = z.union(
  [
    z.strictObject({
      bgid: u(U16),
      start_bid: u(U16).default(0),
      count: z.number().int().min(1).max(4096),
      size: z
        .number()
        .int()
        .min(1)
        .max(1 << 20),
      fill: Fill.default('tagged'),
    }),
    z
      .strictObject({ bgid: u(U16), bid: u(U16), regbuf: RegbufRef, abi: AbiName.default('rfc-v1') })
      .describe('one classic buffer whose addr encodes a registered buffer'),
  ],
  { error: 'classic provided buffers: {bgid, start_bid, count, size, fill} or {bgid, bid, regbuf: {index, offset, len}, abi}' },
);

export const SocketType = z.enum(['tcp', 'udp', 'unix-stream', 'unix-dgram']);
export const Socket = z.strictObject({
  type: SocketType.default('tcp'),
  sndbuf: z
    .number()
    .int()
    .min(1024)
    .max(1 << 26)
    .optional(),
  rcvbuf: z
    .number()
    .int()
    .min(1024)
    .max(1 << 26)
    .optional(),
  nonblocking: z.boolean().default(false),
});

export const SetupFlag = z.enum(['SINGLE_ISSUER', 'DEFER_TASKRUN', 'COOP_TASKRUN', 'TASKRUN_FLAG', 'SUBMIT_ALL']);
export const Ring = z.strictObject({
  entries: z
    .number()
    .int()
    .min(1)
    .max(4096)
    .refine((n) => (n & (n - 1)) === 0, 'must be a power of two')
    .default(8),
  cq_entries: z.number().int().min(2).max(8192).optional(),
  flags: z.array(SetupFlag).default([]),
});

export const CqeFlag = z.enum(['BUFFER', 'MORE', 'SOCK_NONEMPTY', 'NOTIF', 'BUF_MORE']);
/** An expected result: an exact value, an errno name, or a range. */
export const ResExpect = z.union(
  [
    z.number().int().min(-4095).max(0x7fffffff),
    z.string().regex(/^-E[A-Z0-9]+$/, 'an errno like -EINVAL'),
    z.strictObject({ min: z.number().int(), max: z.number().int() }),
  ],
  { error: 'res: a number, an errno like -EINVAL, or {min, max}' },
);
export const CqeExpect = z.strictObject({
  res: ResExpect.optional(),
  flags: z.array(CqeFlag).optional().describe('exactly these flags (besides the buffer id bits)'),
  bid: u(U16).optional(),
  notif: z.boolean().optional().describe('shorthand: this CQE is the zero-copy notification'),
  usage: z.enum(['copied', 'zc']).optional().describe('REPORT_USAGE notification: IORING_NOTIF_USAGE_ZC_COPIED set (copied) or not (zc)'),
});
export const OpExpect = z.strictObject({ cqes: z.array(CqeExpect).min(1).max(16) });

/** Where a send takes its bytes from when it does not select a provided buffer. */
export const DataSource = z.union(
  [
    z
      .strictObject({
        regbuf: z.strictObject({
          index: z.number().int().min(0).max(U16),
          offset: z
            .number()
            .int()
            .min(0)
            .max(1 << 24),
        }),
      })
      .describe('registered buffer (FIXED_BUF, buf_index = index)'),
    z.strictObject({
      plain: z.strictObject({
        size: z
          .number()
          .int()
          .min(1)
          .max(1 << 24),
        fill: Fill.default('tagged'),
      }),
    }),
  ],
  { error: 'source: {regbuf: {index, offset}} or {plain: {size, fill}}' },
);

export const ZcFlag = z.enum(['FIXED_BUF', 'BUNDLE', 'REPORT_USAGE', 'POLL_FIRST']);
export const SendFlag = z.enum(['BUNDLE', 'POLL_FIRST']);
export const MsgFlag = z.enum(['WAITALL', 'DONTWAIT', 'MORE', 'NOSIGNAL']);
export const SqeFlag = z.enum(['ASYNC', 'IO_LINK', 'IO_DRAIN']);

const sendCommon = {
  user_data: u64.optional().describe('defaults to the step number, starting at 1'),
  len: u(U32).default(0).describe('bytes to send; with buf_group, the cap on what is selected (0 = no cap)'),
  buf_group: u(U16).optional().describe('sets IOSQE_BUFFER_SELECT with this group id'),
  msg_flags: z.array(MsgFlag).default([]),
  sqe_flags: z.array(SqeFlag).default([]),
  source: DataSource.optional(),
  expect: OpExpect.optional(),
};
export const SendZcStep = z.strictObject({
  send_zc: z.strictObject({
    ...sendCommon,
    flags: z.array(ZcFlag).default([]),
    buf_index: u(U16).optional().describe('registered buffer index for FIXED_BUF without buf_group'),
  }),
});
export const SendStep = z.strictObject({ send: z.strictObject({ ...sendCommon, flags: z.array(SendFlag).default([]) }) });
export const WaitStep = z.strictObject({
  wait: z.strictObject({ cqes: z.number().int().min(1).max(1024), timeout_ms: z.number().int().min(1).max(60000).default(1000) }),
});
export const SubmitStep = z.strictObject({ submit: z.strictObject({}) });
export const PeerRecvStep = z.strictObject({
  peer_recv: z
    .strictObject({
      len: z
        .number()
        .int()
        .min(1)
        .max(1 << 24),
      timeout_ms: z.number().int().min(1).max(60000).default(1000),
    })
    .describe('read up to len bytes (stream) or one datagram on the peer socket'),
});
export const PeerDrainStep = z.strictObject({ peer_drain: z.strictObject({}).describe('read everything queued on the peer socket') });
export const RingAddStep = z.strictObject({ ring_add: z.strictObject({ bgid: u(U16), buffers: z.array(RingEntry).min(1).max(32768) }) });
export const Step = z.union([SendZcStep, SendStep, WaitStep, SubmitStep, PeerRecvStep, PeerDrainStep, RingAddStep], {
  error: 'a step: one of send_zc, send, wait, submit, peer_recv, peer_drain, ring_add',
});

export const Segment = z.union(
  [
    z.strictObject({ regbuf: z.number().int().min(0), offset: z.number().int().min(0), len: z.number().int().min(0) }),
    z.strictObject({ ring: u(U16), bid: u(U16), offset: z.number().int().min(0).default(0), len: z.number().int().min(0) }),
    z.strictObject({ source_of_step: z.number().int().min(1), offset: z.number().int().min(0).default(0), len: z.number().int().min(0) }),
  ],
  { error: 'a byte segment: {regbuf, offset, len}, {ring, bid, offset, len} or {source_of_step, offset, len}' },
);
export const ScenarioExpect = z.strictObject({
  ring_heads: z.record(z.string().regex(/^[0-9]+$/, 'a buffer group id'), u(U16)).optional(),
  peer: z.strictObject({ len: z.number().int().min(0).optional(), bytes: z.array(Segment).optional() }).optional(),
});

export const Scenario = z.strictObject({
  id,
  title: z.string().min(1).max(200),
  tags: z.array(id).default([]),
  timeout_ms: z.number().int().min(100).max(120000).default(5000),
  ring: Ring.default({ entries: 8, flags: [] }),
  registered_buffers: RegisteredBuffers.optional(),
  buffer_rings: z.array(BufferRing).max(16).default([]),
  provided_buffers: z.array(ClassicBuffers).max(16).default([]),
  socket: Socket.default({ type: 'tcp', nonblocking: false }),
  steps: z.array(Step).min(1).max(256),
  expect: ScenarioExpect.optional(),
});

export const SpecFile = z.strictObject({
  version: z.literal(1),
  scenarios: z.array(Scenario).min(1),
});

export type SpecFile = z.output<typeof SpecFile>;
export type Scenario = z.output<typeof Scenario>;
export type Step = z.output<typeof Step>;
export type SendZcStep = z.output<typeof SendZcStep>;
export type SendStep = z.output<typeof SendStep>;
export type RingEntry = z.output<typeof RingEntry>;
export type BufferRing = z.output<typeof BufferRing>;
export type ClassicBuffers = z.output<typeof ClassicBuffers>;
export type RegisteredBuffer = z.output<typeof RegisteredBuffer>;
export type Fill = z.output<typeof Fill>;
export type Placement = z.output<typeof Placement>;
export type AbiName = z.output<typeof AbiName>;
export type CqeExpect = z.output<typeof CqeExpect>;
export type ResExpect = z.output<typeof ResExpect>;
export type DataSource = z.output<typeof DataSource>;
export type Segment = z.output<typeof Segment>;
export type SocketType = z.output<typeof SocketType>;
export type SetupFlag = z.output<typeof SetupFlag>;
