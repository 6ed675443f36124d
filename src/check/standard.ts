/**
 * The standard checkers every run is judged by, and the one place new ones
 * join. A scenario run, the swarm and the CLI call `standardCheckers(context)`
 * and report the verdicts.
 *
 * Extending (the cluster model — quorum, fencing, services, data safety):
 * 1. Describe what was configured as data beside `routers` in `CheckContext`
 *    (e.g. `services?: ServiceDirectory` — which nodes may run which service,
 *    which node a fence action names), built by the scenario layer from the
 *    prepared scenario, never from a backend.
 * 2. Write each invariant as a `Checker` in its own file here (e.g.
 *    `cluster.ts`) that reads Observations only — new observation kinds go in
 *    core's `Observation` union — and reports `Violation`s with the right
 *    class: "a service active on two nodes at once", "a write by a node that
 *    was fenced or had lost quorum", "DRBD divergence" are `corruption`;
 *    "the service is not running `n` s after its node failed" is `liveness`.
 * 3. Append a `CheckerFactory` to `STANDARD_CHECKERS`. A factory returns
 *    undefined when the context has nothing for it to judge (a cluster with
 *    no services), so VRRP-only runs report only the VRRP verdicts.
 */
import type { DurationUs } from '../core/time.js';
import type { RouterDirectory } from './routers.js';
import type { Checker } from './verdict.js';
import { atMostOneMaster, convergence, vipsFollowMaster } from './vrrp.js';

export interface CheckContext {
  readonly routers: RouterDirectory;
  /**
   * Two masters, or a VIP out of step with its instance, for up to this long is
   * a handover in flight: at least one delivery delay, plus a real clock's
   * lateness on containers.
   */
  readonly overlapUs: DurationUs;
  /** The longest a whole network may take to put the best master in place (see convergenceBoundUs). */
  readonly convergenceUs: DurationUs;
}

export type CheckerFactory = (context: CheckContext) => Checker | undefined;

export const STANDARD_CHECKERS: readonly CheckerFactory[] = [
  (c) => atMostOneMaster({ directory: c.routers, judge: 'while-whole', settleUs: c.convergenceUs, overlapUs: c.overlapUs }),
  (c) => convergence({ directory: c.routers, boundUs: c.convergenceUs }),
  (c) => vipsFollowMaster({ directory: c.routers, toleranceUs: c.overlapUs }),
];

export function standardCheckers(context: CheckContext): Checker[] {
  return STANDARD_CHECKERS.map((f) => f(context)).filter((c): c is Checker => c !== undefined);
}

/**
 * A safe convergence bound: the slowest Master_Down_Interval a member can have
 * (computed with the lowest priority a tracker can leave, 1) plus two delivery
 * delays — one for the last advert the new master heard, one for its own
 * advert to reach the old master.
 */
export const convergenceBoundUs = (slowestMasterDownUs: DurationUs, maxLatencyUs: DurationUs): DurationUs => slowestMasterDownUs + 2 * maxLatencyUs;
