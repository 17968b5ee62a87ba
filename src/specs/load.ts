// Loads YAML spec files and turns every problem into a SpecError that names
// file:line:col, the path inside the document, and the rule that was broken.
// Order of checks: file size → YAML syntax → aliases → zod schema →
// cross-field rules (rules.ts); the limits are in limits.ts.
import { readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { LineCounter, parseDocument, isAlias, isMap, isNode, isPair, isScalar, isSeq, type Alias, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { closest, printable } from '../core/text.ts';
import { limitOf, overLimit } from './limits.ts';
import { SpecFile, type Scenario } from './schema.ts';
import { crossFieldRules } from './rules.ts';

export interface SpecError {
  file: string;
  line: number;
  col: number;
  /** Path inside the document, e.g. scenarios[0].steps[2].send_zc.flags[1] */
  path: string;
  message: string;
}

export interface LoadedSpec {
  file: string;
  spec: SpecFile;
  /** Line of a path inside the document (1-based), for error messages of later stages. */
  lineOf(path: (string | number)[]): number;
}

/** One scenario of a loaded file: how every stage after loading names a scenario. */
export interface ScenarioRef {
  spec: LoadedSpec;
  index: number;
}

export const scenarioOf = (r: ScenarioRef): Scenario => r.spec.spec.scenarios[r.index]!;

export function allScenarios(specs: LoadedSpec[]): ScenarioRef[] {
  return specs.flatMap((spec) => spec.spec.scenarios.map((_, index) => ({ spec, index })));
}

export type LoadResult = { ok: true; loaded: LoadedSpec } | { ok: false; errors: SpecError[] };

/** One line, control characters made visible: file names and keys come from the user. */
export function formatSpecError(e: SpecError): string {
  return printable(`${e.file}:${e.line}:${e.col}: ${e.path ? e.path + ': ' : ''}${e.message}`);
}

export function pathToString(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s;
}

export function loadSpecText(file: string, text: string): LoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const pos = (offset: number) => lineCounter.linePos(offset);
  if (doc.errors.length) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const p = pos(e.pos[0]);
        return { file, line: p.line, col: p.col, path: '', message: `YAML: ${firstLine(e.message)}` };
      }),
    };
  }
  const locate = (path: readonly PropertyKey[], key?: string) => locateNode(doc, path, key, pos);
  const aliases = aliasProblem(doc);
  if (aliases) {
    const p = pos(aliases.at.range?.[0] ?? 0);
    return { ok: false, errors: [{ file, line: p.line, col: p.col, path: '', message: `YAML: ${aliases.message}` }] };
  }
  let data: unknown;
  try {
    // aliasProblem counts more strictly than the yaml package does: this cap is a second guard.
    data = doc.toJS({ maxAliasCount: limitOf('yamlAliasNodes') });
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    return { ok: false, errors: [{ file, line: 1, col: 1, path: '', message: `YAML: ${firstLine(e.message)}` }] };
  }
  const parsed = SpecFile.safeParse(data);
  if (!parsed.success) {
    const errors = parsed.error.issues.flatMap((issue) => explainIssue(issue, []));
    return {
      ok: false,
      errors: dedupe(errors.map((e) => ({ file, ...locate(e.path, e.key), path: pathToString(e.path), message: e.message }))),
    };
  }
  const ruleErrors = crossFieldRules(parsed.data);
  if (ruleErrors.length) {
    return { ok: false, errors: ruleErrors.map((e) => ({ file, ...locate(e.path), path: pathToString(e.path), message: e.message })) };
  }
  return {
    ok: true,
    loaded: { file, spec: parsed.data, lineOf: (path) => locate(path).line },
  };
}

export function loadSpecFile(file: string): LoadResult {
  let text: string;
  try {
    const st = statSync(file);
    // A FIFO or a device would block the read or never end.
    if (!st.isFile()) return { ok: false, errors: [{ file, line: 0, col: 0, path: '', message: 'not a regular file' }] };
    const size = st.size;
    if (size > limitOf('specFileBytes'))
      return { ok: false, errors: [{ file, line: 0, col: 0, path: '', message: overLimit('specFileBytes', size) }] };
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return {
      ok: false,
      errors: [{ file, line: 0, col: 0, path: '', message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }],
    };
  }
  return loadSpecText(file, text);
}

/** A spec file by its extension, in any case (*.yaml, *.yml, *.YAML). */
export const SPEC_FILE_RE = /\.ya?ml$/i;

/**
 * Expands files and directories (recursively) into the spec files they name,
 * sorted. Symbolic links to directories are followed; a directory reached
 * twice is read once, and a link back into a directory being read is a loop,
 * reported. A file reached through several links is loaded once.
 */
export function expandSpecPaths(inputs: string[]): { files: string[]; errors: SpecError[] } {
  const files: string[] = [];
  const errors: SpecError[] = [];
  const rel = (f: string) => relative(process.cwd(), resolve(f)) || f;
  const fileError = (f: string, message: string) => errors.push({ file: f, line: 0, col: 0, path: '', message });
  const readDirs = new Set<string>();
  const walk = (dir: string, open: Map<string, string>) => {
    const real = realpathSync(dir);
    const outer = open.get(real);
    if (outer !== undefined) return fileError(dir, `symbolic link loop: this is ${rel(outer)} again, which is being read`);
    if (readDirs.has(real)) return;
    readDirs.add(real);
    const inner = new Map(open).set(real, dir);
    for (const ent of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, ent.name);
      let [isDir, isFile] = [ent.isDirectory(), ent.isFile()];
      if (ent.isSymbolicLink()) {
        let st;
        try {
          st = statSync(p);
        } catch (e) {
          if (SPEC_FILE_RE.test(ent.name)) fileError(p, `dangling symbolic link (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
          continue;
        }
        [isDir, isFile] = [st.isDirectory(), st.isFile()];
      }
      if (isDir) walk(p, inner);
      else if (isFile && SPEC_FILE_RE.test(ent.name)) files.push(p);
    }
  };
  for (const input of inputs) {
    let st;
    try {
      st = statSync(input);
    } catch {
      fileError(input, 'no such file or directory');
      continue;
    }
    if (st.isDirectory()) walk(input, new Map());
    else files.push(input);
  }
  // One entry per file, whatever the path it was reached by.
  const seen = new Set<string>();
  const unique = files.filter((f) => {
    const real = realpathSync(f);
    return !seen.has(real) && seen.add(real);
  });
  return { files: unique.map(rel), errors: errors.map((e) => ({ ...e, file: rel(e.file) })) };
}

/** Spec errors that stop a command before any work: main prints each at its file:line:col, exit 2. */
export class SpecLoadError extends Error {
  constructor(readonly errors: SpecError[]) {
    super(`${errors.length} spec error(s)`);
    this.name = 'SpecLoadError';
  }
}

/** loadSpecs, throwing SpecLoadError when anything does not load. */
export function loadSpecsOrThrow(inputs: string[]): LoadedSpec[] {
  const { specs, errors } = loadSpecs(inputs);
  if (errors.length) throw new SpecLoadError(errors);
  return specs;
}

/**
 * Loads many files; scenario ids must be unique across all of them (they name
 * tests in every report). Stops at the file where the scenarios go over the
 * per-run limit.
 */
export function loadSpecs(inputs: string[]): { specs: LoadedSpec[]; errors: SpecError[] } {
  const { files, errors } = expandSpecPaths(inputs);
  if (!files.length && !errors.length)
    errors.push({ file: inputs.join(' '), line: 0, col: 0, path: '', message: 'no .yaml spec files found' });
  const specs: LoadedSpec[] = [];
  const seen = new Map<string, string>();
  const maxScenarios = limitOf('scenariosPerRun');
  let count = 0;
  for (const f of files) {
    const r = loadSpecFile(f);
    if (!r.ok) {
      errors.push(...r.errors);
      continue;
    }
    const before = count;
    count += r.loaded.spec.scenarios.length;
    if (count > maxScenarios) {
      const path = ['scenarios', maxScenarios - before];
      errors.push({
        file: f,
        line: r.loaded.lineOf(path),
        col: 1,
        path: pathToString(path),
        message: overLimit(
          'scenariosPerRun',
          f === files[files.length - 1] ? count : `at least ${count}`,
          `scenario ${maxScenarios + 1} of this run`,
        ),
      });
      break;
    }
    r.loaded.spec.scenarios.forEach((s, i) => {
      const prev = seen.get(s.id);
      const path = ['scenarios', i, 'id'];
      if (prev)
        errors.push({
          file: f,
          line: r.loaded.lineOf(path),
          col: 1,
          path: pathToString(path),
          message: `duplicate scenario id "${s.id}" (first defined at ${prev})`,
        });
      else seen.set(s.id, `${f}:${r.loaded.lineOf(path)}`);
    });
    specs.push(r.loaded);
  }
  return { specs, errors };
}

// ---- zod issue → human message ------------------------------------------------

interface Explained {
  path: PropertyKey[];
  key?: string;
  message: string;
}

function explainIssue(issue: z.core.$ZodIssue, base: PropertyKey[]): Explained[] {
  const path = [...base, ...issue.path];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => ({ path: [...path, k], key: k, message: `unknown key "${k}"${suggest(k)}` }));
    case 'invalid_union': {
      // Report the branch that got furthest: the one whose discriminating key matched.
      const matched = issue.errors.find((branch) => !branch.some((b) => isShapeMismatch(b)));
      if (matched) return matched.flatMap((b) => explainIssue(b, path));
      return [{ path, message: issue.message }];
    }
    case 'invalid_type':
      if (/received undefined/.test(issue.message)) {
        const key = path[path.length - 1];
        return [{ path: path.slice(0, -1), message: `missing required key "${String(key)}" (expected ${issue.expected})` }];
      }
      return [{ path, message: `expected ${issue.expected}, got ${receivedOf(issue.message)}` }];
    case 'invalid_value':
      return [{ path, message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` }];
    case 'too_small':
      return [{ path, message: issue.origin === 'array' ? `needs at least ${issue.minimum} item(s)` : `must be >= ${issue.minimum}` }];
    case 'too_big':
      return [
        {
          path,
          message:
            issue.origin === 'array'
              ? `at most ${issue.maximum} item(s)`
              : issue.origin === 'string'
                ? `at most ${issue.maximum} characters`
                : `must be <= ${issue.maximum}`,
        },
      ];
    case 'invalid_format':
      return [{ path, message: issue.message.replace(/^Invalid string: /, '') }];
    case 'not_multiple_of':
      return [{ path, message: `must be a multiple of ${issue.divisor}` }];
    default:
      return [{ path, message: issue.message }];
  }
}

/** A branch issue that says "this is not the shape you meant" rather than "this field is wrong". */
function isShapeMismatch(i: z.core.$ZodIssue): boolean {
  if (i.code === 'unrecognized_keys' && i.path.length === 0) return true;
  if (i.code === 'invalid_type' && (i.path.length === 0 || (i.path.length === 1 && /received undefined/.test(i.message)))) return true;
  if (i.code === 'invalid_value' && i.path.length === 0) return true;
  if (i.code === 'invalid_union' && i.path.length === 0) return true;
  return false;
}

function receivedOf(message: string): string {
  return /received (\w+)/.exec(message)?.[1] ?? 'something else';
}

const KNOWN_KEYS = [
  'version',
  'scenarios',
  'id',
  'title',
  'tags',
  'timeout_ms',
  'ring',
  'entries',
  'cq_entries',
  'flags',
  'registered_buffers',
  'size',
  'placement',
  'fill',
  'count',
  'buffer_rings',
  'bgid',
  'abi',
  'buffers',
  'bid',
  'regbuf',
  'plain',
  'raw',
  'index',
  'offset',
  'len',
  'addr',
  'provided_buffers',
  'start_bid',
  'socket',
  'type',
  'sndbuf',
  'rcvbuf',
  'nonblocking',
  'steps',
  'send_zc',
  'send',
  'wait',
  'submit',
  'peer_recv',
  'peer_drain',
  'ring_add',
  'user_data',
  'buf_group',
  'buf_index',
  'msg_flags',
  'sqe_flags',
  'source',
  'expect',
  'cqes',
  'res',
  'notif',
  'usage',
  'ring_heads',
  'peer',
  'bytes',
  'page_offset',
  'byte',
  'seq',
  'text',
  'min',
  'max',
];

function suggest(k: string): string {
  const best = closest(k, KNOWN_KEYS);
  return best ? ` (did you mean "${best}"?)` : '';
}

// ---- YAML aliases ---------------------------------------------------------------

/**
 * What is wrong with the document's aliases, at the alias to blame: one that
 * names no anchor before it, one inside the node it names, or the one with
 * which the nodes reached through aliases go over the limit (an alias bomb:
 * nine aliases of nine aliases of ... of a list, millions of nodes from a few
 * lines). Each alias counts the size of the node it stands for, once per use.
 */
function aliasProblem(doc: Document): { at: Alias; message: string } | undefined {
  const limit = limitOf('yamlAliasNodes');
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  let through = 0;
  class Stop extends Error {
    constructor(
      readonly at: Alias,
      message: string,
    ) {
      super(message);
    }
  }
  const size = (node: unknown): number => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) throw new Stop(node, `alias *${node.source} has no anchor &${node.source} before it`);
      if (open.has(target)) throw new Stop(node, `alias *${node.source} is inside the node it names`);
      const n = sizes.get(target)!;
      through += n;
      if (through > limit) throw new Stop(node, overLimit('yamlAliasNodes', through, `at *${node.source} (${n} nodes)`));
      return n;
    }
    if (!isNode(node)) return 1;
    if (node.anchor) anchors.set(node.anchor, node);
    open.add(node);
    let n = 1;
    if (isMap(node)) for (const p of node.items) n += size(p.key) + size(p.value);
    else if (isSeq(node)) for (const item of node.items) n += size(item);
    open.delete(node);
    sizes.set(node, n);
    return n;
  };
  try {
    size(doc.contents);
  } catch (e) {
    if (e instanceof Stop) return { at: e.at, message: e.message };
    throw e;
  }
  return undefined;
}

// ---- path → line:col ----------------------------------------------------------

function locateNode(
  doc: Document,
  path: readonly PropertyKey[],
  key: string | undefined,
  pos: (o: number) => { line: number; col: number },
) {
  let node: unknown = doc.contents;
  let last: Node | null = doc.contents ?? null;
  for (const p of key ? path.slice(0, -1) : path) {
    const next = childOf(node, p);
    if (next === undefined) break;
    node = next.value;
    last = next.at ?? last;
  }
  if (key && isMap(node)) {
    const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && it.key.value === key);
    if (pair && isScalar(pair.key) && pair.key.range) return pos(pair.key.range[0]);
  }
  const range = (last as { range?: [number, number, number] } | null)?.range;
  return range ? pos(range[0]) : { line: 1, col: 1 };
}

function childOf(node: unknown, p: PropertyKey): { value: unknown; at: Node | null } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(p));
    if (!pair) return undefined;
    // Point at the value when there is one, else at the key.
    const at = (pair.value as Node | null) ?? (pair.key as Node);
    return { value: pair.value, at };
  }
  if (isSeq(node) && typeof p === 'number') {
    const item = node.items[p] as Node | undefined;
    return item === undefined ? undefined : { value: item, at: item };
  }
  return undefined;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

function dedupe(errors: SpecError[]): SpecError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = formatSpecError(e);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
