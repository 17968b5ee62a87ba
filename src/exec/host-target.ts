// Runs items natively on the running kernel: one process per item, with a
// timeout. The host kernel has no RFC patch: it is the fast "unpatched" side.
import { release } from 'node:os';
import { execa } from 'execa';
import type { ItemResult, RunItem, Target, TargetFile, TargetInfo } from '../core/target.ts';
import type { Progress } from '../core/progress.ts';

export class HostTarget implements Target {
  readonly kind = 'host' as const;

  async run(
    items: RunItem[],
    _files: TargetFile[],
    progress?: Progress,
    signal?: AbortSignal,
  ): Promise<{ results: ItemResult[]; info: TargetInfo }> {
    const results: ItemResult[] = [];
    for (const [i, item] of items.entries()) {
      if (signal?.aborted) {
        results.push({ id: item.id, status: 'missing', stdout: '', kernelSplats: [], durationMs: 0 });
        continue;
      }
      const t0 = performance.now();
      const r = await execa(item.argv[0]!, item.argv.slice(1), {
        reject: false,
        timeout: item.timeoutMs,
        cancelSignal: signal,
        killSignal: 'SIGKILL',
        stdin: 'ignore',
        all: false,
      });
      const durationMs = performance.now() - t0;
      const status = r.timedOut ? 'timeout' : r.signal ? 'signaled' : 'exited';
      results.push({
        id: item.id,
        status,
        ...(r.exitCode !== undefined ? { exitCode: r.exitCode } : {}),
        ...(r.signal ? { signal: signalNumber(r.signal) } : {}),
        stdout: typeof r.stdout === 'string' ? r.stdout : '',
        kernelSplats: [],
        durationMs,
        ...(r.stderr ? { stderr: String(r.stderr) } : {}),
      });
      progress?.({ phase: 'run', done: i + 1, total: items.length, detail: item.id });
    }
    return { results, info: { kind: 'host', kernel: release() } };
  }
}

function signalNumber(name: string): number {
  const table: Record<string, number> = { SIGKILL: 9, SIGSEGV: 11, SIGABRT: 6, SIGBUS: 7, SIGTERM: 15, SIGINT: 2, SIGILL: 4, SIGFPE: 8 };
  return table[name] ?? 0;
}
