// The same failover on real keepalived in containers (needs Docker; run with
// DOCKER=1). The node image is built once by global-setup.ts.
import { GenericContainer } from 'testcontainers';
import { describe, expect, it } from 'vitest';
import { VrrpClusterContainer } from 'vrrp-lab/testcontainers';

describe.skipIf(!process.env.DOCKER)('web VIP failover (real keepalived)', { timeout: 300_000 }, () => {
  it('lb2 takes the VIP when lb1 is killed', async () => {
    await using cluster = await new VrrpClusterContainer()
      .withNode('lb1', { config: { path: 'ha/lb1.conf' } })
      .withNode('lb2', { config: { path: 'ha/lb2.conf' } })
      .start();
    await cluster.waitForMaster('VI_WEB', 'lb1');

    await cluster.kill('lb1');
    await expect.poll(() => cluster, { timeout: 10_000 }).toHaveMaster('VI_WEB', 'lb2');
    expect(cluster).toFailOverWithin('VI_WEB', 5, { to: 'lb2' });
    expect(cluster).toNeverHaveTwoMasters();
    expect(await cluster.holdersOf('192.0.2.80')).toEqual(['lb2']);
  });

  it('your own container can sit on the VIP network', async () => {
    await using cluster = await new VrrpClusterContainer()
      .withNode('lb1', { config: { path: 'ha/lb1.conf' } })
      .withNode('lb2', { config: { path: 'ha/lb2.conf' } })
      .start();
    // Any image your engine has; the lab's node image is always there.
    await using client = await new GenericContainer(process.env.CLIENT_IMAGE ?? 'vrrp-lab/node:latest')
      .withNetwork(cluster.getNetwork('eth0'))
      .withCommand(['sleep', 'infinity'])
      .start();
    await cluster.waitForMaster('VI_WEB', 'lb1');
    // The VIP answers ARP from the master's MAC, as your application would find it.
    expect((await client.exec(['arping', '-c', '2', '-w', '5', '-I', 'eth0', '192.0.2.80'])).exitCode).toBe(0);
  });
});
