// Splits a patch mail body into commit message and diff, the way git mailinfo
// does: the message ends at a "---" line (or the first diff); the diff is
// walked hunk by hunk using the @@ line counts, so the "-- " signature and
// anything after the last hunk (version banner, reply text) is not part of it.

export interface PatchBody {
  /** In-body "From:" pseudo-header, when the author differs from the sender. */
  inBodyFrom?: string;
  message: string;
  diff: string;
  files: string[];
  added: number;
  removed: number;
}

const FILE_HEADER =
  /^(index |--- |\+\+\+ |new file mode |deleted file mode |old mode |new mode |similarity index |dissimilarity index |rename from |rename to |copy from |copy to |Binary files )/;

export function splitPatchBody(body: string): PatchBody | undefined {
  const lines = body.split('\n');
  const diffStart = lines.findIndex((l) => l.startsWith('diff --git '));
  if (diffStart < 0) return undefined;

  let msgLines = lines.slice(0, diffStart);
  const sep = msgLines.findIndex((l) => l === '---');
  if (sep >= 0) msgLines = msgLines.slice(0, sep);
  let inBodyFrom: string | undefined;
  // in-body pseudo-headers (From:/Date:/Subject:) followed by a blank line
  while (msgLines.length > 0 && /^(From|Date|Subject): /.test(msgLines[0]!)) {
    const l = msgLines.shift()!;
    if (l.startsWith('From: ')) inBodyFrom = l.slice(6);
  }
  const message = msgLines.join('\n').replace(/^\n+/, '').replace(/\s+$/, '');

  const out: string[] = [];
  const files: string[] = [];
  let added = 0;
  let removed = 0;
  let i = diffStart;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.startsWith('diff --git ')) {
      const m = line.match(/^diff --git a\/(.+) b\/(.+)$/);
      files.push(m ? m[2]! : line.slice(11));
      out.push(line);
      i++;
      continue;
    }
    if (FILE_HEADER.test(line)) {
      out.push(line);
      i++;
      continue;
    }
    if (line === 'GIT binary patch') {
      // binary literal/delta blocks run to the next file or the signature
      while (i < lines.length && !lines[i]!.startsWith('diff --git ') && lines[i] !== '-- ') out.push(lines[i++]!);
      continue;
    }
    const hunk = line.match(/^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/);
    if (!hunk) break; // end of the diff: signature, banner or trailing text
    out.push(line);
    i++;
    let oldLeft = hunk[1] === undefined ? 1 : Number(hunk[1]);
    let newLeft = hunk[2] === undefined ? 1 : Number(hunk[2]);
    while (i < lines.length && (oldLeft > 0 || newLeft > 0)) {
      const h = lines[i]!;
      if (h.startsWith('+')) {
        newLeft--;
        added++;
      } else if (h.startsWith('-')) {
        oldLeft--;
        removed++;
      } else if (h.startsWith(' ') || h === '') {
        // an empty line is a context line whose trailing space a mailer ate
        oldLeft--;
        newLeft--;
      } else if (!h.startsWith('\\')) {
        break; // truncated hunk: let git report it
      }
      out.push(h);
      i++;
    }
    if (lines[i]?.startsWith('\\ ')) out.push(lines[i++]!);
  }
  return { inBodyFrom, message, diff: out.join('\n') + '\n', files, added, removed };
}
