import { addDest, bindConn, createService, schedule, setConnActive } from './service.js';
import type { ConnKey, Service, ServiceOptions } from './types.js';

/** Servers `name:weight`, added in this order (so the last one heads the kernel list). */
export function serviceOf(options: ServiceOptions | ServiceOptions['scheduler'], ...servers: string[]): Service {
  const svc = createService(typeof options === 'string' ? { scheduler: options } : options);
  servers.forEach((s, i) => {
    const [name, w, a, ia, u] = s.split(':');
    addDest(svc, { name: name!, addr: (10 << 24) + i + 1, port: 80, weight: Number(w), activeconns: Number(a ?? 0), inactconns: Number(ia ?? 0), uThreshold: Number(u ?? 0) });
  });
  return svc;
}

export const conn = (i = 0): ConnKey => ({ saddr: ((198 << 24) | (51 << 16) | (100 << 8)) + 1 + i, sport: 40000 + i, daddr: (192 << 24) + 10, dport: 80 });

/** n new connections kept open (bound, then active as SYN_RECV makes them). */
export function picks(svc: Service, n: number, keepOpen = true): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const d = schedule(svc, conn(i), { now: 0 });
    out.push(d?.name ?? '-');
    if (d && keepOpen) {
      bindConn(d);
      setConnActive(d, true);
    }
  }
  return out;
}
