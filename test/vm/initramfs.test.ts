// The initramfs writer: a newc archive that cpio(1) lists and extracts, and a
// manifest that refuses what the guest parser could not represent.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestText, writeInitramfs } from '../../src/vm/initramfs.ts';
import { InfraError } from '../../src/core/errors.ts';
import { need } from '../need.ts';

const hasCpio = (() => {
  try {
    execFileSync('cpio', ['--version']);
    return true;
  } catch {
    return false;
  }
})();
need(hasCpio, { what: 'cpio is not installed', build: 'npm run setup, or apt-get install cpio' });

describe('initramfs', () => {
  it.skipIf(!hasCpio)('writes a newc archive cpio can extract, with parents and modes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uspec-cpio-'));
    writeFileSync(join(dir, 'init'), '#!/bin/false\n');
    writeFileSync(join(dir, 'prog'), Buffer.from([0, 1, 2, 3, 4]));
    await writeInitramfs({
      initBinary: join(dir, 'init'),
      items: [{ id: 'a', argv: ['/uspec/bin/prog', 'x y'], timeoutMs: 1500 }],
      files: [{ hostPath: join(dir, 'prog'), guestPath: '/uspec/bin/prog', mode: 0o750 }],
      outPath: join(dir, 'out.cpio'),
    });
    const list = execFileSync('cpio', ['-it', '--quiet'], { input: readFileSync(join(dir, 'out.cpio')) })
      .toString()
      .trim()
      .split('\n');
    expect(list).toEqual(expect.arrayContaining(['dev', 'dev/console', 'init', 'uspec', 'uspec/manifest', 'uspec/bin', 'uspec/bin/prog']));
    const ex = join(dir, 'x');
    execFileSync('sh', ['-c', `mkdir -p ${ex} && cd ${ex} && cpio -id --quiet --no-absolute-filenames 2>/dev/null < ../out.cpio || true`]);
    expect(readFileSync(join(ex, 'uspec/bin/prog'))).toEqual(Buffer.from([0, 1, 2, 3, 4]));
    expect(statSync(join(ex, 'uspec/bin/prog')).mode & 0o777).toBe(0o750);
    expect(readFileSync(join(ex, 'uspec/manifest'), 'utf-8')).toBe('a\t1500\t/uspec/bin/prog\tx y\n');
  });

  it('rejects ids and arguments the manifest cannot carry', () => {
    expect(() => manifestText([{ id: 'has space', argv: ['/x'], timeoutMs: 1 }])).toThrow(InfraError);
    expect(() => manifestText([{ id: 'a', argv: ['/x', 'tab\there'], timeoutMs: 1 }])).toThrow(/tab/);
    expect(() =>
      manifestText([
        { id: 'a', argv: ['/x'], timeoutMs: 1 },
        { id: 'a', argv: ['/y'], timeoutMs: 1 },
      ]),
    ).toThrow(/duplicate/);
  });
});
