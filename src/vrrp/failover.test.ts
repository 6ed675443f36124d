/**
 * Elections between two or three engines driven by hand, with exact virtual
 * timings from RFC 3768 §6.1 as keepalived computes them (research §3).
 */
import { describe, expect, it } from 'vitest';
import { decodeAdvertisement } from './packet.js';
import { Cluster, lb, seconds } from './test-harness.test-utils.js';
import { masterDownIntervalUs, PREEMPT_TIME_LAG_US, preemptTimeUs, skewTimeUs } from '../core/rfc3768.js';
import { instant } from '../core/time.js';

const DOWN = (p: number, adverIntUs = 1_000_000): number => masterDownIntervalUs(p, adverIntUs);
const at = (c: Cluster, node: string, to: string): number[] => c.transitions(node).filter((t) => t.to === to).map((t) => t.at);

const pair = (a: Parameters<typeof lb>[2] = {}, b: Parameters<typeof lb>[2] = {}): Cluster =>
  new Cluster([lb('lb1', '192.0.2.11', { priority: 150, ...a }), lb('lb2', '192.0.2.12', { priority: 100, ...b })]);

describe('start-up (research §2.3)', () => {
  it('everyone starts BACKUP with a full Master_Down_Interval; the highest priority wins first', () => {
    const c = pair().startAll().runUntil(seconds(5));
    expect(c.transitions().map((t) => [t.at, t.node, t.to])).toEqual([
      [0, 'lb1', 'BACKUP'],
      [0, 'lb2', 'BACKUP'],
      [DOWN(150), 'lb1', 'MASTER'],
    ]);
    expect(DOWN(150)).toBe(3_414_062);
  });

  it('state MASTER below 255 gives no speed-up', () => {
    const c = pair({ initialState: 'MASTER' }).startAll().runUntil(seconds(5));
    expect(at(c, 'lb1', 'MASTER')).toEqual([DOWN(150)]);
  });

  it('an address owner with state MASTER is master at once', () => {
    const c = pair({ priority: 255 }).startAll().runUntil(seconds(5));
    expect(c.transitions('lb1').map((t) => [t.at, t.from, t.to])).toEqual([[0, 'INIT', 'MASTER']]);
    expect(c.transitions('lb2').map((t) => t.to)).toEqual(['BACKUP']);
  });

  it('an owner configured state BACKUP waits the full 3.00390625 s', () => {
    const c = pair({ priority: 255, initialState: 'BACKUP' }).startAll().runUntil(seconds(5));
    expect(at(c, 'lb1', 'MASTER')).toEqual([3_003_906]);
  });
});

describe('failover', () => {
  it('crash: the backup is MASTER exactly down(100) after the last advert it heard', () => {
    const c = pair().startAll().runUntil(seconds(6)).kill('lb1').runUntil(seconds(12));
    const lastAdvert = DOWN(150) + seconds(2); // adverts at 3.414062, 4.414062, 5.414062
    expect(at(c, 'lb2', 'MASTER')).toEqual([lastAdvert + DOWN(100)]);
    expect(lastAdvert + DOWN(100)).toBe(9_023_437);
    const t = c.transitions('lb2').at(-1);
    expect(t?.reason).toBe('master down timer expired; no advert for 3.609375 s (last: priority 150 from 192.0.2.11)');
  });

  it('a restarted higher node preempts back after its own down interval; the old master yields at once', () => {
    const c = pair().startAll().runUntil(seconds(6)).kill('lb1').runUntil(seconds(12)).start('lb1').runUntil(seconds(20));
    expect(at(c, 'lb1', 'MASTER')).toEqual([DOWN(150), seconds(12) + DOWN(150)]);
    expect(at(c, 'lb2', 'BACKUP').at(-1)).toBe(seconds(12) + DOWN(150));
    expect(c.transitions('lb1').at(-1)?.reason).toBe('master down timer expired; 150 > 100 wins');
    expect(c.transitions('lb2').at(-1)?.reason).toBe('advert with priority 150 > 100 received from 192.0.2.11');
    // the restarted lb1 discarded lb2's four lower adverts (12.02 … 15.02) while it waited
    expect(c.state('lb1').dropCounts['lower-priority']).toBe(4);
  });

  it('graceful stop: priority 0 advert, VIPs removed, STOP; the backup takes over after its skew time', () => {
    const c = pair().startAll().runUntil(seconds(6)).shutdown('lb1').runUntil(seconds(8));
    expect(at(c, 'lb2', 'MASTER')).toEqual([seconds(6) + skewTimeUs(100)]);
    expect(skewTimeUs(100)).toBe(609_375);
    expect(c.transitions('lb2').at(-1)?.reason).toBe(
      'priority 0 advert received from 192.0.2.11 (master resigned); skew time 0.609375 s expired',
    );
    const lastStep = c.log.filter((l) => l.node === 'lb1' && l.at === seconds(6)).map((l) => l.output.kind);
    expect(lastStep).toEqual(['send-advertisement', 'remove-address', 'transitioned']);
    expect(c.transitions('lb1').at(-1)).toMatchObject({ from: 'MASTER', to: 'STOP', priority: 150 });
  });

  it('preemption back: a higher node joining a running master takes over after down(150)', () => {
    const c = new Cluster([lb('lb1', '192.0.2.11', { priority: 150 }), lb('lb2', '192.0.2.12', { priority: 100 })]);
    c.start('lb2').runUntil(seconds(4)).start('lb1').runUntil(seconds(10));
    expect(at(c, 'lb2', 'MASTER')).toEqual([DOWN(100)]);
    expect(at(c, 'lb1', 'MASTER')).toEqual([seconds(4) + DOWN(150)]);
  });

  it('nopreempt: a restarted higher backup accepts the lower master and stays BACKUP', () => {
    const c = pair({ nopreempt: true }).startAll().runUntil(seconds(6)).kill('lb1').runUntil(seconds(10)).start('lb1');
    c.runUntil(seconds(30));
    expect(at(c, 'lb1', 'MASTER')).toEqual([DOWN(150)]);
    expect(c.view('lb1').state).toBe('BACKUP');
    expect(c.view('lb2').state).toBe('MASTER');
  });

  it('nopreempt has no effect on a master: it still yields to a higher advert', () => {
    const c = pair({}, { nopreempt: true });
    c.start('lb2').runUntil(seconds(4)).start('lb1').runUntil(seconds(10));
    expect(c.view('lb2').state).toBe('BACKUP');
  });

  it('preempt_delay: lower adverts are accepted for 5 s after the first, then the down timer runs out', () => {
    const c = pair({ preemptDelayUs: seconds(5) });
    c.startAll().runUntil(seconds(5)).kill('lb1').runUntil(seconds(10)).start('lb1').runUntil(seconds(26));
    const lb2Master = DOWN(150) + seconds(1) + DOWN(100); // last lb1 advert at 4.414062
    expect(at(c, 'lb2', 'MASTER')).toEqual([lb2Master]);
    const firstLower = lb2Master + seconds(2); // first lb2 advert after lb1's restart at 10
    expect(firstLower).toBeGreaterThan(seconds(10));
    // accepted at t, t+1 … t+4 (preempt_time = t+5 is not later than t+5), so MASTER at t+4 + down(150)
    expect(at(c, 'lb1', 'MASTER')).toEqual([DOWN(150), firstLower + seconds(4) + DOWN(150)]);
    expect(firstLower + seconds(4) + DOWN(150)).toBe(17_437_499);
  });

  // keepalived's preempt_time is a fresh clock reading + delay, compared with the reading cached at each
  // later advert's wake-up (rfc3768.ts preemptTimeUs): within two 1 s intervals the advert that lands as the
  // delay ends is still accepted, one interval later than the delay alone says (fixtures 36, 38, 40, 45)
  it('preempt_delay of two advert intervals: the advert landing as the delay ends is still accepted', () => {
    const c = pair({ preemptDelayUs: seconds(2) });
    c.startAll().runUntil(seconds(5)).kill('lb1').runUntil(seconds(10)).start('lb1').runUntil(seconds(20));
    const firstLower = DOWN(150) + seconds(1) + DOWN(100) + seconds(2);
    // accepted at t, t+1 and t+2 (preempt_time = t+2 + lag), so MASTER at t+2 + down(150)
    expect(at(c, 'lb1', 'MASTER')).toEqual([DOWN(150), firstLower + seconds(2) + DOWN(150)]);
    expect(preemptTimeUs(instant(firstLower), seconds(2), seconds(1))).toBe(firstLower + seconds(2) + PREEMPT_TIME_LAG_US);
  });

  it('preempt_delay of one advert interval: the advert one second after the first is still accepted', () => {
    const c = pair({ preemptDelayUs: seconds(1) });
    c.startAll().runUntil(seconds(5)).kill('lb1').runUntil(seconds(10)).start('lb1').runUntil(seconds(20));
    const firstLower = DOWN(150) + seconds(1) + DOWN(100) + seconds(2);
    expect(at(c, 'lb1', 'MASTER').at(-1)).toBe(firstLower + seconds(1) + DOWN(150));
  });

  it('preempt_delay of three intervals, or of two at advert_int 2: the advert landing as the delay ends is discarded', () => {
    const three = pair({ preemptDelayUs: seconds(3) });
    three.startAll().runUntil(seconds(5)).kill('lb1').runUntil(seconds(10)).start('lb1').runUntil(seconds(20));
    const firstLower = DOWN(150) + seconds(1) + DOWN(100) + seconds(2);
    expect(at(three, 'lb1', 'MASTER').at(-1)).toBe(firstLower + seconds(2) + DOWN(150));
    expect(preemptTimeUs(instant(0), seconds(4), seconds(2))).toBe(seconds(4));
    expect(preemptTimeUs(instant(0), seconds(2), seconds(2))).toBe(seconds(2));
  });

  it('equal priorities started together: both go MASTER, the lower address yields on the first advert', () => {
    const c = pair({ priority: 100 }).startAll().runUntil(seconds(6));
    expect(at(c, 'lb1', 'MASTER')).toEqual([DOWN(100)]);
    expect(at(c, 'lb2', 'MASTER')).toEqual([DOWN(100)]);
    expect(c.transitions('lb1').at(-1)).toMatchObject({ at: DOWN(100), to: 'BACKUP' });
    expect(c.transitions('lb1').at(-1)?.reason).toBe(
      'advert with equal priority 100 received from 192.0.2.12, a higher address than ours (192.0.2.11)',
    );
    expect(c.view('lb2').state).toBe('MASTER');
  });

  it('equal priorities staggered: a BACKUP accepts an equal advert, so the running master keeps the role', () => {
    const c = pair({ priority: 100 });
    c.start('lb1').runUntil(seconds(3)).start('lb2').runUntil(seconds(20));
    expect(c.view('lb1').state).toBe('MASTER');
    expect(at(c, 'lb2', 'MASTER')).toEqual([]);
  });

  it('three nodes: the next highest takes over each time; a returning top node preempts', () => {
    const c = new Cluster([
      lb('lb1', '192.0.2.11', { priority: 150 }),
      lb('lb2', '192.0.2.12', { priority: 120 }),
      lb('lb3', '192.0.2.13', { priority: 100 }),
    ]);
    c.startAll().runUntil(seconds(6)).kill('lb1').runUntil(seconds(12)).kill('lb2').runUntil(seconds(18)).start('lb1');
    c.runUntil(seconds(28));
    const lb2Master = DOWN(150) + seconds(2) + DOWN(120);
    expect(at(c, 'lb2', 'MASTER')).toEqual([lb2Master]);
    expect(at(c, 'lb3', 'MASTER')).toEqual([lb2Master + seconds(3) + DOWN(100)]); // lb2's last advert: 11.945312
    expect(at(c, 'lb1', 'MASTER')).toEqual([DOWN(150), seconds(18) + DOWN(150)]);
    expect(c.view('lb3').state).toBe('BACKUP');
  });

  it('advert_int 2: the skew does not scale (VRRPv2)', () => {
    const c = pair({ advertIntUs: seconds(2) }, { advertIntUs: seconds(2) });
    c.startAll().runUntil(seconds(10)).kill('lb1').runUntil(seconds(20));
    const first = DOWN(150, seconds(2));
    expect(first).toBe(6_414_062);
    expect(at(c, 'lb2', 'MASTER')).toEqual([first + seconds(2) + 6_609_375]);
  });
});

describe('split brain and its repair', () => {
  it('auth mismatch: each side drops the other, both become MASTER', () => {
    const c = pair({ auth: { type: 'pass', password: 'secret1' } }, { auth: { type: 'pass', password: 'secret2' } });
    c.startAll().runUntil(seconds(10));
    expect(c.view('lb1').state).toBe('MASTER');
    expect(c.view('lb2').state).toBe('MASTER');
    expect(c.state('lb2').dropCounts['auth-password-mismatch']).toBeGreaterThan(0);
    expect(c.outputs('lb2', 'dropped')[0]?.output).toMatchObject({ instance: 'VI_1', interface: 'eth0', reason: { code: 'auth-password-mismatch' } });
  });

  it('passwords equal in their first 8 bytes are the same key', () => {
    const c = pair({ auth: { type: 'pass', password: 'password1' } }, { auth: { type: 'pass', password: 'password2' } });
    c.startAll().runUntil(seconds(10));
    expect(c.view('lb2').state).toBe('BACKUP');
  });

  it('partition: both masters; on heal the lower master receives the higher advert and yields', () => {
    const c = pair().startAll().runUntil(seconds(6)).partition('lb1', 'lb2').runUntil(seconds(12));
    expect(c.view('lb2').state).toBe('MASTER');
    c.heal().runUntil(seconds(14));
    expect(c.view('lb1').state).toBe('MASTER');
    expect(c.view('lb2').state).toBe('BACKUP');
  });

  it('one-way loss: the master hears the lower adverts, answers at once and re-phases its timer', () => {
    const c = pair().startAll().runUntil(seconds(6)).partitionOneway('lb1', 'lb2').runUntil(seconds(12));
    const lb2Master = DOWN(150) + seconds(2) + DOWN(100);
    expect(at(c, 'lb2', 'MASTER')).toEqual([lb2Master]);
    // lb1 answers lb2's first advert with one of its own at that instant
    const lb1Sends = c.outputs('lb1', 'send-advertisement').map((l) => l.at);
    expect(lb1Sends).toContain(lb2Master);
    // …and then advertises one interval after each lb2 advert (re-phased), not on its old phase
    expect(lb1Sends).toContain(lb2Master + seconds(1));
    expect(lb1Sends).not.toContain(DOWN(150) + seconds(6));
    // plus the lower-priority GARP bursts (5 now, 5 more after 5 s)
    expect(c.outputs('lb1', 'send-gratuitous-arp').filter((l) => l.at === lb2Master)).toHaveLength(5);
  });
});

describe('owners', () => {
  it('two owners: the receiving one demotes itself to 254 and yields', () => {
    const c = pair({ priority: 255 }, { priority: 255 }).startAll().runUntil(seconds(2));
    const changes = [...c.outputs('lb1', 'priority-changed'), ...c.outputs('lb2', 'priority-changed')];
    expect(changes.length).toBeGreaterThanOrEqual(1);
    expect(changes[0]?.output).toMatchObject({ from: 255, to: 254 });
    c.runUntil(seconds(10));
    const states = [c.view('lb1').state, c.view('lb2').state].sort();
    expect(states).toEqual(['BACKUP', 'MASTER']);
  });
});

describe('what a master sends', () => {
  it('advert first, then VIPs, 5 GARPs, the notification; 5 more GARPs after 5 s', () => {
    const c = pair().startAll().runUntil(seconds(10));
    const t = DOWN(150);
    const kinds = c.log.filter((l) => l.node === 'lb1' && l.at === t).map((l) => l.output.kind);
    expect(kinds).toEqual(['send-advertisement', 'add-address', ...Array(5).fill('send-gratuitous-arp'), 'transitioned']);
    expect(c.outputs('lb1', 'send-gratuitous-arp').filter((l) => l.at === t + seconds(5))).toHaveLength(5);
  });

  it('adverts every advert_int with IP ids 1, 2, 3 …', () => {
    const c = pair().startAll().runUntil(seconds(7));
    const sends = c.outputs('lb1', 'send-advertisement');
    expect(sends.map((l) => l.at)).toEqual([0, 1, 2, 3].map((k) => DOWN(150) + seconds(k)));
    const ids = sends.map((l) => (l.output.kind === 'send-advertisement' ? decodeAdvertisement(l.output.bytes) : undefined));
    expect(ids.map((r) => (r?.ok ? r.value.ipId : -1))).toEqual([1, 2, 3, 4]);
  });

  it('unicast: one copy per peer to its address, accepted without a TTL check', () => {
    const c = new Cluster([
      lb('lb1', '192.0.2.11', { priority: 150, sourceAddress: '192.0.2.11', unicastPeers: ['192.0.2.12', '192.0.2.13'] }),
      lb('lb2', '192.0.2.12', { priority: 100, sourceAddress: '192.0.2.12', unicastPeers: ['192.0.2.11', '192.0.2.13'], checkUnicastSrc: true }),
    ]);
    c.startAll().runUntil(seconds(6)).kill('lb1').runUntil(seconds(12));
    const first = c.outputs('lb1', 'send-advertisement').filter((l) => l.at === DOWN(150));
    expect(first.map((l) => (l.output.kind === 'send-advertisement' ? l.output.destination : ''))).toEqual(['192.0.2.12', '192.0.2.13']);
    expect(at(c, 'lb2', 'MASTER')).toEqual([DOWN(150) + seconds(2) + DOWN(100)]);
    expect(c.state('lb2').dropCounts).toEqual({});
  });
});
