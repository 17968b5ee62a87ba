// The runtime header, and the part of it a standalone file needs. A
// reproducer inlines only the helpers its code calls (and what those call),
// so the file a maintainer reads is the scenario plus a page of helpers,
// not the whole runtime.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const RUNTIME_DIR = fileURLToPath(new URL('./c', import.meta.url));
export const RUNTIME_HEADER = `${RUNTIME_DIR}/uspec.h`;

interface Chunk {
  /** Function name for a USPEC_FN helper; undefined for declarations, macros, includes. */
  fn?: string;
  lines: string[];
}

function chunks(header: string): Chunk[] {
  const lines = header.replace(/\n$/, '').split('\n');
  const out: Chunk[] = [];
  let cur: Chunk = { lines: [] };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('USPEC_FN ')) {
      // The comment right above a helper belongs to it.
      const comment: string[] = [];
      while (cur.lines.length && /^(\/\*| \*)/.test(cur.lines[cur.lines.length - 1]!)) comment.unshift(cur.lines.pop()!);
      out.push(cur);
      const fn = /(uspec_\w+)\(/.exec(line)?.[1];
      const body = [...comment, line];
      while (i + 1 < lines.length && lines[i] !== '}') body.push(lines[++i]!);
      out.push({ ...(fn ? { fn } : {}), lines: body });
      cur = { lines: [] };
    } else cur.lines.push(line);
  }
  out.push(cur);
  return out;
}

const idents = (text: string) => new Set(text.match(/\buspec_\w+/g) ?? []);

/** The runtime header with only the helpers reachable from `code`. */
export function runtimeFor(code: string): string {
  const all = chunks(readFileSync(RUNTIME_HEADER, 'utf8'));
  const fns = new Map(all.filter((c) => c.fn).map((c) => [c.fn!, c]));
  const want = new Set<string>();
  const visit = (text: string) => {
    for (const id of idents(text)) {
      if (!fns.has(id) || want.has(id)) continue;
      want.add(id);
      visit(fns.get(id)!.lines.join('\n'));
    }
  };
  visit(code);
  for (const c of all) if (!c.fn) visit(c.lines.join('\n'));
  const kept = all.filter((c) => !c.fn || want.has(c.fn)).flatMap((c) => c.lines);
  // Collapse the blank runs left where helpers were dropped.
  return kept.join('\n').replace(/\n{3,}/g, '\n\n') + '\n';
}

export function fullRuntime(): string {
  return readFileSync(RUNTIME_HEADER, 'utf8');
}
