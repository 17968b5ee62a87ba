// Code generation as composition: a Sourcelike is a string or a nested list
// of them, rendered as one line; the Emitter owns indentation and remembers,
// for every C line, which spec path it came from, so a compiler error in
// generated C can be reported against the spec line that produced it.

export type Sourcelike = string | number | bigint | Sourcelike[];

export function render(s: Sourcelike): string {
  return Array.isArray(s) ? s.map(render).join('') : String(s);
}

export class Emitter {
  private readonly lines: string[] = [];
  /** origins[i] = spec path of C line i+1 (or undefined for boilerplate). */
  private readonly origins: (readonly (string | number)[] | undefined)[] = [];
  private depth = 0;
  private origin: readonly (string | number)[] | undefined;

  line(...parts: Sourcelike[]): this {
    const text = render(parts);
    this.lines.push(text === '' ? '' : '\t'.repeat(this.depth) + text);
    this.origins.push(this.origin);
    return this;
  }

  blank(): this {
    if (this.lines.length && this.lines[this.lines.length - 1] !== '') this.line('');
    return this;
  }

  /** `head {` body `}` with the body indented one level. */
  block(head: Sourcelike, body: () => void, tail: Sourcelike = '}'): this {
    this.line(head, ' {');
    this.indented(body);
    return this.line(tail);
  }

  /** A function definition, kernel style: the opening brace on its own line. */
  func(head: Sourcelike, body: () => void): this {
    this.line(head);
    this.line('{');
    this.indented(body);
    return this.line('}');
  }

  indented(body: () => void): this {
    this.depth++;
    try {
      body();
    } finally {
      this.depth--;
    }
    return this;
  }

  /** Lines emitted inside body are attributed to the spec path. */
  from(path: readonly (string | number)[], body: () => void): this {
    const prev = this.origin;
    this.origin = path;
    try {
      body();
    } finally {
      this.origin = prev;
    }
    return this;
  }

  /** Appends another emitter's output (keeps its origins). */
  append(other: Emitter): this {
    for (let i = 0; i < other.lines.length; i++) {
      const l = other.lines[i]!;
      this.lines.push(l === '' ? '' : '\t'.repeat(this.depth) + l);
      this.origins.push(other.origins[i]);
    }
    return this;
  }

  toString(): string {
    return this.lines.join('\n') + '\n';
  }

  originOf(cLine: number): readonly (string | number)[] | undefined {
    return this.origins[cLine - 1];
  }

  get lineCount(): number {
    return this.lines.length;
  }
}
