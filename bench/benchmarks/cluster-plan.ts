/**
 * `cluster plan` decisions per second at 16 nodes × 100 VMs (plus a fence
 * device per node): the recorded case test/fixtures/pacemaker-cases/033-16x100,
 * started, then one node lost. Two figures: the scheduler's decision alone
 * (inject the failure + schedule, on an already-read CIB), and the whole
 * command's work without file I/O (read the XML, map, inject, schedule).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEvents, schedule } from '../../src/fencing/pacemaker/index.js';
import { nowFromAt, planCluster, savedStateDocument } from '../../src/scenario/cluster/pacemaker-plan.js';
import { measure, type Benchmark } from '../harness.js';

export const clusterPlanBenchmark: Benchmark = {
  name: 'cluster-plan',
  description: "cluster plan: Pacemaker scheduler decisions per second, 16 nodes × 100 VMs, one node lost",
  async run(ctx) {
    const cibText = readFileSync(join(ctx.root, 'test', 'fixtures', 'pacemaker-cases', '033-16x100', 'cib.xml'), 'utf8');
    const started = planCluster({ cibText, cibFile: 'cib.xml', execute: true });
    const saved = savedStateDocument(started.state, started.nowS);
    const nowS = nowFromAt(60);
    const decide = () => schedule(started.config, applyEvents(started.state, [{ kind: 'node-fail', node: 'node7' }], nowS), nowS);
    const t = decide();
    const moved = t.actions.filter((a) => a.action === 'move').length;
    const batch = 20;
    const decision = await measure(() => { for (let i = 0; i < batch; i++) decide(); }, { minRuns: 5, minSeconds: 1 });
    const whole = await measure(() => { for (let i = 0; i < batch; i++) planCluster({ cibText, cibFile: 'cib.xml', savedState: saved, nodeFail: ['node7'], at: 60 }); }, { minRuns: 5, minSeconds: 1 });
    return {
      metrics: [
        { name: 'decisions (inject + schedule)', value: batch / decision, unit: '/s' },
        { name: 'whole plan (read XML + map + schedule)', value: batch / whole, unit: '/s' },
      ],
      notes: [`${started.config.nodes.length} nodes, ${started.config.resources.length} resources; node7 lost: fence ${t.fence.map((f) => f.node).join(',')}, ${moved} moves; fastest of ≥5 batches of ${batch}`],
    };
  },
};
