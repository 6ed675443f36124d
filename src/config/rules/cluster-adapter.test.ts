import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import { clusterNodeFromModel } from './cluster-adapter.js';

const nodeOf = (text: string) => clusterNodeFromModel('lb1', 'lb1.conf', parseConfig(text, { file: 'lb1.conf' }).model);

describe('clusterNodeFromModel: VRRP', () => {
  it('applies keepalived defaults and keeps where each value was written', () => {
    const [i] = nodeOf(
      [
        'vrrp_instance VI_1 {', //                       1
        '    state MASTER', //                           2
        '    interface eth0', //                         3
        '    virtual_router_id 51', //                   4
        '    unicast_src_ip 192.0.2.11', //              5
        '    unicast_peer {', //                         6
        '        192.0.2.12', //                         7
        '    }', //                                      8
        '    virtual_ipaddress {', //                    9
        '        192.0.2.100/24 dev eth0', //           10
        '        192.0.2.101', //                       11
        '    }', //                                     12
        '}', //                                         13
      ].join('\n'),
    ).instances;
    expect(i).toMatchObject({
      name: 'VI_1',
      interface: { value: 'eth0', at: { line: 3 } },
      vrid: { value: 51, at: { line: 4 } },
      state: { value: 'MASTER', at: { line: 2 } },
      priority: 255, // state MASTER without priority: the address owner
      advertInt: 1,
      version: 2,
      vips: [
        { value: '192.0.2.100/24', at: { line: 10 } },
        { value: '192.0.2.101/32', at: { line: 11 } },
      ],
      vipsAt: { line: 9 },
      unicastSrcIp: { value: '192.0.2.11', at: { line: 5 } },
      unicastPeers: [{ value: '192.0.2.12', at: { line: 7 } }],
      unicastPeersAt: { line: 6 },
    });
    expect(i!.priorityAt).toBeUndefined();
  });

  it('keeps found trackers with the weight that applies, anchored where that weight was written', () => {
    const [i] = nodeOf(
      [
        'vrrp_script chk {', //              1
        '    script "/bin/true"', //         2
        '    weight -20', //                 3
        '}', //                              4
        'vrrp_instance VI_1 {', //           5
        '    interface eth0', //             6
        '    virtual_router_id 51', //       7
        '    priority 150', //               8
        '    virtual_ipaddress {', //        9
        '        192.0.2.100/24', //        10
        '    }', //                         11
        '    track_script {', //            12
        '        chk', //                   13
        '        missing_script', //        14
        '    }', //                         15
        '    track_interface {', //         16
        '        eth1 weight -30', //       17
        '    }', //                         18
        '}', //                             19
      ].join('\n'),
    ).instances;
    expect(i!.trackers).toEqual([
      { kind: 'script', name: 'chk', weight: -20, reverse: false, at: expect.objectContaining({ line: 3 }) },
      { kind: 'interface', name: 'eth1', weight: -30, reverse: false, at: expect.objectContaining({ line: 17 }) },
    ]);
  });

  it("adds the sync group's trackers to each member, their weights cleared for every member when one is an owner", () => {
    const text = (vi2Priority: number): string => [
      'vrrp_script chk {',
      '    script "/bin/true"',
      '    weight -20',
      '}',
      'vrrp_sync_group G {',
      '    group {',
      '        VI_1',
      '        VI_2',
      '    }',
      '    track_script {',
      '        chk',
      '    }',
      '}',
      ...[1, 2].flatMap((n) => [
        `vrrp_instance VI_${n} {`,
        `    interface eth${n - 1}`,
        '    virtual_router_id 51',
        `    priority ${n === 2 ? vi2Priority : 150}`,
        '    virtual_ipaddress {',
        `        192.0.2.${n}/24`,
        '    }',
        '}',
      ]),
    ].join('\n');
    for (const i of nodeOf(text(150)).instances) {
      expect(i.syncGroup).toBe('G');
      expect(i.trackers).toEqual([{ kind: 'script', name: 'chk', weight: -20, reverse: false, at: expect.objectContaining({ line: 3 }) }]);
    }
    // keepalived's sync_group_tracking_init: VI_2 owning its address clears the group's weight for VI_1 too
    for (const i of nodeOf(text(255)).instances) {
      expect(i.trackers).toEqual([{ kind: 'script', name: 'chk', weight: 0, reverse: false, at: expect.objectContaining({ line: 3 }) }]);
    }
  });
});

describe('clusterNodeFromModel: LVS timing inheritance', () => {
  const lvs = (inner: string) =>
    nodeOf(
      [
        'virtual_server 192.0.2.80 80 {',
        '    delay_loop 6',
        '    lb_kind DR',
        '    protocol TCP',
        '    connect_timeout 4',
        '    real_server 192.0.2.21 80 {',
        '        retry 2',
        inner,
        '    }',
        '}',
      ].join('\n'),
    ).virtualServers[0]!;

  it('inherits checker ← real server ← virtual server ← defaults', () => {
    const vs = lvs('        TCP_CHECK {\n        }');
    expect(vs).toMatchObject({ label: '192.0.2.80:80', address: '192.0.2.80', port: 80, delayLoop: 6, lbKind: { value: 'DR' } });
    expect(vs.realServers[0]!.checkers[0]).toMatchObject({ kind: 'TCP_CHECK', connectTimeout: 4, retry: 2, delayBeforeRetry: 1, delayLoop: 6 });
    expect(vs.realServers[0]!.weight).toBe(1);
  });

  it("uses the checker's own values first, and the type's defaults", () => {
    const own = lvs('        TCP_CHECK {\n            connect_timeout 2\n            retry 0\n            delay_loop 10\n        }');
    expect(own.realServers[0]!.checkers[0]).toMatchObject({ connectTimeout: 2, retry: 0, delayLoop: 10 });
    const http = nodeOf(
      'virtual_server 192.0.2.80 80 {\n protocol TCP\n real_server 192.0.2.21 80 {\n  HTTP_GET {\n   url {\n    path /\n    status_code 200\n   }\n  }\n }\n}',
    ).virtualServers[0]!;
    expect(http.realServers[0]!.checkers[0]).toMatchObject({ kind: 'HTTP_GET', connectTimeout: 5, retry: 1, delayBeforeRetry: 3, delayLoop: 60 });
  });
});
