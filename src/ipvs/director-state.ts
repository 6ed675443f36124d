/**
 * The internal state of a director (one machine's IPVS table), shared by the
 * modules that implement its parts: director.ts (the public API and the packet
 * path), director-schedule.ts (scheduling and persistence) and sync.ts (the
 * connection sync daemon). Callers outside src/ipvs use director.ts only.
 */
import type { Ipv4 } from '../core/ipv4.js';
import type { Rng } from '../core/rng.js';
import { VrrpLabError } from '../core/errors.js';
import type { ConnTable } from './conn.js';
import type { ForwardingMethod, IpvsSysctl, ServiceAddress, ServiceKey, SyncState } from './director-types.js';
import type { SyncSender } from './sync.js';
import type { Dest, Service } from './types.js';

export class DirectorError extends VrrpLabError {
  constructor(
    readonly code: 'no-such-service' | 'duplicate-service' | 'port-mapping-impossible' | 'bad-spec' | 'no-such-real-server',
    message: string,
  ) {
    super(message);
  }
}

/** One virtual service of a director: the scheduler's `Service` plus what IPVS adds around it. */
export interface DirectorService {
  readonly key: ServiceKey;
  readonly address: ServiceAddress;
  /** 6 or 17 for an ip service; 0 for fwmark services, which match any protocol. */
  readonly protocol: number;
  readonly vip: Ipv4;
  /** The virtual port; 0 for fwmark services. */
  readonly port: number;
  readonly fwmark: number;
  readonly svc: Service;
  readonly persistent: boolean;
  /** `svc->timeout`, µs. */
  readonly persistenceTimeoutUs: number;
  /** `svc->netmask`. */
  readonly netmask: Ipv4;
  /** The forwarding method of each dest (its `conn_flags`), including deleted dests. */
  readonly methods: Map<Dest, ForwardingMethod>;
}

export interface SchedulingContext {
  now: number;
  readonly rng: Rng;
}

export interface Director {
  readonly name: string;
  readonly address: Ipv4 | undefined;
  readonly sysctl: IpvsSysctl;
  /** `tcp_timeouts[]` in µs after `ipvsadm --set`. */
  readonly tcpTimeoutsUs: readonly number[];
  readonly udpTimeoutUs: number;
  readonly services: DirectorService[];
  readonly table: ConnTable;
  /** Reused for every scheduling decision, so scheduling allocates nothing. */
  readonly schedCtx: SchedulingContext;
  syncState: SyncState;
  readonly syncid: number;
  readonly sync: SyncSender;
}
