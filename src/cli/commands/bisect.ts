// `uringspec bisect`: which patch of a series a failing scenario comes from.
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { PROFILE_NAMES, type ProfileName } from '../../model/profiles.ts';
import { loadSpecsOrThrow } from '../../specs/load.ts';
import { bisectOne } from '../../workflows/bisect-one.ts';
import { bisectableRecipe } from '../../workflows/gate-bisect.ts';
import { gateKernels } from '../../workflows/gate-kernels.ts';
import { COMMON_OPTIONS, EXIT, UsageError, type Command } from '../command.ts';
import { progressPrinter } from '../progress.ts';
import { withSignals } from '../signals.ts';

const USAGE = `uringspec bisect <spec> -s|--scenario ID [options]
  Runs the scenario on the full series; if it fails there, builds the kernel
  at every prefix of the series (0 = the recipe's prerequisites alone, then
  + patch 1, + 1..2, ...; cached by content), runs the scenario on each,
  judged by the full series' model, and names the first patch with which it
  fails the same way. Writes a reply to that patch (In-Reply-To its
  Message-ID, the hunk quoted, the reproducer inline) into --out.

  -k, --kernel R          the full series' recipe (name or file; default sendzc-provided-rfc):
                          its last patch entry is the series bisected
  --series FILE...        the series as gate --series takes it (an mbox, a thread page, a
                          format-patch directory), applied on the baseline recipe; the last
                          one given is bisected
  --base debian:PKG=VER   with --series: apply them on this Debian source instead
  --profile P             model profile of the full series: ${PROFILE_NAMES.filter((p) => p !== 'host').join(', ')} (default: from the recipe)
  --accel auto|kvm|tcg
  --minimize              shrink the scenario first (same failure signature) for the reply's reproducer
  -o, --out DIR           where the reply goes (default out/bisect)
  -q, --quiet
Exit: 0 nothing to bisect (the scenario passes on the full series, or has no oracle there);
      1 bisected (it fails there); 2 usage or infrastructure error.`;

const command: Command = {
  name: 'bisect',
  summary: 'which patch of the series a failing scenario appears with, and a reply to it',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...COMMON_OPTIONS,
        scenario: { type: 'string', short: 's' },
        kernel: { type: 'string', short: 'k' },
        series: { type: 'string', multiple: true },
        base: { type: 'string' },
        profile: { type: 'string' },
        accel: { type: 'string', default: 'auto' },
        minimize: { type: 'boolean', default: false },
        out: { type: 'string', short: 'o', default: 'out/bisect' },
      },
    });
    if (positionals.length !== 1 || !values.scenario) throw new UsageError('name one spec file and --scenario ID');
    if (!['auto', 'kvm', 'tcg'].includes(values.accel)) throw new UsageError('--accel must be auto, kvm or tcg');
    if (values.profile !== undefined && !(PROFILE_NAMES as readonly string[]).includes(values.profile))
      throw new UsageError(`--profile must be one of ${PROFILE_NAMES.join(', ')}`);
    const spec = loadSpecsOrThrow(positionals)[0]!;
    const index = spec.spec.scenarios.findIndex((s) => s.id === values.scenario);
    if (index < 0) throw new UsageError(`no scenario "${values.scenario}" in ${spec.file}`);
    // The full series' kernel, as gate names it (gate-kernels.ts): a recipe, or --series built in memory.
    const [patched] = await gateKernels({
      ...(values.kernel ? { recipe: values.kernel } : {}),
      series: (values.series ?? []).map((path) => ({ path })),
      ...(values.base !== undefined ? { base: values.base } : {}),
      ...(values.profile ? { profile: values.profile as ProfileName } : {}),
    });
    const recipe = await bisectableRecipe(patched!.kernel);
    const profile = patched!.profile;
    const r = await withSignals((signal) =>
      bisectOne({
        spec,
        index,
        recipe,
        kernel: patched!.kernel,
        profile,
        accel: values.accel as 'auto' | 'kvm' | 'tcg',
        outDir: values.out,
        minimize: values.minimize,
        progress: progressPrinter(values.quiet),
        signal,
      }),
    );
    if (r.kind === 'nothing') {
      const why = r.result.status === 'pass' ? 'it passes' : `${r.result.status}: ${r.result.summary}`;
      process.stdout.write(`nothing to bisect: ${values.scenario} on ${r.label} (model ${profile}): ${why}\n`);
      return r.result.status === 'error' || r.result.status === 'lost' ? EXIT.infra : EXIT.pass;
    }
    process.stdout.write(printBisect(r));
    return EXIT.fail;
  },
};
export default command;

/** The verdict, then what each prefix did, then where the reply is. */
export function printBisect(r: Extract<Awaited<ReturnType<typeof bisectOne>>, { kind: 'bisected' }>): string {
  const n = r.report.series.patches.length;
  return (
    [
      `${r.finding.id} on ${r.label}: ${r.result.summary}`,
      `  ${r.finding.text}`,
      ...r.finding.steps.map((s) => `    ${String(s.prefix).padStart(2)}/${n} ${s.outcome.padEnd(10)} ${s.detail}`),
      ...r.report.prefixes.filter((p) => p.status === 'skipped').map((p) => `  prefix ${p.index} skipped: ${p.reason}`),
      r.mail
        ? `reply: ${relative(process.cwd(), r.mail)}`
        : `no reply written (${r.finding.verdict === 'baseline' ? 'not the series' : 'no Message-ID to answer'})`,
    ].join('\n') + '\n'
  );
}
