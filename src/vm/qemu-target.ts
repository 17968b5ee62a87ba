// Target that runs items inside a QEMU guest booted on a given kernel. One
// boot runs every item in order; when the kernel dies (panic -> reboot ->
// QEMU exits) the item that was running is 'crashed', and a new boot resumes
// at the next item (uspec.start=N on the kernel command line).
import { execa } from 'execa';
import { constants } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ItemResult, type RunItem, type Target, type TargetFile, type TargetInfo } from '../core/target.ts';
import { InfraError } from '../core/errors.ts';
import { type Progress } from '../core/progress.ts';
import { buildGuestInit } from './guest/build-init.ts';
import { writeInitramfs } from './initramfs.ts';
import { chooseAccel, type Accel } from './accel.ts';
import { bootOnce, type BootResult, type QemuItemResult } from './boot.ts';

export interface QemuTargetOptions {
  /** bzImage (or a PVH-capable vmlinux). */
  image: string;
  /** Shown as TargetInfo.kernel: recipe name or image file name. */
  label: string;
  accel?: 'auto' | Accel;
  memMB?: number;
  smp?: number;
  /** QEMU start to the guest's READY. */
  bootTimeoutMs?: number;
  /** Whole run, all boots together; items not reached by then are 'missing'. */
  totalTimeoutMs?: number;
  /** Added to an item's own timeout before the host gives up on the guest. */
  itemSlackMs?: number;
  /** Appended to the kernel command line. */
  extraAppend?: string;
  qemuBinary?: string;
  /** Keep console logs and the initramfs here (default: a temp dir, removed after the run). */
  workDir?: string;
}

export type { QemuItemResult };

export class QemuTarget implements Target {
  readonly kind = 'qemu' as const;
  /** Accelerator decision of the last run, with the reason (for logs). */
  lastAccelDetail = '';

  constructor(private readonly opts: QemuTargetOptions) {}

  async run(
    items: RunItem[],
    files: TargetFile[],
    progress?: Progress,
    signal?: AbortSignal,
  ): Promise<{ results: QemuItemResult[]; info: TargetInfo }> {
    const o = this.opts;
    const qemuBinary = o.qemuBinary ?? 'qemu-system-x86_64';
    try {
      await access(o.image, constants.R_OK);
    } catch {
      throw new InfraError(`kernel image ${o.image} is not readable`);
    }
    const which = await execa(qemuBinary, ['--version'], { reject: false });
    if (which.exitCode !== 0) throw new InfraError(`${qemuBinary} not found: apt-get install qemu-system-x86`);

    const ownDir = !o.workDir;
    const workDir = o.workDir ?? (await mkdtemp(join(tmpdir(), 'uspec-qemu-')));
    try {
      const init = await buildGuestInit();
      const initrd = join(workDir, 'initramfs.cpio');
      await writeInitramfs({ initBinary: init, items, files, outPath: initrd });
      progress?.({ phase: 'accel', detail: 'choosing accelerator' });
      let accel: Accel;
      try {
        const a = await chooseAccel(o.accel ?? 'auto', qemuBinary, o.image, init);
        accel = a.accel;
        this.lastAccelDetail = a.detail;
      } catch (e) {
        throw new InfraError((e as Error).message);
      }
      return await this.runBoots(items, { qemuBinary, initrd, accel, workDir }, progress, signal);
    } finally {
      if (ownDir) await rm(workDir, { recursive: true, force: true });
    }
  }

  private async runBoots(
    items: RunItem[],
    env: { qemuBinary: string; initrd: string; accel: Accel; workDir: string },
    progress?: Progress,
    signal?: AbortSignal,
  ): Promise<{ results: QemuItemResult[]; info: TargetInfo }> {
    const o = this.opts;
    const results = new Map<string, QemuItemResult>();
    const bootToFirstItemMs: number[] = [];
    const info: TargetInfo = { kind: 'qemu', kernel: o.label, accel: env.accel, boots: 0, bootToFirstItemMs };
    const deadline = Date.now() + (o.totalTimeoutMs ?? 30 * 60_000);
    const record = (r: QemuItemResult) => {
      results.set(r.id, r);
      progress?.({ phase: 'item', done: results.size, total: items.length, detail: `${r.id}: ${r.status}` });
    };
    let start = 0;
    let stalls = 0;
    while (start < items.length && !signal?.aborted) {
      info.boots = (info.boots ?? 0) + 1;
      progress?.({
        phase: 'boot',
        done: results.size,
        total: items.length,
        detail: `boot ${info.boots} (${env.accel}) from item ${start + 1}/${items.length}`,
      });
      const consoleLog = join(env.workDir, `console-${info.boots}.log`);
      const b: BootResult = await bootOnce({
        qemuBinary: env.qemuBinary,
        image: o.image,
        initrd: env.initrd,
        accel: env.accel,
        memMB: o.memMB ?? 256,
        smp: o.smp ?? 1,
        consoleLog,
        ...(o.extraAppend ? { extraAppend: o.extraAppend } : {}),
        items,
        start,
        bootTimeoutMs: o.bootTimeoutMs ?? (env.accel === 'kvm' ? 30_000 : 60_000),
        deadline,
        itemSlackMs: o.itemSlackMs ?? 10_000,
        ...(signal ? { signal } : {}),
        onResult: record,
      });
      if (b.firstItemMs !== undefined) bootToFirstItemMs.push(b.firstItemMs);

      if (b.outcome === 'done') break;
      if (b.outcome === 'boot-failed' || b.outcome === 'boot-timeout') {
        throw new InfraError(
          `${o.label}: the guest did not reach its init (${b.outcome === 'boot-timeout' ? 'boot timed out' : 'QEMU exited before READY'}, boot ${info.boots}, ${env.accel})`,
          [b.qemuStderr.trim(), '--- console tail ---', b.consoleTail].filter(Boolean).join('\n'),
        );
      }
      if (b.outcome === 'protocol-error') {
        throw new InfraError(`${o.label}: guest channel error: ${b.detail ?? '?'}`, b.consoleTail);
      }
      const cur = b.inProgress;
      if (cur) {
        const status: ItemResult['status'] =
          b.outcome === 'died' ? 'crashed' : b.outcome === 'item-timeout' || b.outcome === 'total-timeout' ? 'timeout' : 'missing';
        record({
          id: cur.id,
          status,
          stdout: cur.stdout.toString('utf-8'),
          stderr: cur.stderr.toString('utf-8'),
          kernelSplats: [...cur.splats, ...splatsFromConsole(b.consoleTail)],
          durationMs: Date.now() - cur.startedAt,
          ...(status === 'missing' ? {} : { consoleTail: b.consoleTail }),
        });
      }
      if (b.outcome === 'aborted' || b.outcome === 'total-timeout') break;
      // died / item-timeout: go on after the last item that finished or crashed
      const idx = cur ? items.findIndex((it) => it.id === cur.id) : b.lastEnded;
      const next = Math.max(idx + 1, start);
      stalls = next === start && !cur ? stalls + 1 : 0;
      if (stalls >= 2) {
        throw new InfraError(`${o.label}: the guest died twice before running item ${items[start]?.id} (no progress)`, b.consoleTail);
      }
      start = next;
    }
    return {
      results: items.map(
        (it) => results.get(it.id) ?? { id: it.id, status: 'missing', stdout: '', stderr: '', kernelSplats: [], durationMs: 0 },
      ),
      info,
    };
  }
}

/** The panic itself is on the console (the guest could not report it). */
function splatsFromConsole(tail: string): string[] {
  return tail.split('\n').filter((l) => /BUG:|WARNING:|Oops|KASAN|general protection|Kernel panic|Call Trace|refcount_t|UBSAN/.test(l));
}
