/**
 * Planning and creating a lab's networks when other labs may be doing the same
 * at that moment (parallel test workers, two terminals, a CI runner with
 * several jobs on one engine).
 *
 * Theory of operation: the plan (lab-plan.ts) avoids the host's routes and,
 * here, also the subnets of every Docker network the engine has — on Docker
 * Desktop and remote engines the host's routes do not show them. Two labs that
 * plan at the same instant can still pick the same free subnet; the engine
 * refuses the second ("Pool overlaps with other one on this address space"),
 * so that lab removes the networks it made, reads the engine's networks again
 * (the winner's subnet is among them now) and plans anew, a few times, after a
 * short random pause so two losers do not collide again.
 */
import type { Docker } from './docker-client.js';
import { parseIpv4, readHostRoutes, type Ipv4Route } from './host-routes.js';
import { planLab, type LabPlan, type PlanNode } from './lab-plan.js';

const ATTEMPTS = 6;

/** The IPv4 subnets of the engine's networks, as routes named after the network (so a move says which). */
export async function dockerNetworkRoutes(docker: Docker): Promise<Ipv4Route[]> {
  const networks = await docker.listNetworks();
  return networks.flatMap((n) =>
    (n.IPAM?.Config ?? []).flatMap((c) => {
      const [address, prefix] = (c.Subnet ?? '').split('/');
      const network = parseIpv4(address ?? '');
      const prefixLength = Number(prefix);
      return network === undefined || !Number.isInteger(prefixLength) ? [] : [{ interface: `docker network ${n.Name}`, network, prefixLength }];
    }),
  );
}

export const isPoolOverlap = (e: unknown): boolean => /pool overlaps|overlaps with other one/i.test(e instanceof Error ? e.message : String(e));

export interface PlannedNetworks {
  readonly plan: LabPlan;
  /** Segment → network name. */
  readonly networks: Map<string, string>;
}

/**
 * Plan the lab off the host's routes and the engine's networks and create its
 * networks with `create`; on a pool overlap, undo with `remove` and plan again.
 */
export async function planAndCreateNetworks(
  docker: Docker,
  nodes: readonly PlanNode[],
  vips: readonly string[],
  create: (plan: LabPlan) => Promise<Map<string, string>>,
  remove: () => Promise<void>,
): Promise<PlannedNetworks> {
  for (let attempt = 1; ; attempt++) {
    const plan = planLab(nodes, vips, [...readHostRoutes(), ...(await dockerNetworkRoutes(docker))]);
    try {
      return { plan, networks: await create(plan) };
    } catch (e) {
      if (!isPoolOverlap(e) || attempt >= ATTEMPTS) throw e;
      await remove();
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.floor(Math.random() * 250)));
    }
  }
}
