// A minimal client for QEMU's machine protocol (QMP) on a unix socket: one
// command at a time, answers matched in order, events ignored. Used to save a
// booted guest to a file (migration) and to see a restored guest running.
import { createConnection, type Socket } from 'node:net';
import { shellQuote } from '../core/text.ts';

interface Answer {
  return?: unknown;
  error?: { class: string; desc: string };
}

export class Qmp {
  private buf = '';
  private waiting: ((a: Answer) => void)[] = [];
  private closed?: Error;

  private constructor(private readonly sock: Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf += d.toString();
      for (let i = this.buf.indexOf('\n'); i >= 0; i = this.buf.indexOf('\n')) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        let m: Answer & { QMP?: unknown; event?: string };
        try {
          m = JSON.parse(line) as typeof m;
        } catch {
          continue;
        }
        if ('return' in m || 'error' in m) this.waiting.shift()?.(m);
      }
    });
    const fail = (e: Error) => {
      this.closed = e;
      for (const w of this.waiting.splice(0)) w({ error: { class: 'Closed', desc: e.message } });
    };
    sock.on('error', fail);
    sock.on('close', () => fail(new Error('QMP connection closed')));
  }

  /** Connects (retrying while QEMU creates the socket) and negotiates capabilities. */
  static async connect(path: string, timeoutMs: number): Promise<Qmp> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const sock = await new Promise<Socket>((resolve, reject) => {
          const s = createConnection(path);
          s.once('connect', () => resolve(s));
          s.once('error', reject);
        });
        const q = new Qmp(sock);
        await q.command('qmp_capabilities');
        return q;
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`QMP socket ${path}: ${(e as Error).message}`, { cause: e });
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  }

  async command(execute: string, args?: object): Promise<unknown> {
    if (this.closed) throw this.closed;
    const a = await new Promise<Answer>((resolve) => {
      this.waiting.push(resolve);
      this.sock.write(JSON.stringify(args ? { execute, arguments: args } : { execute }) + '\n');
    });
    if (a.error) throw new Error(`QMP ${execute}: ${a.error.desc}`);
    return a.return;
  }

  /** Saves the whole guest to `file` (a migration stream); the guest is paused afterwards. */
  async saveTo(file: string, timeoutMs: number): Promise<void> {
    await this.command('migrate-set-parameters', { 'max-bandwidth': 2 ** 40 });
    await this.command('migrate', { uri: `exec:cat > ${shellQuote(file)}` });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = (await this.command('query-migrate')) as { status?: string; 'error-desc'?: string };
      if (s.status === 'completed') return;
      if (s.status === 'failed' || s.status === 'cancelled') throw new Error(`saving the guest failed: ${s['error-desc'] ?? s.status}`);
      if (Date.now() > deadline) throw new Error('saving the guest timed out');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Waits until the guest runs (after a restore from a migration stream). */
  async waitRunning(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = (await this.command('query-status')) as { status?: string };
      if (s.status === 'running') return;
      if (Date.now() > deadline) throw new Error(`the restored guest is not running (${s.status ?? '?'})`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  close(): void {
    this.sock.destroy();
  }
}
