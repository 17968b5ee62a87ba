// Parses the bracketed prefix of a patch e-mail subject:
//   "[PATCH v3 for-next 2/4] io_uring/rw: ..."  -> index 2, total 4, version 3
//   "[PATCHSET RFC 0/7] ..."                      -> cover letter (index 0)
//   "Re: [PATCH 7/7] ..."                         -> reply
//   "[RFC][PATCH 1/2] ..."                        -> several bracket groups
export interface SubjectInfo {
  isReply: boolean;
  /** Whether a PATCH/PATCHSET tag was present at all. */
  isPatch: boolean;
  index?: number;
  total?: number;
  version?: number;
  tags: string;
  title: string;
}

export function parseSubject(raw: string): SubjectInfo {
  let s = raw.replace(/\s+/g, ' ').trim();
  let isReply = false;
  // "Re:", "RE:", "Aw:", "Fwd:" - any reply/forward marker makes it not a patch to apply
  while (/^(re|aw|fwd?|sv)\s*:\s*/i.test(s)) {
    isReply = true;
    s = s.replace(/^(re|aw|fwd?|sv)\s*:\s*/i, '');
  }
  const groups: string[] = [];
  let m: RegExpMatchArray | null;
  while ((m = s.match(/^\[([^\]]*)\]\s*/))) {
    groups.push(m[1]!.trim());
    s = s.slice(m[0].length);
  }
  const tags = groups.join(' ');
  const info: SubjectInfo = { isReply, isPatch: /\bPATCH(SET)?\b/i.test(tags), tags, title: s.trim() };
  const num = tags.match(/(?:^|\s)(\d+)\/(\d+)(?:\s|$)/);
  if (num) {
    info.index = Number(num[1]);
    info.total = Number(num[2]);
  }
  const ver = tags.match(/(?:^|\s)v(\d+)(?:\s|$)/i);
  if (ver) info.version = Number(ver[1]);
  return info;
}
