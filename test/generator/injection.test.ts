// Hostile strings in every string field must never alter the C: the program
// generated with them must have the same token structure (outside string
// literals and comments) as with harmless strings.
import { describe, expect, it } from 'vitest';
import { generateProgram } from '../../src/generator/program.ts';
import { cComment, cString } from '../../src/generator/c-literal.ts';
import { loadSpecText } from '../../src/specs/load.ts';

const HOSTILE = [
  '"; system("rm -rf /"); "',
  '*/ int evil; /*',
  '\\',
  '??/',
  '\n#include <evil.h>\n',
  '%s%n%x',
  '\u0000nul',
  'ünïcödé ✓',
  '\\"); } int main(){ /*',
];

function spec(title: string, text: string): string {
  return `version: 1
scenarios:
  - id: s1
    title: ${JSON.stringify(title)}
    tags: [t]
    registered_buffers: [{ size: 64, fill: { text: ${JSON.stringify(text)} } }]
    steps:
      - send: { len: 8, source: { plain: { size: 8, fill: { text: ${JSON.stringify(text)} } } } }
      - wait: { cqes: 1 }
`;
}

/** C with every string literal and comment replaced by a placeholder: what is left is code. */
function codeSkeleton(c: string): string {
  // One pass, so a "/*" inside a string literal is not taken for a comment.
  return c.replace(/\/\*[\s\S]*?\*\/|"(?:[^"\\\n]|\\.)*"|\/\/[^\n]*/g, (m) => (m.startsWith('"') ? '""' : '/**/')).replace(/\b\d+\b/g, 'N'); // lengths of the literals legitimately differ
}

describe('no spec value reaches C unescaped', () => {
  const gen = (title: string, text: string) => {
    const r = loadSpecText('h.yaml', spec(title, text));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return generateProgram([{ spec: r.loaded, index: 0 }]).c;
  };
  const reference = codeSkeleton(gen('plain title', 'abc'));

  it.each(HOSTILE)('hostile string %j leaves the code unchanged', (s) => {
    const c = gen(s, s.length ? s : 'x');
    expect(codeSkeleton(c)).toBe(reference);
  });

  it('cString escapes quotes, backslashes, ? and non-printables', () => {
    expect(cString('a"b\\c?d\n')).toBe('"a\\042b\\134c\\077d\\012"');
    expect(cString('ü')).toBe('"\\303\\274"');
  });

  it('cComment cannot close or open a comment', () => {
    expect(cComment('x */ y /* z ??/')).not.toMatch(/\*\/|\/\*|\?\?/);
  });

  it('rejects ids that could not be identifiers', async () => {
    const { cIdent } = await import('../../src/generator/c-literal.ts');
    expect(() => cIdent('s_', 'a;b')).toThrow();
    expect(cIdent('s_', 'a-b_c')).toBe('s_a_b_c');
  });
});
