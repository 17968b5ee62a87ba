// Crash reports from real guest consoles: a stable title (the same bug, the
// same title, run after run), the frames, symbolized lines.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Symbolizer } from '../../src/core/target.ts';
import { crashReport, parseCrash } from '../../src/vm/crash-report.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/console', name), 'utf8');

describe('crash reports', () => {
  it('the RFC page fault under the guess unwinder: title without addresses, frames unreliable', async () => {
    const r = (await crashReport(fixture('rfc-guess-unwinder.txt')))!;
    expect(r.headline).toBe('BUG: unable to handle page fault for address: ffffffffffffffff');
    // every frame is "? fn": the one just past the exception entry is named (stale frames vary run to run)
    expect(r.title).toBe('BUG: unable to handle page fault in __zerocopy_sg_from_iter');
    expect(r.frames.every((f) => !f.reliable)).toBe(true);
    expect(r.frames.map((f) => f.fn)).toContain('__zerocopy_sg_from_iter');
  });

  it('a call through a poisoned pointer (slub_debug=P, RIP 0x6b6b...): ORC gives only "? fn" frames, and two runs of the bug, one with a stale io_uring_get_opcode frame, get one title', async () => {
    const [a, b] = [
      (await crashReport(fixture('rfc-gpf-poisoned-call-1.txt')))!,
      (await crashReport(fixture('rfc-gpf-poisoned-call-2.txt')))!,
    ];
    expect(a.headline).toBe('Oops: general protection fault: 0000 [#1]');
    expect(a.frames.map((f) => f.fn)).toContain('io_uring_get_opcode');
    expect(b.frames.map((f) => f.fn)).not.toContain('io_uring_get_opcode');
    expect(a.title).toBe('general protection fault in __zerocopy_sg_from_iter');
    expect(b.title).toBe(a.title);
  });

  it('a register holding a text address is no frame: the TCP case names the caller, with the debug info at hand', async () => {
    const text = fixture('rfc-gpf-poisoned-call-tcp.txt');
    expect(text).toMatch(/R10: ffffffff811da566/);
    // without debug info the stack scan's "? kmalloc_reserve+0x86" (R10, saved in pt_regs) cannot be told from a frame
    expect((await crashReport(text))!.title).toBe('general protection fault in kmalloc_reserve');
    // the RFC kernel's symbol table puts R10 at kmalloc_reserve+0x86 (checked with nm on its vmlinux.debug)
    const symbolize: Symbolizer = Object.assign(async (frames: unknown[]) => frames.map(() => undefined), {
      names: async (addresses: string[]) => addresses.map((a) => (a === 'ffffffff811da566' ? 'kmalloc_reserve+0x86' : undefined)),
    });
    expect((await crashReport(text, symbolize))!.title).toBe('general protection fault in __zerocopy_sg_from_iter');
  });

  it('the same report with other addresses, PIDs and timestamps gets the same title', async () => {
    const text = fixture('rfc-guess-unwinder.txt')
      .replace(/PID: \d+/, 'PID: 4242')
      .replace(/ffff8880[0-9a-f]{8}/g, 'ffff888012345678')
      .replace(/^/gm, '[   12.345678] ');
    expect((await crashReport(text))!.title).toBe((await crashReport(fixture('rfc-guess-unwinder.txt')))!.title);
  });

  it('prefers reliable frames, skips the reporting machinery, names the io_uring frame', async () => {
    const text = [
      'BUG: kernel NULL pointer dereference, address: 0000000000000000',
      '#PF: supervisor instruction fetch in kernel mode',
      'Oops: Oops: 0010 [#1]',
      'RIP: 0010:0x0',
      'Call Trace:',
      ' <TASK>',
      ' ? __die+0x1e/0x60',
      ' ? page_fault_oops+0x166/0x460',
      ' __zerocopy_sg_from_iter+0x37/0xf0',
      ' skb_zerocopy_iter_stream+0x5e/0x170',
      ' tcp_sendmsg_locked+0x609/0xcb0',
      ' io_send_zc+0x92/0x3e0',
      ' io_issue_sqe+0x49/0x4e0',
      ' </TASK>',
      '---[ end trace 0000000000000000 ]---',
    ].join('\n');
    const frames: { fn: string; ret: boolean }[] = [];
    const r = (await crashReport(text, async (fs) => {
      frames.push(...fs);
      return fs.map((f) => (f.fn === 'io_send_zc' ? ['io_uring/net.c:1466'] : undefined));
    }))!;
    expect(r.title).toBe('BUG: kernel NULL pointer dereference in io_send_zc');
    expect(r.frames.find((f) => f.fn === 'io_send_zc')!.where).toEqual(['io_uring/net.c:1466']);
    expect(r.text).toMatch(/io_send_zc\+0x92\/0x3e0 io_uring\/net\.c:1466/);
    expect(frames.every((f) => f.ret)).toBe(true);
  });

  it('KASAN: kind and access in the title; a console without a report has none', async () => {
    const kasan = [
      'BUG: KASAN: slab-use-after-free in skb_copy_ubufs+0x1b/0x5a0',
      'Read of size 8 at addr ffff888003a1b2c8 by task x/1',
      'Call Trace:',
      ' skb_copy_ubufs+0x1b/0x5a0',
      ' __netif_receive_skb+0x10/0x20',
    ].join('\n');
    expect((await crashReport(kasan))!.title).toBe('KASAN: slab-use-after-free Read in skb_copy_ubufs');
    expect(parseCrash('reboot: Restarting system\n')).toBeUndefined();
  });
});
