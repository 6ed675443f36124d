/** Public API of keepalived's LVS health checkers (TCP_CHECK, HTTP_GET, MISC_CHECK) as a sans-I/O engine. */
export * from './types.js';
export { checkerEngine, type CheckerEngineState } from './engine.js';
export { checkerStatus } from './status.js';
export { BOOTSTRAP_DELAY_US, DEFAULT_DELAY_LOOP_US, DEFAULT_CONNECT_TIMEOUT_US, IPVS_WEIGHT_LIMIT } from './resolve.js';
