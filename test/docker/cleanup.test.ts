/**
 * Nothing of a lab outlives it: after a run that throws, after SIGINT in the
 * middle of `vrrp-lab run`, and — when the process is killed outright — at the
 * start of the next run.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterSpec } from '../../src/core/backend.js';
import { connectDocker } from '../../src/docker/docker-client.js';
import { createDockerBackend } from '../../src/docker/docker-backend.js';
import { removeStale } from '../../src/docker/labels.js';
import type { NodeSpec } from '../../src/spec/node-spec.js';
import { leftovers, nodeImage, skipReason } from './docker-test-utils.js';

const CONF = (priority: number): string => `vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority ${priority}
    advert_int 1
    virtual_ipaddress {
        192.0.2.100/24
    }
}
`;

// keepalived reads CONF itself; the engine config is left empty (no VIP audit needed here).
const node = (id: string, address: string, priority: number): ClusterSpec<NodeSpec>['nodes'][number] => ({
  id,
  address,
  config: {
    keepalived: { file: `${id}.conf`, text: CONF(priority), included: [] },
    interfaces: [{ name: 'eth0', address, prefixLength: 24 }],
    initialScriptExitCodes: {},
    vrrp: { interfaces: [], instances: [], scripts: [], syncGroups: [] } as unknown as NodeSpec['vrrp'],
  },
});

const CLI = join(import.meta.dirname, '../../bin/vrrp-lab.js');
const built = existsSync(join(import.meta.dirname, '../../dist/src/cli/main.js'));

function configs(): { lb1: string; lb2: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vrrp-lab-cleanup-'));
  writeFileSync(join(dir, 'lb1.conf'), CONF(150));
  writeFileSync(join(dir, 'lb2.conf'), CONF(100));
  return { lb1: join(dir, 'lb1.conf'), lb2: join(dir, 'lb2.conf') };
}

async function untilLabUp(): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if ((await leftovers()).containers.length >= 2) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the lab never came up');
}

function runCli(): { child: ReturnType<typeof spawn>; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> } {
  const { lb1, lb2 } = configs();
  const child = spawn(process.execPath, [CLI, 'run', '--node', `lb1=${lb1}`, '--node', `lb2=${lb2}`, '--until', '60'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
  return { child, exited };
}

describe.skipIf(skipReason !== undefined)('lab cleanup', () => {
  it('removes everything when the code using the cluster throws', async () => {
    const image = await nodeImage();
    const boom = async (): Promise<void> => {
      await using cluster = await createDockerBackend({ image }).create({ seed: 1, nodes: [node('lb1', '192.0.2.11', 150), node('lb2', '192.0.2.12', 100)] }).start();
      expect((await leftovers()).containers).toHaveLength(2);
      await cluster.apply({ kind: 'linkdown', node: 'lb1', interface: 'no-such-link' });
    };
    await expect(boom()).rejects.toMatchObject({ code: 'node-command-failed' });
    expect(await leftovers()).toEqual({ containers: [], networks: [] });
  });

  it.skipIf(!built)('removes everything when `vrrp-lab run` gets SIGINT mid-run', async () => {
    await nodeImage();
    const { child, exited } = runCli();
    await untilLabUp();
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const { signal, stderr } = await exited;
    expect(signal, stderr).toBe('SIGINT');
    expect(await leftovers()).toEqual({ containers: [], networks: [] });
  });

  it.skipIf(!built)('removes what a killed run left, at the start of the next', async () => {
    await nodeImage();
    const { child, exited } = runCli();
    await untilLabUp();
    child.kill('SIGKILL');
    await exited;
    expect((await leftovers()).containers.length).toBeGreaterThan(0);
    const removed = await removeStale(await connectDocker());
    expect(removed.containers).toBeGreaterThan(0);
    expect(await leftovers()).toEqual({ containers: [], networks: [] });
  });
});
