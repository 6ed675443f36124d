/**
 * track_script, track_interface and sync groups, driven through whole
 * elections (research §2.10, §2.11, §2.13; fixtures 08–14, 21).
 */
import { describe, expect, it } from 'vitest';
import { decodeAdvertisement } from './packet.js';
import { Cluster, lb, seconds, vrrpInstance, vrrpScript } from './test-harness.test-utils.js';
import { masterDownIntervalUs, skewTimeUs } from '../core/rfc3768.js';
import type { VrrpOutput } from './types.js';

const DOWN = (p: number): number => masterDownIntervalUs(p, 1_000_000);
const at = (c: Cluster, node: string, to: string): number[] => c.transitions(node).filter((t) => t.to === to).map((t) => t.at);

function advertPriorities(c: Cluster, node: string, when: number): number[] {
  return c
    .outputs(node, 'send-advertisement')
    .filter((l) => l.at === when)
    .map((l) => (l.output as Extract<VrrpOutput, { kind: 'send-advertisement' }>).priority);
}

const chk = (over: Partial<Parameters<typeof vrrpScript>[0]> = {}) => vrrpScript({ name: 'chk', ...over });

describe('vrrp_script scheduling', () => {
  it('runs each tracked script at start-up, then every interval; untracked scripts never run', () => {
    const c = new Cluster([
      lb('lb1', '192.0.2.11', { trackScripts: [{ script: 'chk', weight: -10, reverse: false }] }, {
        scripts: [chk({ intervalUs: seconds(2) }), vrrpScript({ name: 'unused' })],
      }),
    ]);
    c.startAll().runUntil(seconds(7));
    expect(c.outputs('lb1', 'run-script').map((l) => [l.at, (l.output as { script: string }).script])).toEqual([
      [0, 'chk'],
      [seconds(2), 'chk'],
      [seconds(4), 'chk'],
      [seconds(6), 'chk'],
    ]);
  });
});

describe('weighted track_script', () => {
  it('weight −60, fall 2, rise 2 (fixture 10): 150 → 90 lets the backup preempt; 90 → 150 preempts back', () => {
    const s = chk({ weight: -60, fall: 2, rise: 2 });
    const track = { trackScripts: [{ script: 'chk', weight: -60, reverse: false }] };
    const c = new Cluster([
      lb('lb1', '192.0.2.11', { priority: 150, ...track }, { scripts: [s] }),
      lb('lb2', '192.0.2.12', { priority: 100, ...track }, { scripts: [s] }),
    ]);
    c.startAll().runUntil(seconds(6)).script('lb1', 'chk', 1).runUntil(seconds(14));
    // failures at 7 and 8: KO on the second
    expect(c.outputs('lb1', 'priority-changed').map((l) => [l.at, l.output])).toEqual([
      [seconds(8), { kind: 'priority-changed', instance: 'VI_1', from: 150, to: 90, reason: 'script chk failed (exit 1) (weight -60)' }],
    ]);
    // the master sends no extra advert: 90 goes out with the next scheduled one
    expect(advertPriorities(c, 'lb1', DOWN(150) + seconds(5))).toEqual([90]);
    // lb2 discards the 90-adverts, so it takes over down(100) after the last 150-advert (7.414062)
    const lb2Master = DOWN(150) + seconds(4) + DOWN(100);
    expect(at(c, 'lb2', 'MASTER')).toEqual([lb2Master]);
    expect(at(c, 'lb1', 'BACKUP').at(-1)).toBe(lb2Master);

    c.script('lb1', 'chk', 0).runUntil(seconds(24));
    // successes at 15 and 16: OK on the second; lb1's deadline becomes "last lb2 advert accepted + down(150)"
    expect(c.outputs('lb1', 'priority-changed').at(-1)).toMatchObject({ at: seconds(16), output: { from: 90, to: 150 } });
    const lastAccepted = lb2Master + seconds(4); // 15.023437
    expect(at(c, 'lb1', 'MASTER').at(-1)).toBe(lastAccepted + DOWN(150));
  });

  it('rise 2 / fall 3 at interval 2 (fixture 13): three failed runs, then two good ones', () => {
    const s = chk({ intervalUs: seconds(2), weight: -60, fall: 3, rise: 2 });
    const c = new Cluster([lb('lb1', '192.0.2.11', { priority: 150, trackScripts: [{ script: 'chk', weight: -60, reverse: false }] }, { scripts: [s] })]);
    c.startAll().runUntil(seconds(5)).script('lb1', 'chk', 1).runUntil(seconds(15)).script('lb1', 'chk', 0).runUntil(seconds(30));
    expect(c.outputs('lb1', 'priority-changed').map((l) => [l.at, (l.output as { to: number }).to])).toEqual([
      [seconds(10), 90],
      [seconds(18), 150],
    ]);
    expect(c.outputs('lb1', 'script-status').map((l) => [l.at, (l.output as { ok: boolean }).ok])).toEqual([
      [0, true],
      [seconds(10), false],
      [seconds(18), true],
    ]);
  });

  it('positive weight (fixture 11): +20 only once the script reports OK; a BACKUP deadline shifts by Δskew', () => {
    const s = chk({ weight: 20 });
    const track = { trackScripts: [{ script: 'chk', weight: 20, reverse: false }] };
    const c = new Cluster([
      lb('lb1', '192.0.2.11', { priority: 100, ...track }, { scripts: [s] }),
      lb('lb2', '192.0.2.12', { priority: 90, ...track }, { scripts: [s] }),
    ]);
    c.startAll().runUntil(0);
    // the first result came at 0: 100 → 120 and the deadline moved from down(100) to down(120)
    expect(c.view('lb1')).toMatchObject({ priority: 120, state: 'BACKUP', masterDownAt: DOWN(120) });
    c.runUntil(seconds(6)).script('lb1', 'chk', 1).runUntil(seconds(14));
    expect(c.view('lb1').priority).toBe(100);
    expect(c.view('lb2')).toMatchObject({ state: 'MASTER', priority: 110 });
    c.script('lb1', 'chk', 0).runUntil(seconds(24));
    expect(c.view('lb1')).toMatchObject({ state: 'MASTER', priority: 120 });
  });

  it('reverse: a weight-−30 reverse script adds 30 while it fails', () => {
    const c = new Cluster([
      lb('lb1', '192.0.2.11', { priority: 100, trackScripts: [{ script: 'chk', weight: -30, reverse: true }] }, { scripts: [chk({ weight: -30 })] }),
    ]);
    c.script('lb1', 'chk', 1).startAll().runUntil(0);
    expect(c.view('lb1').priority).toBe(130);
    c.script('lb1', 'chk', 0).runUntil(seconds(1));
    expect(c.view('lb1').priority).toBe(100);
  });

  it('track_script weight overrides the vrrp_script default (fixture 09: weight 0 script, −60 on the instance)', () => {
    const c = new Cluster([
      lb('lb1', '192.0.2.11', { priority: 150, trackScripts: [{ script: 'chk', weight: -60, reverse: false }] }, { scripts: [chk()] }),
    ]);
    c.startAll().runUntil(seconds(5)).script('lb1', 'chk', 1).runUntil(seconds(7));
    expect(c.view('lb1')).toMatchObject({ state: 'MASTER', priority: 90 });
  });

  it('a weighted tracker cannot lift a non-owner to 255; an owner stays at 255 (its weighted trackers are the resolver\'s to drop)', () => {
    const c = new Cluster([
      lb('lb1', '192.0.2.11', { priority: 250, trackScripts: [{ script: 'chk', weight: 50, reverse: false }] }, { scripts: [chk()] }),
      lb('lb2', '192.0.2.12', { priority: 255, trackScripts: [{ script: 'chk', weight: 0, reverse: false }] }, { scripts: [chk()] }),
    ]);
    c.script('lb2', 'chk', 0).startAll().runUntil(0);
    expect(c.view('lb1').priority).toBe(254);
    expect(c.view('lb2').priority).toBe(255);
  });
});

describe('weight-0 track_script: FAULT', () => {
  const pair = (scriptLatencyUs = 0) =>
    new Cluster(
      [
        lb('lb1', '192.0.2.11', { priority: 150, trackScripts: [{ script: 'chk', weight: 0, reverse: false }] }, { scripts: [chk()] }),
        lb('lb2', '192.0.2.12', { priority: 100 }),
      ],
      { scriptLatencyUs },
    );

  it('fixture 12: a failing script puts the master in FAULT with two priority-0 adverts; recovery goes BACKUP then preempts', () => {
    const c = pair().startAll().runUntil(seconds(6)).script('lb1', 'chk', 1).runUntil(seconds(12));
    const kinds = c.log.filter((l) => l.node === 'lb1' && l.at === seconds(7)).map((l) => l.output.kind);
    expect(kinds).toEqual(['run-script', 'script-status', 'send-advertisement', 'send-advertisement', 'remove-address', 'transitioned']);
    expect(advertPriorities(c, 'lb1', seconds(7))).toEqual([0, 0]);
    expect(c.transitions('lb1').at(-1)).toMatchObject({ to: 'FAULT', reason: 'script chk failed (exit 1) (weight 0)' });
    expect(at(c, 'lb2', 'MASTER')).toEqual([seconds(7) + skewTimeUs(100)]);
    c.script('lb1', 'chk', 0).runUntil(seconds(24));
    expect(at(c, 'lb1', 'BACKUP').at(-1)).toBe(seconds(13));
    expect(at(c, 'lb1', 'MASTER').at(-1)).toBe(seconds(13) + DOWN(150));
  });

  it('fixture 14: the instance waits in INIT for the first result; a failure starts it in FAULT', () => {
    const c = pair(seconds(0.01)).script('lb1', 'chk', 1).startAll();
    expect(c.view('lb1').state).toBe('INIT');
    c.runUntil(seconds(0.01));
    expect(c.transitions('lb1').map((t) => [t.at, t.from, t.to])).toEqual([[seconds(0.01), 'INIT', 'FAULT']]);
    c.runUntil(seconds(8)).script('lb1', 'chk', 0).runUntil(seconds(20));
    expect(c.transitions('lb1').slice(1).map((t) => [t.at, t.to])).toEqual([
      [seconds(9.01), 'BACKUP'],
      [seconds(9.01) + DOWN(150), 'MASTER'],
    ]);
  });

  it('a first success leaves INIT for BACKUP (no "(init)"), with a full down interval from then', () => {
    const c = pair(seconds(0.5)).startAll().runUntil(seconds(0.25));
    expect(c.view('lb1').state).toBe('INIT');
    c.runUntil(seconds(5));
    expect(c.transitions('lb1')[0]).toMatchObject({ at: seconds(0.5), from: 'INIT', to: 'BACKUP' });
    expect(at(c, 'lb1', 'MASTER')).toEqual([seconds(0.5) + DOWN(150)]);
  });

  it('packets are dropped while INIT or FAULT', () => {
    const c = new Cluster(
      [
        lb('lb1', '192.0.2.11', { priority: 150 }),
        lb('lb2', '192.0.2.12', { priority: 100, trackScripts: [{ script: 'chk', weight: 0, reverse: false }] }, { scripts: [chk()] }),
      ],
      { scriptLatencyUs: seconds(0.5) },
    );
    c.script('lb2', 'chk', 1).startAll().runUntil(seconds(8));
    expect(c.view('lb2').state).toBe('FAULT');
    expect(c.state('lb2').dropCounts['instance-not-listening']).toBe(5);
  });
});

describe('track_interface and link state', () => {
  const eth1 = [{ name: 'eth1', address: '198.51.100.11', prefixLength: 24 }];

  it('fixture 08: own interface down → FAULT (two priority-0 adverts, VIPs removed); up → BACKUP then preempts', () => {
    const c = new Cluster([lb('lb1', '192.0.2.11', { priority: 150 }), lb('lb2', '192.0.2.12', { priority: 100 })]);
    c.startAll().runUntil(seconds(6)).link('lb1', 'eth0', false);
    expect(advertPriorities(c, 'lb1', seconds(6))).toEqual([0, 0]);
    expect(c.transitions('lb1').at(-1)).toMatchObject({ at: seconds(6), from: 'MASTER', to: 'FAULT', reason: 'interface eth0 down' });
    expect(c.outputs('lb1', 'remove-address').map((l) => l.at)).toEqual([seconds(6)]);
    c.runUntil(seconds(12));
    // the priority-0 adverts never left the downed link: lb2 waits for its full down interval
    expect(at(c, 'lb2', 'MASTER')).toEqual([DOWN(150) + seconds(2) + DOWN(100)]);
    c.link('lb1', 'eth0', true).runUntil(seconds(24));
    expect(c.transitions('lb1').slice(-2).map((t) => [t.at, t.to, t.reason])).toEqual([
      [seconds(12), 'BACKUP', 'interface eth0 up'],
      [seconds(12) + DOWN(150), 'MASTER', 'master down timer expired; 150 > 100 wins'],
    ]);
  });

  it('dont_track_primary: the own interface going down does not fault the instance', () => {
    const c = new Cluster([lb('lb1', '192.0.2.11', { priority: 150, dontTrackPrimary: true })]);
    c.startAll().runUntil(seconds(5)).link('lb1', 'eth0', false);
    expect(c.view('lb1').state).toBe('MASTER');
  });

  it('a weighted track_interface moves the priority at once; the backup then preempts', () => {
    const c = new Cluster([
      lb('lb1', '192.0.2.11', { priority: 150, trackInterfaces: [{ interface: 'eth1', weight: -60, reverse: false }] }, { interfaces: eth1 }),
      lb('lb2', '192.0.2.12', { priority: 100 }),
    ]);
    c.startAll().runUntil(seconds(6)).link('lb1', 'eth1', false);
    expect(c.outputs('lb1', 'priority-changed')[0]?.output).toEqual({
      kind: 'priority-changed',
      instance: 'VI_1',
      from: 150,
      to: 90,
      reason: 'interface eth1 down (weight -60)',
    });
    c.runUntil(seconds(12));
    expect(at(c, 'lb2', 'MASTER')).toEqual([DOWN(150) + seconds(2) + DOWN(100)]);
    c.link('lb1', 'eth1', true).runUntil(seconds(20));
    expect(c.view('lb1')).toMatchObject({ state: 'MASTER', priority: 150 });
  });

  it('a weight-0 track_interface that starts down starts the instance in FAULT', () => {
    const c = new Cluster([
      lb('lb1', '192.0.2.11', { priority: 150, trackInterfaces: [{ interface: 'eth1', weight: 0, reverse: false }] }, {
        interfaces: [{ ...eth1[0]!, up: false }],
      }),
    ]);
    c.startAll();
    expect(c.transitions('lb1')).toMatchObject([{ from: 'INIT', to: 'FAULT', reason: 'startup: a tracked interface is down' }]);
    c.link('lb1', 'eth1', true).runUntil(seconds(5));
    expect(c.view('lb1').state).toBe('MASTER');
  });

  it('repeated link reports without a change do nothing', () => {
    const c = new Cluster([lb('lb1', '192.0.2.11', { priority: 150 })]);
    c.startAll().runUntil(seconds(5)).link('lb1', 'eth0', true).link('lb1', 'eth0', false).link('lb1', 'eth0', false);
    c.link('lb1', 'eth0', true).runUntil(seconds(10));
    expect(c.transitions('lb1').map((t) => t.to)).toEqual(['BACKUP', 'MASTER', 'FAULT', 'BACKUP', 'MASTER']);
  });
});

describe('sync groups (fixture 21)', () => {
  const node = (name: string, address: string, priority: number, tracked: boolean) =>
    lb(
      name,
      address,
      { priority, trackScripts: tracked ? [{ script: 'chk', weight: 0, reverse: false }] : [] },
      {
        scripts: tracked ? [chk()] : [],
        instances: [vrrpInstance({ name: 'VI_2', interface: 'eth0', vrid: 52, priority, virtualAddresses: [{ address: '192.0.2.101', prefixLength: 24 }] })],
        syncGroups: [{ name: 'G1', members: ['VI_1', 'VI_2'], initialState: 'BACKUP' as const }],
      },
    );

  it('a member fault takes the whole group to FAULT; the other node takes both instances together', () => {
    const c = new Cluster([node('lb1', '192.0.2.11', 150, true), node('lb2', '192.0.2.12', 100, false)]);
    c.startAll().runUntil(seconds(5));
    expect([c.view('lb1', 'VI_1').state, c.view('lb1', 'VI_2').state]).toEqual(['MASTER', 'MASTER']);
    c.script('lb1', 'chk', 1).runUntil(seconds(6.5));
    // VI_1 faulted itself (two priority-0 adverts); VI_2 was forced (one)
    const zeros = c.outputs('lb1', 'send-advertisement').filter((l) => (l.output as { priority: number }).priority === 0);
    expect(zeros.map((l) => (l.output as { instance: string }).instance)).toEqual(['VI_1', 'VI_1', 'VI_2']);
    expect(c.transitions('lb1').filter((t) => t.at === seconds(6)).map((t) => [t.instance, t.to, t.reason])).toEqual([
      ['VI_1', 'FAULT', 'script chk failed (exit 1) (weight 0)'],
      ['VI_2', 'FAULT', 'sync group G1: VI_1 went FAULT'],
    ]);
    // lb2: both down timers expire together after the skew; the first waits for the second, then both go MASTER
    c.runUntil(seconds(12));
    const t = seconds(6) + skewTimeUs(100);
    expect(c.transitions('lb2').filter((x) => x.to === 'MASTER').map((x) => [x.at, x.instance])).toEqual([
      [t, 'VI_2'],
      [t, 'VI_1'],
    ]);
    c.script('lb1', 'chk', 0).runUntil(seconds(24));
    const back = c.transitions('lb1').filter((x) => x.at >= seconds(12));
    expect(back.map((x) => [x.at, x.instance, x.to])).toEqual([
      [seconds(13), 'VI_1', 'BACKUP'],
      [seconds(13), 'VI_2', 'BACKUP'],
      [seconds(13) + DOWN(150), 'VI_2', 'MASTER'],
      [seconds(13) + DOWN(150), 'VI_1', 'MASTER'],
    ]);
    expect([c.view('lb2', 'VI_1').state, c.view('lb2', 'VI_2').state]).toEqual(['BACKUP', 'BACKUP']);
  });

  it('adverts of a forced member carry the group instance VRID', () => {
    const c = new Cluster([node('lb1', '192.0.2.11', 150, true)]);
    c.startAll().runUntil(seconds(5));
    const vrids = c
      .outputs('lb1', 'send-advertisement')
      .map((l) => decodeAdvertisement((l.output as { bytes: Uint8Array }).bytes))
      .map((r) => (r.ok ? r.value.vrid : 0));
    expect(new Set(vrids)).toEqual(new Set([51, 52]));
  });
});
