import { describe, expect, it } from 'vitest';
import { parseProcNetRoute } from './host-routes.js';
import { planLab } from './lab-plan.js';
import { checkLvsRunnable, lvsPlanNodes } from './lvs-lab.js';
import type { DirectorNodeConfig } from '../ipvs/director-node-config.js';

// A host on 192.0.2.0/24, as these machines are.
const ROUTES = parseProcNetRoute(`Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask
eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF
`);

const directors = [
  { id: 'lb1', interfaces: [{ name: 'eth0', address: '192.0.2.1', prefixLength: 24 }] },
  { id: 'lb2', interfaces: [{ name: 'eth0', address: '192.0.2.2', prefixLength: 24 }] },
];
const lvs = {
  realServers: [
    { id: 'rs1', address: '192.0.2.31', network: 'eth0', ports: [2811] },
    { id: 'rs2', address: '192.0.2.32', network: 'eth0', ports: [2811] },
  ],
  clients: { id: 'clients', address: '192.0.2.254', network: 'eth0' },
  services: ['192.0.2.80:2811'],
};

describe('load balancing in the lab plan', () => {
  it('moves the real servers and the clients with their segment, keeping host parts', () => {
    const plan = planLab([...directors, ...lvsPlanNodes(lvs, directors)], ['192.0.2.80'], ROUTES);
    expect(plan.segments[0]?.movedFrom).toBeDefined();
    expect(plan.addresses.get('rs1')?.get('eth0')).toBe('198.51.100.31');
    expect(plan.addresses.get('clients')?.get('eth0')).toBe('198.51.100.254');
    // The Docker network's gateway avoids every lab address, the clients' too.
    expect(plan.segments[0]?.gateway).toBe('198.51.100.253');
    expect(plan.moved.get('192.0.2.32')).toBe('198.51.100.32');
  });

  it('gives the hosts the prefix of the directors on their network', () => {
    const wide = [{ id: 'lb1', interfaces: [{ name: 'eth0', address: '10.9.0.1', prefixLength: 16 }] }];
    expect(lvsPlanNodes({ ...lvs, realServers: [{ id: 'rs1', address: '10.9.3.1', network: 'eth0', ports: [80] }] }, wide)[0]?.interfaces[0]?.prefixLength).toBe(16);
  });

  it('refuses connection sync, naming the director', () => {
    const synced = { sync: { interface: 'eth0', instance: 'VI_1' } } as unknown as DirectorNodeConfig;
    expect(() => checkLvsRunnable([{ id: 'lb1' }, { id: 'lb2', lvs: synced }])).toThrow(/^lb2 runs lvs_sync_daemon: connection sync needs the kernel's IPVS/);
    expect(() => checkLvsRunnable([{ id: 'lb1', lvs: {} as DirectorNodeConfig }])).not.toThrow();
  });
});
