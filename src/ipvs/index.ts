/** Public API of the IPVS model. */
export * from './types.js';
export { IpvsError, MAX_WEIGHT, createService, addDest, editDest, delDest, findDest, schedule, bindConn, setConnActive, unbindConn } from './service.js';
export { overhead, isOverloaded, isAvailable } from './dest.js';
export { SCHEDULERS, SCHEDULER_NAMES, isSchedulerName } from './schedulers/index.js';
export { MH_PRIMES, MH_DEFAULT_TAB_SIZE } from './schedulers/mh.js';
export { lblcExpire } from './schedulers/lblc.js';
export { hash32, hsiphash13 } from './hash.js';
export * from './director-types.js';
export {
  createDirector, addService, setRealServer, removeRealServer, directorPacketIn, directorPacketOut, directorTick,
  directorNextDeadline, directorStats, directorConnections, directorSyncOut, applySyncMessages, setSyncState,
  serviceKeyOf, DEFAULT_SYSCTL, DEFAULT_PERSISTENCE_TIMEOUT_S, DirectorError, type Director,
} from './director.js';
export { rewriteFor } from './forwarding.js';
export { TCP_STATE_NAMES, TCP_TIMEOUTS_S, UDP_TIMEOUT_S, nextTcpState, tcpStateIndex, tcpStateActive } from './tcp-state.js';
export { diagnoseForwarding, type RealServerSetup, type ForwardingProblem, type ForwardingProblemCode } from './forwarding-diagnosis.js';
export * from './checkers/index.js';
