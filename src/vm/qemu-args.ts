// The QEMU command line for one boot. No network device, no disk, no display:
// ttyS0 (console, where a panic shows up) goes to a file, ttyS1 (our framed
// channel) to QEMU's stdout, which the host reads live.
import { shellQuote } from '../core/text.ts';

export interface BootArgs {
  image: string;
  initrd: string;
  accel: 'kvm' | 'tcg';
  memMB: number;
  smp: number;
  consoleLog: string;
  start: number;
  /** Run just these item indices, in this order (crash triage). */
  only?: number[];
  /**
   * Snapshot mode: the guest waits after READY for a `RUN start=N` / `RUN
   * only=I,J` line on ttyS1 instead of reading start/only from the command
   * line, so one command line serves the boot that is saved and every boot
   * restored from it.
   */
  wait?: boolean;
  /** QMP on this unix socket. */
  qmpSocket?: string;
  /** Restore the guest from this migration file instead of booting. */
  incoming?: string;
  /** Coverage: the guest resets the gcov counters before each item and sends them after it. */
  coverage?: boolean;
  extraAppend?: string;
}

export function qemuArgs(b: BootArgs): string[] {
  const append = [
    'console=ttyS0',
    'panic=-1', // reboot at once on panic; with -no-reboot QEMU exits
    'oops=panic',
    'quiet',
    // Boot time under TCG (each measured, see vm/README.md):
    // the local APIC timer calibration busy-waits ~100 ms of jiffies and is
    // slow under TCG; without it the PIT is the (single-CPU) tick device
    'noapictimer',
    // skips the IO-APIC timer sanity check (waits for ticks)
    'no_timer_check',
    // keep the initrd pages: freeing them poisons every byte with a `rep
    // stosb`, ~0.1 s per MB of initramfs under TCG
    'retain_initrd',
    // Every slab object the kernel allocates holds the 0x6b poison until it
    // is written (CONFIG_SLUB_DEBUG): a bug that uses uninitialised memory
    // (the RFC's unset sg_from_iter) then fails the same way every run,
    // whatever ran before it in this boot. Without it the verdict of such a
    // scenario depended on slab history (crash in 5 runs of 6, pass in the
    // sixth); with init_on_alloc=1 the memory would read as zero, and a NULL
    // sg_from_iter is the kernel's default: the bug would hide.
    'slub_debug=P',
    b.wait ? 'uspec.wait=1' : b.only ? `uspec.only=${b.only.join(',')}` : `uspec.start=${b.start}`,
    b.coverage ? 'uspec.cov=1' : '',
    b.extraAppend ?? '',
  ]
    .filter(Boolean)
    .join(' ');
  return [
    '-machine',
    'pc',
    '-accel',
    b.accel,
    ...(b.accel === 'kvm' ? ['-cpu', 'host'] : []),
    '-m',
    String(b.memMB),
    '-smp',
    String(b.smp),
    '-no-reboot',
    '-nodefaults',
    '-no-user-config',
    '-display',
    'none',
    '-serial',
    `file:${b.consoleLog}`,
    '-chardev',
    'stdio,id=uspec,signal=off',
    '-serial',
    'chardev:uspec',
    '-kernel',
    b.image,
    '-initrd',
    b.initrd,
    '-append',
    append,
    ...(b.qmpSocket ? ['-qmp', `unix:${b.qmpSocket},server=on,wait=off`] : []),
    ...(b.incoming ? ['-incoming', `exec:cat ${shellQuote(b.incoming)}`] : []),
  ];
}
