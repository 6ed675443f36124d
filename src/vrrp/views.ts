/**
 * Read-only views of a `VrrpNodeState` for hosts, checkers and the TUI: the
 * state itself is opaque (its record shapes may change), these do not.
 */
import { ConfigError } from '../core/errors.js';
import { formatIpv4 } from './packet.js';
import type { DropCounts, InstanceRecord, InstanceView, VrrpNodeState } from './state.js';
import type { ScriptStatus } from './script-counter.js';
import type { Instant } from '../core/time.js';

export type { InstanceView } from './state.js';

function view(s: VrrpNodeState, i: number, r: InstanceRecord): InstanceView {
  const c = s.node.instances[i];
  return {
    name: c?.name ?? '?',
    vrid: c?.config.vrid ?? 0,
    state: r.state,
    priority: r.effectivePriority,
    basePriority: r.basePriority,
    wantState: r.wantState,
    masterDownAt: r.state === 'BACKUP' ? r.timerAt : undefined,
    adverAt: r.state === 'MASTER' ? r.timerAt : undefined,
    vipsInstalled: r.vipSet,
    faultCount: r.faultCount,
    lastHeard:
      r.lastHeardAddress === undefined || r.lastHeardPriority === undefined || r.lastHeardAt === undefined
        ? undefined
        : { address: formatIpv4(r.lastHeardAddress), priority: r.lastHeardPriority, at: r.lastHeardAt },
  };
}

/** One instance: its state, effective priority and timers. Throws ConfigError('unknown-instance') for a name not in the config. */
export function instanceView(s: VrrpNodeState, name: string): InstanceView {
  const i = s.node.instanceByName.get(name);
  const r = i === undefined ? undefined : s.instances[i];
  if (i === undefined || !r) throw new ConfigError('unknown-instance', `node ${s.node.node} has no vrrp_instance ${name}`);
  return view(s, i, r);
}

/** Every instance, in config order. */
export function instanceViews(s: VrrpNodeState): InstanceView[] {
  return s.instances.map((r, i) => view(s, i, r));
}

export interface ScriptView {
  readonly name: string;
  readonly status: ScriptStatus;
  /** keepalived's rise/fall counter. */
  readonly counter: number;
  readonly nextRunAt: Instant | undefined;
  readonly lastExitCode: number | undefined;
}

export function scriptViews(s: VrrpNodeState): ScriptView[] {
  return s.scripts.map((r, i) => ({
    name: s.node.scripts[i]?.config.name ?? '?',
    status: r.status,
    counter: r.counter,
    nextRunAt: r.nextRunAt,
    lastExitCode: r.lastExitCode,
  }));
}

/** Dropped packets per reason code since start. */
export const dropCounts = (s: VrrpNodeState): DropCounts => s.dropCounts;

export const isStopped = (s: VrrpNodeState): boolean => s.stopped;

export function linkIsUp(s: VrrpNodeState, interfaceName: string): boolean | undefined {
  const i = s.node.interfaceByName.get(interfaceName);
  return i === undefined ? undefined : s.linkUp[i];
}
