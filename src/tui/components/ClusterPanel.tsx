/**
 * The live cluster: each node, its instances' states and effective priority with
 * the arithmetic (`100 +2 chk_ctrl = 102`), who holds each VIP; the LVS real
 * servers with their check and connections; the cluster's membership, quorum,
 * fencing and services. State is always written out; colour only repeats it.
 */
import { Box, Text } from 'ink';
import { Line } from './Line.js';
import type { ClusterPanelView, InstanceView, LabView, LvsView, NodeView } from '../../lesson/contract.js';
import { idleTerms, priorityArithmetic } from '../format.js';

const STATE_COLOUR: Readonly<Record<string, string>> = { MASTER: 'green', FAULT: 'red', BACKUP: 'cyan' };

function Instance({ i, pad }: { readonly i: InstanceView; readonly pad: number }) {
  const holder = i.vips.length > 0 ? '*' : ' ';
  const idle = idleTerms(i);
  return (
    <Line wrap="truncate-end">
      {'  '}{i.name.padEnd(pad)} <Text color={STATE_COLOUR[i.state]} bold={i.state === 'MASTER'}>{(i.state + holder).padEnd(7)}</Text> {priorityArithmetic(i)}
      {idle ? <Text dimColor> ({idle})</Text> : null}
    </Line>
  );
}

function Node({ n, pad }: { readonly n: NodeView; readonly pad: number }) {
  const down = n.links.filter((l) => !l.up).map((l) => `${l.name} down`);
  return (
    <Box flexDirection="column" flexShrink={0}>
      <Line wrap="truncate-end">
        <Text bold>{n.name.padEnd(6)}</Text> <Text color={n.status === 'up' ? undefined : 'red'}>{n.status}</Text>
        {down.length > 0 ? <Text color="red"> {down.join(' ')}</Text> : null}
      </Line>
      {n.instances.map((i) => <Instance key={i.name} i={i} pad={pad} />)}
    </Box>
  );
}

function Lvs({ lvs }: { readonly lvs: LvsView }) {
  const clients = Object.entries(lvs.clients).map(([k, v]) => `${k} ${v}`).join(' ');
  return (
    <Box flexDirection="column" flexShrink={0}>
      {lvs.services.map((s) => (
        <Box key={s.service} flexDirection="column" flexShrink={0}>
          <Line wrap="truncate-end">LVS {s.service}{s.director ? ` on ${s.director}` : ''}</Line>
          {s.realServers.map((r) => (
            <Line key={r.name} wrap="truncate-end">
              {'  '}{r.name.padEnd(5)} <Text color={r.check === 'up' ? 'green' : r.check === 'down' ? 'red' : undefined}>{r.check.padEnd(4)}</Text> act {r.active} inact {r.inactive}
            </Line>
          ))}
        </Box>
      ))}
      {clients ? <Line wrap="truncate-end">clients: {clients}</Line> : null}
    </Box>
  );
}

/** Whom a node sees: `all`, `itself`, `nobody` or the names (a partition shows as the names on each side). */
export function sees(members: readonly string[], all: readonly string[], self?: string): string {
  if (members.length === 0) return 'nobody';
  if (members.length === all.length && all.every((a) => members.includes(a))) return 'all';
  if (self !== undefined && members.length === 1 && members[0] === self) return 'itself';
  return members.join(',');
}

function Cluster({ c }: { readonly c: ClusterPanelView }) {
  return (
    <Box flexDirection="column" flexShrink={0}>
      {c.nodes.map((n) => (
        <Line key={n.name} wrap="truncate-end">
          <Text bold>{n.name}</Text> <Text color={n.status === 'running' ? undefined : 'red'}>{n.status}</Text>
          {n.quorate === undefined ? '' : n.quorate ? ' quorate' : <Text color="red"> NOT quorate</Text>}
          {n.status === 'running' ? ` sees ${sees(n.members, c.nodes.map((m) => m.name), n.name)}` : ''}
          {n.votes === undefined || n.votes === 1 ? '' : ` votes ${n.votes}`}
        </Line>
      ))}
      {c.nodes.find((n) => n.quorum) ? <Line wrap="truncate-end" dimColor>quorum: {c.nodes.find((n) => n.quorum)?.quorum}</Line> : null}
      {c.fencing.map((f) => <Line key={f} wrap="truncate-end" color="yellow">fence: {f}</Line>)}
      {c.services.map((s) => <Line key={s.name} wrap="truncate-end">{s.name}: {s.state}{s.node ? ` on ${s.node}` : ''}</Line>)}
      {c.data.map((d) => <Line key={d} wrap="truncate-end" color="red">data: {d}</Line>)}
    </Box>
  );
}

export interface ClusterPanelProps {
  readonly view?: LabView;
  readonly width: number;
  readonly height: number;
}

export function ClusterPanel({ view, width, height }: ClusterPanelProps) {
  return (
    <Box flexDirection="column" borderStyle="round" width={width} height={height} overflow="hidden" paddingX={1}>
      {!view ? <Line dimColor>starting…</Line> : (
        <>
          {view.nodes.map((n) => <Node key={n.name} n={n} pad={Math.max(4, ...view.nodes.flatMap((m) => m.instances.map((i) => i.name.length)))} />)}
          {view.vips.map((v) => (
            <Line key={v.address + v.instance} wrap="truncate-end">
              VIP {v.address} ({v.instance}) → <Text bold color={v.holders.length > 1 ? 'red' : undefined}>{v.holders.length === 0 ? 'nobody' : v.holders.join(' + ')}</Text>
            </Line>
          ))}
          {view.lvs ? <Lvs lvs={view.lvs} /> : null}
          {view.cluster ? <Cluster c={view.cluster} /> : null}
        </>
      )}
    </Box>
  );
}
