// Starting and, above all, stopping QEMU. Every QEMU we start is:
//  - its own process group leader (detached), killed as a group;
//  - started through `setpriv --pdeathsig KILL`, so it dies with this
//    process even when we are SIGKILLed and no handler runs;
//  - registered so exit, SIGINT and SIGTERM kill whatever is still running.
import { execa, type ResultPromise } from 'execa';
import { existsSync } from 'node:fs';

type Child = ResultPromise<{ reject: false; detached: true; stdin: 'pipe'; stdout: 'pipe'; stderr: 'pipe'; buffer: false }>;

const running = new Set<Child>();
let handlersInstalled = false;

function killGroup(child: Child): void {
  const pid = child.pid;
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export function killAllQemu(): void {
  for (const c of running) killGroup(c);
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllQemu);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      killAllQemu();
      // A command that listens too (gate, run) winds down itself and writes
      // its partial report; otherwise behave as if we had no handler: die by
      // the same signal.
      if (process.listenerCount(sig) > 1) return;
      process.removeListener(sig, onSignal);
      process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

export interface QemuProcess {
  child: Child;
  pid: number;
  /** Resolves when QEMU has exited (never rejects). */
  exited: Promise<{ code: number | undefined; signal: string | undefined; stderr: string }>;
  kill(): void;
}

export function startQemu(binary: string, args: string[]): QemuProcess {
  installHandlers();
  const useSetpriv = existsSync('/usr/bin/setpriv');
  const file = useSetpriv ? '/usr/bin/setpriv' : binary;
  const argv = useSetpriv ? ['--pdeathsig', 'KILL', '--', binary, ...args] : args;
  const child = execa(file, argv, {
    reject: false,
    detached: true,
    // stdin stays an open pipe we never write: the stdio chardev must not see EOF
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    cleanup: true,
  }) as Child;
  running.add(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 65536) stderr += d.toString();
  });
  const exited = child.then((r) => {
    running.delete(child);
    return { code: r.exitCode, signal: r.signal, stderr };
  });
  return {
    child,
    pid: child.pid ?? -1,
    exited,
    kill: () => killGroup(child),
  };
}
