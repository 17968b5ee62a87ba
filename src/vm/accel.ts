// KVM or TCG. /dev/kvm existing is not enough (on some hosts every KVM boot
// dies with an emulation error), so KVM is used only after a trivial boot
// under KVM reached our init's DONE. The verdict is cached per process and on
// disk, keyed by the host kernel release (a new host kernel probes again).
import { constants, existsSync } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir } from '../core/cache.ts';
import { writeInitramfs } from './initramfs.ts';
import { bootOnce } from './boot.ts';

export type Accel = 'kvm' | 'tcg';

interface Verdict {
  kvm: boolean;
  hostKernel: string;
  detail: string;
  probedAt: string;
}

let inProcess: Promise<Verdict> | undefined;

async function kvmUsable(): Promise<boolean> {
  try {
    await access('/dev/kvm', constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

async function probe(qemuBinary: string, image: string, initBinary: string): Promise<Verdict> {
  const base = { hostKernel: release(), probedAt: new Date().toISOString() };
  if (!(await kvmUsable())) return { ...base, kvm: false, detail: '/dev/kvm missing or not accessible' };
  const file = cacheDir('kvm-probe', `${release()}.json`);
  if (existsSync(file)) {
    try {
      return JSON.parse(await readFile(file, 'utf-8')) as Verdict;
    } catch {
      // unreadable: probe again
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'uspec-kvm-probe-'));
  let verdict: Verdict;
  try {
    const initrd = join(dir, 'probe.cpio');
    await writeInitramfs({ initBinary, items: [], files: [], outPath: initrd });
    const b = await bootOnce({
      qemuBinary,
      image,
      initrd,
      accel: 'kvm',
      memMB: 128,
      smp: 1,
      consoleLog: join(dir, 'console.log'),
      items: [],
      start: 0,
      bootTimeoutMs: 20000,
      deadline: Date.now() + 25000,
      itemSlackMs: 0,
    });
    const why = [b.qemuStderr.trim().split('\n').slice(0, 3).join(' | '), b.consoleTail.split('\n').slice(-2).join(' | ')]
      .filter(Boolean)
      .join(' / ');
    verdict = {
      ...base,
      kvm: b.outcome === 'done',
      detail:
        b.outcome === 'done'
          ? `probe boot reached DONE in ${b.readyMs ?? '?'} ms`
          : `probe boot under KVM: ${b.outcome}: ${why || 'no console output and nothing from QEMU'}`,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await mkdir(cacheDir('kvm-probe'), { recursive: true });
  await writeFile(file, JSON.stringify(verdict, null, 2));
  return verdict;
}

export async function chooseAccel(
  wanted: 'auto' | Accel,
  qemuBinary: string,
  image: string,
  initBinary: string,
): Promise<{ accel: Accel; detail: string }> {
  if (wanted === 'tcg') return { accel: 'tcg', detail: 'tcg requested' };
  inProcess ??= probe(qemuBinary, image, initBinary);
  const v = await inProcess;
  if (v.kvm) return { accel: 'kvm', detail: v.detail };
  if (wanted === 'kvm') throw new Error(`KVM requested but not usable: ${v.detail}`);
  return { accel: 'tcg', detail: `KVM not usable (${v.detail}); using TCG` };
}
