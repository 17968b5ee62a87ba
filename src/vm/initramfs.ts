// Writes the guest's initramfs as an uncompressed newc cpio straight from
// TypeScript (no cpio binary): /init, /uspec/manifest, the harness's files and
// a /dev/console node so the kernel can give init its stdio before devtmpfs.
import { readFile, writeFile, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import type { RunItem, TargetFile } from '../core/target.ts';
import { InfraError } from '../core/errors.ts';

interface Entry {
  name: string; // without leading '/'
  mode: number; // including the file type bits
  data: Buffer;
  rdevMajor?: number;
  rdevMinor?: number;
}

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFCHR = 0o020000;

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function pad4(n: number): Buffer {
  return Buffer.alloc((4 - (n % 4)) % 4);
}

function encodeEntry(e: Entry, ino: number): Buffer {
  const name = Buffer.from(e.name + '\0');
  const header = Buffer.from(
    '070701' +
      [ino, e.mode, 0, 0, e.mode & S_IFDIR ? 2 : 1, 0, e.data.length, 0, 0, e.rdevMajor ?? 0, e.rdevMinor ?? 0, name.length, 0]
        .map(hex8)
        .join(''),
  );
  const head = Buffer.concat([header, name]);
  return Buffer.concat([head, pad4(head.length), e.data, pad4(e.data.length)]);
}

/** Builds the cpio archive bytes; parent directories are added as needed. */
export function cpioNewc(entries: Entry[]): Buffer {
  const all = new Map<string, Entry>();
  const addDirs = (path: string) => {
    const dir = posix.dirname(path);
    if (dir === '.' || dir === '/' || all.has(dir)) return;
    addDirs(dir);
    all.set(dir, { name: dir, mode: S_IFDIR | 0o755, data: Buffer.alloc(0) });
  };
  for (const e of entries) {
    addDirs(e.name);
    all.set(e.name, e);
  }
  const parts: Buffer[] = [];
  let ino = 1;
  for (const e of all.values()) parts.push(encodeEntry(e, ino++));
  parts.push(encodeEntry({ name: 'TRAILER!!!', mode: 0, data: Buffer.alloc(0) }, 0));
  return Buffer.concat(parts);
}

/** One manifest line per item: id TAB timeout_ms TAB argv... (guest/init.c parses it). */
export function manifestText(items: RunItem[]): string {
  const seen = new Set<string>();
  return items
    .map((it) => {
      if (!/^[\x21-\x7e]+$/.test(it.id))
        throw new InfraError(`run item id ${JSON.stringify(it.id)} must be printable ASCII without spaces`);
      if (seen.has(it.id)) throw new InfraError(`duplicate run item id ${it.id}`);
      seen.add(it.id);
      if (it.argv.length === 0) throw new InfraError(`run item ${it.id} has an empty argv`);
      for (const a of it.argv) {
        if (/[\t\n\0]/.test(a) || a === '')
          throw new InfraError(`run item ${it.id}: argument ${JSON.stringify(a)} is empty or contains a tab, newline or NUL`);
      }
      return [it.id, String(Math.max(1, Math.round(it.timeoutMs))), ...it.argv].join('\t') + '\n';
    })
    .join('');
}

export interface InitramfsSpec {
  initBinary: string;
  items: RunItem[];
  files: TargetFile[];
  outPath: string;
}

export async function writeInitramfs(spec: InitramfsSpec): Promise<{ path: string; bytes: number }> {
  const entries: Entry[] = [
    { name: 'dev', mode: S_IFDIR | 0o755, data: Buffer.alloc(0) },
    { name: 'dev/console', mode: S_IFCHR | 0o600, data: Buffer.alloc(0), rdevMajor: 5, rdevMinor: 1 },
    { name: 'init', mode: S_IFREG | 0o755, data: await readFile(spec.initBinary) },
    { name: 'uspec/manifest', mode: S_IFREG | 0o644, data: Buffer.from(manifestText(spec.items)) },
  ];
  for (const f of spec.files) {
    if (!posix.isAbsolute(f.guestPath)) throw new InfraError(`guest path ${f.guestPath} must be absolute`);
    let data: Buffer;
    try {
      data = await readFile(f.hostPath);
    } catch (e) {
      throw new InfraError(`cannot read ${f.hostPath} for the guest (${f.guestPath}): ${(e as Error).message}`);
    }
    const mode = f.mode ?? (await stat(f.hostPath)).mode & 0o7777;
    entries.push({ name: posix.normalize(f.guestPath).replace(/^\/+/, ''), mode: S_IFREG | mode, data });
  }
  const archive = cpioNewc(entries);
  await writeFile(spec.outPath, archive);
  return { path: spec.outPath, bytes: archive.length };
}
