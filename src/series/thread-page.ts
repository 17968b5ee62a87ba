// Reader for a public-inbox thread page saved as text ("flat" view): every
// message is a block that starts with "* <subject>", a few thread-context
// lines, "From: Name @ YYYY-MM-DD HH:MM UTC (permalink / raw)", indented
// To:/Cc: lines, a blank line, then the body verbatim; blocks end at the
// "^ permalink raw reply" separator. The page shows no e-mail addresses and
// dates only to the minute.
import type { RawMessage } from './mail.ts';

const SEPARATOR = /^\^ permalink raw reply/;
const FROM_LINE = /^From: (.*?) @ (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}) UTC \(permalink \/ raw\)\s*$/;

export function looksLikeThreadPage(text: string): boolean {
  return text.split('\n').some((l) => SEPARATOR.test(l)) && /^From: .* @ \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/m.test(text);
}

export function parseThreadPage(text: string, file: string): RawMessage[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const blocks: string[][] = [[]];
  for (const line of lines) {
    if (SEPARATOR.test(line)) blocks.push([]);
    else blocks[blocks.length - 1]!.push(line);
  }
  const messages: RawMessage[] = [];
  for (const block of blocks) {
    const fromAt = block.findIndex((l) => FROM_LINE.test(l));
    if (fromAt < 0) continue; // the trailer after the last separator (thread index)
    // the subject is the last "* " line before From: (the page header has none)
    let subject = '';
    for (let i = fromAt - 1; i >= 0; i--) {
      if (block[i]!.startsWith('* ')) {
        subject = block[i]!.slice(2);
        break;
      }
    }
    const m = block[fromAt]!.match(FROM_LINE)!;
    let i = fromAt + 1;
    while (i < block.length && /^\s+\S/.test(block[i]!)) i++; // To:/Cc: and their continuations
    if (block[i] === '') i++;
    messages.push({
      subject,
      from: m[1]!,
      isoDate: `${m[2]}T${m[3]}:00Z`,
      parents: [],
      body: block.slice(i).join('\n'),
      where: `${file}#${messages.length + 1}`,
    });
  }
  return messages;
}
