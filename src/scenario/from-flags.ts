/**
 * A scenario from `vrrp-lab simulate` flags:
 *
 *     --node lb1=lb1.conf[@192.0.2.11]   (repeatable; order = address order)
 *     --event "6 kill lb1"               (repeatable; the event words of events.ts)
 *     --until 20
 *
 * Mistakes become diagnostics whose "file" is the flag (`--event #2`), line 1,
 * and column the offending word in the flag's value, so the command can print
 * the value with a caret under the mistake.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import { instant, type Instant } from '../core/time.js';
import { diagnosticAt, END_GRACE_US, endEvents, parseEventLine, parseRunEnd, sortEvents, splitAtEnd, tokenize, type ScenarioEvent } from './events.js';
import { defaultUntil, ScenarioFileError, type Scenario, type ScenarioNode } from './scenario.js';

export interface SimulateFlags {
  readonly nodes: readonly string[];
  readonly events: readonly string[];
  readonly until?: string;
  readonly name?: string;
}

export interface FlagIo {
  resolve(path: string): string;
  exists(path: string): boolean;
}

const NODE_RE = /^([A-Za-z][\w.-]*)=(.+?)(?:@([^@]*))?$/;
const ADDRESS_RE = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** Where `--until`'s value is, for errors about the end. */
export const UNTIL_FLAG = { file: '--until', line: 1, column: 1 } as const;

/** The label a flag's diagnostics carry: `--node #1`, `--event #3`. */
export const flagLabel = (flag: string, index: number): string => `${flag} #${index + 1}`;

export function scenarioFromFlags(flags: SimulateFlags, io: FlagIo): Scenario {
  const diagnostics: Diagnostic[] = [];
  const nodes = flags.nodes.flatMap((text, i) => {
    const r = parseNodeFlag(text, i, io);
    if ('diagnostic' in r) {
      diagnostics.push(r.diagnostic);
      return [];
    }
    return r;
  });
  for (const [i, n] of nodes.entries()) {
    if (nodes.findIndex((m) => m.id === n.id) !== i) diagnostics.push(diagnosticAt({ file: flagLabel('--node', i), line: 1 }, 1, 'flag-duplicate-node', `node '${n.id}' is given twice`));
  }
  if (flags.nodes.length === 0) diagnostics.push({ code: 'flag-no-nodes', severity: 'error', message: 'give at least one --node NAME=FILE[@ADDRESS], or a .scenario file' });
  const ids = nodes.map((n) => n.id);
  const events: ScenarioEvent[] = [];
  const split = splitAtEnd(flags.events.map((text, i) => ({ text, i, tokens: tokenize(text) })));
  for (const { text, i } of split.lines) {
    const r = parseEventLine(text, { file: flagLabel('--event', i), line: 1, nodes: ids });
    if (r.ok) events.push(r.value);
    else diagnostics.push(...r.diagnostics);
  }
  if (split.endAt !== undefined) events.push(...endEvents(split.endAt, ids));
  let until: Instant | undefined;
  if (flags.until !== undefined) {
    const end = parseRunEnd(flags.until);
    if (typeof end === 'number') until = end;
    else diagnostics.push(diagnosticAt({ file: '--until', line: 1 }, 1, end.tooLong ? 'flag-run-too-long' : 'flag-bad-time', end.error));
  }
  if (diagnostics.length > 0) throw new ScenarioFileError(diagnostics);
  const sorted = sortEvents(events);
  const name = flags.name ?? `simulate ${flags.nodes.join(' ')}`;
  const endUntil = split.endAt === undefined ? undefined : instant(split.endAt + END_GRACE_US);
  return { name, nodes, events: sorted, until: until ?? endUntil ?? defaultUntil(sorted, []), ...(until === undefined ? {} : { untilLocation: UNTIL_FLAG }), expectations: [] };
}

function parseNodeFlag(text: string, i: number, io: FlagIo): ScenarioNode[] | { diagnostic: Diagnostic } {
  const ctx = { file: flagLabel('--node', i), line: 1 };
  const m = NODE_RE.exec(text);
  if (m === null) return { diagnostic: diagnosticAt(ctx, 1, 'flag-bad-node', `expected NAME=FILE[@ADDRESS], got '${text}'`, 'e.g. --node lb1=lb1.conf or --node lb1=lb1.conf@192.0.2.11') };
  const [, id, file, address] = m as unknown as [string, string, string, string | undefined];
  const fileColumn = id.length + 2;
  if (address !== undefined && !ADDRESS_RE.test(address)) {
    return { diagnostic: diagnosticAt(ctx, fileColumn + file.length + 1, 'flag-bad-address', `bad address '${address}': expected an IPv4 address such as 192.0.2.11`) };
  }
  const path = io.resolve(file);
  if (!io.exists(path)) return { diagnostic: diagnosticAt(ctx, fileColumn, 'flag-missing-file', `configuration file '${file}' not found`) };
  return [{ id, config: { kind: 'file', path }, ...(address !== undefined ? { address } : {}), location: { file: ctx.file, line: 1, column: 1 } }];
}
