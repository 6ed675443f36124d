/**
 * Interoperability: one node runs real keepalived, the other our engine on raw
 * sockets, on one bridge. Each must see the other's adverts as valid: the
 * higher priority is master, the backup takes over when it is killed, and
 * the master preempts back on start — whichever engine holds which role.
 */
import { describe, it } from 'vitest';
import { createDockerBackend } from '../../src/docker/docker-backend.js';
import type { NodeEngineKind } from '../../src/docker/node-config.js';
import { keepalivedParser } from '../../src/scenario/keepalived-parser.js';
import { runScenario } from '../../src/scenario/run.js';
import { prepareScenario } from '../../src/scenario/topology.js';
import { expectFailoverWithin, expectMaster, expectNeverTwoMasters } from '../../src/scenario/vitest.js';
import { crashAndReturn, nodeImage, skipReason } from './docker-test-utils.js';

const crash = crashAndReturn('mixed cluster: master crash and return', '    authentication {\n        auth_type PASS\n        auth_pass secret1\n    }\n');

async function runMixed(engines: Record<string, NodeEngineKind>) {
  const prepared = prepareScenario(crash, { parse: keepalivedParser });
  return runScenario(prepared, createDockerBackend({ image: await nodeImage(), engine: 'keepalived', engines }));
}

describe.skipIf(skipReason !== undefined)('mixed keepalived / our engine', () => {
  for (const engines of [{ lb1: 'keepalived', lb2: 'ts' }, { lb1: 'ts', lb2: 'keepalived' }] as const) {
    it(`lb1 ${engines.lb1} (150) and lb2 ${engines.lb2} (100) fail over both ways`, async () => {
      const run = await runMixed(engines);
      expectMaster(run, 'VI_1', 5, 'lb1');
      // Master_Down_Interval for priority 100: 3 × 1 s + (256 − 100)/256 s ≈ 3.61 s after the last advert.
      expectFailoverWithin(run, 'VI_1', 6, 4.5, 'lb2');
      expectMaster(run, 'VI_1', 10, 'lb2');
      expectMaster(run, 'VI_1', 16.5, 'lb1');
      // A preempting master and the one it replaces overlap only until the advert lands (plus notify latency).
      expectNeverTwoMasters(run, { graceUs: 300_000 });
    });
  }
});
