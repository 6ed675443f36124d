import { describe, expect, it } from 'vitest';
import {
  createDirector, directorConnections, directorNextDeadline, directorPacketIn, directorStats, directorTick, removeRealServer, setRealServer,
} from './director.js';
import type { Director } from './director-state.js';
import type { IpvsSysctl, PersistenceSpec } from './director-types.js';
import { CLIENT, expectConsistent, ip, RIP_A, RIP_B, s, tcpIn, VIP } from './director.test-utils.js';

const KEY = 'tcp:192.0.2.10:80';

function persistent(persistence: PersistenceSpec, sysctl: Partial<IpvsSysctl> = {}): Director {
  return createDirector({
    sysctl,
    services: [{
      address: { kind: 'ip', proto: 'tcp', vip: VIP, port: 80 },
      scheduler: 'wlc',
      persistence,
      realServers: [
        { name: 'a', addr: RIP_A, port: 80, weight: 1, method: 'dr' },
        { name: 'b', addr: RIP_B, port: 80, weight: 1, method: 'dr' },
      ],
    }],
  });
}

const destOf = (d: Director, sport: number, saddr = CLIENT, at = 0): string | undefined => {
  const v = directorPacketIn(d, tcpIn('S', sport, saddr), s(at));
  return v.kind === 'forward' ? v.dest : undefined;
};

const template = (d: Director, caddr = CLIENT) => directorConnections(d).find((c) => c.template && c.caddr === caddr);

describe('persistence templates (ip_vs_sched_persist)', () => {
  it('pins every connection of a client to one server while its template lives', () => {
    const d = persistent({ timeoutS: 300 });
    expect([destOf(d, 1000), destOf(d, 1001), destOf(d, 1002)]).toEqual(['b', 'b', 'b']);
    expect(destOf(d, 1000, ip('198.51.100.8'))).toBe('a');
    expect(directorStats(d).templates).toBe(2);
    expect(directorStats(d).services[0]?.dests.map((x) => [x.name, x.active, x.persist])).toEqual([['b', 3, 1], ['a', 1, 1]]);
    expect(template(d)).toMatchObject({ proto: 'tcp', cport: 0, vport: 80, dport: 80, dest: 'b', state: 'NONE', controlled: 3 });
    expectConsistent(d);
  });

  it('persistence_granularity pins a whole network', () => {
    const d = persistent({ timeoutS: 300, granularity: ip('255.255.255.0') });
    expect(destOf(d, 1000, ip('198.51.100.7'))).toBe('b');
    expect(destOf(d, 1000, ip('198.51.100.200'))).toBe('b');
    expect(destOf(d, 1000, ip('198.51.101.7'))).toBe('a');
    expect(directorConnections(d).filter((c) => c.template).map((c) => c.caddr).sort()).toEqual([ip('198.51.100.0'), ip('198.51.101.0')]);
  });

  it('each new connection restarts the template timer at now + persistence_timeout', () => {
    const d = persistent({ timeoutS: 300 });
    destOf(d, 1000, CLIENT, 0);
    expect(template(d)?.expiresAt).toBe(s(300));
    destOf(d, 1001, CLIENT, 100);
    expect(template(d)?.expiresAt).toBe(s(400));
  });

  it('a template outlives its timeout while it controls connections, checked again every 60 s', () => {
    const d = persistent({ timeoutS: 10 });
    destOf(d, 1000, CLIENT, 0);
    directorPacketIn(d, tcpIn('A', 1000), s(0));
    directorPacketIn(d, tcpIn('FA', 1000), s(5)); // FIN_WAIT: the connection expires at 125
    directorTick(d, s(10));
    expect(template(d)).toMatchObject({ expiresAt: s(70), controlled: 1 });
    directorTick(d, s(70));
    expect(template(d)?.expiresAt).toBe(s(130));
    directorTick(d, s(125));
    expect(directorStats(d).connections).toBe(0);
    expect(template(d)).toMatchObject({ controlled: 0, expiresAt: s(130) });
    directorTick(d, s(130));
    expect(directorStats(d)).toMatchObject({ connections: 0, templates: 0 });
    expect(directorStats(d).services[0]?.dests.every((x) => x.persist === 0)).toBe(true);
    expect(directorNextDeadline(d)).toBeUndefined();
  });

  it('after one delayed expiry the template keeps the 60 s timeout, as the kernel\'s does', () => {
    const d = persistent({ timeoutS: 10 });
    destOf(d, 1000, CLIENT, 0);
    directorPacketIn(d, tcpIn('A', 1000), s(0));
    directorTick(d, s(10)); // re-armed: cp->timeout = 60 s
    destOf(d, 1001, CLIENT, 20);
    expect(template(d)?.expiresAt).toBe(s(80));
  });

  it('a quiesced server (weight 0) keeps its pinned clients unless expire_quiescent_template', () => {
    const d = persistent({ timeoutS: 300 });
    expect(destOf(d, 1000)).toBe('b');
    setRealServer(d, KEY, { name: 'b', addr: RIP_B, port: 80, weight: 0, method: 'dr' });
    expect(destOf(d, 1001)).toBe('b');
    expect(destOf(d, 1000, ip('198.51.100.8'))).toBe('a');

    const q = persistent({ timeoutS: 300 }, { expireQuiescentTemplate: true });
    expect(destOf(q, 1000)).toBe('b');
    setRealServer(q, KEY, { name: 'b', addr: RIP_B, port: 80, weight: 0, method: 'dr' });
    expect(destOf(q, 1001)).toBe('a');
    // The old template is invalidated (ports 0xffff) but lives on, still counted, until its timer.
    expect(directorConnections(q).filter((c) => c.template).map((c) => [c.dest, c.vport])).toEqual(
      expect.arrayContaining([['b', 0xffff], ['a', 80]]),
    );
    expect(directorStats(q).services[0]?.dests.find((x) => x.name === 'b')?.persist).toBe(1);
    expectConsistent(q);
  });

  it('a removed server\'s template no longer pins: the client is scheduled again', () => {
    const d = persistent({ timeoutS: 300 });
    expect(destOf(d, 1000)).toBe('b');
    removeRealServer(d, KEY, 'b');
    expect(destOf(d, 1001)).toBe('a');
  });

  it('an overloaded pinned server still takes its clients: only the scheduler looks at OVERLOAD', () => {
    const d = persistent({ timeoutS: 300 });
    setRealServer(d, KEY, { name: 'b', addr: RIP_B, port: 80, weight: 1, method: 'dr', uThreshold: 1 });
    expect(destOf(d, 1000)).toBe('b');
    expect(directorStats(d).services[0]?.dests[0]).toMatchObject({ name: 'b', overloaded: true });
    expect(destOf(d, 1001)).toBe('b');
    expect(destOf(d, 1000, ip('198.51.100.8'))).toBe('a');
  });

  it('a fwmark service pins a client across ports with an IPPROTO_IP template keyed by the mark', () => {
    const d = createDirector({
      services: [{
        address: { kind: 'fwmark', fwmark: 7 }, scheduler: 'rr', persistence: { timeoutS: 300 },
        realServers: [{ name: 'a', addr: RIP_A, port: 0, weight: 1, method: 'dr' }, { name: 'b', addr: RIP_B, port: 0, weight: 1, method: 'dr' }],
      }],
    });
    const marked = (dport: number, sport: number) => ({ ...tcpIn('S', sport, CLIENT, dport), fwmark: 7 });
    const v1 = directorPacketIn(d, marked(80, 1000), s(0));
    const v2 = directorPacketIn(d, marked(443, 1001), s(0));
    expect([v1.kind === 'forward' && v1.dest, v2.kind === 'forward' && v2.dest]).toEqual(['b', 'b']);
    expect(template(d)).toMatchObject({ proto: 'ip', vaddr: 7, vport: 0, controlled: 2 });
    expect(directorPacketIn(d, tcpIn('S', 1002, CLIENT, 80), s(0))).toMatchObject({ kind: 'local', reason: { code: 'no-service' } });
  });
});
