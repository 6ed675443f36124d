/**
 * Resource assignment as Pacemaker 2.1.5 does it with placement-strategy=default.
 *
 * Theory of operation: resources are taken by priority, then in CIB order;
 * a resource colocated with another assigns that one first. Each gets a score
 * per node: 0 everywhere in a symmetric cluster (only the nodes a location
 * names otherwise), plus location scores, plus resource-stickiness on the node
 * where it runs, −INFINITY where it is banned (migration-threshold, hard
 * errors), plus what colocations add. The best node wins; equal scores go to
 * the node with fewer resources assigned so far in this run (fence devices
 * count like any resource), then the node where it runs, then the name
 * (strcmp). A positive best score also prefers the current node among the
 * equals. A negative best score, or no available node, leaves it stopped.
 *
 * Rules: score arithmetic saturates at ±INFINITY and −INFINITY wins over
 * +INFINITY, as Pacemaker's pcmk__add_scores does.
 */
import { INFINITY, type PcmkColocation, type PcmkConfig } from './types.js';
import type { RscInfo } from './scheduler.js';

export interface NodeView {
  /** Online, not standby, not unclean: may receive resources. */
  readonly available: boolean;
}

export function addScores(a: number, b: number): number {
  if (a <= -INFINITY || b <= -INFINITY) return -INFINITY;
  if (a >= INFINITY || b >= INFINITY) return INFINITY;
  return Math.max(-INFINITY, Math.min(INFINITY, a + b));
}

interface Assigner {
  readonly config: PcmkConfig;
  readonly infos: ReadonlyMap<string, RscInfo>;
  readonly nodes: ReadonlyMap<string, NodeView>;
  readonly nodeOrder: readonly string[];
  readonly placement: Map<string, string | null>;
  readonly counts: Map<string, number>;
  readonly inProgress: Set<string>;
}

/** Assign every resource; returns resource id → node (null: stays stopped), in assignment order. */
export function assignResources(config: PcmkConfig, order: readonly RscInfo[], nodes: ReadonlyMap<string, NodeView>, nodeOrder: readonly string[]): Map<string, string | null> {
  const a: Assigner = {
    config,
    infos: new Map(order.map((i) => [i.id, i])),
    nodes,
    nodeOrder,
    placement: new Map(),
    counts: new Map(nodeOrder.map((n) => [n, 0])),
    inProgress: new Set(),
  };
  for (const info of order) assign(a, info);
  return a.placement;
}

/** Scores before colocation: symmetric base, locations, stickiness, bans. */
export function baseWeights(config: PcmkConfig, info: RscInfo, nodeOrder: readonly string[]): Map<string, number> {
  const w = new Map<string, number>();
  const named = (rsc: string) => rsc === info.rsc.id || (info.rsc.clone !== undefined && rsc === info.rsc.clone.id);
  const locs = config.locations.filter((l) => named(l.rsc) && nodeOrder.includes(l.node));
  if (config.options.symmetricCluster) for (const n of nodeOrder) w.set(n, 0);
  for (const l of locs) w.set(l.node, addScores(w.get(l.node) ?? 0, l.score));
  const current = info.active.length === 1 ? info.active[0] : undefined;
  if (current !== undefined && info.managed && info.rsc.stickiness !== 0 && w.has(current)) {
    w.set(current, addScores(w.get(current) ?? 0, info.rsc.stickiness));
  }
  for (const n of w.keys()) if (info.banAll || info.bans.has(n)) w.set(n, -INFINITY);
  return w;
}

function assign(a: Assigner, info: RscInfo): void {
  const id = info.id;
  if (a.placement.has(id) || a.inProgress.has(id)) return;
  if (info.rsc.clone) {
    assignClone(a, info.rsc.clone.id);
    return;
  }
  a.inProgress.add(id);
  if (!info.managed) {
    // An unmanaged resource stays where it is, and still counts there.
    done(a, id, info.active[0] ?? null);
    return;
  }
  const w = weightsWithColocations(a, info);
  done(a, id, info.forceStop ? null : choose(a, info, w));
}

/** The instances of the clone `cloneId`, in instance order. */
function instancesOf(a: Assigner, cloneId: string): RscInfo[] {
  return [...a.infos.values()].filter((i) => i.rsc.clone?.id === cloneId);
}

/** Where a primary (a resource, or a clone's instances) was placed; assigns it first. */
function primaryNodes(a: Assigner, primaryId: string): Set<string> | undefined {
  const primary = a.infos.get(primaryId);
  if (primary) {
    assign(a, primary);
    const n = a.placement.get(primary.id);
    return new Set(n ? [n] : []);
  }
  const instances = instancesOf(a, primaryId);
  if (!instances.length) return undefined;
  assignClone(a, primaryId);
  return new Set(instances.map((i) => a.placement.get(i.id)).filter((n): n is string => typeof n === 'string'));
}

function weightsWithColocations(a: Assigner, info: RscInfo): Map<string, number> {
  const id = info.id;
  const w = baseWeights(a.config, info, a.nodeOrder);
  for (const c of a.config.colocations) {
    if (c.rsc !== id) continue;
    const placed = primaryNodes(a, c.withRsc);
    if (placed) applyColocation(a, w, c, placed);
  }
  for (const c of a.config.colocations) {
    const dep = c.withRsc === id ? a.infos.get(c.rsc) : undefined;
    if (dep && !a.placement.has(dep.id) && !a.inProgress.has(dep.id)) mergeDependent(a, w, dep, c.score);
  }
  return w;
}

/**
 * An anonymous clone (distribute_children): instances that run keep their node
 * when they may stay; the others go, one by one, to the best node without an
 * instance yet. Each assignment counts on its node like any resource.
 */
function assignClone(a: Assigner, cloneId: string): void {
  const instances = instancesOf(a, cloneId).filter((i) => !a.placement.has(i.id));
  const taken = new Set<string>();
  for (const i of instancesOf(a, cloneId)) {
    const n = a.placement.get(i.id);
    if (n) taken.add(n);
  }
  const rest: RscInfo[] = [];
  for (const inst of instances) {
    const cur = inst.active[0];
    const w = cur !== undefined && inst.managed && !inst.forceStop ? baseWeights(a.config, inst, a.nodeOrder) : undefined;
    if (cur !== undefined && w && a.nodes.get(cur)?.available && (w.get(cur) ?? -INFINITY) >= 0 && !taken.has(cur)) {
      taken.add(cur);
      done(a, inst.id, cur);
    } else rest.push(inst);
  }
  for (const inst of rest) {
    if (!inst.managed || inst.forceStop) {
      done(a, inst.id, inst.managed ? null : (inst.active[0] ?? null));
      continue;
    }
    const w = baseWeights(a.config, inst, a.nodeOrder);
    for (const n of taken) w.set(n, -INFINITY);
    const node = choose(a, inst, w);
    if (node) taken.add(node);
    done(a, inst.id, node);
  }
}

function done(a: Assigner, id: string, node: string | null): void {
  a.inProgress.delete(id);
  a.placement.set(id, node);
  if (node !== null) a.counts.set(node, (a.counts.get(node) ?? 0) + 1);
}

function anyAvailable(a: Assigner, w: ReadonlyMap<string, number>): boolean {
  for (const [n, s] of w) if (s >= 0 && a.nodes.get(n)?.available) return true;
  return false;
}

/** pcmk__apply_coloc_to_weights: the dependent's scores given where the primary went (a clone: every node with an instance). */
function applyColocation(a: Assigner, w: Map<string, number>, c: PcmkColocation, placed: ReadonlySet<string>): void {
  if (placed.size === 0 && c.score < 0) return;
  const work = new Map(w);
  for (const [n, s] of work) {
    if (placed.size === 0) {
      if (c.score >= INFINITY) work.set(n, -INFINITY);
    } else if (placed.has(n)) {
      if (c.score < INFINITY) work.set(n, addScores(c.score, s));
    } else if (c.score >= INFINITY) {
      work.set(n, -INFINITY);
    }
  }
  const mandatory = c.score <= -INFINITY || c.score >= INFINITY;
  if (mandatory || anyAvailable(a, work)) for (const [n, s] of work) w.set(n, s);
}

/** A dependent not yet placed pulls the primary toward (or away from) the nodes it prefers. */
function mergeDependent(a: Assigner, w: Map<string, number>, dep: RscInfo, score: number): void {
  const factor = score / INFINITY;
  const dw = baseWeights(a.config, dep, a.nodeOrder);
  const work = new Map(w);
  for (const [n, s] of work) {
    const d = dw.get(n);
    if (d === undefined || Math.abs(d) >= INFINITY || d === 0) continue;
    work.set(n, addScores(s, Math.trunc(d * factor)));
  }
  if (anyAvailable(a, work)) for (const [n, s] of work) w.set(n, s);
}

function choose(a: Assigner, info: RscInfo, w: ReadonlyMap<string, number>): string | null {
  const current = info.active[0];
  const scored = a.nodeOrder.filter((n) => w.has(n)).map((n) => ({ n, s: a.nodes.get(n)?.available ? (w.get(n) ?? 0) : -INFINITY }));
  scored.sort((x, y) => y.s - x.s || (a.counts.get(x.n) ?? 0) - (a.counts.get(y.n) ?? 0) || Number(y.n === current) - Number(x.n === current) || (x.n < y.n ? -1 : x.n > y.n ? 1 : 0));
  const best = scored[0];
  if (!best || best.s < 0) return null;
  if (best.s > 0 && current !== undefined && scored.some((x) => x.n === current && x.s === best.s)) return current;
  return best.n;
}
