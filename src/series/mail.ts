// A mail message reduced to what series ingestion needs, plus the header and
// body decoding shared by the mbox and format-patch readers, and the one way
// a header is written (format-patch files, the reproducer's email).
import { printable } from '../core/text.ts';

export interface RawMessage {
  subject: string;
  from: string;
  /** RFC 2822 date string as found, or undefined. */
  date?: string;
  /** ISO date when the source only has a rendered date (web page). */
  isoDate?: string;
  messageId?: string;
  /** Message-IDs this one replies to (In-Reply-To + References). */
  parents: string[];
  /** The To and Cc headers as found (a reply to all goes to them). */
  to?: string;
  cc?: string;
  body: string;
  /** "file#3" style position for error messages. */
  where: string;
}

/** Splits "Header: value" lines (with folded continuations) into a lower-cased map. */
export function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  let last: string | undefined;
  for (const line of block.split('\n')) {
    if (/^[ \t]/.test(line) && last) {
      headers.set(last, headers.get(last)! + ' ' + line.trim());
      continue;
    }
    const m = line.match(/^([!-9;-~]+):\s?(.*)$/);
    if (!m) continue;
    last = m[1]!.toLowerCase();
    // keep the first occurrence (Received: repeats; From:/Subject: do not)
    if (!headers.has(last)) headers.set(last, m[2]!.trim());
    else last = undefined;
  }
  return headers;
}

/** RFC 2047 encoded words (=?UTF-8?q?...?= / =?UTF-8?b?...?=), the forms git send-email emits. */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?') // whitespace between adjacent encoded words is dropped
    .replace(/=\?([^?]+)\?([qQbB])\?([^?]*)\?=/g, (_all, charset: string, enc: string, text: string) => {
      const bytes =
        enc.toLowerCase() === 'b'
          ? Buffer.from(text, 'base64')
          : Buffer.from(
              text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
              'latin1',
            );
      return new TextDecoder(charset.toLowerCase() === 'utf-8' || charset.toLowerCase() === 'utf8' ? 'utf-8' : 'latin1').decode(bytes);
    });
}

export function decodeBody(body: string, transferEncoding: string | undefined): string {
  const enc = (transferEncoding ?? '').toLowerCase();
  if (enc === 'quoted-printable') {
    const latin = body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(latin, 'latin1').toString('utf-8');
  }
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf-8');
  return body;
}

export function messageIds(value: string | undefined): string[] {
  return value ? [...value.matchAll(/<([^>\s]+)>/g)].map((m) => m[1]!) : [];
}

/** "Name <a@b>" / "a@b (Name)" / "Name" -> {name, email}. */
export function parseAddress(value: string): { name: string; email: string } {
  const decoded = decodeEncodedWords(value).trim();
  const angle = decoded.match(/^(.*?)\s*<([^>]+)>\s*$/);
  if (angle) return { name: angle[1]!.replace(/^"|"$/g, '').trim(), email: angle[2]!.trim() };
  const paren = decoded.match(/^(\S+@\S+)\s*\((.*)\)$/);
  if (paren) return { name: paren[2]!.trim(), email: paren[1]! };
  if (/^\S+@\S+$/.test(decoded)) return { name: decoded, email: decoded };
  return { name: decoded, email: '' };
}

// ---- writing headers ------------------------------------------------------------

/** A header value on one line: line breaks and tabs become spaces, other control characters are made visible. */
export function headerValue(value: string): string {
  return printable(value.replace(/[\r\n\t\v\f\u2028\u2029]+/g, ' ').replace(/ {2,}/g, ' ')).trim();
}

/**
 * RFC 2047 encoded words (UTF-8, base64) for a value that is not plain ASCII:
 * 36 bytes each (60 characters with =?UTF-8?B?...?=, so "Subject: " and the
 * first word fit in 78), never splitting a character. Decoders drop the
 * spaces between adjacent encoded words.
 */
export function encodeWords(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  const words: string[] = [];
  let chunk = '';
  for (const ch of value) {
    if (Buffer.byteLength(chunk + ch) > 36) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(' ');
}

/**
 * "Name: value" from any string: one line (headerValue), encoded when not
 * ASCII (encodeWords), folded before 78 characters at spaces (RFC 5322 2.2.3:
 * a continuation line starts with a space). A value can never start another
 * header.
 */
export function formatHeader(name: string, value: string): string {
  const words = encodeWords(headerValue(value)).split(' ');
  const lines: string[] = [];
  let line = `${name}:`;
  for (const w of words) {
    if (line.length + 1 + w.length > 78 && line.trim() !== `${name}:`) {
      lines.push(line);
      line = '';
    }
    line += ` ${w}`;
  }
  lines.push(line);
  return lines.join('\n');
}
