/**
 * The cluster `.scenario` format: one statement per line, `#` starts a comment,
 * paths are relative to the scenario file. It names a cluster configuration, says
 * what the configuration cannot (where fence devices sit, what storage the
 * services write), lists timed events and what must be true.
 *
 *     name    Seed 001: node01 dies, its VM moves to node02 after the fence
 *     config  seed001-cluster.conf             # cluster.conf (or corosync.conf)
 *     cib     cib.xml                          # with a corosync.conf: Pacemaker runs it
 *     seed    1
 *     until   120
 *     device  ipmi_an01 network ring [host an-node01.alteeve.ca]   # default: own network
 *     storage gfs2 vmspace                      # or: storage san NAME
 *     storage drbd r0 NODE1 NODE2 [dual-primary] [fencing resource-and-stonith|resource-only|dont-care]
 *     service vm:guest1 storage r0              # default: the first storage
 *     replication-network sn                    # DRBD's link (T linkdown NODE sn)
 *     io-interval 1                             # seconds between a guest's writes
 *     boot    60                                # a fenced node is back after this
 *     event   20 kill node01-p                  # or just: 20 kill node01-p
 *     expect  40 quorate node02-p               # or: inquorate
 *     expect  60 service vm:testbox1 on node02-p   # or: … stopped
 *     expect  fenced node01-p [after 20] [before 50] [at-least 2]
 *     expect  never fenced node02-p
 *     expect  never corruption                  # or: expect corruption [WORDS…]
 *     expect  30 frozen node02-p                # DLM (GFS2/clvmd) frozen; or: thawed
 *
 * Every mistake is a located ScenarioError (file:line:column).
 */
import { ScenarioError } from '../../core/errors.js';
import type { DrbdConfig, DrbdFencing, SharedDiskConfig } from '../../fencing/disk.js';
import type { ClusterExtras } from '../../spec/rhcs.js';

export interface Loc {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export type ClusterExpectation = { readonly loc: Loc; readonly text: string } & (
  | { readonly kind: 'quorate'; readonly at: number; readonly node: string; readonly quorate: boolean }
  | { readonly kind: 'service'; readonly at: number; readonly service: string; readonly node?: string }
  | { readonly kind: 'fenced'; readonly node: string; readonly after?: number; readonly before?: number; readonly atLeast: number }
  | { readonly kind: 'never-fenced'; readonly node: string }
  | { readonly kind: 'never-corruption' }
  | { readonly kind: 'corruption'; readonly words: readonly string[] }
  | { readonly kind: 'dlm'; readonly at: number; readonly node: string; readonly frozen: boolean }
);

export interface ClusterScenario {
  readonly file: string;
  readonly name?: string;
  readonly configPath: string;
  /** A Pacemaker CIB beside a corosync.conf. */
  readonly cibPath?: string;
  readonly seed: number;
  readonly untilS: number;
  readonly extras: ClusterExtras;
  readonly events: readonly { readonly text: string; readonly line: number }[];
  readonly expectations: readonly ClusterExpectation[];
}

interface Word {
  readonly w: string;
  readonly col: number;
}

const MAX_LINES = 10_000;
const NUM = /^\d+(\.\d{1,6})?$/;

class P {
  name?: string;
  config?: string;
  cib?: string;
  seed = 1;
  until?: number;
  devices: Record<string, { network?: string; host?: string }> = {};
  shared: SharedDiskConfig[] = [];
  drbd: DrbdConfig[] = [];
  serviceStorage: Record<string, string> = {};
  replicationNetwork?: string;
  ioIntervalS?: number;
  bootS?: number;
  events: { text: string; line: number }[] = [];
  expectations: ClusterExpectation[] = [];
  constructor(readonly file: string) {}
  fail(line: number, col: number, message: string): never {
    throw new ScenarioError('bad-scenario', message, { file: this.file, line, column: col });
  }
  num(line: number, w: Word | undefined, after: number, what: string): number {
    if (w === undefined) this.fail(line, after, `${what}: a number of seconds is missing`);
    if (!NUM.test(w.w)) this.fail(line, w.col, `${what}: '${w.w}' is not a number`);
    return Number(w.w);
  }
}

export function parseClusterScenario(text: string, file: string, resolvePath: (p: string) => string): ClusterScenario {
  const p: P = new P(file);
  const lines = text.split('\n');
  if (lines.length > MAX_LINES) p.fail(MAX_LINES + 1, 1, `more than ${MAX_LINES} lines`);
  lines.forEach((raw, i) => {
    const body = raw.replace(/#.*$/, '');
    const words: Word[] = [...body.matchAll(/\S+/g)].map((m) => ({ w: m[0], col: (m.index ?? 0) + 1 }));
    if (words.length > 0) statement(p, i + 1, words, body);
  });
  const config = p.config;
  if (config === undefined) p.fail(1, 1, "no 'config FILE' line: name the cluster.conf (or corosync.conf) to run");
  const lastEvent = Math.max(0, ...p.events.map((e) => Number(e.text.split(/\s+/)[0])));
  return {
    file, ...(p.name !== undefined ? { name: p.name } : {}), configPath: resolvePath(config), ...(p.cib !== undefined ? { cibPath: resolvePath(p.cib) } : {}), seed: p.seed,
    untilS: p.until ?? lastEvent + 60, events: p.events, expectations: p.expectations,
    extras: {
      devices: p.devices, ...(p.shared.length > 0 ? { shared: p.shared } : {}), ...(p.drbd.length > 0 ? { drbd: p.drbd } : {}),
      serviceStorage: p.serviceStorage, ...(p.replicationNetwork !== undefined ? { replicationNetwork: p.replicationNetwork } : {}),
      ...(p.ioIntervalS !== undefined ? { ioIntervalS: p.ioIntervalS } : {}), ...(p.bootS !== undefined ? { bootS: p.bootS } : {}), seed: p.seed,
    },
  };
}

function statement(p: P, line: number, words: Word[], body: string): void {
  const [head, ...rest] = words as [Word, ...Word[]];
  const end = head.col + head.w.length;
  if (NUM.test(head.w)) return void p.events.push({ text: body.trim(), line });
  switch (head.w) {
    case 'name': p.name = body.slice(end).trim(); return;
    case 'config': if (!rest[0]) p.fail(line, end, "'config' needs a file"); p.config = rest[0].w; return;
    case 'cib': if (!rest[0]) p.fail(line, end, "'cib' needs a file"); p.cib = rest[0].w; return;
    case 'seed': p.seed = Math.trunc(p.num(line, rest[0], end, 'seed')); return;
    case 'until': p.until = p.num(line, rest[0], end, 'until'); return;
    case 'io-interval': p.ioIntervalS = p.num(line, rest[0], end, 'io-interval'); if (p.ioIntervalS <= 0) p.fail(line, rest[0]!.col, 'io-interval must be above 0'); return;
    case 'boot': p.bootS = p.num(line, rest[0], end, 'boot'); return;
    case 'replication-network': if (!rest[0]) p.fail(line, end, "'replication-network' needs a network name"); p.replicationNetwork = rest[0].w; return;
    case 'device': return device(p, line, rest, end);
    case 'storage': return storage(p, line, rest, end);
    case 'service':
      if (rest.length !== 3 || rest[1]?.w !== 'storage') p.fail(line, rest[0]?.col ?? end, "write 'service SERVICE storage NAME'");
      p.serviceStorage[(rest[0] as Word).w] = (rest[2] as Word).w;
      return;
    case 'event':
      if (!rest[0]) p.fail(line, end, "'event' needs 'T VERB ARGS'");
      p.events.push({ text: body.slice(rest[0].col - 1).trim(), line });
      return;
    case 'expect': return void p.expectations.push(expectation(p, line, rest, end, body.slice(end).trim()));
    default: p.fail(line, head.col, `'${head.w}' is not a statement (name, config, cib, seed, until, device, storage, service, replication-network, io-interval, boot, event, expect)`);
  }
}

function device(p: P, line: number, rest: Word[], end: number): void {
  const [name, ...opts] = rest;
  if (name === undefined) p.fail(line, end, "'device' needs a fence device name");
  const d: { network?: string; host?: string } = {};
  for (let i = 0; i < opts.length; i += 2) {
    const k = opts[i] as Word;
    const v = opts[i + 1];
    if ((k.w !== 'network' && k.w !== 'host') || v === undefined) p.fail(line, k.col, "write 'device NAME network NET [host NODE]'");
    d[k.w] = v.w;
  }
  p.devices[name.w] = d;
}

function storage(p: P, line: number, rest: Word[], end: number): void {
  const [kind, name, ...opts] = rest;
  if (kind === undefined || name === undefined) p.fail(line, end, "write 'storage gfs2|san NAME' or 'storage drbd NAME NODE1 NODE2 [dual-primary] [fencing POLICY]'");
  if (kind.w === 'gfs2' || kind.w === 'san') return void p.shared.push({ name: name.w, clustered: kind.w === 'gfs2' });
  if (kind.w !== 'drbd') p.fail(line, kind.col, `'${kind.w}' is not a storage kind (gfs2, san, drbd)`);
  const [a, b, ...more] = opts;
  if (a === undefined || b === undefined) p.fail(line, name.col + name.w.length, 'a DRBD resource needs its two nodes');
  let dualPrimary = false;
  let fencing: DrbdFencing = 'dont-care';
  for (let i = 0; i < more.length; i++) {
    const w = more[i] as Word;
    if (w.w === 'dual-primary') dualPrimary = true;
    else if (w.w === 'fencing' && ['resource-and-stonith', 'resource-only', 'dont-care'].includes(more[i + 1]?.w ?? '')) fencing = (more[++i] as Word).w as DrbdFencing;
    else p.fail(line, w.col, `'${w.w}': expected dual-primary or 'fencing resource-and-stonith|resource-only|dont-care'`);
  }
  p.drbd.push({ name: name.w, nodes: [a.w, b.w], dualPrimary, fencing });
}

/**
 * The words of one expectation without `expect` (`40 quorate node1`, `fenced node3 before 50`,
 * `never corruption`), written at `loc` (where the first word starts): what the lab's goal
 * lines reuse. A mistake is a located ScenarioError.
 */
export function parseClusterExpectation(text: string, loc: Loc): ClusterExpectation {
  const words: Word[] = [...text.matchAll(/\S+/g)].map((m) => ({ w: m[0], col: loc.column + (m.index ?? 0) }));
  return expectation(new P(loc.file), loc.line, words, loc.column, text.trim());
}

function expectation(p: P, line: number, w: Word[], end: number, text: string): ClusterExpectation {
  const loc = { file: p.file, line, column: w[0]?.col ?? end };
  const base = { loc, text };
  const usage = "expected e.g. '40 quorate node1', '60 service vm:g on node2', 'fenced node3 before 50', 'never fenced node1', 'never corruption', '30 frozen node2'";
  if (w.length === 0) p.fail(line, end, usage);
  if (w[0]?.w === 'never') {
    if (w[1]?.w === 'corruption' && w.length === 2) return { ...base, kind: 'never-corruption' };
    if (w[1]?.w === 'fenced' && w[2] !== undefined && w.length === 3) return { ...base, kind: 'never-fenced', node: w[2].w };
    p.fail(line, w[1]?.col ?? end, usage);
  }
  if (w[0]?.w === 'corruption') return { ...base, kind: 'corruption', words: w.slice(1).map((x) => x.w) };
  if (w[0]?.w === 'fenced') return fencedExpectation(p, line, w, base);
  const at = p.num(line, w[0], end, 'expect');
  const [what, a, b, c] = w.slice(1);
  if ((what?.w === 'quorate' || what?.w === 'inquorate') && a && !b) return { ...base, kind: 'quorate', at, node: a.w, quorate: what.w === 'quorate' };
  if ((what?.w === 'frozen' || what?.w === 'thawed') && a && !b) return { ...base, kind: 'dlm', at, node: a.w, frozen: what.w === 'frozen' };
  if (what?.w === 'service' && a && b?.w === 'stopped' && !c) return { ...base, kind: 'service', at, service: a.w };
  if (what?.w === 'service' && a && b?.w === 'on' && c && w.length === 5) return { ...base, kind: 'service', at, service: a.w, node: c.w };
  return p.fail(line, what?.col ?? end, usage);
}

function fencedExpectation(p: P, line: number, w: Word[], base: { loc: Loc; text: string }): ClusterExpectation {
  const node = w[1];
  if (node === undefined) p.fail(line, (w[0]?.col ?? 1) + 6, "'fenced' needs a node");
  const out: { after?: number; before?: number; atLeast: number } = { atLeast: 1 };
  for (let i = 2; i < w.length; i += 2) {
    const k = w[i] as Word;
    if (k.w === 'after') out.after = p.num(line, w[i + 1], k.col + 5, 'after');
    else if (k.w === 'before') out.before = p.num(line, w[i + 1], k.col + 6, 'before');
    else if (k.w === 'at-least') out.atLeast = Math.trunc(p.num(line, w[i + 1], k.col + 8, 'at-least'));
    else p.fail(line, k.col, `'${k.w}': expected after T, before T or at-least N`);
  }
  return { ...base, kind: 'fenced', node: node.w, ...out };
}
