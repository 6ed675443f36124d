/**
 * IPVS scheduler speed: scheduling decisions per second for each of the
 * kernel's schedulers, at 10 and at 1000 real servers.
 *
 * What one decision costs here — the loop a director runs for every new TCP
 * connection, in a steady state so the counters the schedulers read stay
 * realistic instead of growing without bound:
 *
 * 1. `schedule` picks a real server for the next client (a pool of 4096
 *    clients and 64 destination addresses, so the hashing schedulers and the
 *    lblc/lblcr caches see a realistic mix of repeats);
 * 2. the connection is bound (counted inactive, as `ip_vs_bind_dest` does) and
 *    its SYN makes it active (SYN_RECV);
 * 3. the connection opened 2n decisions earlier (n = number of servers) closes:
 *    it turns inactive, as FIN_WAIT/TIME_WAIT count;
 * 4. the connection that closed 2n decisions before that expires and is unbound
 *    (which re-evaluates the overload flag).
 *
 * So each server holds about 2n·w/W active and as many inactive connections
 * (w its weight, W the sum), and every decision pays for its own bookkeeping.
 * Weights cycle 1..5 so wrr and the weighted schedulers have real work; no
 * server has a threshold. Target (issue 5): wlc at 10 servers above 5 million
 * decisions per second.
 */
import { Rng } from '../../src/core/rng.js';
import {
  SCHEDULER_NAMES, addDest, bindConn, createService, schedule, setConnActive, unbindConn,
  type ConnKey, type Dest, type SchedulerName, type Service,
} from '../../src/ipvs/index.js';
import { measure, type Benchmark, type BenchMetric } from '../harness.js';

const SIZES = [10, 1000] as const;
const CLIENTS = 4096;
const DESTINATIONS = 64;
/** The target for wlc at 10 servers. */
const WLC_TARGET_PER_S = 5_000_000;
/** Aim for runs this long, so the timer's resolution and loop overhead do not matter. */
const RUN_SECONDS = 0.05;

interface Workload {
  readonly svc: Service;
  readonly clients: readonly ConnKey[];
  /** Connections opened and still active, oldest first from `openAt` (a ring). */
  readonly open: (Dest | undefined)[];
  /** Closed connections waiting out TIME_WAIT (a ring). */
  readonly closing: (Dest | undefined)[];
  readonly rng: Rng;
  next: number;
}

function clientPool(): ConnKey[] {
  const out: ConnKey[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    // 198.18.0.0/15 (benchmarking range) clients; destinations 203.0.113.0/26.
    out.push({ saddr: (0xc6120000 + i * 7919) >>> 0, sport: 1024 + ((i * 31) % 60000), daddr: (0xcb007100 + (i % DESTINATIONS)) >>> 0, dport: 80 });
  }
  return out;
}

function workload(scheduler: SchedulerName, servers: number): Workload {
  const svc = createService({ scheduler });
  for (let i = 0; i < servers; i++) {
    addDest(svc, { name: `rs${i + 1}`, addr: (0x0a000000 + i + 1) >>> 0, port: 80, weight: 1 + (i % 5) });
  }
  return {
    svc,
    clients: clientPool(),
    open: new Array<Dest | undefined>(2 * servers).fill(undefined),
    closing: new Array<Dest | undefined>(2 * servers).fill(undefined),
    rng: Rng.fromSeed(1).fork('twos'),
    next: 0,
  };
}

/** `count` decisions of the steady-state loop described in the header. */
function decide(w: Workload, count: number): void {
  const { svc, clients, open, closing, rng } = w;
  const ring = open.length;
  for (let k = 0; k < count; k++) {
    const i = w.next++;
    const d = schedule(svc, clients[i % CLIENTS] as ConnKey, { now: i, rng });
    if (d !== undefined) {
      bindConn(d);
      setConnActive(d, true);
    }
    const slot = i % ring;
    const expiring = closing[slot];
    if (expiring !== undefined) unbindConn(expiring, false);
    const finishing = open[slot];
    if (finishing !== undefined) setConnActive(finishing, false);
    closing[slot] = finishing;
    open[slot] = d;
  }
}

/** Decisions per second: fill the rings, size a run to about RUN_SECONDS, keep the fastest run. */
async function decisionsPerSecond(scheduler: SchedulerName, servers: number): Promise<number> {
  const w = workload(scheduler, servers);
  decide(w, 4 * servers); // steady state: both rings full
  const t0 = process.hrtime.bigint();
  decide(w, 1000);
  const probe = Math.max(Number(process.hrtime.bigint() - t0) / 1e9, 1e-6);
  const perRun = Math.max(1000, Math.round((1000 * RUN_SECONDS) / probe));
  const seconds = await measure(() => decide(w, perRun), { minRuns: 5, minSeconds: 0.25 });
  return perRun / seconds;
}

const millions = (v: number): string => `${(v / 1e6).toFixed(2)} M`;

export const ipvsBenchmark: Benchmark = {
  name: 'ipvs',
  description: 'IPVS scheduling decisions/s for each of the 14 kernel schedulers at 10 and 1000 real servers',
  async run(ctx) {
    const metrics: BenchMetric[] = [];
    let wlc10 = 0;
    for (const servers of SIZES) {
      ctx.log(`  ${SCHEDULER_NAMES.length} schedulers at ${servers} real servers …`);
      for (const scheduler of SCHEDULER_NAMES) {
        const rate = await decisionsPerSecond(scheduler, servers);
        if (scheduler === 'wlc' && servers === 10) wlc10 = rate;
        metrics.push({ name: `${scheduler} @ ${servers} servers`, value: rate, unit: 'decisions/s' });
      }
    }
    return {
      metrics,
      notes: [
        'one decision = schedule + bind + SYN (active); each connection turns inactive 2n decisions later and is unbound 2n after that (n servers), so the counters stay steady',
        `weights cycle 1..5, no thresholds; ${CLIENTS} clients over ${DESTINATIONS} destination addresses; fastest of at least 5 runs of about ${RUN_SECONDS * 1000} ms after a warm-up`,
        `wlc at 10 servers: ${millions(wlc10)} decisions/s — target above ${millions(WLC_TARGET_PER_S)}/s ${wlc10 > WLC_TARGET_PER_S ? 'met' : 'NOT met'}`,
      ],
    };
  },
};
