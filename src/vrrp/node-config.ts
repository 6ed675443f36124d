/**
 * Checks a `VrrpNodeConfig` once, at `init`, and compiles it into the shape the
 * engine reads on every step: addresses as integers, tracker lists per
 * interface and per script, and the output records that never change (VIP
 * adds/removes, GARPs) built once and shared.
 *
 * Theory of operation
 * - A config the engine cannot run throws `ConfigError` with a stable code.
 *   These are contract violations (a converter from keepalived.conf resolves
 *   defaults and reports the user's mistakes with positions).
 * - keepalived also *corrects* some configs when it loads them
 *   (vrrp_complete_instance, research §2.3, §2.10, §2.12). Those corrections
 *   belong to the one reading of keepalived's semantics (the mapping from
 *   keepalived.conf, src/scenario/from-keepalived.ts, on the config layer's
 *   effective values); here they are only checked, never applied, and a config
 *   that still needs one throws `config-not-resolved` naming it:
 *   - priority 255 or `state MASTER` with nopreempt; `state MASTER` or
 *     nopreempt with preempt_delay;
 *   - an address owner with a *weighted* track_script (weight-0 entries stay:
 *     they still cause FAULT). A sync-group member may have weighted trackers:
 *     its group's own, and its own under sync_group_tracking_weight, act in
 *     keepalived 2.2.7 (recording 34);
 *   - a sync group starting MASTER that is not made only of owners in state
 *     MASTER (a member may want MASTER in a group that starts BACKUP).
 */
import { ConfigError } from '../core/errors.js';
import type { DurationUs } from '../core/time.js';
import { AUTH_NONE, AUTH_PASS, isMulticast, parseIpv4, passwordKey, VRRP_MULTICAST_GROUP, type Ipv4 } from './packet.js';
import { PRIORITY_OWNER, VRRP_MULTICAST_GROUP_TEXT, vridConflict, type VridEndpoint } from '../core/rfc3768.js';
import type { ReceiveContext } from './receive.js';
import type { VrrpInstanceConfig, VrrpNodeConfig, VrrpOutput, VrrpScriptConfig } from './types.js';

type AddAddress = Extract<VrrpOutput, { kind: 'add-address' }>;
type RemoveAddress = Extract<VrrpOutput, { kind: 'remove-address' }>;
type Garp = Extract<VrrpOutput, { kind: 'send-gratuitous-arp' }>;

/** One tracker seen from the tracked object: which instance, with which weight. */
export interface Tracking {
  readonly instance: number;
  readonly weight: number;
  readonly reverse: boolean;
}

export interface CompiledInstance extends ReceiveContext {
  readonly index: number;
  readonly name: string;
  readonly config: VrrpInstanceConfig;
  readonly interfaceName: string;
  readonly interfaceIndex: number;
  readonly source: Ipv4;
  readonly sourceText: string;
  readonly basePriority: number;
  readonly owner: boolean;
  readonly initialWantState: 'MASTER' | 'BACKUP';
  readonly adverIntUs: DurationUs;
  readonly nopreempt: boolean;
  readonly preemptDelayUs: DurationUs;
  readonly garpLowerPrioDelayUs: DurationUs;
  /** Index into CompiledNode.groups, or -1. */
  readonly group: number;
  /** Destinations of each advert: the multicast group, or every unicast peer. */
  readonly destinations: readonly Ipv4[];
  readonly destinationTexts: readonly string[];
  readonly addOutputs: readonly AddAddress[];
  readonly removeOutputs: readonly RemoveAddress[];
  readonly garpOutputs: readonly Garp[];
  /** The unicast source-address GARP keepalived sends when an instance comes up (try_up_instance). */
  readonly sourceGarp: Garp | undefined;
}

export interface CompiledScript {
  readonly index: number;
  readonly config: VrrpScriptConfig;
  /** Instances tracking this script, in instance order. */
  readonly trackedBy: readonly Tracking[];
  readonly runOutput: Extract<VrrpOutput, { kind: 'run-script' }>;
}

export interface CompiledGroup {
  readonly index: number;
  readonly name: string;
  readonly members: readonly number[];
  readonly initialState: 'MASTER' | 'BACKUP';
}

export interface CompiledNode {
  readonly node: string;
  readonly interfaceNames: readonly string[];
  readonly interfaceUpAtStart: readonly boolean[];
  /** Per interface index: the instances tracking it (own interface, track_interface, VIP interfaces). */
  readonly interfaceTrackers: readonly (readonly Tracking[])[];
  readonly instances: readonly CompiledInstance[];
  readonly scripts: readonly CompiledScript[];
  readonly groups: readonly CompiledGroup[];
  readonly instanceByName: ReadonlyMap<string, number>;
  readonly scriptByName: ReadonlyMap<string, number>;
  readonly interfaceByName: ReadonlyMap<string, number>;
  /** (interface index × 256 + VRID) → the instances listening there (several only for unicast). */
  readonly instancesByVrid: ReadonlyMap<number, readonly number[]>;
}

export const vridKey = (interfaceIndex: number, vrid: number): number => interfaceIndex * 256 + vrid;

export function compileNodeConfig(cfg: VrrpNodeConfig): CompiledNode {
  const interfaceByName = indexByName(cfg.interfaces, 'interface');
  cfg.interfaces.forEach((i) => address(i.address, `interface ${i.name} address`));
  const scriptByName = indexByName(cfg.scripts, 'vrrp_script');
  cfg.scripts.forEach(checkScript);
  const instanceByName = indexByName(cfg.instances, 'vrrp_instance');
  const groupOf = groupMembership(cfg, instanceByName);
  cfg.instances.forEach((inst) => checkResolved(inst));
  const fixed = cfg.instances.map((inst, index) => compileInstance(cfg, inst, index, groupOf[index] ?? -1, interfaceByName));
  checkVridConflicts(fixed);
  const groups = cfg.syncGroups.map((g, index) => compileGroup(g, index, fixed, instanceByName));
  return {
    node: cfg.node,
    interfaceNames: cfg.interfaces.map((i) => i.name),
    interfaceUpAtStart: cfg.interfaces.map((i) => i.up ?? true),
    interfaceTrackers: interfaceTrackers(cfg.interfaces.length, fixed, interfaceByName),
    instances: fixed,
    scripts: cfg.scripts.map((config, index) => compileScript(config, index, fixed)),
    groups,
    instanceByName,
    scriptByName,
    interfaceByName,
    instancesByVrid: byVrid(fixed),
  };
}

/**
 * The group's start state is the resolver's (keepalived's vrrp_sync_set_group);
 * here it is only checked: a group can start MASTER only when every member is
 * an address owner that wants MASTER.
 */
function compileGroup(g: VrrpNodeConfig['syncGroups'][number], index: number, instances: readonly CompiledInstance[], instanceByName: ReadonlyMap<string, number>): CompiledGroup {
  const members = g.members.map((m) => instanceByName.get(m) as number);
  const notOwner = members.find((m) => instances[m]?.owner !== true || instances[m]?.config.initialState !== 'MASTER');
  if (g.initialState === 'MASTER' && notOwner !== undefined) {
    throw new ConfigError('config-not-resolved', `sync group ${g.name} starts MASTER but ${instances[notOwner]?.name} is not an address owner in state MASTER (keepalived starts such a group BACKUP; resolve the config first)`);
  }
  return { index, name: g.name, members, initialState: g.initialState };
}

function byVrid(instances: readonly CompiledInstance[]): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (const c of instances) {
    const key = vridKey(c.interfaceIndex, c.config.vrid);
    const list = map.get(key);
    if (list) list.push(c.index);
    else map.set(key, [c.index]);
  }
  return map;
}

function indexByName(items: readonly { readonly name: string }[], what: string): Map<string, number> {
  const map = new Map<string, number>();
  items.forEach((item, index) => {
    if (item.name === '') throw new ConfigError('empty-name', `a ${what} has an empty name`);
    if (map.has(item.name)) throw new ConfigError(`duplicate-${what.replace('_', '-')}`, `${what} ${item.name} is defined twice`);
    map.set(item.name, index);
  });
  return map;
}

function address(text: string, what: string): Ipv4 {
  const value = parseIpv4(text);
  if (value === undefined) throw new ConfigError('invalid-address', `${what}: '${text}' is not an IPv4 address`);
  return value;
}

function checkInteger(value: number, min: number, max: number, code: string, what: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(code, `${what} must be an integer in ${min}..${max}, got ${value}`);
  }
}

function checkScript(s: VrrpScriptConfig): void {
  checkInteger(s.intervalUs, 1, Number.MAX_SAFE_INTEGER, 'script-interval-invalid', `vrrp_script ${s.name} interval (µs)`);
  checkInteger(s.rise, 1, Number.MAX_SAFE_INTEGER, 'script-rise-invalid', `vrrp_script ${s.name} rise`);
  checkInteger(s.fall, 1, Number.MAX_SAFE_INTEGER, 'script-fall-invalid', `vrrp_script ${s.name} fall`);
  checkInteger(s.weight, -254, 254, 'weight-out-of-range', `vrrp_script ${s.name} weight`);
}

function groupMembership(cfg: VrrpNodeConfig, instanceByName: ReadonlyMap<string, number>): number[] {
  const groupOf: number[] = cfg.instances.map(() => -1);
  indexByName(cfg.syncGroups, 'vrrp_sync_group');
  cfg.syncGroups.forEach((g, gi) => {
    if (g.members.length === 0) throw new ConfigError('sync-group-empty', `sync group ${g.name} has no members`);
    for (const member of g.members) {
      const i = instanceByName.get(member);
      if (i === undefined) throw new ConfigError('sync-group-unknown-member', `sync group ${g.name}: no vrrp_instance ${member}`);
      if (groupOf[i] !== -1) throw new ConfigError('sync-group-overlap', `vrrp_instance ${member} is in more than one sync group`);
      groupOf[i] = gi;
    }
  });
  return groupOf;
}

/**
 * keepalived's load-time corrections are the resolver's (the mapping from
 * keepalived.conf); a config that still needs one is a caller's bug, refused
 * with the correction it skipped.
 */
function checkResolved(inst: VrrpInstanceConfig): void {
  const what = `vrrp_instance ${inst.name}`;
  const refuse = (rule: string): never => {
    throw new ConfigError('config-not-resolved', `${what}: ${rule} (keepalived corrects this when it loads the file; resolve the config first)`);
  };
  if (inst.nopreempt && inst.priority === PRIORITY_OWNER) refuse('nopreempt with priority 255');
  if (inst.initialState === 'MASTER' && (inst.nopreempt || inst.preemptDelayUs > 0)) refuse('nopreempt or preempt_delay with state MASTER');
  if (inst.nopreempt && inst.preemptDelayUs > 0) refuse('preempt_delay with nopreempt');
  const weighted = inst.trackScripts.find((t) => t.weight !== 0);
  if (weighted && inst.priority === PRIORITY_OWNER) refuse(`weighted track_script ${weighted.script} on an address owner`);
}

function compileInstance(
  cfg: VrrpNodeConfig,
  inst: VrrpInstanceConfig,
  index: number,
  group: number,
  interfaceByName: ReadonlyMap<string, number>,
): CompiledInstance {
  const what = `vrrp_instance ${inst.name}`;
  checkInstanceNumbers(inst, what);
  const interfaceIndex = interfaceByName.get(inst.interface);
  if (interfaceIndex === undefined) throw new ConfigError('unknown-interface', `${what}: no interface ${inst.interface}`);
  const sourceText = inst.sourceAddress ?? (cfg.interfaces[interfaceIndex]?.address as string);
  const peers = inst.unicastPeers.map((p) => address(p, `${what} unicast_peer`));
  const vips = inst.virtualAddresses.map((v) => address(v.address, `${what} virtual_ipaddress`));
  for (const v of inst.virtualAddresses) {
    if (v.interface !== undefined && !interfaceByName.has(v.interface)) {
      throw new ConfigError('unknown-interface', `${what}: virtual address ${v.address} names no interface ${v.interface}`);
    }
  }
  for (const t of inst.trackScripts) {
    if (!cfg.scripts.some((s) => s.name === t.script)) throw new ConfigError('unknown-script', `${what}: track_script ${t.script} is not a vrrp_script`);
    checkInteger(t.weight, -254, 254, 'weight-out-of-range', `${what} track_script ${t.script} weight`);
  }
  for (const t of inst.trackInterfaces) {
    if (!interfaceByName.has(t.interface)) throw new ConfigError('unknown-interface', `${what}: track_interface ${t.interface} does not exist`);
    checkInteger(t.weight, -254, 254, 'weight-out-of-range', `${what} track_interface ${t.interface} weight`);
  }
  const multicast = peers.length === 0;
  const destinations = multicast ? [VRRP_MULTICAST_GROUP] : peers;
  return {
    index,
    name: inst.name,
    config: inst,
    interfaceName: inst.interface,
    interfaceIndex,
    source: address(sourceText, `${what} source address`),
    sourceText,
    basePriority: inst.priority,
    owner: inst.priority === PRIORITY_OWNER,
    initialWantState: inst.initialState,
    adverIntUs: inst.advertIntUs,
    adverIntS: inst.advertIntUs / 1_000_000,
    nopreempt: inst.nopreempt,
    preemptDelayUs: inst.preemptDelayUs,
    garpLowerPrioDelayUs: inst.garpLowerPrioDelayUs ?? inst.garpMasterDelayUs,
    group,
    multicast,
    authType: inst.auth.type === 'pass' ? AUTH_PASS : AUTH_NONE,
    authKey: inst.auth.type === 'pass' ? passwordKey(inst.auth.password) : undefined,
    vips,
    unicastPeers: peers,
    checkUnicastSrc: inst.checkUnicastSrc ?? false,
    destinations,
    destinationTexts: multicast ? ['224.0.0.18'] : inst.unicastPeers,
    ...addressOutputs(inst),
    sourceGarp: multicast ? undefined : { kind: 'send-gratuitous-arp', instance: inst.name, interface: inst.interface, address: sourceText },
  };
}

function checkInstanceNumbers(inst: VrrpInstanceConfig, what: string): void {
  checkInteger(inst.vrid, 1, 255, 'vrid-out-of-range', `${what} virtual_router_id`);
  checkInteger(inst.priority, 1, 255, 'priority-out-of-range', `${what} priority`);
  if (inst.version !== 2) throw new ConfigError('vrrp-version-unsupported', `${what}: only VRRP version 2 is implemented`);
  // v2 carries the interval in whole seconds (keepalived rounds fractions when it loads the file)
  checkInteger(inst.advertIntUs / 1_000_000, 1, 255, 'advert-int-invalid', `${what} advert_int (whole seconds in VRRPv2)`);
  checkInteger(inst.downTimerAdverts, 1, 100, 'down-timer-adverts-out-of-range', `${what} down_timer_adverts`);
  checkInteger(inst.preemptDelayUs, 0, 1_000_000_000, 'preempt-delay-out-of-range', `${what} preempt_delay (µs)`);
  checkInteger(inst.garpMasterRepeat, 0, 1_000_000, 'garp-repeat-invalid', `${what} garp_master_repeat`);
  checkInteger(inst.garpLowerPrioRepeat, 0, 1_000_000, 'garp-repeat-invalid', `${what} garp_lower_prio_repeat`);
  checkInteger(inst.garpMasterDelayUs, 0, Number.MAX_SAFE_INTEGER, 'garp-delay-invalid', `${what} garp_master_delay (µs)`);
  checkInteger(inst.garpLowerPrioDelayUs ?? 0, 0, Number.MAX_SAFE_INTEGER, 'garp-delay-invalid', `${what} garp_lower_prio_delay (µs)`);
  if (inst.virtualAddresses.length > 255) throw new ConfigError('too-many-vips', `${what}: more than 255 virtual addresses`);
}

function addressOutputs(inst: VrrpInstanceConfig): Pick<CompiledInstance, 'addOutputs' | 'removeOutputs' | 'garpOutputs'> {
  const on = (v: VrrpInstanceConfig['virtualAddresses'][number]) => ({
    instance: inst.name,
    interface: v.interface ?? inst.interface,
    address: v.address,
  });
  return {
    addOutputs: inst.virtualAddresses.map((v) => ({ kind: 'add-address', ...on(v), prefixLength: v.prefixLength })),
    removeOutputs: inst.virtualAddresses.map((v) => ({ kind: 'remove-address', ...on(v), prefixLength: v.prefixLength })),
    garpOutputs: inst.virtualAddresses.map((v) => ({ kind: 'send-gratuitous-arp', ...on(v) })),
  };
}

const endpoint = (c: CompiledInstance): VridEndpoint => ({
  family: 'inet', vrid: c.config.vrid, interface: c.interfaceName, unicast: !c.multicast,
  group: VRRP_MULTICAST_GROUP_TEXT, source: c.sourceText, peers: c.config.unicastPeers,
});

/**
 * keepalived refuses two instances for which `vridConflict` holds (its one
 * reading, shared with the validator). The engine adds its own limit: it finds
 * an advert's instance by (interface, VRID) and, among unicast ones, by sender,
 * so a multicast instance shares its key with none and unicast ones share no peer.
 */
function checkVridConflicts(instances: readonly CompiledInstance[]): void {
  instances.forEach((inst, k) => {
    for (const peer of inst.unicastPeers) {
      if (isMulticast(peer)) throw new ConfigError('invalid-unicast-peer', `${inst.name}: unicast peer is a multicast address`);
    }
    for (const other of instances.slice(0, k)) {
      if (other.interfaceName !== inst.interfaceName || other.config.vrid !== inst.config.vrid) continue;
      if (vridConflict(endpoint(other), endpoint(inst))) {
        throw new ConfigError('duplicate-vrid', `${other.name} and ${inst.name} both use VRID ${inst.config.vrid} on interface ${inst.interfaceName} (keepalived refuses the configuration)`);
      }
      if (inst.multicast || other.multicast || other.unicastPeers.some((p) => inst.unicastPeers.includes(p))) {
        throw new ConfigError('duplicate-vrid', `${other.name} and ${inst.name} both use VRID ${inst.config.vrid} on interface ${inst.interfaceName}: the engine cannot tell their adverts apart`);
      }
    }
  });
}

/**
 * Own interface (weight 0 unless dont_track_primary), track_interface entries
 * (the own interface listed again is ignored, as keepalived does), and the
 * interfaces of VIPs on another device (weight 0).
 */
function interfaceTrackers(
  count: number,
  instances: readonly CompiledInstance[],
  interfaceByName: ReadonlyMap<string, number>,
): Tracking[][] {
  const lists: Tracking[][] = Array.from({ length: count }, () => []);
  for (const inst of instances) {
    const tracked = new Set<number>();
    const add = (ifIndex: number, weight: number, reverse: boolean): void => {
      if (tracked.has(ifIndex)) return;
      tracked.add(ifIndex);
      lists[ifIndex]?.push({ instance: inst.index, weight, reverse });
    };
    if (!inst.config.dontTrackPrimary) add(inst.interfaceIndex, 0, false);
    else tracked.add(inst.interfaceIndex);
    for (const t of inst.config.trackInterfaces) add(interfaceByName.get(t.interface) as number, t.weight, t.reverse);
    for (const v of inst.config.virtualAddresses) {
      if (v.interface !== undefined && v.interface !== inst.interfaceName) add(interfaceByName.get(v.interface) as number, 0, false);
    }
  }
  return lists;
}

function compileScript(config: VrrpScriptConfig, index: number, instances: readonly CompiledInstance[]): CompiledScript {
  const trackedBy: Tracking[] = [];
  for (const inst of instances) {
    const t = inst.config.trackScripts.find((ts) => ts.script === config.name);
    if (t) trackedBy.push({ instance: inst.index, weight: t.weight, reverse: t.reverse });
  }
  return { index, config, trackedBy, runOutput: { kind: 'run-script', script: config.name } };
}
