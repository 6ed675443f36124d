/**
 * cluster.conf → the located model (model.ts), with the diagnostics the schema
 * would give: unknown elements (error, as xmllint --relaxng rejects them), unknown
 * attributes on structural elements (warning), numbers and booleans that do not
 * parse (error). Values take cman/fenced/rgmanager's defaults when absent.
 *
 * Bounded: the XML parser caps size and depth; a file with more clusternodes than
 * corosync's totem can hold (PROCESSOR_COUNT_MAX, 384) is refused with one located
 * error before any per-node work, so a 10,000-node file costs one linear scan.
 */
import type { Diagnostic } from '../../core/diagnostic.js';
import type { XmlElement } from '../xml.js';
import { xmlAttr, xmlChildren, xmlChild } from '../xml.js';
import { ATTRIBUTES, CHILDREN, RESOURCE_AGENTS } from './schema.js';
import type {
  ClusterConf, ClusterNode, CmanSection, FailoverDomain, FenceDaemonSection, FenceDeviceDef, FenceDeviceRef,
  FenceMethod, QuorumdSection, RawAttrs, RecoveryName, RmSection, RmService, TotemSection,
} from './model.js';

/** corosync's totem processor limit (PROCESSOR_COUNT_MAX); cman runs on corosync. */
export const MAX_CLUSTER_NODES = 384;

export class Reader {
  readonly diagnostics: Diagnostic[] = [];
  constructor(readonly file: string) {}

  report(code: string, severity: Diagnostic['severity'], at: { line: number; column: number }, message: string, hint?: string): void {
    this.diagnostics.push({ code, severity, message, file: this.file, line: at.line, column: at.column, ...(hint !== undefined ? { hint } : {}) });
  }

  attrs(el: XmlElement): RawAttrs {
    return Object.fromEntries(el.attributes.map((a) => [a.name, { value: a.value, line: a.line, column: a.column }]));
  }

  int(el: XmlElement, name: string, min: number, max: number = Number.MAX_SAFE_INTEGER): number | undefined {
    const a = xmlAttr(el, name);
    if (a === undefined) return undefined;
    const v = a.value.trim();
    if (!/^-?\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      this.report('rhcs-bad-number', 'error', a, `<${el.name} ${name}="${a.value}">: expected an integer from ${min} to ${max === Number.MAX_SAFE_INTEGER ? '…' : max}`);
      return undefined;
    }
    return Number(v);
  }

  bool(el: XmlElement, name: string, dflt: boolean): boolean {
    const a = xmlAttr(el, name);
    if (a === undefined) return dflt;
    const v = a.value.trim().toLowerCase();
    if (v === '1' || v === 'yes' || v === 'true' || v === 'on') return true;
    if (v === '0' || v === 'no' || v === 'false' || v === 'off') return false;
    this.report('rhcs-bad-boolean', 'error', a, `<${el.name} ${name}="${a.value}">: expected 0 or 1`);
    return dflt;
  }

  str(el: XmlElement, name: string): string | undefined {
    return xmlAttr(el, name)?.value;
  }

  required(el: XmlElement, name: string): string {
    const v = this.str(el, name);
    if (v === undefined || v === '') this.report('rhcs-missing-attribute', 'error', el, `<${el.name}> needs a ${name} attribute`);
    return v ?? '';
  }
}

/** Walk the tree once: elements the schema does not allow where they are, attributes it does not know. */
export function checkStructure(r: Reader, root: XmlElement): void {
  const stack: { el: XmlElement; inService: boolean }[] = [{ el: root, inService: false }];
  while (stack.length > 0) {
    const { el, inService } = stack.pop() as { el: XmlElement; inService: boolean };
    const agentish = inService || el.name === 'resources' || el.name === 'service' || el.name === 'vm';
    const known = ATTRIBUTES[el.name];
    if (known !== undefined && !inService) {
      for (const a of el.attributes) {
        if (!known.includes(a.name)) r.report('rhcs-unknown-attribute', 'warning', a, `<${el.name}> has no attribute ${a.name}`);
      }
    }
    for (const child of el.children) {
      const allowed = CHILDREN[el.name] ?? [];
      const ok = allowed.includes(child.name) || (agentish && RESOURCE_AGENTS.has(child.name));
      if (!ok) {
        const where = agentish ? 'is not a resource agent rgmanager knows' : `is not allowed inside <${el.name}>`;
        r.report('rhcs-unknown-element', agentish ? 'warning' : 'error', child, `<${child.name}> ${where}`);
        continue;
      }
      stack.push({ el: child, inService: agentish && child.name !== 'failoverdomains' && child.name !== 'events' });
    }
  }
}

export function readClusterElement(r: Reader, root: XmlElement): ClusterConf | undefined {
  if (root.name !== 'cluster') {
    r.report('rhcs-not-cluster-conf', 'error', root, `the root element is <${root.name}>, cluster.conf starts with <cluster>`);
    return undefined;
  }
  const nodesEl = xmlChild(root, 'clusternodes');
  const nodeEls = nodesEl === undefined ? [] : xmlChildren(nodesEl, 'clusternode');
  if (nodeEls.length > MAX_CLUSTER_NODES) {
    r.report('rhcs-too-many-nodes', 'error', nodesEl ?? root,
      `${nodeEls.length} clusternodes: corosync's totem holds at most ${MAX_CLUSTER_NODES} processors; refusing to read further`);
    return undefined;
  }
  checkStructure(r, root);
  const name = r.required(root, 'name');
  const configVersion = r.int(root, 'config_version', 1);
  if (configVersion === undefined && xmlAttr(root, 'config_version') === undefined) {
    r.report('rhcs-missing-attribute', 'error', root, '<cluster> needs a config_version attribute');
  }
  const cmanEl = xmlChild(root, 'cman');
  const totemEl = xmlChild(root, 'totem');
  const qdEl = xmlChild(root, 'quorumd');
  const fdsEl = xmlChild(root, 'fencedevices');
  const rmEl = xmlChild(root, 'rm');
  return {
    file: r.file, name, ...(configVersion !== undefined ? { configVersion } : {}), root: { line: root.line, column: root.column },
    ...(cmanEl ? { cman: readCman(r, cmanEl) } : {}),
    ...(totemEl ? { totem: readTotem(r, totemEl) } : {}),
    ...(qdEl ? { quorumd: readQuorumd(r, qdEl) } : {}),
    fenceDaemon: readFenceDaemon(r, xmlChild(root, 'fence_daemon') ?? root),
    nodes: nodeEls.map((n) => readNode(r, n)),
    fenceDevices: fdsEl === undefined ? [] : xmlChildren(fdsEl, 'fencedevice').map((d) => readFenceDevice(r, d)),
    ...(rmEl ? { rm: readRm(r, rmEl) } : {}),
  };
}

function readCman(r: Reader, el: XmlElement): CmanSection {
  const expectedVotes = r.int(el, 'expected_votes', 1);
  return { line: el.line, column: el.column, twoNode: r.bool(el, 'two_node', false), ...(expectedVotes !== undefined ? { expectedVotes } : {}), attrs: r.attrs(el) };
}

function readTotem(r: Reader, el: XmlElement): TotemSection {
  const tokenMs = r.int(el, 'token', 1);
  const consensusMs = r.int(el, 'consensus', 1);
  return { line: el.line, column: el.column, ...(tokenMs !== undefined ? { tokenMs } : {}), ...(consensusMs !== undefined ? { consensusMs } : {}), attrs: r.attrs(el) };
}

function readQuorumd(r: Reader, el: XmlElement): QuorumdSection {
  const votes = r.int(el, 'votes', 0, 255);
  return {
    line: el.line, column: el.column, ...(votes !== undefined ? { votes } : {}),
    intervalS: r.int(el, 'interval', 1) ?? 1, tko: r.int(el, 'tko', 1) ?? 10, masterWins: r.bool(el, 'master_wins', false), attrs: r.attrs(el),
  };
}

function readFenceDaemon(r: Reader, el: XmlElement): FenceDaemonSection {
  const present = el.name === 'fence_daemon';
  return {
    line: el.line, column: el.column,
    postFailDelayS: present ? r.int(el, 'post_fail_delay', 0) ?? 0 : 0,
    postJoinDelayS: present ? r.int(el, 'post_join_delay', -1) ?? 6 : 6,
    cleanStart: present ? r.bool(el, 'clean_start', false) : false,
    overrideTimeS: present ? r.int(el, 'override_time', 0) ?? 3 : 3,
  };
}

function readDeviceRef(r: Reader, el: XmlElement): FenceDeviceRef {
  const delayS = r.int(el, 'delay', 0);
  const port = r.str(el, 'port') ?? r.str(el, 'nodename') ?? r.str(el, 'ipaddr');
  const action = r.str(el, 'action');
  return {
    line: el.line, column: el.column, name: r.required(el, 'name'),
    ...(port !== undefined ? { port } : {}), ...(action !== undefined ? { action } : {}), ...(delayS !== undefined ? { delayS } : {}), attrs: r.attrs(el),
  };
}

function readNode(r: Reader, el: XmlElement): ClusterNode {
  const fence = xmlChild(el, 'fence');
  const unfence = xmlChild(el, 'unfence');
  const nodeid = r.int(el, 'nodeid', 1);
  const methods: FenceMethod[] = (fence === undefined ? [] : xmlChildren(fence, 'method')).map((m, i) => ({
    line: m.line, column: m.column, name: r.str(m, 'name') ?? String(i + 1),
    devices: xmlChildren(m, 'device').map((d) => readDeviceRef(r, d)),
  }));
  return {
    line: el.line, column: el.column, name: r.required(el, 'name'), ...(nodeid !== undefined ? { nodeid } : {}),
    votes: r.int(el, 'votes', 0, 255) ?? 1, methods, hasFenceElement: fence !== undefined,
    unfence: unfence === undefined ? [] : xmlChildren(unfence, 'device').map((d) => readDeviceRef(r, d)),
    altnames: xmlChildren(el, 'altname').map((a) => r.str(a, 'name') ?? '').filter((s) => s !== ''),
    attrs: r.attrs(el),
  };
}

function readFenceDevice(r: Reader, el: XmlElement): FenceDeviceDef {
  const ipaddr = r.str(el, 'ipaddr') ?? r.str(el, 'ip');
  const delayS = r.int(el, 'delay', 0);
  return {
    line: el.line, column: el.column, name: r.required(el, 'name'), agent: r.required(el, 'agent'),
    ...(ipaddr !== undefined ? { ipaddr } : {}), ...(delayS !== undefined ? { delayS } : {}), attrs: r.attrs(el),
  };
}

function readRm(r: Reader, el: XmlElement): RmSection {
  const fods = xmlChild(el, 'failoverdomains');
  const res = xmlChild(el, 'resources');
  return {
    line: el.line, column: el.column,
    statusPollIntervalS: r.int(el, 'status_poll_interval', 1) ?? 10,
    domains: fods === undefined ? [] : xmlChildren(fods, 'failoverdomain').map((d) => readDomain(r, d)),
    services: el.children.filter((c) => c.name === 'service' || c.name === 'vm').map((s) => readService(r, s)),
    resources: (res?.children ?? []).map((c) => agentRef(r, c)),
  };
}

function agentRef(r: Reader, c: XmlElement): { type: string; name?: string; line: number; column: number } {
  const name = r.str(c, 'name') ?? r.str(c, 'ref') ?? r.str(c, 'address');
  return { type: c.name, ...(name !== undefined ? { name } : {}), line: c.line, column: c.column };
}

function readDomain(r: Reader, el: XmlElement): FailoverDomain {
  return {
    line: el.line, column: el.column, name: r.required(el, 'name'),
    ordered: r.bool(el, 'ordered', false), restricted: r.bool(el, 'restricted', false), nofailback: r.bool(el, 'nofailback', false),
    nodes: xmlChildren(el, 'failoverdomainnode').map((n) => {
      const priority = r.int(n, 'priority', 1, 100);
      return { line: n.line, column: n.column, name: r.required(n, 'name'), ...(priority !== undefined ? { priority } : {}) };
    }),
  };
}

const RECOVERY: readonly string[] = ['restart', 'relocate', 'disable', 'restart-disable'];

function readService(r: Reader, el: XmlElement): RmService {
  const kind = el.name === 'vm' ? 'vm' : 'service';
  const name = r.required(el, 'name');
  const recAttr = xmlAttr(el, 'recovery');
  let recovery: RecoveryName = 'restart';
  if (recAttr !== undefined) {
    if (RECOVERY.includes(recAttr.value)) recovery = recAttr.value as RecoveryName;
    else r.report('rhcs-bad-recovery', 'error', recAttr, `recovery="${recAttr.value}": rgmanager knows restart, relocate and disable`);
  }
  const domain = r.str(el, 'domain');
  const depend = r.str(el, 'depend');
  const migrate = r.str(el, 'migrate');
  return {
    line: el.line, column: el.column, kind, name, id: `${kind}:${name}`,
    ...(domain !== undefined ? { domain } : {}), ...(depend !== undefined ? { depend } : {}), ...(migrate !== undefined ? { migrate } : {}),
    autostart: r.bool(el, 'autostart', true), exclusive: r.bool(el, 'exclusive', false), recovery,
    maxRestarts: r.int(el, 'max_restarts', -1) ?? 0, restartExpireTimeS: r.int(el, 'restart_expire_time', 0) ?? 0,
    attrs: r.attrs(el), resources: el.children.map((c) => agentRef(r, c)),
  };
}
