/**
 * What every cluster agent that hosts fencer engines (src/fencing/fencer.ts) does
 * the same way: one fencer per running node, woken at its own deadline, and the
 * fencer's `fence` outputs carried into the run's events unchanged.
 *
 * Rules: timer keys are `NS:tick:NODE` (NS: the agent's namespace); a paused node's
 * fencer waits, a down node's is gone.
 */
import { later } from '../../core/time.js';
import { fencer, type FencerInput, type FencerOutput, type FencerState } from '../../fencing/fencer.js';
import type { AgentOutEventBody, ClusterAgentContext } from './types.js';

/** A fence device command in flight: the executor's fencer waits for its result. */
export interface FenceOp {
  readonly executor: string;
  readonly opId: number;
  readonly target: string;
  readonly device: string;
  readonly action: string;
}

export interface HostedFencer {
  fencer: FencerState;
  /** The fencer deadline a timer is already set for. */
  armed?: number;
}

/** Set a timer for the fencer's next deadline, unless one at or before it is set. */
export function armFencer(rt: HostedFencer, node: string, ctx: ClusterAgentContext, ns: string): void {
  const at = fencer.nextDeadline(rt.fencer);
  if (at === undefined || (rt.armed !== undefined && rt.armed <= at)) return;
  rt.armed = at;
  ctx.setTimer(at, `${ns}:tick:${node}`);
}

/** Step a node's fencer and keep it armed; the outputs are the caller's to carry out. */
export function stepHostedFencer(rt: HostedFencer, node: string, input: FencerInput | { readonly kind: 'timeout' }, ctx: ClusterAgentContext, ns: string): readonly FencerOutput[] {
  const s = fencer.step(rt.fencer, input, ctx.now);
  rt.fencer = s.state;
  armFencer(rt, node, ctx, ns);
  return s.outputs;
}

/** The fencer's timer fired: step it (a paused node's fencer looks again in a second). */
export function tickHostedFencer(rt: HostedFencer | undefined, node: string, ctx: ClusterAgentContext, ns: string): readonly FencerOutput[] {
  if (rt === undefined || ctx.status(node) === 'down') return [];
  rt.armed = undefined;
  if (ctx.status(node) === 'paused') {
    ctx.setTimer(later(ctx.now, 1_000_000), `${ns}:tick:${node}`);
    return [];
  }
  return stepHostedFencer(rt, node, { kind: 'timeout' }, ctx, ns);
}

/** A fencer's `fence` output as a run event. */
export function fenceEvent(o: Extract<FencerOutput, { kind: 'fence' }>): AgentOutEventBody {
  return { kind: 'fence', target: o.target, by: o.by, device: o.device ?? '', method: o.method ?? '', result: o.result, reason: o.reason };
}

/** A running node's (members, quorate), when it differs from what its engines were last fed. */
export function changedView(rt: { fed: string } | undefined, node: string, ctx: ClusterAgentContext): { members: string[]; quorate: boolean } | undefined {
  if (rt === undefined || ctx.status(node) !== 'running') return undefined;
  const members = [...ctx.members(node)];
  const quorate = ctx.quorum(node)?.quorate ?? true;
  const fed = `${members.join(',')}|${quorate}`;
  if (fed === rt.fed) return undefined;
  rt.fed = fed;
  return { members, quorate };
}
