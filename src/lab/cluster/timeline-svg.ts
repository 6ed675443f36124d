/**
 * A cluster run as a picture, in the style of the VRRP timeline
 * (src/scenario/timeline-svg.ts): one lane per node — a bar for its state (quorate,
 * not quorate, paused, down), a strip under it for each service it runs, an amber
 * strip while its DLM (GFS2/clvmd) is frozen, red triangles where it was fenced —
 * dashed lines for the scenario's events and red lines where the data-safety
 * checker found corruption. Built from the run's events and notes only; every mark
 * has a <title> for the details on hover.
 */
import type { ClusterNote, ClusterOutEvent } from '../../sim/cluster/index.js';

const LABEL_W = 190;
const PLOT_W = 820;
const LANE_H = 18;
const STRIP_H = 9;
const COLOURS = { quorate: '#2e9d4f', inquorate: '#e08a1e', paused: '#8a8a8a', frozen: '#e8b10c', fence: '#d64545' } as const;
const SERVICE_COLOURS = ['#4a7fd4', '#8e5cc4', '#1f9bb0', '#b0651f', '#5c8a2e', '#c45c8e'];

interface Span { readonly from: number; readonly to: number; readonly label: string }

export interface ClusterTimelineInput {
  readonly nodes: readonly string[];
  readonly events: readonly ClusterOutEvent[];
  readonly notes: readonly ClusterNote[];
  readonly script: readonly { readonly t: number; readonly text: string }[];
  readonly until: number;
  readonly title: string;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const r = (n: number): string => n.toFixed(1);

export function renderClusterSvg(input: ClusterTimelineInput): string {
  const until = Math.max(1, input.until);
  const x = (t: number): number => LABEL_W + (Math.min(Math.max(t, 0), until) / until) * PLOT_W;
  const services = [...new Set(input.events.flatMap((e) => (e.kind === 'service' ? [e.service] : [])))].sort();
  const laneH = LANE_H + 4 + services.length * (STRIP_H + 1) + STRIP_H + 12;
  const top = 40 + Math.min(input.script.length, 6) * 12;
  const bottom = top + input.nodes.length * laneH;
  const width = LABEL_W + PLOT_W + 30;
  const height = bottom + 80;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<title>${esc(input.title)}</title>`, `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="10" y="18" font-size="13" font-weight="bold">${esc(input.title)}</text>`,
    ...input.nodes.flatMap((n, i) => lane(input, n, services, top + i * laneH, x, until)),
    ...input.script.map((s, i) => marker(x(s.t), top - 4 - (i % 6) * 12, bottom, s.text, '#333', '4,3')),
    ...input.events.flatMap((e) => (e.kind === 'corruption' ? [marker(x(e.t), top - 4, bottom, `corruption: ${e.what}`, COLOURS.fence, '')] : [])),
    ...axis(until, x, bottom),
    ...legend(services, bottom + 34),
    '</svg>',
  ];
  return parts.join('\n') + '\n';
}

function lane(input: ClusterTimelineInput, node: string, services: readonly string[], y: number, x: (t: number) => number, until: number): string[] {
  const out = [`<text x="10" y="${y + LANE_H - 5}" font-weight="bold">${esc(node)}</text>`,
    `<line x1="${LABEL_W}" y1="${y + LANE_H / 2}" x2="${LABEL_W + PLOT_W}" y2="${y + LANE_H / 2}" stroke="#bbb" stroke-dasharray="2,3"/>`];
  for (const s of stateSpans(input, node, until)) {
    const colour = s.label.startsWith('paused') ? COLOURS.paused : s.label.startsWith('not quorate') ? COLOURS.inquorate : COLOURS.quorate;
    out.push(bar(x(s.from), y, x(s.to) - x(s.from), LANE_H, colour, `${node}: ${s.label} ${s.from}–${s.to} s`, s.label.split(' (')[0] ?? ''));
  }
  services.forEach((svc, i) => {
    const sy = y + LANE_H + 3 + i * (STRIP_H + 1);
    for (const s of serviceSpans(input.events, node, svc, until)) out.push(bar(x(s.from), sy, x(s.to) - x(s.from), STRIP_H, SERVICE_COLOURS[i % SERVICE_COLOURS.length] as string, `${svc} on ${node} ${s.from}–${s.to} s`, ''));
  });
  const fy = y + LANE_H + 3 + services.length * (STRIP_H + 1);
  for (const s of frozenSpans(input.events, node, until)) out.push(bar(x(s.from), fy, x(s.to) - x(s.from), STRIP_H / 2, COLOURS.frozen, `DLM of ${node} frozen ${s.from}–${s.to} s: ${s.label}`, ''));
  for (const e of input.events) {
    if (e.kind === 'fence' && e.result === 'success' && e.target === node) {
      out.push(`<path d="M${r(x(e.t))},${y - 1} l-5,-7 h10 z" fill="${COLOURS.fence}"><title>${esc(`${e.t} s: ${node} fenced by ${e.by} through ${e.device} (${e.reason})`)}</title></path>`);
    }
  }
  return out;
}

function bar(x1: number, y: number, w: number, h: number, fill: string, title: string, label: string): string {
  const text = label !== '' && w > label.length * 6 + 6 ? `<text x="${r(x1 + 3)}" y="${y + h / 2 + 4}" fill="#ffffff">${esc(label)}</text>` : '';
  return `<rect x="${r(x1)}" y="${y}" width="${r(Math.max(0.5, w))}" height="${h}" fill="${fill}" stroke="#ffffff" stroke-width="0.5"><title>${esc(title)}</title></rect>${text}`;
}

function marker(x0: number, ty: number, bottom: number, text: string, colour: string, dash: string): string {
  return `<line x1="${r(x0)}" y1="${ty + 2}" x2="${r(x0)}" y2="${bottom}" stroke="${colour}"${dash ? ` stroke-dasharray="${dash}"` : ''}><title>${esc(text)}</title></line>` +
    `<text x="${r(x0 + 2)}" y="${ty}" fill="${colour}">${esc(text.length > 40 ? `${text.slice(0, 39)}…` : text)}</text>`;
}

/** Up (quorate or not) or paused, from the quorum events and the simulator's notes; gaps are down. */
function stateSpans(input: ClusterTimelineInput, node: string, until: number): Span[] {
  type Mark = { t: number; state: 'down' | 'paused' | 'up' | 'quorate' | 'inquorate' };
  const marks: Mark[] = [];
  for (const n of input.notes) {
    if (n.node !== node) continue;
    if (/paused/.test(n.text)) marks.push({ t: n.t, state: 'paused' });
    else if (/resumed/.test(n.text)) marks.push({ t: n.t, state: 'up' });
    else if (/killed|stopped|fenced by|power/.test(n.text)) marks.push({ t: n.t, state: 'down' });
  }
  for (const e of input.events) if (e.kind === 'quorum' && e.node === node) marks.push({ t: e.t, state: e.quorate ? 'quorate' : 'inquorate' });
  marks.sort((a, b) => a.t - b.t);
  const spans: Span[] = [];
  let cur: { from: number; label: string } | undefined;
  let quorate = false;
  for (const m of marks) {
    if (m.state === 'quorate' || m.state === 'inquorate') quorate = m.state === 'quorate';
    const label = m.state === 'down' ? undefined : m.state === 'paused' ? 'paused (hung)' : quorate ? 'quorate' : 'not quorate';
    if (cur !== undefined && cur.label === label) continue;
    if (cur !== undefined) spans.push({ from: cur.from, to: m.t, label: cur.label });
    cur = label === undefined ? undefined : { from: m.t, label };
  }
  if (cur !== undefined) spans.push({ from: cur.from, to: until, label: cur.label });
  return spans.filter((s) => s.to > s.from);
}

function serviceSpans(events: readonly ClusterOutEvent[], node: string, service: string, until: number): Span[] {
  const spans: Span[] = [];
  let from: number | undefined;
  for (const e of events) {
    if (e.kind !== 'service' || e.service !== service || e.node !== node) continue;
    if (e.state === 'started' && from === undefined) from = e.t;
    else if (e.state !== 'started' && e.state !== 'migrating' && from !== undefined) {
      spans.push({ from, to: e.t, label: service });
      from = undefined;
    }
  }
  if (from !== undefined) spans.push({ from, to: until, label: service });
  return spans;
}

function frozenSpans(events: readonly ClusterOutEvent[], node: string, until: number): Span[] {
  const spans: Span[] = [];
  let from: { t: number; why: string } | undefined;
  for (const e of events) {
    if (e.kind !== 'disk' || e.resource !== 'dlm' || e.writer !== node) continue;
    if (e.op === 'frozen') from ??= { t: e.t, why: e.reason ?? '' };
    else if (e.op === 'thawed' && from !== undefined) {
      spans.push({ from: from.t, to: e.t, label: from.why });
      from = undefined;
    }
  }
  if (from !== undefined) spans.push({ from: from.t, to: until, label: from.why });
  return spans;
}

function axis(until: number, x: (t: number) => number, y: number): string[] {
  const out = [`<line x1="${LABEL_W}" y1="${y}" x2="${LABEL_W + PLOT_W}" y2="${y}" stroke="#333"/>`];
  const step = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600].find((s) => until / s <= 12) ?? 3600;
  for (let t = 0; t <= until + 1e-9; t += step) {
    out.push(`<line x1="${r(x(t))}" y1="${y}" x2="${r(x(t))}" y2="${y + 4}" stroke="#333"/>`, `<text x="${r(x(t))}" y="${y + 15}" text-anchor="middle" fill="#333">${t}</text>`);
  }
  out.push(`<text x="${LABEL_W + PLOT_W}" y="${y + 27}" text-anchor="end" fill="#666">seconds</text>`);
  return out;
}

function legend(services: readonly string[], y: number): string[] {
  const items: Array<[string, string]> = [
    [COLOURS.quorate, 'up, quorate'], [COLOURS.inquorate, 'up, not quorate'], [COLOURS.paused, 'paused'], [COLOURS.frozen, 'DLM frozen (fence pending)'],
    [COLOURS.fence, 'fenced ▼ / corruption |'], ...services.map((s, i): [string, string] => [SERVICE_COLOURS[i % SERVICE_COLOURS.length] as string, s]),
  ];
  return items.map(([colour, text], i) => {
    const lx = 10 + (i % 5) * 200;
    const ly = y + Math.floor(i / 5) * 16;
    return `<rect x="${lx}" y="${ly}" width="12" height="12" fill="${colour}" stroke="#999" stroke-width="0.5"/><text x="${lx + 16}" y="${ly + 10}" fill="#666">${esc(text)}</text>`;
  });
}
