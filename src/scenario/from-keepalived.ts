/**
 * From keepalived's configuration model (src/config) to the VRRP engine's
 * configuration (src/vrrp/types.ts), for one node.
 *
 * Theory of operation: keepalived 2.2.7 does not run a file as written. After
 * parsing, vrrp_complete_instance and vrrp_complete_init fill in defaults and
 * correct what they will not run (research/keepalived.md §2.3, §2.9–§2.13,
 * §4.9). This module applies the same corrections, in keepalived's order, so
 * the engine runs what keepalived would run:
 *
 * - priority unset: 255 with `state MASTER`, else 100; state unset: MASTER for
 *   priority 255, else BACKUP; a `state` word keepalived does not know: BACKUP;
 * - auth: dropped in strict mode, in VRRPv3, and without a password; the PASS
 *   key is the first 8 bytes; AH with `state MASTER` on a non-owner forces BACKUP;
 * - unicast keywords without peers: multicast;
 * - advert_int: VRRPv2 rounds to whole seconds (at least 1), v3 to 10 ms;
 * - nopreempt: cleared for priority 255 and for `state MASTER`; preempt_delay:
 *   cleared for `state MASTER`, strict mode and nopreempt;
 * - strict mode: down_timer_adverts 3, no lower-priority GARPs, lower_prio_no_advert
 *   on, higher_prio_send_advert off;
 * - trackers: a track_interface naming the instance's own interface is ignored;
 *   an owner (255) drops every weighted tracker; in a sync group (without
 *   sync_group_tracking_weight) a weighted track_script is dropped, but a
 *   weighted track_interface keeps its weight — keepalived 2.2.7 registers the
 *   interface before it zeroes the weight, so the weight still acts [E14];
 *   trackers of a vrrp_sync_group block apply to every member with their
 *   weights (sync_group_tracking_init; cleared when any member is an owner,
 *   recording 34), read once by `syncGroupTrackers`;
 * - sync groups: a member named twice or missing is ignored; the group's start
 *   state is `syncGroupStart`'s (MASTER only when every member is written
 *   `state MASTER` with `priority 255`); each member keeps its own state as
 *   the state it wants (recording 35).
 *
 * Rules:
 * - Nothing here reads files or the clock; the model comes parsed.
 * - What the engine cannot run (IPv6, VRRPv3, AH, track_file, …) is a diagnostic:
 *   an error when it changes who becomes master, a warning when it is ignored.
 */
import type { Diagnostic, Severity } from '../core/diagnostic.js';
import type { NodeId } from '../core/ids.js';
import { secondsToUs } from '../core/time.js';
import type { EffectiveInstance, KeepalivedConfig, Loc, VrrpInstance, VrrpScript } from '../config/model.js';
import { effectiveInstance, syncGroupTrackers, withGroupTrackers } from '../config/rules/vrrp-instances.js';
import { syncGroupStart } from '../config/rules/sync-groups.js';
import type {
  AuthConfig,
  TrackedInterface,
  TrackedScript,
  VirtualAddress,
  VrrpInstanceConfig,
  VrrpNodeConfig,
  VrrpScriptConfig,
  SyncGroupConfig,
  VirtualMacConfig,
} from '../vrrp/types.js';
import { formatMac, parseMac, virtualRouterMac } from '../core/mac.js';
import type { AddressNeeds, AssignedInterface } from './addresses.js';

const US = 1_000_000;

export interface Mapped<T> {
  readonly value: T;
  readonly diagnostics: readonly Diagnostic[];
}

class Notes {
  readonly list: Diagnostic[] = [];
  add(severity: Severity, code: string, loc: Loc | undefined, message: string, hint?: string): void {
    this.list.push({ code, severity, message, ...(loc ? { file: loc.file, line: loc.line, column: loc.column } : {}), ...(hint ? { hint } : {}) });
  }
}

// ---------------------------------------------------------------- instance settings

/** One instance as keepalived will run it, before addresses are known. */
export interface ResolvedInstance {
  readonly source: VrrpInstance;
  readonly name: string;
  readonly interface: string;
  readonly vrid: number;
  readonly config: Omit<VrrpInstanceConfig, 'interface'>;
}

/** The engine's authentication from keepalived's: PASS keeps its 8-byte key; AH is not simulated. */
function authOf(inst: VrrpInstance, e: EffectiveInstance, notes: Notes): AuthConfig {
  if (e.auth.type === 'PASS') return { type: 'pass', password: e.auth.key };
  if (e.auth.type === 'AH') notes.add('error', 'simulate-ah-unsupported', inst.authentication?.type?.loc, `(${inst.name}) IPsec-AH authentication is not simulated`, 'use auth_type PASS or no authentication to simulate this instance');
  return { type: 'none' };
}

/** What keepalived runs the instance with: the validator's reading, or the same function for a model built without the checks. */
function effectiveOf(model: KeepalivedConfig, inst: VrrpInstance, groups: Pick<GroupInfo, 'groupOf' | 'trackingWeight'>): EffectiveInstance {
  if (inst.effective !== undefined) return inst.effective;
  const group = groups.groupOf.get(inst.name);
  return effectiveInstance(inst, model, group === undefined ? undefined : { name: group, trackingWeight: groups.trackingWeight.get(group) === true });
}

function unicastOf(inst: VrrpInstance, notes: Notes): { peers: string[]; sourceAddress?: string } {
  const peers = inst.unicastPeers.filter((p) => p.family === 'inet').map((p) => p.address);
  if (inst.unicastConfigured && peers.length === 0 && inst.unicastFaultNoPeer?.value) {
    notes.add('warning', 'simulate-unicast-fault-no-peer', inst.loc, `(${inst.name}) unicast_fault_no_peer without peers keeps keepalived in FAULT; simulated as multicast`);
  }
  const src = inst.unicastSrcIp?.value ?? inst.mcastSrcIp?.value;
  return { peers, ...(src && !src.includes(':') ? { sourceAddress: src } : {}) };
}

function virtualAddresses(inst: VrrpInstance, primary: string, notes: Notes): VirtualAddress[] {
  const v4 = inst.virtualIpaddresses.filter((a) => a.family === 'inet').slice(0, 255);
  if (inst.virtualIpaddressesExcluded.length > 0) {
    notes.add('warning', 'simulate-excluded-vips-ignored', inst.virtualIpaddressesExcluded[0]?.loc, `(${inst.name}) virtual_ipaddress_excluded is not simulated (those addresses are never advertised)`);
  }
  return v4.map((a) => ({ address: a.address, prefixLength: a.prefixLength, ...(a.dev && a.dev.value !== primary ? { interface: a.dev.value } : {}) }));
}

/**
 * use_vmac [NAME] [MAC]: keepalived names the macvlan vrrp.VRID and gives it the
 * virtual router MAC unless told otherwise; a MAC of five octets gets the VRID as its sixth.
 */
function vmacOf(inst: VrrpInstance, vrid: number): VirtualMacConfig {
  const v = inst.useVmac;
  const octets = v?.value.mac?.split(':').filter((o) => o !== '');
  const mac = octets === undefined ? virtualRouterMac(vrid) : parseMac([...octets, ...(octets.length === 5 ? [vrid.toString(16)] : [])].join(':'));
  return {
    name: v?.value.name ?? `vrrp.${vrid}`,
    mac: formatMac(mac),
    xmitBase: inst.vmacXmitBase?.value ?? false,
    ...(v === undefined ? {} : { declaredAt: { file: v.loc.file, line: v.loc.line, column: v.loc.column } }),
  };
}

// ---------------------------------------------------------------- trackers

interface ScriptTable {
  readonly byName: ReadonlyMap<string, VrrpScript>;
}

interface Tracked {
  readonly name: string;
  readonly weight: number;
  readonly reverse: boolean;
  readonly loc: Loc | undefined;
}

/** The tracked scripts the engine can run: defined with a `script`, each once (keepalived: "duplicate track_script - ignoring"). */
function liveScripts(tracked: readonly Tracked[], table: ScriptTable, owner: string, notes: Notes): TrackedScript[] {
  const out: TrackedScript[] = [];
  for (const t of tracked) {
    const s = table.byName.get(t.name);
    if (s === undefined || s.script === undefined) {
      notes.add('warning', 'simulate-track-script-missing', t.loc, `(${owner}) track script ${t.name} not found, ignoring`);
      continue;
    }
    if (!out.some((x) => x.script === t.name)) out.push({ script: t.name, weight: t.weight, reverse: t.reverse });
  }
  return out;
}

interface GroupInfo {
  readonly groups: SyncGroupConfig[];
  /** instance name → its group's name */
  readonly groupOf: ReadonlyMap<string, string>;
  readonly trackingWeight: ReadonlyMap<string, boolean>;
  /** The instances the groups' members are read from. */
  readonly members: readonly VrrpInstance[];
}

function syncGroups(model: KeepalivedConfig, instances: readonly VrrpInstance[]): GroupInfo {
  const instanceNames = new Set(instances.map((i) => i.name));
  const groupOf = new Map<string, string>();
  const groups: SyncGroupConfig[] = [];
  const trackingWeight = new Map<string, boolean>();
  for (const g of model.syncGroups) {
    const members: string[] = [];
    for (const m of g.members) {
      if (!instanceNames.has(m.value)) continue; // "doesn't exist - ignoring"
      if (groupOf.has(m.value) || members.includes(m.value)) continue; // "cannot exist in more than one sync group"
      members.push(m.value);
    }
    if (members.length === 0) continue; // "no matching virtual router found - removing"
    for (const m of members) groupOf.set(m, g.name);
    groups.push({ name: g.name, members, initialState: syncGroupStart(members.map((name) => instances.find((i) => i.name === name) as VrrpInstance)).state });
    trackingWeight.set(g.name, g.syncGroupTrackingWeight?.value ?? false);
  }
  return { groups, groupOf, trackingWeight, members: instances };
}

// ---------------------------------------------------------------- the node

export function resolveInstances(model: KeepalivedConfig, notes = new Notes()): { instances: ResolvedInstance[]; groups: GroupInfo; notes: Notes } {
  const table: ScriptTable = { byName: new Map(model.vrrpScripts.map((s) => [s.name, s])) };
  const usable = model.vrrpInstances.filter((i) => i.family !== 'inet6');
  for (const i of model.vrrpInstances) if (i.family === 'inet6') notes.add('error', 'simulate-ipv6-unsupported', i.loc, `(${i.name}) IPv6 VRRP instances are not simulated`);
  const groups = syncGroups(model, usable);
  const instances: ResolvedInstance[] = [];
  for (const inst of usable) {
    const r = resolveInstance(model, inst, table, groups, notes);
    if (r) instances.push(r);
  }
  return { instances, groups, notes };
}

function resolveInstance(model: KeepalivedConfig, inst: VrrpInstance, table: ScriptTable, groups: GroupInfo, notes: Notes): ResolvedInstance | undefined {
  const vrid = inst.virtualRouterId?.value;
  const iface = inst.interface?.value;
  if (vrid === undefined) {
    notes.add('error', 'simulate-vrid-unset', inst.loc, `(${inst.name}) the virtual router id must be set; keepalived refuses to run this configuration`);
    return undefined;
  }
  if (iface === undefined) {
    notes.add('error', 'simulate-interface-unset', inst.loc, `(${inst.name}) has no interface; the simulator needs one to place the node on a segment`);
    return undefined;
  }
  const e = effectiveOf(model, inst, groups);
  if (e.version !== 2) {
    const where = inst.version?.loc ?? model.globalDefs.vrrpVersion?.loc ?? inst.loc;
    notes.add('error', 'simulate-vrrp-v3-unsupported', where, `(${inst.name}) VRRP version 3 is not simulated; the engine implements version 2 (RFC 3768)`, 'remove `version 3` (and `vrrp_version 3` in global_defs) to simulate this instance as VRRPv2');
    return undefined;
  }
  const priority = e.priority;
  const group = groups.groupOf.get(inst.name);
  const trackers = trackersOf(model, inst, e, table, { group, members: groups.members }, notes);
  const unicast = unicastOf(inst, notes);
  const config: Omit<VrrpInstanceConfig, 'interface'> = {
    name: inst.name,
    vrid,
    priority,
    initialState: e.state,
    advertIntUs: e.advertIntUs,
    version: e.version,
    nopreempt: !e.preempt,
    preemptDelayUs: e.preemptDelayUs,
    auth: authOf(inst, e, notes),
    virtualAddresses: virtualAddresses(inst, iface, notes),
    ...trackers,
    ...(unicast.sourceAddress ? { sourceAddress: unicast.sourceAddress } : {}),
    unicastPeers: unicast.peers,
    dontTrackPrimary: inst.dontTrackPrimary?.value ?? false,
    checkUnicastSrc: inst.checkUnicastSrc?.value ?? model.globalDefs.vrrpCheckUnicastSrc?.value ?? false,
    garpMasterRepeat: e.garpMasterRepeat,
    garpMasterDelayUs: secondsToUs(e.garpMasterDelayS),
    garpLowerPrioRepeat: e.garpLowerPrioRepeat,
    garpLowerPrioDelayUs: secondsToUs(e.garpLowerPrioDelayS),
    downTimerAdverts: e.downTimerAdverts,
    lowerPrioNoAdvert: e.lowerPrioNoAdvert,
    higherPrioSendAdvert: e.higherPrioSendAdvert,
    ...(inst.useVmac === undefined ? {} : { vmac: vmacOf(inst, vrid) }),
  };
  for (const what of ['trackFiles', 'trackProcesses', 'trackBfds'] as const) {
    const first = inst[what][0];
    if (first) notes.add('warning', 'simulate-tracker-ignored', first.loc, `(${inst.name}) ${what.replace('track', 'track_').toLowerCase().replace(/s$/, '')} is not simulated; it is ignored`);
  }
  return { source: inst, name: inst.name, interface: iface, vrid, config };
}

/**
 * The instance's own trackers as keepalived keeps them (the one reading,
 * `effectiveInstance`: the own interface skipped, weighted entries dropped for
 * owners and, without sync_group_tracking_weight, sync-group members), then the
 * sync group's (`syncGroupTrackers`: every member gets them, weights cleared
 * when any member is an owner); less the scripts the engine cannot run.
 */
function trackersOf(
  model: KeepalivedConfig,
  inst: VrrpInstance,
  e: EffectiveInstance,
  table: ScriptTable,
  ctx: { group: string | undefined; members: readonly VrrpInstance[] },
  notes: Notes,
): { trackScripts: TrackedScript[]; trackInterfaces: TrackedInterface[] } {
  const own = [
    ...e.trackScripts.map((t) => ({ kind: 'script' as const, ...t, loc: inst.trackScripts.find((r) => r.name === t.name)?.loc })),
    ...e.trackInterfaces.map((t) => ({ kind: 'interface' as const, ...t, loc: undefined as Loc | undefined })),
  ];
  const g = ctx.group === undefined ? undefined : model.syncGroups.find((x) => x.name === ctx.group);
  const all = withGroupTrackers(own, g ? syncGroupTrackers(g, model, ctx.members) : [], (t) => ({ kind: t.kind, name: t.name, weight: t.weight, reverse: t.reverse, loc: t.ref.loc }));
  return {
    trackScripts: liveScripts(all.filter((t) => t.kind === 'script'), table, inst.name, notes),
    trackInterfaces: all.filter((t) => t.kind === 'interface').map((t) => ({ interface: t.name, weight: t.weight, reverse: t.reverse })),
  };
}

function scriptConfigs(model: KeepalivedConfig, instances: readonly ResolvedInstance[]): VrrpScriptConfig[] {
  const used = new Set(instances.flatMap((i) => i.config.trackScripts.map((t) => t.script)));
  return model.vrrpScripts
    .filter((s) => used.has(s.name))
    .map((s) => {
      const intervalS = Math.max(1, s.intervalS?.value ?? 1);
      return {
        name: s.name,
        intervalUs: intervalS * US,
        timeoutUs: (s.timeoutS?.value ?? 0) * US,
        weight: s.weight?.value ?? 0,
        reverse: s.reverse?.value ?? false,
        rise: Math.max(1, s.rise?.value ?? 1),
        fall: Math.max(1, s.fall?.value ?? 1),
      };
    });
}

/** The interfaces a node's config names, in order of appearance, and the addresses it fixes. */
export function addressNeeds(model: KeepalivedConfig, node: NodeId, given?: string): AddressNeeds {
  const { instances } = resolveInstances(model);
  const names: string[] = [];
  const fixed = new Map<string, string>();
  const add = (name: string | undefined): void => {
    if (name !== undefined && !names.includes(name)) names.push(name);
  };
  for (const i of instances) {
    add(i.interface);
    if (i.config.sourceAddress && !fixed.has(i.interface)) fixed.set(i.interface, i.config.sourceAddress);
  }
  for (const i of instances) for (const t of i.config.trackInterfaces) add(t.interface);
  for (const i of instances) for (const v of i.config.virtualAddresses) add(v.interface);
  const primary = names[0];
  if (given !== undefined && primary !== undefined) fixed.set(primary, given);
  return {
    node,
    interfaces: names.map((name) => ({ name, ...(fixed.has(name) ? { fixed: fixed.get(name) as string } : {}) })),
    vips: instances.flatMap((i) => i.config.virtualAddresses.map((v) => ({ address: v.address, prefixLength: v.prefixLength, interface: v.interface ?? i.interface }))),
  };
}

/** The engine configuration of one node, given the addresses of its interfaces. */
export function toVrrpNodeConfig(model: KeepalivedConfig, node: NodeId, interfaces: readonly AssignedInterface[]): Mapped<VrrpNodeConfig> {
  const { instances, groups, notes } = resolveInstances(model);
  const config: VrrpNodeConfig = {
    node,
    interfaces: interfaces.map((i) => ({ name: i.name, address: i.address, prefixLength: i.prefixLength })),
    scripts: scriptConfigs(model, instances),
    instances: instances.map((i) => ({ ...i.config, interface: i.interface })),
    syncGroups: groups.groups,
  };
  return { value: config, diagnostics: notes.list };
}
