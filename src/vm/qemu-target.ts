// Target that runs items inside a QEMU guest booted on a given kernel. One
// boot runs every item in order; when the kernel dies (panic -> reboot ->
// QEMU exits) the item that was running is 'crashed', and a new boot resumes
// at the next item (uspec.start=N on the kernel command line).
//
// A crash is pinned on an item only after a replay, as syzkaller does before
// it blames a program (triage): an item that crashed as the first item of a
// fresh boot has already run alone; otherwise it is replayed alone in a fresh
// guest, then, if that does not crash, after the items that ran before it in
// that boot (narrowed to the one it needs). The outcome is recorded on the
// item (ItemResult.triage), and an item that corrupted the kernel for a later
// one carries `corrupts`. A QEMU killed from outside, or gone without a panic
// message, loses its running item ('lost', an infrastructure outcome).
import { execa } from 'execa';
import { constants } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfraError } from '../core/errors.ts';
import type { Progress } from '../core/progress.ts';
import type { CrashReport, RunHooks, RunItem, Symbolizer, Target, TargetFile, TargetInfo, Triage } from '../core/target.ts';
import { chooseAccel, type Accel } from './accel.ts';
import { bootOnce, type BootResult, type QemuItemResult } from './boot.ts';
import { crashReport } from './crash-report.ts';
import { buildGuestInit } from './guest/build-init.ts';
import { writeInitramfs } from './initramfs.ts';

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
  /** Turns call-trace frames into source lines (the kernel's debug info). */
  symbolize?: Symbolizer;
  /** Replay crashes before pinning them (default true). */
  triage?: boolean;
  /** Predecessors tried one by one when a crash needs the items before it (default 8, most recent first). */
  triageNarrowMax?: number;
  /**
   * Save the first booted guest (waiting at READY) and restore it for every
   * later boot of the run (after a crash, for triage) instead of booting
   * again: ~0.1 s instead of ~0.6-1.5 s under TCG, and every fresh guest
   * starts from the same state. Default true; falls back to booting when
   * saving or restoring fails.
   */
  snapshot?: boolean;
  /**
   * Coverage (a gcov kernel): each item's counters, reset before it and read after it in the guest, are
   * written under this directory (boot-<n>/<item index>/) and named by ItemResult.coverage.
   */
  coverageDir?: string;
}

export type { QemuItemResult };

interface Env {
  qemuBinary: string;
  initrd: string;
  accel: Accel;
  workDir: string;
}

/** A crash as the main run saw it: which item, and what ran before it in the same boot. */
interface CrashSite {
  index: number;
  before: number[];
}

/** What one sequence of boots produced. */
interface BootsRun {
  results: Map<string, QemuItemResult>;
  crashes: CrashSite[];
}

const missing = (id: string): QemuItemResult => ({ id, status: 'missing', stdout: '', stderr: '', kernelSplats: [], durationMs: 0 });

export class QemuTarget implements Target {
  readonly kind = 'qemu' as const;
  /** Accelerator decision of the last run, with the reason (for logs). */
  lastAccelDetail = '';
  private info: TargetInfo = { kind: 'qemu', kernel: '' };
  private consoleSeq = 0;
  /** Snapshot of the guest waiting at READY: saved by the first boot of a run. */
  private snap = { file: '', saved: false, broken: false };

  /** Runs of this target one after another: a run owns the snapshot, the boot count and the work dir's guest. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: QemuTargetOptions) {}

  /**
   * Runs the items in guests of this kernel. Calls made while a run is under way wait for it (the fuzzer
   * minimizes a crash and other findings at once): one guest at a time, each run with its own snapshot.
   */
  run(
    items: RunItem[],
    files: TargetFile[],
    progress?: Progress,
    signal?: AbortSignal,
    hooks?: RunHooks,
  ): Promise<{ results: QemuItemResult[]; info: TargetInfo }> {
    const mine = this.queue.then(() => this.runAlone(items, files, progress, signal, hooks));
    this.queue = mine.catch(() => {});
    return mine;
  }

  private async runAlone(
    items: RunItem[],
    files: TargetFile[],
    progress?: Progress,
    signal?: AbortSignal,
    hooks?: RunHooks,
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
      const init = await buildGuestInit(signal ? { signal } : {});
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
      const env: Env = { qemuBinary, initrd, accel, workDir };
      this.snap = { file: join(workDir, 'guest.state'), saved: false, broken: o.snapshot === false };
      this.info = { kind: 'qemu', kernel: o.label, accel, boots: 0, bootToFirstItemMs: [], triageBoots: 0, restores: 0 };
      const main = await this.runBoots(items, env, undefined, progress, signal, hooks);
      if (o.triage !== false) await this.triage(items, main, env, progress, signal);
      return { results: items.map((it) => main.results.get(it.id) ?? missing(it.id)), info: this.info };
    } finally {
      if (ownDir) await rm(workDir, { recursive: true, force: true });
    }
  }

  /**
   * Boots until every item ran (or the sequence `only` did): after a crash,
   * the next boot starts after the crashed item.
   */
  private async runBoots(
    items: RunItem[],
    env: Env,
    only: number[] | undefined,
    progress?: Progress,
    signal?: AbortSignal,
    hooks?: RunHooks,
  ): Promise<BootsRun> {
    const o = this.opts;
    const results = new Map<string, QemuItemResult>();
    const crashes: CrashSite[] = [];
    const order = only ?? items.map((_, i) => i);
    const deadline = Date.now() + (o.totalTimeoutMs ?? 30 * 60_000);
    const record = (r: QemuItemResult) => {
      results.set(r.id, r);
      if (!only) progress?.({ phase: 'item', done: results.size, total: items.length, detail: `${r.id}: ${r.status}` });
    };
    let pos = 0; // position in order
    let stalls = 0;
    while (pos < order.length && !signal?.aborted) {
      this.info.boots = (this.info.boots ?? 0) + 1;
      if (only) this.info.triageBoots = (this.info.triageBoots ?? 0) + 1;
      const sequence = order.slice(pos);
      if (!only)
        progress?.({
          phase: 'boot',
          done: results.size,
          total: items.length,
          detail: `boot ${this.info.boots} (${env.accel}) from item ${order[pos]! + 1}/${items.length}`,
        });
      const seq = ++this.consoleSeq;
      const consoleLog = join(env.workDir, `console-${seq}.log`);
      const restore = this.snap.saved && !this.snap.broken;
      const snapshot = this.snap.broken
        ? undefined
        : { qmpSocket: join(env.workDir, `qmp-${seq}.sock`), ...(restore ? { restore: this.snap.file } : { save: this.snap.file }) };
      const b: BootResult = await bootOnce({
        ...(snapshot ? { snapshot } : {}),
        qemuBinary: env.qemuBinary,
        image: o.image,
        initrd: env.initrd,
        accel: env.accel,
        memMB: o.memMB ?? 256,
        smp: o.smp ?? 1,
        consoleLog,
        ...(o.extraAppend ? { extraAppend: o.extraAppend } : {}),
        items,
        start: sequence[0]!,
        ...(only ? { only: sequence } : {}),
        bootTimeoutMs: o.bootTimeoutMs ?? (env.accel === 'kvm' ? 30_000 : 60_000),
        deadline,
        itemSlackMs: o.itemSlackMs ?? 10_000,
        ...(signal ? { signal } : {}),
        ...(o.coverageDir
          ? { coverageDir: join(o.coverageDir, `boot-${this.info.boots}`), coverageBase: join(o.coverageDir, 'base') }
          : {}),
        onResult: record,
        ...(hooks?.onCoverage ? { onCoverage: (r: QemuItemResult) => r.coverage && hooks.onCoverage!(r.id, r.coverage) } : {}),
        onBegin: (id) => {
          if (!only) progress?.({ phase: 'item', done: results.size, total: items.length, detail: `${id}: running` });
        },
      });
      if (b.firstItemMs !== undefined && !only) this.info.bootToFirstItemMs!.push(b.firstItemMs);
      if (b.saved) this.snap.saved = true;
      if (restore && !b.snapshotError) this.info.restores = (this.info.restores ?? 0) + 1;
      if (b.snapshotError) {
        // Snapshots are an optimisation: without one, every boot is a cold boot.
        this.snap.broken = true;
        progress?.({ phase: 'boot', detail: `guest snapshot unavailable, booting cold: ${b.snapshotError}` });
        if (restore && b.outcome === 'boot-failed') continue;
      }

      if (b.outcome === 'done') break;
      if (b.outcome === 'boot-failed' || b.outcome === 'boot-timeout') {
        throw new InfraError(
          `${o.label}: the guest did not reach its init (${b.outcome === 'boot-timeout' ? 'boot timed out' : 'QEMU exited before READY'}, boot ${this.info.boots}, ${env.accel})`,
          [b.qemuStderr.trim(), '--- console tail ---', b.consoleTail].filter(Boolean).join('\n'),
        );
      }
      if (b.outcome === 'protocol-error') throw new InfraError(`${o.label}: guest channel error: ${b.detail ?? '?'}`, b.consoleTail);
      const cur = b.inProgress;
      if (cur) {
        const r = await this.interrupted(cur, b);
        record(r);
        if (r.status === 'crashed') {
          const index = items.findIndex((it) => it.id === cur.id);
          const at = sequence.indexOf(index);
          crashes.push({ index, before: sequence.slice(0, Math.max(0, at)) });
        }
      }
      if (b.outcome === 'aborted' || b.outcome === 'total-timeout') break;
      // died / killed / item-timeout: go on after the last item that finished or stopped
      const stoppedAt = cur ? items.findIndex((it) => it.id === cur.id) : b.lastEnded;
      const next = order.indexOf(stoppedAt) + 1;
      const newPos = Math.max(next, pos);
      stalls = newPos === pos && !cur ? stalls + 1 : 0;
      if (stalls >= 2)
        throw new InfraError(`${o.label}: the guest died twice before running item ${items[order[pos]!]?.id} (no progress)`, b.consoleTail);
      pos = newPos;
    }
    return { results, crashes };
  }

  /** The result of the item that was running when a boot ended early. */
  private async interrupted(cur: NonNullable<BootResult['inProgress']>, b: BootResult): Promise<QemuItemResult> {
    const base = {
      id: cur.id,
      stdout: cur.stdout.toString('utf-8'),
      stderr: cur.stderr.toString('utf-8'),
      kernelSplats: [...cur.splats, ...splatsFromConsole(b.consoleTail)],
      durationMs: Date.now() - cur.startedAt,
    };
    if (b.outcome === 'aborted') return { ...base, status: 'missing' };
    if (b.outcome === 'item-timeout' || b.outcome === 'total-timeout') return { ...base, status: 'timeout', consoleTail: b.consoleTail };
    if (b.outcome === 'killed')
      return {
        ...base,
        status: 'lost',
        consoleTail: `QEMU was killed from outside uringspec (${b.qemuSignal ?? 'a signal'}) while this item ran\n${b.consoleTail}`,
      };
    const crash = await crashReport(b.consoleTail, this.opts.symbolize);
    // QEMU gone without a panic message: nothing says the kernel did it.
    if (!crash)
      return { ...base, status: 'lost', consoleTail: `QEMU exited without a panic message while this item ran\n${b.consoleTail}` };
    return { ...base, status: 'crashed', consoleTail: b.consoleTail, crash };
  }

  /** Replays each crash before it is pinned on its item. */
  private async triage(items: RunItem[], main: BootsRun, env: Env, progress?: Progress, signal?: AbortSignal): Promise<void> {
    for (const [k, c] of main.crashes.entries()) {
      if (signal?.aborted) return;
      const item = items[c.index]!;
      const crashed = main.results.get(item.id)!;
      progress?.({ phase: 'triage', done: k + 1, total: main.crashes.length, detail: `${item.id}: ${crashed.crash?.title ?? 'crash'}` });
      // First item of a fresh boot: it already ran alone in a fresh guest.
      if (!c.before.length) {
        crashed.triage = { outcome: 'alone', tries: 1, reproduced: 1 };
        continue;
      }
      const alone = await this.replay(items, [c.index], env, signal);
      const own = alone.results.get(item.id);
      if (own?.status === 'crashed') {
        crashed.triage = { outcome: 'alone', tries: 1, reproduced: 1 };
        continue;
      }
      // It needs what ran before it: the whole sequence first, then one predecessor at a time.
      const all = await this.replay(items, [...c.before, c.index], env, signal);
      if (all.results.get(item.id)?.status !== 'crashed') {
        const triage: Triage = { outcome: 'not-reproduced', tries: 2, reproduced: 0 };
        // Not pinned on it: its verdict is its replay alone (it ran to the end in a fresh guest); the crash is kept as evidence.
        if (own && own.status !== 'missing' && own.status !== 'lost')
          main.results.set(item.id, { ...own, triage, ...(crashed.crash ? { unpinnedCrash: crashed.crash } : {}) });
        else crashed.triage = triage;
        continue;
      }
      let culprit: number[] = c.before;
      for (const x of [...c.before].reverse().slice(0, this.opts.triageNarrowMax ?? 8)) {
        if (signal?.aborted) return;
        const pair = await this.replay(items, [x, c.index], env, signal);
        if (pair.results.get(item.id)?.status === 'crashed') {
          culprit = [x];
          break;
        }
      }
      const triage: Triage = { outcome: 'after', tries: 2, reproduced: 1, after: culprit.map((i) => items[i]!.id).join(',') };
      // The item's own verdict comes from its replay alone; the one it needs first corrupted the kernel.
      main.results.set(item.id, { ...(own ?? crashed), triage, ...(crashed.crash ? { crash: crashed.crash } : {}) });
      const crash: CrashReport = crashed.crash ?? { title: 'crash', headline: 'crash', frames: [], text: crashed.consoleTail ?? '' };
      for (const x of culprit) {
        const r = main.results.get(items[x]!.id);
        if (r) r.corrupts = { victim: item.id, crash };
      }
    }
  }

  private replay(items: RunItem[], sequence: number[], env: Env, signal?: AbortSignal): Promise<BootsRun> {
    return this.runBoots(items, env, sequence, undefined, signal);
  }
}

/** The panic itself is on the console (the guest could not report it). */
function splatsFromConsole(tail: string): string[] {
  return tail.split('\n').filter((l) => /BUG:|WARNING:|Oops|KASAN|general protection|Kernel panic|Call Trace|refcount_t|UBSAN/.test(l));
}
