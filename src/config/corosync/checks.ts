/**
 * The checks on a corosync.conf that matter for membership and quorum: the
 * combinations votequorum refuses at startup (exec/votequorum.c readconfig: the
 * daemon exits with a "configuration error"), the ones it quietly rewrites
 * (two_node dropped beside auto_tie_breaker, auto_tie_breaker dropped in an odd
 * cluster without wait_for_all), the nodelist rules totem enforces (nodeid
 * required by knet, unique, at most 384 processors), and what a reviewer would
 * flag although corosync accepts it — two_node in a nodelist of more than two
 * nodes, which votequorum applies whenever two or fewer members remain, so every
 * split that leaves two nodes or fewer on each side makes each side quorate.
 *
 * Rules: each finding is located at the line that causes it; startup refusals
 * are errors, silent rewrites and reviewer findings warnings.
 */
import type { Diagnostic } from '../../core/diagnostic.js';
import type { CorosyncConf, Located } from './model.js';

/** totem's PROCESSOR_COUNT_MAX: the largest ring corosync can form. */
export const MAX_NODES = 384;
/** totem's MINIMUM_TIMEOUT with HZ=100: 3 × 10 ms. */
const MINIMUM_TIMEOUT_MS = 30;

type Finding = (conf: CorosyncConf) => Diagnostic[];

const on = (file: string, at: { line: number; column: number } | undefined, code: string, severity: Diagnostic['severity'], message: string, hint?: string): Diagnostic => ({
  code, severity, message, file, line: at?.line ?? 0, column: at?.column ?? 0, ...(hint ? { hint } : {}),
});
const isOn = (v: Located<number> | undefined): boolean => v !== undefined && v.value !== 0;

/** Σ node votes in the nodelist (quorum_votes, default 1). */
export function nodelistVotes(conf: CorosyncConf): number {
  return conf.nodes.reduce((s, n) => s + (n.quorumVotes?.value ?? 1), 0);
}

const startupRefusals: Finding = (c) => {
  const q = c.quorum;
  const out: Diagnostic[] = [];
  const votequorum = q.provider?.value === 'corosync_votequorum';
  if (!votequorum) return out;
  const device = q.device;
  if (c.nodes.length === 0 && q.expectedVotes === undefined) {
    out.push(on(c.file, q.provider, 'votequorum-no-nodelist', 'error', 'configuration error: nodelist or quorum.expected_votes must be configured!'));
  }
  if (device && isOn(q.twoNode)) out.push(on(c.file, q.twoNode, 'votequorum-two-node-device', 'error', 'configuration error: two_node and quorum device cannot be configured at the same time!'));
  const atb = isOn(q.autoTieBreaker);
  if (device && isOn(q.lastManStanding)) out.push(on(c.file, q.lastManStanding, 'votequorum-device-lms', 'error', 'configuration error: quorum.device is not compatible with last_man_standing'));
  if (device && atb) out.push(on(c.file, q.autoTieBreaker, 'votequorum-device-atb', 'error', 'configuration error: quorum.device is not compatible with auto_tie_breaker'));
  if (device && isOn(q.allowDownscale)) out.push(on(c.file, q.allowDownscale, 'votequorum-device-downscale', 'error', 'configuration error: quorum.device is not compatible with allow_downscale'));
  if (device && q.expectedVotes && device.votes === undefined) {
    out.push(on(c.file, q.expectedVotes, 'votequorum-device-votes', 'error', 'configuration error: quorum.device.votes must be specified when quorum.expected_votes is set'));
  }
  if (device && device.votes === undefined && c.nodes.some((n) => (n.quorumVotes?.value ?? 1) !== 1)) {
    out.push(on(c.file, device.at, 'votequorum-device-votes', 'error', 'configuration error: quorum.device.votes must be specified when not all nodes votes 1'));
  }
  if (device?.votes && device.votes.value > 0 && q.expectedVotes && q.expectedVotes.value - device.votes.value < 2) {
    out.push(on(c.file, device.votes, 'votequorum-device-votes', 'error', 'configuration error: quorum.device.votes is too high or expected_votes is too low'));
  }
  // wait_for_all follows two_node when not written, and is settled before ATB drops two_node.
  const wfa = q.waitForAll ? isOn(q.waitForAll) : isOn(q.twoNode);
  const oddAtb = atb && nodelistVotes(c) % 2 === 1 && !wfa;
  if (oddAtb && c.nodes.length > 0 && isOn(q.lastManStanding)) {
    out.push(on(c.file, q.autoTieBreaker, 'votequorum-atb-lms-odd', 'error', 'configuration error: auto_tie_breaker & last_man_standing not available in odd sized cluster',
      'set wait_for_all: 1 (mandatory for auto_tie_breaker in an odd-sized cluster) or drop last_man_standing'));
  } else if (oddAtb && c.nodes.length > 0) {
    out.push(on(c.file, q.autoTieBreaker, 'votequorum-atb-disabled', 'warning', 'auto_tie_breaker is set and the cluster has an odd number of votes without wait_for_all: votequorum disables auto_tie_breaker',
      'set wait_for_all: 1'));
  }
  return out;
};

const silentRewrites: Finding = (c) => {
  const q = c.quorum;
  const out: Diagnostic[] = [];
  if (q.provider?.value !== 'corosync_votequorum') return out;
  if (isOn(q.twoNode) && isOn(q.autoTieBreaker)) {
    out.push(on(c.file, q.twoNode, 'votequorum-two-node-atb', 'warning', 'two_node and auto_tie_breaker are both specified but are not compatible: votequorum disables two_node'));
  }
  if (isOn(q.twoNode) && c.nodes.length > 2) {
    out.push(on(c.file, q.twoNode, 'two-node-many-nodes', 'warning',
      `two_node is set in a nodelist of ${c.nodes.length} nodes: votequorum accepts it silently and gives quorum 1 whenever two or fewer members remain, so a split that leaves two nodes or fewer on each side makes both sides quorate`,
      'remove two_node (it is meant for clusters of exactly two nodes)'));
  }
  if (isOn(q.lastManStanding)) {
    const heavy = c.nodes.find((n) => (n.quorumVotes?.value ?? 1) > 1);
    if (heavy) out.push(on(c.file, heavy.quorumVotes, 'lms-node-votes', 'warning', 'last_man_standing works only when every node has 1 vote: votequorum disables it when this node joins'));
  }
  if (isOn(q.lastManStanding) && !isOn(q.waitForAll) && !isOn(q.twoNode)) {
    out.push(on(c.file, q.lastManStanding, 'lms-without-wfa', 'warning', 'last_man_standing without wait_for_all: a partition restarting after a full outage can become quorate with part of the nodes', 'set wait_for_all: 1 (votequorum(5) calls it essential with last_man_standing)'));
  }
  if (q.autoTieBreakerNode && !isOn(q.autoTieBreaker)) {
    out.push(on(c.file, q.autoTieBreakerNode, 'atb-node-meaningless', 'warning', 'auto_tie_breaker_node: is meaningless if auto_tie_breaker is set to 0'));
  }
  if (q.autoTieBreakerNode && isOn(q.autoTieBreaker) && parseAtbNode(q.autoTieBreakerNode.value) === undefined) {
    out.push(on(c.file, q.autoTieBreakerNode, 'atb-node-invalid', 'warning', "auto_tie_breaker_nodes is not valid. It must be 'lowest', 'highest' or a space-separated list of node IDs. auto_tie_breaker is disabled"));
  }
  return out;
};

const nodelistRules: Finding = (c) => {
  const out: Diagnostic[] = [];
  const knet = (c.totem.transport?.value ?? 'knet') === 'knet';
  const seen = new Map<number, number>();
  c.nodes.forEach((n, i) => {
    if (i === MAX_NODES) out.push(on(c.file, n.at, 'too-many-nodes', 'error', `more than ${MAX_NODES} nodes: totem cannot form a ring of more than ${MAX_NODES} processors`));
    if (!n.nodeid && knet) out.push(on(c.file, n.at, 'nodeid-missing', 'error', 'nodeid required for every node with the knet transport'));
    if (n.nodeid && n.nodeid.value === 0) out.push(on(c.file, n.nodeid, 'nodeid-zero', 'error', 'nodeid 0 is reserved (it names the quorum device)'));
    if (n.nodeid && knet && n.nodeid.value >= 65536) out.push(on(c.file, n.nodeid, 'nodeid-range', 'error', 'Knet requires nodeid to be less than 65536'));
    if (n.nodeid) {
      if (seen.has(n.nodeid.value)) out.push(on(c.file, n.nodeid, 'nodeid-duplicate', 'error', `Nodeid ${n.nodeid.value} appears twice in corosync.conf (first on line ${seen.get(n.nodeid.value)})`));
      else seen.set(n.nodeid.value, n.nodeid.line);
    }
    if (!n.ring0Addr) out.push(on(c.file, n.at, 'ring0-missing', 'error', 'every node needs ring0_addr'));
  });
  if (c.nodes.length === 0 && c.nodelist) out.push(on(c.file, c.nodelist, 'nodelist-empty', 'error', 'the nodelist has no node'));
  return out;
};

const totemTimeouts: Finding = (c) => {
  const t = c.totem;
  const out: Diagnostic[] = [];
  if (!t.at) out.push(on(c.file, { line: 1, column: 1 }, 'totem-missing', 'error', 'no totem section: corosync cannot start without one'));
  if (t.version && t.version.value !== 2) out.push(on(c.file, t.version, 'totem-version', 'error', 'This totem parser can only parse version 2 configurations.'));
  for (const [name, v] of [['token', t.token], ['consensus', t.consensus], ['join', t.join]] as const) {
    if (v && v.value < MINIMUM_TIMEOUT_MS) out.push(on(c.file, v, 'totem-timeout-too-small', 'error', `The ${name} timeout parameter (${v.value} ms) may not be less than (${MINIMUM_TIMEOUT_MS} ms).`));
  }
  if (t.consensus && t.consensus.value < (t.join?.value ?? 50)) {
    out.push(on(c.file, t.consensus, 'totem-consensus-join', 'error', `The consensus timeout parameter (${t.consensus.value} ms) may not be less than join timeout (${t.join?.value ?? 50} ms).`));
  }
  if (c.quorum.provider === undefined && c.quorum.at) {
    out.push(on(c.file, c.quorum.at, 'quorum-no-provider', 'warning', 'the quorum section names no provider: corosync runs without quorum and every partition counts as quorate', 'add provider: corosync_votequorum'));
  }
  if (!c.quorum.at) out.push(on(c.file, { line: 1, column: 1 }, 'quorum-missing', 'warning', 'no quorum section: corosync runs without quorum and every partition counts as quorate'));
  return out;
};

/** `lowest`, `highest` or a list of node ids, as votequorum parses auto_tie_breaker_node. */
export function parseAtbNode(s: string): 'lowest' | 'highest' | number[] | undefined {
  if (s === 'lowest' || s === 'highest') return s;
  const ids = s.split(/\s+/).filter((w) => w !== '').map((w) => Number.parseInt(w, 10));
  const list: number[] = [];
  for (const id of ids) {
    if (!Number.isFinite(id) || id === 0) break; // strtol stops at the first 0 / non-number
    list.push(id);
  }
  return list.length > 0 ? list : undefined;
}

export function corosyncFindings(conf: CorosyncConf): Diagnostic[] {
  return [startupRefusals, silentRewrites, nodelistRules, totemTimeouts].flatMap((f) => f(conf));
}

/**
 * The membership detection time against a fence timeout known from elsewhere
 * (a CIB's stonith-timeout, cluster.conf's fence settings): a fence action that
 * must complete within less than the time totem needs to notice a failure
 * (effective token + consensus) is declared failed before the membership has
 * even settled.
 */
export function fenceTimeoutFindings(conf: CorosyncConf, detectionMs: number, fence: { readonly timeoutMs: number; readonly what: string; readonly at?: Diagnostic }): Diagnostic[] {
  if (fence.timeoutMs >= detectionMs) return [];
  return [on(fence.at?.file ?? conf.file, fence.at?.line ? { line: fence.at.line, column: fence.at.column ?? 1 } : conf.totem.token ?? conf.totem.at,
    'fence-timeout-below-token', 'warning',
    `${fence.what} (${fence.timeoutMs} ms) is shorter than the time totem needs to notice a failure (token + consensus = ${detectionMs} ms)`)];
}
