// `uringspec series show|export <input>`: what a patch series contains, read
// from a public-inbox thread page (.txt), an mbox, or a format-patch dir.
import { parseArgs } from 'node:util';
import { patchFileName, writeFormatPatches } from '../../series/format-patch.ts';
import { readSeries, type Series } from '../../series/read-series.ts';
import { type Command } from '../command.ts';
import { prepareOut } from '../out.ts';
import { UsageError } from '../../core/errors.ts';
import { printable } from '../../core/text.ts';

const USAGE = `uringspec series show <input> [--json] [--series-version N]
uringspec series export <input> --out DIR [--series-version N]
  <input>: an mbox (mboxrd), a public-inbox thread page saved as text, or a
  directory of git format-patch files. Cover letters (0/N) and replies (Re:)
  are skipped; the newest vN is taken unless --series-version is given.

  show      table of patches: n/m, subject, author, files, +/- lines
  export    write each patch as NNNN-subject.patch (git am accepts them)
  --json    show: the patches as JSON (with message and diff)
Exit: 0 ok, 2 usage error or bad input (not a series, no patches, a numbering gap).`;

function truncate(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + '…';
}

/** Text from the mail, for the terminal: escape sequences and line breaks made visible, never acted on. */
function table(series: Series): string {
  const rows = series.patches.map((p) => [
    `${p.index}/${p.total}`,
    truncate(printable(p.subject), 60),
    printable(p.author.email ? `${p.author.name} <${p.author.email}>` : p.author.name),
    truncate(printable(p.files.join(', ')), 50),
    `+${p.added} -${p.removed}`,
  ]);
  const head = ['n/m', 'subject', 'author', 'files', 'lines'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const total = series.patches.reduce((a, p) => ({ added: a.added + p.added, removed: a.removed + p.removed }), { added: 0, removed: 0 });
  const other = series.otherVersions.length ? ` (also in input: ${series.otherVersions.map((v) => `v${v}`).join(', ')})` : '';
  return [
    printable(
      `${series.input}: ${series.format}, v${series.version}${other}${series.coverSubject ? `, cover: ${series.coverSubject}` : ''}`,
    ),
    fmt(head),
    ...rows.map(fmt),
    `${series.patches.length} patch(es), +${total.added} -${total.removed}`,
  ].join('\n');
}

const command: Command = {
  name: 'series',
  summary: 'list or export the patches of a series (mbox, thread page, format-patch dir)',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, out: { type: 'string' }, 'series-version': { type: 'string' } },
    });
    const [sub, input, ...extra] = positionals;
    if (sub !== 'show' && sub !== 'export') throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'name a subcommand: show or export');
    if (!input) throw new UsageError(`series ${sub} needs an input (mbox, thread page or directory)`);
    if (extra.length) throw new UsageError(`unexpected argument ${extra[0]}`);
    const v = values['series-version'];
    if (v !== undefined && !/^[1-9]\d*$/.test(v)) throw new UsageError('--series-version takes a positive number');
    const series = await readSeries(input, v ? { version: Number(v) } : {});
    if (sub === 'show') {
      process.stdout.write((values.json ? JSON.stringify(series, null, 2) : table(series)) + '\n');
      return 0;
    }
    if (!values.out) throw new UsageError('series export needs --out DIR');
    prepareOut({ path: values.out, kind: 'dir', writes: series.patches.map(patchFileName), inputs: [input] });
    for (const path of await writeFormatPatches(series.patches, values.out)) process.stdout.write(path + '\n');
    return 0;
  },
};

export default command;
