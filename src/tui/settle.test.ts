import { describe, expect, it } from 'vitest';
import type { InstanceView, LabSession, LabView } from '../lesson/contract.js';
import { settle, SETTLE_LIMIT_US } from './settle.js';

const instance = (state: InstanceView['state']): InstanceView => ({ name: 'VI_1', vrid: 51, state, priority: 100, base: 100, terms: [], vips: [] });

/** A session whose lb1 becomes MASTER at `electAt` µs (never when undefined). */
function session(backend: 'sim' | 'docker', electAt: number | undefined): LabSession & { now(): number } {
  let now = 0;
  const view = (): LabView => ({
    now: now as LabView['now'], seed: 1, backend, kind: 'vrrp', vips: [], strip: [], log: [], findings: [],
    nodes: [
      { name: 'lb1', address: '192.0.2.1', status: 'up', links: [], instances: [instance(electAt !== undefined && now >= electAt ? 'MASTER' : 'BACKUP')] },
      { name: 'lb2', address: '192.0.2.2', status: 'up', links: [], instances: [instance('BACKUP')] },
    ],
  });
  return {
    now: () => now,
    view,
    advance: async (us: number) => { now += us; },
  } as unknown as LabSession & { now(): number };
}

describe('opening a lesson', () => {
  it('on the simulator runs until the routers have elected (the first screen shows MASTER)', async () => {
    const s = session('sim', 3_414_000);
    await settle(s);
    expect(s.now()).toBe(3_500_000);
    expect(s.view().nodes[0]?.instances[0]?.state).toBe('MASTER');
  });

  it('stops at the limit when nobody is ever elected, and waits for nothing on Docker', async () => {
    const never = session('sim', undefined);
    await settle(never);
    expect(never.now()).toBe(SETTLE_LIMIT_US);
    const docker = session('docker', 3_414_000);
    await settle(docker);
    expect(docker.now()).toBe(0);
  });
});
