// Malformed specs and the exact error each must produce (line:col, path, rule).
// BASE is a valid scenario; each case edits one thing.
export const BASE = `version: 1
scenarios:
  - id: base
    title: a valid scenario
    registered_buffers: { count: 1, size: 4096 }
    buffer_rings:
      - bgid: 1
        entries: 4
        buffers:
          - regbuf: { index: 0, offset: 0, len: 100 }
    steps:
      - send_zc: { buf_group: 1, flags: [FIXED_BUF] }
      - wait: { cqes: 2 }
`;

export interface MalformedCase {
  name: string;
  /** [search, replace] applied to BASE, or a whole document. */
  edit?: [string, string];
  text?: string;
  /** Exact first error: "line:col: path: message". */
  error: string;
}

export const MALFORMED: MalformedCase[] = [
  {
    name: 'misspelt key',
    edit: ['flags: [FIXED_BUF]', 'flag: [FIXED_BUF]'],
    error: '12:34: scenarios[0].steps[0].send_zc.flag: unknown key "flag" (did you mean "flags"?)',
  },
  { name: 'unknown top-level key', edit: ['version: 1', 'version: 1\nauthor: me'], error: '2:1: author: unknown key "author"' },
  { name: 'wrong version', edit: ['version: 1', 'version: 2'], error: '1:10: version: expected one of 1' },
  { name: 'missing scenarios', text: 'version: 1\n', error: '1:1: missing required key "scenarios" (expected array)' },
  {
    name: 'empty scenarios',
    edit: ['scenarios:\n  - id: base', 'scenarios: []\nx:\n  - id: base'],
    error: '2:12: scenarios: needs at least 1 item(s)',
  },
  {
    name: 'bad id characters',
    edit: ['id: base', 'id: Base Case'],
    error: '3:9: scenarios[0].id: lowercase letters, digits, "-" or "_", starting with a letter or digit, at most 64 characters',
  },
  {
    name: 'missing title',
    edit: ['    title: a valid scenario\n', ''],
    error: '3:5: scenarios[0]: missing required key "title" (expected string)',
  },
  {
    name: 'entries not power of two',
    edit: ['entries: 4', 'entries: 6'],
    error: '8:18: scenarios[0].buffer_rings[0].entries: must be a power of two',
  },
  { name: 'bgid out of range', edit: ['bgid: 1', 'bgid: 70000'], error: '7:15: scenarios[0].buffer_rings[0].bgid: must be <= 65535' },
  { name: 'negative len', edit: ['len: 100', 'len: -1'], error: '10:49: scenarios[0].buffer_rings[0].buffers[0].regbuf.len: must be >= 0' },
  {
    name: 'string for number',
    edit: ['count: 1', 'count: one'],
    error: '5:34: scenarios[0].registered_buffers.count: expected number, got string',
  },
  {
    name: 'unknown zc flag',
    edit: ['[FIXED_BUF]', '[FIXED]'],
    error: '12:42: scenarios[0].steps[0].send_zc.flags[0]: expected one of "FIXED_BUF", "BUNDLE", "REPORT_USAGE", "POLL_FIRST"',
  },
  {
    name: 'unknown step kind',
    edit: ['- wait: { cqes: 2 }', '- sleep: { ms: 2 }'],
    error: '13:9: scenarios[0].steps[1]: a step: one of send_zc, send, wait, submit, peer_recv, peer_drain, ring_add',
  },
  { name: 'wait zero cqes', edit: ['cqes: 2', 'cqes: 0'], error: '13:23: scenarios[0].steps[1].wait.cqes: must be >= 1' },
  {
    name: 'no steps',
    edit: ['      - send_zc: { buf_group: 1, flags: [FIXED_BUF] }\n      - wait: { cqes: 2 }\n', '      []\n'],
    error: '12:7: scenarios[0].steps: needs at least 1 item(s)',
  },
  {
    name: 'page offset too large',
    edit: ['{ count: 1, size: 4096 }', '{ count: 1, size: 4096, placement: { page_offset: 4096 } }'],
    error: '5:75: scenarios[0].registered_buffers.placement.page_offset: must be <= 4095',
  },
  {
    name: 'bad fill',
    edit: ['{ count: 1, size: 4096 }', '{ count: 1, size: 4096, fill: zeros }'],
    error: '5:55: scenarios[0].registered_buffers.fill: fill: "tagged", {byte: N}, {seq: N} or {text: "..."}',
  },
  {
    name: 'ring entry with two kinds',
    edit: ['- regbuf: { index: 0, offset: 0, len: 100 }', '- { regbuf: { index: 0, offset: 0, len: 100 }, plain: { size: 8 } }'],
    error:
      '10:13: scenarios[0].buffer_rings[0].buffers[0]: a ring entry: {regbuf: {index, offset, len}}, {plain: {size, fill}} or {raw: {addr, len}}, each with an optional bid',
  },
  {
    name: 'index too big for rfc-rev',
    edit: [
      'entries: 4\n        buffers:\n          - regbuf: { index: 0,',
      'entries: 4\n        abi: rfc-rev\n        buffers:\n          - regbuf: { index: 2000000,',
    ],
    error: '11:21: scenarios[0].buffer_rings[0].buffers[0].regbuf: index 2000000 does not fit the 20-bit index field of ABI rfc-rev',
  },
  {
    name: 'too many ring buffers',
    text: BASE.replace('entries: 4', 'entries: 1').replace(
      '- regbuf: { index: 0, offset: 0, len: 100 }',
      '- regbuf: { index: 0, offset: 0, len: 100 }\n          - plain: { size: 8 }',
    ),
    error: '10:11: scenarios[0].buffer_rings[0].buffers: 2 buffers do not fit a ring of 1 entries',
  },
  {
    name: 'duplicate user_data',
    edit: ['- wait: { cqes: 2 }', '- send: { user_data: 1, source: { plain: { size: 8 } }, len: 8 }'],
    error: '13:28: scenarios[0].steps[1].send.user_data: user_data 1 is already used by step 1; CQEs are matched to steps by user_data',
  },
  {
    name: 'source and buf_group',
    edit: ['{ buf_group: 1, flags: [FIXED_BUF] }', '{ buf_group: 1, flags: [FIXED_BUF], source: { plain: { size: 8 } } }'],
    error:
      '12:62: scenarios[0].steps[0].send_zc.source: a send takes its data either from buf_group (provided buffers) or from source, not both',
  },
  {
    name: 'regbuf source without FIXED_BUF',
    edit: ['{ buf_group: 1, flags: [FIXED_BUF] }', '{ source: { regbuf: { index: 0, offset: 0 } }, len: 10 }'],
    error: '12:28: scenarios[0].steps[0].send_zc.source: a regbuf source needs FIXED_BUF in flags',
  },
  {
    name: 'ring_add to unknown group',
    edit: ['- wait: { cqes: 2 }', '- ring_add: { bgid: 9, buffers: [{ plain: { size: 8 } }] }'],
    error: '13:27: scenarios[0].steps[1].ring_add.bgid: no buffer ring with bgid 9 in buffer_rings',
  },
  {
    name: 'bad u64 user_data',
    edit: ['{ buf_group: 1, flags: [FIXED_BUF] }', '{ buf_group: 1, flags: [FIXED_BUF], user_data: "0x1ffffffffffffffff" }'],
    error: '12:65: scenarios[0].steps[0].send_zc.user_data: a decimal or 0x-hex 64-bit integer',
  },
  {
    // found by the scenario synthesizer: a string that is no number at all reached BigInt() (internal error)
    name: 'non-numeric u64 user_data',
    edit: ['{ buf_group: 1, flags: [FIXED_BUF] }', '{ buf_group: 1, flags: [FIXED_BUF], user_data: "abc" }'],
    error: '12:65: scenarios[0].steps[0].send_zc.user_data: a decimal or 0x-hex 64-bit integer',
  },
  {
    name: 'yaml syntax error',
    edit: ['flags: [FIXED_BUF] }', 'flags: [FIXED_BUF }'],
    error: '12:52: YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
  },
  { name: 'duplicate yaml key', edit: ['entries: 4', 'entries: 4\n        entries: 8'], error: '9:9: YAML: Map keys must be unique' },
  {
    name: 'errno pin malformed',
    edit: [
      '- wait: { cqes: 2 }',
      '- wait: { cqes: 2 }\n      - send: { source: { plain: { size: 8 } }, len: 8, expect: { cqes: [{ res: EINVAL }] } }',
    ],
    error: '14:81: scenarios[0].steps[2].send.expect.cqes[0].res: an errno like -EINVAL',
  },
  {
    name: 'socket type unknown',
    edit: ['    steps:', '    socket: { type: sctp }\n    steps:'],
    error: '11:21: scenarios[0].socket.type: expected one of "tcp", "udp", "unix-stream", "unix-dgram"',
  },
];
