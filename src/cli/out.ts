// `--out` checked before any work, the same way for every command that has
// it: it must not name an input (a spec given or found in a directory given,
// a series file, a report being merged), its missing parent directories are
// created, and it must be writable. Without this a run wrote its report over
// the spec it had just run, or failed after the whole run (with a stack trace,
// the results lost) because a parent directory did not exist.
import { accessSync, constants, existsSync, mkdirSync, readdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { UsageError } from '../core/errors.ts';
import { printable } from '../core/text.ts';

export interface OutRequest {
  /** The value of --out. */
  path: string;
  /** 'file': --out is the file written; 'dir': the directory the command writes into. */
  kind: 'file' | 'dir';
  /** For 'dir': the names written inside it, when known in advance. */
  writes?: string[];
  /** What the command reads: files, or directories (every file below them counts). */
  inputs: string[];
}

export class OutPathError extends UsageError {}

const show = (p: string) => printable(relative(process.cwd(), p) || p);

/** Every file an input stands for (a directory: every file below it). */
function inputFiles(inputs: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string, depth: number) => {
    const st = statOf(p);
    if (!st) return;
    if (!st.isDirectory()) out.push(p);
    else if (depth < 16) for (const name of readdirSync(p)) walk(join(p, name), depth + 1);
  };
  for (const i of inputs) walk(resolve(i), 0);
  return out;
}

const statOf = (p: string) => {
  try {
    return statSync(p, { throwIfNoEntry: false });
  } catch {
    return undefined; // ENOTDIR, EACCES: not a file that exists
  }
};

function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  const [sa, sb] = [statOf(a), statOf(b)];
  return Boolean(sa && sb && sa.dev === sb.dev && sa.ino === sb.ino);
}

function why(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const meaning: Record<string, string> = {
    ENOTDIR: 'a part of the path is a file',
    EACCES: 'permission denied',
    EPERM: 'not permitted',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left',
    EEXIST: 'it exists and is not a directory',
  };
  return code ? `${code}${meaning[code] ? `, ${meaning[code]}` : ''}` : String(e);
}

/** Checks and prepares --out (its directory exists and is writable afterwards); returns it as an absolute path. Throws OutPathError (exit 2) naming the problem. */
export function prepareOut(req: OutRequest): string {
  const abs = resolve(req.path);
  let st;
  try {
    st = statSync(abs, { throwIfNoEntry: false });
  } catch (e) {
    throw new OutPathError(`--out ${show(abs)}: cannot be created (${why(e)})`);
  }
  if (req.kind === 'file' && st?.isDirectory()) throw new OutPathError(`--out ${show(abs)} is a directory; name a file`);
  if (req.kind === 'dir' && st && !st.isDirectory()) throw new OutPathError(`--out ${show(abs)} is a file; name a directory`);
  const targets = req.kind === 'file' ? [abs] : (req.writes ?? []).map((w) => join(abs, w));
  const inputs = inputFiles(req.inputs);
  for (const t of targets) {
    const hit = inputs.find((i) => sameFile(t, i));
    if (hit)
      throw new OutPathError(
        `--out ${show(abs)} would overwrite ${hit === t ? '' : `${show(t)}, that is `}the input ${show(hit)}; name another ${req.kind === 'file' ? 'file' : 'directory'}`,
      );
  }
  const dir = req.kind === 'file' ? dirname(abs) : abs;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new OutPathError(`--out ${show(abs)}: cannot create the directory ${show(dir)} (${why(e)})`);
  }
  // A file written and removed: the one test that also holds for root and on read-only mounts.
  const probe = join(dir, `.uringspec-out-${process.pid}`);
  try {
    writeFileSync(probe, '');
    unlinkSync(probe);
    if (req.kind === 'file' && existsSync(abs)) accessSync(abs, constants.W_OK);
  } catch (e) {
    throw new OutPathError(`--out ${show(abs)}: cannot write in ${show(dir)} (${why(e)})`);
  }
  return abs;
}
