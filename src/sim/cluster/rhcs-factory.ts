/**
 * A cluster.conf (plus a scenario's extras) → the RHCS agent's spec, and the agent
 * factory `cluster simulate` calls: a cluster.conf run gets fenced, rgmanager and
 * the storage model on every node.
 *
 * Where a fence device sits, and what storage the services write, a cluster.conf
 * does not say: `ClusterExtras` says it; without it a device sits on its own
 * management network, a BMC used by one node sits with that node, and the services
 * share one GFS2 volume.
 */
import type { ClusterConf, FenceDeviceDef } from '../../config/cluster-conf/index.js';
import { readClusterConf } from '../../config/cluster-conf/index.js';
import { deviceKindOfAgent } from '../../config/fence-agents.js';
import { US_PER_SECOND } from '../../core/time.js';
import type { FencerConfig } from '../../fencing/fencer.js';
import { fencedDefaults, pacemakerFencingDefaults } from '../../fencing/fencer.js';
import type { RgConfig } from '../../fencing/rgmanager.js';
import type { ClusterExtras, DeviceSite, RhcsAgentSpec } from '../../spec/rhcs.js';
import type { ClusterAgentFactory } from './agents.js';
import { RhcsAgent } from './rhcs-agent.js';

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


/** cluster.conf runs get the RHCS agent; other kinds are not its business. */
export const rhcsAgentFactory: ClusterAgentFactory = (inputs) => {
  if (inputs.kind !== 'cluster.conf') return { agents: [] };
  const r = readClusterConf(inputs.configText, inputs.configPath);
  if (r.model === undefined) return { agents: [] };
  return { agents: [new RhcsAgent(rhcsAgentSpec(r.model, inputs.extras))] };
};
