/**
 * The impact of each fault (impact.ts) in words and JSON: printed after the
 * timeline by `vrrp-lab simulate`, and the `impact` key of its `--json`.
 *
 * Text: one line per fault, "T EVENT → INSTANCE master A → B after D s; …",
 * with a continuation line per further instance it touched. A long run (more
 * than LONG_RUN_FAULTS faults) shows a tally and only the faults that left an
 * instance without a master longest; the JSON always has every fault. Then,
 * for a long run (or one of at least LONG_RUN_US), the availability of each VIP.
 */
import { formatEvent } from './events.js';
import { formatSeconds, usToSeconds, type Instant } from '../core/time.js';
import { instanceAffected, type ClientLoss, type FaultImpact, type Impact, type InstanceImpact, type VipAvailability, type VipImpact, type WindowStats } from './impact.js';

/** Above this many faults the text shows a tally and the worst faults only. */
export const LONG_RUN_FAULTS = 20;
/** The worst faults a long run's text lists. */
const WORST_SHOWN = 10;
/** A run at least this long prints availability even with few faults. */
export const LONG_RUN_US = 600_000_000;

const sec = (us: number): string => `${formatSeconds(us)} s`;
const names = (nodes: readonly string[]): string => (nodes.length === 0 ? 'nobody' : nodes.join('+'));

/** "master gw2 → gw1 after 0.609475 s" and the like. */
function masterPhrase(f: FaultImpact, w: WindowStats, role: string): string {
  const after = w.settledAt === undefined ? undefined : sec(w.settledAt - f.at);
  if (w.after.length === 0) return w.before.length === 0 ? `no ${role}` : `${role} ${names(w.before)} → no ${role} ${f.until === f.at ? '' : `until ${sec(f.until)}`}`.trimEnd();
  if (w.before.join() === w.after.join()) return after === undefined ? `${role} ${names(w.after)} kept` : `${role} ${names(w.after)} again after ${after}`;
  return `${role} ${names(w.before)} → ${names(w.after)}${after === undefined ? '' : ` after ${after}`}`;
}

function gapPhrases(i: InstanceImpact, vips: readonly VipImpact[]): string[] {
  const out: string[] = [];
  const sameNone = vips.length > 0 && vips.every((v) => v.noneUs === i.noneUs);
  const sameTwo = vips.length > 0 && vips.every((v) => v.twoOrMoreUs === i.twoOrMoreUs);
  if (i.noneUs > 0) out.push(`${sec(i.noneUs)} without a master${sameNone ? ' or VIP holder' : ''}`);
  if (!sameNone) for (const v of vips) if (v.noneUs > 0) out.push(`${sec(v.noneUs)} without a holder of ${v.address}`);
  if (i.twoOrMoreUs > 0) out.push(`${sec(i.twoOrMoreUs)} with two masters${sameTwo ? ' holding the VIP' : ''}`);
  if (!sameTwo) for (const v of vips) if (v.twoOrMoreUs > 0) out.push(`${sec(v.twoOrMoreUs)} with ${v.address} on two nodes`);
  return out;
}

function clientPhrase(c: ClientLoss | undefined): string | undefined {
  if (c === undefined || c.broken + c.refused + c.timedOut === 0) return undefined;
  const kinds = [[c.broken, 'broken'], [c.refused, 'refused'], [c.timedOut, 'timed out']].filter(([n]) => (n as number) > 0).map(([n, w]) => `${n} ${w}`);
  const servers = Object.entries(c.servers).map(([s, n]) => `${n} via ${s}`);
  return `connections lost: ${kinds.join(', ')}${servers.length === 0 ? '' : ` (${servers.join(', ')})`}`;
}

/** What the fault did to one instance, without its name. */
function instancePhrase(f: FaultImpact, i: InstanceImpact): string {
  const vips = f.vips.filter((v) => v.instance === i.instance);
  const parts = [masterPhrase(f, i, 'master'), ...gapPhrases(i, vips)];
  if (i.transitions > 0) parts.push(`${i.transitions} transition${i.transitions === 1 ? '' : 's'}`);
  if (i.priorities.length > 0) parts.push(`priority ${i.priorities.map((p) => `${p.node} ${p.from} → ${p.to}`).join(', ')}`);
  return parts.join('; ');
}

/** Instances the fault touched alike (a sync group's members) share one line: "VI_OUT, VI_IN master …". */
function instanceLines(f: FaultImpact): string[] {
  const byPhrase = new Map<string, string[]>();
  for (const i of f.instances.filter(instanceAffected)) {
    const phrase = instancePhrase(f, i);
    byPhrase.set(phrase, [...(byPhrase.get(phrase) ?? []), i.instance]);
  }
  return [...byPhrase].map(([phrase, instances]) => `${instances.join(', ')} ${phrase}`);
}

/** The lines of one fault. */
export function faultLines(f: FaultImpact, timeWidth = 0): string[] {
  const head = `${formatSeconds(f.at).padStart(timeWidth)}  ${f.events.map(formatEvent).join(' + ')}`;
  const touched = instanceLines(f);
  const clients = clientPhrase(f.clients);
  if (clients !== undefined) touched.push(clients);
  if (touched.length === 0) return [`${head} → no change`];
  const pad = ' '.repeat(head.length + 1);
  return touched.map((t, k) => (k === 0 ? `${head} → ${t}` : `${pad}  ${t}`));
}

const worstGap = (f: FaultImpact): number => Math.max(0, ...f.instances.map((i) => i.noneUs), ...f.vips.map((v) => v.noneUs));

/** The text block printed after the timeline; empty when the run had no fault. */
export function renderImpactText(impact: Impact, until: Instant): string[] {
  const { faults } = impact;
  if (faults.length === 0) return [];
  const long = faults.length > LONG_RUN_FAULTS;
  const shown = long ? [...faults].sort((a, b) => worstGap(b) - worstGap(a) || a.at - b.at).slice(0, WORST_SHOWN).sort((a, b) => a.at - b.at) : faults;
  const width = Math.max(...shown.map((f) => formatSeconds(f.at).length));
  const out = [long ? `impact of the ${faults.length} faults and recoveries (the ${shown.length} that left an instance or VIP without a master or holder longest; every one is in --json):` : 'impact of each fault (measured until the next one):'];
  if (long) out.push(`  ${tally(faults)}`);
  for (const f of shown) out.push(...faultLines(f, width).map((l) => `  ${l}`));
  if (long || until >= LONG_RUN_US) out.push('', ...renderAvailabilityText(impact.availability));
  return out;
}

function tally(faults: readonly FaultImpact[]): string {
  const moved = faults.filter((f) => f.instances.some((i) => i.before.join() !== i.after.join())).length;
  const gaps = faults.filter((f) => f.instances.some((i) => i.noneUs > 0)).length;
  const two = faults.filter((f) => f.instances.some((i) => i.twoOrMoreUs > 0)).length;
  const lost = faults.reduce((n, f) => n + (f.clients === undefined ? 0 : f.clients.broken + f.clients.refused + f.clients.timedOut), 0);
  return `${moved} moved a master, ${gaps} left an instance without a master for a while, ${two} gave it two masters${faults.some((f) => f.clients !== undefined) ? `, ${lost} client connections lost` : ''}`;
}

export function renderAvailabilityText(av: readonly VipAvailability[]): string[] {
  const pct = (us: number, total: number): string => `${((100 * us) / Math.max(1, total)).toFixed(3)} %`;
  const out = ['availability (time with exactly one holder of the VIP):'];
  for (const a of av) {
    out.push(`  ${a.address} (${a.instance}): ${pct(a.oneUs, a.totalUs)} of ${sec(a.totalUs)}; nobody ${sec(a.noneUs)}, two or more ${sec(a.twoOrMoreUs)}; ${a.failovers} failover${a.failovers === 1 ? '' : 's'}`);
  }
  return out;
}

// ---------------------------------------------------------------- JSON

export interface ImpactJson {
  readonly faults: readonly {
    t: number;
    events: readonly string[];
    until: number;
    instances: readonly (WindowJson & { instance: string; transitions: number; priorities: readonly { node: string; from: number; to: number }[] })[];
    vips: readonly (WindowJson & { address: string; instance: string })[];
    clients?: { broken: number; refused: number; timedOut: number; servers: Readonly<Record<string, number>> };
  }[];
  readonly availability: readonly { address: string; instance: string; total: number; one: number; none: number; twoOrMore: number; ratio: number; failovers: number }[];
}

interface WindowJson {
  before: readonly string[];
  after: readonly string[];
  /** Seconds from the fault to the last change inside its window; null when nothing changed. */
  settledAfter: number | null;
  none: number;
  twoOrMore: number;
}

const windowJson = (f: FaultImpact, w: WindowStats): WindowJson => ({
  before: [...w.before],
  after: [...w.after],
  settledAfter: w.settledAt === undefined ? null : usToSeconds(w.settledAt - f.at),
  none: usToSeconds(w.noneUs),
  twoOrMore: usToSeconds(w.twoOrMoreUs),
});

export function impactToJson(impact: Impact): ImpactJson {
  return {
    faults: impact.faults.map((f) => ({
      t: usToSeconds(f.at),
      events: f.events.map(formatEvent),
      until: usToSeconds(f.until),
      instances: f.instances.map((i) => ({ instance: i.instance, ...windowJson(f, i), transitions: i.transitions, priorities: i.priorities.map((p) => ({ ...p })) })),
      vips: f.vips.map((v) => ({ address: v.address, instance: v.instance, ...windowJson(f, v) })),
      ...(f.clients === undefined ? {} : { clients: { ...f.clients, servers: { ...f.clients.servers } } }),
    })),
    availability: impact.availability.map((a) => ({
      address: a.address,
      instance: a.instance,
      total: usToSeconds(a.totalUs),
      one: usToSeconds(a.oneUs),
      none: usToSeconds(a.noneUs),
      twoOrMore: usToSeconds(a.twoOrMoreUs),
      ratio: a.oneUs / Math.max(1, a.totalUs),
      failovers: a.failovers,
    })),
  };
}
