import { describe, expect, it } from 'vitest';
import { failingCheckSeconds, lvsFindings, worstCaseDetectionSeconds } from './lvs.js';
import { at, clusterNode } from './cluster.test-utils.js';
import type { CheckerView, RealServerView, VirtualServerView } from './cluster-view.js';

const tcp = (line: number, extra: Partial<CheckerView> = {}): CheckerView => ({
  kind: 'TCP_CHECK',
  at: at('lb.conf', line),
  connectTimeout: 5,
  retry: 1,
  delayBeforeRetry: 1,
  delayLoop: 60,
  ...extra,
});
const rs = (address: string, port: number | undefined, line: number, extra: Partial<RealServerView> = {}): RealServerView => ({
  address,
  ...(port !== undefined ? { port } : {}),
  at: at('lb.conf', line),
  weight: 1,
  checkers: [],
  ...extra,
});
const vs = (extra: Partial<VirtualServerView> = {}): VirtualServerView => ({
  label: '192.0.2.80 80',
  at: at('lb.conf', 10),
  address: '192.0.2.80',
  port: 80,
  delayLoop: 60,
  realServers: [rs('192.0.2.21', 80, 20)],
  ...extra,
});
const run = (v: VirtualServerView) => lvsFindings(clusterNode('lb', [], [v]));

describe('lvsFindings', () => {
  it('reminds about the DR ARP problem on the lb_kind line (seed 003)', () => {
    const [d] = run(vs({ lbKind: { value: 'DR', at: at('lb.conf', 13) } }));
    expect(d).toMatchObject({ code: 'lvs-dr-arp', severity: 'info', line: 13 });
    expect(d!.message).toContain('must hold 192.0.2.80 on lo');
    expect(d!.hint).toContain('arp_ignore=1');
    expect(d!.hint).toContain('arp_announce=2');
  });

  it('says nothing of ARP for NAT', () => {
    expect(run(vs({ lbKind: { value: 'NAT', at: at('lb.conf', 13) } }))).toEqual([]);
  });

  it('rejects a port remap under DR, on the real server line', () => {
    const ds = run(vs({ lbKind: { value: 'DR', at: at('lb.conf', 13) }, realServers: [rs('192.0.2.21', 8080, 20), rs('192.0.2.22', 80, 25)] }));
    const remap = ds.filter((d) => d.code === 'lvs-dr-port-mismatch');
    expect(remap).toHaveLength(1);
    expect(remap[0]).toMatchObject({ severity: 'error', line: 20 });
    expect(remap[0]!.message).toContain('keepalived resets this real server to port 80 (with only a warning)');
  });

  it('flags a quorum larger than the sum of weights', () => {
    const [d] = run(vs({ quorum: { value: 5, at: at('lb.conf', 15) }, realServers: [rs('192.0.2.21', 80, 20), rs('192.0.2.22', 80, 25, { weight: 2 })] }));
    expect(d).toMatchObject({ code: 'lvs-quorum-unreachable', severity: 'warning', line: 15 });
    expect(d!.message).toContain('(3): keepalived lowers it to 3');
    expect(run(vs({ quorum: { value: 1, at: at('lb.conf', 15) } }))).toEqual([]);
  });

  it('flags a sorry server that is also a real server', () => {
    const [d] = run(vs({ sorryServer: { value: { address: '192.0.2.21', port: 80 }, at: at('lb.conf', 16) } }));
    expect(d).toMatchObject({ code: 'lvs-sorry-is-real', line: 16 });
    const [other] = run(vs({ sorryServer: { value: { address: '192.0.2.21', port: 8080 }, at: at('lb.conf', 16) } }));
    expect(other?.code).toBe('lvs-sorry-is-real');
    expect(run(vs({ sorryServer: { value: { address: '192.0.2.99', port: 80 }, at: at('lb.conf', 16) } }))).toEqual([]);
  });

  it('computes the worst-case time of a failing check from keepalived\'s retry loop', () => {
    expect(failingCheckSeconds(tcp(1, { retry: 2, connectTimeout: 3, delayBeforeRetry: 1 }))).toBe(11);
    expect(failingCheckSeconds(tcp(1, { kind: 'MISC_CHECK', retry: 0, miscTimeout: 4 }))).toBe(4);
    // delay_loop until the next check, then the failing check (trial W4: 6 + 21 = 27 s for keepalived.conf.sample's shape)
    expect(worstCaseDetectionSeconds(tcp(1, { retry: 2, connectTimeout: 3, delayBeforeRetry: 1, delayLoop: 6 }))).toBe(17);
    expect(worstCaseDetectionSeconds(tcp(1, { retry: 3, connectTimeout: 3, delayBeforeRetry: 3, delayLoop: 6 }))).toBe(6 + 21);
  });

  it('flags a check cycle longer than delay_loop', () => {
    const slow = rs('192.0.2.21', 80, 20, { checkers: [tcp(21, { retry: 2, connectTimeout: 3, delayLoop: 6 })] });
    const [d] = run(vs({ realServers: [slow] }));
    expect(d).toMatchObject({ code: 'lvs-check-slower-than-loop', line: 21 });
    expect(d!.message).toContain('taken out only after up to 17 s — delay_loop 6 s until the next check, then 3 attempts × 3 s connect_timeout + 2 × 1 s delay_before_retry = 11 s of failing check');
    // never the old advice: raising delay_loop makes detection slower
    expect(d!.hint).not.toMatch(/raise delay_loop/);
    expect(d!.hint).toContain('a larger delay_loop makes detection slower');
    const fast = rs('192.0.2.21', 80, 20, { checkers: [tcp(21, { retry: 1, connectTimeout: 2, delayLoop: 6 })] });
    expect(run(vs({ realServers: [fast] }))).toEqual([]);
  });
});
