// The `host` profile: what the running kernel supports, read from the first
// CQE of a few corpus scenarios (model/profiles.ts HOST_PROBES) run natively.
// The probes are ordinary conformance scenarios, so a probe is never a guess.
import { release } from 'node:os';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { HOST_PROBES, hostFeaturesFromProbes, type HostFeatures } from '../model/profiles.ts';
import { loadSpecs } from '../specs/load.ts';
import { parseEvents } from '../exec/events.ts';
import { allScenarios, scenarioOf } from '../specs/load.ts';
import { buildSuite } from '../exec/suite.ts';
import { InfraError } from '../core/errors.ts';

const CORPUS = fileURLToPath(new URL('../../corpus', import.meta.url));
let cached: Promise<HostFeatures> | undefined;

export function probeHostFeatures(): Promise<HostFeatures> {
  cached ??= probe();
  return cached;
}

async function probe(): Promise<HostFeatures> {
  const ids = Object.values(HOST_PROBES) as string[];
  const { specs, errors } = loadSpecs([CORPUS]);
  if (errors.length) throw new InfraError(`corpus does not load: ${errors[0]!.message}`);
  const refs = allScenarios(specs).filter((r) => ids.includes(scenarioOf(r).id));
  const missing = ids.filter((id) => !refs.some((r) => scenarioOf(r).id === id));
  if (missing.length) throw new InfraError(`host probe scenarios missing from the corpus: ${missing.join(', ')}`);
  const { binary } = await buildSuite(refs);
  const firstRes: Record<string, number> = {};
  for (const id of ids) {
    const r = await execa(binary, [id], { reject: false, timeout: 10_000 });
    const cqe = parseEvents(r.stdout).cqes.find((c) => c.userData === 1n);
    if (cqe) firstRes[id] = cqe.res;
  }
  return hostFeaturesFromProbes(release(), firstRes);
}
