/**
 * The engine explains its decisions: dropped adverts carry their sender and
 * reason, a takeover says whether it was a preemption, adverts that stopped,
 * or adverts it dropped, and a sync group that holds a member says so.
 */
import { describe, expect, it } from 'vitest';
import { describeDrop, isPeerMismatch } from './explain.js';
import { Cluster, lb, seconds, vrrpInstance } from './test-harness.test-utils.js';
import { masterDownIntervalUs, skewTimeUs } from '../core/rfc3768.js';
import type { DropReason, VrrpOutput } from './types.js';

const DOWN = (p: number, adverIntUs = 1_000_000): number => masterDownIntervalUs(p, adverIntUs);
type Dropped = Extract<VrrpOutput, { kind: 'dropped' }>;

describe('takeover reasons', () => {
  it('a nopreempt backup that takes over because the adverts stopped does not read as a preemption (trial W2)', () => {
    const c = new Cluster([lb('lb1', '192.0.2.11', { priority: 150, nopreempt: true }), lb('lb2', '192.0.2.12', { priority: 100 })]);
    // lb2 becomes master while lb1 is down; lb1 returns nopreempt and stays BACKUP; then lb2 crashes
    c.start('lb2').runUntil(seconds(6)).start('lb1').runUntil(seconds(14)).kill('lb2').runUntil(seconds(20));
    const t = c.transitions('lb1').at(-1);
    expect(t?.to).toBe('MASTER');
    expect(t?.reason).toBe('master down timer expired; no advert for 3.414062 s (last: priority 100 from 192.0.2.12)');
  });

  it('a preempting backup that discards lower adverts keeps "X > Y wins"', () => {
    const c = new Cluster([lb('lb1', '192.0.2.11', { priority: 150 }), lb('lb2', '192.0.2.12', { priority: 100 })]);
    c.start('lb2').runUntil(seconds(6)).start('lb1').runUntil(seconds(12));
    expect(c.transitions('lb1').at(-1)).toMatchObject({ at: seconds(6) + DOWN(150), to: 'MASTER', reason: 'master down timer expired; 150 > 100 wins' });
  });

  it('adverts dropped for a mismatch are named in the takeover they cause (trial W3)', () => {
    const c = new Cluster([lb('lb1', '192.0.2.11', { priority: 150 }), lb('lb2', '192.0.2.12', { priority: 100, advertIntUs: 2_000_000 })]);
    c.startAll().runUntil(seconds(8));
    const drops = c.outputs('lb2', 'dropped').map((l) => l.output as Dropped);
    expect(drops[0]).toMatchObject({ instance: 'VI_1', from: '192.0.2.11', reason: { code: 'adver-int-mismatch', adverIntS: 1, expectedS: 2 } });
    // lb1's adverts at 3.41, 4.41, 5.41 and 6.41 s reach lb2 and are dropped; its own down timer (2 s adverts) expires at 6.609 s
    const t = c.transitions('lb2').find((x) => x.to === 'MASTER');
    expect(t?.at).toBe(DOWN(100, 2_000_000));
    expect(t?.reason).toBe('master down timer expired; no valid advert for 6.609375 s; 4 adverts from 192.0.2.11 dropped: advert_int 1 ≠ 2');
  });

  it('a valid advert starts the dropped tally over', () => {
    const c = new Cluster([lb('lb1', '192.0.2.11', { priority: 150 }), lb('lb2', '192.0.2.12', { priority: 100 })]);
    c.startAll().runUntil(seconds(6)).kill('lb1').runUntil(seconds(12));
    expect(c.transitions('lb2').at(-1)?.reason).toBe('master down timer expired; no advert for 3.609375 s (last: priority 150 from 192.0.2.11)');
    expect(c.outputs('lb2', 'dropped').map((l) => (l.output as Dropped).reason.code)).not.toContain('adver-int-mismatch');
  });
});

describe('sync group waits', () => {
  const node = (name: string, address: string, priority: number, in2: string) =>
    lb(name, address, { priority }, {
      interfaces: [{ name: 'eth1', address: in2, prefixLength: 24 }],
      instances: [vrrpInstance({ name: 'VI_2', interface: 'eth1', vrid: 52, priority, virtualAddresses: [{ address: '10.0.0.1', prefixLength: 24 }] })],
      syncGroups: [{ name: 'G', members: ['VI_1', 'VI_2'], initialState: 'BACKUP' as const }],
    });

  it('a member that wants MASTER while the group waits for another is reported once, with why it wants MASTER (trial F1)', () => {
    const c = new Cluster([node('r1', '192.0.2.11', 150, '10.0.0.11'), node('r2', '192.0.2.12', 120, '10.0.0.12')]);
    c.startAll().runUntil(seconds(10));
    expect(c.view('r1', 'VI_1').state).toBe('MASTER');
    // r1 loses eth1 only: VI_2 faults, the group follows (VI_1 sends priority 0 on eth0); r2's VI_1 hears it at once, VI_2 hears nothing
    c.link('r1', 'eth1', false).runUntil(seconds(16));
    const waits = c.outputs('r2', 'sync-group-wait').filter((l) => l.at >= seconds(10));
    expect(waits.map((l) => [l.at, l.output])).toEqual([
      [
        seconds(10) + skewTimeUs(120),
        {
          kind: 'sync-group-wait',
          instance: 'VI_1',
          group: 'G',
          waitingFor: ['VI_2'],
          reason: 'priority 0 advert received from 192.0.2.11 (master resigned); skew time 0.53125 s expired',
        },
      ],
    ]);
    const masters = c.transitions('r2').filter((t) => t.to === 'MASTER' && t.at >= seconds(10));
    expect(masters.map((t) => t.instance)).toEqual(['VI_2', 'VI_1']);
    expect(masters[0]?.at).toBeGreaterThan(seconds(12));
  });
});

describe('drop reasons in words', () => {
  const words: [DropReason, string][] = [
    [{ code: 'adver-int-mismatch', adverIntS: 1, expectedS: 2, rfc: '3768§7.1' }, 'advert_int 1 ≠ 2'],
    [{ code: 'address-count-mismatch', count: 1, expected: 2, rfc: '3768§7.1' }, '1 VIP in the advert ≠ 2 in virtual_ipaddress'],
    [{ code: 'address-list-mismatch', missing: '192.0.2.101', rfc: '3768§7.1' }, 'VIP 192.0.2.101 not in the advert'],
    [{ code: 'auth-type-mismatch', authType: 0, expected: 1, rfc: '3768§7.1' }, 'auth_type none ≠ PASS'],
    [{ code: 'auth-password-mismatch', rfc: '2338§10.2' }, 'auth_pass differs'],
    [{ code: 'ttl-not-255', ttl: 64, rfc: '3768§7.1' }, 'TTL 64 ≠ 255'],
    [{ code: 'version-mismatch', version: 3, rfc: '3768§7.1' }, 'VRRP version 3 ≠ 2'],
    [{ code: 'unicast-source-not-peer', source: '192.0.2.9', rfc: 'keepalived' }, '192.0.2.9 is not a unicast_peer'],
  ];
  it.each(words)('%j reads "%s"', (reason, text) => {
    expect(describeDrop(reason)).toBe(text);
    expect(isPeerMismatch(reason.code)).toBe(true);
  });

  it('drops that are the protocol at work are not peer mismatches', () => {
    expect(['lower-priority', 'instance-not-listening', 'own-packet', 'vrid-unknown'].filter((c) => isPeerMismatch(c as DropReason['code']))).toEqual([]);
  });
});
