/**
 * The scratch project's own files: a held-out scenario (two gateways on VRID 7,
 * not one of this repository's scenarios), its configs, a vitest config with
 * `setupFiles: ['vrrp-lab/vitest']`, a tsconfig, and the test files a user
 * would write against the package's entry points.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const gateway = (priority: number): string => `vrrp_instance VI_GW {
    state BACKUP
    interface eth0
    virtual_router_id 7
    priority ${priority}
    advert_int 1
    virtual_ipaddress {
        198.51.100.50/24
    }
}
`;

export const HELD_OUT_SCENARIO = `name held-out: the first gateway crashes, the second takes the VIP
node gw1 gw1.conf
node gw2 gw2.conf
seed 11
until 20

5 kill gw1

expect 4 master VI_GW gw1
expect failover VI_GW after 5 within 3.6 to gw2
expect 12 holder 198.51.100.50 gw2
expect never-two-masters
`;

const SIM_TEST = `import { describe, expect, it } from 'vitest';
import { checkers, loadScenarioFile, mastersAt, simulate, type Timeline } from 'vrrp-lab';
import { vrrpMatchers } from 'vrrp-lab/matchers';
import { VrrpClusterContainer } from 'vrrp-lab/testcontainers';
import 'vrrp-lab/vitest';

describe('vrrp-lab as a dependency', () => {
  it('simulates a scenario and asserts with the matchers', async () => {
    const result = await simulate('scenarios/held-out.scenario');
    expect(result).toHaveMaster('VI_GW', 'gw1', { at: 4 });
    expect(result).toFailOverWithin('VI_GW', 3.6, { after: 5, to: 'gw2' });
    expect(result).toHaveVipOn('198.51.100.50', 'gw2', { at: 12 });
    expect(result).not.toHaveVipOn('198.51.100.50', 'gw1', { at: 12 });
    expect(result).toNeverHaveTwoMasters();
    expect(result).toPassScenario();
    const tl: Timeline = result.run.timeline;
    expect(mastersAt(tl, 'VI_GW', tl.until)).toEqual(['gw2']);
    expect(loadScenarioFile('scenarios/held-out.scenario').nodes.map((n) => n.id)).toEqual(['gw1', 'gw2']);
    expect(typeof checkers.atMostOneMaster).toBe('function');
    expect(Object.keys(vrrpMatchers)).toEqual(expect.arrayContaining(['toHaveMaster', 'toBeQuorate', 'toHaveFenced', 'toRunServiceOn', 'toHaveNoCorruption']));
    expect(typeof VrrpClusterContainer).toBe('function');
  });

  it('a failing matcher says what, where and how to rerun', async () => {
    const result = await simulate('scenarios/held-out.scenario');
    expect(() => expect(result).toHaveMaster('VI_GW', 'gw2', { at: 4 })).toThrow(/expected: at 4 s, the master of VI_GW is gw2[\\s\\S]*timeline around 4 s[\\s\\S]*seed 11\\nreproduce with: SEED=11 npx vitest run tests\\/sim\\.test\\.ts/);
  });
});
`;

const DOCKER_TEST = `import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { VrrpClusterContainer } from 'vrrp-lab/testcontainers';

const docker = (...args: string[]): string => execFileSync('docker', args, { encoding: 'utf8' }).trim();

it('two keepalived nodes in containers: kill the master, the backup takes the VIP, nothing is left behind', { timeout: 900_000 }, async () => {
  let runId = '';
  {
    await using cluster = await new VrrpClusterContainer()
      .withNode('gw1', { config: { path: 'scenarios/gw1.conf' } })
      .withNode('gw2', { config: { path: 'scenarios/gw2.conf' } })
      .withStartupTimeout(600_000)
      .start();
    runId = cluster.getRunId();
    expect(cluster.getNetwork().getName()).toContain(runId);
    await cluster.waitForMaster('VI_GW', 'gw1', { timeoutMs: 30_000 });
    await cluster.kill('gw1');
    await expect.poll(() => cluster, { timeout: 20_000, interval: 100 }).toHaveMaster('VI_GW', 'gw2');
    expect(cluster).toFailOverWithin('VI_GW', 6, { to: 'gw2' });
  }
  expect(docker('ps', '-a', '-q', '--filter', \`label=vrrp-lab.run=\${runId}\`)).toBe('');
  expect(docker('network', 'ls', '-q', '--filter', \`label=vrrp-lab.run=\${runId}\`)).toBe('');
});
`;

export function writeConsumerFiles(dir: string): void {
  mkdirSync(join(dir, 'scenarios'), { recursive: true });
  mkdirSync(join(dir, 'tests'), { recursive: true });
  writeFileSync(join(dir, 'scenarios', 'gw1.conf'), gateway(200));
  writeFileSync(join(dir, 'scenarios', 'gw2.conf'), gateway(120));
  writeFileSync(join(dir, 'scenarios', 'held-out.scenario'), HELD_OUT_SCENARIO);
  writeFileSync(join(dir, 'vitest.config.ts'), `import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { include: ['tests/**/*.test.ts'], setupFiles: ['vrrp-lab/vitest'] } });\n`);
  writeFileSync(join(dir, 'tests', 'sim.test.ts'), SIM_TEST);
  writeFileSync(join(dir, 'tests', 'docker.test.ts'), DOCKER_TEST);
}
