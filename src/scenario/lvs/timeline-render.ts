/**
 * The load-balancing part of a timeline in words, JSON and pictures: check
 * verdicts and failed client connections as rows of the text table, a sampled
 * table of connection counters on the VIP holder, an end summary, the `lvs`
 * key of the JSON, and one SVG lane per real server (check state as a band,
 * active connections as a line) plus a lane of failed client connections.
 */
import { formatSeconds, US_PER_SECOND, type Instant } from '../../core/time.js';
import type { LvsClientOutcome } from '../../core/backend.js';
import { holdersAt, type Timeline } from '../timeline.js';
import { checkAt, CLIENT_OUTCOMES, clientCountAt, connsAt, directorsFor, type TimelineClientOutcome, type TimelineLvs } from './timeline.js';

/** A row of the text table (timeline-text.ts's shape). */
export interface LvsRow {
  readonly seq: number;
  readonly at: Instant;
  readonly node: string;
  readonly instance: string;
  readonly what: string;
  readonly priority: string;
  readonly why: string;
}

const FAILED: ReadonlySet<LvsClientOutcome> = new Set(['broken', 'refused', 'timed-out']);

/** Check verdicts, the clients' router's ARP changes, and failed client connections grouped by outcome and reason within a second. */
export function lvsRows(lvs: TimelineLvs): LvsRow[] {
  return [...lvsCheckRows(lvs), ...lvsClientRows(lvs)];
}

/** Each health-check verdict, and each change of the clients' router's ARP view of a VIP, as a row: what explains the clients' failures. */
export function lvsCheckRows(lvs: TimelineLvs): LvsRow[] {
  const rows: LvsRow[] = lvs.checks.map((c) => ({
    seq: c.seq, at: c.at, node: c.director, instance: c.server, what: `${c.server} ${c.up ? 'in service' : 'out of service'} (${c.service})`, priority: '', why: c.reason,
  }));
  for (const a of lvs.arp) {
    rows.push({ seq: a.seq, at: a.at, node: lvs.clients, instance: '', what: a.owner === undefined ? `ARP ${a.address} failed` : `ARP ${a.address} → ${a.owner}`, priority: '', why: a.reason });
  }
  return rows;
}

/** Failed client connections, one row per outcome and reason within a second. */
export function lvsClientRows(lvs: TimelineLvs): LvsRow[] {
  const rows: LvsRow[] = [];
  let group: { first: TimelineClientOutcome; n: number } | undefined;
  const flush = (): void => {
    if (group === undefined) return;
    const { first, n } = group;
    rows.push({ seq: first.seq, at: first.at, node: lvs.clients, instance: '', what: `${n} connection${n === 1 ? '' : 's'} ${first.outcome}`, priority: '', why: first.reason });
    group = undefined;
  };
  for (const o of lvs.clientOutcomes) {
    if (!FAILED.has(o.outcome)) continue;
    if (group !== undefined && group.first.outcome === o.outcome && group.first.reason === o.reason && o.at - group.first.at < US_PER_SECOND) group.n++;
    else {
      flush();
      group = { first: o, n: 1 };
    }
  }
  flush();
  return rows;
}

/** Counters of one server of one service on the VIP holder(s) at t, with the holder's check verdict. */
function holderView(tl: Timeline, lvs: TimelineLvs, serviceName: string, server: string, t: Instant): { cell: string; up: boolean | undefined; active: number } {
  const service = lvs.services.find((s) => s.name === serviceName);
  if (service === undefined) return { cell: '-', up: undefined, active: 0 };
  const directors = directorsFor(service, undefined, (vip) => holdersAt(tl, vip, t));
  if (directors.length === 0) return { cell: '-', up: undefined, active: 0 };
  let active = 0;
  let inactive = 0;
  let up: boolean | undefined = true;
  for (const d of directors) {
    active += connsAt(lvs, d, serviceName, server, t, 'active');
    inactive += connsAt(lvs, d, serviceName, server, t, 'inactive');
    const c = checkAt(lvs, d, serviceName, server, t);
    up = c === undefined ? undefined : up === undefined ? undefined : up && c.up;
  }
  return { cell: `${active}/${inactive}${up === false ? ' down' : ''}`, up, active };
}

const STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];

/** The counters on the VIP holder every few seconds (at most about 30 rows), one block per virtual service. */
export function lvsConnTable(tl: Timeline, lvs: TimelineLvs): string[] {
  const stepS = STEPS_S.find((s) => tl.until / US_PER_SECOND / s <= 30) ?? 3600;
  const out: string[] = [];
  for (const service of lvs.services) {
    const servers = lvs.realServers.filter((r) => r.services.includes(service.name)).map((r) => r.id);
    out.push(`connections to ${service.name} on its VIP holder (active/inactive, every ${stepS} s):`);
    const rows: string[][] = [['time', 'holder', ...servers]];
    for (let t = 0; t <= tl.until; t += stepS * US_PER_SECOND) {
      const at = t as Instant;
      const holders = holdersAt(tl, service.vip, at).filter((n) => service.directors.includes(n));
      rows.push([formatSeconds(at), holders.join(',') || '-', ...servers.map((s) => holderView(tl, lvs, service.name, s, at).cell)]);
    }
    const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
    for (const r of rows) out.push(`  ${r.map((c, i) => (i === 0 ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join('  ').trimEnd()}`);
  }
  return out;
}

/** What the end of the run looks like, for the text summary. */
export function lvsSummary(tl: Timeline, lvs: TimelineLvs): string[] {
  const end = tl.until;
  const out: string[] = [];
  for (const service of lvs.services) {
    const holders = holdersAt(tl, service.vip, end).filter((n) => service.directors.includes(n));
    const parts = lvs.realServers
      .filter((r) => r.services.includes(service.name))
      .map((r) => {
        const v = holderView(tl, lvs, service.name, r.id, end);
        return `${r.id} ${v.up === undefined ? '' : v.up ? 'up ' : 'down '}${v.cell.replace(' down', '')}`;
      });
    out.push(`  ${service.name}: ${holders.length === 0 ? 'no director holds the VIP' : `on ${holders.join(', ')}`} — ${parts.join(', ')} (active/inactive)`);
  }
  const totals = CLIENT_OUTCOMES.map((o) => `${clientCountAt(lvs, o, end)} ${o}`);
  out.push(`  client connections: ${totals.join(', ')}`);
  return out;
}

export interface LvsJson {
  readonly realServers: readonly { id: string; address: string; services: readonly string[] }[];
  readonly services: readonly { name: string; directors: readonly string[] }[];
  readonly conns: readonly { t: number; director: string; service: string; server: string; active: number; inactive: number }[];
  readonly checks: readonly { t: number; director: string; service: string; server: string; state: 'up' | 'down'; reason: string }[];
  readonly clients: {
    readonly totals: Readonly<Record<LvsClientOutcome, number>>;
    readonly outcomes: readonly { t: number; outcome: LvsClientOutcome; service: string; client: string; server?: string; reason: string }[];
  };
  /** The clients' router's ARP cache: where each VIP went from `t` on (no `owner`: FAILED). */
  readonly arp: readonly { t: number; address: string; owner?: string; reason: string }[];
}

export function lvsToJson(tl: Timeline, lvs: TimelineLvs): LvsJson {
  const t = (us: number): number => us / US_PER_SECOND;
  const totals = Object.fromEntries(CLIENT_OUTCOMES.map((o) => [o, clientCountAt(lvs, o, tl.until)])) as Record<LvsClientOutcome, number>;
  return {
    realServers: lvs.realServers.map((r) => ({ id: r.id, address: r.address, services: [...r.services] })),
    services: lvs.services.map((s) => ({ name: s.name, directors: [...s.directors] })),
    conns: lvs.conns.map((c) => ({ t: t(c.at), director: c.director, service: c.service, server: c.server, active: c.active, inactive: c.inactive })),
    checks: lvs.checks.map((c) => ({ t: t(c.at), director: c.director, service: c.service, server: c.server, state: c.up ? 'up' : 'down', reason: c.reason })),
    clients: {
      totals,
      outcomes: lvs.clientOutcomes.map((o) => ({ t: t(o.at), outcome: o.outcome, service: o.service, client: o.client, ...(o.server === undefined ? {} : { server: o.server }), reason: o.reason })),
    },
    arp: lvs.arp.map((a) => ({ t: t(a.at), address: a.address, ...(a.owner === undefined ? {} : { owner: a.owner }), reason: a.reason })),
  };
}

// ---------------------------------------------------------------- SVG

const CHECK_UP = '#cdebd3';
const CHECK_DOWN = '#f3c2c2';
const OUTCOME_COLOURS: Readonly<Record<string, string>> = { broken: '#c62828', refused: '#ef6c00', 'timed-out': '#6a1b9a' };

/** How many lanes the LVS part draws. */
export const lvsLaneCount = (lvs: TimelineLvs): number => lvs.services.reduce((n, s) => n + lvs.realServers.filter((r) => r.services.includes(s.name)).length, 0) + 1;

/**
 * One lane per (service, real server): a band coloured by the VIP holder's
 * check verdict and a line of its active connections (scaled to the busiest
 * lane); then the clients' lane with a tick per failed connection.
 */
export function lvsLanes(tl: Timeline, lvs: TimelineLvs, x: (us: number) => number, y0: number, laneH: number, gap: number, plot: { left: number; width: number }): string[] {
  const out: string[] = [];
  const points = [0, ...new Set([...lvs.conns.map((c) => c.at as number), ...lvs.checks.map((c) => c.at as number), ...tl.holds.flatMap((h) => [h.from as number, (h.to ?? tl.until) as number])])].filter((t) => t <= tl.until).sort((a, b) => a - b);
  const pairs = lvs.services.flatMap((s) => lvs.realServers.filter((r) => r.services.includes(s.name)).map((r) => ({ service: s.name, server: r })));
  const max = Math.max(1, ...pairs.flatMap((p) => points.map((t) => holderView(tl, lvs, p.service, p.server.id, t as Instant).active)));
  pairs.forEach((p, i) => {
    const y = y0 + i * (laneH + gap);
    out.push(`<text x="10" y="${y + laneH / 2 + 4}">${esc(`${p.server.id} · ${p.service}`)}</text>`);
    out.push(`<text x="10" y="${y + laneH + 3}" font-size="9" fill="#666">${esc(`${p.server.address} · active connections`)}</text>`);
    let line = '';
    let band: { from: number; fill: string; cell: string } | undefined;
    const closeBand = (to: number): void => {
      if (band !== undefined && to > band.from) {
        out.push(`<rect x="${r(x(band.from))}" y="${y}" width="${r(Math.max(0.5, x(to) - x(band.from)))}" height="${laneH}" fill="${band.fill}"><title>${esc(`${p.server.id} from ${formatSeconds(band.from)} s: ${band.cell}`)}</title></rect>`);
      }
    };
    points.forEach((t, k) => {
      const v = holderView(tl, lvs, p.service, p.server.id, t as Instant);
      const next = points[k + 1] ?? tl.until;
      const fill = v.up === undefined ? '#eeeeee' : v.up ? CHECK_UP : CHECK_DOWN;
      if (band?.fill !== fill) {
        closeBand(t);
        band = { from: t, fill, cell: v.up === undefined ? 'no director holds the VIP' : v.up ? 'in service on the VIP holder' : 'out of service on the VIP holder' };
      }
      const yv = y + laneH - 2 - ((laneH - 4) * v.active) / max;
      line += `${line === '' ? 'M' : 'L'}${r(x(t))},${r(yv)} H${r(x(next))} `;
    });
    closeBand(tl.until);
    out.push(...realStateMarks(tl, p.server.id, x, y));
    out.push(`<path d="${line.trim()}" fill="none" stroke="#1f3b73" stroke-width="1.5"><title>${esc(`${p.server.id}: active connections on the VIP holder (0–${max})`)}</title></path>`);
    out.push(...connScale(max, plot.left + plot.width, y, laneH));
  });
  const y = y0 + pairs.length * (laneH + gap);
  out.push(`<text x="10" y="${y + laneH / 2 + 4}">${esc(`${lvs.clients} · failed connections`)}</text>`);
  out.push(`<rect x="${plot.left}" y="${y}" width="${plot.width}" height="${laneH}" fill="#fafafa" stroke="#ddd"/>`);
  for (const o of lvs.clientOutcomes) {
    const colour = OUTCOME_COLOURS[o.outcome];
    if (colour === undefined) continue;
    out.push(`<line x1="${r(x(o.at))}" y1="${y + 3}" x2="${r(x(o.at))}" y2="${y + laneH - 3}" stroke="${colour}" stroke-width="1"><title>${esc(`${formatSeconds(o.at)} s ${o.client} ${o.outcome}: ${o.reason}`)}</title></line>`);
  }
  return out;
}

/** The y scale of a lane's connection line: its top and bottom values, right of the plot. */
function connScale(max: number, right: number, y: number, laneH: number): string[] {
  const tick = (yy: number, label: string): string => `<line x1="${right}" y1="${yy}" x2="${right + 3}" y2="${yy}" stroke="#1f3b73"/><text x="${right + 5}" y="${yy + 3}" font-size="8" fill="#1f3b73">${label}</text>`;
  return [tick(y + 2, String(max)), tick(y + laneH - 2, '0')];
}

/**
 * Where the real server is really down (from its rsdown event to its rsup): a
 * dark strip along the top of its lane, so the time until the checker notices
 * (the band's colour) shows (trial finding P2).
 */
function realStateMarks(tl: Timeline, server: string, x: (us: number) => number, y: number): string[] {
  const out: string[] = [];
  let down: { at: number; mode: string } | undefined;
  const mark = (to: number): void => {
    if (down === undefined || to <= down.at) return;
    const what = `${server} really down (${down.mode}) from ${formatSeconds(down.at)} s${to >= tl.until ? '' : ` to ${formatSeconds(to)} s`}; the band is the VIP holder's checker's view`;
    out.push(`<rect x="${r(x(down.at))}" y="${y}" width="${r(Math.max(1, x(to) - x(down.at)))}" height="4" fill="${REALLY_DOWN}"><title>${esc(what)}</title></rect>`);
  };
  for (const e of tl.events) {
    const ev = e.event;
    if (ev.kind === 'rsdown' && ev.server === server && down === undefined) down = { at: e.at, mode: ev.mode };
    else if (ev.kind === 'rsup' && ev.server === server) {
      mark(e.at);
      down = undefined;
    }
  }
  mark(tl.until);
  return out;
}

const REALLY_DOWN = '#5d0b0b';

export const LVS_LEGEND: readonly [string, string][] = [
  ['checker: up', CHECK_UP],
  ['checker: down', CHECK_DOWN],
  ['really down', REALLY_DOWN],
  ['broken', OUTCOME_COLOURS['broken'] as string],
  ['refused', OUTCOME_COLOURS['refused'] as string],
  ['timed out', OUTCOME_COLOURS['timed-out'] as string],
];

const r = (n: number): string => (Math.round(n * 10) / 10).toString();

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
