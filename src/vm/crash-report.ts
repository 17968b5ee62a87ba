// What the guest console says about a kernel crash, as one stable record: a
// title in syzkaller's style ("BUG: unable to handle page fault in io_send_zc"),
// the call trace's frames (symbolized to file:line when the kernel's debug
// info is at hand), and the report text. The same bug gets the same title
// run after run (addresses, offsets, PIDs and timestamps are left out of it),
// so crashes can be grouped by title.
import type { CrashFrame, CrashReport, Symbolizer } from '../core/target.ts';

const HEADLINES: [RegExp, (m: RegExpMatchArray, next: string[]) => string][] = [
  // "BUG: KASAN: slab-use-after-free in skb_copy_ubufs+0x1b/0x5a0" + "Read of size 8 at ..."
  [
    /^BUG: KASAN: ([\w-]+) in /,
    (m, next) => `KASAN: ${m[1]} ${/^(Read|Write)/.exec(next.find((l) => /^(Read|Write) of size/.test(l)) ?? '')?.[1] ?? 'access'}`,
  ],
  [/^BUG: unable to handle page fault/, () => 'BUG: unable to handle page fault'],
  [/^BUG: kernel NULL pointer dereference/, () => 'BUG: kernel NULL pointer dereference'],
  [/^BUG: unable to handle kernel paging request/, () => 'BUG: unable to handle kernel paging request'],
  [/^BUG: ([^,:]+?)(?: in |,|:|$)/, (m) => `BUG: ${m[1]}`],
  // 6.12: "Oops: general protection fault, probably for non-canonical address ..." or "... fault: 0000 [#1]"
  [/^(?:Oops: )?general protection fault/, () => 'general protection fault'],
  [/^kernel BUG at ([^!]+)!/, (m) => `kernel BUG at ${m[1]}`],
  [/^WARNING: CPU: \d+ PID: \d+ at \S+ /, () => 'WARNING'],
  [/^UBSAN: ([\w-]+) in /, (m) => `UBSAN: ${m[1]}`],
  [/^Kernel panic - not syncing: (.*)$/, (m) => `Kernel panic - not syncing: ${m[1]!.replace(/0x[0-9a-f]+|\d+/g, 'N')}`],
];

/** Frames that say where the report was produced, not where the bug is. */
const REPORTING =
  /^(__die|die|oops_|page_fault_oops|kernelmode_fixup_or_oops|__bad_area|bad_area|spurious_kernel_fault|exc_page_fault|asm_exc_|do_error_trap|do_trap|handle_bug|exc_invalid_op|report_bug|__warn|warn_slowpath|kasan_|__kasan|__asan_|print_report|print_address|dump_stack|show_stack|panic|__x64_sys_|do_syscall_|entry_SYSCALL|ret_from_fork|kthread|rcu_|sysvec_|asm_sysvec_)/;

const strip = (l: string) => l.replace(/^\[\s*[\d.]+\]\s?/, '').replace(/\r$/, '');
const FRAME = /^\s*(\? )?([A-Za-z_][\w.]*)\+(0x[0-9a-f]+\/0x[0-9a-f]+)(?: \[\w+\])?\s*$/;
const RIP = /^RIP: [0-9a-f]{4}:([A-Za-z_][\w.]*)\+(0x[0-9a-f]+\/0x[0-9a-f]+)/;

interface Parsed {
  headline: string;
  kind: string;
  rip?: { fn: string; offset: string };
  frames: CrashFrame[];
  lines: string[];
}

/** Finds the first crash report in console text (undefined: no panic message). */
export function parseCrash(consoleText: string): Parsed | undefined {
  const lines = consoleText.split('\n').map(strip);
  let start = -1;
  let kind = '';
  for (let i = 0; i < lines.length && start < 0; i++) {
    const l = lines[i]!;
    for (const [re, name] of HEADLINES) {
      const m = l.match(re);
      if (m) {
        start = i;
        kind = name(m, lines.slice(i + 1, i + 4));
        break;
      }
    }
  }
  if (start < 0) return undefined;
  const endRel = lines.slice(start).findIndex((l) => /---\[ end trace/.test(l));
  const report = lines.slice(start, endRel >= 0 ? start + endRel + 1 : undefined);
  const frames: CrashFrame[] = [];
  let rip: Parsed['rip'];
  let inTrace = false;
  for (const l of report) {
    const r = l.match(RIP);
    if (r && !rip) rip = { fn: r[1]!, offset: r[2]! };
    if (/^Call Trace:/.test(l)) inTrace = true;
    else if (inTrace) {
      if (/^\s*<\/?(TASK|IRQ|NMI|SOFTIRQ)>\s*$/.test(l)) continue;
      const f = l.match(FRAME);
      if (f) frames.push({ fn: f[2]!, offset: `+${f[3]}`, reliable: !f[1] });
      else if (frames.length) inTrace = false;
    }
  }
  return { headline: report[0]!, kind, ...(rip ? { rip } : {}), frames, lines: report };
}

/**
 * The frame a title names: among the frames the unwinder vouches for, the first of the code under test
 * (io_uring) if there is one, else the first that is not the reporting machinery.
 */
function titleFrame(p: Parsed, inRegisters: Set<string>): string | undefined {
  const own = /^(KASAN|BUG: KASAN)/.test(p.kind) ? undefined : p.rip?.fn;
  const candidates = [...(own ? [{ fn: own, reliable: true, where: undefined as string[] | undefined }] : []), ...p.frames];
  const pick = (reliable: boolean) => {
    const usable = candidates.filter((f) => f.reliable === reliable && !REPORTING.test(f.fn));
    return (usable.find((f) => /^io_/.test(f.fn) || (f.where?.[0] ?? '').startsWith('io_uring/')) ?? usable[0])?.fn;
  };
  // Frames the unwinder does not vouch for ("? fn": the guess unwinder's only kind, and ORC's when the fault
  // RIP is no code, e.g. a call through a poisoned pointer) only when there is nothing else. Then stale return
  // addresses of earlier calls sit among them and differ run to run (an "io_uring_get_opcode" once in two
  // runs of one bug), so the title names the frame just past the exception entry: the return address on top
  // of the stack when it faulted, the function that was running or made the bad call. The same every run.
  const reliable = pick(true);
  if (reliable) return reliable;
  const entry = p.frames.map((f) => /^asm_exc_/.test(f.fn)).lastIndexOf(true);
  // A register holding a text address (saved in pt_regs on the stack) is printed as a "? fn" frame too: not a frame.
  const past =
    entry >= 0
      ? p.frames.slice(entry + 1).find((f) => !REPORTING.test(f.fn) && !inRegisters.has(`${f.fn}${f.offset.split('/')[0]}`))
      : undefined;
  return past?.fn ?? pick(false);
}

export async function crashReport(consoleText: string, symbolize?: Symbolizer): Promise<CrashReport | undefined> {
  const p = parseCrash(consoleText);
  if (!p) return undefined;
  if (symbolize && p.frames.length) {
    const where = await symbolize(p.frames.map((f) => ({ fn: f.fn, offset: f.offset, ret: true }))).catch(() => []);
    p.frames.forEach((f, i) => {
      const w = where[i];
      if (w?.length) f.where = w;
    });
  }
  // Register values that are kernel text addresses, by the frame text the kernel would print for them.
  const regs = p.lines
    .filter((l) => /^(R[A-Z0-9]{1,2}|RBP|RSI|RDI): [0-9a-f]{16}/.test(l))
    .flatMap((l) => [...l.matchAll(/\b(R[A-Z0-9]{1,2}): ([0-9a-f]{16})\b/g)].map((m) => m[2]!))
    .filter((v) => v.startsWith('ffffffff8'));
  const names = regs.length && symbolize?.names ? await symbolize.names(regs).catch(() => []) : [];
  const fn = titleFrame(p, new Set(names.filter((n): n is string => n !== undefined)));
  // KASAN headlines name the function themselves ("... in skb_copy_ubufs"): keep theirs when the trace has no io_uring frame.
  const kasanFn = /^BUG: KASAN: [\w-]+ in ([A-Za-z_][\w.]*)/.exec(p.headline)?.[1];
  const title = `${p.kind}${fn ? ` in ${fn}` : kasanFn ? ` in ${kasanFn}` : ''}`;
  const symbolized = p.lines.map((l) => {
    const f = l.match(FRAME);
    if (!f) return l;
    const frame = p.frames.find((x) => x.fn === f[2] && x.offset === `+${f[3]}`);
    return frame?.where ? `${l.trimEnd()} ${frame.where.join(' <- ')}` : l;
  });
  return { title, headline: p.headline, frames: p.frames, text: symbolized.join('\n') };
}
