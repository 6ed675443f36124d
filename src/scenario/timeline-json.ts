/**
 * The JSON shape of a timeline, as `vrrp-lab simulate --json` prints it and
 * docs/simulate.md documents it. Times are seconds (numbers with microsecond
 * precision); INIT is never a state in the output — the first change out of INIT
 * is listed with the state it entered.
 *
 * The keys come in a fixed order: transitions, vips, seed, then the rest.
 */
import { formatEvent } from './events.js';
import type { Timeline } from './timeline.js';
import { usToSeconds } from '../core/time.js';
import { lvsToJson, type LvsJson } from './lvs/timeline-render.js';
import { explanationsToJson, type ExplanationsJson } from './timeline-explain.js';

export interface TimelineJson {
  readonly transitions: readonly { t: number; node: string; instance: string; state: 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP'; priority: number; reason: string }[];
  readonly vips: readonly { t: number; node: string; instance: string; address: string; action: 'add' | 'remove'; interface: string; prefixLength: number }[];
  readonly seed: number;
  readonly until: number;
  readonly nodes: readonly { node: string; address: string; addressSource?: string; interfaces: readonly { name: string; address: string; prefixLength: number }[]; deferred: boolean }[];
  readonly events: readonly { t: number; event: string }[];
  readonly priorities: readonly { t: number; node: string; instance: string; from: number; to: number; reason: string }[];
  readonly garps: readonly { t: number; node: string; instance: string; interface: string; address: string }[];
  /** Adverts dropped for a peer mismatch, one entry per run (timeline-explain.ts). */
  readonly drops: ExplanationsJson['drops'];
  /** Instances a sync group held in BACKUP while they wanted MASTER. */
  readonly syncWaits: ExplanationsJson['syncWaits'];
  /** Load balancing: real servers, counters, check verdicts, client outcomes (only when the cluster has virtual servers). */
  readonly lvs?: LvsJson;
}

export function timelineToJson(tl: Timeline): TimelineJson {
  const t = usToSeconds;
  return {
    transitions: tl.transitions
      .filter((x) => x.to !== 'INIT')
      .map((x) => ({ t: t(x.at), node: x.node, instance: x.instance, state: x.to as 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP', priority: x.priority, reason: x.reason })),
    vips: tl.vips.map((v) => ({ t: t(v.at), node: v.node, instance: v.instance, address: v.address, action: v.action, interface: v.interface, prefixLength: v.prefixLength })),
    seed: tl.seed,
    until: t(tl.until),
    nodes: tl.nodes.map((n) => ({
      node: n.id,
      address: n.address,
      ...(n.addressSource ? { addressSource: n.addressSource } : {}),
      interfaces: n.interfaces.map((i) => ({ ...i })),
      deferred: n.deferred,
    })),
    events: tl.events.map((e) => ({ t: t(e.at), event: formatEvent(e.event) })),
    priorities: tl.priorities.map((p) => ({ t: t(p.at), node: p.node, instance: p.instance, from: p.from, to: p.to, reason: p.reason })),
    garps: tl.garps.map((g) => ({ t: t(g.at), node: g.node, instance: g.instance, interface: g.interface, address: g.address })),
    ...explanationsToJson(tl),
    ...(tl.lvs === undefined ? {} : { lvs: lvsToJson(tl, tl.lvs) }),
  };
}
