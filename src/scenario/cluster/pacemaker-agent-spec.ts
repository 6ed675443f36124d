/**
 * A CIB beside a corosync.conf → the Pacemaker agent's spec: the scheduler's
 * configuration (pacemakerFromCib), and the fencer in its Pacemaker flavour —
 * every node of the corosync nodelist, each fenced by the CIB's stonith devices
 * that may target it (pcmk_host_list / pcmk_host_map, else any), one level per
 * device in CIB order, with pcmk_delay_base/max, priority-fencing-delay,
 * stonith-enabled, startup-fencing and no-quorum-policy=ignore.
 *
 * Rules: Pacemaker 2.1.5's defaults; fencing-topology is not read (one level per
 * capable device, as the fencer tries them when no topology is configured).
 */
import type { Cib, CibPrimitive, CibResource } from '../../config/cib/index.js';
import { deviceKindOfAgent } from '../../config/fence-agents.js';
import { US_PER_SECOND } from '../../core/time.js';
import { pacemakerFencingDefaults } from '../../fencing/fencer.js';
import type { HaClusterSpec } from '../../spec/ha-cluster.js';
import type { PacemakerAgentSpec } from '../../spec/pacemaker.js';
import { pacemakerFromCib, type PcmkInput } from './pacemaker-from-cib.js';

const S = US_PER_SECOND;

function primitives(r: CibResource): CibPrimitive[] {
  if (r.kind === 'primitive') return [r];
  if (r.kind === 'group') return [...r.members];
  return primitives(r.child);
}

export function pacemakerAgentSpec(cib: Cib, spec: HaClusterSpec, opts: { readonly seed?: number; readonly bootS?: number; readonly ioIntervalS?: number } = {}): { spec: PacemakerAgentSpec; diagnostics: PcmkInput['diagnostics'] } {
  const input = pacemakerFromCib(cib);
  const c = input.config;
  const types = new Map(cib.resources.flatMap(primitives).filter((p) => p.class === 'stonith').map((p) => [p.id, p.type]));
  const devices = c.resources.filter((r) => r.isStonith);
  const nodeNames = spec.nodes.map((n) => n.name);
  const startup = cib.options['startup-fencing']?.value;
  return {
    diagnostics: input.diagnostics,
    spec: {
      pcmk: { ...c, nodes: c.nodes.length > 0 ? c.nodes : nodeNames },
      devices: devices.map((d) => ({ name: d.id, kind: deviceKindOfAgent(types.get(d.id) ?? '') })),
      fencer: {
        flavour: 'pacemaker',
        nodes: spec.nodes.map((n) => ({
          name: n.name, nodeid: n.id,
          levels: devices.filter((d) => d.fenceTargets === undefined || d.fenceTargets.includes(n.name))
            .map((d) => ({ name: d.id, devices: [{ device: d.id, action: c.options.stonithAction, agentDelayUs: 0 }] })),
        })),
        devices: devices.map((d) => ({ name: d.id, kind: deviceKindOfAgent(types.get(d.id) ?? ''), delayBaseUs: (d.delayBaseS ?? 0) * S, delayMaxUs: (d.delayMaxS ?? 0) * S })),
        postFailDelayUs: 0, postJoinDelayUs: 0, cleanStart: startup !== undefined && /^(0|false|no|off|n)$/i.test(startup),
        retryUs: S, maxAttempts: pacemakerFencingDefaults.maxAttempts, recheckUs: pacemakerFencingDefaults.recheckUs,
        priorityFencingDelayUs: c.options.priorityFencingDelayS * S, dcDeadtimeUs: pacemakerFencingDefaults.dcDeadtimeUs,
        fencingEnabled: c.options.stonithEnabled, fenceWithoutQuorum: c.options.noQuorumPolicy === 'ignore',
        hasResources: c.resources.length > 0, seed: opts.seed ?? 1,
      },
      bootUs: Math.round((opts.bootS ?? 60) * S),
      ioIntervalUs: Math.round((opts.ioIntervalS ?? 1) * S),
    },
  };
}
