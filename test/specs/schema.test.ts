import { describe, expect, it } from 'vitest';
import { formatSpecError, loadSpecText, loadSpecs } from '../../src/specs/load.ts';
import { BASE, MALFORMED } from './malformed.cases.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('spec schema', () => {
  it('accepts the base scenario and fills defaults', () => {
    const r = loadSpecText('x.yaml', BASE);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const sc = r.loaded.spec.scenarios[0]!;
    expect(sc.ring).toEqual({ entries: 8, flags: [] });
    expect(sc.buffer_rings[0]!.abi).toBe('rfc-v1');
    expect(sc.socket.type).toBe('tcp');
  });

  it('has at least 20 malformed cases', () => expect(MALFORMED.length).toBeGreaterThanOrEqual(20));

  it.each(MALFORMED.map((c) => [c.name, c] as const))('rejects: %s', (_name, c) => {
    const text = c.text ?? BASE.replace(c.edit![0], c.edit![1]);
    if (c.edit) expect(BASE.includes(c.edit[0]), 'the edit must apply').toBe(true);
    const r = loadSpecText('x.yaml', text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(formatSpecError(r.errors[0]!)).toBe(`x.yaml:${c.error}`);
  });

  it('rejects duplicate scenario ids across files, naming both places', () => {
    const dir = mkdtempSync(join(tmpdir(), 'uspec-'));
    writeFileSync(join(dir, 'a.yaml'), BASE);
    writeFileSync(join(dir, 'b.yaml'), BASE);
    const { errors } = loadSpecs([dir]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/^duplicate scenario id "base" \(first defined at .*a\.yaml:3\)$/);
    expect(errors[0]!.line).toBe(3);
  });

  it('reports a missing file', () => {
    const { errors } = loadSpecs(['/nonexistent/spec.yaml']);
    expect(errors.map((e) => e.message)).toEqual(['no such file or directory']);
  });
});
