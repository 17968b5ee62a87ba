// Run by cache.test.ts as separate processes (several uringspec at once): one
// lock or one cache entry request, logging what it did to a shared file.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachedEntry } from '../../src/core/cache.ts';
import { withLock } from '../../src/core/lock.ts';

const [mode, target, logFile, holdMs] = process.argv.slice(2) as [string, string, string, string];
const hold = () => new Promise((r) => setTimeout(r, Number(holdMs)));
const log = (what: string) => appendFileSync(logFile, `${what} ${process.pid}\n`);

if (mode === 'lock') {
  await withLock(
    target,
    async () => {
      log('start');
      await hold();
      log('end');
    },
    { pollMs: 10, log: (l) => process.stderr.write(l + '\n') },
  );
} else {
  const entry = await cachedEntry({
    kind: 'test-entries',
    key: target,
    log: (l) => process.stderr.write(l + '\n'),
    build: async (dir) => {
      log('build');
      await hold();
      writeFileSync(join(dir, 'data'), 'x'.repeat(4096));
    },
  });
  process.stdout.write(JSON.stringify(entry) + '\n');
}
