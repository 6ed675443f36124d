/**
 * A CIB (src/config/cib) as the Pacemaker scheduler's input (src/fencing/pacemaker):
 * cluster options with their 2.1.5 defaults, resource meta attributes resolved
 * (the resource's own, then its group's, then rsc_defaults), fence devices'
 * targets, constraints, and the status section as state.
 *
 * Rules: every default is Pacemaker 2.1.5's; a value Pacemaker would reset to
 * its default is reset here too, with a located warning saying so.
 */
import type { Diagnostic } from '../../core/diagnostic.js';
import { parseDurationMs, parseScore } from '../../config/cib/read.js';
import type { Cib, CibNvpair, CibPrimitive, CibResource } from '../../config/cib/model.js';
import {
  INFINITY, historyFromOps,
  type NoQuorumPolicy, type OnFail, type PcmkColocation, type PcmkOrder, type PcmkConfig, type PcmkOptions, type PcmkResource, type PcmkState, type Requires, type RscHistory,
} from '../../fencing/pacemaker/index.js';

export interface PcmkInput {
  readonly config: PcmkConfig;
  readonly state: PcmkState;
  readonly diagnostics: readonly Diagnostic[];
}

const TRUE = /^(1|true|yes|on|y)$/i;
const FALSE = /^(0|false|no|off|n)$/i;
const POLICIES: readonly NoQuorumPolicy[] = ['stop', 'freeze', 'ignore', 'demote', 'suicide'];
const ON_FAIL: readonly OnFail[] = ['ignore', 'block', 'stop', 'restart', 'fence', 'standby', 'demote'];

class Mapper {
  readonly diagnostics: Diagnostic[] = [];
  constructor(readonly file: string) {}

  warn(code: string, message: string, at: CibNvpair | { line: number; column: number }): void {
    this.diagnostics.push({ severity: 'warning', code, message, file: this.file, line: at.line, column: at.column });
  }

  bool(nv: CibNvpair | undefined, dflt: boolean): boolean {
    if (!nv) return dflt;
    if (TRUE.test(nv.value)) return true;
    if (FALSE.test(nv.value)) return false;
    this.warn('bad-boolean', `${nv.name}='${nv.value}' is not a boolean; Pacemaker uses ${dflt}`, nv);
    return dflt;
  }

  seconds(nv: CibNvpair | undefined, dflt: number): number {
    if (!nv) return dflt;
    const ms = parseDurationMs(nv.value);
    if (ms === undefined) {
      this.warn('bad-duration', `${nv.name}='${nv.value}' is not a duration; Pacemaker uses ${dflt}s`, nv);
      return dflt;
    }
    return ms / 1000;
  }

  score(nv: CibNvpair | undefined, dflt: number): number {
    if (!nv) return dflt;
    const s = parseScore(nv.value);
    if (s === undefined) {
      this.warn('bad-score', `${nv.name}='${nv.value}' is not a score; Pacemaker uses ${dflt}`, nv);
      return dflt;
    }
    return s;
  }
}

function options(m: Mapper, cib: Cib): PcmkOptions {
  const o = cib.options;
  let policy: NoQuorumPolicy = 'stop';
  const nqp = o['no-quorum-policy'];
  if (nqp) {
    if ((POLICIES as readonly string[]).includes(nqp.value)) policy = nqp.value as NoQuorumPolicy;
    else m.warn('bad-no-quorum-policy', `no-quorum-policy='${nqp.value}' does not exist in Pacemaker 2.1.5; it behaves as 'stop'`, nqp);
  }
  const action = o['stonith-action']?.value;
  return {
    stonithEnabled: m.bool(o['stonith-enabled'], true),
    noQuorumPolicy: policy,
    symmetricCluster: m.bool(o['symmetric-cluster'], true),
    stonithAction: action === 'off' || action === 'poweroff' ? 'off' : 'reboot',
    priorityFencingDelayS: m.seconds(o['priority-fencing-delay'], 0),
    startFailureIsFatal: m.bool(o['start-failure-is-fatal'], true),
    concurrentFencing: m.bool(o['concurrent-fencing'], false),
    stopAllResources: m.bool(o['stop-all-resources'], false),
    maintenanceMode: m.bool(o['maintenance-mode'], false),
  };
}

/** pcmk_host_list ("a b,c") or pcmk_host_map ("a:1;b:2") → the nodes a device fences. */
function fenceTargets(p: CibPrimitive): string[] | undefined {
  const list = p.params['pcmk_host_list']?.value;
  const map = p.params['pcmk_host_map']?.value;
  if (list) return list.split(/[\s,;]+/).filter(Boolean);
  if (map) return map.split(/[\s,;]+/).filter(Boolean).map((e) => e.split(/[:=]/)[0] ?? e);
  return undefined;
}

function resource(m: Mapper, cib: Cib, opts: PcmkOptions, p: CibPrimitive, groupMeta: Readonly<Record<string, CibNvpair>>): PcmkResource {
  const meta = (name: string): CibNvpair | undefined => p.meta[name] ?? groupMeta[name] ?? cib.rscDefaults[name];
  const isStonith = p.class === 'stonith';
  const dfltRequires = (isStonith ? 'quorum' : opts.stonithEnabled ? 'fencing' : opts.noQuorumPolicy === 'ignore' ? 'nothing' : 'quorum') as Requires;
  let requires: Requires = dfltRequires;
  const rq = meta('requires');
  if (rq && !isStonith) {
    if (['nothing', 'quorum', 'fencing', 'unfencing'].includes(rq.value)) requires = rq.value as Requires;
    else m.warn('bad-requires', `requires='${rq.value}' is not one of nothing, quorum, fencing, unfencing; Pacemaker uses '${dfltRequires}'`, rq);
    if ((requires === 'fencing' || requires === 'unfencing') && !opts.stonithEnabled) requires = 'quorum';
  }
  const role = meta('target-role')?.value ?? 'Started';
  const targetRole = /^stopped$/i.test(role) ? 'Stopped' : /^(promoted|master)$/i.test(role) ? 'Promoted' : /^(unpromoted|slave)$/i.test(role) ? 'Unpromoted' : 'Started';
  const ops = p.ops.map((op) => {
    const opFail = op.onFail;
    if (opFail !== undefined && !(ON_FAIL as readonly string[]).includes(opFail)) m.warn('bad-on-fail', `on-fail='${opFail}' is not known; Pacemaker uses the default`, op);
    return { name: op.name, intervalMs: op.intervalMs, ...(opFail && (ON_FAIL as readonly string[]).includes(opFail) ? { onFail: opFail as OnFail } : {}) };
  });
  const targets = isStonith ? fenceTargets(p) : undefined;
  const base = p.params['pcmk_delay_base'];
  const max = p.params['pcmk_delay_max'];
  return {
    id: p.id, isStonith,
    priority: m.score(meta('priority'), 0),
    stickiness: m.score(meta('resource-stickiness') ?? meta('default-resource-stickiness'), 0),
    migrationThreshold: m.score(meta('migration-threshold'), INFINITY),
    failureTimeoutS: m.seconds(meta('failure-timeout'), 0),
    requires, targetRole, isManaged: m.bool(meta('is-managed'), true), ops,
    ...(targets ? { fenceTargets: targets } : {}),
    ...(base ? { delayBaseS: m.seconds(base, 0) } : {}),
    ...(max ? { delayMaxS: m.seconds(max, 0) } : {}),
  };
}

function resources(m: Mapper, cib: Cib, opts: PcmkOptions): { list: PcmkResource[]; groupColocations: PcmkColocation[]; groupOrders: PcmkOrder[] } {
  const list: PcmkResource[] = [];
  const groupColocations: PcmkColocation[] = [];
  const groupOrders: PcmkOrder[] = [];
  const add = (r: CibResource) => {
    if (r.kind === 'primitive') list.push(resource(m, cib, opts, r, {}));
    else if (r.kind === 'group') {
      r.members.forEach((p, i) => {
        list.push(resource(m, cib, opts, p, r.meta));
        const prev = r.members[i - 1];
        // A group is its members colocated (and ordered) one after the other.
        if (prev) groupColocations.push({ rsc: p.id, withRsc: prev.id, score: INFINITY });
        if (prev) groupOrders.push({ first: prev.id, then: p.id });
      });
    } else if (r.child.kind === 'primitive') {
      const max = m.score(r.meta['clone-max'], cib.nodes.length);
      if (r.promotable) m.warn('not-modelled', `promotable clone '${r.id}': its instances are placed, started and stopped, but promotion is not modelled`, r);
      const base = resource(m, cib, opts, r.child, r.meta);
      // Clone instances are sticky by default (resource-stickiness 1 when nothing sets it).
      const sticky = r.child.meta['resource-stickiness'] ?? r.meta['resource-stickiness'] ?? cib.rscDefaults['resource-stickiness'];
      list.push({ ...base, ...(sticky ? {} : { stickiness: 1 }), clone: { id: r.id, max: Math.max(0, Math.min(max, cib.nodes.length)) } });
    } else m.warn('not-modelled', `clone '${r.id}' of a group is read but not scheduled (cloned groups are not modelled)`, r);
  };
  cib.resources.forEach(add);
  return { list, groupColocations, groupOrders };
}

function state(cib: Cib, nodeNames: readonly string[]): PcmkState {
  const nodes: Record<string, PcmkState['nodes'][string]> = {};
  const history: Record<string, Record<string, RscHistory>> = {};
  const attrs: Record<string, Record<string, string>> = {};
  for (const ns of cib.status ?? []) {
    const name = ns.uname;
    if (!nodeNames.includes(name)) continue;
    const configured = cib.nodes.find((n) => n.uname === name);
    const standby = TRUE.test(ns.attributes['standby']?.value ?? configured?.attributes['standby']?.value ?? '');
    nodes[name] = { inCcm: ns.inCcm, crmdOnline: ns.crmdOnline, expectedUp: ns.expected === 'member', ...(standby ? { standby } : {}) };
    attrs[name] = Object.fromEntries(Object.values(ns.attributes).map((nv) => [nv.name, nv.value]));
    const h: Record<string, RscHistory> = {};
    for (const [raw, ops] of Object.entries(ns.lrm)) {
      // An anonymous clone's history may carry the instance number (dlm:0); it is the clone's primitive.
      const rsc = raw.replace(/:\d+$/, '');
      const folded = historyFromOps(ops.map((o) => ({ task: o.operation, intervalMs: o.intervalMs, rc: o.rc, callId: o.callId, ...(o.targetRc !== undefined ? { targetRc: o.targetRc } : {}), ...(o.lastRcChange !== undefined ? { lastRcChangeS: o.lastRcChange } : {}) })));
      if (folded) h[rsc] = folded;
    }
    history[name] = h;
  }
  return { quorate: cib.haveQuorum, nodes, history, attrs };
}

/** Map a read CIB onto the scheduler's input. */
export function pacemakerFromCib(cib: Cib): PcmkInput {
  const m = new Mapper(cib.file);
  const opts = options(m, cib);
  const nodeNames = cib.nodes.map((n) => n.uname);
  const { list, groupColocations, groupOrders } = resources(m, cib, opts);
  const known = new Set(list.flatMap((r) => (r.clone ? [r.id, r.clone.id] : [r.id])));
  const locations = cib.locations.filter((l) => known.has(l.rsc)).map((l) => ({ rsc: l.rsc, node: l.node, score: l.score }));
  const colocations = [...groupColocations, ...cib.colocations.filter((c) => known.has(c.rsc) && known.has(c.withRsc)).map((c) => ({ rsc: c.rsc, withRsc: c.withRsc, score: c.score }))];
  const dc = cib.nodes.find((n) => n.id === cib.dcUuid)?.uname;
  // Mandatory orders (kind Mandatory, or an older score-based order with a positive score).
  const orders = [...groupOrders, ...cib.orders.filter((o) => known.has(o.first) && known.has(o.then) && /^mandatory$/i.test(o.kind)).map((o) => ({ first: o.first, then: o.then }))];
  const config: PcmkConfig = { options: opts, nodes: nodeNames, ...(dc ? { dc } : {}), resources: list, locations, colocations, orders };
  return { config, state: state(cib, nodeNames), diagnostics: m.diagnostics };
}
