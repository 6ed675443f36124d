/**
 * `vrrpEngine`: one node's keepalived VRRP process as a sans-I/O engine.
 *
 * Theory of operation
 * - `init` compiles the config (throwing `ConfigError` for anything unusable),
 *   sets up the trackers (keepalived initialise_tracking_priorities) and runs
 *   keepalived's start-up (vrrp_scheduler.c vrrp_init_state, research §2.3):
 *   - an address owner that wants MASTER, with nothing down and no weight-0
 *     script still to report, becomes MASTER at once (keepalived arms a 1 µs
 *     down timer; we skip that microsecond);
 *   - any other instance that is up enters BACKUP "(init)" with a full
 *     Master_Down_Interval — `state MASTER` gives no speed-up;
 *   - an instance with a fault starts in FAULT; one that only waits for the
 *     first result of a weight-0 script stays INIT (keepalived keeps it in an
 *     un-notified FAULT) until that result arrives;
 *   - every tracked vrrp_script runs at once, then every interval.
 * - `step` dispatches one input to router.ts, then runs any deadline that is
 *   already due (a priority change can pull a BACKUP's deadline into the past),
 *   so `nextDeadline` is always in the future after a step.
 */
import type { Engine, Step, TimeoutInput } from '../core/engine.js';
import { later, type Instant } from '../core/time.js';
import { compileNodeConfig, type CompiledNode } from './node-config.js';
import { initialScriptCounter } from './script-counter.js';
import { effectivePriority, faultsInstance, trackerContribution } from '../core/rfc3768.js';
import { onLink, onPacket, onScriptResult, onShutdown, onTimeout, drop } from './router.js';
import { armTimer, closeDraft, downIntervalUs, group, inst, openDraft, setGroup, setInstance, type Draft, type GroupRecord, type InstanceRecord, type ScriptRecord, type VrrpNodeState } from './state.js';
import { skewMinUs } from '../core/rfc3768.js';
import { gotoMaster } from './transitions.js';
import type { VrrpInput, VrrpNodeConfig, VrrpOutput } from './types.js';

export const vrrpEngine: Engine<VrrpNodeConfig, VrrpNodeState, VrrpInput, VrrpOutput> = {
  name: 'vrrp',
  init,
  step,
  nextDeadline: (s) => s.nextDeadlineAt,
};

function init(config: VrrpNodeConfig, now: Instant): Step<VrrpNodeState, VrrpOutput> {
  const node = compileNodeConfig(config);
  const d = openDraft(initialState(node), now);
  initialiseTracking(d);
  node.instances.forEach((_, i) => startInstance(d, i));
  d.scripts.forEach((rec, s) => {
    const c = node.scripts[s];
    if (!c || c.trackedBy.length === 0) return; // keepalived: "script is not used" — removed
    d.outputs.push(c.runOutput);
    d.scripts[s] = { ...rec, nextRunAt: later(now, c.config.intervalUs) };
  });
  return { state: closeDraft(d), outputs: d.outputs };
}

function step(state: VrrpNodeState, input: VrrpInput | TimeoutInput, now: Instant): Step<VrrpNodeState, VrrpOutput> {
  if (input.kind === 'timeout' && (state.nextDeadlineAt === undefined || state.nextDeadlineAt > now)) {
    return { state, outputs: [] }; // spurious wake-up
  }
  const d = openDraft(state, now);
  if (d.stopped) {
    if (input.kind === 'packet') drop(d, undefined, input.interface, { code: 'instance-not-listening', state: 'STOP', rfc: 'keepalived' });
    return { state: closeDraft(d), outputs: d.outputs };
  }
  switch (input.kind) {
    case 'timeout':
      break;
    case 'packet':
      onPacket(d, input);
      break;
    case 'script-result':
      onScriptResult(d, input.script, input.exitCode);
      break;
    case 'link':
      onLink(d, input.interface, input.up);
      break;
    case 'shutdown':
      onShutdown(d);
      break;
  }
  if (input.kind !== 'timeout') {
    const settled = closeDraft(d);
    if (settled.nextDeadlineAt === undefined || settled.nextDeadlineAt > now) return { state: settled, outputs: d.outputs };
    // a priority change pulled a deadline to now or before: run it in this step
  }
  onTimeout(d);
  return { state: closeDraft(d), outputs: d.outputs };
}

// ---------------------------------------------------------------- start-up

function initialState(node: CompiledNode): VrrpNodeState {
  const instances = node.instances.map(
    (c): InstanceRecord => ({
      state: 'INIT',
      wantState: c.initialWantState,
      basePriority: c.basePriority,
      totalPriority: c.basePriority,
      effectivePriority: c.basePriority,
      msDownTimerUs: 0,
      timerAt: undefined,
      preemptAt: undefined,
      lastHeardAddress: undefined,
      lastHeardPriority: undefined,
      lastHeardAt: undefined,
      lastHeardDiscarded: false,
      backupSince: undefined,
      dropsSinceHeard: undefined,
      faultCount: 0,
      scriptsInInit: 0,
      vipSet: false,
      ipId: 0,
      garpBursts: [],
    }),
  );
  const scripts = node.scripts.map((c): ScriptRecord => ({ ...initialScriptCounter(c.config.rise), nextRunAt: undefined, lastExitCode: undefined }));
  const groups = node.groups.map((g): GroupRecord => ({ state: g.initialState, memberFaults: 0, memberInits: 0 }));
  return { node, instances, scripts, groups, linkUp: node.interfaceUpAtStart.slice(), dropCounts: {}, stopped: false, nextDeadlineAt: undefined };
}

/** keepalived initialise_tracking_priorities: interface states, scripts in init, then the group counters. */
function initialiseTracking(d: Draft): void {
  d.node.interfaceTrackers.forEach((trackers, ifIndex) => {
    const up = d.linkUp[ifIndex] ?? true;
    for (const t of trackers) {
      const r = inst(d, t.instance);
      if (t.weight === 0) {
        if (faultsInstance(t.reverse, up)) setInstance(d, t.instance, { faultCount: r.faultCount + 1 });
      } else {
        setInstance(d, t.instance, { totalPriority: r.totalPriority + trackerContribution(t.weight, t.reverse, up) });
      }
    }
  });
  for (const s of d.node.scripts) {
    for (const t of s.trackedBy) if (t.weight === 0) setInstance(d, t.instance, { scriptsInInit: inst(d, t.instance).scriptsInInit + 1 });
  }
  d.node.instances.forEach((c, i) => {
    const r = inst(d, i);
    const priority = effectivePriority(r.basePriority, r.totalPriority);
    setInstance(d, i, { effectivePriority: priority, msDownTimerUs: downIntervalUs(d, i, priority) });
    if (c.group < 0) return;
    const g = group(d, c.group);
    if (r.faultCount > 0) setGroup(d, c.group, { state: 'FAULT', memberFaults: g.memberFaults + 1 });
    if (r.scriptsInInit > 0) {
      const now = group(d, c.group);
      setGroup(d, c.group, { memberInits: now.memberInits + 1, state: now.state === 'FAULT' ? 'FAULT' : 'INIT' });
    }
  });
}

/** keepalived vrrp_init_state for one instance. */
function startInstance(d: Draft, i: number): void {
  const c = d.node.instances[i];
  if (!c) return;
  if (inst(d, i).faultCount > 0) setInstance(d, i, { wantState: 'FAULT' });
  const r = inst(d, i);
  const g = c.group >= 0 ? group(d, c.group) : undefined;
  const target = g ? g.state : r.wantState;
  const up = r.faultCount === 0;
  const ready = r.scriptsInInit === 0 && (g === undefined || g.memberInits === 0);
  if (up && ready && target === 'MASTER' && r.wantState === 'MASTER' && r.basePriority === 255) {
    return gotoMaster(d, i, {
      cause: { code: 'owner-startup' },
      reason: `address owner (priority 255) with state MASTER starts as master`,
    });
  }
  const down = target === 'BACKUP' && r.wantState === 'MASTER' ? c.adverIntUs + skewMinUs() : downIntervalUs(d, i);
  setInstance(d, i, { msDownTimerUs: down });
  if (up && target !== 'FAULT' && ready) {
    setInstance(d, i, { state: 'BACKUP', backupSince: d.now });
    armTimer(d, i);
    return emitStart(d, i, 'BACKUP', 'startup: entering BACKUP (init)');
  }
  if (!up || target === 'FAULT') {
    setInstance(d, i, { state: 'FAULT' });
    emitStart(d, i, 'FAULT', up ? `startup: sync group ${d.node.groups[c.group]?.name ?? '?'} is in FAULT` : 'startup: a tracked interface is down');
  }
  // otherwise INIT: waiting for the first result of a weight-0 script (here or in the sync group)
}

function emitStart(d: Draft, i: number, to: 'BACKUP' | 'FAULT', reason: string): void {
  const r = inst(d, i);
  d.outputs.push({
    kind: 'transitioned',
    instance: d.node.instances[i]?.name ?? '?',
    from: 'INIT',
    to,
    priority: r.effectivePriority,
    cause: to === 'FAULT' ? { code: 'fault', detail: reason } : { code: 'startup' },
    reason,
  });
}
