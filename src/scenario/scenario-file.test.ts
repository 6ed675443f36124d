import { describe, expect, it } from 'vitest';
import { parseScenarioFile, type ScenarioFileIo } from './scenario-file.js';
import { deferredNodes, ScenarioFileError } from './scenario.js';

const io: ScenarioFileIo = {
  resolve: (from, p) => `${from.replace(/[^/]*$/, '')}${p}`,
  exists: (p) => p.endsWith('.conf') && !p.includes('missing'),
};

function diagnostics(text: string): string[] {
  try {
    parseScenarioFile(text, 'dir/x.scenario', io);
  } catch (e) {
    if (e instanceof ScenarioFileError) return e.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`);
    throw e;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('.scenario files', () => {
  it('reads nodes, events, end, seed and expectations', () => {
    const sc = parseScenarioFile(
      [
        '# master crash',
        'name   Master crash: lb2 takes over   # a title',
        'node lb1 lb1.conf @192.0.2.11',
        'node lb2 lb2.conf@192.0.2.12',
        'seed 7',
        'until 20',
        'event 6 kill lb1',
        '11 start lb1',
        'expect 10 master VI_1 lb2',
        'expect 10 holder 192.0.2.100 lb2',
        'expect always 15..20 master VI_1 lb1',
        'expect eventually 6..10 state lb2 VI_1 master',
        'expect 18 priority lb1 VI_1 150',
        'expect failover VI_1 after 6 within 4 to lb2',
        'expect never-two-masters except-during-partition',
        'expect 8 master VI_1 none',
        'expect vips-follow-master',
      ].join('\n'),
      'dir/crash.scenario',
      io,
    );
    expect(sc.name).toBe('Master crash: lb2 takes over');
    expect(sc.nodes).toEqual([
      { id: 'lb1', config: { kind: 'file', path: 'dir/lb1.conf' }, address: '192.0.2.11', location: { file: 'dir/crash.scenario', line: 3, column: 6 } },
      { id: 'lb2', config: { kind: 'file', path: 'dir/lb2.conf' }, address: '192.0.2.12', location: { file: 'dir/crash.scenario', line: 4, column: 6 } },
    ]);
    expect(sc.seed).toBe(7);
    expect(sc.until).toBe(20_000_000);
    expect(sc.events.map((e) => [e.at, e.event.kind])).toEqual([[6_000_000, 'kill'], [11_000_000, 'start']]);
    expect(sc.expectations.map((e) => e.kind)).toEqual(['at', 'at', 'always', 'eventually', 'at', 'failover', 'never-two-masters', 'at', 'vips-follow-master']);
    expect(sc.expectations[3]).toMatchObject({ predicate: { kind: 'state', state: 'MASTER' } });
    expect(sc.expectations[7]).toMatchObject({ predicate: { kind: 'master', nodes: [] } });
    expect(deferredNodes(sc)).toEqual([]);
  });

  it('takes inline configuration up to the closing word', () => {
    const sc = parseScenarioFile('node lb1 <<END\nvrrp_instance VI_1 { # keep\n}\nEND\n5 start lb1\n', 'a.scenario', io);
    expect(sc.nodes[0]?.config).toEqual({ kind: 'text', name: 'a.scenario:2', text: 'vrrp_instance VI_1 { # keep\n}\n' });
    expect(sc.until).toBe(15_000_000);
    expect(deferredNodes(sc)).toEqual(['lb1']);
  });

  it('defers a node only when its first lifecycle event is start', () => {
    const sc = parseScenarioFile('node lb1 a.conf\nnode lb2 b.conf\n0 fail lb1 chk\n0 start lb1\n4 kill lb2\n9 start lb2\n', 'a.scenario', io);
    expect(deferredNodes(sc)).toEqual(['lb1']);
  });

  it('reports every mistake with its line and column', () => {
    expect(
      diagnostics(
        [
          'node lb1 lb1.conf',
          'node lb2 missing.conf',
          'node lb1 lb1.conf',
          'nod lb3 x.conf',
          'event six kill lb1',
          '6 kill lb9',
          '7 explode lb1',
          'until soon',
          'expect 10 master VI_1 lb7',
          'expect later master VI_1 lb1',
          'expect always 10 master VI_1 lb1',
          'expect 10 state lb1 VI_1 ASLEEP',
          'expect failover VI_1 after 6',
          'node lb4 lb4.conf @300.1.1.1',
          'node lb5 <<END',
        ].join('\n'),
      ),
    ).toEqual([
      '2:10 scenario-missing-file',
      '3:6 scenario-duplicate-node',
      '4:1 scenario-unknown-word',
      '5:7 event-bad-time',
      '6:8 event-unknown-node',
      '7:3 event-unknown-word',
      '8:7 scenario-bad-time',
      '9:23 expect-unknown-node',
      '10:8 expect-bad-time',
      '11:15 expect-bad-range',
      '12:26 expect-bad-state',
      '13:29 expect-bad-failover',
      '14:20 scenario-bad-address',
      '15:10 scenario-unterminated-config',
    ]);
  });

  it('needs at least one node', () => {
    expect(diagnostics('# nothing\n')).toEqual(['1:1 scenario-no-nodes']);
  });

  it('formats diagnostics as file:line:col', () => {
    try {
      parseScenarioFile('node lb1 lb1.conf\n6 kill lb2\n', 'dir/x.scenario', io);
    } catch (e) {
      expect((e as Error).message).toBe("dir/x.scenario:2:8: error: unknown node 'lb2' (nodes: lb1)");
    }
  });
});

describe('T end (how recordings of real keepalived close a run)', () => {
  const text = ['node lb1 lb1.conf', 'node lb2 lb2.conf', '4 start lb1', '20 end', '0 start lb1'].join('\n');

  it('stops every node gracefully at T, ends 1.5 s later, and leaves out the lines after it', () => {
    const s = parseScenarioFile(text, 'dir/x.scenario', io);
    expect(s.events.map((e) => [e.at, e.event])).toEqual([
      [4_000_000, { kind: 'start', node: 'lb1' }],
      [20_000_000, { kind: 'stop', node: 'lb1' }],
      [20_000_000, { kind: 'stop', node: 'lb2' }],
    ]);
    expect(s.until).toBe(21_500_000);
    // The line after `end` is not run, so lb1's first event is still the start at 4 s.
    expect(deferredNodes(s)).toEqual(['lb1']);
  });

  it('keeps an explicit until', () => {
    const s = parseScenarioFile(`${text}\nuntil 30`, 'dir/x.scenario', io);
    expect(s.until).toBe(30_000_000);
  });
});
