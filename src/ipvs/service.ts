/**
 * A virtual service and its destination list, changed the way `ipvsadm -a/-e/-d`
 * change the kernel's (net/netfilter/ipvs/ip_vs_ctl.c).
 *
 * Theory of operation — what the kernel source says, and this module follows:
 * - Order. `__ip_vs_update_dest(svc, dest, udest, add=1)` links a new dest with
 *   `list_add_rcu(&dest->n_list, &svc->destinations)`. `list_add` inserts right
 *   after the list head, so the NEWEST dest is FIRST: the list is in reverse order
 *   of addition. Every "first in the list wins ties" rule in the schedulers
 *   therefore means "the most recently added server wins ties". (`ipvsadm -L`
 *   sorts its output; `--nosort` shows this order.)
 * - Add/edit. Both set the weight and AVAILABLE; `last_weight` follows the weight
 *   only when it is non-zero; OVERLOAD is cleared when the new u_threshold is 0 or
 *   larger than the old one; then add calls the scheduler's `add_dest` hook, edit
 *   its `upd_dest` hook.
 * - Delete. The dest is unlinked, AVAILABLE cleared, then `del_dest` runs. The
 *   object lives on (connections and lblc caches still point at it); adding the
 *   same address:port again revives that object, counters and all, at the head.
 * - Counters. A new connection is bound INACTIVE (`ip_vs_bind_dest`: inactconns++,
 *   then OVERLOAD is set if active+inactive >= u_threshold); the TCP state machine
 *   later moves it between active and inactive (ESTABLISHED/SYN_RECV/… are
 *   active); unbinding re-evaluates OVERLOAD against l_threshold (or 3/4 of
 *   u_threshold when l_threshold is 0).
 *
 * Rules: misuse (a duplicate add, deleting an unknown dest, bad weights) throws
 * `IpvsError` with a stable code; scheduling never throws.
 */
import { VrrpLabError } from '../core/errors.js';
import { schedulerFor } from './schedulers/index.js';
import {
  IP_VS_DEST_F_AVAILABLE,
  IP_VS_DEST_F_OVERLOAD,
  type ConnKey,
  type Dest,
  type DestSpec,
  type ScheduleContext,
  type Service,
  type ServiceOptions,
} from './types.js';

export class IpvsError extends VrrpLabError {
  constructor(readonly code: 'dest-exists' | 'no-such-dest' | 'bad-weight' | 'bad-threshold' | 'bad-option', message: string) {
    super(message);
  }
}

/** ipvsadm's weight range; keepalived allows more, but products must stay exact in a double. */
export const MAX_WEIGHT = 65535;

export function createService(options: ServiceOptions): Service {
  const svc: Service = { scheduler: schedulerFor(options.scheduler), flags: options.flags ?? 0, options, dests: [], schedData: undefined };
  svc.schedData = svc.scheduler.initService(svc);
  return svc;
}

/** Dests deleted from a service but revivable (the kernel's trash), by address:port. */
const trash = new WeakMap<Service, Map<string, Dest>>();
const keyOf = (addr: number, port: number): string => `${addr}:${port}`;

export function findDest(svc: Service, name: string): Dest | undefined {
  return svc.dests.find((d) => d.name === name);
}

function checkSpec(spec: { weight: number; uThreshold?: number; lThreshold?: number; name: string }): void {
  if (!Number.isInteger(spec.weight) || spec.weight < 0 || spec.weight > MAX_WEIGHT) {
    throw new IpvsError('bad-weight', `weight of ${spec.name} must be an integer 0..${MAX_WEIGHT}, got ${spec.weight}`);
  }
  for (const t of [spec.uThreshold, spec.lThreshold]) {
    if (t !== undefined && (!Number.isInteger(t) || t < 0)) throw new IpvsError('bad-threshold', `thresholds of ${spec.name} must be non-negative integers`);
  }
}

/** The part of `__ip_vs_update_dest` shared by add and edit. */
function applyUpdate(dest: Dest, weight: number, uThreshold: number, lThreshold: number): void {
  dest.weight = weight;
  if (weight !== 0) dest.lastWeight = weight;
  dest.flags |= IP_VS_DEST_F_AVAILABLE;
  if (uThreshold === 0 || uThreshold > dest.uThreshold) dest.flags &= ~IP_VS_DEST_F_OVERLOAD;
  dest.uThreshold = uThreshold;
  dest.lThreshold = lThreshold;
}

/** `ipvsadm -a`: link a new dest at the head of the list (see the header). */
export function addDest(svc: Service, spec: DestSpec): Dest {
  checkSpec(spec);
  if (svc.dests.some((d) => d.addr === spec.addr && d.port === spec.port)) {
    throw new IpvsError('dest-exists', `a destination ${spec.name} with that address and port is already in the service`);
  }
  if (svc.dests.some((d) => d.name === spec.name)) throw new IpvsError('dest-exists', `a destination named ${spec.name} is already in the service`);
  const bin = trash.get(svc);
  const revived = bin?.get(keyOf(spec.addr, spec.port));
  bin?.delete(keyOf(spec.addr, spec.port));
  const dest: Dest = revived ?? {
    name: spec.name, addr: spec.addr, port: spec.port, weight: 0, lastWeight: 0, uThreshold: 0, lThreshold: 0, flags: 0,
    activeconns: spec.activeconns ?? 0, inactconns: spec.inactconns ?? 0, persistconns: 0,
  };
  applyUpdate(dest, spec.weight, spec.uThreshold ?? 0, spec.lThreshold ?? 0);
  // Initial counters stand for connections bound earlier: bind would have set OVERLOAD.
  if (revived === undefined && dest.uThreshold !== 0 && dest.activeconns + dest.inactconns >= dest.uThreshold) dest.flags |= IP_VS_DEST_F_OVERLOAD;
  svc.dests.unshift(dest);
  svc.scheduler.addDest?.(svc, dest);
  return dest;
}

/** `ipvsadm -e`: change weight/thresholds in place (the list order does not change). */
export function editDest(svc: Service, name: string, change: { weight?: number; uThreshold?: number; lThreshold?: number }): Dest {
  const dest = findDest(svc, name);
  if (dest === undefined) throw new IpvsError('no-such-dest', `no destination named ${name} in the service`);
  const next = { name, weight: change.weight ?? dest.weight, uThreshold: change.uThreshold ?? dest.uThreshold, lThreshold: change.lThreshold ?? dest.lThreshold };
  checkSpec(next);
  applyUpdate(dest, next.weight, next.uThreshold, next.lThreshold);
  svc.scheduler.updDest?.(svc, dest);
  return dest;
}

/** `ipvsadm -d`: unlink; the object survives for its connections and a later re-add. */
export function delDest(svc: Service, name: string): Dest {
  const index = svc.dests.findIndex((d) => d.name === name);
  if (index < 0) throw new IpvsError('no-such-dest', `no destination named ${name} in the service`);
  const [dest] = svc.dests.splice(index, 1) as [Dest];
  dest.flags &= ~IP_VS_DEST_F_AVAILABLE;
  svc.scheduler.delDest?.(svc, dest, index);
  let bin = trash.get(svc);
  if (bin === undefined) trash.set(svc, (bin = new Map()));
  bin.set(keyOf(dest.addr, dest.port), dest);
  return dest;
}

/** Ask the service's scheduler for a dest (the kernel's `svc->scheduler->schedule`). */
export function schedule(svc: Service, conn: ConnKey, ctx: ScheduleContext): Dest | undefined {
  return svc.scheduler.schedule(svc, conn, ctx);
}

/** `ip_vs_bind_dest` for a normal (non-template) connection: it starts inactive. */
export function bindConn(dest: Dest): void {
  dest.inactconns++;
  if (dest.uThreshold !== 0 && dest.activeconns + dest.inactconns >= dest.uThreshold) dest.flags |= IP_VS_DEST_F_OVERLOAD;
}

/** A TCP state change across the active/inactive line (`set_tcp_state`); overload is not re-evaluated here. */
export function setConnActive(dest: Dest, active: boolean): void {
  if (active) {
    dest.inactconns--;
    dest.activeconns++;
  } else {
    dest.activeconns--;
    dest.inactconns++;
  }
}

/** `ip_vs_unbind_dest`: the connection expired; maybe leave the overloaded state. */
export function unbindConn(dest: Dest, wasActive: boolean): void {
  if (wasActive) dest.activeconns--;
  else dest.inactconns--;
  const total = dest.activeconns + dest.inactconns;
  if (dest.lThreshold !== 0) {
    if (total < dest.lThreshold) dest.flags &= ~IP_VS_DEST_F_OVERLOAD;
  } else if (dest.uThreshold !== 0) {
    if (total * 4 < dest.uThreshold * 3) dest.flags &= ~IP_VS_DEST_F_OVERLOAD;
  } else {
    dest.flags &= ~IP_VS_DEST_F_OVERLOAD;
  }
}

export { overhead, isOverloaded } from './dest.js';
