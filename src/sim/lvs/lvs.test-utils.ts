/**
 * Test helpers for the simulator's LVS side: a stand-in checker engine, and a
 * two-director cluster (seed 003's shape) built by hand.
 */
import type { LvsClusterSpec } from '../../core/backend.js';
import { parseIpv4 } from '../../core/ipv4.js';
import type { Instant } from '../../core/time.js';
import type { CheckerConfig, CheckerOutput, ServiceStatus } from '../../ipvs/checkers/types.js';
import { ipvsDirectorFactory } from './ipvs.js';
import type { LvsEngines } from './lvs.js';
import type { CheckerEngineLike, LvsServerMapping } from '../../ipvs/director-port.js';
import type { DirectorNodeConfig } from '../../ipvs/director-node-config.js';
import { Simulation } from '../simulation.js';
import { nodeConfig } from '../topology.test-utils.js';
import { vrrpEngine } from '../../vrrp/index.js';

interface FakeServer {
  readonly service: string;
  readonly server: string;
  readonly address: string;
  readonly port: number;
  readonly weight: number;
  readonly up: boolean;
  readonly nextAt: number;
  readonly probe?: { readonly id: number; readonly deadline: number };
}

interface FakeState {
  readonly servers: readonly FakeServer[];
  readonly nextId: number;
  readonly delayUs: number;
  readonly timeoutUs: number;
}

/**
 * Not keepalived's checker: every real server gets one TCP connect every
 * delay_loop (default 1 s), the first at 1 s; one failure takes it out, one
 * success puts it back (retry 0). Enough to drive the simulator's hosting.
 */
export const fakeCheckerEngine: CheckerEngineLike = {
  name: 'fake-checker',
  init(config: CheckerConfig, now) {
    const servers = config.virtualServers.flatMap((vs) =>
      vs.realServers.map((rs) => ({ service: vs.key, server: rs.key, address: rs.address, port: rs.port ?? vs.port ?? 0, weight: rs.weight ?? 1, up: true, nextAt: now + 1_000_000 })),
    );
    const first = config.virtualServers[0];
    const state: FakeState = { servers, nextId: 1, delayUs: first?.delayLoopUs ?? 1_000_000, timeoutUs: first?.connectTimeoutUs ?? 3_000_000 };
    return { state, outputs: servers.map((s) => ipvs('add', s)) };
  },
  step(raw, input, now) {
    const state = raw as FakeState;
    const outputs: CheckerOutput[] = [];
    let nextId = state.nextId;
    const servers = state.servers.map((s): FakeServer => {
      if (input.kind === 'probe-result' && s.probe?.id === input.probeId) return settle(s, input.result.outcome === 'connected', now, state, outputs);
      if (input.kind === 'timeout' && s.probe !== undefined && s.probe.deadline <= now) return settle(s, false, now, state, outputs);
      if (input.kind === 'timeout' && s.probe === undefined && s.nextAt <= now) {
        const id = nextId++;
        outputs.push({ kind: 'probe', probeId: id, service: s.service, server: s.server, checker: 0, timeoutUs: state.timeoutUs, type: 'tcp', address: s.address, port: s.port });
        return { ...s, probe: { id, deadline: now + state.timeoutUs } };
      }
      return s;
    });
    return { state: { ...state, servers, nextId }, outputs };
  },
  nextDeadline(raw) {
    const times = (raw as FakeState).servers.map((s) => s.probe?.deadline ?? s.nextAt);
    return times.length === 0 ? undefined : (Math.min(...times) as Instant);
  },
};

function settle(s: FakeServer, ok: boolean, now: number, state: FakeState, outputs: CheckerOutput[]): FakeServer {
  if (ok !== s.up) {
    outputs.push({ kind: 'log', text: ok ? `TCP connection to ${s.address}:${s.port} success.` : `TCP_CHECK on ${s.address}:${s.port} failed.` });
    outputs.push(ipvs(ok ? 'add' : 'remove', s));
  }
  return { service: s.service, server: s.server, address: s.address, port: s.port, weight: s.weight, up: ok, nextAt: now + state.delayUs };
}

function ipvs(op: 'add' | 'remove', s: { service: string; server: string; address: string; port: number; weight: number }): CheckerOutput {
  return { kind: 'ipvs', op, service: s.service, server: s.server, address: s.address, port: s.port, weight: s.weight };
}

export const VIP = '192.0.2.80';
export const PORT = 2811;
export const SERVICE = `${VIP}:${PORT}`;
export const REAL_SERVERS = [
  { id: 'rs1', address: '192.0.2.31' },
  { id: 'rs2', address: '192.0.2.32' },
] as const;

/** One director's LVS config: the seed's virtual_server (wlc, DR, TCP_CHECK), optionally with lvs_sync_daemon. */
export function directorConfig(options: { sync?: boolean; delayLoopUs?: number } = {}): DirectorNodeConfig {
  const key = `tcp:${SERVICE}`;
  const servers: LvsServerMapping[] = REAL_SERVERS.map((rs) => ({
    service: SERVICE, checkerService: SERVICE, checkerServer: `${rs.address}:${PORT}`, directorService: key, dest: rs.id, method: 'dr', realServer: rs.id, address: rs.address, port: PORT,
  }));
  return {
    director: {
      services: [{ address: { kind: 'ip', proto: 'tcp', vip: parseIpv4(VIP) as number, port: PORT }, scheduler: 'wlc' }],
      ...(options.sync ? { sync: { state: 'none', syncid: 61 } } : {}),
    },
    checker: {
      virtualServers: [{ key: SERVICE, port: PORT, delayLoopUs: options.delayLoopUs ?? 1_000_000, connectTimeoutUs: 3_000_000, realServers: REAL_SERVERS.map((rs) => ({ key: `${rs.address}:${PORT}`, address: rs.address, port: PORT, checkers: [{ type: 'tcp' }] })) }],
    },
    servers,
    services: [{ name: SERVICE, key, vip: VIP, port: PORT }],
    ...(options.sync ? { sync: { interface: 'eth0', instance: 'VI_1' } } : {}),
  };
}

export const LVS_CLUSTER: LvsClusterSpec = {
  realServers: REAL_SERVERS.map((rs) => ({ id: rs.id, address: rs.address, network: 'eth0', ports: [PORT] })),
  clients: { id: 'clients', address: '192.0.2.254', network: 'eth0' },
  services: [SERVICE],
};

/** The stand-in's view of its servers, in the shape of the checker engine's `checkerStatus`. */
export function fakeCheckerStatus(raw: unknown): ServiceStatus[] {
  const servers = (raw as FakeState).servers;
  const services = [...new Set(servers.map((s) => s.service))];
  return services.map((service) => ({
    service,
    quorumUp: servers.some((s) => s.service === service && s.up),
    liveWeight: servers.filter((s) => s.service === service && s.up).reduce((n, s) => n + s.weight, 0),
    sorryServerActive: false,
    servers: servers.filter((s) => s.service === service).map((s) => ({ server: s.server, alive: s.up, effectiveWeight: s.weight, inTable: s.up, tableWeight: s.up ? s.weight : 0, checkersUp: [s.up] })),
  }));
}

export const fakeEngines: LvsEngines = { checkerEngine: fakeCheckerEngine, checkerStatus: fakeCheckerStatus, makeDirector: ipvsDirectorFactory };

/** lb1 (priority 100) and lb2 (50) in front of rs1 and rs2, started at 0. */
export function directorPair(seed: number, options: { sync?: boolean; engines?: LvsEngines } = {}): Simulation {
  const sim = new Simulation({ seed, engine: vrrpEngine, lvs: options.engines ?? fakeEngines });
  const lvs = directorConfig(options);
  for (const [id, address, priority] of [['lb1', '192.0.2.1', 100], ['lb2', '192.0.2.2', 50]] as const) {
    sim.addNode(id, { vrrp: nodeConfig(id, address, priority, { vip: VIP, vrid: 61 }), segments: { eth0: 'segment:eth0' }, lvs });
  }
  sim.addLvsMachines(LVS_CLUSTER);
  sim.node('lb1').start();
  sim.node('lb2').start();
  return sim;
}
