// Entry point of series ingestion: a thread page (.txt), an mbox, or a
// directory of `git format-patch` files -> the ordered patches of one version
// of the series. Cover letters (0/N) and replies (Re:) are dropped; the newest
// version wins unless a version is asked for. `b4 am` writes the cover letter
// beside the patches (NAME.cover next to NAME.mbx): it is read from there.
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseAddress, type RawMessage } from './mail.ts';
import { looksLikeMbox, parseMbox } from './mbox.ts';
import { splitPatchBody } from './patch-body.ts';
import { SeriesError, type Patch } from './schema.ts';
import { parseSubject, type SubjectInfo } from './subject.ts';
import { looksLikeThreadPage, parseThreadPage } from './thread-page.ts';

export interface ReadSeriesOptions {
  /** Pick this vN instead of the newest. */
  version?: number;
}

export interface Series {
  input: string;
  format: 'mbox' | 'thread-page' | 'format-patch-dir';
  version: number;
  /** Other versions present in the input (not selected). */
  otherVersions: number[];
  coverSubject?: string;
  /** The cover letter's bracketed tags, e.g. "PATCHSET RFC 0/7". */
  coverTags?: string;
  /** Message-ID of the cover letter, else of patch 1 (a thread page shows none). */
  messageId?: string;
  patches: Patch[];
}

async function loadMessages(input: string): Promise<{ format: Series['format']; messages: RawMessage[] }> {
  let st;
  try {
    st = await stat(input);
  } catch {
    throw new SeriesError(`cannot read ${input}: no such file or directory`);
  }
  if (st.isDirectory()) {
    const names = (await readdir(input)).filter((n) => /\.(patch|mbox|eml|diff)$/.test(n)).sort();
    if (names.length === 0) throw new SeriesError(`not a series: ${input} holds no *.patch/*.mbox files`);
    const messages: RawMessage[] = [];
    for (const name of names) {
      const text = await readFile(join(input, name), 'utf-8');
      if (!looksLikeMbox(text)) throw new SeriesError(`not a format-patch file: ${join(input, name)} (no leading "From " line)`);
      messages.push(...parseMbox(text, join(input, name)));
    }
    return { format: 'format-patch-dir', messages };
  }
  const text = await readFile(input, 'utf-8');
  if (text.trim() === '') throw new SeriesError(`not a series: ${input} is empty`);
  if (looksLikeMbox(text)) return { format: 'mbox', messages: [...parseMbox(text, input), ...(await b4Cover(input))] };
  if (looksLikeThreadPage(text)) return { format: 'thread-page', messages: parseThreadPage(text, input) };
  throw new SeriesError(
    `not a series: ${input} is neither an mbox (first line "From ...") nor a public-inbox thread page (with "^ permalink raw reply" separators)`,
  );
}

/** `b4 am` leaves the cover letter out of NAME.mbx and writes it, without a "From " line, to NAME.cover. */
async function b4Cover(input: string): Promise<RawMessage[]> {
  const cover = input.replace(/\.mbx$/, '.cover');
  if (cover === input || !existsSync(cover)) return [];
  return parseMbox(`From b4-cover Thu Jan  1 00:00:00 1970\n${await readFile(cover, 'utf-8')}`, cover);
}

/** Finds an e-mail address for a bare name in the message's trailers (Signed-off-by: Name <addr>). */
function emailFromTrailers(name: string, body: string): string {
  for (const m of body.matchAll(/^[A-Za-z-]+-by:\s*(.+?)\s*<([^>]+)>\s*$/gm)) {
    if (m[1]!.toLowerCase() === name.toLowerCase()) return m[2]!;
  }
  return '';
}

function isoOf(msg: RawMessage): string {
  if (msg.isoDate) return msg.isoDate;
  const d = msg.date ? new Date(msg.date) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d.toISOString() : '';
}

interface Candidate {
  msg: RawMessage;
  subj: SubjectInfo;
  version: number;
  patch: Patch;
}

export async function readSeries(input: string, opts: ReadSeriesOptions = {}): Promise<Series> {
  const { format, messages } = await loadMessages(input);
  if (messages.length === 0) throw new SeriesError(`not a series: no messages in ${input}`);

  const parsed = messages.map((msg) => ({ msg, subj: parseSubject(msg.subject) }));
  const covers = parsed.filter((p) => !p.subj.isReply && p.subj.isPatch && p.subj.index === 0);
  const replies = parsed.filter((p) => p.subj.isReply).length;

  // Patches often carry "vN" only on the cover letter ("[PATCHSET v3 0/4]" then
  // "[PATCH 1/4]"): inherit it through the thread, or from the only cover.
  const versionOf = (msg: RawMessage, subj: SubjectInfo): number => {
    if (subj.version !== undefined) return subj.version;
    const parent = covers.find((c) => c.msg.messageId && msg.parents.includes(c.msg.messageId));
    if (parent?.subj.version !== undefined) return parent.subj.version;
    const sameTotal = covers.filter((c) => c.subj.total === subj.total && c.subj.version !== undefined);
    if (sameTotal.length === 1) return sameTotal[0]!.subj.version!;
    return 1;
  };

  const candidates: Candidate[] = [];
  for (const { msg, subj } of parsed) {
    if (subj.isReply || !subj.isPatch || subj.index === 0) continue;
    const body = splitPatchBody(msg.body);
    if (!body) continue; // e.g. a cover letter posted without 0/N
    const author = parseAddress(body.inBodyFrom ?? msg.from);
    if (!author.email) author.email = emailFromTrailers(author.name, body.message);
    const version = versionOf(msg, subj);
    candidates.push({
      msg,
      subj,
      version,
      patch: {
        index: subj.index ?? 1,
        total: subj.total ?? 1,
        version,
        subject: subj.title,
        tags: subj.tags,
        author,
        date: isoOf(msg),
        ...(msg.date ? { rfc2822Date: msg.date } : {}),
        files: body.files,
        added: body.added,
        removed: body.removed,
        message: body.message,
        diff: body.diff,
        source: msg.where,
        ...(msg.messageId ? { messageId: msg.messageId } : {}),
      },
    });
  }
  if (candidates.length === 0) {
    throw new SeriesError(
      `no patches in ${input}: ${messages.length} message(s), ${covers.length} cover letter(s), ${replies} repl(ies), none with a [PATCH] subject and a diff`,
    );
  }

  const versions = [...new Set(candidates.map((c) => c.version))].sort((a, b) => a - b);
  const version = opts.version ?? versions[versions.length - 1]!;
  if (!versions.includes(version)) {
    throw new SeriesError(`no v${version} in ${input}; versions present: ${versions.map((v) => `v${v}`).join(', ')}`);
  }
  const chosen = candidates.filter((c) => c.version === version);
  const totals = [...new Set(chosen.map((c) => c.patch.total))];
  if (totals.length > 1) {
    throw new SeriesError(`v${version} in ${input} mixes series lengths (${totals.map((t) => `n/${t}`).join(', ')}); pick one version`);
  }
  const total = totals[0]!;
  const byIndex = new Map<number, Candidate>();
  for (const c of chosen) {
    const prev = byIndex.get(c.patch.index);
    if (prev && prev.patch.diff !== c.patch.diff) {
      throw new SeriesError(`two different messages for patch ${c.patch.index}/${total} (v${version}): ${prev.msg.where} and ${c.msg.where}`);
    }
    if (c.patch.index > total) throw new SeriesError(`patch ${c.patch.index}/${total} in ${c.msg.where} is out of range`);
    byIndex.set(c.patch.index, c);
  }
  const missing: number[] = [];
  for (let n = 1; n <= total; n++) if (!byIndex.has(n)) missing.push(n);
  if (missing.length > 0) {
    throw new SeriesError(
      `gap in numbering of ${basename(input)} v${version}: have ${[...byIndex.keys()].sort((a, b) => a - b).join(',')} of ${total}, missing ${missing.join(',')}`,
    );
  }
  const cover = covers.find((c) => versionOf(c.msg, c.subj) === version);
  const messageId = cover?.msg.messageId ?? byIndex.get(1)!.msg.messageId;
  return {
    input,
    format,
    version,
    otherVersions: versions.filter((v) => v !== version),
    ...(cover ? { coverSubject: cover.subj.title, coverTags: cover.subj.tags } : {}),
    ...(messageId ? { messageId } : {}),
    patches: [...byIndex.values()].sort((a, b) => a.patch.index - b.patch.index).map((c) => c.patch),
  };
}
