/**
 * The election table as a compact grid: one row per combination of tracker
 * outcomes, one column per node, then who becomes master.
 *
 *     VRID 51 on eth0 (VI_1): lb1 base 150, lb2 base 100
 *       a = lb1 track_script chk_nginx weight -60
 *       down  lb1  lb2  master
 *       -     150  100  lb1
 *       a      90  100  lb2
 */
import type { ElectionTable, ElectionTracker, MasterOutcome, NodeOutcome } from '../../config/rules/election-table.js';
import type { Style } from '../style.js';

export function trackerLetter(i: number): string {
  return i < 26 ? String.fromCharCode(97 + i) : `t${i + 1}`;
}

export function formatElectionTable(table: ElectionTable, style: Style): string {
  const letters = new Map(table.trackers.map((t, i) => [t.id, trackerLetter(i)] as const));
  const instances = [...new Set(table.nodes.map((n) => n.instance))].join(', ');
  const out = [
    style.bold(`VRID ${table.vrid} on ${table.interface} (${instances}): `) +
      table.nodes.map((n) => `${n.node} base ${n.basePriority}${n.address ? ` [${n.address}]` : ''}`).join(', '),
  ];
  for (const t of table.trackers) out.push(`  ${letters.get(t.id)} = ${describeTracker(t)}`);
  if (table.note) out.push(style.dim(`  note: ${table.note}`));
  const nopreempt = [...new Set(table.nodes.filter((n) => n.nopreempt).map((n) => n.node))];
  if (nopreempt.length > 0) out.push(style.dim(`  assumes preemption; nopreempt on ${nopreempt.join(', ')}: the current master keeps the role`));
  const header = ['down', ...table.nodes.map((n) => n.node), 'master'];
  const body = table.rows.map((r) => [
    r.down.length === 0 ? '-' : r.down.map((id) => letters.get(id) ?? id).join(' '),
    ...r.nodes.map(cell),
    masterText(r.master),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const line = (cells: readonly string[]) =>
    `  ${cells.map((s, c) => (c === 0 || c === cells.length - 1 ? s.padEnd(widths[c]!) : s.padStart(widths[c]!))).join('  ')}`.trimEnd();
  out.push(style.dim(line(header)));
  for (const row of body) out.push(line(row));
  if (body.some((row) => row.some((c) => c.endsWith('*')))) out.push(style.dim('  * clamped to 1..254 (the total is in the JSON output)'));
  return out.join('\n');
}

function describeTracker(t: ElectionTracker): string {
  const kind = t.kind === 'script' ? 'track_script' : 'track_interface';
  const weight = t.weight === 0 ? 'weight 0 (down = FAULT)' : `weight ${t.weight > 0 ? '+' : ''}${t.weight}`;
  return `${t.node} ${kind} ${t.name} ${weight}${t.reverse ? ' reverse' : ''}`;
}

function cell(o: NodeOutcome): string {
  if (o.fault) return 'FAULT';
  return o.total === o.effective ? String(o.effective) : `${o.effective}*`;
}

export function masterText(m: MasterOutcome): string {
  switch (m.kind) {
    case 'node':
      return m.node;
    case 'tie':
      return m.node !== undefined
        ? `${m.node} (tie at ${m.priority}: higher IP ${m.address} wins)`
        : `tie at ${m.priority} (${m.nodes.join(', ')}): the higher primary IP wins`;
    case 'none':
      return 'none (all FAULT)';
  }
}
