/**
 * The cluster event words, `T VERB ARGS…` with T in seconds from the start —
 * the same words the corosync recorder takes, so a recorded case replays here.
 *
 *   T kill|stop|start|pause|resume NODE…   SIGKILL / SIGTERM (leave) / start / SIGSTOP / SIGCONT corosync
 *   T partition A,B C,D …                  cut traffic between the named groups (replaces an earlier partition)
 *   T heal                                 remove the partition
 *   T linkdown|linkup NODE [IFACE]         the node's cluster interface down / up
 *   T expected NODE E                      corosync-quorumtool -e E run on NODE
 *   T setvotes NODE NODEID V               corosync-quorumtool -n NODEID -v V run on NODE
 *   T qnetd-down | T qnetd-up              the quorum device's arbiter unreachable / reachable again
 *   T snap | T end                         nothing happens (recorder markers)
 *
 * Other verbs belong to cluster agents (fencing, services, disks); the
 * simulation asks its agents whether they take them and refuses the rest.
 * Nodes are named by their corosync `name` or their nodeid.
 */
import { ScenarioError } from '../../core/errors.js';
import { secondsToUs, type Instant } from '../../core/time.js';

export interface EventSource {
  /** Where the event was written: a file, or `--event #2`. */
  readonly file: string;
  readonly line: number;
}

export type ClusterEventBody =
  | { readonly kind: 'kill' | 'stop' | 'start' | 'pause' | 'resume'; readonly nodes: readonly string[] }
  | { readonly kind: 'partition'; readonly groups: readonly (readonly string[])[] }
  | { readonly kind: 'heal' | 'qnetd-down' | 'qnetd-up' | 'snap' | 'end' }
  | { readonly kind: 'linkdown' | 'linkup'; readonly node: string; readonly iface?: string }
  | { readonly kind: 'expected'; readonly node: string; readonly expectedVotes: number }
  | { readonly kind: 'setvotes'; readonly node: string; readonly target: string; readonly votes: number }
  | { readonly kind: 'agent'; readonly verb: string; readonly args: readonly string[] };

export type ClusterEvent = ClusterEventBody & { readonly at: Instant; readonly source: EventSource; readonly text: string };

/** Latest event time accepted: a week of virtual time. */
export const MAX_EVENT_SECONDS = 7 * 24 * 3600;
export const MAX_EVENTS = 100_000;

const NODE_VERBS = new Set(['kill', 'stop', 'start', 'pause', 'resume']);
const NODE_WORD = /^[A-Za-z0-9_.:-]{1,64}$/;

function fail(source: EventSource, column: number, message: string): never {
  throw new ScenarioError('bad-event', message, { file: source.file, line: source.line, column });
}

/** Parse one `T VERB ARGS…` line; throws a located ScenarioError. */
export function parseClusterEvent(text: string, source: EventSource): ClusterEvent {
  const words: Array<{ w: string; col: number }> = [];
  for (const m of text.matchAll(/\S+/g)) words.push({ w: m[0], col: (m.index ?? 0) + 1 });
  const [tw, vw, ...rest] = words;
  if (!tw) fail(source, 1, "an empty event: write 'T VERB ARGS', e.g. '8 kill node3'");
  if (!/^\d+(\.\d{1,6})?$/.test(tw.w) || Number(tw.w) > MAX_EVENT_SECONDS) {
    fail(source, tw.col, `'${tw.w}' is not a time: write seconds from the start (0…${MAX_EVENT_SECONDS}, up to 6 decimals) before the verb`);
  }
  if (!vw) fail(source, tw.col + tw.w.length, `a time and no verb: write e.g. '${tw.w} kill node3'`);
  const at = secondsToUs(Number(tw.w)) as Instant;
  const args = rest.map((r) => r.w);
  const body = parseBody(vw.w, rest, source, vw.col);
  return { ...body, at, source, text: [tw.w, vw.w, ...args].join(' ') };
}

function nodeWord(x: { w: string; col: number } | undefined, source: EventSource, after: number, verb: string): string {
  if (!x) fail(source, after, `'${verb}' needs a node name`);
  if (!NODE_WORD.test(x.w)) fail(source, x.col, `'${x.w}' is not a node name`);
  return x.w;
}

function parseBody(verb: string, rest: Array<{ w: string; col: number }>, source: EventSource, col: number): ClusterEventBody {
  const end = col + verb.length;
  const extra = (n: number) => {
    const x = rest[n];
    if (x) fail(source, x.col, `'${verb}' takes no more arguments, got '${x.w}'`);
  };
  if (NODE_VERBS.has(verb)) {
    if (rest.length === 0) fail(source, end, `'${verb}' needs at least one node name`);
    return { kind: verb as 'kill', nodes: rest.map((r) => nodeWord(r, source, end, verb)) };
  }
  switch (verb) {
    case 'partition': {
      if (rest.length < 2) fail(source, end, "'partition' needs at least two groups, e.g. 'partition node1,node2 node3'");
      const groups = rest.map((r) => r.w.split(',').map((n) => nodeWord({ w: n, col: r.col }, source, r.col, verb)));
      const seen = new Set<string>();
      for (const [i, g] of groups.entries()) for (const n of g) {
        if (seen.has(n)) fail(source, rest[i]!.col, `node '${n}' is in two partition groups`);
        seen.add(n);
      }
      return { kind: 'partition', groups };
    }
    case 'heal': case 'qnetd-down': case 'qnetd-up': case 'snap': case 'end':
      extra(0);
      return { kind: verb };
    case 'linkdown': case 'linkup': {
      const node = nodeWord(rest[0], source, end, verb);
      extra(2);
      return { kind: verb, node, ...(rest[1] ? { iface: rest[1].w } : {}) };
    }
    case 'expected': {
      const node = nodeWord(rest[0], source, end, verb);
      const e = rest[1];
      if (!e || !/^\d{1,9}$/.test(e.w) || Number(e.w) < 1) fail(source, e?.col ?? end, "'expected' needs a node and a number of votes ≥ 1, e.g. 'expected node1 2'");
      extra(2);
      return { kind: 'expected', node, expectedVotes: Number(e.w) };
    }
    case 'setvotes': {
      const node = nodeWord(rest[0], source, end, verb);
      const target = nodeWord(rest[1], source, end, verb);
      const v = rest[2];
      if (!v || !/^\d{1,9}$/.test(v.w)) fail(source, v?.col ?? end, "'setvotes' needs a node, the node whose votes change and the votes, e.g. 'setvotes node1 2 3'");
      extra(3);
      return { kind: 'setvotes', node, target, votes: Number(v.w) };
    }
    default:
      if (!/^[a-z][a-z0-9-]{0,31}$/.test(verb)) fail(source, col, `'${verb}' is not an event verb`);
      return { kind: 'agent', verb, args: rest.map((r) => r.w) };
  }
}
