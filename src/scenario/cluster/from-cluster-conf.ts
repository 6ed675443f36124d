/**
 * An RHCS cluster.conf → what the cluster simulator runs: the corosync layer's spec
 * in cman's flavour, and the RHCS agent's spec (fenced, rgmanager, devices,
 * storage).
 *
 * cman facts (RHCS 3.1.8 cman/daemon/cman-preconfig.c and cman.5, research
 * §2.1/§3.2, our words): cman runs corosync with token 10000 ms unless
 * `<totem token>` says otherwise, no token_coefficient, and a consensus of
 * 0.2 × token clamped to 200…2000 ms for two nodes or token + 2000 ms for more;
 * expected votes are `<cman expected_votes>` or the sum of node votes; two_node
 * forces quorum 1 with no wait_for_all.
 *
 * Where a fence device sits, and what storage the services write, a cluster.conf
 * does not say: `ClusterExtras` (from a scenario file) says it; without it a device
 * sits on its own management network, a BMC used by one node sits with that node,
 * and the services share one GFS2 volume.
 */
import type { ClusterConf, FenceDeviceDef } from '../../config/cluster-conf/index.js';
import { readClusterConf, looksLikeClusterConf } from '../../config/cluster-conf/index.js';
import { deviceKindOfAgent } from '../../config/fence-agents.js';
import { US_PER_SECOND } from '../../core/time.js';
import { totemTiming } from '../../fencing/membership.js';
import { DEFAULT_LMS_WINDOW_MS, type VotequorumConfig } from '../../fencing/quorum.js';
import type { FencerConfig } from '../../fencing/fencer.js';
import { fencedDefaults, pacemakerFencingDefaults } from '../../fencing/fencer.js';
import type { RgConfig } from '../../fencing/rgmanager.js';
import type { DrbdConfig, SharedDiskConfig } from '../../fencing/disk.js';
import type { HaClusterSpec } from '../../spec/ha-cluster.js';
import { RING, type DeviceSite, type RhcsAgentSpec } from '../../sim/cluster/rhcs-agent.js';
import type { ClusterConfigReader } from './load.js';

export const CMAN_TOKEN_MS = 10_000;

export function cmanQuorumConfig(conf: ClusterConf, nodeId: number): VotequorumConfig {
  return {
    flavour: 'cman', nodeId,
    nodelist: conf.nodes.filter((n) => n.nodeid !== undefined).map((n) => ({ nodeId: n.nodeid as number, votes: n.votes })),
    ...(conf.cman?.expectedVotes !== undefined ? { expectedVotes: conf.cman.expectedVotes } : {}),
    twoNode: conf.cman?.twoNode ?? false, waitForAll: false, lastManStanding: false,
    lastManStandingWindowMs: DEFAULT_LMS_WINDOW_MS, autoTieBreaker: 'none', allowDownscale: false, expectedVotesTracking: false,
  };
}

export function clusterSpecFromClusterConf(conf: ClusterConf, boot?: readonly string[]): HaClusterSpec {
  const nodes = conf.nodes.filter((n) => n.nodeid !== undefined).map((n) => ({ id: n.nodeid as number, name: n.name, quorum: cmanQuorumConfig(conf, n.nodeid as number) }));
  const tokenMs = conf.totem?.tokenMs ?? CMAN_TOKEN_MS;
  const consensusMs = conf.totem?.consensusMs ?? (nodes.length <= 2 ? Math.min(2000, Math.max(200, Math.trunc(0.2 * tokenMs))) : tokenMs + 2000);
  const timing = totemTiming({ tokenMs, tokenCoefficientMs: 0, consensusMs }, nodes.length);
  return { nodes, timing, ...(boot ? { boot } : {}) };
}

export const clusterConfReader: ClusterConfigReader = {
  kind: 'cluster.conf',
  detect: (text, path) => /(^|\/)cluster[^/]*\.conf$/.test(path) && looksLikeClusterConf(text) || looksLikeClusterConf(text),
  read(text, path, options) {
    const r = readClusterConf(text, path);
    if (r.model === undefined || r.diagnostics.some((d) => d.severity === 'error' && !ALLOWED_TO_RUN.has(d.code))) return { diagnostics: r.diagnostics };
    return { spec: clusterSpecFromClusterConf(r.model, options.boot), diagnostics: r.diagnostics };
  },
};

/** Errors a reviewer flags but cman would still start with: the lab runs them to show what happens. */
const ALLOWED_TO_RUN = new Set(['rhcs-no-fence-method', 'rhcs-no-fence-devices', 'rhcs-fence-cycle', 'rhcs-expected-votes-too-low', 'rhcs-unknown-fencedevice']);

export interface ClusterExtras {
  readonly devices?: Readonly<Record<string, { readonly network?: string; readonly host?: string }>>;
  readonly shared?: readonly SharedDiskConfig[];
  readonly drbd?: readonly DrbdConfig[];
  readonly serviceStorage?: Readonly<Record<string, string>>;
  readonly replicationNetwork?: string;
  readonly ioIntervalS?: number;
  readonly bootS?: number;
  readonly seed?: number;
}

const S = US_PER_SECOND;

export function fencerSpec(conf: ClusterConf, seed: number): Omit<FencerConfig, 'self'> {
  const fd = conf.fenceDaemon;
  return {
    flavour: 'fenced',
    nodes: conf.nodes.filter((n) => n.nodeid !== undefined).map((n) => ({
      name: n.name, nodeid: n.nodeid as number,
      levels: n.methods.filter((m) => m.devices.length > 0).map((m) => ({
        name: m.name,
        devices: m.devices.map((d) => ({ device: d.name, ...(d.port !== undefined ? { port: d.port } : {}), action: d.action ?? 'reboot', agentDelayUs: (d.delayS ?? deviceDelay(conf, d.name)) * S })),
      })),
    })),
    devices: conf.fenceDevices.map((d) => ({ name: d.name, kind: deviceKindOfAgent(d.agent), delayBaseUs: 0, delayMaxUs: 0 })),
    postFailDelayUs: fd.postFailDelayS * S, postJoinDelayUs: fd.postJoinDelayS < 0 ? -1 : fd.postJoinDelayS * S,
    cleanStart: fd.cleanStart, retryUs: fd.overrideTimeS > 0 ? fd.overrideTimeS * S : fencedDefaults.retryUs,
    maxAttempts: pacemakerFencingDefaults.maxAttempts, recheckUs: pacemakerFencingDefaults.recheckUs, priorityFencingDelayUs: 0,
    dcDeadtimeUs: pacemakerFencingDefaults.dcDeadtimeUs, fencingEnabled: true, fenceWithoutQuorum: false, hasResources: true, seed,
  };
}

function deviceDelay(conf: ClusterConf, name: string): number {
  return conf.fenceDevices.find((d) => d.name === name)?.delayS ?? 0;
}

export function rgSpec(conf: ClusterConf): Omit<RgConfig, 'self'> {
  const rm = conf.rm;
  return {
    nodes: conf.nodes.filter((n) => n.nodeid !== undefined).map((n) => ({ name: n.name, nodeid: n.nodeid as number })),
    domains: (rm?.domains ?? []).map((d) => ({
      name: d.name, ordered: d.ordered, restricted: d.restricted, nofailback: d.nofailback,
      members: d.nodes.map((m) => ({ node: m.name, priority: m.priority ?? 0 })),
    })),
    services: (rm?.services ?? []).map((s) => ({
      name: s.id, ...(s.domain !== undefined && rm?.domains.some((d) => d.name === s.domain) ? { domain: s.domain } : {}),
      autostart: s.autostart, exclusive: s.exclusive, recovery: s.recovery, maxRestarts: s.maxRestarts,
      restartExpireUs: s.restartExpireTimeS * S, ...(s.depend !== undefined ? { depend: s.depend } : {}), isVm: s.kind === 'vm',
    })),
  };
}

/** A BMC-kind device used by exactly one node sits with that node. */
function hostOf(conf: ClusterConf, d: FenceDeviceDef): string | undefined {
  if (deviceKindOfAgent(d.agent) !== 'power-bmc') return undefined;
  const users = conf.nodes.filter((n) => n.methods.some((m) => m.devices.some((x) => x.name === d.name)));
  return users.length === 1 ? users[0]?.name : undefined;
}

export function rhcsAgentSpec(conf: ClusterConf, extras: ClusterExtras = {}): RhcsAgentSpec {
  const devices: DeviceSite[] = conf.fenceDevices.map((d) => {
    const given = extras.devices?.[d.name];
    const host = given?.host ?? hostOf(conf, d);
    return { name: d.name, kind: deviceKindOfAgent(d.agent), network: given?.network ?? 'mgmt', ...(host !== undefined ? { host } : {}) };
  });
  const storageGiven = extras.shared !== undefined || extras.drbd !== undefined;
  const shared = storageGiven ? (extras.shared ?? []) : [{ name: 'shared', clustered: true }];
  return {
    fencer: fencerSpec(conf, extras.seed ?? 1), rg: rgSpec(conf), devices, shared, drbd: extras.drbd ?? [],
    replicationNetwork: extras.replicationNetwork ?? 'sn', serviceStorage: extras.serviceStorage ?? {},
    ioIntervalUs: Math.round((extras.ioIntervalS ?? 1) * S), bootUs: Math.round((extras.bootS ?? 60) * S),
  };
}

export { RING };
