import { describe, expect, it } from 'vitest';
import {
  createDirector, directorConnections, directorNextDeadline, directorPacketIn, directorPacketOut, directorStats, directorTick,
  removeRealServer, setRealServer, DirectorError,
} from './director.js';
import type { Director } from './director-state.js';
import type { ForwardingMethod, IpvsSysctl, ServiceStats, VirtualServiceSpec } from './director-types.js';
import { CLIENT, expectConsistent, ip, RIP_A, RIP_B, s, tcpIn, tcpOut, udpIn, VIP } from './director.test-utils.js';

const KEY = 'tcp:192.0.2.10:80';

function director(method: ForwardingMethod = 'dr', extra: Partial<VirtualServiceSpec> = {}, sysctl: Partial<IpvsSysctl> = {}): Director {
  const port = method === 'nat' ? 8080 : 80;
  return createDirector({
    name: 'lb1',
    address: ip('10.0.0.254'),
    sysctl,
    services: [{
      address: { kind: 'ip', proto: 'tcp', vip: VIP, port: 80 },
      scheduler: 'wlc',
      // a first, then b: b heads the kernel list and wins wlc ties.
      realServers: [
        { name: 'a', addr: RIP_A, port, weight: 1, method },
        { name: 'b', addr: RIP_B, port, weight: 1, method },
      ],
      ...extra,
    }],
  });
}

const dests = (d: Director): Record<string, { active: number; inactive: number; persist: number }> => {
  const svc = directorStats(d).services[0] as ServiceStats;
  return Object.fromEntries(svc.dests.map((x) => [x.name, { active: x.active, inactive: x.inactive, persist: x.persist }]));
};

describe('a DR connection through its whole life', () => {
  it('is active from SYN to FIN, inactive in FIN_WAIT, and unbound 120 s after the last packet', () => {
    const d = director('dr');
    const v = directorPacketIn(d, tcpIn('S'), s(0));
    expect(v).toEqual({ kind: 'forward', service: KEY, dest: 'b', method: 'dr', rewrite: { method: 'dr', nextHop: RIP_B }, state: 'SYN_RECV', created: true });
    expect(dests(d).b).toEqual({ active: 1, inactive: 0, persist: 0 });
    expect(directorNextDeadline(d)).toBe(s(60)); // SYN_RECV: 60 s

    expect(directorPacketIn(d, tcpIn('A'), s(0.001))).toMatchObject({ state: 'ESTABLISHED', created: false, dest: 'b' });
    expect(directorNextDeadline(d)).toBe(s(900.001));
    directorPacketIn(d, tcpIn('A'), s(1));
    // DR: the director never sees the server's FIN; the client's FIN moves INPUT-ONLY ES -> FIN_WAIT.
    expect(directorPacketIn(d, tcpIn('FA'), s(2))).toMatchObject({ state: 'FIN_WAIT' });
    expect(dests(d).b).toEqual({ active: 0, inactive: 1, persist: 0 });
    expect(directorPacketIn(d, tcpIn('A'), s(2.5))).toMatchObject({ state: 'FIN_WAIT' });
    expect(directorNextDeadline(d)).toBe(s(122.5));

    expect(directorTick(d, s(122.499999))).toBe(0);
    expect(directorStats(d).connections).toBe(1);
    expect(directorTick(d, s(122.5))).toBe(1);
    expect(dests(d).b).toEqual({ active: 0, inactive: 0, persist: 0 });
    expect(directorNextDeadline(d)).toBeUndefined();
    expectConsistent(d);
  });

  it('spreads new connections by wlc: the second goes to the other server', () => {
    const d = director('dr');
    expect(directorPacketIn(d, tcpIn('S', 40000), s(0))).toMatchObject({ dest: 'b' });
    expect(directorPacketIn(d, tcpIn('S', 40001), s(0))).toMatchObject({ dest: 'a' });
    expect(directorPacketIn(d, tcpIn('S', 40002), s(0))).toMatchObject({ dest: 'b' });
    expect(dests(d)).toEqual({ b: { active: 2, inactive: 0, persist: 0 }, a: { active: 1, inactive: 0, persist: 0 } });
  });

  it('a SYN that is never answered expires after SYN_RECV\'s 60 s, counted active until then', () => {
    const d = director('dr');
    directorPacketIn(d, tcpIn('S'), s(0));
    directorPacketIn(d, tcpIn('S'), s(3)); // the client retransmits: SYN_RECV again, timer restarts
    expect(directorNextDeadline(d)).toBe(s(63));
    directorTick(d, s(63));
    expect(dests(d).b?.active).toBe(0);
  });
});

describe('a NAT connection sees both directions', () => {
  it('rewrites the destination in and the source out, and follows the full state machine', () => {
    const d = director('nat');
    expect(directorPacketIn(d, tcpIn('S'), s(0))).toMatchObject({ rewrite: { method: 'nat', daddr: RIP_B, dport: 8080 }, state: 'SYN_RECV' });
    expect(directorPacketOut(d, tcpOut('SA', RIP_B, 8080), s(0.001))).toEqual({
      kind: 'reply', service: KEY, dest: 'b', rewrite: { saddr: VIP, sport: 80 }, state: 'SYN_RECV',
    });
    expect(directorPacketIn(d, tcpIn('A'), s(0.002))).toMatchObject({ state: 'ESTABLISHED' });
    expect(directorPacketIn(d, tcpIn('FA'), s(1))).toMatchObject({ state: 'CLOSE_WAIT' });
    expect(dests(d).b).toEqual({ active: 0, inactive: 1, persist: 0 });
    expect(directorPacketOut(d, tcpOut('FA', RIP_B, 8080), s(1.001))).toMatchObject({ state: 'TIME_WAIT' });
    expect(directorPacketIn(d, tcpIn('A'), s(1.002))).toMatchObject({ state: 'TIME_WAIT' });
    expect(directorNextDeadline(d)).toBe(s(121.002));
    directorTick(d, s(121.002));
    expect(directorStats(d).connections).toBe(0);
  });

  it('a reply that matches no connection is not IPVS\'s business', () => {
    const d = director('nat');
    directorPacketIn(d, tcpIn('S'), s(0));
    expect(directorPacketOut(d, tcpOut('SA', RIP_A, 8080), s(0))).toEqual({ kind: 'not-ipvs' });
    expect(directorPacketOut(d, tcpOut('SA', RIP_B, 8080, 40001), s(0))).toEqual({ kind: 'not-ipvs' });
  });

  it('a NAT reply that bypasses the director leaves the entry in SYN_RECV, counted active for 60 s', () => {
    const d = director('nat');
    directorPacketIn(d, tcpIn('S'), s(0));
    directorPacketIn(d, tcpIn('S'), s(1)); // the client never got a SYN-ACK from the VIP: retransmits
    expect(directorConnections(d)[0]).toMatchObject({ state: 'SYN_RECV', active: true, expiresAt: s(61) });
  });

  it('a DR reply routed through the director is left alone but seen: the entry leaves INPUT-ONLY', () => {
    const d = director('dr');
    directorPacketIn(d, tcpIn('S'), s(0));
    expect(directorPacketOut(d, tcpOut('SA', RIP_B, 80), s(0))).toEqual({ kind: 'not-ipvs' }); // DR replies never come from the RIP
    expect(directorPacketOut(d, tcpOut('SA', VIP, 80), s(0.001))).toEqual({ kind: 'reply', service: KEY, dest: 'b', rewrite: undefined, state: 'SYN_RECV' });
    directorPacketIn(d, tcpIn('A'), s(0.002));
    // With NOOUTPUT cleared the INPUT table applies: a client FIN in ESTABLISHED is CLOSE_WAIT, not FIN_WAIT.
    expect(directorPacketIn(d, tcpIn('FA'), s(1))).toMatchObject({ state: 'CLOSE_WAIT' });
  });

  it('TUN wraps the packet in IPIP from the director to the real server', () => {
    const d = director('tun');
    expect(directorPacketIn(d, tcpIn('S'), s(0))).toMatchObject({
      method: 'tun', rewrite: { method: 'tun', outerSaddr: ip('10.0.0.254'), outerDaddr: RIP_B, outerProtocol: 4 },
    });
  });
});

describe('UDP', () => {
  it('is always inactive and idles out after 300 s', () => {
    const d = createDirector({
      services: [{ address: { kind: 'ip', proto: 'udp', vip: VIP, port: 53 }, scheduler: 'rr', realServers: [{ name: 'a', addr: RIP_A, port: 53, weight: 1, method: 'dr' }] }],
    });
    expect(directorPacketIn(d, udpIn(), s(0))).toMatchObject({ kind: 'forward', state: 'UDP', dest: 'a', created: true });
    expect(directorPacketIn(d, udpIn(), s(10))).toMatchObject({ created: false });
    expect(dests(d).a).toEqual({ active: 0, inactive: 1, persist: 0 });
    expect(directorNextDeadline(d)).toBe(s(310));
  });
});

describe('packets IPVS does not forward', () => {
  it('no service: the director\'s own stack answers (RST for TCP, ICMP for UDP)', () => {
    const d = director('dr');
    expect(directorPacketIn(d, tcpIn('S', 40000, CLIENT, 81), s(0))).toEqual({ kind: 'local', reason: { code: 'no-service' }, answer: 'tcp-rst' });
    expect(directorPacketIn(d, udpIn(), s(0))).toEqual({ kind: 'local', reason: { code: 'no-service' }, answer: 'icmp-port-unreachable' });
  });

  it('no real server available: ip_vs_leave answers ICMP port unreachable, not RST', () => {
    const d = director('dr');
    setRealServer(d, KEY, { name: 'a', addr: RIP_A, port: 80, weight: 0, method: 'dr' });
    setRealServer(d, KEY, { name: 'b', addr: RIP_B, port: 80, weight: 0, method: 'dr' });
    expect(directorPacketIn(d, tcpIn('S'), s(0))).toEqual({ kind: 'drop', reason: { code: 'no-dest-available', service: KEY }, answer: 'icmp-port-unreachable' });
    expect(directorStats(d).connections).toBe(0);
  });

  it('a mid-stream TCP packet without an entry is not scheduled (sloppy_tcp 0): the local stack resets it', () => {
    const d = director('dr');
    expect(directorPacketIn(d, tcpIn('A'), s(0))).toEqual({ kind: 'local', reason: { code: 'not-a-new-connection', service: KEY }, answer: 'tcp-rst' });
    expect(directorPacketIn(d, tcpIn('R'), s(0))).toMatchObject({ kind: 'local', answer: 'none' });
    expect(directorPacketIn(d, tcpIn('A', 40000, CLIENT, 81), s(0))).toEqual({ kind: 'local', reason: { code: 'no-service' }, answer: 'tcp-rst' });
    expect(directorStats(d).connections).toBe(0);
  });

  it('with sloppy_tcp a mid-stream packet creates the entry (INPUT-ONLY: NONE + ACK -> ESTABLISHED)', () => {
    const d = director('dr', {}, { sloppyTcp: true });
    expect(directorPacketIn(d, tcpIn('A'), s(0))).toMatchObject({ kind: 'forward', state: 'ESTABLISHED', created: true });
    expect(directorPacketIn(d, tcpIn('R', 40001), s(0))).toMatchObject({ kind: 'local', answer: 'none' });
  });

  it('source port 20 (active FTP data) is never scheduled', () => {
    const d = director('dr');
    expect(directorPacketIn(d, tcpIn('S', 20), s(0))).toMatchObject({ kind: 'local', reason: { code: 'ftp-data-not-scheduled' } });
  });
});

describe('real servers changing under live connections', () => {
  it('weight 0 (inhibit_on_failure) quiesces: existing connections flow, new ones go elsewhere', () => {
    const d = director('dr');
    directorPacketIn(d, tcpIn('S'), s(0));
    setRealServer(d, KEY, { name: 'b', addr: RIP_B, port: 80, weight: 0, method: 'dr' });
    expect(directorPacketIn(d, tcpIn('A'), s(1))).toMatchObject({ kind: 'forward', dest: 'b' });
    expect(directorPacketIn(d, tcpIn('S', 40001), s(1))).toMatchObject({ dest: 'a' });
  });

  it('a deleted real server black-holes its connections until they expire (expire_nodest_conn 0)', () => {
    const d = director('dr');
    directorPacketIn(d, tcpIn('S'), s(0));
    directorPacketIn(d, tcpIn('A'), s(0));
    removeRealServer(d, KEY, 'b');
    expect(directorPacketIn(d, tcpIn('A'), s(1))).toEqual({ kind: 'drop', reason: { code: 'dest-unavailable', service: KEY, dest: 'b' }, answer: 'none' });
    expect(directorStats(d).services[0]?.dests.map((x) => x.name)).toEqual(['a']);
    expect(directorStats(d).connections).toBe(1);
    directorTick(d, s(900));
    expect(directorStats(d).connections).toBe(0);
    expectConsistent(d);
  });

  it('with expire_nodest_conn the entry expires: a mid-stream packet is reset, a new SYN goes to a live server', () => {
    const d = director('dr', {}, { expireNodestConn: true });
    directorPacketIn(d, tcpIn('S'), s(0));
    directorPacketIn(d, tcpIn('A'), s(0));
    removeRealServer(d, KEY, 'b');
    expect(directorPacketIn(d, tcpIn('A'), s(1))).toMatchObject({ kind: 'local', answer: 'tcp-rst' });
    expect(directorNextDeadline(d)).toBe(s(1));
    directorTick(d, s(1));
    expect(directorStats(d).connections).toBe(0);
    expect(directorPacketIn(d, tcpIn('S'), s(2))).toMatchObject({ kind: 'forward', dest: 'a', created: true });
  });

  it('a re-added real server comes back at the head of the list with its live counters', () => {
    const d = director('dr');
    directorPacketIn(d, tcpIn('S'), s(0)); // -> b
    removeRealServer(d, KEY, 'b');
    setRealServer(d, KEY, { name: 'b', addr: RIP_B, port: 80, weight: 1, method: 'dr' });
    expect(directorStats(d).services[0]?.dests.map((x) => [x.name, x.active])).toEqual([['b', 1], ['a', 0]]);
    expect(directorPacketIn(d, tcpIn('A'), s(1))).toMatchObject({ kind: 'forward', dest: 'b' });
  });
});

describe('port reuse (conn_reuse_mode 1)', () => {
  it('a FIN before the handshake completes goes SYN_RECV -> TIME_WAIT, and a new SYN replaces the entry', () => {
    const d = director('dr');
    directorPacketIn(d, tcpIn('S'), s(0));
    expect(directorPacketIn(d, tcpIn('FA'), s(1))).toMatchObject({ state: 'TIME_WAIT' });
    expect(directorPacketIn(d, tcpIn('S'), s(2))).toMatchObject({ created: true });
  });

  it('a SYN on a CLOSE entry expires it and schedules afresh', () => {
    const d = director('dr');
    directorPacketIn(d, tcpIn('S'), s(0));
    directorPacketIn(d, tcpIn('A'), s(0));
    expect(directorPacketIn(d, tcpIn('R'), s(1))).toMatchObject({ state: 'CLOSE' });
    expect(directorPacketIn(d, tcpIn('S'), s(2))).toMatchObject({ kind: 'forward', created: true, state: 'SYN_RECV' });
    directorTick(d, s(2));
    expect(directorStats(d).connections).toBe(1);
    expectConsistent(d);
  });

  it('a DR entry in FIN_WAIT is reused as is: the SYN goes to the same server (bit 2 is off by default)', () => {
    const d = director('dr');
    directorPacketIn(d, tcpIn('S'), s(0));
    directorPacketIn(d, tcpIn('S', 40001), s(0)); // load a
    directorPacketIn(d, tcpIn('A'), s(0.5));
    expect(directorPacketIn(d, tcpIn('FA'), s(1))).toMatchObject({ state: 'FIN_WAIT' });
    expect(directorPacketIn(d, tcpIn('S'), s(2))).toMatchObject({ created: false, dest: 'b', state: 'SYN_RECV' });
  });
});

describe('thresholds', () => {
  it('u_threshold marks a server overloaded at bind; it clears below 3/4 when connections expire', () => {
    const d = director('dr');
    setRealServer(d, KEY, { name: 'b', addr: RIP_B, port: 80, weight: 1, method: 'dr', uThreshold: 2 });
    directorPacketIn(d, tcpIn('S', 1000), s(0)); // b
    directorPacketIn(d, tcpIn('S', 1001), s(0)); // a
    directorPacketIn(d, tcpIn('S', 1002), s(0)); // b: 2 connections -> OVERLOAD
    expect(directorStats(d).services[0]?.dests[0]).toMatchObject({ name: 'b', overloaded: true, available: false });
    expect(directorPacketIn(d, tcpIn('S', 1003), s(1))).toMatchObject({ dest: 'a' });
    directorTick(d, s(60)); // the three SYN_RECV at t=0 expire; 0*4 < 2*3
    expect(directorStats(d).services[0]?.dests[0]).toMatchObject({ name: 'b', overloaded: false, active: 0 });
  });
});

describe('configuration misuse is a typed error', () => {
  it('refuses port mapping with DR and TUN', () => {
    for (const method of ['dr', 'tun'] as const) {
      const d = director(method);
      const set = (): void => setRealServer(d, KEY, { name: 'c', addr: ip('10.0.0.3'), port: 8080, weight: 1, method });
      expect(set).toThrow(DirectorError);
      expect(set).toThrow(expect.objectContaining({ code: 'port-mapping-impossible' }));
    }
  });

  it('refuses unknown schedulers, methods and out-of-range addresses', () => {
    const d = director('dr');
    const bad = [
      () => createDirector({ services: [{ address: { kind: 'fwmark', fwmark: 1 }, scheduler: 'nope' as 'rr' }] }),
      () => setRealServer(d, KEY, { name: 'c', addr: RIP_A + 5, port: 80, weight: 1, method: 'gre' as 'dr' }),
      () => setRealServer(d, KEY, { name: 'c', addr: -1, port: 80, weight: 1, method: 'dr' }),
      () => setRealServer(d, KEY, { name: 'a', addr: RIP_B, port: 80, weight: 1, method: 'dr' }),
    ];
    for (const f of bad) expect(f).toThrow(expect.objectContaining({ code: 'bad-spec' }));
  });

  it('names unknown services and real servers', () => {
    const d = director('dr');
    expect(() => removeRealServer(d, KEY, 'zz')).toThrow(expect.objectContaining({ code: 'no-such-real-server' }));
    expect(() => removeRealServer(d, 'tcp:1.2.3.4:80', 'a')).toThrow(expect.objectContaining({ code: 'no-such-service' }));
  });
});
