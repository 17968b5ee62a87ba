// One QEMU boot: start it, follow the framed channel, enforce the boot,
// per-item and total limits, and report how the boot ended. The caller
// (QemuTarget) decides whether to boot again from the next item.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ItemResult, RunItem } from '../core/target.ts';
import { crcOf, FrameStream, type EndStatus } from './frame-parser.ts';
import { BaseCollector, GcdaCollector } from './gcda-collector.ts';
import { qemuArgs, type BootArgs } from './qemu-args.ts';
import { Qmp } from './qmp.ts';
import { startQemu } from './qemu-process.ts';

export interface QemuItemResult extends ItemResult {
  /** What the item wrote to stderr (not part of ItemResult; kept for reports). */
  stderr: string;
}

export type BootOutcome =
  | 'done' // DONE seen
  | 'died' // QEMU exited before DONE (panic -> reboot -> exit)
  | 'killed' // QEMU was killed by a signal that did not come from us (OOM killer, a CI runner)
  | 'item-timeout' // host backstop for an item fired; QEMU killed
  | 'total-timeout'
  | 'aborted'
  | 'boot-failed' // exited before READY
  | 'boot-timeout'
  | 'protocol-error'; // crc mismatch, unknown id, ERROR record

export interface BootResult {
  outcome: BootOutcome;
  /** Item with BEGIN and no END when the boot ended. */
  inProgress?: { id: string; stdout: Buffer; stderr: Buffer; splats: string[]; startedAt: number };
  /** Index (in items) of the last item that got END, or start-1. */
  lastEnded: number;
  firstItemMs?: number;
  readyMs?: number;
  consoleTail: string;
  /** For protocol errors and boot failures. */
  detail?: string;
  qemuStderr: string;
  /** The signal QEMU died of, when it did not exit by itself. */
  qemuSignal?: string;
  /** Snapshot mode: the guest was saved to the snapshot file at READY. */
  saved?: boolean;
  /** Snapshot mode: why saving or restoring did not work (the caller boots cold instead). */
  snapshotError?: string;
}

export interface BootParams extends Omit<BootArgs, 'start'> {
  qemuBinary: string;
  items: RunItem[];
  start: number;
  bootTimeoutMs: number;
  /** Absolute wall-clock limit (Date.now() based) of the whole run. */
  deadline: number;
  /** Host-side slack over an item's own timeout before QEMU is killed. */
  itemSlackMs: number;
  signal?: AbortSignal;
  onResult?: (r: QemuItemResult) => void;
  /** An item began in the guest (progress: what is running now, not only what finished). */
  onBegin?: (id: string) => void;
  /** An item's counters are written (after onResult: they follow its END). */
  onCoverage?: (r: QemuItemResult) => void;
  /**
   * Snapshot mode (see qemu-args.ts `wait`): `save` the guest at READY to this
   * file, or `restore` it from one instead of booting. QMP on `qmpSocket`.
   */
  snapshot?: { save?: string; restore?: string; qmpSocket: string };
  /** Coverage: each item's changed .gcda files go under <coverageDir>/<item index>/ (the boot asks the guest for them). */
  coverageDir?: string;
  /**
   * Coverage: where the files' reset state goes (sent by a cold boot, before READY) and is read from (a
   * restored guest does not send it again); default <coverageDir>/base.
   */
  coverageBase?: string;
}

// 100 lines: a panic with its register dump and call trace is 60-80 lines, and the BUG line heads it.
export function consoleTail(file: string, lines = 100): string {
  if (!existsSync(file)) return '';
  const text = readFileSync(file, 'latin1').replace(/\r/g, '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function statusFields(s: EndStatus): Pick<ItemResult, 'status' | 'exitCode' | 'signal'> {
  if (s.type === 'exited') return { status: 'exited', exitCode: s.code };
  if (s.type === 'signaled') return { status: 'signaled', signal: s.signal };
  return { status: 'timeout' };
}

export async function bootOnce(p: BootParams): Promise<BootResult> {
  const t0 = Date.now();
  const index = new Map(p.items.map((it, i) => [it.id, i]));
  const done = new Map<string, QemuItemResult>();
  const snap = p.snapshot;
  const q = startQemu(
    p.qemuBinary,
    qemuArgs({
      ...p,
      start: p.start,
      coverage: p.coverageDir !== undefined,
      ...(snap ? { wait: true, qmpSocket: snap.qmpSocket, ...(snap.restore ? { incoming: snap.restore } : {}) } : {}),
    }),
  );
  let saved = false;
  let snapshotError: string | undefined;
  /** Snapshot mode: tells the waiting guest what to run. */
  const sendRun = () => q.child.stdin?.write(p.only ? `RUN only=${p.only.join(',')}\n` : `RUN start=${p.start}\n`);
  const frames = new FrameStream();

  let outcome: BootOutcome | undefined;
  let detail: string | undefined;
  let ready = false;
  let doneSeen = false;
  let lastEnded = p.start - 1;
  let firstItemMs: number | undefined;
  let readyMs: number | undefined;
  let cur: (BootResult['inProgress'] & { out: Buffer[]; err: Buffer[] }) | undefined;
  let itemTimer: NodeJS.Timeout | undefined;
  let gcda: GcdaCollector | undefined;
  const baseDir = p.coverageBase ?? (p.coverageDir !== undefined ? join(p.coverageDir, 'base') : undefined);
  let base: BaseCollector | undefined = p.coverageDir !== undefined ? new BaseCollector() : undefined;

  const stop = (why: BootOutcome, d?: string) => {
    if (outcome === undefined) {
      outcome = why;
      detail = d;
    }
    q.kill();
  };
  const bootTimer = setTimeout(() => stop('boot-timeout'), p.bootTimeoutMs);
  const totalTimer = setTimeout(() => stop('total-timeout'), Math.max(0, p.deadline - Date.now()));
  const onAbort = () => stop('aborted');
  p.signal?.addEventListener('abort', onAbort);
  if (p.signal?.aborted) onAbort();

  q.child.stdout?.on('data', (chunk: Buffer) => {
    for (const ev of frames.push(chunk)) {
      if (outcome !== undefined) return;
      switch (ev.kind) {
        case 'ready':
          if (ready) break; // snapshot mode: the second READY, after RUN
          ready = true;
          readyMs = Date.now() - t0;
          clearTimeout(bootTimer);
          // Snapshot mode, booted cold: save the waiting guest, then let it run.
          if (snap && ev.start === -1) void saveThenRun();
          break;
        case 'begin': {
          const i = index.get(ev.id);
          if (i === undefined) return stop('protocol-error', `BEGIN for unknown item ${ev.id}`);
          firstItemMs ??= Date.now() - t0;
          p.onBegin?.(ev.id);
          cur = { id: ev.id, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), splats: [], startedAt: Date.now(), out: [], err: [] };
          clearTimeout(itemTimer);
          itemTimer = setTimeout(() => stop('item-timeout'), p.items[i]!.timeoutMs + p.itemSlackMs);
          break;
        }
        case 'out':
        case 'err':
          if (cur?.id !== ev.id) return stop('protocol-error', `${ev.kind.toUpperCase()} for ${ev.id} outside its BEGIN/END`);
          (ev.kind === 'out' ? cur.out : cur.err).push(ev.data);
          break;
        case 'end': {
          if (cur?.id !== ev.id) return stop('protocol-error', `END for ${ev.id} without BEGIN`);
          clearTimeout(itemTimer);
          const stdout = Buffer.concat(cur.out);
          if (crcOf(stdout) !== ev.crc) {
            return stop(
              'protocol-error',
              `crc mismatch for ${ev.id}: guest ${ev.crc.toString(16)}, host ${crcOf(stdout).toString(16)} over ${stdout.length} bytes`,
            );
          }
          const r: QemuItemResult = {
            id: ev.id,
            ...statusFields(ev.status),
            stdout: stdout.toString('utf-8'),
            stderr: Buffer.concat(cur.err).toString('utf-8'),
            kernelSplats: [],
            durationMs: ev.durUs / 1000,
          };
          done.set(ev.id, r);
          lastEnded = index.get(ev.id)!;
          cur = undefined;
          gcda = p.coverageDir !== undefined ? new GcdaCollector(ev.id) : undefined;
          p.onResult?.(r);
          break;
        }
        case 'gcda-base': {
          if (!base) return stop('protocol-error', 'GCDABASE outside a coverage boot, or after its GCDABASEEND');
          const bad = base.add(ev.path, ev.data);
          if (bad) return stop('protocol-error', bad);
          break;
        }
        case 'gcda-base-end': {
          if (!base || baseDir === undefined) return stop('protocol-error', 'GCDABASEEND outside a coverage boot, or twice');
          const bad = base.finish(baseDir, ev);
          if (bad) return stop('protocol-error', bad);
          base = undefined;
          break;
        }
        case 'gcda':
        case 'gcda-words': {
          if (gcda?.id !== ev.id) return stop('protocol-error', `GCDA for ${ev.id}, which is not the item that ended last`);
          const bad = ev.kind === 'gcda' ? gcda.add(ev.path, ev.data) : gcda.words(ev.path, ev.words);
          if (bad) return stop('protocol-error', bad);
          break;
        }
        case 'gcda-end': {
          const r = done.get(ev.id);
          if (gcda?.id !== ev.id || !r || p.coverageDir === undefined)
            return stop('protocol-error', `GCDAEND for ${ev.id}, which is not the item that ended last`);
          const cov = gcda.finish(join(p.coverageDir, String(index.get(ev.id))), baseDir!, ev);
          if (typeof cov === 'string') return stop('protocol-error', cov);
          r.coverage = cov;
          gcda = undefined;
          p.onCoverage?.(r);
          break;
        }
        case 'klog': {
          // KLOG follows the END of the item it belongs to
          const r = done.get(ev.id);
          if (r) r.kernelSplats.push(ev.line);
          else if (cur?.id === ev.id) cur.splats.push(ev.line);
          break;
        }
        case 'done':
          doneSeen = true;
          // QEMU exits by itself (reboot + -no-reboot); give it a moment
          setTimeout(() => q.kill(), 5000).unref();
          break;
        case 'error':
          return stop('protocol-error', `guest init: ${ev.message}`);
        case 'garbage':
          break;
      }
    }
  });

  async function saveThenRun(): Promise<void> {
    let qmp: Qmp | undefined;
    try {
      qmp = await Qmp.connect(snap!.qmpSocket, 5_000);
      if (snap!.save) {
        await qmp.saveTo(snap!.save, 30_000);
        saved = true;
      }
    } catch (e) {
      snapshotError = (e as Error).message;
    }
    try {
      await qmp?.command('cont');
    } catch (e) {
      snapshotError ??= (e as Error).message;
    }
    qmp?.close();
    sendRun();
  }

  // Snapshot mode, restored: the guest is already past READY, waiting for RUN.
  if (snap?.restore) {
    void (async () => {
      try {
        const qmp = await Qmp.connect(snap.qmpSocket, p.bootTimeoutMs);
        await qmp.waitRunning(p.bootTimeoutMs);
        qmp.close();
        ready = true;
        readyMs = Date.now() - t0;
        clearTimeout(bootTimer);
        sendRun();
      } catch (e) {
        snapshotError = `restoring the saved guest failed: ${(e as Error).message}`;
        stop('boot-failed');
      }
    })();
  }

  const exit = await q.exited;
  clearTimeout(bootTimer);
  clearTimeout(totalTimer);
  clearTimeout(itemTimer);
  p.signal?.removeEventListener('abort', onAbort);

  if (outcome === undefined) outcome = doneSeen ? 'done' : exit.signal ? 'killed' : ready ? 'died' : 'boot-failed';
  else if (doneSeen && outcome !== 'protocol-error') outcome = 'done';
  const inProgress = cur
    ? { id: cur.id, stdout: Buffer.concat(cur.out), stderr: Buffer.concat(cur.err), splats: cur.splats, startedAt: cur.startedAt }
    : undefined;
  return {
    outcome,
    ...(inProgress ? { inProgress } : {}),
    lastEnded,
    ...(firstItemMs !== undefined ? { firstItemMs } : {}),
    ...(readyMs !== undefined ? { readyMs } : {}),
    consoleTail: consoleTail(p.consoleLog),
    ...(detail ? { detail } : {}),
    qemuStderr: exit.stderr,
    ...(exit.signal ? { qemuSignal: exit.signal } : {}),
    ...(saved ? { saved } : {}),
    ...(snapshotError ? { snapshotError } : {}),
  };
}
