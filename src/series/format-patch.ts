// Writes a Patch back out as a one-message `git format-patch` style mbox file,
// which `git am` accepts (the build applies every patch this way, so a thread
// page or a multi-message mbox becomes one file per patch).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeWords, headerValue } from './mail.ts';
import type { Patch } from './schema.ts';

function rfc2822(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? new Date(0).toUTCString().replace('GMT', '+0000') : d.toUTCString().replace('GMT', '+0000');
}

export function toFormatPatch(p: Patch): string {
  const email = p.author.email || 'unknown@unknown.invalid';
  const numbering = p.total > 1 ? ` ${p.index}/${p.total}` : '';
  const version = p.version > 1 ? ` v${p.version}` : '';
  return [
    'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001',
    `From: ${encodeWords(headerValue(p.author.name))} <${email}>`,
    `Date: ${p.rfc2822Date ?? rfc2822(p.date)}`,
    `Subject: [PATCH${version}${numbering}] ${encodeWords(headerValue(p.subject))}`,
    '',
    p.message,
    '---',
    p.diff.replace(/\n$/, ''),
    '-- ',
    'uringspec',
    '',
  ].join('\n');
}

export function patchFileName(p: Patch): string {
  const slug = p.subject
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 52);
  return `${String(p.index).padStart(4, '0')}-${slug}.patch`;
}

/** Writes each patch as NNNN-subject.patch into dir; returns the paths in order. */
export async function writeFormatPatches(patches: Patch[], dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const p of patches) {
    const path = join(dir, patchFileName(p));
    await writeFile(path, toFormatPatch(p));
    paths.push(path);
  }
  return paths;
}
