/** A read-only view of the checker engine's state, for timelines and assertions. */
import type { CheckerEngineState } from './state.js';
import { realWeight } from './pool.js';
import type { ServiceStatus } from './types.js';

export function checkerStatus(state: CheckerEngineState): ServiceStatus[] {
  return state.services.map((svc, k) => {
    const cfg = state.config.services[k];
    return {
      service: cfg?.key ?? '?',
      quorumUp: svc.quorumUp,
      liveWeight: svc.servers.reduce((sum, rs) => sum + (rs.alive ? realWeight(rs.effectiveWeight) : 0), 0),
      sorryServerActive: svc.sorry?.alive ?? false,
      servers: svc.servers.map((rs, i) => ({
        server: cfg?.servers[i]?.key ?? '?',
        alive: rs.alive,
        effectiveWeight: rs.effectiveWeight,
        inTable: rs.table.present,
        tableWeight: rs.table.present ? rs.table.weight : 0,
        checkersUp: rs.checkers.map((c) => c.isUp),
      })),
    };
  });
}
