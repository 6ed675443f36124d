/**
 * Preparing a scenario to run: read each node's keepalived.conf, parse it,
 * refuse what keepalived would refuse, give every interface an address, map the
 * model to the engine's configuration, and check every event against the nodes
 * it names (their scripts, their interfaces).
 *
 * Theory of operation: all the checks that need the configurations happen here,
 * before any backend starts, so a mistake is reported at its file:line:column
 * with every other mistake, and a run never stops half-way on bad input.
 *
 * Rules:
 * - A node's address: the one given (`NAME=FILE@ADDRESS`, `node … @ADDRESS`),
 *   else the config's unicast_src_ip / mcast_src_ip, else assigned (addresses.ts).
 * - Every interface name is one segment shared by all nodes.
 * - A `fail`/`ok` written before a node starts sets what its script returns at
 *   start (at 0 s for the nodes that start at 0).
 */
import { readConfigFile } from '../config/index.js';
import { ConfigError } from '../core/errors.js';
import { describeErrno } from '../core/errno.js';
import type { ClusterEvent } from '../core/backend.js';
import { compareDiagnostics, type Diagnostic } from '../core/diagnostic.js';
import type { NodeId } from '../core/ids.js';
import type { KeepalivedConfig } from '../config/model.js';
import type { VrrpNodeConfig } from '../vrrp/types.js';
import type { NodeSpec } from '../spec/node-spec.js';
import { assignAddresses, type AssignedInterface } from './addresses.js';
import type { ScenarioEvent } from './events.js';
import { addressNeeds, toVrrpNodeConfig } from './from-keepalived.js';
import { deferredNodes, ScenarioFileError, type Scenario, type ScenarioNode } from './scenario.js';
import type { TimelineInstance, TimelineNode } from './timeline.js';
import type { DirectorNodeConfig } from '../ipvs/director-node-config.js';
import { prepareLvs, type PreparedLvs } from './lvs/topology.js';
import { lvsProblems } from './lvs/checks.js';
import { boundsProblems, noOpEvents } from './bounds.js';
import { namesProblems } from './names.js';

export interface ConfigText {
  /** What diagnostics call it: the file path, or `scenario-file:line` for inline text. */
  readonly file: string;
  readonly text: string;
}

/**
 * Parse one node's configuration; `refused` lists what makes keepalived refuse to run it,
 * `included` the files it includes as they were read. `configId` is keepalived's for
 * `@id` lines: the node's host name, which in the lab is the node's name.
 */
export type ConfigParser = (source: ConfigText, options?: { readonly configId?: string }) => {
  readonly model: KeepalivedConfig;
  readonly diagnostics: readonly Diagnostic[];
  readonly refused: readonly Diagnostic[];
  readonly included?: readonly ConfigText[];
};

export interface PrepareOptions {
  readonly parse: ConfigParser;
  readonly readFile?: (path: string) => string;
}

/** A node ready to run: the backend-neutral NodeSpec (what a backend gets) and what preparation knows besides. */
export interface PreparedNode extends NodeSpec {
  readonly id: NodeId;
  readonly address: string;
  readonly addressSource: 'given' | 'config' | 'assigned';
  readonly deferred: boolean;
  readonly interfaces: readonly AssignedInterface[];
  readonly vrrp: VrrpNodeConfig;
  readonly model: KeepalivedConfig;
  readonly lvs?: DirectorNodeConfig;
}

export interface PreparedScenario {
  readonly scenario: Scenario;
  readonly nodes: readonly PreparedNode[];
  readonly timelineNodes: readonly TimelineNode[];
  readonly instances: readonly TimelineInstance[];
  /** Warnings and notes from parsing and mapping (errors are thrown). */
  readonly diagnostics: readonly Diagnostic[];
  /** The real servers, clients and services, when some node has virtual servers. */
  readonly lvs?: PreparedLvs;
}

export function prepareScenario(scenario: Scenario, options: PrepareOptions): PreparedScenario {
  const errors: Diagnostic[] = boundsProblems(scenario);
  const notes: Diagnostic[] = [];
  const loaded = scenario.nodes.map((n) => loadNode(n, options, errors, notes));
  if (errors.length > 0) throw new ScenarioFileError(errors.sort(compareDiagnostics));
  const models = loaded as LoadedNode[];
  const needs = models.map((m) => addressNeeds(m.model, m.node.id, m.node.address));
  const assigned = assignAddresses(needs);
  const deferred = new Set(deferredNodes(scenario));
  notes.push(...noOpEvents(scenario, deferred));
  const nodes = models.map((m): PreparedNode => {
    const interfaces = assigned.get(m.node.id) ?? [];
    const mapped = toVrrpNodeConfig(m.model, m.node.id, interfaces);
    for (const d of mapped.diagnostics) (d.severity === 'error' ? errors : notes).push(d);
    const primary = interfaces[0];
    return {
      id: m.node.id,
      address: primary?.address ?? '0.0.0.0',
      addressSource: m.node.address !== undefined ? 'given' : primary?.source === 'given' ? 'config' : 'assigned',
      deferred: deferred.has(m.node.id),
      interfaces,
      vrrp: mapped.value,
      initialScriptExitCodes: initialExitCodes(scenario.events, m.node.id, deferred.has(m.node.id)),
      keepalived: { ...m.text, included: m.included },
      model: m.model,
    };
  });
  const lvs = prepareLvs(nodes.map((n) => ({ id: n.id, model: n.model, interfaces: n.interfaces })), scenario.realServers ?? []);
  if (lvs !== undefined) notes.push(...lvs.diagnostics);
  const withLvs = nodes.map((n) => {
    const director = lvs?.directors.get(n.id);
    return director === undefined ? n : { ...n, lvs: director };
  });
  errors.push(...checkEvents(scenario.events, withLvs), ...lvsProblems(scenario, lvs?.directors.size ? lvs : undefined), ...namesProblems(scenario, withLvs));
  if (errors.length > 0) throw new ScenarioFileError(errors.sort(compareDiagnostics));
  return {
    scenario,
    nodes: withLvs,
    timelineNodes: withLvs.map(timelineNode),
    instances: withLvs.flatMap(timelineInstances),
    diagnostics: notes,
    ...(lvs !== undefined && lvs.directors.size > 0 ? { lvs } : {}),
  };
}

interface LoadedNode {
  readonly node: ScenarioNode;
  readonly text: ConfigText;
  readonly included: readonly ConfigText[];
  readonly model: KeepalivedConfig;
}

function loadNode(node: ScenarioNode, options: PrepareOptions, errors: Diagnostic[], notes: Diagnostic[]): LoadedNode | undefined {
  let text: ConfigText;
  if (node.config.kind === 'text') text = { file: node.config.name, text: node.config.text };
  else {
    const path = node.config.path;
    try {
      text = { file: path, text: (options.readFile ?? readConfigFile)(path) };
    } catch (cause) {
      const where = node.location ? { file: node.location.file, line: node.location.line, column: node.location.column } : {};
      const [code, why] = cause instanceof ConfigError ? [cause.code, cause.message] : ['scenario-config-unreadable', `cannot read '${path}' (${describeErrno(cause)})`];
      errors.push({ code, severity: 'error', message: `node ${node.id}: ${why}`, ...where });
      return undefined;
    }
  }
  const parsed = options.parse(text, { configId: node.id });
  if (parsed.refused.length > 0) {
    errors.push(...parsed.refused);
    return undefined;
  }
  notes.push(...parsed.diagnostics.filter((d) => !parsed.refused.includes(d)));
  return { node, text, included: parsed.included ?? [], model: parsed.model };
}

function initialExitCodes(events: readonly ScenarioEvent[], node: NodeId, deferred: boolean): Record<string, number> {
  const codes: Record<string, number> = {};
  for (const e of events) {
    const ev = e.event;
    if ((ev.kind === 'start' || ev.kind === 'stop' || ev.kind === 'kill') && ev.node === node) break;
    if (!deferred && e.at > 0) break;
    if ((ev.kind === 'fail' || ev.kind === 'ok') && ev.node === node) codes[ev.script] = ev.kind === 'ok' ? 0 : 1;
  }
  return codes;
}

function checkEvents(events: readonly ScenarioEvent[], nodes: readonly PreparedNode[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const e of events) {
    const problem = eventProblem(e.event, nodes);
    if (problem === undefined) continue;
    const column = e.argColumns?.[problem.arg] ?? e.location?.column;
    const where = e.location ? { file: e.location.file, line: e.location.line, ...(column ? { column } : {}) } : {};
    out.push({ code: problem.code, severity: 'error', message: problem.message, ...where });
  }
  return out;
}

/** What is wrong with an event, and which argument (0-based, after the word) to point at. */
export function eventProblem(ev: ClusterEvent, nodes: readonly PreparedNode[]): { code: string; message: string; arg: number } | undefined {
  const node = 'node' in ev ? nodes.find((n) => n.id === ev.node) : undefined;
  if ('node' in ev && node === undefined) return { code: 'event-unknown-node', message: `unknown node '${ev.node}' (nodes: ${nodes.map((n) => n.id).join(', ')})`, arg: 0 };
  if ((ev.kind === 'fail' || ev.kind === 'ok') && node && !node.vrrp.scripts.some((s) => s.name === ev.script)) {
    const scripts = node.vrrp.scripts.map((s) => s.name);
    return { code: 'event-unknown-script', message: `node ${node.id} runs no vrrp_script '${ev.script}' (${scripts.length ? `it runs: ${scripts.join(', ')}` : 'it runs no scripts'}; keepalived only runs tracked scripts)`, arg: 1 };
  }
  if ((ev.kind === 'linkdown' || ev.kind === 'linkup') && ev.interface !== undefined && node && !node.interfaces.some((i) => i.name === ev.interface)) {
    return { code: 'event-unknown-interface', message: `node ${node.id} has no interface '${ev.interface}' (interfaces: ${node.interfaces.map((i) => i.name).join(', ')})`, arg: 1 };
  }
  if (ev.kind === 'partition' || ev.kind === 'oneway') {
    const names = ev.kind === 'partition' ? ev.groups.flat() : [ev.from, ev.to];
    const unknown = names.find((n) => !nodes.some((x) => x.id === n));
    if (unknown) return { code: 'event-unknown-node', message: `unknown node '${unknown}'`, arg: 0 };
  }
  return undefined;
}

function timelineNode(n: PreparedNode): TimelineNode {
  return {
    id: n.id,
    address: n.address,
    interfaces: n.interfaces.map((i) => ({ name: i.name, address: i.address, prefixLength: i.prefixLength })),
    deferred: n.deferred,
    addressSource: n.addressSource,
  };
}

function timelineInstances(n: PreparedNode): TimelineInstance[] {
  return n.vrrp.instances.map((i) => {
    const syncGroup = n.vrrp.syncGroups.find((g) => g.members.includes(i.name))?.name;
    return {
      node: n.id,
      instance: i.name,
      vrid: i.vrid,
      interface: i.interface,
      virtualAddresses: i.virtualAddresses.map((v) => `${v.address}/${v.prefixLength}`),
      address: i.sourceAddress ?? n.vrrp.interfaces.find((x) => x.name === i.interface)?.address ?? n.address,
      preempt: !i.nopreempt && i.preemptDelayUs === 0,
      ...(syncGroup === undefined ? {} : { syncGroup }),
    };
  });
}
