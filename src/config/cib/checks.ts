/**
 * Checks a reviewer (and crm_verify) would make on a CIB, each located.
 *
 * Rules: one function per family; each returns diagnostics and never throws.
 * Facts measured on Pacemaker 2.1.5 (research/fencing.md §11) decide the
 * wording: fencing enabled without a device disables every resource start;
 * -INFINITY colocations can evict a running VM (the primary is placed first
 * and may take the dependent's node); no-quorum-policy=fence does not exist.
 */
import type { Diagnostic } from '../../core/diagnostic.js';
import { primitivesOf, type Cib, type CibPrimitive, type Pos } from './model.js';

const INF = 1_000_000;
const TRUE = /^(1|true|yes|on|y)$/i;
const FALSE = /^(0|false|no|off|n)$/i;

function diag(cib: Cib, severity: Diagnostic['severity'], code: string, message: string, at: Pos | undefined, hint?: string): Diagnostic {
  return { severity, code, message, file: cib.file, line: at?.line ?? 0, column: at?.column ?? 0, ...(hint ? { hint } : {}) };
}

function fencingEnabled(cib: Cib): boolean {
  return !FALSE.test(cib.options['stonith-enabled']?.value ?? 'true');
}

function checkFencing(cib: Cib): Diagnostic[] {
  const out: Diagnostic[] = [];
  const prims = primitivesOf(cib.resources);
  const devices = prims.filter((p) => p.class === 'stonith');
  const se = cib.options['stonith-enabled'];
  if (fencingEnabled(cib) && devices.length === 0) {
    out.push(diag(cib, 'error', 'no-fence-device', 'fencing is enabled but no fence device (class="stonith") is defined: Pacemaker disables every resource start ("Resource start-up disabled since no STONITH resources have been defined")', se ?? cib.nodes[0], 'add a stonith primitive per node (e.g. fence_ipmilan with pcmk_host_list), or set stonith-enabled=false knowingly'));
  }
  if (!fencingEnabled(cib) && se) {
    out.push(diag(cib, 'warning', 'fencing-disabled', "stonith-enabled=false: a lost node is never fenced and its resources start elsewhere at once — with shared storage, a VM can run on two nodes and corrupt its disk", se));
  }
  const names = new Set(cib.nodes.map((n) => n.uname));
  const covered = new Set<string>();
  let anyDynamic = false;
  for (const d of devices) {
    const list = d.params['pcmk_host_list'] ?? d.params['pcmk_host_map'];
    if (!list) {
      anyDynamic = true;
      continue;
    }
    for (const entry of list.value.split(/[\s,;]+/).filter(Boolean)) {
      const node = entry.split(/[:=]/)[0] ?? entry;
      if (!names.has(node)) out.push(diag(cib, 'warning', 'fence-target-unknown', `fence device '${d.id}' names '${node}', which is not a node of this cluster`, list));
      covered.add(node);
    }
  }
  if (fencingEnabled(cib) && devices.length > 0 && !anyDynamic) {
    for (const n of cib.nodes) if (!covered.has(n.uname)) out.push(diag(cib, 'warning', 'node-not-fenceable', `no fence device lists node '${n.uname}' (pcmk_host_list / pcmk_host_map): if it is lost, fencing fails and its resources stay blocked`, n));
  }
  out.push(...checkFenceRace(cib, devices));
  return out;
}

/** Two nodes, fencing on, no delay anywhere: both may shoot each other in a split. */
function checkFenceRace(cib: Cib, devices: readonly CibPrimitive[]): Diagnostic[] {
  if (cib.nodes.length !== 2 || !fencingEnabled(cib) || devices.length === 0) return [];
  const delayed = devices.some((d) => d.params['pcmk_delay_base'] || d.params['pcmk_delay_max']) || cib.options['priority-fencing-delay'];
  if (delayed) return [];
  return [diag(cib, 'warning', 'fence-race', 'two nodes with fencing and no fence delay: in a split each node fences the other and both can go down', devices[0], 'set pcmk_delay_max on the devices, pcmk_delay_base on one, or priority-fencing-delay')];
}

function checkOptions(cib: Cib): Diagnostic[] {
  const out: Diagnostic[] = [];
  const nqp = cib.options['no-quorum-policy'];
  if (nqp?.value === 'fence') out.push(diag(cib, 'error', 'no-quorum-policy-fence', "no-quorum-policy=fence does not exist in Pacemaker 2.1.5 (crm_verify rejects it); it behaves as 'stop'", nqp));
  if (nqp?.value === 'ignore' && cib.nodes.length > 2) out.push(diag(cib, 'warning', 'no-quorum-ignore', `no-quorum-policy=ignore with ${cib.nodes.length} nodes: an inquorate partition fences the others and takes their resources`, nqp));
  for (const name of ['stonith-enabled', 'symmetric-cluster', 'start-failure-is-fatal', 'maintenance-mode', 'stop-all-resources']) {
    const nv = cib.options[name];
    if (nv && !TRUE.test(nv.value) && !FALSE.test(nv.value)) out.push(diag(cib, 'error', 'bad-boolean', `${name}='${nv.value}' is not a boolean`, nv));
  }
  const fs = cib.featureSet?.split('.').map(Number);
  if (fs && fs.length === 3 && (fs[0] ?? 0) * 1e6 + (fs[1] ?? 0) * 1e3 + (fs[2] ?? 0) > 3_016_001) {
    out.push(diag(cib, 'info', 'feature-set-newer', `crm_feature_set ${cib.featureSet} is newer than Pacemaker 2.1.5's 3.16.1: crm_simulate 2.1.5 refuses this CIB`, undefined));
  }
  return out;
}

function checkReferences(cib: Cib): Diagnostic[] {
  const out: Diagnostic[] = [];
  const rscIds = new Set<string>();
  for (const r of cib.resources) {
    rscIds.add(r.id);
    if (r.kind === 'group') r.members.forEach((m) => rscIds.add(m.id));
    if (r.kind === 'clone') rscIds.add(r.child.id);
  }
  const nodes = new Set(cib.nodes.map((n) => n.uname));
  for (const l of cib.locations) {
    if (!rscIds.has(l.rsc)) out.push(diag(cib, 'error', 'unknown-resource', `location '${l.id}' names resource '${l.rsc}', which does not exist`, l));
    if (!nodes.has(l.node)) out.push(diag(cib, 'warning', 'unknown-node', `location '${l.id}' names node '${l.node}', which is not in <nodes>`, l));
  }
  for (const c of cib.colocations) {
    for (const id of [c.rsc, c.withRsc]) if (!rscIds.has(id)) out.push(diag(cib, 'error', 'unknown-resource', `colocation '${c.id}' names resource '${id}', which does not exist`, c));
  }
  for (const o of cib.orders) {
    for (const id of [o.first, o.then]) if (!rscIds.has(id)) out.push(diag(cib, 'error', 'unknown-resource', `order '${o.id}' names resource '${id}', which does not exist`, o));
  }
  const devices = new Set(primitivesOf(cib.resources).filter((p) => p.class === 'stonith').map((p) => p.id));
  for (const lvl of cib.fencingLevels) {
    if (lvl.target && !nodes.has(lvl.target)) out.push(diag(cib, 'error', 'unknown-node', `fencing-level target '${lvl.target}' is not a node`, lvl));
    for (const d of lvl.devices) if (!devices.has(d)) out.push(diag(cib, 'error', 'unknown-fence-device', `fencing-level names device '${d}', which is not a stonith resource`, lvl));
  }
  return out;
}

/** A resource no node may run: every node at -INFINITY, or an opt-in cluster with no location allowing it. */
function checkRunnable(cib: Cib): Diagnostic[] {
  const out: Diagnostic[] = [];
  const symmetric = !FALSE.test(cib.options['symmetric-cluster']?.value ?? 'true');
  if (cib.nodes.length === 0) return [diag(cib, 'error', 'no-nodes', 'the CIB lists no nodes', undefined)];
  for (const p of primitivesOf(cib.resources)) {
    const allowed = cib.nodes.filter((n) => {
      const scores = cib.locations.filter((l) => l.rsc === p.id && l.node === n.uname).map((l) => l.score);
      if (scores.some((s) => s <= -INF)) return false;
      return symmetric || scores.length > 0;
    });
    if (allowed.length === 0) out.push(diag(cib, 'warning', 'resource-cannot-run', `no node may run '${p.id}' (every node is excluded by location constraints${symmetric ? '' : ' or not opted in'})`, p));
  }
  return out;
}

/** Connected groups of -INFINITY colocations at least as large as the cluster: any node loss evicts a running one. */
function checkExclusive(cib: Cib): Diagnostic[] {
  const anti = cib.colocations.filter((c) => c.score <= -INF);
  if (!anti.length) return [];
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r) ?? r;
    return r;
  };
  for (const c of anti) {
    parent.set(find(c.rsc), find(c.withRsc));
    if (!parent.has(c.withRsc)) parent.set(c.withRsc, c.withRsc);
  }
  const size = new Map<string, number>();
  const members = new Set(anti.flatMap((c) => [c.rsc, c.withRsc]));
  for (const m of members) size.set(find(m), (size.get(find(m)) ?? 0) + 1);
  const out: Diagnostic[] = [];
  for (const c of anti) {
    const n = size.get(find(c.rsc)) ?? 0;
    if (n < cib.nodes.length) continue;
    out.push(diag(cib, 'warning', 'exclusive-evicts', `'${c.rsc}' is kept apart from '${c.withRsc}' (-INFINITY) among ${n} mutually exclusive resources on ${cib.nodes.length} nodes: when a node is lost, '${c.withRsc}' is placed first and can take the node where '${c.rsc}' runs, stopping a running VM (rgmanager's exclusive never stops a running service)`, c, 'use utilization or a finite negative score if a running VM must never be stopped for another'));
  }
  return out;
}

function checkStatus(cib: Cib): Diagnostic[] {
  const names = new Set(cib.nodes.map((n) => n.uname));
  return (cib.status ?? []).filter((s) => !names.has(s.uname)).map((s) => diag(cib, 'warning', 'status-unknown-node', `status has a node_state for '${s.uname}', which is not in <nodes> (ignored)`, s));
}

/** All the checks, in file order. */
export function checkCib(cib: Cib): Diagnostic[] {
  return [...checkOptions(cib), ...checkFencing(cib), ...checkReferences(cib), ...checkRunnable(cib), ...checkExclusive(cib), ...checkStatus(cib)];
}
