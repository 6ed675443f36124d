import { describe, expect, it } from 'vitest';
import { parseNodeLine } from './node-events.js';

describe('parseNodeLine', () => {
  it('reads notify lines with exact microseconds', () => {
    expect(parseNodeLine('1732243200.123456789 notify lb1 VI_1 MASTER 150')).toEqual({ kind: 'notify', atUs: 1732243200123456, node: 'lb1', instance: 'VI_1', state: 'MASTER', priority: 150 });
  });

  it('reads priority changes from the notify FIFO reader', () => {
    expect(parseNodeLine('1732243205.0001 prio lb1 VI_1 90')).toEqual({ kind: 'priority', atUs: 1732243205000100, node: 'lb1', instance: 'VI_1', priority: 90 });
    expect(parseNodeLine('1.0 prio lb1 VI_1 high')).toBeUndefined();
  });

  it('reads address additions and deletions from ip -o monitor', () => {
    expect(parseNodeLine('1732243200.5 addr 2: eth0    inet 192.0.2.100/24 scope global secondary eth0\\       valid_lft forever preferred_lft forever')).toEqual({
      kind: 'address', atUs: 1732243200500000, deleted: false, interface: 'eth0', address: '192.0.2.100', prefixLength: 24,
    });
    expect(parseNodeLine('1732243201.000001000 addr Deleted 2: eth1    inet 198.51.100.7/32 scope global eth1')).toMatchObject({ deleted: true, interface: 'eth1', address: '198.51.100.7', prefixLength: 32 });
  });

  it('reads the load-balancing lines of directors and clients', () => {
    expect(parseNodeLine('10.5 lvs-conns 192.0.2.80:2811 rs1 12 3')).toEqual({ kind: 'lvs-conns', atUs: 10_500_000, service: '192.0.2.80:2811', server: 'rs1', active: 12, inactive: 3 });
    expect(parseNodeLine('11.0 lvs-check 192.0.2.80:2811 rs1 down TCP connection to [192.0.2.31]:tcp:2811 failed.')).toEqual({
      kind: 'lvs-check', atUs: 11_000_000, service: '192.0.2.80:2811', server: 'rs1', up: false, reason: 'TCP connection to [192.0.2.31]:tcp:2811 failed.',
    });
    expect(parseNodeLine('12.0 client broken 192.0.2.80:2811 192.0.2.254:40112 rs1 reset')).toEqual({
      kind: 'client', atUs: 12_000_000, outcome: 'broken', service: '192.0.2.80:2811', client: '192.0.2.254:40112', server: 'rs1', reason: 'reset',
    });
    expect(parseNodeLine('12.0 client refused 192.0.2.80:2811 192.0.2.254:40113 - connection refused')).not.toHaveProperty('server');
    expect(parseNodeLine('12.0 client exploded 192.0.2.80:2811 192.0.2.254:1 - x')).toBeUndefined();
    expect(parseNodeLine('12.0 lvs-conns 192.0.2.80:2811 rs1 many 3')).toBeUndefined();
    expect(parseNodeLine('12.0 lvs-check 192.0.2.80:2811 rs1 sideways')).toBeUndefined();
  });

  it('ignores what it does not know', () => {
    expect(parseNodeLine('garbage')).toBeUndefined();
    expect(parseNodeLine('1.0 addr 2: eth0 inet6 fe80::1/64')).toBeUndefined();
    expect(parseNodeLine('1.0 ready')).toEqual({ kind: 'ready', atUs: 1_000_000 });
  });
});
