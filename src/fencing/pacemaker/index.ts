/**
 * Pacemaker's scheduler as a pure decision (see scheduler.ts):
 *
 *   schedule(config, state, nowS)                 → Transition (fences, summary, graph)
 *   applyEvents(state, events, nowS)              → state with crm_simulate's injections
 *   executeTransition(state, t, opFails, …, nowS) → state after a fake execution (-S)
 */
export * from './types.js';
export { schedule, sortNodes } from './scheduler.js';
export { applyEvents, executeTransition, historyFromOps, recordOp, type LrmOp, type OpSpec, type PcmkEvent } from './state.js';
export { failCountOf, failureClass, failureExpired, type FailureClass } from './failures.js';
