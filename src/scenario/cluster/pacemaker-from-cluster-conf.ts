/**
 * An RHCS cluster.conf's services as the Pacemaker scheduler's input, so that
 * `cluster plan --config cluster.conf` shows what the equivalent Pacemaker
 * configuration would decide (research/fencing.md §5.2.4's mapping).
 *
 * Mapping (approximate by nature — rgmanager is not Pacemaker):
 * - every fencedevice → a fence device resource `fence-NAME` fencing the nodes
 *   whose methods use it; fencing is on when any node has a method;
 * - `<vm>`/`<service>` → a resource `vm:NAME`/`service:NAME`; autostart=0 →
 *   target-role Stopped; recovery relocate → migration-threshold 1, restart →
 *   max_restarts+1 with failure-timeout restart_expire_time, disable → on-fail stop;
 * - an ordered domain → location (101 − priority) × 10 on each member; a
 *   restricted one → −INFINITY elsewhere; nofailback → stickiness above the
 *   largest gap between members;
 * - exclusive=1 → −INFINITY colocation with every other service (unlike
 *   rgmanager, Pacemaker may then stop a running service: validate warns).
 * The state is every node up and nothing running: plan with --execute first.
 */
import type { Diagnostic } from '../../core/diagnostic.js';
import type { ClusterConf, RmService } from '../../config/cluster-conf/index.js';
import { INFINITY, type PcmkColocation, type PcmkConfig, type PcmkLocation, type PcmkResource, type PcmkState } from '../../fencing/pacemaker/index.js';
import type { PcmkInput } from './pacemaker-from-cib.js';

function serviceResource(svc: RmService, stickiness: number): PcmkResource {
  const threshold = svc.recovery === 'relocate' ? 1 : svc.maxRestarts > 0 ? svc.maxRestarts + 1 : INFINITY;
  return {
    id: svc.id, isStonith: false, priority: 0, stickiness,
    migrationThreshold: threshold, failureTimeoutS: svc.recovery === 'restart' && svc.maxRestarts > 0 ? svc.restartExpireTimeS : 0,
    requires: 'fencing', targetRole: svc.autostart ? 'Started' : 'Stopped', isManaged: true,
    ops: [{ name: 'monitor', intervalMs: 10_000, ...(svc.recovery === 'disable' ? { onFail: 'stop' as const } : {}) }],
  };
}

function domainConstraints(conf: ClusterConf, svc: RmService, out: PcmkLocation[]): number {
  const domain = conf.rm?.domains.find((d) => d.name === svc.domain);
  if (!domain) return 0;
  const scores = new Map<string, number>();
  for (const m of domain.nodes) scores.set(m.name, domain.ordered ? (101 - (m.priority ?? 100)) * 10 : 100);
  for (const n of conf.nodes) {
    const s = scores.get(n.name);
    if (s !== undefined) out.push({ rsc: svc.id, node: n.name, score: s });
    else if (domain.restricted) out.push({ rsc: svc.id, node: n.name, score: -INFINITY });
  }
  if (!domain.nofailback) return 0;
  const values = [...scores.values()];
  return values.length ? Math.max(...values) - Math.min(...values) + 1 : 1;
}

export function pacemakerFromClusterConf(conf: ClusterConf): PcmkInput {
  const diagnostics: Diagnostic[] = [];
  const nodes = conf.nodes.map((n) => n.name);
  const targets = new Map<string, string[]>();
  for (const n of conf.nodes) for (const m of n.methods) for (const d of m.devices) targets.set(d.name, [...(targets.get(d.name) ?? []), n.name]);
  const fencing = conf.nodes.some((n) => n.methods.some((m) => m.devices.length > 0));
  const devices: PcmkResource[] = conf.fenceDevices.map((d) => ({
    id: `fence-${d.name}`, isStonith: true, priority: 0, stickiness: 0, migrationThreshold: INFINITY, failureTimeoutS: 0,
    requires: 'quorum', targetRole: 'Started', isManaged: true, ops: [], fenceTargets: [...new Set(targets.get(d.name) ?? [])],
  }));
  const locations: PcmkLocation[] = [];
  const services = conf.rm?.services ?? [];
  const resources = [...devices, ...services.map((svc) => serviceResource(svc, domainConstraints(conf, svc, locations)))];
  const colocations: PcmkColocation[] = [];
  for (const svc of services.filter((s) => s.exclusive)) {
    for (const other of services) if (other !== svc) colocations.push({ rsc: svc.id, withRsc: other.id, score: -INFINITY });
  }
  if (conf.rm === undefined) diagnostics.push({ severity: 'info', code: 'no-services', message: 'the cluster.conf has no <rm> section: only fence devices are placed', file: conf.file, line: conf.root.line, column: conf.root.column });
  const config: PcmkConfig = {
    options: {
      stonithEnabled: fencing, noQuorumPolicy: 'stop', symmetricCluster: true, stonithAction: 'reboot', priorityFencingDelayS: 0,
      startFailureIsFatal: true, concurrentFencing: false, stopAllResources: false, maintenanceMode: false,
    },
    nodes, ...(nodes[0] ? { dc: nodes[0] } : {}), resources, locations, colocations,
  };
  const state: PcmkState = {
    quorate: true,
    nodes: Object.fromEntries(nodes.map((n) => [n, { inCcm: true, crmdOnline: true, expectedUp: true }])),
    history: {}, attrs: {},
  };
  return { config, state, diagnostics };
}
