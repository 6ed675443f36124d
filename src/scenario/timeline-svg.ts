/**
 * The timeline as a picture: one lane per node and instance, coloured bars for
 * the states over time, a gold strip where the lane holds a VIP (with a marker
 * where it arrives), dashed lines for the events, shaded bands where the network
 * is not whole. Plain SVG text, no dependencies; every mark has a <title>, so a
 * browser shows the details on hover.
 */
import { formatEvent } from './events.js';
import type { Lane, LaneState, Timeline } from './timeline.js';
import { formatSeconds } from '../core/time.js';
import { LVS_LEGEND, lvsLaneCount, lvsLanes } from './lvs/timeline-render.js';

const COLOURS: Record<LaneState, string> = {
  MASTER: '#2e9d4f',
  BACKUP: '#4a7fd4',
  FAULT: '#d64545',
  STOP: '#8a8a8a',
  INIT: '#c9c9c9',
  OFF: 'none',
};

const LABEL_W = 170;
const PLOT_W = 820;
const LANE_H = 26;
const LANE_GAP = 8;
const EVENT_ROW_H = 14;

export function renderTimelineSvg(tl: Timeline, options: { readonly title?: string } = {}): string {
  const lanes = [...tl.lanes].sort((a, b) => a.instance.localeCompare(b.instance) || a.node.localeCompare(b.node));
  const until = Math.max(1, tl.until);
  const x = (us: number): number => LABEL_W + (Math.min(us, until) / until) * PLOT_W;
  const eventRows = layoutEventLabels(tl, x);
  const top = 34 + eventRows.rows * EVENT_ROW_H;
  const laneY = (i: number): number => top + i * (LANE_H + LANE_GAP);
  const lvsCount = tl.lvs === undefined ? 0 : lvsLaneCount(tl.lvs);
  const bottom = laneY(lanes.length + lvsCount);
  const height = bottom + (tl.lvs === undefined ? 64 : 84);
  const width = LABEL_W + PLOT_W + 30;
  const title = options.title ?? `vrrp-lab timeline · seed ${tl.seed}`;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="10" y="18" font-size="13" font-weight="bold">${esc(title)}</text>`,
    ...disturbanceBands(tl, x, top - 4, bottom),
    ...lanes.flatMap((lane, i) => laneMarks(tl, lane, laneY(i), x)),
    ...(tl.lvs === undefined ? [] : lvsLanes(tl, tl.lvs, x, laneY(lanes.length), LANE_H, LANE_GAP, { left: LABEL_W, width: PLOT_W })),
    ...eventRows.marks.map((m) => m(top - 4, bottom)),
    ...axis(until, x, bottom),
    ...legend(bottom + 34, tl.lvs !== undefined),
    '</svg>',
  ];
  return parts.join('\n') + '\n';
}

function laneMarks(tl: Timeline, lane: Lane, y: number, x: (us: number) => number): string[] {
  const node = tl.nodes.find((n) => n.id === lane.node);
  const out = [`<text x="10" y="${y + LANE_H / 2 + 4}">${esc(`${lane.node} · ${lane.instance}`)}</text>`];
  if (node) out.push(`<text x="10" y="${y + LANE_H + 3}" font-size="9" fill="#666">${esc(node.address)}</text>`);
  out.push(`<line x1="${LABEL_W}" y1="${y + LANE_H / 2}" x2="${LABEL_W + PLOT_W}" y2="${y + LANE_H / 2}" stroke="#bbb" stroke-dasharray="2,3"/>`);
  for (const s of lane.segments) {
    if (s.state === 'OFF') continue;
    const x1 = x(s.from);
    const w = Math.max(0.5, x(s.to) - x1);
    const label = `${s.state}${s.priority === undefined ? '' : ` ${s.priority}`}`;
    out.push(
      `<rect x="${r(x1)}" y="${y}" width="${r(w)}" height="${LANE_H}" fill="${COLOURS[s.state]}" stroke="#ffffff" stroke-width="0.5">` +
        `<title>${esc(`${lane.node} ${lane.instance}: ${label} from ${formatSeconds(s.from)} s to ${formatSeconds(s.to)} s`)}</title></rect>`,
    );
    if (w > label.length * 6.2 + 6) out.push(`<text x="${r(x1 + 4)}" y="${y + LANE_H / 2 + 4}" fill="#ffffff">${esc(label)}</text>`);
  }
  for (const h of tl.holds.filter((h) => h.node === lane.node && h.instance === lane.instance)) {
    const x1 = x(h.from);
    const x2 = x(h.to ?? tl.until);
    const what = `${lane.node} holds ${h.address} from ${formatSeconds(h.from)} s${h.to === undefined ? '' : ` to ${formatSeconds(h.to)} s`}`;
    out.push(`<rect x="${r(x1)}" y="${y + LANE_H - 5}" width="${r(Math.max(0.5, x2 - x1))}" height="5" fill="#e8b10c"><title>${esc(what)}</title></rect>`);
    out.push(`<path d="M${r(x1)},${y + LANE_H + 1} l-4,6 h8 z" fill="#e8b10c"><title>${esc(`${h.address} → ${lane.node} at ${formatSeconds(h.from)} s`)}</title></path>`);
  }
  return out;
}

/** Event labels staggered into rows so close events do not overlap. */
function layoutEventLabels(tl: Timeline, x: (us: number) => number): { rows: number; marks: ((top: number, bottom: number) => string)[] } {
  const rowEnds: number[] = [];
  const marks: ((top: number, bottom: number) => string)[] = [];
  for (const e of tl.events) {
    const text = `${formatSeconds(e.at)} ${formatEvent(e.event)}`;
    const x0 = x(e.at);
    const w = text.length * 6;
    let row = rowEnds.findIndex((end) => end < x0);
    if (row === -1) row = rowEnds.push(0) - 1;
    rowEnds[row] = x0 + w + 4;
    marks.push((top, bottom) => {
      const ty = 30 + row * EVENT_ROW_H;
      return (
        `<line x1="${r(x0)}" y1="${ty + 2}" x2="${r(x0)}" y2="${bottom}" stroke="#333" stroke-dasharray="4,3"><title>${esc(text)}</title></line>` +
        `<text x="${r(x0 + 2)}" y="${ty}" fill="#333">${esc(text)}</text>` +
        `<circle cx="${r(x0)}" cy="${top}" r="2.5" fill="#333"/>`
      );
    });
  }
  return { rows: Math.max(1, rowEnds.length), marks };
}

function disturbanceBands(tl: Timeline, x: (us: number) => number, top: number, bottom: number): string[] {
  return tl.disturbances.map((d) => {
    const x1 = x(d.from);
    const x2 = x(d.to ?? tl.until);
    return `<rect x="${r(x1)}" y="${top}" width="${r(Math.max(0.5, x2 - x1))}" height="${bottom - top}" fill="#f6d6d6" opacity="0.6"><title>${esc(d.what)}</title></rect>`;
  });
}

function axis(until: number, x: (us: number) => number, y: number): string[] {
  const seconds = until / 1_000_000;
  const step = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600].find((s) => seconds / s <= 20) ?? 3600;
  const out = [`<line x1="${LABEL_W}" y1="${y}" x2="${LABEL_W + PLOT_W}" y2="${y}" stroke="#333"/>`];
  for (let i = 0; i * step <= seconds + 1e-9; i++) {
    const s = Math.round(i * step * 1000) / 1000;
    const xi = x(s * 1_000_000);
    out.push(`<line x1="${r(xi)}" y1="${y}" x2="${r(xi)}" y2="${y + 4}" stroke="#333"/>`);
    out.push(`<text x="${r(xi)}" y="${y + 15}" text-anchor="middle">${s}</text>`);
  }
  out.push(`<text x="${LABEL_W + PLOT_W}" y="${y + 27}" text-anchor="end" fill="#666">seconds</text>`);
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
    ['network not whole', '#f6d6d6'],
  ];
  let x = 10;
  const out: string[] = [];
  for (const [label, colour] of items) {
    out.push(`<rect x="${x}" y="${y}" width="12" height="12" fill="${colour}" stroke="#999" stroke-width="0.5"/>`);
    out.push(`<text x="${x + 16}" y="${y + 10}">${esc(label)}</text>`);
    x += 26 + label.length * 6.5;
  }
  out.push(`<text x="${x + 10}" y="${y + 10}" fill="#666">not running: dotted line only</text>`);
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
