/**
 * `vrrp-lab ipvs pick|explain`: run one of the kernel's IPVS schedulers by hand.
 *
 * Theory of operation: the servers are added to a fresh virtual service in the
 * order given, as successive `ipvsadm -a` (or keepalived) add them — so the
 * kernel list, which decides ties, is the reverse of that order. Each new
 * connection is scheduled, bound (counted inactive, which may set the overload
 * flag) and then, being a TCP SYN that makes the connection SYN_RECV, counted
 * active; with --close it is counted inactive instead (a closed connection lingers
 * in FIN_WAIT/TIME_WAIT, still in the table).
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from '../invalid-argument.js';
import { Rng } from '../../core/rng.js';
import { UsageError } from '../../core/errors.js';
import {
  IP_VS_SVC_F_SCHED_FALLBACK, IP_VS_SVC_F_SCHED_PORT, IpvsError, MH_PRIMES, SCHEDULER_NAMES, addDest, bindConn, createService,
  delDest, editDest, isOverloaded, isSchedulerName, overhead, schedule, setConnActive, type ConnKey, type Dest, type Service,
} from '../../ipvs/index.js';
import type { CliCommand } from '../command.js';
import { EXIT_OK } from '../exit-codes.js';
import { fmtAddr, hashLines } from '../ipvs/explain-hash.js';
import { ipv4ToNumber, serviceFromConfig, type ConfigService } from '../ipvs/from-config.js';

interface ServerArg {
  name: string;
  addr: number;
  weight: number;
  active: number;
  inactive: number;
  u: number;
  l: number;
  explicitAddr: boolean;
  /** As written, for messages. */
  spec: string;
}

const parseAddr = ipv4ToNumber;

/**
 * Bounds that keep the model exact and the command quick: the kernel's weight
 * range (ipvsadm's 0..65535), thresholds as ipvsadm takes them (0..INT_MAX), and
 * counts small enough that overhead × weight stays an exact integer in a double.
 */
const MAX_WEIGHT = 65535;
const MAX_THRESHOLD = 2147483647;
const MAX_CONNS = 1_000_000;
const MAX_COUNT = 100_000;
const DEFAULT_TIME_LIMIT_S = 30;

function bounded(what: string, v: string | undefined, max: number, value: string): number {
  if (v === undefined || v === '') return 0;
  if (!/^\d+$/.test(v) || Number(v) > max) throw new InvalidArgumentError(`'${value}': ${what} must be an integer 0..${max}, got '${v}'`);
  return Number(v);
}

/** ip_vs_ctl.c refuses l_threshold > u_threshold (ERANGE), u_threshold 0 included. */
function checkThresholds(value: string, u: number, l: number): void {
  if (l > u) throw new InvalidArgumentError(`'${value}': l_threshold ${l} is above u_threshold ${u} (the kernel refuses it: "lower threshold is higher than upper threshold")`);
}

function weightOf(w: string | undefined, value: string): number {
  if (w === undefined || w === '') throw new InvalidArgumentError(`'${value}': the weight is missing (NAME:WEIGHT, 0..${MAX_WEIGHT})`);
  return bounded('weight', w, MAX_WEIGHT, value);
}

function serverArg(value: string, previous: ServerArg[] = []): ServerArg[] {
  const [head = '', w, a, i, u, l, ...rest] = value.split(':');
  if (rest.length > 0 || w === undefined) throw new InvalidArgumentError(`'${value}': expected NAME[@ADDR]:WEIGHT[:ACTIVE:INACTIVE[:U_THRESHOLD[:L_THRESHOLD]]]`);
  const [name = '', at, ...more] = head.split('@');
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new InvalidArgumentError(`'${value}': server name must be letters, digits, . _ -`);
  const addr = at === undefined ? (10 << 24) + previous.length + 1 : parseAddr(at);
  if (addr === undefined || more.length > 0) throw new InvalidArgumentError(`'${value}': '${head.slice(name.length + 1)}' is not an IPv4 address`);
  const server = {
    name, addr, weight: weightOf(w, value),
    active: bounded('active', a, MAX_CONNS, value), inactive: bounded('inactive', i, MAX_CONNS, value),
    u: bounded('u_threshold', u, MAX_THRESHOLD, value), l: bounded('l_threshold', l, MAX_THRESHOLD, value),
    explicitAddr: at !== undefined, spec: value,
  };
  checkThresholds(value, server.u, server.l);
  return [...previous, server];
}

/** A list change between connections: `N add SPEC`, `N edit NAME:WEIGHT[:U:L]`, `N del NAME`. */
interface ChangeArg { after: number; op: 'add' | 'edit' | 'del'; server: ServerArg; spec: string }

function changeArg(value: string, previous: ChangeArg[] = []): ChangeArg[] {
  const m = /^\s*(\d+)\s+(add|edit|del)\s+(\S+)\s*$/.exec(value);
  if (!m) throw new InvalidArgumentError(`'${value}': expected 'N add NAME[@ADDR]:WEIGHT[:…]', 'N edit NAME:WEIGHT[:U_THRESHOLD[:L_THRESHOLD]]' or 'N del NAME'`);
  const op = m[2] as ChangeArg['op'];
  const spec = m[3] as string;
  const none = { addr: 0, weight: 0, active: 0, inactive: 0, u: 0, l: 0, explicitAddr: false, spec };
  let server: ServerArg;
  if (op === 'del') server = { ...none, name: spec };
  else if (op === 'edit') {
    const [name = '', w, u, l, ...rest] = spec.split(':');
    if (rest.length > 0 || w === undefined) throw new InvalidArgumentError(`'${value}': expected N edit NAME:WEIGHT[:U_THRESHOLD[:L_THRESHOLD]]`);
    server = { ...none, name, weight: weightOf(w, value), u: bounded('u_threshold', u, MAX_THRESHOLD, value), l: bounded('l_threshold', l, MAX_THRESHOLD, value) };
    checkThresholds(value, server.u, server.l);
  } else server = serverArg(spec, [])[0] as ServerArg;
  return [...previous, { after: Number(m[1]), op, server, spec: value.trim() }];
}

/**
 * Where a server added by --change lives when no ADDR is given: where a deleted
 * server of that name lived (so the kernel revives that entry, counters and
 * all, as `ipvsadm -a` of the same address does), else 10.0.0.(100+K), clear of
 * the initial servers' 10.0.0.N.
 */
function changeAddress(s: ServerArg, index: number, deleted: Map<string, number>): number {
  const addr = s.explicitAddr ? s.addr : (deleted.get(s.name) ?? (10 << 24) + 100 + index);
  for (const [name, at] of deleted) {
    // The kernel would revive the deleted entry, name and all: say so rather than print the old name.
    if (at === addr && name !== s.name) throw new UsageError(`--change add ${s.name}@${fmtAddr(addr)}: that is the address of the deleted server ${name}; add ${name} again instead`);
  }
  deleted.delete(s.name);
  return addr;
}

function applyChange(svc: Service, c: ChangeArg, index: number, deleted: Map<string, number>): void {
  const s = c.server;
  try {
    if (c.op === 'del') deleted.set(s.name, delDest(svc, s.name).addr);
    else if (c.op === 'edit') editDest(svc, s.name, { weight: s.weight, uThreshold: s.u, lThreshold: s.l });
    else {
      const addr = changeAddress(s, index, deleted);
      addDest(svc, { name: s.name, addr, port: 80, weight: s.weight, activeconns: s.active, inactconns: s.inactive, uThreshold: s.u, lThreshold: s.l });
    }
  } catch (e) {
    if (e instanceof IpvsError) throw new UsageError(`--change '${c.spec}': ${e.message}`);
    throw e;
  }
}

function addrArg(value: string): number {
  const a = parseAddr(value);
  if (a === undefined) throw new InvalidArgumentError(`'${value}' is not an IPv4 address`);
  return a;
}

function intArg(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError(`'${value}' is not a non-negative integer (up to 2^53 - 1)`);
  return Number(value);
}

function countArg(value: string): number {
  const n = intArg(value);
  if (n > MAX_COUNT) throw new InvalidArgumentError(`'${value}': at most ${MAX_COUNT} connections`);
  return n;
}

function timeLimitArg(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0) throw new InvalidArgumentError(`'${value}' is not a positive number of seconds`);
  return Number(value);
}

/** The servers of --config's virtual_server, as --server would give them. */
function configServers(config: ConfigService): ServerArg[] {
  return config.servers.map((s) => ({ ...s, active: 0, inactive: 0, explicitAddr: true, spec: s.name }));
}

function buildService(options: Readonly<Record<string, unknown>>, config: ConfigService | undefined): Service {
  const name = String(options['scheduler'] ?? config?.scheduler ?? 'wlc');
  if (!isSchedulerName(name)) throw new UsageError(`unknown scheduler '${name}' (one of ${SCHEDULER_NAMES.join(', ')})`);
  const given = (options['server'] as ServerArg[] | undefined) ?? [];
  if (config && given.length > 0) throw new UsageError('give the servers with --server or with --config, not both');
  const servers = config ? configServers(config) : given;
  if (servers.length === 0) throw new UsageError('give at least one --server NAME:WEIGHT (or --config keepalived.conf)');
  const flags = (options['fallback'] === true ? IP_VS_SVC_F_SCHED_FALLBACK : 0) | (options['hashPort'] === true ? IP_VS_SVC_F_SCHED_PORT : 0);
  const mhTableSize = Number(options['mhTableSize'] ?? 4093);
  if (!(MH_PRIMES as readonly number[]).includes(mhTableSize)) throw new UsageError(`--mh-table-size must be one of the kernel's primes: ${MH_PRIMES.join(', ')}`);
  const svc = createService({ scheduler: name, flags, mhTableSize });
  for (const s of servers) {
    try {
      addDest(svc, { name: s.name, addr: s.addr, port: 80, weight: s.weight, activeconns: s.active, inactconns: s.inactive, uThreshold: s.u, lThreshold: s.l });
    } catch (e) {
      if (e instanceof IpvsError) throw new UsageError(`--server '${s.spec}': ${e.message}`);
      throw e;
    }
  }
  return svc;
}

/** Changes must fall between connections: one at or after the last connection would change nothing. */
function checkChanges(changes: readonly ChangeArg[], n: number): void {
  const late = changes.find((c) => c.after >= n);
  if (late) throw new UsageError(`--change '${late.spec}' comes after the last of the ${n} connections (--count ${n}): it would change nothing`);
}

/**
 * sh and mh only ever return a server whose weight is > 0 and that is not
 * overloaded, fallback or not, and a pick changes nothing in their tables: when
 * no such server is left the answer is "none" without the search (with
 * --fallback, Maglev would re-hash up to M times per connection).
 */
function hashingHopeless(svc: Service): boolean {
  const name = svc.scheduler.name;
  return (name === 'sh' || name === 'mh') && !svc.dests.some((d) => d.weight > 0 && !isOverloaded(d));
}

function connFor(i: number, options: Readonly<Record<string, unknown>>, config?: ConfigService): ConnKey {
  const seqAddr = ((198 << 24) | (51 << 16) | (100 << 8)) + 1 + i;
  const client = options['client'] as number | undefined;
  const dest = (options['dest'] as number | undefined) ?? config?.vip;
  return { saddr: (client ?? seqAddr) >>> 0, sport: 40000 + i, daddr: (dest ?? seqAddr) >>> 0, dport: 80 };
}

/**
 * The picks, in order. Some lists make the kernel's own loops long (wrr with
 * weights 65535 and 1 when every server is overloaded walks 65535 thresholds
 * per connection): past --time-limit seconds the command stops with a usage
 * error rather than seem to hang.
 */
function runPicks(svc: Service, n: number, options: Readonly<Record<string, unknown>>, config?: ConfigService): (string | null)[] {
  const rng = Rng.fromSeed(Number(options['seed'] ?? 1)).fork('ipvs');
  const out: (string | null)[] = [];
  const changes = (options['change'] as ChangeArg[] | undefined) ?? [];
  checkChanges(changes, n);
  const deleted = new Map<string, number>();
  const limitS = Number(options['timeLimit'] ?? DEFAULT_TIME_LIMIT_S);
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    if (performance.now() - started > limitS * 1000) {
      throw new UsageError(`gave up after ${i} of ${n} connections and ${limitS} s (--time-limit): this list makes the scheduler's loops long; lower --count`);
    }
    changes.forEach((c, k) => {
      if (c.after === i) applyChange(svc, c, k, deleted);
    });
    const d = hashingHopeless(svc) ? undefined : schedule(svc, connFor(i, options, config), { now: 0, rng });
    out.push(d?.name ?? null);
    if (d === undefined) continue;
    bindConn(d);
    if (options['close'] !== true) setConnActive(d, true);
  }
  return out;
}

/** The connection's addresses, and where each came from (a hashing scheduler's answer depends on them). */
function addressLine(conn: ConnKey, options: Readonly<Record<string, unknown>>, config: ConfigService | undefined): string {
  const client = options['client'] !== undefined ? '--client' : 'default: a new client per connection, 198.51.100.1, .2, …; --client sets it';
  const dest = options['dest'] !== undefined ? '--dest' : config ? `default: the virtual_server's address, ${config.label}` : 'default: a new destination per connection, as the client; --dest sets it';
  return `client ${fmtAddr(conn.saddr)} (${client}), destination ${fmtAddr(conn.daddr)} (${dest})`;
}

function explainLines(svc: Service, conn: ConnKey, options: Readonly<Record<string, unknown>>, config: ConfigService | undefined): string[] {
  const hashing = hashLines(svc, conn);
  const load = hashing === undefined || svc.scheduler.name.startsWith('lblc');
  const lines = [`scheduler ${svc.scheduler.name}${config ? ` (virtual_server ${config.label})` : ''}; kernel list order (newest first)${load ? " and each server's load" : ''}:`];
  for (const d of svc.dests) {
    const counts = load ? `  active ${String(d.activeconns).padStart(5)}  inactive ${String(d.inactconns).padStart(5)}  overhead ${String(overhead(d)).padStart(7)} (=active*256+inactive)` : '';
    lines.push(`  ${d.name.padEnd(10)} weight ${String(d.weight).padStart(5)}${counts}${isOverloaded(d) ? '  OVERLOADED (skipped)' : ''}${d.weight === 0 ? '  weight 0 (quiesced)' : ''}`);
  }
  lines.push(addressLine(conn, options, config), ...(hashing ?? []));
  if (['wlc', 'lblc', 'lblcr'].includes(svc.scheduler.name)) lines.push(...wlcSteps(svc));
  return lines;
}

function wlcSteps(svc: Service): string[] {
  const out: string[] = [];
  let least: Dest | undefined;
  for (const d of svc.dests) {
    if (isOverloaded(d)) continue;
    if (least === undefined) {
      if (d.weight > 0) {
        least = d;
        out.push(`  start with ${d.name} (first not overloaded with weight > 0)`);
      }
      continue;
    }
    const lhs = overhead(least) * d.weight;
    const rhs = overhead(d) * least.weight;
    const wins = lhs > rhs;
    out.push(`  ${least.name} vs ${d.name}: ${overhead(least)}*${d.weight} = ${lhs} ${wins ? '>' : '<='} ${overhead(d)}*${least.weight} = ${rhs} → ${wins ? d.name : least.name}`);
    if (wins) least = d;
  }
  return out;
}

export const ipvsCommand: CliCommand = {
  usage: 'ipvs <action>',
  summary: 'run a Linux IPVS scheduler by hand: which real server each new connection gets (pick, explain)',
  description: `Explore the kernel's IPVS schedulers (${SCHEDULER_NAMES.join(', ')}).

  pick     print the server chosen for each of --count new TCP connections
  explain  show the computation behind one pick

Servers: --server NAME[@ADDR]:WEIGHT[:ACTIVE:INACTIVE[:U_THRESHOLD[:L_THRESHOLD]]],
repeated, added in the order given as successive 'ipvsadm -a' add them. The
kernel links each new server at the HEAD of its list, so the last one given
comes first and wins ties. ADDR defaults to 10.0.0.N (N = position); port 80.
--change 'N add|edit|del …' changes the list after N connections (repeat):
'3 add d:2' (as ipvsadm -a), '4 edit a:0' (as ipvsadm -e: weight, thresholds),
'5 del b' (as ipvsadm -d). A server added by --change without @ADDR takes
10.0.0.(100+K), K its place among the --change options, or, when it names a
deleted server, that server's address: the kernel then revives the old entry
with its counters, as ipvsadm -a of the same address does.
Each connection stays open and counts as active unless --close (then it counts
as inactive, as a closed connection waiting out TIME_WAIT does).

Or take the servers from keepalived: --config keepalived.conf reads a
virtual_server block (--service VIP:PORT chooses one when there are several):
its real servers in the order written, named IP:PORT, with their weight (1 when
not given) and thresholds, and its lb_algo as the scheduler unless -s is given.

Kernel generation: connection counting follows Linux 4.8 and later, where a
connection still in SYN_RECV (a connect the real server never completed, or
one whose SYN-ACK the director does not see, as in DR) counts as active. Before
4.8 only ESTABLISHED counted as active and SYN_RECV as inactive, so a server
refusing connects weighed far less to lc/wlc (inactive counts 1, active 256)
and drew more of them. EL6 and EL7 ship 2.6.32- and 3.10-based kernels: check
whether yours carries the change.

Addresses hashed: sh and mh hash the client (--client ADDR; default a new
client per connection: 198.51.100.1, .2, …); dh, lblc and lblcr hash the
destination address (--dest ADDR; default the virtual_server's address with
--config, else the same per-connection sequence as the clients). explain shows
the hash, the bucket or Maglev slot it selects and the server there.
twos draws from a seeded generator (--seed).

Limits: weights 0..65535 and thresholds 0..2147483647 as ipvsadm takes them
(L_THRESHOLD at most U_THRESHOLD, as the kernel requires), initial counts up to
1000000, --count up to 100000; a --change must come before the last connection.`,
  examples: [
    { args: 'ipvs pick --scheduler wrr --server a:4 --server b:3 --server c:2 --count 9', explain: 'the wrr order for weights 4, 3, 2' },
    { args: 'ipvs explain --scheduler wlc --server a:1:3:10 --server b:2:5:0', explain: 'why wlc picks the server it picks' },
    { args: 'ipvs pick --json --scheduler mh --server a@10.0.0.1:1 --server b@10.0.0.2:1 --count 4', explain: 'Maglev picks for four clients, as JSON' },
    { args: 'ipvs pick --config lb1.conf --service 192.0.2.80:2811 --count 6', explain: "the real servers, weights and lb_algo of lb1.conf's virtual_server" },
    { args: 'ipvs explain -s sh --server a:1 --server b:1 --client 203.0.113.9', explain: 'the hash of the client, its bucket and the server in it' },
  ],
  define(cmd: Command) {
    cmd
      .option('-s, --scheduler <name>', `scheduler (${SCHEDULER_NAMES.join('|')}; default: --config's lb_algo, else wlc)`)
      .option('--server <spec>', 'NAME[@ADDR]:WEIGHT[:ACTIVE:INACTIVE[:U_THRESHOLD[:L_THRESHOLD]]] (repeat)', serverArg)
      .option('--config <keepalived.conf>', "take the servers, weights, thresholds and lb_algo from a virtual_server block")
      .option('--service <VIP:PORT>', "which virtual_server of --config (needed when it has several)")
      .option('-n, --count <n>', `number of new connections (pick; at most ${MAX_COUNT})`, countArg, 10)
      .option('--change <spec>', "change the list after N connections: 'N add SPEC' | 'N edit NAME:WEIGHT[:U:L]' | 'N del NAME' (repeat)", changeArg)
      .option('--close', 'count each connection as closed (inactive) instead of open (active)')
      .option('--client <addr>', 'client (source) address for every connection', addrArg)
      .option('--dest <addr>', 'destination address for every connection (dh, lblc, lblcr)', addrArg)
      .option('--fallback', 'sh-fallback / mh-fallback')
      .option('--hash-port', 'sh-port / mh-port: hash the client port too')
      .option('--mh-table-size <m>', `Maglev table size, one of ${MH_PRIMES.join(', ')} (kernel default 4093)`, intArg, 4093)
      .option('--seed <n>', 'seed for twos', intArg, 1)
      .option('--time-limit <s>', 'give up (exit 2) when the picks take longer than this many seconds', timeLimitArg, DEFAULT_TIME_LIMIT_S);
  },
  async run({ args, options }, { io, json }) {
    const action = String(args[0]);
    if (action !== 'pick' && action !== 'explain') throw new UsageError(`unknown action '${action}' (pick or explain)`);
    const configFile = options['config'] as string | undefined;
    if (options['service'] !== undefined && configFile === undefined) throw new UsageError('--service chooses a virtual_server of --config: give --config too');
    const config = configFile === undefined ? undefined : serviceFromConfig(configFile, options['service'] as string | undefined);
    const svc = buildService(options, config);
    if (action === 'pick') {
      const picks = runPicks(svc, Number(options['count'] ?? 10), options, config);
      io.stdout.write(json ? `${JSON.stringify({ picks })}\n` : `${picks.map((p, i) => `${i + 1}\t${p ?? '(no destination available)'}`).join('\n')}\n`);
      return EXIT_OK;
    }
    if (options['change'] !== undefined) throw new UsageError('explain shows one pick from the servers as given: --change applies to pick only');
    const conn = connFor(0, options, config);
    const lines = explainLines(svc, conn, options, config);
    const chosen = schedule(svc, conn, { now: 0, rng: Rng.fromSeed(Number(options['seed'] ?? 1)).fork('ipvs') });
    lines.push(chosen ? `chosen: ${chosen.name}` : 'chosen: none — "no destination available" (the client gets ICMP port unreachable)');
    io.stdout.write(json ? `${JSON.stringify({ scheduler: svc.scheduler.name, chosen: chosen?.name ?? null, servers: svc.dests.map((d) => ({ name: d.name, weight: d.weight, active: d.activeconns, inactive: d.inactconns, overhead: overhead(d), overloaded: isOverloaded(d) })) })}\n` : `${lines.join('\n')}\n`);
    return EXIT_OK;
  },
};
