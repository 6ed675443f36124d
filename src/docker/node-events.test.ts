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

  it('ignores what it does not know', () => {
    expect(parseNodeLine('garbage')).toBeUndefined();
    expect(parseNodeLine('1.0 addr 2: eth0 inet6 fe80::1/64')).toBeUndefined();
    expect(parseNodeLine('1.0 ready')).toEqual({ kind: 'ready', atUs: 1_000_000 });
  });
});
