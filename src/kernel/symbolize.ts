// Call-trace frames ("io_send_zc+0x92/0x3e0") to source lines, from the
// kernel's debug info (vmlinux.debug, kept on the host; the guest boots the
// stripped vmlinux). addr2line does the work, as the kernel's own
// scripts/decode_stacktrace.sh does: one nm for the symbol table, one
// addr2line for every frame of a report. Paths come out relative to the
// source tree ("io_uring/net.c:1466").
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import type { Symbolizer } from '../core/target.ts';

/** fn -> [address, size] of every text symbol of that name (static functions may repeat). */
async function symbolTable(image: string): Promise<Map<string, [bigint, bigint][]>> {
  const r = await execa('nm', ['-S', '--defined-only', image], { reject: false, maxBuffer: 256 << 20 });
  const table = new Map<string, [bigint, bigint][]>();
  if (r.exitCode !== 0) return table;
  for (const line of r.stdout.split('\n')) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) [tTwW] (\S+)$/.exec(line);
    if (!m) continue;
    const list = table.get(m[3]!) ?? [];
    list.push([BigInt(`0x${m[1]}`), BigInt(`0x${m[2]}`)]);
    table.set(m[3]!, list);
  }
  return table;
}

/** Strips the build's absolute source path: ".../linux-6.12.8/io_uring/net.c:1466 (discriminator 2)" -> "io_uring/net.c:1466". */
export function relativeSource(loc: string): string | undefined {
  const m = /^(\S+?):(\d+)/.exec(loc.trim());
  if (!m || m[1] === '??') return undefined;
  const path = m[1]!.replace(/^.*?\/linux-[^/]+\//, '').replace(/^\.\//, '');
  return `${path}:${m[2]}`;
}

/** A symbolizer for one kernel image, or undefined when it has no debug info at hand. */
export function symbolizerFor(debugImage: string | undefined): Symbolizer | undefined {
  if (!debugImage || !existsSync(debugImage)) return undefined;
  let table: Promise<Map<string, [bigint, bigint][]>> | undefined;
  const lines: Symbolizer = async (frames) => {
    table ??= symbolTable(debugImage);
    const syms = await table;
    const addrs = frames.map((f) => {
      const m = /^\+0x([0-9a-f]+)\/0x([0-9a-f]+)$/.exec(f.offset);
      const cands = syms.get(f.fn);
      if (!m || !cands?.length) return undefined;
      const off = BigInt(`0x${m[1]}`);
      const size = BigInt(`0x${m[2]}`);
      const [base] = cands.find(([, s]) => s === size) ?? cands[0]!;
      return base + off - (f.ret && off > 0n ? 1n : 0n);
    });
    const wanted = addrs.filter((a): a is bigint => a !== undefined);
    if (!wanted.length) return frames.map(() => undefined);
    const r = await execa('addr2line', ['-e', debugImage, '-i', '-a', ...wanted.map((a) => `0x${a.toString(16)}`)], { reject: false });
    if (r.exitCode !== 0) return frames.map(() => undefined);
    // Output: "0x<addr>" then one "file:line" per inline level, innermost first.
    const byAddr = new Map<string, string[]>();
    let cur: string[] | undefined;
    for (const line of r.stdout.split('\n')) {
      if (/^0x[0-9a-f]+$/.test(line)) byAddr.set(BigInt(line).toString(16), (cur = []));
      else if (cur) {
        const loc = relativeSource(line);
        if (loc) cur.push(loc);
      }
    }
    return addrs.map((a) => (a === undefined ? undefined : byAddr.get(a.toString(16))));
  };
  let sorted: Promise<[bigint, bigint, string][]> | undefined;
  lines.names = async (addresses) => {
    table ??= symbolTable(debugImage);
    sorted ??= table.then((t) =>
      [...t]
        .flatMap(([fn, list]) => list.map(([a, size]) => [a, size, fn] as [bigint, bigint, string]))
        .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)),
    );
    const syms = await sorted;
    return addresses.map((text) => {
      if (!/^[0-9a-f]{1,16}$/i.test(text)) return undefined;
      const a = BigInt(`0x${text}`);
      // the last symbol starting at or before a
      let lo = 0;
      let hi = syms.length - 1;
      let at = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (syms[mid]![0] <= a) {
          at = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      const s = at >= 0 ? syms[at] : undefined;
      return s && a < s[0] + s[1] ? `${s[2]}+0x${(a - s[0]).toString(16)}` : undefined;
    });
  };
  return lines;
}
