/**
 * Read a Pacemaker CIB (the XML `cibadmin -Q` writes) into the located model.
 *
 * Theory of operation: parse with the shared XML parser (located, bounded),
 * then walk the known sections. What Pacemaker would reject (a bad score, a
 * missing id) is an error diagnostic; what we read but do not model (rules,
 * resource sets, bundles) and what we do not know (an unknown element) is a
 * warning naming the element. Nothing here throws except the XML parser's
 * located error and `not-a-cib` for another document.
 *
 * Rules: bounded — at most MAX_NODES nodes and MAX_RESOURCES resources are
 * read; more is one located error, never a slow run.
 */
import { ConfigError } from '../../core/errors.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import { parseXml, xmlAttrValue, type XmlElement } from '../xml.js';
import type {
  Cib, CibClone, CibColocation, CibFencingLevel, CibGroup, CibLocation, CibLrmOp, CibNode, CibNodeState, CibNvpair, CibOp, CibOrder, CibPrimitive, CibResource,
} from './model.js';

export const MAX_NODES = 256;
export const MAX_RESOURCES = 10_000;
const INF = 1_000_000;

export interface ReadCibResult {
  readonly cib: Cib;
  readonly diagnostics: readonly Diagnostic[];
}

class Reader {
  readonly diagnostics: Diagnostic[] = [];
  constructor(readonly file: string) {}

  report(severity: Diagnostic['severity'], code: string, message: string, at: { line: number; column: number }, hint?: string): void {
    this.diagnostics.push({ severity, code, message, file: this.file, line: at.line, column: at.column, ...(hint ? { hint } : {}) });
  }

  unknown(el: XmlElement, where: string): void {
    this.report('warning', 'unknown-element', `<${el.name}> is not something ${where} holds (ignored)`, el);
  }

  required(el: XmlElement, name: string): string {
    const v = xmlAttrValue(el, name);
    if (v === undefined || v === '') this.report('error', 'missing-attribute', `<${el.name}> needs a '${name}' attribute`, el);
    return v ?? '';
  }

  nvpairs(el: XmlElement | undefined, into: Record<string, CibNvpair> = {}): Record<string, CibNvpair> {
    if (!el) return into;
    for (const nv of el.children) {
      if (nv.name === 'rule') {
        this.report('warning', 'not-modelled', `rules in <${el.name}> are not evaluated; its nvpairs are read as if the rule held`, nv);
        continue;
      }
      if (nv.name !== 'nvpair') {
        this.unknown(nv, `<${el.name}>`);
        continue;
      }
      const name = this.required(nv, 'name');
      into[name] = { name, value: xmlAttrValue(nv, 'value') ?? '', line: nv.line, column: nv.column };
    }
    return into;
  }

  /** All the named attribute sets under `el` (e.g. every meta_attributes), merged in order. */
  sets(el: XmlElement, setName: string): Record<string, CibNvpair> {
    const into: Record<string, CibNvpair> = {};
    for (const c of el.children) if (c.name === setName) this.nvpairs(c, into);
    return into;
  }

  score(el: XmlElement, attr: string): number {
    const raw = xmlAttrValue(el, attr);
    const s = raw === undefined ? undefined : parseScore(raw);
    if (s === undefined) {
      this.report('error', 'bad-score', raw === undefined ? `<${el.name}> has no ${attr}` : `'${raw}' is not a score (an integer or ±INFINITY)`, el);
      return 0;
    }
    return s;
  }
}

/** A Pacemaker score: an integer (clamped to ±1,000,000) or [+-]INFINITY. */
export function parseScore(raw: string): number | undefined {
  const t = raw.trim();
  if (/^\+?(INFINITY|inf)$/i.test(t)) return INF;
  if (/^-(INFINITY|inf)$/i.test(t)) return -INF;
  if (!/^[+-]?\d{1,18}$/.test(t)) return undefined;
  return Math.max(-INF, Math.min(INF, Number.parseInt(t, 10)));
}

/** A Pacemaker duration ("10", "10s", "1m", "500ms", "PT10S") in milliseconds. */
export function parseDurationMs(raw: string): number | undefined {
  const t = raw.trim();
  const m = /^(\d{1,12})\s*(ms|msec|s|sec|m|min|h|hr)?$/i.exec(t);
  if (m) {
    const unit = (m[2] ?? 's').toLowerCase();
    const k = unit === 'ms' || unit === 'msec' ? 1 : unit === 'm' || unit === 'min' ? 60_000 : unit === 'h' || unit === 'hr' ? 3_600_000 : 1000;
    return Number(m[1]) * k;
  }
  const iso = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/i.exec(t);
  if (iso && t.length > 2) return ((Number(iso[1] ?? 0) * 60 + Number(iso[2] ?? 0)) * 60 + Number(iso[3] ?? 0)) * 1000;
  return undefined;
}

export function readCib(text: string, file = 'cib.xml'): ReadCibResult {
  const doc = parseXml(text, { file });
  const root = doc.root;
  if (root.name !== 'cib') {
    throw new ConfigError('not-a-cib', `the root element is <${root.name}>, not <cib>: this is not a Pacemaker CIB`, { file, line: root.line, column: root.column });
  }
  const r = new Reader(file);
  const config = root.children.find((c) => c.name === 'configuration');
  if (!config) r.report('error', 'no-configuration', '<cib> has no <configuration> section', root);
  const cfg = readConfiguration(r, config);
  const statusEl = root.children.find((c) => c.name === 'status');
  for (const c of root.children) if (c.name !== 'configuration' && c.name !== 'status') r.unknown(c, '<cib>');
  const hq = xmlAttrValue(root, 'have-quorum');
  const dc = xmlAttrValue(root, 'dc-uuid');
  const fs = xmlAttrValue(root, 'crm_feature_set');
  const cib: Cib = {
    file,
    haveQuorum: hq === undefined ? false : /^(1|true|yes|on|y)$/i.test(hq),
    ...(dc ? { dcUuid: dc } : {}),
    ...(fs ? { featureSet: fs } : {}),
    ...cfg,
    ...(statusEl ? { status: readStatus(r, statusEl) } : {}),
  };
  return { cib, diagnostics: r.diagnostics };
}

type ConfigPart = Pick<Cib, 'options' | 'rscDefaults' | 'opDefaults' | 'nodes' | 'resources' | 'locations' | 'colocations' | 'orders' | 'fencingLevels'>;

function readConfiguration(r: Reader, config: XmlElement | undefined): ConfigPart {
  const part: ConfigPart = { options: {}, rscDefaults: {}, opDefaults: {}, nodes: [], resources: [], locations: [], colocations: [], orders: [], fencingLevels: [] };
  if (!config) return part;
  const out = part as { -readonly [K in keyof ConfigPart]: ConfigPart[K] };
  for (const section of config.children) {
    switch (section.name) {
      case 'crm_config': out.options = r.sets(section, 'cluster_property_set'); break;
      case 'rsc_defaults': out.rscDefaults = r.sets(section, 'meta_attributes'); break;
      case 'op_defaults': out.opDefaults = r.sets(section, 'meta_attributes'); break;
      case 'nodes': out.nodes = readNodes(r, section); break;
      case 'resources': out.resources = readResources(r, section); break;
      case 'constraints': Object.assign(out, readConstraints(r, section)); break;
      case 'fencing-topology': out.fencingLevels = readFencingTopology(r, section); break;
      case 'alerts': case 'tags': case 'acls': break;
      default: r.unknown(section, '<configuration>');
    }
  }
  return part;
}

function readNodes(r: Reader, section: XmlElement): CibNode[] {
  const nodes: CibNode[] = [];
  for (const el of section.children) {
    if (el.name !== 'node') {
      r.unknown(el, '<nodes>');
      continue;
    }
    if (nodes.length >= MAX_NODES) {
      r.report('error', 'too-many-nodes', `more than ${MAX_NODES} nodes (the rest are not read; a Pacemaker cluster has at most 32 full members)`, el);
      break;
    }
    const id = r.required(el, 'id');
    const uname = xmlAttrValue(el, 'uname') ?? id;
    if (nodes.some((n) => n.uname === uname)) r.report('error', 'duplicate-node', `node '${uname}' is listed twice`, el);
    nodes.push({ id, uname, attributes: r.sets(el, 'instance_attributes'), line: el.line, column: el.column });
  }
  return nodes;
}

function readPrimitive(r: Reader, el: XmlElement): CibPrimitive {
  const ops: CibOp[] = [];
  for (const c of el.children) {
    if (c.name === 'operations') {
      for (const op of c.children) {
        if (op.name !== 'op') {
          r.unknown(op, '<operations>');
          continue;
        }
        const rawInterval = xmlAttrValue(op, 'interval') ?? '0';
        const intervalMs = parseDurationMs(rawInterval);
        if (intervalMs === undefined) r.report('error', 'bad-interval', `'${rawInterval}' is not a duration`, op);
        const onFail = xmlAttrValue(op, 'on-fail');
        const role = xmlAttrValue(op, 'role');
        ops.push({ name: r.required(op, 'name'), intervalMs: intervalMs ?? 0, ...(onFail ? { onFail } : {}), ...(role ? { role } : {}), line: op.line, column: op.column });
      }
    } else if (!['instance_attributes', 'meta_attributes', 'utilization'].includes(c.name)) {
      r.unknown(c, '<primitive>');
    }
  }
  const provider = xmlAttrValue(el, 'provider');
  return {
    kind: 'primitive', id: r.required(el, 'id'), class: r.required(el, 'class'), ...(provider ? { provider } : {}), type: r.required(el, 'type'),
    params: r.sets(el, 'instance_attributes'), meta: r.sets(el, 'meta_attributes'), ops, line: el.line, column: el.column,
  };
}

function readGroup(r: Reader, el: XmlElement): CibGroup {
  const members: CibPrimitive[] = [];
  for (const c of el.children) {
    if (c.name === 'primitive') members.push(readPrimitive(r, c));
    else if (c.name !== 'meta_attributes' && c.name !== 'instance_attributes') r.unknown(c, '<group>');
  }
  if (!members.length) r.report('error', 'empty-group', `group '${xmlAttrValue(el, 'id') ?? ''}' has no primitives`, el);
  return { kind: 'group', id: r.required(el, 'id'), meta: r.sets(el, 'meta_attributes'), members, line: el.line, column: el.column };
}

function readClone(r: Reader, el: XmlElement): CibClone | undefined {
  const meta = r.sets(el, 'meta_attributes');
  const childEl = el.children.find((c) => c.name === 'primitive' || c.name === 'group');
  if (!childEl) {
    r.report('error', 'empty-clone', `<${el.name}> '${xmlAttrValue(el, 'id') ?? ''}' has no primitive or group`, el);
    return undefined;
  }
  const child = childEl.name === 'group' ? readGroup(r, childEl) : readPrimitive(r, childEl);
  const promotable = el.name === 'master' || /^(1|true|yes|on)$/i.test(meta['promotable']?.value ?? '');
  return { kind: 'clone', id: r.required(el, 'id'), promotable, meta, child, line: el.line, column: el.column };
}

function readResources(r: Reader, section: XmlElement): CibResource[] {
  const out: CibResource[] = [];
  let count = 0;
  for (const el of section.children) {
    if (++count > MAX_RESOURCES) {
      r.report('error', 'too-many-resources', `more than ${MAX_RESOURCES} resources (the rest are not read)`, el);
      break;
    }
    if (el.name === 'primitive') out.push(readPrimitive(r, el));
    else if (el.name === 'group') out.push(readGroup(r, el));
    else if (el.name === 'clone' || el.name === 'master') {
      const c = readClone(r, el);
      if (c) out.push(c);
    } else if (el.name === 'bundle' || el.name === 'template') r.report('warning', 'not-modelled', `<${el.name}> resources are not modelled (ignored)`, el);
    else r.unknown(el, '<resources>');
  }
  const seen = new Set<string>();
  for (const el of out) {
    const ids = el.kind === 'primitive' ? [el.id] : el.kind === 'group' ? [el.id, ...el.members.map((m) => m.id)] : [el.id];
    for (const id of ids) {
      if (seen.has(id)) r.report('error', 'duplicate-id', `resource id '${id}' is used twice`, el);
      seen.add(id);
    }
  }
  return out;
}

function readConstraints(r: Reader, section: XmlElement): Pick<ConfigPart, 'locations' | 'colocations' | 'orders'> {
  const locations: CibLocation[] = [];
  const colocations: CibColocation[] = [];
  const orders: CibOrder[] = [];
  for (const el of section.children) {
    const id = xmlAttrValue(el, 'id') ?? '';
    if (el.children.some((c) => c.name === 'resource_set' || c.name === 'rule')) {
      r.report('warning', 'not-modelled', `<${el.name} id="${id}"> uses rules or resource sets, which are not modelled (ignored)`, el);
      continue;
    }
    const pos = { line: el.line, column: el.column };
    if (el.name === 'rsc_location') {
      if (xmlAttrValue(el, 'rsc-pattern') !== undefined) {
        r.report('warning', 'not-modelled', `rsc-pattern in <rsc_location id="${id}"> is not modelled (ignored)`, el);
        continue;
      }
      locations.push({ id, rsc: r.required(el, 'rsc'), node: r.required(el, 'node'), score: r.score(el, 'score'), ...pos });
    } else if (el.name === 'rsc_colocation') {
      colocations.push({ id, rsc: r.required(el, 'rsc'), withRsc: r.required(el, 'with-rsc'), score: r.score(el, 'score'), ...pos });
    } else if (el.name === 'rsc_order') {
      const symmetrical = !/^(0|false|no|off)$/i.test(xmlAttrValue(el, 'symmetrical') ?? 'true');
      orders.push({ id, first: r.required(el, 'first'), then: r.required(el, 'then'), kind: xmlAttrValue(el, 'kind') ?? 'Mandatory', symmetrical, ...pos });
    } else if (el.name === 'rsc_ticket') {
      r.report('warning', 'not-modelled', `tickets are not modelled (<rsc_ticket id="${id}"> ignored)`, el);
    } else r.unknown(el, '<constraints>');
  }
  return { locations, colocations, orders };
}

function readFencingTopology(r: Reader, section: XmlElement): CibFencingLevel[] {
  const levels: CibFencingLevel[] = [];
  for (const el of section.children) {
    if (el.name !== 'fencing-level') {
      r.unknown(el, '<fencing-topology>');
      continue;
    }
    const index = Number.parseInt(r.required(el, 'index'), 10);
    if (!Number.isInteger(index) || index < 1 || index > 9) r.report('error', 'bad-fencing-level', `fencing-level index must be 1–9`, el);
    const devices = r.required(el, 'devices').split(',').map((d) => d.trim()).filter(Boolean);
    levels.push({ target: xmlAttrValue(el, 'target') ?? '', index, devices, line: el.line, column: el.column });
  }
  return levels;
}

function readStatus(r: Reader, section: XmlElement): CibNodeState[] {
  const out: CibNodeState[] = [];
  for (const el of section.children) {
    if (el.name !== 'node_state') {
      r.unknown(el, '<status>');
      continue;
    }
    if (out.length >= MAX_NODES) {
      r.report('error', 'too-many-nodes', `more than ${MAX_NODES} node_state entries (the rest are not read)`, el);
      break;
    }
    const attributes: Record<string, CibNvpair> = {};
    const lrm: Record<string, CibLrmOp[]> = {};
    for (const c of el.children) {
      if (c.name === 'transient_attributes') for (const set of c.children) if (set.name === 'instance_attributes') r.nvpairs(set, attributes);
      if (c.name === 'lrm') for (const lr of c.children.find((x) => x.name === 'lrm_resources')?.children ?? []) readLrmResource(r, lr, lrm);
    }
    const inCcm = xmlAttrValue(el, 'in_ccm') ?? 'false';
    const crmd = xmlAttrValue(el, 'crmd') ?? 'offline';
    out.push({
      id: xmlAttrValue(el, 'id') ?? '', uname: xmlAttrValue(el, 'uname') ?? xmlAttrValue(el, 'id') ?? '',
      // 2.1.5 writes "true"/"false"; newer versions write the time of the change (a number means yes).
      inCcm: inCcm === 'true' || /^\d+$/.test(inCcm) && inCcm !== '0', crmdOnline: crmd === 'online' || /^\d+$/.test(crmd) && crmd !== '0',
      join: xmlAttrValue(el, 'join') ?? 'down', expected: xmlAttrValue(el, 'expected') ?? 'down', attributes, lrm, line: el.line, column: el.column,
    });
  }
  return out;
}

function readLrmResource(r: Reader, lr: XmlElement, into: Record<string, CibLrmOp[]>): void {
  if (lr.name !== 'lrm_resource') return r.unknown(lr, '<lrm_resources>');
  const id = xmlAttrValue(lr, 'id') ?? '';
  const ops: CibLrmOp[] = (into[id] ??= []);
  for (const op of lr.children) {
    if (op.name !== 'lrm_rsc_op') continue;
    const num = (name: string, dflt: number) => {
      const v = Number.parseInt(xmlAttrValue(op, name) ?? '', 10);
      return Number.isFinite(v) ? v : dflt;
    };
    const key = xmlAttrValue(op, 'transition-key')?.split(':');
    const target = key && key.length >= 3 ? Number.parseInt(key[2] ?? '', 10) : NaN;
    const lrc = num('last-rc-change', -1);
    ops.push({
      id: xmlAttrValue(op, 'id') ?? '', operation: xmlAttrValue(op, 'operation') ?? '', intervalMs: num('interval', 0), rc: num('rc-code', 0), opStatus: num('op-status', 0), callId: num('call-id', -1),
      ...(Number.isFinite(target) ? { targetRc: target } : {}), ...(lrc >= 0 ? { lastRcChange: lrc } : {}), line: op.line, column: op.column,
    });
  }
}
