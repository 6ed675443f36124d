/**
 * The checker library (src/check) judging simulator runs built by hand: the
 * router directory of a simulated topology — router = "segment#vrid", the
 * segment being the interface's subnet unless the node names one.
 */
import { convergenceBoundUs, RouterDirectory, standardCheckers, type Checker, type CheckContext } from '../check/index.js';
import type { DurationUs } from '../core/time.js';
import { masterDownIntervalUs } from '../core/rfc3768.js';
import { subnetOf } from './ipv4.js';
import type { SimNodeConfig } from './types.js';

type SimNodes = readonly { readonly id: string; readonly config: SimNodeConfig }[];

export function simRouterDirectory(nodes: SimNodes): RouterDirectory {
  return new RouterDirectory(
    nodes.flatMap(({ id, config }) =>
      config.vrrp.instances.map((instance) => {
        const iface = config.vrrp.interfaces.find((i) => i.name === instance.interface);
        const segment = config.segments?.[instance.interface] ?? (iface && subnetOf(iface.address, iface.prefixLength)) ?? instance.interface;
        const syncGroup = config.vrrp.syncGroups.find((g) => g.members.includes(instance.name))?.name;
        return {
          node: id,
          instance: instance.name,
          router: `${segment}#${instance.vrid}`,
          vrid: instance.vrid,
          address: instance.sourceAddress ?? iface?.address ?? '0.0.0.0',
          preempt: !instance.nopreempt && instance.preemptDelayUs === 0,
          ...(syncGroup === undefined ? {} : { syncGroup }),
          virtualAddresses: instance.virtualAddresses.map((v) => v.address),
        };
      }),
    ),
  );
}

/** The standard checkers for a simulated topology whose links delay at most `maxLatencyUs`. */
export function simCheckContext(nodes: SimNodes, maxLatencyUs: DurationUs): CheckContext {
  const slowest = Math.max(0, ...nodes.flatMap((n) => n.config.vrrp.instances.map((i) => masterDownIntervalUs(1, i.advertIntUs, i.downTimerAdverts, i.version))));
  return { routers: simRouterDirectory(nodes), overlapUs: maxLatencyUs, convergenceUs: convergenceBoundUs(slowest, maxLatencyUs) };
}

export const simCheckers = (nodes: SimNodes, maxLatencyUs: DurationUs): Checker[] => standardCheckers(simCheckContext(nodes, maxLatencyUs));
