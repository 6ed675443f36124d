import { describe, expect, it, onTestFailed } from 'vitest';
import { Rng } from '../core/rng.js';
import { instant } from '../core/time.js';
import {
  applySyncMessages, createDirector, directorNextDeadline, directorPacketIn, directorPacketOut, directorStats, directorSyncOut,
  directorTick, removeRealServer, setRealServer, setSyncState,
} from './director.js';
import type { Director } from './director-state.js';
import type { DirectorPacket, DirectorSpec, ForwardingMethod, RealServerSpec, ServiceKey, SyncState } from './director-types.js';
import { expectConsistent, ip, VIP } from './director.test-utils.js';

const RIPS = [ip('10.0.0.1'), ip('10.0.0.2'), ip('10.0.0.3')];
const CLIENTS = [ip('198.51.100.1'), ip('198.51.100.2'), ip('198.51.101.1'), ip('203.0.113.9')];

interface ServiceShape { key: ServiceKey; method: ForwardingMethod; port: number }
const SHAPES: ServiceShape[] = [
  { key: 'tcp:192.0.2.10:80', method: 'dr', port: 80 },
  { key: 'tcp:192.0.2.10:443', method: 'nat', port: 8443 },
  { key: 'udp:192.0.2.10:53', method: 'dr', port: 53 },
  { key: 'fwmark:7', method: 'tun', port: 0 },
];

function spec(syncState: SyncState): DirectorSpec {
  const rs = (shape: ServiceShape): RealServerSpec[] => RIPS.map((addr, i) => ({ name: `rs${i}`, addr, port: shape.port, weight: 1 + i, method: shape.method }));
  return {
    sync: { state: syncState, syncid: 9 },
    sysctl: {},
    services: [
      { address: { kind: 'ip', proto: 'tcp', vip: VIP, port: 80 }, scheduler: 'wlc', persistence: { timeoutS: 30 }, realServers: rs(SHAPES[0]!) },
      { address: { kind: 'ip', proto: 'tcp', vip: VIP, port: 443 }, scheduler: 'rr', realServers: rs(SHAPES[1]!) },
      { address: { kind: 'ip', proto: 'udp', vip: VIP, port: 53 }, scheduler: 'sh', realServers: rs(SHAPES[2]!) },
      { address: { kind: 'fwmark', fwmark: 7 }, scheduler: 'lc', persistence: { timeoutS: 60, granularity: ip('255.255.255.0') }, realServers: rs(SHAPES[3]!) },
    ],
  };
}

function randomPacket(rng: Rng): DirectorPacket {
  const udp = rng.chance(0.2);
  const fwmark = rng.chance(0.15) ? 7 : undefined;
  return {
    proto: udp ? 'udp' : 'tcp',
    saddr: rng.pick(CLIENTS),
    sport: rng.pick([1000, 1001, 1002, 20]),
    daddr: rng.chance(0.9) ? VIP : ip('192.0.2.11'),
    dport: udp ? 53 : rng.pick([80, 443, 81]),
    tcpFlags: udp ? undefined : { syn: rng.chance(0.4), ack: rng.chance(0.7), fin: rng.chance(0.15), rst: rng.chance(0.05) },
    fwmark,
  };
}

function randomReply(rng: Rng): DirectorPacket {
  return {
    proto: 'tcp', saddr: rng.pick(RIPS), sport: rng.pick([8443, 80]), daddr: rng.pick(CLIENTS), dport: rng.pick([1000, 1001, 1002]),
    tcpFlags: { syn: rng.chance(0.3), ack: rng.chance(0.8), fin: rng.chance(0.15), rst: rng.chance(0.05) },
  };
}

function changeServers(d: Director, rng: Rng): void {
  const shape = rng.pick(SHAPES);
  const i = rng.int(0, RIPS.length - 1);
  const name = `rs${i}`;
  const present = directorStats(d).services.find((x) => x.key === shape.key)?.dests.some((x) => x.name === name) ?? false;
  if (present && rng.chance(0.4)) removeRealServer(d, shape.key, name);
  else setRealServer(d, shape.key, { name, addr: RIPS[i]!, port: shape.port, weight: rng.int(0, 3), method: shape.method, uThreshold: rng.pick([0, 0, 2, 5]) });
}

function step(dirs: [Director, Director], rng: Rng, now: number): void {
  const [m, b] = dirs;
  const t = instant(now);
  const r = rng.next();
  if (r < 0.55) directorPacketIn(rng.chance(0.8) ? m : b, randomPacket(rng), t);
  else if (r < 0.7) directorPacketOut(m, randomReply(rng), t);
  else if (r < 0.8) changeServers(rng.chance(0.5) ? m : b, rng);
  else if (r < 0.97) applySyncMessages(b, directorSyncOut(m, t), t);
  else {
    // a failover, or a split brain: the sync roles move
    setSyncState(m, rng.pick(['master', 'backup', 'none'] as const));
    setSyncState(b, rng.pick(['master', 'backup'] as const));
  }
  for (const d of dirs) directorTick(d, t);
}

describe('director fuzz: random packets, server changes, ticks and sync', () => {
  it.each(Array.from({ length: 12 }, (_, i) => 1000 + i))('seed %i keeps counters consistent with the table and never throws', (seed) => {
    onTestFailed(() => console.error(`reproduce with seed ${seed} in src/ipvs/director-fuzz.test.ts`));
    const rng = Rng.fromSeed(seed);
    const dirs: [Director, Director] = [createDirector(spec('master')), createDirector(spec('backup'))];
    let now = 0;
    for (let k = 0; k < 1500; k++) {
      now += rng.chance(0.05) ? rng.int(0, 400_000_000) : rng.int(0, 2_000_000);
      step(dirs, rng, now);
      if (k % 25 === 0) for (const d of dirs) expectConsistent(d);
      for (const d of dirs) {
        const next = directorNextDeadline(d);
        if (next !== undefined && d.syncState !== 'master') expect(next).toBeGreaterThan(now);
      }
    }
    // Eventually every entry expires and every counter returns to zero.
    for (const d of dirs) {
      setSyncState(d, 'none');
      directorTick(d, instant(now + 10_000_000_000));
      expect(directorStats(d)).toMatchObject({ connections: 0, templates: 0 });
      for (const svc of d.services) for (const dest of svc.methods.keys()) expect([dest.activeconns, dest.inactconns, dest.persistconns]).toEqual([0, 0, 0]);
    }
  });
});
