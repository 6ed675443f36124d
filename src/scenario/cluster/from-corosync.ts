/**
 * A corosync.conf model → the cluster simulator's spec: node ids and names,
 * each node's votequorum configuration as corosync would derive it, totem's
 * timers in force, the quorum device.
 *
 * Rules: values absent from the file take corosync's defaults here, and only
 * here; a file votequorum would refuse is reported by `votequorumConfigError`
 * (the caller decides whether to run it).
 */
import { nodeName, parseAtbNode, type CorosyncConf, type Located } from '../../config/corosync/index.js';
import { totemTiming } from '../../fencing/membership.js';
import type { QnetdTieBreaker } from '../../fencing/qdevice.js';
import { DEFAULT_DEVICE_SYNC_TIMEOUT_MS, DEFAULT_DEVICE_TIMEOUT_MS, DEFAULT_LMS_WINDOW_MS, type AutoTieBreaker, type VotequorumConfig } from '../../fencing/quorum.js';
import type { HaClusterSpec, QdeviceSpec } from '../../spec/ha-cluster.js';

const on = (v: Located<number> | undefined): boolean => v !== undefined && v.value !== 0;

function atbOf(conf: CorosyncConf): AutoTieBreaker {
  const q = conf.quorum;
  if (!on(q.autoTieBreaker)) return 'none';
  return q.autoTieBreakerNode ? (parseAtbNode(q.autoTieBreakerNode.value) ?? 'none') : 'lowest';
}

/** The votequorum configuration node `nodeId` reads from this file. */
export function votequorumConfigOf(conf: CorosyncConf, nodeId: number): VotequorumConfig {
  const q = conf.quorum;
  const d = q.device;
  return {
    flavour: 'votequorum',
    nodeId,
    nodelist: conf.nodes.filter((n) => n.nodeid).map((n) => ({ nodeId: n.nodeid!.value, votes: n.quorumVotes?.value ?? 1 })),
    ...(q.expectedVotes && q.expectedVotes.value > 0 ? { expectedVotes: q.expectedVotes.value } : {}),
    twoNode: on(q.twoNode),
    ...(q.waitForAll ? { waitForAll: on(q.waitForAll) } : {}),
    lastManStanding: on(q.lastManStanding),
    lastManStandingWindowMs: q.lastManStandingWindow?.value ?? DEFAULT_LMS_WINDOW_MS,
    autoTieBreaker: atbOf(conf),
    allowDownscale: on(q.allowDownscale),
    expectedVotesTracking: on(q.expectedVotesTracking),
    ...(d
      ? { device: { ...(d.votes ? { votes: d.votes.value } : {}), timeoutMs: d.timeout?.value ?? DEFAULT_DEVICE_TIMEOUT_MS, syncTimeoutMs: d.syncTimeout?.value ?? DEFAULT_DEVICE_SYNC_TIMEOUT_MS } }
      : {}),
  };
}

function tieBreakerOf(s: string | undefined): QnetdTieBreaker {
  if (s === undefined || s === 'lowest') return 'lowest';
  if (s === 'highest') return 'highest';
  return /^\d+$/.test(s) ? Number(s) : 'lowest';
}

function qdeviceOf(conf: CorosyncConf): QdeviceSpec | undefined {
  const d = conf.quorum.device;
  if (!d || (d.model?.value ?? 'net') !== 'net') return undefined;
  const algorithm = d.net?.algorithm?.value === 'lms' ? 'lms' : 'ffsplit';
  return { algorithm, tieBreaker: tieBreakerOf(d.net?.tieBreaker?.value), timeoutMs: d.timeout?.value ?? DEFAULT_DEVICE_TIMEOUT_MS };
}

export function clusterSpecFromCorosync(conf: CorosyncConf, boot?: readonly string[]): HaClusterSpec {
  const votequorumOn = conf.quorum.provider?.value === 'corosync_votequorum';
  const nodes = conf.nodes
    .filter((n) => n.nodeid)
    .map((n) => ({ id: n.nodeid!.value, name: nodeName(n), ...(votequorumOn ? { quorum: votequorumConfigOf(conf, n.nodeid!.value) } : {}) }));
  const t = conf.totem;
  const iface = t.interfaces.find((i) => (i.linknumber?.value ?? 0) === 0);
  const timing = totemTiming({
    ...(t.token ? { tokenMs: t.token.value } : {}),
    ...(t.tokenCoefficient ? { tokenCoefficientMs: t.tokenCoefficient.value } : {}),
    ...(t.consensus ? { consensusMs: t.consensus.value } : {}),
    ...(t.join ? { joinMs: t.join.value } : {}),
    ...(t.tokenRetransmitsBeforeLossConst ? { tokenRetransmitsBeforeLossConst: t.tokenRetransmitsBeforeLossConst.value } : {}),
    ...(iface?.knetPingInterval ? { knetPingIntervalMs: iface.knetPingInterval.value } : {}),
    ...(iface?.knetPingTimeout ? { knetPingTimeoutMs: iface.knetPingTimeout.value } : {}),
    ...(iface?.knetPongCount ? { knetPongCount: iface.knetPongCount.value } : {}),
  }, conf.nodes.length);
  const qdevice = votequorumOn ? qdeviceOf(conf) : undefined;
  return { nodes, timing, ...(qdevice ? { qdevice } : {}), ...(boot ? { boot } : {}) };
}
