import { describe, expect, it } from 'vitest';
import {
  applySyncMessages, createDirector, directorConnections, directorNextDeadline, directorPacketIn, directorStats, directorSyncOut,
  directorTick, setSyncState,
} from './director.js';
import type { Director } from './director-state.js';
import type { PersistenceSpec, SyncMessage, SyncState } from './director-types.js';
import { expectConsistent, ip, RIP_A, RIP_B, s, tcpIn, VIP } from './director.test-utils.js';

const client = (i: number) => ip(`198.51.100.${10 + i}`);

function lb(name: string, state: SyncState, persistence?: PersistenceSpec, syncid = 51): Director {
  return createDirector({
    name,
    sync: { state, syncid },
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

/** A client opens a connection and sends data: SYN, ACK, then `data` more segments. */
function open(d: Director, i: number, at: number, data = 1): string | undefined {
  const v = directorPacketIn(d, tcpIn('S', 40000, client(i)), s(at));
  directorPacketIn(d, tcpIn('A', 40000, client(i)), s(at + 0.001));
  for (let k = 0; k < data; k++) directorPacketIn(d, tcpIn('A', 40000, client(i)), s(at + 0.002 + k * 0.001));
  return v.kind === 'forward' ? v.dest : undefined;
}

const midStream = (d: Director, i: number, at: number) => directorPacketIn(d, tcpIn('A', 40000, client(i)), s(at));

describe('connection sync (ip_vs_sync.c, version 1)', () => {
  it('sends an ESTABLISHED entry on its 3rd packet, batched, 2 s after the buffer was started', () => {
    const m = lb('lb1', 'master');
    open(m, 0, 0, 0); // SYN, ACK: 2 packets, not yet
    expect(directorNextDeadline(m)).toBe(s(900.001));
    midStream(m, 0, 0.5); // the 3rd packet: sync_threshold
    expect(directorNextDeadline(m)).toBe(s(2.5));
    expect(directorSyncOut(m, s(2.499999))).toEqual([]);
    const [msg, ...rest] = directorSyncOut(m, s(2.5));
    expect(rest).toEqual([]);
    expect(msg).toMatchObject({ version: 1, syncid: 51, sizeBytes: 8 + 36 });
    expect(msg?.conns).toEqual([{
      protocol: 6, caddr: client(0), cport: 40000, vaddr: VIP, vport: 80, daddr: RIP_B, dport: 80,
      flags: 0x0003 | 0x0080, state: 1, fwmark: 0, timeoutS: 900,
    }]);
    // Packets 4..52 are not synced; the 53rd is (53 % 50 === 3).
    for (let k = 4; k <= 52; k++) midStream(m, 0, 1 + k * 0.01);
    expect(directorSyncOut(m, s(10))).toEqual([]);
    midStream(m, 0, 11);
    expect(directorSyncOut(m, s(13))[0]?.conns).toHaveLength(1);
  });

  it('never syncs SYN_RECV; sends a change to FIN_WAIT at once', () => {
    const m = lb('lb1', 'master');
    directorPacketIn(m, tcpIn('S', 40000, client(0)), s(0));
    directorPacketIn(m, tcpIn('S', 40000, client(0)), s(1));
    directorPacketIn(m, tcpIn('S', 40000, client(0)), s(2)); // 3 packets, SYN_RECV
    expect(directorSyncOut(m, s(10))).toEqual([]);
    directorPacketIn(m, tcpIn('A', 40000, client(0)), s(11));
    directorPacketIn(m, tcpIn('FA', 40000, client(0)), s(12)); // 5th packet, ES -> FIN_WAIT
    expect(directorSyncOut(m, s(14))[0]?.conns.map((c) => [c.state, c.timeoutS])).toEqual([[4, 120]]);
  });

  it('a full buffer leaves 20 ms after it filled; the rest when 2 s old', () => {
    const m = lb('lb1', 'master');
    for (let i = 0; i < 41; i++) open(m, i, 0);
    expect(directorNextDeadline(m)).toBe(s(0.02 + 0.002));
    const first = directorSyncOut(m, s(0.022));
    expect(first.map((x) => x.conns.length)).toEqual([40]);
    expect(first[0]?.sizeBytes).toBe(8 + 40 * 36);
    expect(directorSyncOut(m, s(2.002)).map((x) => x.conns.length)).toEqual([1]);
  });

  it('the backup creates the entries without scheduling, counted as the master counted them, timed from receipt', () => {
    const m = lb('lb1', 'master');
    const b = lb('lb2', 'backup');
    expect([open(m, 0, 0), open(m, 1, 0), open(m, 2, 0)]).toEqual(['b', 'a', 'b']);
    const result = applySyncMessages(b, directorSyncOut(m, s(3)), s(3.001));
    expect(result).toEqual({ applied: 3, ignored: 0 });
    expect(directorStats(b).services[0]?.dests.map((x) => [x.name, x.active, x.inactive])).toEqual([['b', 2, 0], ['a', 1, 0]]);
    expect(directorConnections(b).map((c) => [c.dest, c.state, c.expiresAt]).sort()).toEqual([
      ['b', 'ESTABLISHED', s(903.001)], ['a', 'ESTABLISHED', s(903.001)], ['b', 'ESTABLISHED', s(903.001)],
    ].sort());
    expectConsistent(b);
  });

  it('after a failover the backup forwards synced connections to the same servers; without sync they are reset', () => {
    const m = lb('lb1', 'master');
    const b = lb('lb2', 'backup');
    const nosync = lb('lb3', 'none');
    const before = [open(m, 0, 0), open(m, 1, 0), open(m, 2, 0)];
    directorPacketIn(m, tcpIn('S', 40000, client(3)), s(1)); // still in SYN_RECV when the master dies
    applySyncMessages(b, directorSyncOut(m, s(3)), s(3));

    // lb1 crashes; VRRP makes lb2 master, keepalived starts its sync master thread.
    setSyncState(b, 'master');
    const after = [0, 1, 2].map((i) => midStream(b, i, 5));
    expect(after.map((v) => v.kind === 'forward' && v.dest)).toEqual(before);
    expect(after.every((v) => v.kind === 'forward' && !v.created && v.state === 'ESTABLISHED')).toBe(true);
    expect(midStream(b, 3, 5)).toMatchObject({ kind: 'local', reason: { code: 'not-a-new-connection' }, answer: 'tcp-rst' });

    expect([0, 1, 2].map((i) => midStream(nosync, i, 5))).toEqual(
      [0, 1, 2].map(() => expect.objectContaining({ kind: 'local', answer: 'tcp-rst' })),
    );
  });

  it('a synced entry is kept alive on the backup by later syncs, and expires there when they stop', () => {
    const m = lb('lb1', 'master');
    const b = lb('lb2', 'backup');
    open(m, 0, 0);
    applySyncMessages(b, directorSyncOut(m, s(2.002)), s(2.002));
    directorPacketIn(m, tcpIn('FA', 40000, client(0)), s(100));
    applySyncMessages(b, directorSyncOut(m, s(102)), s(102));
    expect(directorConnections(b)[0]).toMatchObject({ state: 'FIN_WAIT', active: false, expiresAt: s(222) });
    expect(directorStats(b).services[0]?.dests[0]).toMatchObject({ name: 'b', active: 0, inactive: 1 });
    directorTick(b, s(222));
    expect(directorStats(b).connections).toBe(0);
    expectConsistent(b);
  });

  it('syncs persistence templates, so a failed-over client stays pinned', () => {
    const m = lb('lb1', 'master', { timeoutS: 600 });
    const b = lb('lb2', 'backup', { timeoutS: 600 });
    expect(open(m, 0, 0)).toBe('b');
    const msgs = directorSyncOut(m, s(3));
    // The template rides along with every packet of the connections it controls (ip_vs_sync_conn's
    // "control" loop; only sync_refresh_period would thin that out): SYN, ACK, then the data packet.
    expect(msgs[0]?.conns.map((c) => [c.flags & 0x1000 ? 'template' : 'conn', c.cport, c.timeoutS])).toEqual([
      ['template', 0, 600], ['template', 0, 600], ['conn', 40000, 900], ['template', 0, 600],
    ]);
    applySyncMessages(b, msgs, s(3));
    expect(directorStats(b)).toMatchObject({ connections: 1, templates: 1 });
    setSyncState(b, 'master');
    // wlc alone would pick a (b has the synced connection); the template pins the client to b.
    const v = directorPacketIn(b, tcpIn('S', 40001, client(0)), s(10));
    expect(v).toMatchObject({ kind: 'forward', dest: 'b', created: true });
    expect(directorPacketIn(b, tcpIn('S', 40000, client(9)), s(10))).toMatchObject({ dest: 'a' });
  });

  it('a backup ignores other sync ids, and nothing is applied unless the backup thread runs', () => {
    const m = lb('lb1', 'master', undefined, 51);
    open(m, 0, 0);
    const msgs: SyncMessage[] = directorSyncOut(m, s(3));
    expect(applySyncMessages(lb('x', 'backup', undefined, 52), msgs, s(3))).toEqual({ applied: 0, ignored: 1, reason: 'syncid-mismatch' });
    expect(applySyncMessages(lb('y', 'backup', undefined, 0), msgs, s(3))).toEqual({ applied: 1, ignored: 0 });
    expect(applySyncMessages(lb('z', 'master'), msgs, s(3))).toEqual({ applied: 0, ignored: 1, reason: 'not-backup' });
  });

  it('a master that stops drops what it had not sent', () => {
    const m = lb('lb1', 'master');
    open(m, 0, 0);
    setSyncState(m, 'backup');
    expect(directorSyncOut(m, s(10))).toEqual([]);
    setSyncState(m, 'master');
    expect(directorSyncOut(m, s(20))).toEqual([]);
  });

  it('a synced entry whose real server the backup lacks still forwards to the master\'s address', () => {
    const m = lb('lb1', 'master');
    const b = createDirector({
      sync: { state: 'backup', syncid: 51 },
      services: [{ address: { kind: 'ip', proto: 'tcp', vip: VIP, port: 80 }, scheduler: 'wlc', realServers: [{ name: 'a', addr: RIP_A, port: 80, weight: 1, method: 'dr' }] }],
    });
    expect(open(m, 0, 0)).toBe('b');
    applySyncMessages(b, directorSyncOut(m, s(3)), s(3));
    setSyncState(b, 'master');
    expect(midStream(b, 0, 4)).toMatchObject({ kind: 'forward', dest: undefined, method: 'dr', rewrite: { method: 'dr', nextHop: RIP_B } });
    expectConsistent(b);
  });
});
