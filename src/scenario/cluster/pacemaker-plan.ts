/**
 * One `cluster plan` run, without file access: CIB text (+ an optional saved
 * state) + crm_simulate-style events → the transition and the state after it.
 *
 * Theory of operation: the CIB is read and mapped (pacemaker-from-cib.ts); the
 * state is the CIB's status section unless a saved state is given; events are
 * checked against the configuration (unknown node or resource → a usage
 * error), injected, scheduled, and with `execute` fake-executed as
 * `crm_simulate -S` does.
 *
 * Time: `at` is seconds after the lab epoch 2026-01-01T00:00:00Z (what the
 * recorder's `sim SECONDS` means); a value of 10^9 or more is taken as Unix
 * time. The status section's times (last-failure, last-rc-change) are Unix time.
 */
import { UsageError } from '../../core/errors.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import { readCib } from '../../config/cib/read.js';
import {
  applyEvents, executeTransition, schedule,
  type OpSpec, type PcmkConfig, type PcmkEvent, type PcmkState, type Transition,
} from '../../fencing/pacemaker/index.js';
import { readClusterConf } from '../../config/cluster-conf/index.js';
import { pacemakerFromCib, type PcmkInput } from './pacemaker-from-cib.js';
import { pacemakerFromClusterConf } from './pacemaker-from-cluster-conf.js';

/** 2026-01-01T00:00:00Z. */
export const LAB_EPOCH_S = 1_767_225_600;
export const STATE_FORMAT = 'vrrp-lab/pacemaker-state@1';

export interface PlanRequest {
  readonly cibText: string;
  readonly cibFile: string;
  /** What the text is: a Pacemaker CIB (default) or an RHCS cluster.conf mapped onto Pacemaker's terms. */
  readonly kind?: 'cib' | 'cluster.conf';
  /** A state saved by an earlier run (`--save-state`), already parsed. */
  readonly savedState?: unknown;
  readonly nodeUp?: readonly string[];
  readonly nodeDown?: readonly string[];
  readonly nodeFail?: readonly string[];
  readonly quorum?: boolean;
  readonly opInject?: readonly string[];
  readonly opFail?: readonly string[];
  readonly attrs?: readonly (readonly [string, string, string])[];
  readonly at?: number;
  readonly execute?: boolean;
}

export interface PlanResult {
  readonly config: PcmkConfig;
  readonly transition: Transition;
  /** The state to save: after execution with `execute`, else the injected state. */
  readonly state: PcmkState;
  readonly nowS: number;
  readonly diagnostics: readonly Diagnostic[];
}

/** `RSC_OP_INTERVAL@NODE=RC`, e.g. `vm1_monitor_10000@node1=7`. */
export function parseOpSpec(spec: string): OpSpec {
  const m = /^(.+)_([a-z][a-z_-]*?)_(\d{1,10})@([^=]+)=(\d{1,3})$/.exec(spec);
  if (!m) throw new UsageError(`'${spec}' is not RSC_OP_INTERVAL@NODE=RC (e.g. vm1_monitor_10000@node1=7)`);
  return { rsc: m[1] ?? '', task: m[2] ?? '', intervalMs: Number(m[3]), node: m[4] ?? '', rc: Number(m[5]) };
}

export function nowFromAt(at: number | undefined): number {
  if (at === undefined) return LAB_EPOCH_S;
  return at >= 1e9 ? at : LAB_EPOCH_S + at;
}

function checkNode(config: PcmkConfig, node: string, what: string): void {
  if (!config.nodes.includes(node)) throw new UsageError(`${what}: no node '${node}' in the CIB (nodes: ${config.nodes.slice(0, 20).join(', ')}${config.nodes.length > 20 ? ', …' : ''})`);
}

function checkOp(config: PcmkConfig, op: OpSpec, what: string): void {
  checkNode(config, op.node, what);
  if (!config.resources.some((r) => r.id === op.rsc)) throw new UsageError(`${what}: no resource '${op.rsc}' in the CIB`);
}

function eventsOf(config: PcmkConfig, req: PlanRequest): PcmkEvent[] {
  const events: PcmkEvent[] = [];
  if (req.quorum !== undefined) events.push({ kind: 'quorum', quorate: req.quorum });
  for (const [list, kind] of [[req.nodeUp, 'node-up'], [req.nodeDown, 'node-down'], [req.nodeFail, 'node-fail']] as const) {
    for (const node of list ?? []) {
      checkNode(config, node, `--${kind}`);
      events.push({ kind, node });
    }
  }
  for (const spec of req.opInject ?? []) {
    const op = parseOpSpec(spec);
    checkOp(config, op, '--op-inject');
    events.push({ kind: 'op-inject', ...op });
  }
  for (const [node, name, value] of req.attrs ?? []) {
    checkNode(config, node, '--attr');
    events.push({ kind: 'attr', node, name, value });
  }
  return events;
}

/** A saved state, checked enough that a hand-edited file gives a clear error, not a crash. */
export function loadSavedState(raw: unknown, config: PcmkConfig): PcmkState {
  const doc = raw as { format?: unknown; state?: Partial<PcmkState> } | null;
  if (!doc || typeof doc !== 'object' || doc.format !== STATE_FORMAT || !doc.state || typeof doc.state !== 'object') {
    throw new UsageError(`the state file is not a ${STATE_FORMAT} document (write one with --save-state)`);
  }
  const s = doc.state;
  const isRecord = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (typeof s.quorate !== 'boolean' || !isRecord(s.nodes) || !isRecord(s.history) || !isRecord(s.attrs)) {
    throw new UsageError('the state file is damaged: it needs quorate, nodes, history and attrs');
  }
  for (const n of Object.keys(s.nodes ?? {})) if (!config.nodes.includes(n)) throw new UsageError(`the state file names node '${n}', which the CIB does not have`);
  return s as PcmkState;
}

export function savedStateDocument(state: PcmkState, nowS: number): unknown {
  return { format: STATE_FORMAT, time: nowS, state };
}

function readInput(req: PlanRequest): { mapped?: PcmkInput; diagnostics: readonly Diagnostic[] } {
  if (req.kind === 'cluster.conf') {
    const read = readClusterConf(req.cibText, req.cibFile);
    if (!read.model) return { diagnostics: read.diagnostics };
    return { mapped: pacemakerFromClusterConf(read.model), diagnostics: read.diagnostics };
  }
  const { cib, diagnostics } = readCib(req.cibText, req.cibFile);
  return { mapped: pacemakerFromCib(cib), diagnostics };
}

const EMPTY: { config: PcmkConfig; state: PcmkState } = {
  config: {
    options: { stonithEnabled: true, noQuorumPolicy: 'stop', symmetricCluster: true, stonithAction: 'reboot', priorityFencingDelayS: 0, startFailureIsFatal: true, concurrentFencing: false, stopAllResources: false, maintenanceMode: false },
    nodes: [], resources: [], locations: [], colocations: [],
  },
  state: { quorate: true, nodes: {}, history: {}, attrs: {} },
};

export function planCluster(req: PlanRequest): PlanResult {
  const { mapped, diagnostics } = readInput(req);
  if (!mapped || diagnostics.some((d) => d.severity === 'error')) {
    // Errors in the file come first: no event is checked and nothing is planned.
    const none: Transition = { fence: [], actions: [], fenceOrder: [], graph: [], placement: {} };
    return { ...(mapped ? { config: mapped.config, state: mapped.state } : EMPTY), transition: none, nowS: nowFromAt(req.at), diagnostics: [...diagnostics, ...(mapped?.diagnostics ?? [])] };
  }
  const config = mapped.config;
  const nowS = nowFromAt(req.at);
  const base = req.savedState !== undefined ? loadSavedState(req.savedState, config) : mapped.state;
  const opFails = (req.opFail ?? []).map((spec) => {
    const op = parseOpSpec(spec);
    checkOp(config, op, '--op-fail');
    return op;
  });
  const injected = applyEvents(base, eventsOf(config, req), nowS);
  const transition = schedule(config, injected, nowS);
  const monitors = (rsc: string) => config.resources.find((r) => r.id === rsc)?.ops.filter((o) => o.name === 'monitor' && o.intervalMs > 0).map((o) => o.intervalMs) ?? [];
  const state = req.execute ? executeTransition(injected, transition, opFails, monitors, nowS) : injected;
  return { config, transition, state, nowS, diagnostics: [...diagnostics, ...mapped.diagnostics] };
}
