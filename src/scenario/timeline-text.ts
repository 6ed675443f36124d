/**
 * The timeline as a readable table: one row per event, state change, priority
 * change and VIP move, in the order they happened, each state change with its
 * reason in words; then who is what at the end. GARPs are counted, not listed
 * (a takeover sends ten per VIP). With load balancing, real servers going in and
 * out of service and failed client connections are rows too, a table of the
 * VIP holder's connection counters follows, and the end says what each real
 * server carries and how the client connections fared.
 */
import { formatEvent } from './events.js';
import { holdersAt, mastersAt, stateAt, priorityAt, type Timeline } from './timeline.js';
import { formatSeconds, type Instant } from '../core/time.js';
import { lvsCheckRows, lvsClientRows, lvsConnTable, lvsSummary } from './lvs/timeline-render.js';
import { groupedClientRows, type ClientRows } from './lvs/client-groups.js';
import { explanationRows } from './timeline-explain.js';

/** One line of the table; other modules (lvs, timeline-explain.ts) add rows of this shape. */
export interface Row {
  readonly seq: number;
  readonly at: Instant;
  readonly node: string;
  readonly instance: string;
  readonly what: string;
  readonly priority: string;
  readonly why: string;
}

const SOURCE_WORDS = { given: 'address given', config: 'address from the config', assigned: 'address assigned' } as const;

/** Seconds with six decimals, so the column lines up: "   3.414062". */
export const fixedSeconds = (us: number): string => (us / 1_000_000).toFixed(6);

export function renderTimelineText(tl: Timeline, options: { readonly title?: string; readonly clients?: ClientRows } = {}): string {
  const out: string[] = [];
  if (options.title) out.push(options.title);
  out.push(`seed ${tl.seed} · until ${formatSeconds(tl.until)} s`);
  out.push('nodes:');
  for (const n of tl.nodes) {
    const ifaces = n.interfaces.map((i) => `${i.name} ${i.address}/${i.prefixLength}`).join(', ');
    const source = n.addressSource === undefined ? '' : `; ${SOURCE_WORDS[n.addressSource]}`;
    out.push(`  ${n.id}  ${n.address}  (${ifaces}${source})${n.deferred ? '  starts with its start event' : ''}`);
  }
  if (tl.lvs !== undefined) {
    for (const r of tl.lvs.realServers) out.push(`  ${r.id}  ${r.address}  (real server of ${r.services.join(', ')})`);
    out.push(`  ${tl.lvs.clients}  (the clients, behind a router on the virtual services' network)`);
  }
  out.push('', ...table(rows(tl, options.clients)), '');
  if (tl.lvs !== undefined) out.push(...lvsConnTable(tl, tl.lvs), '');
  out.push(...summary(tl));
  return out.join('\n') + '\n';
}

function rows(tl: Timeline, clients: ClientRows = 'grouped'): Row[] {
  const r: Row[] = [];
  for (const e of tl.events) r.push({ seq: e.seq, at: e.at, node: '', instance: '', what: `event: ${formatEvent(e.event)}`, priority: '', why: '' });
  for (const x of tl.transitions) r.push({ seq: x.seq, at: x.at, node: x.node, instance: x.instance, what: `${x.from} → ${x.to}`, priority: String(x.priority), why: x.reason });
  for (const p of tl.priorities) r.push({ seq: p.seq, at: p.at, node: p.node, instance: p.instance, what: `priority ${p.from} → ${p.to}`, priority: String(p.to), why: p.reason });
  for (const v of tl.vips) {
    const sign = v.action === 'add' ? '+' : '-';
    r.push({ seq: v.seq, at: v.at, node: v.node, instance: v.instance, what: `${sign} ${v.address}/${v.prefixLength} ${v.interface}`, priority: '', why: '' });
  }
  r.push(...explanationRows(tl));
  if (tl.lvs !== undefined) r.push(...lvsRowsFor(tl.lvs, r, clients));
  return transitionsFirst(r.sort((a, b) => a.seq - b.seq));
}

/** Check verdicts, and the failed client connections as runs (between the other rows) or every one. */
function lvsRowsFor(lvs: NonNullable<Timeline['lvs']>, others: readonly Row[], clients: ClientRows): Row[] {
  const checks = lvsCheckRows(lvs);
  if (clients === 'each') return [...checks, ...lvsClientRows(lvs)];
  return [...checks, ...groupedClientRows(lvs, [...others, ...checks].map((o) => o.seq))];
}

/**
 * The engine reports a takeover's VIP changes before the transition that
 * caused them (effects first, then the notification); a reader wants the cause
 * first, so a state change moves ahead of the VIP rows of the same node,
 * instance and instant (and the clients' ARP rows of that instant) that
 * directly precede it.
 */
function transitionsFirst(rs: Row[]): Row[] {
  const out = [...rs];
  for (let i = 0; i < out.length; i++) {
    const row = out[i] as Row;
    if (!row.what.includes(' → ') || row.what.startsWith('priority') || isArpRow(row)) continue;
    let j = i;
    while (j > 0 && isVipRowOf(out[j - 1] as Row, row)) j--;
    if (j < i) out.splice(j, 0, ...out.splice(i, 1));
  }
  return out;
}

/** The takeover's effects: its VIP rows, and what the clients' router's ARP cache made of its gratuitous ARPs. */
const isVipRowOf = (r: Row, t: Row): boolean =>
  r.at === t.at && (((r.what.startsWith('+ ') || r.what.startsWith('- ')) && r.node === t.node && r.instance === t.instance) || isArpRow(r));
const isArpRow = (r: Row): boolean => r.what.startsWith('ARP ');

/** The rows between `from` and `to` (inclusive), as table lines: the "around t" of a failure message. */
export function renderExcerpt(tl: Timeline, from: Instant, to: Instant, maxRows = 16): string[] {
  const rs = rows(tl).filter((row) => row.at >= from && row.at <= to);
  if (rs.length === 0) return ['(nothing happened)'];
  const shown = rs.length > maxRows ? rs.slice(0, maxRows) : rs;
  const lines = table(shown).slice(1);
  if (rs.length > maxRows) lines.push(`… ${rs.length - maxRows} more`);
  return lines;
}

function table(rs: readonly Row[]): string[] {
  const head: Row = { seq: -1, at: 0 as Instant, node: 'node', instance: 'instance', what: 'change', priority: 'prio', why: 'why' };
  const all = [head, ...rs];
  const time = (r: Row): string => (r === head ? 'time' : fixedSeconds(r.at));
  const w = {
    time: Math.max(...all.map((r) => time(r).length)),
    node: Math.max(...all.map((r) => r.node.length)),
    instance: Math.max(...all.map((r) => r.instance.length)),
    what: Math.max(...all.map((r) => r.what.length)),
    priority: Math.max(...all.map((r) => r.priority.length)),
  };
  return all.map((r) =>
    [time(r).padStart(w.time), r.node.padEnd(w.node), r.instance.padEnd(w.instance), r.what.padEnd(w.what), r.priority.padStart(w.priority), r.why]
      .join('  ')
      .trimEnd(),
  );
}

function summary(tl: Timeline): string[] {
  const end = tl.until;
  const out = [`at ${formatSeconds(end)} s:`];
  const instances = [...new Set(tl.lanes.map((l) => l.instance))];
  for (const instance of instances) {
    const parts = tl.lanes
      .filter((l) => l.instance === instance)
      .map((l) => {
        const state = stateAt(tl, l.node, instance, end);
        const prio = priorityAt(tl, l.node, instance, end);
        return `${l.node} ${state}${prio === undefined ? '' : ` (${prio})`}`;
      });
    const masters = mastersAt(tl, instance, end);
    const verdict = masters.length === 0 ? 'no master' : masters.length === 1 ? `master ${masters[0]}` : `${masters.length} masters: ${masters.join(', ')}`;
    out.push(`  ${instance}: ${verdict} — ${parts.join(', ')}`);
  }
  const vips = [...new Set(tl.instances.flatMap((i) => i.virtualAddresses.map((a) => a.split('/')[0] as string)))];
  for (const vip of vips) {
    const h = holdersAt(tl, vip, end);
    out.push(`  ${vip}: ${h.length === 0 ? 'held by nobody' : `held by ${h.join(', ')}`}`);
  }
  if (tl.garps.length > 0) out.push(`  ${tl.garps.length} gratuitous ARPs sent`);
  if (tl.lvs !== undefined) out.push(...lvsSummary(tl, tl.lvs));
  return out;
}
