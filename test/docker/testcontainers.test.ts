/**
 * vrrp-lab/testcontainers on a real engine: a two-node keepalived cluster from
 * keepalived.conf texts, the master killed, the backup takes over — read through
 * the waits, the getters and the matchers — and nothing left behind. Two
 * clusters from the same configs started at once (as two test workers would)
 * get different subnets.
 */
import { describe, expect, it } from 'vitest';
import { VrrpClusterContainer } from '../../src/testing/testcontainers/index.js';
import '../../src/testing/vitest.js';
import { connectDocker } from '../../src/docker/docker-client.js';
import { LABEL_RUN } from '../../src/docker/labels.js';
import { nodeImage, skipReason, twoNodeConf } from './docker-test-utils.js';

/** What is left of these runs (other labs on the engine, e.g. parallel suites, are not counted). */
async function leftOf(...runIds: string[]): Promise<{ containers: number; networks: number }> {
  const docker = await connectDocker();
  const label = runIds.map((id) => `${LABEL_RUN}=${id}`);
  const containers = (await Promise.all(label.map((l) => docker.listContainers({ all: true, filters: { label: [l] } })))).flat();
  const networks = (await Promise.all(label.map((l) => docker.listNetworks({ filters: { label: [l] } })))).flat();
  return { containers: containers.length, networks: networks.length };
}

const pair = (image: string): VrrpClusterContainer =>
  new VrrpClusterContainer(image).withNode('lb1', { config: twoNodeConf(150) }).withNode('lb2', { config: twoNodeConf(100) });

describe.skipIf(skipReason !== undefined)('vrrp-lab/testcontainers', () => {
  it('kill the master: the backup takes the VIP; the cluster leaves no container or network behind', async () => {
    const image = await nodeImage();
    let runId: string;
    {
      await using cluster = await pair(image).start();
      runId = cluster.getRunId();
      expect(cluster.getNodeNames()).toEqual(['lb1', 'lb2']);
      expect(cluster.getNetwork('eth0').getName()).toBe(`vrrp-lab-${runId}-eth0`);
      expect(cluster.getNodeAddress('lb1')).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      await cluster.waitForMaster('VI_1', 'lb1', { timeoutMs: 20_000 });
      expect(cluster.masterOf('VI_1')).toBe('lb1');
      expect(await cluster.holdersOf('192.0.2.100')).toEqual(['lb1']);
      await cluster.kill('lb1');
      await expect.poll(() => cluster, { timeout: 15_000, interval: 100 }).toHaveMaster('VI_1', 'lb2');
      expect(cluster).toFailOverWithin('VI_1', 5, { to: 'lb2' });
      expect(cluster).toNeverHaveTwoMasters();
      expect(await cluster.holdersOf('192.0.2.100')).toEqual(['lb2']);
    }
    expect(runId).toMatch(/^[0-9a-f]{8}$/);
    expect(await leftOf(runId)).toEqual({ containers: 0, networks: 0 });
  });

  it('two clusters of the same configs started at once get subnets of their own', async () => {
    const image = await nodeImage();
    const [a, b] = await Promise.all([pair(image).start(), pair(image).start()]);
    const runs = [a.getRunId(), b.getRunId()];
    try {
      expect(a.getNodeAddress('lb1').split('.').slice(0, 3)).not.toEqual(b.getNodeAddress('lb1').split('.').slice(0, 3));
      await Promise.all([a.waitForMaster('VI_1', 'lb1', { timeoutMs: 20_000 }), b.waitForMaster('VI_1', 'lb1', { timeoutMs: 20_000 })]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expect(await leftOf(...runs)).toEqual({ containers: 0, networks: 0 });
  });
});
