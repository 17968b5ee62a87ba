// Kconfig silently drops a symbol whose dependencies are not met, so every
// line a fragment asks for is checked against the final .config.
import { readFile } from 'node:fs/promises';

export interface KconfigMismatch {
  fragment: string;
  wanted: string;
  got: string;
}

export function parseConfig(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const set = line.match(/^(CONFIG_[A-Za-z0-9_]+)=(.*)$/);
    if (set) values.set(set[1]!, set[2]!);
    const unset = line.match(/^# (CONFIG_[A-Za-z0-9_]+) is not set$/);
    if (unset) values.set(unset[1]!, 'n');
  }
  return values;
}

export async function checkKconfig(configPath: string, fragments: string[]): Promise<KconfigMismatch[]> {
  const final = parseConfig(await readFile(configPath, 'utf-8'));
  const bad: KconfigMismatch[] = [];
  for (const fragment of fragments) {
    for (const [sym, wanted] of parseConfig(await readFile(fragment, 'utf-8'))) {
      const got = final.get(sym) ?? 'n';
      if (got !== wanted) bad.push({ fragment, wanted: `${sym}=${wanted}`, got: got === 'n' ? `${sym} not set` : `${sym}=${got}` });
    }
  }
  return bad;
}
