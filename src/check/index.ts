/**
 * The checker library: invariants judged from Observations and a directory of
 * what was configured, the same for every backend. Public surface.
 */
export { checkTrace, violationsOf, type Checker, type Verdict, type Violation, type ViolationClass } from './verdict.js';
export { RouterDirectory, type RouterMember } from './routers.js';
export { ObservedCluster, Stretches, inService, type InstanceView } from './observed.js';
export { Periods, type Period } from './periods.js';
export {
  atMostOneMaster,
  convergence,
  vipsFollowMaster,
  failoverWithin,
  type AtMostOneMasterOptions,
  type ConvergenceOptions,
  type VipsFollowMasterOptions,
  type FailoverWithinOptions,
  type FailoverOutcome,
} from './vrrp.js';
export { STANDARD_CHECKERS, standardCheckers, convergenceBoundUs, type CheckContext, type CheckerFactory } from './standard.js';
