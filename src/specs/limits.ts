// Every limit on what input may ask of a run, in one place. Each keeps a typo
// or a hostile file from costing gigabytes or hours (a 50 MB spec with 221,223
// scenarios took 3.3 GB to generate; a YAML alias bomb expands to millions of
// nodes) and ends in an error that names the limit and the environment
// variable that raises it (docs/limits.md), before any long work starts.
import { UsageError } from '../core/errors.ts';

export interface Limit {
  /** Environment variable that overrides the default. */
  env: string;
  default: number;
  /** What is measured, for the message: "<what> is N; the limit is M". */
  what: string;
  unit: 'bytes' | 'MiB' | '';
}

export const LIMITS = {
  /** Bytes of one spec file, checked before it is read (the corpus's largest file is 5 KB). */
  specFileBytes: { env: 'URINGSPEC_MAX_SPEC_BYTES', default: 1 << 20, what: 'the size of the spec file', unit: 'bytes' },
  /**
   * Scenarios one command loads: they become one C program (1000 scenarios:
   * 1.6 MB of C, 27 s and 330 MB for gcc on this 2-core machine; the corpus has 122).
   */
  scenariosPerRun: { env: 'URINGSPEC_MAX_SCENARIOS', default: 1000, what: 'the number of scenarios in this run', unit: '' },
  /** Buffer bytes one scenario allocates (registered, provided and source buffers). */
  scenarioBytes: {
    env: 'URINGSPEC_MAX_SCENARIO_BYTES',
    default: 64 << 20,
    what: 'the memory the scenario allocates for buffers',
    unit: 'bytes',
  },
  /**
   * Nodes a spec file reaches through YAML aliases (each alias counts the size
   * of what it stands for), also passed to the yaml package as maxAliasCount.
   */
  yamlAliasNodes: {
    env: 'URINGSPEC_MAX_YAML_ALIASES',
    default: 100_000,
    what: 'the number of nodes reached through YAML aliases',
    unit: '',
  },
  /** Memory of the QEMU guest: the kernel, the initramfs (held twice: retain_initrd) and the largest scenario share it. */
  guestMemMB: { env: 'URINGSPEC_GUEST_MEM_MB', default: 256, what: 'the guest memory this run needs', unit: 'MiB' },
} as const satisfies Record<string, Limit>;

export type LimitName = keyof typeof LIMITS;

/** The limit in force: the environment variable when set (a positive integer), else the default. */
export function limitOf(name: LimitName): number {
  const l: Limit = LIMITS[name];
  const raw = process.env[l.env];
  if (raw === undefined || raw === '') return l.default;
  if (!/^[1-9][0-9]{0,15}$/.test(raw)) throw new UsageError(`${l.env} must be a positive integer, not "${raw}"`);
  return Number(raw);
}

/** "<what> is <value>; the limit is <limit> (set <ENV> to raise it)". */
export function overLimit(name: LimitName, value: number | string, detail = ''): string {
  const l: Limit = LIMITS[name];
  const unit = l.unit ? ` ${l.unit}` : '';
  return `${detail ? detail + ': ' : ''}${l.what} is ${value}${unit}; the limit is ${limitOf(name)}${unit} (set ${l.env} to raise it)`;
}
