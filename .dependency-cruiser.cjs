// The import rules between folders: data flows one way, down the pipeline.
// `npm run lint:deps` (and so `npm test`'s lint step and .ci/run) fails with
// the file and the rule when an import goes anywhere not listed here.
//
//   core                      contract, errors, cache, toolchain: imports nothing of ours
//   specs  -> model -> generator       the scenario language, the reference model, spec -> C
//   series -> kernel                   patch series ingestion, kernel recipes and builds
//   coverage                           the series' added lines vs gcov counts (series' diffs, no build code)
//   vm                                 QEMU: boots a kernel image, runs items over ttyS1
//   exec                               compiles the suite, runs items on a target (host or vm)
//   judge                              observations vs the model: verdicts
//   report                             RunReport and its formats
//   workflows                          gate, run, repro, minimize, fuzz: orchestrate the rest
//   cli                                parses arguments, calls one workflow
const layers = {
  core: [],
  specs: ['core'],
  model: ['core', 'specs'],
  generator: ['core', 'specs', 'model'],
  series: ['core'],
  kernel: ['core', 'series'],
  coverage: ['core', 'series'],
  vm: ['core'],
  exec: ['core', 'specs', 'generator', 'kernel', 'vm'],
  judge: ['core', 'specs', 'model', 'exec'],
  report: ['core', 'specs', 'model', 'judge', 'coverage'],
  workflows: ['core', 'specs', 'model', 'generator', 'series', 'kernel', 'coverage', 'vm', 'exec', 'judge', 'report'],
  cli: ['core', 'specs', 'model', 'generator', 'series', 'kernel', 'coverage', 'vm', 'exec', 'judge', 'report', 'workflows'],
};

const allowed = [
  // node builtins and npm packages
  { from: {}, to: { dependencyTypes: ['core', 'npm', 'npm-dev'] } },
  // tests, benchmarks and the launcher may use anything
  { from: { path: '^(test|bench|bin)/' }, to: {} },
  ...Object.entries(layers).map(([name, deps]) => ({
    comment: `src/${name} may import: ${[name, ...deps].join(', ')}`,
    from: { path: `^src/${name}/` },
    to: { path: `^src/(${[name, ...deps].join('|')})/` },
  })),
];

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'an import cycle', from: {}, to: { circular: true } },
    { name: 'not-to-unresolvable', severity: 'error', from: {}, to: { couldNotResolve: true } },
  ],
  allowed,
  allowedSeverity: 'error',
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      extensions: ['.ts', '.mjs', '.js'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
