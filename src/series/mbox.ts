// mboxrd reader: messages start at "From " lines; a body line that was
// ">From " (any number of '>') had one '>' added on export, which we remove.
// A single `git format-patch` file is a one-message mbox and goes through here.
import { decodeBody, decodeEncodedWords, messageIds, parseHeaders, type RawMessage } from './mail.ts';

export function looksLikeMbox(text: string): boolean {
  return /^From \S+/.test(text);
}

export function parseMbox(text: string, file: string): RawMessage[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const chunks: string[][] = [];
  for (const line of lines) {
    if (line.startsWith('From ') && /^From \S+ .*\d{4}\s*$/.test(line)) chunks.push([]);
    else if (chunks.length > 0) chunks[chunks.length - 1]!.push(line.replace(/^>(>*From )/, '$1'));
  }
  return chunks.map((chunk, i) => {
    const raw = chunk.join('\n');
    const split = raw.indexOf('\n\n');
    const headerBlock = split < 0 ? raw : raw.slice(0, split);
    const body = split < 0 ? '' : raw.slice(split + 2);
    const h = parseHeaders(headerBlock);
    return {
      subject: decodeEncodedWords(h.get('subject') ?? ''),
      from: h.get('from') ?? '',
      date: h.get('date'),
      messageId: messageIds(h.get('message-id'))[0],
      parents: [...messageIds(h.get('in-reply-to')), ...messageIds(h.get('references'))],
      ...(h.has('to') ? { to: h.get('to')! } : {}),
      ...(h.has('cc') ? { cc: h.get('cc')! } : {}),
      body: decodeBody(body, h.get('content-transfer-encoding')),
      where: `${file}#${i + 1}`,
    };
  });
}
