/**
 * Real keepalived in two containers: the master is killed and the backup takes
 * over; the master comes back and preempts. Times are compared with the
 * simulator's prediction for the same scenario (keepalived follows RFC 3768's
 * timers to the microsecond; the lab adds process start-up and exec latency).
 */
import { describe, expect, it } from 'vitest';
import { compareTimelines } from '../../src/scenario/compare.js';
import { createDockerBackend } from '../../src/docker/docker-backend.js';
import { requireCapability, type VipCheck } from '../../src/core/backend.js';
import { keepalivedParser } from '../../src/scenario/keepalived-parser.js';
import { runScenario } from '../../src/scenario/run.js';
import { simulate } from '../../src/lab/simulate.js';
import { prepareScenario } from '../../src/scenario/topology.js';
import { expectMaster } from '../../src/scenario/vitest.js';
import { crashAndReturn, leftovers, nodeImage, skipReason } from './docker-test-utils.js';

const crash = crashAndReturn('master crash and return');

describe.skipIf(skipReason !== undefined)('keepalived in containers', () => {
  it('fails over on kill and preempts back on start, within 0.3 s of the prediction', async () => {
    const image = await nodeImage();
    const prepared = prepareScenario(crash, { parse: keepalivedParser });
    let vips: VipCheck[] = [];
    const real = await runScenario(prepared, createDockerBackend({ image, engine: 'keepalived' }), {
      beforeStop: async (c) => void (vips = await requireCapability(c, 'vip-audit', 'docker', 'the VIP audit').checkVips()),
    });
    expectMaster(real, 'VI_1', 5, 'lb1');
    expectMaster(real, 'VI_1', 10, 'lb2');
    expectMaster(real, 'VI_1', 16.5, 'lb1');
    expect(vips).toEqual([{ address: '192.0.2.100', actual: ['lb1'], observed: ['lb1'] }]);

    const predicted = await simulate(prepared, { parse: keepalivedParser, seed: 1 });
    const comparison = compareTimelines(predicted.run.timeline, real.timeline);
    console.info(comparison.transitions.map((t) => `${t.node} ${t.state} predicted ${t.predicted} observed ${t.observed} Δ ${t.difference}`).join('\n'));
    expect(comparison.unmatched).toBe(0);
    expect(comparison.maxAbsDifference).toBeLessThan(0.3);
    expect(await leftovers()).toEqual({ containers: [], networks: [] });
  });
});
