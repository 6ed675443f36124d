/**
 * Scenarios written in code with the builder and checked with the vitest
 * helpers: the same vocabulary as the .scenario files.
 */
import { describe, expect, it, vi } from 'vitest';
import { failScript, kill, linkdown, linkup, partition, heal, start } from '../../src/scenario/events.js';
import { atTime, holderIs, masterIs } from '../../src/scenario/expectations.js';
import { configText, scenario } from '../../src/scenario/scenario.js';
import {
  expectAlways,
  expectEventually,
  expectFailoverWithin,
  expectHolder,
  expectMaster,
  expectNeverTwoMasters,
  expectPriority,
  expectScenarioPassed,
  expectState,
} from '../../src/scenario/vitest.js';
import { selectedBackend } from './backends.test-utils.js';

const backend = selectedBackend();
// Real backends wait out each scenario's whole length.
vi.setConfig({ testTimeout: backend.hookTimeoutMs });

function conf(priority: number, extra = ''): string {
  return `vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority ${priority}
    advert_int 1
${extra}    virtual_ipaddress {
        192.0.2.100/24
    }
}
`;
}

describe.skipIf(backend.unavailable !== undefined)(`scenarios in code on ${backend.name}`, () => {
  // The simulator's rule for one instant; a real node's script runs at a phase set by its start.
  it.skipIf(backend.name !== 'sim')('an event at T acts before what the nodes had due at T: a script failing from 6 s fails its 6 s run', async () => {
    const chk = 'vrrp_script chk {\n    script "/bin/true"\n    interval 1\n    weight -60\n    fall 2\n    rise 2\n}\n';
    const track = '    track_script {\n        chk\n    }\n';
    const run = await backend.run(
      scenario('fall 2 from 6 s')
        .node('lb1', configText('lb1.conf', chk + conf(150, track)))
        .node('lb2', configText('lb2.conf', conf(100)))
        .at(6, failScript('lb1', 'chk'))
        .until(12)
        .build(),
    );
    // Runs at 0, 1, … s; the runs at 6 s and 7 s fail, and fall 2 turns the script KO at 7 s.
    expectPriority(run, 'lb1', 'VI_1', 6.9, 150);
    expectPriority(run, 'lb1', 'VI_1', 7, 90);
  });

  it('three routers: the role passes down the priority order and the best one takes it back', async () => {
    const run = await backend.run(
      scenario('three routers')
        .node('r1', configText('r1.conf', conf(200)))
        .node('r2', configText('r2.conf', conf(150)))
        .node('r3', configText('r3.conf', conf(100)))
        .at(5, kill('r1'))
        .at(10, kill('r2'))
        .at(15, start('r1'))
        .until(25)
        .build(),
    );
    expectMaster(run, 'VI_1', 4, 'r1');
    // Master_Down_Interval for 150 is 3 + 106/256 s after r1's last advert
    const first = expectFailoverWithin(run, 'VI_1', 5, 3.5, 'r2');
    expect(first).toBeGreaterThan(5_000_000);
    expectFailoverWithin(run, 51, 10, 3.7, 'r3');
    expectFailoverWithin(run, 'VI_1', 15, 3.3, 'r1');
    expectHolder(run, '192.0.2.100', 25, 'r1');
    expectNeverTwoMasters(run);
  });

  it('a weighted tracked interface lowers the priority instead of faulting the instance', async () => {
    const run = await backend.run(
      scenario('weighted track_interface')
        .node('lb1', configText('lb1.conf', conf(150, '    track_interface {\n        eth1 weight -60\n    }\n')))
        .node('lb2', configText('lb2.conf', conf(100)))
        .at(6, linkdown('lb1', 'eth1'))
        .at(14, linkup('lb1', 'eth1'))
        .until(24)
        .build(),
    );
    expectPriority(run, 'lb1', 'VI_1', 7, 90);
    expectState(run, 'lb1', 'VI_1', 7, 'MASTER');
    expectEventually(run, 6, 11, masterIs('VI_1', 'lb2'));
    expectPriority(run, 'lb1', 'VI_1', 15, 150);
    expectEventually(run, 14, 18, holderIs('192.0.2.100', 'lb1'));
    expectNeverTwoMasters(run);
  });

  it('a partition makes two masters, the heal leaves one', async () => {
    const run = await backend.run(
      scenario('partition')
        .node('lb1', configText('lb1.conf', conf(150)))
        .node('lb2', configText('lb2.conf', conf(100)))
        .at(6, partition(['lb1'], ['lb2']))
        .at(12, heal())
        .until(20)
        .build(),
    );
    expectMaster(run, 'VI_1', 11, 'lb1', 'lb2');
    expectAlways(run, 13.1, 20, masterIs('VI_1', 'lb1'));
    expectNeverTwoMasters(run, { exceptDuringPartition: true });
    expect(() => expectNeverTwoMasters(run)).toThrow(/lb1 and lb2 were both MASTER[\s\S]*reproduce with: SEED=\d+ npx vitest run test\/scenarios\/builder\.test\.ts/);
  });

  it('reports every failed expectation of a scenario at once', async () => {
    const run = await backend.run(
      scenario('wrong on purpose')
        .node('lb1', configText('lb1.conf', conf(150)))
        .node('lb2', configText('lb2.conf', conf(100)))
        .until(10)
        .expect(atTime(5, masterIs('VI_1', 'lb2')), atTime(5, holderIs('192.0.2.100')))
        .build(),
    );
    expect(() => expectScenarioPassed(run)).toThrow(/the master of VI_1 is lb2[\s\S]*192\.0\.2\.100 is held by nobody/);
  });
});
