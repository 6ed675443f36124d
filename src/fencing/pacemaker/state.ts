/**
 * The status section as the scheduler reads it, and the edits crm_simulate
 * makes to it: injected events before a run (`--node-up/-down/-fail`,
 * `--op-inject`, `--quorum`, a transient attribute) and the fake execution of
 * a transition after it (`-S`: fences succeed, resource actions succeed unless
 * an `--op-fail` names them; the first failure aborts the rest).
 *
 * Rules: pure functions from state to state; nothing is mutated in place.
 */
import type { GraphOp, NodeStatus, PcmkState, RscHistory, Transition } from './types.js';

/** One lrm_rsc_op as the status section records it. */
export interface LrmOp {
  readonly task: string;
  readonly intervalMs: number;
  readonly rc: number;
  readonly callId: number;
  /** The rc the controller expected (transition-key's third field). */
  readonly targetRc?: number;
  readonly lastRcChangeS?: number;
}

function isProbe(task: string, intervalMs: number): boolean {
  return task === 'monitor' && intervalMs === 0;
}

/** Fold one operation result into a resource's history on a node. */
export function recordResult(h: RscHistory | undefined, op: { task: string; intervalMs: number; rc: number; targetRc?: number; atS: number }): RscHistory {
  const prev: RscHistory = h ?? { active: false };
  const probe = isProbe(op.task, op.intervalMs);
  const target = op.targetRc ?? (probe ? 7 : 0);
  const ok = op.rc === target || (probe && (op.rc === 0 || op.rc === 7));
  const keep = prev.lastFailure ? { lastFailure: prev.lastFailure } : {};
  if (ok) {
    if (op.task === 'stop' || (probe && op.rc === 7)) return { active: false, ...keep };
    if (op.task === 'start' || op.task === 'monitor' || op.task === 'promote' || op.task === 'demote') return { active: true, ...keep };
    return prev;
  }
  const failed = { task: op.task, intervalMs: op.intervalMs, rc: op.rc };
  return { active: true, failed, lastFailure: { ...failed, atS: op.atS } };
}

/** A resource's history on one node from its lrm_rsc_op entries, in call-id order. */
export function historyFromOps(ops: readonly LrmOp[]): RscHistory | undefined {
  let h: RscHistory | undefined;
  const sorted = [...ops].filter((o) => o.callId >= 0).sort((a, b) => a.callId - b.callId);
  for (const op of sorted) {
    h = recordResult(h, { task: op.task, intervalMs: op.intervalMs, rc: op.rc, atS: op.lastRcChangeS ?? 0, ...(op.targetRc !== undefined ? { targetRc: op.targetRc } : {}) });
  }
  return h;
}

export type PcmkEvent =
  | { readonly kind: 'node-up' | 'node-down' | 'node-fail'; readonly node: string }
  | { readonly kind: 'quorum'; readonly quorate: boolean }
  | { readonly kind: 'op-inject'; readonly rsc: string; readonly task: string; readonly intervalMs: number; readonly node: string; readonly rc: number }
  | { readonly kind: 'attr'; readonly node: string; readonly name: string; readonly value: string };

function withNode(state: PcmkState, node: string, s: NodeStatus, wipe: boolean): PcmkState {
  const nodes = { ...state.nodes, [node]: s };
  if (!wipe) return { ...state, nodes };
  const history = { ...state.history };
  const attrs = { ...state.attrs };
  delete history[node];
  delete attrs[node];
  return { ...state, nodes, history, attrs };
}

function setAttr(state: PcmkState, node: string, name: string, value: string): PcmkState {
  return { ...state, attrs: { ...state.attrs, [node]: { ...(state.attrs[node] ?? {}), [name]: value } } };
}

function setHistory(state: PcmkState, node: string, rsc: string, h: RscHistory): PcmkState {
  return { ...state, history: { ...state.history, [node]: { ...(state.history[node] ?? {}), [rsc]: h } } };
}

/** A failure as the controller records it: the history, fail-count +1 and last-failure = now. */
export function recordOp(state: PcmkState, op: { rsc: string; task: string; intervalMs: number; node: string; rc: number }, nowS: number): PcmkState {
  const h = recordResult(state.history[op.node]?.[op.rsc], { task: op.task, intervalMs: op.intervalMs, rc: op.rc, atS: nowS });
  let next = setHistory(state, op.node, op.rsc, h);
  const probe = isProbe(op.task, op.intervalMs);
  const failed = probe ? op.rc !== 0 && op.rc !== 7 : op.rc !== 0;
  if (failed) {
    const key = `${op.rsc}#${op.task}_${op.intervalMs}`;
    const count = Number.parseInt(next.attrs[op.node]?.[`fail-count-${key}`] ?? '0', 10) || 0;
    next = setAttr(next, op.node, `fail-count-${key}`, String(count + 1));
    next = setAttr(next, op.node, `last-failure-${key}`, String(nowS));
  }
  return next;
}

/**
 * Apply injected events as crm_simulate does. Its `--quorum` is written only
 * when the same run also injects a node or operation event (measured: a run with
 * `--quorum` alone leaves have-quorum as it was).
 */
export function applyEvents(state: PcmkState, events: readonly PcmkEvent[], nowS: number): PcmkState {
  let s = state;
  const modifies = events.some((e) => e.kind !== 'quorum' && e.kind !== 'attr');
  for (const e of events) {
    switch (e.kind) {
      case 'quorum':
        if (modifies) s = { ...s, quorate: e.quorate };
        break;
      case 'node-up':
        s = withNode(s, e.node, { inCcm: true, crmdOnline: true, expectedUp: true }, false);
        break;
      case 'node-down':
        s = withNode(s, e.node, { inCcm: false, crmdOnline: false, expectedUp: false }, true);
        break;
      case 'node-fail':
        s = withNode(s, e.node, { inCcm: false, crmdOnline: true, expectedUp: true }, false);
        break;
      case 'op-inject':
        s = recordOp(s, e, nowS);
        break;
      case 'attr':
        s = setAttr(s, e.node, e.name, e.value);
        break;
    }
  }
  return s;
}

/** `RSC_OP_INTERVAL@NODE=RC` → the operation crm_simulate means. */
export interface OpSpec {
  readonly rsc: string;
  readonly task: string;
  readonly intervalMs: number;
  readonly node: string;
  readonly rc: number;
}

function opFailure(fails: readonly OpSpec[], op: GraphOp, task: string, intervalMs: number): OpSpec | undefined {
  if (op.kind === 'fence') return undefined;
  return fails.find((f) => f.rsc === op.rsc && f.node === op.node && f.task === task && f.intervalMs === intervalMs);
}

/**
 * Fake-execute a transition (crm_simulate -S): fences succeed (the node goes
 * down cleanly and loses its history), stops and starts succeed unless an
 * `--op-fail` names them; the first failure aborts what follows.
 */
export function executeTransition(state: PcmkState, t: Transition, opFails: readonly OpSpec[], monitors: (rsc: string) => readonly number[], nowS: number): PcmkState {
  let s = state;
  for (const op of t.graph) {
    if (op.kind === 'fence') {
      s = withNode(s, op.node, { inCcm: false, crmdOnline: false, expectedUp: false }, true);
      continue;
    }
    const fail = opFailure(opFails, op, op.kind, 0);
    s = recordOp(s, { rsc: op.rsc, task: op.kind, intervalMs: 0, node: op.node, rc: fail ? fail.rc : 0 }, nowS);
    if (fail) return s;
    if (op.kind !== 'start') continue;
    for (const interval of monitors(op.rsc)) {
      const mf = opFailure(opFails, op, 'monitor', interval);
      if (mf) return recordOp(s, { rsc: op.rsc, task: 'monitor', intervalMs: interval, node: op.node, rc: mf.rc }, nowS);
    }
  }
  return s;
}
