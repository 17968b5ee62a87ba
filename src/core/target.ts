// A target runs a list of commands (scenario programs, liburing tests) on
// some kernel and hands back what each one did. Host and QEMU implement the
// same interface so the runner, the model comparison and the reporters never
// care where a scenario ran.
import type { Progress } from './progress.ts';

/** One command to run on the target, identified by a stable id. */
export interface RunItem {
  /** Unique within one run: "scenario:<file-stem>/<scenario-id>" or "peer:<test>". */
  id: string;
  /** argv[0] is a path valid on the target (host path, or guest path for QEMU). */
  argv: string[];
  /** Wall-clock limit for this item; the target kills it after this. */
  timeoutMs: number;
}

/** A file the target must make available (the QEMU target packs it into the initramfs). */
export interface TargetFile {
  hostPath: string;
  /** Absolute path inside the guest; the host target runs hostPath directly. */
  guestPath: string;
  mode?: number;
}

export type ItemStatus =
  | 'exited' // ran to completion; see exitCode
  | 'signaled' // killed by a signal it did not ask for; see signal
  | 'timeout' // killed at timeoutMs
  | 'crashed' // the kernel panicked / guest died while this item ran
  | 'missing'; // never ran (e.g. the run was interrupted before it)

export interface ItemResult {
  id: string;
  status: ItemStatus;
  exitCode?: number;
  signal?: number;
  /** Everything the item wrote to stdout (the event protocol for scenarios). */
  stdout: string;
  /** What it wrote to stderr, when the target keeps it apart. */
  stderr?: string;
  /** Kernel log lines that appeared while this item ran and look like BUG/WARNING/Oops/KASAN/panic. */
  kernelSplats: string[];
  durationMs: number;
  /** For 'crashed'/'timeout': the last lines of the console, for the report. */
  consoleTail?: string;
}

export interface TargetInfo {
  /** "host" or "qemu". */
  kind: 'host' | 'qemu';
  /** uname -r of the kernel that ran the items (or the recipe name). */
  kernel: string;
  /** QEMU only: which accelerator actually ran. */
  accel?: 'kvm' | 'tcg';
  /** QEMU only: number of boots used (more than one after a crash). */
  boots?: number;
  /** QEMU only: time from QEMU start to the first item starting, per boot. */
  bootToFirstItemMs?: number[];
}

export interface Target {
  readonly kind: 'host' | 'qemu';
  /**
   * Runs every item once, in order. Never throws for a failing item: a crash,
   * hang or bad exit is recorded in its ItemResult. Throws only for
   * infrastructure errors (QEMU missing, kernel image unreadable, boot failed
   * before the first item), as an InfraError.
   */
  run(
    items: RunItem[],
    files: TargetFile[],
    progress?: Progress,
    signal?: AbortSignal,
  ): Promise<{ results: ItemResult[]; info: TargetInfo }>;
}
