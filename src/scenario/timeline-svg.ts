/**
 * The timeline as a picture: one lane per node and instance, coloured bars for
 * the states over time with the effective priority as a step line, a gold strip
 * where the lane holds a VIP (with a marker where it arrives), a red band over
 * an instance's lanes while it has no master (amber while it has two), shaded
 * bands where the network is not whole, and the events on a strip above. Plain
 * SVG text, no dependencies; every mark has a <title>, so a browser shows the
 * details on hover.
 *
 * Theory of operation: time [from, to) (the whole run unless zoomed) maps
 * linearly onto the plot. What must stay readable for a day with hundreds of
 * faults (trial finding B10):
 * - events closer than EVENT_MERGE_PX fold into one tick whose tooltip lists
 *   them; labels go on at most EVENT_LABEL_ROWS rows and a tick without room
 *   keeps only its tooltip; dashed lines across the lanes only while there are
 *   few ticks;
 * - axis ticks at a round step in seconds, minutes or hours (at most
 *   AXIS_TICKS_MAX), labelled in that unit;
 * - lane names cut to the label column, the full name in a tooltip.
 */
import { formatEvent } from './events.js';
import { masterSteps, type Step } from './impact.js';
import type { Lane, LaneState, Timeline } from './timeline.js';
import { formatSeconds, type Instant } from '../core/time.js';
import { LVS_LEGEND, lvsLaneCount, lvsLanes } from './lvs/timeline-render.js';

const COLOURS: Record<LaneState, string> = {
  MASTER: '#2e9d4f',
  BACKUP: '#4a7fd4',
  FAULT: '#d64545',
  STOP: '#8a8a8a',
  INIT: '#c9c9c9',
  OFF: 'none',
};
const NO_MASTER = '#ff2f2f';
const TWO_MASTERS = '#ff9f1a';

const LABEL_W = 170;
const PLOT_W = 820;
const LANE_H = 26;
const LANE_GAP = 8;
const EVENT_ROW_H = 14;
/** Events closer than this on the plot share one tick. */
const EVENT_MERGE_PX = 4;
/** At most this many rows of event labels; the rest keep a tick and a tooltip. */
const EVENT_LABEL_ROWS = 3;
/** Dashed lines across the lanes only up to this many event ticks. */
const EVENT_LINES_MAX = 40;
/** A tooltip lists at most this many folded events. */
const TOOLTIP_EVENTS_MAX = 25;
const AXIS_TICKS_MAX = 12;
/** Characters of a lane name that fit the label column. */
const LANE_NAME_MAX = 26;

export interface SvgOptions {
  readonly title?: string;
  /** Zoom: the part of the run to draw (default: all of it). */
  readonly from?: Instant;
  readonly to?: Instant;
}

/** Maps a time onto the plot, clamped to the window. */
type XScale = (us: number) => number;

export function renderTimelineSvg(tl: Timeline, options: SvgOptions = {}): string {
  const lanes = [...tl.lanes].sort((a, b) => a.instance.localeCompare(b.instance) || a.node.localeCompare(b.node));
  const from = Math.max(0, options.from ?? 0);
  const to = Math.max(from + 1, Math.min(options.to ?? tl.until, tl.until));
  const x: XScale = (us) => LABEL_W + ((Math.min(Math.max(us, from), to) - from) / (to - from)) * PLOT_W;
  const inView = (a: number, b: number): boolean => b > from && a < to;
  const ticks = eventTicks(tl, x, from, to);
  const top = 40 + ticks.rows * EVENT_ROW_H;
  const laneY = (i: number): number => top + i * (LANE_H + LANE_GAP);
  const lvsCount = tl.lvs === undefined ? 0 : lvsLaneCount(tl.lvs);
  const bottom = laneY(lanes.length + lvsCount);
  const height = bottom + (tl.lvs === undefined ? 64 : 84);
  const width = LABEL_W + PLOT_W + 40;
  const zoomed = from > 0 || to < tl.until;
  const title = `${options.title ?? `vrrp-lab timeline · seed ${tl.seed}`}${zoomed ? ` · ${formatSeconds(from)}–${formatSeconds(to)} s` : ''}`;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="10" y="18" font-size="13" font-weight="bold">${esc(title)}</text>`,
    ...disturbanceBands(tl, x, inView, top - 4, bottom),
    ...masterBands(tl, lanes, x, inView, laneY),
    ...lanes.flatMap((lane, i) => laneMarks(tl, lane, laneY(i), x, inView)),
    ...(tl.lvs === undefined ? [] : lvsLanes(tl, tl.lvs, x, laneY(lanes.length), LANE_H, LANE_GAP, { left: LABEL_W, width: PLOT_W })),
    ...ticks.marks(top - 4, bottom),
    ...axis(from, to, x, bottom),
    ...legend(bottom + 34, tl.lvs !== undefined),
    '</svg>',
  ];
  return parts.join('\n') + '\n';
}

// ---------------------------------------------------------------- lanes

/** A lane's name in the label column: cut with "…" when long, the full name as a tooltip. */
export function laneLabel(text: string, x: number, y: number, attrs = ''): string {
  const shown = text.length > LANE_NAME_MAX ? `${text.slice(0, LANE_NAME_MAX - 1)}…` : text;
  return `<text x="${x}" y="${y}"${attrs}><title>${esc(text)}</title>${esc(shown)}</text>`;
}

function laneMarks(tl: Timeline, lane: Lane, y: number, x: XScale, inView: (a: number, b: number) => boolean): string[] {
  const node = tl.nodes.find((n) => n.id === lane.node);
  const out = [laneLabel(`${lane.node} · ${lane.instance}`, 10, y + LANE_H / 2 + 4)];
  if (node) out.push(`<text x="10" y="${y + LANE_H + 3}" font-size="9" fill="#666">${esc(node.address)}</text>`);
  out.push(`<line x1="${LABEL_W}" y1="${y + LANE_H / 2}" x2="${LABEL_W + PLOT_W}" y2="${y + LANE_H / 2}" stroke="#bbb" stroke-dasharray="2,3"/>`);
  for (const s of lane.segments) {
    if (s.state === 'OFF' || !inView(s.from, s.to)) continue;
    const x1 = x(s.from);
    const w = Math.max(0.5, x(s.to) - x1);
    const label = `${s.state}${s.priority === undefined ? '' : ` ${s.priority}`}`;
    out.push(
      `<rect x="${r(x1)}" y="${y}" width="${r(w)}" height="${LANE_H}" fill="${COLOURS[s.state]}" stroke="#ffffff" stroke-width="0.5">` +
        `<title>${esc(`${lane.node} ${lane.instance}: ${label} from ${formatSeconds(s.from)} s to ${formatSeconds(s.to)} s`)}</title></rect>`,
    );
    if (w > label.length * 6.2 + 6) out.push(`<text x="${r(x1 + 4)}" y="${y + LANE_H / 2 + 4}" fill="#ffffff">${esc(label)}</text>`);
  }
  out.push(...priorityLine(tl, lane, y, x, inView));
  for (const h of tl.holds.filter((h) => h.node === lane.node && h.instance === lane.instance && inView(h.from, h.to ?? tl.until))) {
    const x1 = x(h.from);
    const x2 = x(h.to ?? tl.until);
    const what = `${lane.node} holds ${h.address} from ${formatSeconds(h.from)} s${h.to === undefined ? '' : ` to ${formatSeconds(h.to)} s`}`;
    out.push(`<rect x="${r(x1)}" y="${y + LANE_H - 5}" width="${r(Math.max(0.5, x2 - x1))}" height="5" fill="#e8b10c"><title>${esc(what)}</title></rect>`);
    out.push(`<path d="M${r(x1)},${y + LANE_H + 1} l-4,6 h8 z" fill="#e8b10c"><title>${esc(`${h.address} → ${lane.node} at ${formatSeconds(h.from)} s`)}</title></path>`);
  }
  return out;
}

/**
 * The effective priority as a step line inside the lane, scaled to the lowest
 * and highest priority the instance had on any node (so lanes compare); drawn
 * only when the instance's priorities differ at some point.
 */
function priorityLine(tl: Timeline, lane: Lane, y: number, x: XScale, inView: (a: number, b: number) => boolean): string[] {
  const all = tl.lanes.filter((l) => l.instance === lane.instance).flatMap((l) => l.segments.flatMap((s) => (s.priority === undefined ? [] : [s.priority])));
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const own = new Set(lane.segments.flatMap((s) => (s.priority === undefined ? [] : [s.priority])));
  if (!(hi > lo) || own.size < 2) return [];
  // In the top 7 px of the lane, above the state's label.
  const py = (p: number): number => y + 1.5 + ((hi - p) / (hi - lo)) * 5.5;
  let d = '';
  for (const s of lane.segments) {
    if (s.priority === undefined || s.state === 'OFF' || !inView(s.from, s.to)) {
      d += ' ';
      continue;
    }
    d += `${d.endsWith(' ') || d === '' ? 'M' : 'L'}${r(x(s.from))},${r(py(s.priority))} H${r(x(s.to))}`;
  }
  const title = `${lane.node} ${lane.instance}: effective priority, top ${hi}, bottom ${lo}`;
  return [`<path d="${d.trim()}" fill="none" stroke="#111" stroke-width="1.3"><title>${esc(title)}</title></path>`];
}

/** A red band over an instance's lanes while it has no master, amber while it has two or more. */
function masterBands(tl: Timeline, lanes: readonly Lane[], x: XScale, inView: (a: number, b: number) => boolean, laneY: (i: number) => number): string[] {
  const out: string[] = [];
  for (const instance of [...new Set(lanes.map((l) => l.instance))]) {
    const first = lanes.findIndex((l) => l.instance === instance);
    const count = lanes.filter((l) => l.instance === instance).length;
    const y1 = laneY(first) - 3;
    const y2 = laneY(first + count) - LANE_GAP + 3;
    const st: Step[] = masterSteps(tl, instance);
    st.forEach((s, i) => {
      const end = (st[i + 1]?.from ?? tl.until) as number;
      if (s.nodes.length === 1 || !inView(s.from, end)) return;
      const none = s.nodes.length === 0;
      const what = `${instance}: ${none ? 'no master' : `${s.nodes.length} masters (${s.nodes.join(', ')})`} from ${formatSeconds(s.from)} s to ${formatSeconds(end)} s (${formatSeconds(end - s.from)} s)`;
      const x1 = x(s.from);
      const w = r(Math.max(1.5, x(end) - x1));
      out.push(`<rect x="${r(x1)}" y="${y1}" width="${w}" height="${y2 - y1}" fill="${none ? NO_MASTER : TWO_MASTERS}" opacity="0.3"><title>${esc(what)}</title></rect>`);
      out.push(`<rect x="${r(x1)}" y="${y1 - 3}" width="${w}" height="4" fill="${none ? NO_MASTER : TWO_MASTERS}"><title>${esc(what)}</title></rect>`);
    });
  }
  return out;
}

// ---------------------------------------------------------------- events

interface Tick {
  readonly x: number;
  /** Label texts, and the tooltip's lines (exact seconds). */
  readonly texts: string[];
  readonly tips: string[];
}

/** Events as ticks above the lanes, folded when close, labelled where there is room. */
function eventTicks(tl: Timeline, x: XScale, from: number, to: number): { rows: number; marks: (top: number, bottom: number) => string[] } {
  const ticks: Tick[] = [];
  const clock = to - from >= 3_600_000_000;
  for (const e of tl.events) {
    if (e.at < from || e.at > to) continue;
    const text = `${clock ? clockTime(e.at) : formatSeconds(e.at)} ${formatEvent(e.event)}`;
    const tip = `${formatSeconds(e.at)} s${clock ? ` (${clockTime(e.at)})` : ''}: ${formatEvent(e.event)}`;
    const last = ticks[ticks.length - 1];
    if (last !== undefined && x(e.at) - last.x < EVENT_MERGE_PX) {
      last.texts.push(text);
      last.tips.push(tip);
    } else ticks.push({ x: x(e.at), texts: [text], tips: [tip] });
  }
  const rowEnds: number[] = [];
  const labels = ticks.map((t) => {
    const text = t.texts.length === 1 ? (t.texts[0] as string) : `${t.texts[0] as string} +${t.texts.length - 1}`;
    const row = rowEnds.findIndex((end) => end < t.x);
    const free = row !== -1 ? row : rowEnds.length < EVENT_LABEL_ROWS ? rowEnds.push(0) - 1 : -1;
    if (free === -1 || t.x + text.length * 6 > LABEL_W + PLOT_W + 36) return undefined;
    rowEnds[free] = t.x + text.length * 6 + 4;
    return { row: free, text };
  });
  const rows = Math.max(1, rowEnds.length);
  return {
    rows,
    marks: (top, bottom) =>
      ticks.map((t, i) => {
        const tip = tooltip(t.tips);
        const label = labels[i];
        const line = ticks.length <= EVENT_LINES_MAX ? `<line x1="${r(t.x)}" y1="${top}" x2="${r(t.x)}" y2="${bottom}" stroke="#333" stroke-dasharray="4,3"><title>${tip}</title></line>` : '';
        const text = label === undefined ? '' : `<text x="${r(t.x + 2)}" y="${34 + label.row * EVENT_ROW_H}" fill="#333"><title>${tip}</title>${esc(label.text)}</text>`;
        const mark = `<rect x="${r(t.x - 1.5)}" y="${top - 6}" width="3" height="8" fill="${t.texts.length > 1 ? '#b03a2e' : '#333'}"><title>${tip}</title></rect>`;
        return line + text + mark;
      }),
  };
}

/** "7:01:40" (hours:minutes:seconds) for event labels on a run of hours; the tooltip keeps seconds. */
export function clockTime(us: number): string {
  const total = Math.floor(us / 1_000_000);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${Math.floor(total / 3600)}:${two(Math.floor(total / 60) % 60)}:${two(total % 60)}`;
}

function tooltip(texts: readonly string[]): string {
  const shown = texts.length > TOOLTIP_EVENTS_MAX ? [...texts.slice(0, TOOLTIP_EVENTS_MAX), `… ${texts.length - TOOLTIP_EVENTS_MAX} more`] : texts;
  return esc(shown.join('\n'));
}

function disturbanceBands(tl: Timeline, x: XScale, inView: (a: number, b: number) => boolean, top: number, bottom: number): string[] {
  return tl.disturbances
    .filter((d) => inView(d.from, d.to ?? tl.until))
    .map((d) => {
      const x1 = x(d.from);
      const x2 = x(d.to ?? tl.until);
      return `<rect x="${r(x1)}" y="${top}" width="${r(Math.max(0.5, x2 - x1))}" height="${bottom - top}" fill="#f6d6d6" opacity="0.6"><title>${esc(d.what)}</title></rect>`;
    });
}

// ---------------------------------------------------------------- axis and legend

const AXIS_STEPS_S = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** A round step for the span, and the unit its labels are written in. */
export function axisScale(spanS: number): { stepS: number; unitS: number; unit: string } {
  const stepS = AXIS_STEPS_S.find((s) => spanS / s <= AXIS_TICKS_MAX) ?? Math.ceil(spanS / AXIS_TICKS_MAX / 86400) * 86400;
  if (stepS >= 3600) return { stepS, unitS: 3600, unit: 'hours' };
  if (stepS >= 60) return { stepS, unitS: 60, unit: 'minutes' };
  return { stepS, unitS: 1, unit: 'seconds' };
}

function axis(from: number, to: number, x: XScale, y: number): string[] {
  const { stepS, unitS, unit } = axisScale((to - from) / 1_000_000);
  const stepUs = Math.round(stepS * 1_000_000);
  const out = [`<line x1="${LABEL_W}" y1="${y}" x2="${LABEL_W + PLOT_W}" y2="${y}" stroke="#333"/>`];
  for (let t = Math.ceil(from / stepUs) * stepUs; t <= to; t += stepUs) {
    const xi = x(t);
    const label = Math.round((t / 1_000_000 / unitS) * 1000) / 1000;
    out.push(`<line x1="${r(xi)}" y1="${y}" x2="${r(xi)}" y2="${y + 4}" stroke="#333"/>`);
    out.push(`<text x="${r(xi)}" y="${y + 15}" text-anchor="middle">${label}</text>`);
  }
  out.push(`<text x="${LABEL_W + PLOT_W}" y="${y + 27}" text-anchor="end" fill="#666">${unit}</text>`);
  return out;
}

function legend(y: number, lvs: boolean): string[] {
  const items: [string, string][] = [
    ['MASTER', COLOURS.MASTER],
    ['BACKUP', COLOURS.BACKUP],
    ['FAULT', COLOURS.FAULT],
    ['STOP', COLOURS.STOP],
    ['INIT', COLOURS.INIT],
    ['holds VIP', '#e8b10c'],
    ['no master', '#ffacac'],
    ['two masters', '#ffd9a3'],
    ['network not whole', '#f6d6d6'],
  ];
  let x = 10;
  const out: string[] = [];
  for (const [label, colour] of items) {
    out.push(`<rect x="${x}" y="${y}" width="12" height="12" fill="${colour}" stroke="#999" stroke-width="0.5"/>`);
    out.push(`<text x="${x + 16}" y="${y + 10}">${esc(label)}</text>`);
    x += 26 + label.length * 6.2;
  }
  out.push(`<text x="${x + 4}" y="${y + 10}" fill="#666">black line: priority · dotted: not running</text>`);
  if (!lvs) return out;
  let lx = 10;
  for (const [label, colour] of LVS_LEGEND) {
    out.push(`<rect x="${lx}" y="${y + 20}" width="12" height="12" fill="${colour}" stroke="#999" stroke-width="0.5"/>`);
    out.push(`<text x="${lx + 16}" y="${y + 30}">${esc(label)}</text>`);
    lx += 26 + label.length * 6.5;
  }
  out.push(`<text x="${lx + 10}" y="${y + 30}" fill="#666">line: active connections on the VIP holder</text>`);
  return out;
}

const r = (n: number): string => (Math.round(n * 10) / 10).toString();

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
