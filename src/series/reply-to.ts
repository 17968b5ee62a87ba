// What a reply to one message of a thread needs, read from the thread itself
// (the mbox a recipe or `--series` names): the subject as posted, the
// Message-ID to answer (In-Reply-To), the References chain (RFC 5322 3.6.4:
// the parent's References, then the parent's Message-ID), and who gets it
// (reply to all: the author, then everyone the message went to).
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeEncodedWords, type RawMessage } from './mail.ts';
import { looksLikeMbox, parseMbox } from './mbox.ts';

export interface ReplyTarget {
  /** "Re: " + the subject as posted. */
  subject: string;
  inReplyTo: string;
  references: string[];
  to: string[];
  cc: string[];
}

async function messagesOf(input: string): Promise<RawMessage[]> {
  if ((await stat(input)).isDirectory()) {
    const names = (await readdir(input)).filter((n) => /\.(patch|mbox|eml|diff)$/.test(n)).sort();
    return (await Promise.all(names.map(async (n) => parseMbox(await readFile(join(input, n), 'utf-8'), join(input, n))))).flat();
  }
  const text = await readFile(input, 'utf-8');
  return looksLikeMbox(text) ? parseMbox(text, input) : [];
}

/** Addresses of a To/Cc header, each as written ("Name <a@b>"), split at the commas between them. */
function addresses(value: string | undefined): string[] {
  if (!value) return [];
  return (decodeEncodedWords(value).match(/(?:"[^"]*"|[^,"])+/g) ?? []).map((a) => a.trim()).filter(Boolean);
}

const addrKey = (a: string) => (/<([^>]+)>/.exec(a)?.[1] ?? a).toLowerCase();

/** The reply to message `messageId` of the thread in `input`; undefined when the input does not hold it (a thread page has no Message-IDs). */
export async function replyTarget(input: string, messageId: string): Promise<ReplyTarget | undefined> {
  const msg = (await messagesOf(input)).find((m) => m.messageId === messageId);
  if (!msg) return undefined;
  // parents = In-Reply-To, then References: the chain is References in order, then In-Reply-To if missing from it.
  const [inReplyTo, ...refs] = msg.parents;
  const chain = [...new Set([...refs, ...(inReplyTo ? [inReplyTo] : []), messageId])];
  const to = addresses(msg.from);
  const seen = new Set(to.map(addrKey));
  const cc = [...addresses(msg.to), ...addresses(msg.cc)].filter((a) => !seen.has(addrKey(a)) && seen.add(addrKey(a)));
  return { subject: `Re: ${msg.subject.replace(/^(re:\s*)+/i, '')}`, inReplyTo: messageId, references: chain, to, cc };
}

/** A message of the thread named as model/rules.ts cites review mail: its author's name and the minute it was sent (UTC). */
export async function messageAt(
  input: string,
  author: string,
  utcMinute: string,
): Promise<{ messageId: string; subject: string } | undefined> {
  const minute = utcMinute.replace(' ', 'T');
  for (const m of await messagesOf(input)) {
    const d = m.date ? new Date(m.date) : undefined;
    if (!m.messageId || !d || Number.isNaN(d.getTime()) || !d.toISOString().startsWith(minute)) continue;
    if (decodeEncodedWords(m.from).toLowerCase().includes(author.toLowerCase())) return { messageId: m.messageId, subject: m.subject };
  }
  return undefined;
}
