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
  | 'crashed' // the kernel panicked / oopsed while this item ran (a panic message was seen)
  | 'lost' // the target lost it: QEMU killed from outside, or gone without a panic message
  | 'missing'; // never ran (e.g. the run was interrupted before it)

/** One frame of a kernel call trace, symbolized when the kernel's debug info is at hand. */
export interface CrashFrame {
  /** Function name as the trace prints it, e.g. "io_send_zc". */
  fn: string;
  /** "+0x92/0x3e0" */
  offset: string;
  /** Source location from the debug info, e.g. "io_uring/net.c:1466"; several when inlined (innermost first). */
  where?: string[];
  /** Printed without "?": the unwinder vouches for it. */
  reliable: boolean;
}

/** Resolves call-trace frames to source locations (innermost inline first); undefined where unknown. `ret`: a return address. */
export interface Symbolizer {
  (frames: { fn: string; offset: string; ret: boolean }[]): Promise<(string[] | undefined)[]>;
  /** Addresses ("ffffffff811da566") to the frame text the kernel prints for them ("kmalloc_reserve+0x86"); undefined outside a function. */
  names?: (addresses: string[]) => Promise<(string | undefined)[]>;
}

/** What the console said about a kernel crash. */
export interface CrashReport {
  /** Stable title in syzkaller's style: "BUG: kernel NULL pointer dereference in io_send_zc". The same bug gets the same title. */
  title: string;
  /** The line that opened the report ("BUG: ...", "KASAN: ...", "general protection fault ..."). */
  headline: string;
  frames: CrashFrame[];
  /** The report from its headline to "end trace" (or the console tail), symbolized. */
  text: string;
}

/** How a crash was pinned on a scenario: by replaying it, as syzkaller does before it blames a program. */
export interface Triage {
  /**
   * alone: the item crashes by itself in a fresh guest (reproduced of tries);
   * after: it crashes only when `after` ran before it in the same boot (that item corrupted the kernel);
   * not-reproduced: neither replay crashed; the run's evidence is kept.
   */
  outcome: 'alone' | 'after' | 'not-reproduced';
  tries: number;
  reproduced: number;
  after?: string;
}

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
  /** For 'crashed'/'timeout'/'lost': the last lines of the console, for the report. */
  consoleTail?: string;
  /** For 'crashed': the parsed, symbolized crash report. */
  crash?: CrashReport;
  /** For 'crashed': how the crash was pinned on this item. */
  triage?: Triage;
  /** The kernel crashed while this item ran, but no replay crashed (alone, or after the same items): not its verdict, kept as evidence. */
  unpinnedCrash?: CrashReport;
  /** This item completed, but a later item crashed only when this one ran before it: this one corrupted the kernel. */
  corrupts?: { victim: string; crash: CrashReport };
  /** A coverage run (a gcov kernel): the counters of this item alone, as files on the host (never held in memory). */
  coverage?: ItemCoverage;
}

/**
 * One item's gcov data: the guest's .gcda files that the item changed, written under dir by the path the
 * guest's debugfs gives them (<objdir>/io_uring/net.gcda); every other file is as in base (its reset state,
 * the same layout).
 */
export interface ItemCoverage {
  dir: string;
  base?: string;
  files: number;
  bytes: number;
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
  /** QEMU only: boots spent replaying crashes (included in boots). */
  triageBoots?: number;
  /** QEMU only: boots that restored the run's saved guest instead of booting the kernel (included in boots). */
  restores?: number;
}

/**
 * Which kernel image ran, beyond its label: the content key of a recipe build
 * (the cache entry kernels/<label>-<cacheKey>), the sha256 of an image given
 * by path, or the host's uname. Two reports with equal identities ran the same kernel.
 */
export interface KernelIdentity {
  label: string;
  cacheKey?: string;
  sha256?: string;
  /** Host runs: uname -r and -v. */
  uname?: string;
}

/** What a caller may follow while a run is under way. */
export interface RunHooks {
  /** An item's counters are written (a coverage run): mapping them may start before the run ends. */
  onCoverage?: (id: string, coverage: ItemCoverage) => void;
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
    hooks?: RunHooks,
  ): Promise<{ results: ItemResult[]; info: TargetInfo }>;
}
