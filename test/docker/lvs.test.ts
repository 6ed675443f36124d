/**
 * Seed 003 on containers: two directors (keepalived, or our engine) in front
 * of two real servers with real TCP services, clients opening real
 * connections, real TCP health checks. Every expectation of the scenario file
 * must hold, allowed the real-clock slack; the clients must have been served
 * by both real servers through the VIP; and the sync variant, which needs the
 * kernel's IPVS, is refused before anything starts.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDockerBackend } from '../../src/docker/docker-backend.js';
import type { NodeEngineKind } from '../../src/docker/node-config.js';
import { keepalivedParser } from '../../src/scenario/keepalived-parser.js';
import { realClockSlackUs, withRealClockSlack } from '../../src/scenario/real-clock.js';
import { runScenario } from '../../src/scenario/run.js';
import { loadScenarioFile } from '../../src/scenario/scenario-file.js';
import { prepareScenario } from '../../src/scenario/topology.js';
import { leftovers, nodeImage, skipReason } from './docker-test-utils.js';

const dir = join(import.meta.dirname, '..', '..', 'scenarios', 'seed-003-lvs-directors');

async function runSeed003(engine: NodeEngineKind, file = 'directors.scenario') {
  const scenario = loadScenarioFile(join(dir, file));
  const prepared = prepareScenario(scenario, { parse: keepalivedParser });
  const slackened = { ...prepared, scenario: withRealClockSlack(prepared.scenario, realClockSlackUs(prepared)) };
  return runScenario(slackened, createDockerBackend({ image: await nodeImage(), engine }), { parse: keepalivedParser });
}

describe.skipIf(skipReason !== undefined)('seed 003 on containers: LVS directors with real connections and checks', () => {
  for (const engine of ['keepalived', 'ts'] as const) {
    it(`--engine ${engine}: every expectation of directors.scenario holds`, async () => {
      const run = await runSeed003(engine);
      const failed = run.results.filter((r) => !r.ok).map((r) => `${r.description}: ${r.message ?? ''}`);
      expect(failed).toEqual([]);
      const lvs = run.timeline.lvs;
      if (lvs === undefined) throw new Error('the run recorded no load balancing');
      const opened = lvs.clientOutcomes.filter((o) => o.outcome === 'opened');
      // Real connections through the VIP, answered by each real server's own service.
      expect(new Set(opened.map((o) => o.server))).toEqual(new Set(['rs1', 'rs2']));
      expect(opened.length).toBeGreaterThanOrEqual(200);
      // Both directors checked rs1 for real: each took it out and put it back.
      for (const node of ['lb1', 'lb2']) {
        const checks = lvs.checks.filter((c) => c.director === node && c.server === 'rs1').map((c) => c.up);
        expect(checks, node).toEqual([true, false, true, ...checks.slice(3)]);
      }
      expect(await leftovers()).toEqual({ containers: [], networks: [] });
    });
  }

  it('refuses lvs_sync_daemon before starting anything: a user-space forwarder cannot move connections', async () => {
    await expect(runSeed003('keepalived', 'directors-sync.scenario')).rejects.toThrow(/lvs_sync_daemon: connection sync needs the kernel's IPVS/);
    expect(await leftovers()).toEqual({ containers: [], networks: [] });
  });
});
