/**
 * Load balancing in scenarios: the event words and expect facts, preparing the
 * directors, real servers and clients from keepalived configs, located
 * mistakes, the timeline's LVS part in every rendering, and backends that
 * cannot run it.
 */
import { describe, expect, it } from 'vitest';
import type { NodeBackend } from '../../spec/node-spec.js';
import { ScenarioError } from '../../core/errors.js';
import { formatEvent, parseEventLine } from '../events.js';
import { atEnd, checkExpectation, checkStateIs, clientsWere, connsAre } from '../expectations.js';
import { keepalivedParser } from '../keepalived-parser.js';
import { runScenario } from '../run.js';
import { parseScenarioFile, type ScenarioFileIo } from '../scenario-file.js';
import { configText, scenario, ScenarioFileError, type Scenario } from '../scenario.js';
import { simulate } from '../../lab/simulate.js';
import { timelineToJson } from '../timeline-json.js';
import { renderTimelineSvg } from '../timeline-svg.js';
import { renderTimelineText } from '../timeline-text.js';
import { prepareScenario } from '../topology.js';

const director = (name: string, state: 'MASTER' | 'BACKUP', priority: number, extra = ''): string => `
global_defs {
    router_id ${name}
${extra}}
vrrp_instance VI_1 {
    state ${state}
    interface eth0
    virtual_router_id 61
    priority ${priority}
    virtual_ipaddress {
        192.0.2.80/24 dev eth0
    }
}
virtual_server 192.0.2.80 2811 {
    delay_loop 2
    lb_algo wlc
    lb_kind DR
    protocol TCP
    real_server 192.0.2.31 2811 {
        TCP_CHECK {
            connect_timeout 1
        }
    }
    real_server 192.0.2.32 2811 {
        TCP_CHECK {
            connect_timeout 1
        }
    }
}
`;

const pair = (): ReturnType<typeof scenario> =>
  scenario('two directors').node('lb1', configText('lb1.conf', director('lb1', 'MASTER', 100))).node('lb2', configText('lb2.conf', director('lb2', 'BACKUP', 50)));

const io: ScenarioFileIo = { resolve: (_from, p) => p, exists: () => true };

function fileErrors(text: string): string[] {
  try {
    parseScenarioFile(text, 'x.scenario', io);
  } catch (e) {
    if (e instanceof ScenarioFileError) return e.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`);
    throw e;
  }
  throw new Error('expected the scenario to be rejected');
}

function prepareErrors(sc: Scenario): string[] {
  try {
    prepareScenario(sc, { parse: keepalivedParser });
  } catch (e) {
    if (e instanceof ScenarioFileError) return e.diagnostics.map((d) => `${d.code}: ${d.message}`);
    throw e;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('the LVS event words', () => {
  const ctx = { file: 'x.scenario', line: 1 };
  it.each([
    ['5 clients 10', { kind: 'clients', rate: 10 }],
    ['5 clients 0.5 30', { kind: 'clients', rate: 0.5, durationUs: 30_000_000 }],
    ['5 clients 4 60 hold 20 to 192.0.2.80:2811', { kind: 'clients', rate: 4, durationUs: 60_000_000, holdUs: 20_000_000, service: '192.0.2.80:2811' }],
    ['5 clients 4 hold 2.5', { kind: 'clients', rate: 4, holdUs: 2_500_000 }],
    ['5 rsdown rs1', { kind: 'rsdown', server: 'rs1', mode: 'stop' }],
    ['5 rsdown 192.0.2.31 crash', { kind: 'rsdown', server: '192.0.2.31', mode: 'crash' }],
    ['5 rsup rs1', { kind: 'rsup', server: 'rs1' }],
  ])('%s', (line, event) => {
    const r = parseEventLine(line, ctx);
    expect(r.ok && r.value.event).toEqual(event);
    expect(r.ok && formatEvent(r.value.event)).toBe(line.slice(2).replace('rsdown rs1 stop', 'rsdown rs1'));
  });

  it.each([
    ['5 clients', 'event-missing-argument', 10],
    ['5 clients fast', 'event-bad-rate', 11],
    ['5 clients 4 60 30', 'event-extra-argument', 16],
    ['5 clients 4 hold', 'event-missing-argument', 13],
    ['5 clients 4 hold 1 hold 2', 'event-duplicate-option', 20],
    ['5 clients 4 to 192.0.2.80', 'event-bad-service', 16],
    ['5 rsdown rs1 reboot', 'event-bad-mode', 14],
    ['5 rsup', 'event-missing-argument', 7],
  ])('%s is a located error', (line, code, column) => {
    const r = parseEventLine(line, ctx);
    expect(r.ok ? [] : r.diagnostics.map((d) => [d.code, d.column])).toEqual([[code, column]]);
  });
});

describe('the LVS expect facts', () => {
  it('reads counters, check states and client outcomes, at a time, over a range or at the end', () => {
    const sc = parseScenarioFile(
      [
        'node lb1 lb1.conf',
        'node lb2 lb2.conf',
        'realserver gridftp1 192.0.2.31',
        'expect 10 conns rs1 >= 3',
        'expect 10 conns rs1 inactive < 2 on lb2',
        'expect 10 conns rs1 on lb2 total = 0',
        'expect always 1..5 checkstate 192.0.2.31:2811 up',
        'expect eventually 1..5 checkstate rs2 down on lb1',
        'expect broken <= 0',
        'expect 30 completed > 10',
        'expect master VI_1 lb1',
      ].join('\n'),
      'x.scenario',
      io,
    );
    expect(sc.realServers).toEqual([{ id: 'gridftp1', address: '192.0.2.31', location: { file: 'x.scenario', line: 3, column: 12 } }]);
    expect(sc.expectations.map((e) => ('predicate' in e ? [e.kind, e.predicate] : [e.kind]))).toEqual([
      ['at', { kind: 'conns', server: 'rs1', measure: 'active', op: '>=', value: 3 }],
      ['at', { kind: 'conns', server: 'rs1', measure: 'inactive', op: '<', value: 2, director: 'lb2' }],
      ['at', { kind: 'conns', server: 'rs1', measure: 'total', op: '=', value: 0, director: 'lb2' }],
      ['always', { kind: 'checkstate', server: '192.0.2.31:2811', up: true }],
      ['eventually', { kind: 'checkstate', server: 'rs2', up: false, director: 'lb1' }],
      ['at-end', { kind: 'clients', outcome: 'broken', op: '<=', value: 0 }],
      ['at', { kind: 'clients', outcome: 'completed', op: '>', value: 10 }],
      ['at-end', { kind: 'master', instance: 'VI_1', nodes: ['lb1'] }],
    ]);
  });

  it('points at the token that is wrong', () => {
    expect(
      fileErrors(
        [
          'node lb1 lb1.conf',
          'expect 10 conns',
          'expect 10 conns rs1 => 3',
          'expect 10 conns rs1 >= three',
          'expect 10 conns rs1 >= 3 on lb9',
          'expect 10 checkstate rs1 sideways',
          'expect broken 3',
          'expect broken <= 3 on lb1',
          'realserver 1rs 192.0.2.31',
          'realserver rs1 192.0.2.999',
          'realserver lb1 192.0.2.31',
        ].join('\n'),
      ),
    ).toEqual([
      '2:16 expect-missing-argument',
      '3:21 expect-bad-comparison',
      '4:24 expect-bad-count',
      '5:29 expect-unknown-node',
      '6:26 expect-bad-checkstate',
      '7:15 expect-missing-argument',
      '8:8 expect-bad-option',
      '9:12 scenario-bad-node-name',
      '10:16 scenario-bad-address',
      '11:12 scenario-duplicate-node',
    ]);
  });
});

describe('preparing a load-balanced scenario', () => {
  it('makes the configs\' real servers hosts rs1, rs2 (or the names given) and puts the clients on the VIP\'s network', () => {
    const prepared = prepareScenario(pair().realServer('gridftp2', '192.0.2.32').build(), { parse: keepalivedParser });
    expect(prepared.lvs?.cluster).toEqual({
      realServers: [
        { id: 'rs1', address: '192.0.2.31', network: 'eth0', ports: [2811] },
        { id: 'gridftp2', address: '192.0.2.32', network: 'eth0', ports: [2811] },
      ],
      clients: { id: 'clients', address: '192.0.2.254', network: 'eth0' },
      services: ['192.0.2.80:2811'],
    });
    expect([...(prepared.lvs?.directors.keys() ?? [])]).toEqual(['lb1', 'lb2']);
    expect(prepared.nodes.map((n) => n.lvs?.servers.map((s) => s.realServer))).toEqual([['rs1', 'gridftp2'], ['rs1', 'gridftp2']]);
    expect(prepared.nodes[0]?.lvs?.sync).toBeUndefined();
  });

  it('runs lvs_sync_daemon with the instance\'s VRID as the sync id', () => {
    const sync = '    lvs_sync_daemon eth0 VI_1\n';
    const sc = scenario('sync').node('lb1', configText('lb1.conf', director('lb1', 'MASTER', 100, sync))).build();
    const lvs = prepareScenario(sc, { parse: keepalivedParser }).nodes[0]?.lvs;
    expect(lvs?.sync).toEqual({ interface: 'eth0', instance: 'VI_1' });
    expect(lvs?.director.sync).toEqual({ state: 'none', syncid: 61 });
  });

  it('reports real servers, services and directors that do not exist, each where it is written', () => {
    const sc = pair()
      .at(5, { kind: 'rsdown', server: 'rs9', mode: 'stop' })
      .at(6, { kind: 'clients', rate: 1, service: '192.0.2.80:80' })
      .realServer('web', '192.0.2.99')
      .expect(atEnd(connsAre('rs7', '>=', 1)), atEnd(checkStateIs('rs1', 'up', 'lb3')))
      .build();
    expect(prepareErrors(sc)).toEqual([
      "event-unknown-real-server: no real server 'rs9'",
      'event-unknown-service: no TCP virtual service 192.0.2.80:80',
      'expect-not-a-director: lb3 has no virtual servers: it is no director',
      "expect-unknown-real-server: no real server 'rs7'",
      'scenario-unknown-real-server: realserver web: no virtual_server of any node has a real server 192.0.2.99',
    ]);
  });

  it('refuses LVS words in a cluster without virtual servers', () => {
    const plain = 'vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 7\n priority 100\n virtual_ipaddress {\n  192.0.2.7/24\n }\n}\n';
    const sc = scenario('no lvs').node('a', configText('a.conf', plain)).at(1, { kind: 'clients', rate: 1 }).expect(atEnd(clientsWere('broken', '=', 0))).build();
    expect(prepareErrors(sc).map((e) => e.split(':')[0])).toEqual(['event-no-lvs', 'expect-no-lvs']);
  });
});

describe('a load-balanced run', () => {
  const sc = pair().at(5, { kind: 'clients', rate: 4, durationUs: 5_000_000, holdUs: 3_000_000 }).at(6, { kind: 'rsdown', server: 'rs1', mode: 'stop' }).until(20).seed(1).build();

  it('records counters, check verdicts and client outcomes in the timeline and answers expectations from them', async () => {
    const { run } = await simulate(sc, { parse: keepalivedParser });
    const tl = run.timeline;
    const holds = (e: Parameters<typeof checkExpectation>[1]) => checkExpectation(tl, e).ok;
    // Counters are sampled every second: at 5.9 s the 5 s sample (nothing yet) stands.
    expect(holds({ kind: 'at', at: 5_900_000 as never, predicate: connsAre('rs1', '=', 0) })).toBe(true);
    expect(holds({ kind: 'at', at: 6_000_000 as never, predicate: connsAre('rs1', '=', 2) })).toBe(true);
    expect(holds({ kind: 'at', at: 6_000_000 as never, predicate: connsAre('rs2', '>=', 1, { director: 'lb2' }) })).toBe(false);
    expect(holds(atEnd(checkStateIs('rs1', 'down')))).toBe(true);
    expect(holds(atEnd(checkStateIs('rs2', 'up', 'lb2')))).toBe(true);
    expect(holds(atEnd(clientsWere('broken', '>=', 1)))).toBe(true);
    const failed = checkExpectation(tl, atEnd(checkStateIs('rs1', 'up')));
    expect(failed.message).toContain('but:      at the end (20 s) lb1 checks rs1 down (');
  });

  it('shows them in the text, JSON and SVG renderings', async () => {
    const { run } = await simulate(sc, { parse: keepalivedParser });
    const text = renderTimelineText(run.timeline);
    expect(text).toContain('  rs1  192.0.2.31  (real server of 192.0.2.80:2811)');
    expect(text).toMatch(/lb1 +rs1 +rs1 out of service \(192\.0\.2\.80:2811\) +Removing service \[192\.0\.2\.31\]:tcp:2811/);
    expect(text).toMatch(/clients +\d+ failed to [\d.]+ s: \d+ broken, \d+ refused +\d+ via rs1; reset by rs1/);
    expect(renderTimelineText(run.timeline, { clients: 'each' })).toMatch(/clients +\d+ connections? broken +reset by rs1/);
    expect(text).toContain('connections to 192.0.2.80:2811 on its VIP holder (active/inactive, every 1 s):');
    expect(text).toMatch(/client connections: \d+ opened, \d+ completed, \d+ broken, \d+ refused, 0 timed-out/);
    const json = timelineToJson(run.timeline);
    expect(json.lvs?.realServers.map((r) => r.id)).toEqual(['rs1', 'rs2']);
    expect(json.lvs?.checks.some((c) => c.server === 'rs1' && c.state === 'down')).toBe(true);
    expect(json.lvs?.clients.totals.opened).toBe(json.lvs?.clients.outcomes.filter((o) => o.outcome === 'opened').length);
    const svg = renderTimelineSvg(run.timeline);
    expect(svg).toContain('rs1 · 192.0.2.80:2811');
    expect(svg).toContain('clients · failed connections');
  });

  it('is refused on a backend that cannot load-balance, before anything starts', async () => {
    let created = false;
    const docker: NodeBackend = {
      name: 'docker',
      capabilities: new Set(),
      create: () => {
        created = true;
        throw new Error('not reached');
      },
    };
    const error = await runScenario(sc, docker as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).code).toBe('backend-no-lvs');
    expect((error as ScenarioError).message).toBe("load balancing is not supported on docker yet: 'clients' is a load-balancing event; run it on the simulator");
    expect(created).toBe(false);
  });
});

describe('NAT, HTTP_GET and MISC_CHECK', () => {
  const conf = (name: string, state: string, priority: number): string => `
global_defs {
    router_id ${name}
}
vrrp_instance VI_1 {
    state ${state}
    interface eth0
    virtual_router_id 9
    priority ${priority}
    virtual_ipaddress {
        10.0.0.80/24
    }
}
virtual_server 10.0.0.80 80 {
    delay_loop 3
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 10.0.0.41 8080 {
        HTTP_GET {
            url {
                path /health
            }
            connect_timeout 1
        }
    }
    real_server 10.0.0.42 8080 {
        MISC_CHECK {
            misc_path "/usr/local/bin/check-gridftp 10.0.0.42"
        }
    }
}
`;
  const sc = scenario('nat')
    .node('lb1', configText('lb1.conf', conf('lb1', 'MASTER', 100)))
    .node('lb2', configText('lb2.conf', conf('lb2', 'BACKUP', 50)))
    .at(5, { kind: 'clients', rate: 2, durationUs: 4_000_000, holdUs: 2_000_000 })
    .at(6, { kind: 'rsdown', server: 'rs2', mode: 'stop' })
    .until(12)
    .seed(1)
    .build();

  it('maps ports, returns replies through the director, and checks by HTTP and by script', async () => {
    const { run } = await simulate(sc, { parse: keepalivedParser });
    const lvs = run.timeline.lvs;
    expect(run.prepared.lvs?.cluster.realServers).toEqual([
      { id: 'rs1', address: '10.0.0.41', network: 'eth0', ports: [8080], gateway: '10.0.0.80' },
      { id: 'rs2', address: '10.0.0.42', network: 'eth0', ports: [8080], gateway: '10.0.0.80' },
    ]);
    const outcomes = lvs?.clientOutcomes.map((o) => `${o.outcome} ${o.server ?? '-'} ${o.reason.replace(/[\d.]+ s$/, 'N s')}`);
    // rr alternates; rs2's service stops at 6 s, as the third connection arrives: its open
    // connection and the connects it still gets are reset by it (the director passes the RSTs on)
    expect(outcomes?.slice(0, 4)).toEqual(['opened rs2 handshake with rs2 after N s', 'opened rs1 handshake with rs1 after N s', 'broken rs2 reset by rs2', 'refused - reset by rs2']);
    expect(lvs?.checks.filter((c) => !c.up).map((c) => `${c.director} ${c.server}`)).toEqual(['lb2 rs2', 'lb1 rs2']);
    expect(lvs?.checks.filter((c) => c.server === 'rs1' && !c.up)).toEqual([]);
    expect(checkExpectation(run.timeline, atEnd(clientsWere('completed', '>=', 4))).ok).toBe(true);
  });
});

