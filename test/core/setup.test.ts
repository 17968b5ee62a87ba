// scripts/setup.sh's liburing step in a private cache: two setups at once
// build once (flock), the marker records liburing.a's sha256 (what
// core/cc.ts findLiburing checks), a damaged archive is rebuilt, --rebuild
// builds again. apt and npm are already satisfied here, so only liburing runs.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { need } from '../need.ts';

const SRC = join(homedir(), '.cache', 'uringspec', 'src');
const haveSource = need(existsSync(join(SRC, 'liburing_2.9-1.dsc')), {
  what: `liburing 2.9's Debian source package is not in ${SRC}`,
  build: 'npm run setup',
});
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

/** A checkout holding only setup.sh (npm ci already done) and a cache holding only liburing's source package. */
function sandbox(): { setup: string; cache: string; lr: string } {
  const root = mkdtempSync(join(tmpdir(), 'uspec-setup-'));
  mkdirSync(join(root, 'repo', 'scripts'), { recursive: true });
  mkdirSync(join(root, 'repo', 'node_modules'));
  writeFileSync(join(root, 'repo', 'scripts', 'setup.sh'), readFileSync('scripts/setup.sh'));
  writeFileSync(join(root, 'repo', 'package-lock.json'), '{}');
  utimesSync(join(root, 'repo', 'package-lock.json'), new Date(2020, 0, 1), new Date(2020, 0, 1));
  writeFileSync(join(root, 'repo', 'node_modules', '.package-lock.json'), '{}');
  const cache = join(root, 'cache');
  mkdirSync(join(cache, 'src'), { recursive: true });
  for (const f of readdirSync(SRC).filter((n) => n.startsWith('liburing_2.9'))) symlinkSync(join(SRC, f), join(cache, 'src', f));
  return { setup: join(root, 'repo', 'scripts', 'setup.sh'), cache, lr: join(cache, 'liburing-2.9') };
}

const setup = (s: { setup: string; cache: string }, ...args: string[]) =>
  execa('bash', [s.setup, ...args], { reject: false, all: true, env: { ...process.env, URINGSPEC_CACHE: s.cache } });

describe.skipIf(!haveSource)('setup.sh: liburing', () => {
  it('two setups at once build once; the marker holds the sha256 that uringspec checks; damage is rebuilt', async () => {
    const s = sandbox();
    const [a, b] = await Promise.all([setup(s), setup(s)]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    const both = `${a.all}\n${b.all}`;
    expect(both.match(/\[setup\] building liburing 2\.9-1 \(static\)/g)).toHaveLength(1);
    expect(both).toMatch(/\[setup\] waiting for another setup/);
    const marker = join(s.lr, '.built-2.9-1');
    expect(readFileSync(marker, 'utf8').trim()).toBe(sha(join(s.lr, 'lib', 'liburing.a')));
    // uringspec builds and runs with it.
    const lr = { ...process.env, URINGSPEC_LIBURING: s.lr, URINGSPEC_CACHE: s.cache };
    const ok = await execa('node', ['bin/uringspec.mjs', 'run', 'test/fixtures/basic.yaml', '--quiet'], { reject: false, env: lr });
    expect(ok.exitCode, ok.stderr).toBe(0);

    // An archive that no longer matches: uringspec refuses it, setup rebuilds it.
    appendFileSync(join(s.lr, 'lib', 'liburing.a'), 'damage');
    const refused = await execa('node', ['bin/uringspec.mjs', 'run', 'test/fixtures/basic.yaml', '--quiet'], { reject: false, env: lr });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('does not match the sha256 setup recorded');
    const repaired = await setup(s);
    expect(repaired.all).toContain('(lib/liburing.a does not match the sha256 in');
    expect(readFileSync(marker, 'utf8').trim()).toBe(sha(join(s.lr, 'lib', 'liburing.a')));

    // Nothing to do now; an empty marker (older setup) is filled in; --rebuild builds.
    expect((await setup(s)).all).not.toMatch(/building liburing/);
    writeFileSync(marker, '');
    expect((await setup(s)).all).toContain(`recorded the sha256 of ${join(s.lr, 'lib', 'liburing.a')}`);
    expect(readFileSync(marker, 'utf8').trim()).toBe(sha(join(s.lr, 'lib', 'liburing.a')));
    expect((await setup(s, '--rebuild')).all).toMatch(/building liburing 2\.9-1 \(static\) into .* \(--rebuild\)/);
    const bad = await setup(s, '--frobnicate');
    expect(bad.exitCode).toBe(2);
    expect(bad.all).toContain('setup: unknown option --frobnicate (known: --rebuild)');
  }, 600_000);
});
