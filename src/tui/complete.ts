/**
 * Tab completion for the `:` line: the first word from the verbs, every later
 * word from the names the session shows (nodes, scripts, interfaces, servers).
 *
 * Theory of operation: the last word (after the last space) is the prefix. One
 * candidate completes it and adds a space; several complete their common prefix
 * (bash does the same), none leaves the line as it was.
 */

export function complete(line: string, verbs: readonly string[], names: readonly string[]): string {
  const cut = line.lastIndexOf(' ') + 1;
  const head = line.slice(0, cut);
  const prefix = line.slice(cut);
  const pool = head.trim() === '' ? verbs : names;
  const matches = [...new Set(pool.filter((w) => w.startsWith(prefix)))];
  if (matches.length === 0) return line;
  if (matches.length === 1) return `${head}${matches[0]} `;
  return head + commonPrefix(matches);
}

function commonPrefix(words: readonly string[]): string {
  let p = words[0] ?? '';
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/** Candidates for the last word, for the hint under the `:` line. */
export function candidates(line: string, verbs: readonly string[], names: readonly string[]): readonly string[] {
  const cut = line.lastIndexOf(' ') + 1;
  const pool = line.slice(0, cut).trim() === '' ? verbs : names;
  const prefix = line.slice(cut);
  return [...new Set(pool.filter((w) => w.startsWith(prefix)))];
}
