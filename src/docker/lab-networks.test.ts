import { describe, expect, it } from 'vitest';
import type { Docker } from './docker-client.js';
import { formatSubnet } from './host-routes.js';
import type { LabPlan } from './lab-plan.js';
import { dockerNetworkRoutes, planAndCreateNetworks } from './lab-networks.js';

/** An engine whose network list the test controls (a unit test of the planner, above the engine). */
function engine(subnets: string[]): Docker {
  return { listNetworks: async () => subnets.map((s, i) => ({ Name: `net${i}`, IPAM: { Config: [{ Subnet: s }] } })) } as unknown as Docker;
}

const nodes = [
  { id: 'lb1', interfaces: [{ name: 'eth0', address: '192.0.2.11', prefixLength: 24 }] },
  { id: 'lb2', interfaces: [{ name: 'eth0', address: '192.0.2.12', prefixLength: 24 }] },
];

describe('lab networks beside other labs', () => {
  it("read the engine's networks as routes to keep away from (IPv6 and odd entries ignored)", async () => {
    const routes = await dockerNetworkRoutes(engine(['172.17.0.0/16', 'fd00::/64', '']));
    expect(routes.map((r) => `${formatSubnet(r)} ${r.interface}`)).toEqual(['172.17.0.0/16 docker network net0']);
  });

  it("never plan on another Docker network's subnet", async () => {
    const taken = ['192.0.2.0/24', '198.51.100.0/24'];
    const { plan } = await planAndCreateNetworks(engine(taken), nodes, ['192.0.2.100'], async () => new Map([['eth0', 'n']]), async () => undefined);
    const subnet = formatSubnet(plan.segments[0]!.subnet);
    expect(taken).not.toContain(subnet);
    expect(plan.addresses.get('lb1')?.get('eth0')).toMatch(/\.11$/); // the host part is kept
  });

  it('a parallel lab that took the subnet first: undo, read the networks again, plan elsewhere', async () => {
    const subnets: string[] = [];
    const tried: string[] = [];
    let removed = 0;
    const create = async (plan: LabPlan): Promise<Map<string, string>> => {
      const subnet = formatSubnet(plan.segments[0]!.subnet);
      tried.push(subnet);
      if (tried.length === 1) {
        subnets.push(subnet); // the other worker created it a moment before us
        throw new Error('(HTTP code 403) unexpected - Pool overlaps with other one on this address space');
      }
      return new Map([['eth0', 'n']]);
    };
    await planAndCreateNetworks(engine(subnets), nodes, [], create, async () => void removed++);
    expect(tried).toHaveLength(2);
    expect(tried[1]).not.toBe(tried[0]);
    expect(removed).toBe(1);
  });

  it('other creation errors are not retried', async () => {
    let calls = 0;
    const create = async (): Promise<Map<string, string>> => {
      calls++;
      throw new Error('permission denied');
    };
    await expect(planAndCreateNetworks(engine([]), nodes, [], create, async () => undefined)).rejects.toThrow('permission denied');
    expect(calls).toBe(1);
  });
});
