/**
 * keepalived's post-parse checks on each vrrp_instance (vrrp.c chk_min_cfg and
 * vrrp_complete_instance), and the effective values it then runs with.
 *
 * keepalived prints these without a line number; we point at the keyword the
 * finding is about (or the instance's `vrrp_instance` line). Where keepalived
 * refuses the whole configuration it stops at the first such instance; we
 * report every one.
 */
import type { Severity } from '../../core/diagnostic.js';
import { report, type BuildContext } from '../build-context.js';
import { parseAddress, isLinkLocal6 } from '../ip.js';
import { US_PER_SECOND } from '../../core/time.js';
import { effectiveAdvertIntUs, PRIORITY_DEFAULT, PRIORITY_OWNER } from '../../core/rfc3768.js';
import type { Draft, EffectiveInstance, GlobalDefs, KeepalivedConfig, Loc, SyncGroup, TrackRef, VrrpInstance } from '../model.js';

const CENTI_US = 10_000;
/** Ethernet MTU keepalived assumes when it cannot ask the interface. */
const DEFAULT_MTU = 1500;

type I = Draft<VrrpInstance>;

interface Ctx {
  /** Where findings go; absent when only the values are wanted (`effectiveInstance`). */
  readonly ctx: BuildContext | undefined;
  readonly inst: I;
  readonly globals: GlobalDefs;
  /** Name of the sync group the instance belongs to (after sync-group checks). */
  readonly syncGroup?: { readonly name: string; readonly trackingWeight: boolean };
}

const say = (c: Ctx, code: string, severity: Severity, loc: Loc | undefined, message: string, hint?: string): void => {
  if (c.ctx !== undefined) report(c.ctx, code, severity, loc ?? c.inst.loc, `(${c.inst.name}) ${message}`, hint);
};

/** chk_min_cfg: an instance keepalived cannot run at all. */
function minimalConfig(c: Ctx, unicast: boolean): void {
  const { inst } = c;
  if (!inst.virtualRouterId) {
    say(c, 'vrid-missing', 'error', inst.loc, 'has no valid virtual_router_id: keepalived refuses the configuration',
      'set virtual_router_id 1..255, the same on every node of this cluster');
  }
  if (!inst.interface && !unicast) {
    say(c, 'instance-no-interface', 'error', inst.loc, 'has no interface and no unicast peers: keepalived refuses the configuration (Unknown interface)');
  }
}

function versionAndFamily(c: Ctx, strict: boolean): { version: 2 | 3; family: 'inet' | 'inet6' } {
  const { inst, globals } = c;
  const family = inst.family ?? 'inet';
  let version = inst.version?.value;
  if (family === 'inet6') {
    if (version === 2 && strict) {
      say(c, 'version-ipv6', 'error', inst.version?.loc, 'IPv6 cannot use VRRP version 2: keepalived uses version 3');
      version = 3;
    } else version ??= 3;
  }
  return { version: version ?? globals.vrrpVersion?.value ?? 2, family };
}

function stateAndPriority(c: Ctx, strict: boolean): { state: 'MASTER' | 'BACKUP'; priority: number } {
  const { inst } = c;
  const priority = inst.priority?.value ?? (inst.state?.value === 'MASTER' ? PRIORITY_OWNER : PRIORITY_DEFAULT);
  // A state word keepalived does not know ("state EQUAL") means BACKUP; the model leaves it out.
  const unknownWord = inst.state === undefined && inst.statements.some((st) => st.keyword === 'state');
  let state = inst.state?.value ?? (unknownWord ? 'BACKUP' : priority === PRIORITY_OWNER ? 'MASTER' : 'BACKUP');
  if (inst.state && strict && (state === 'MASTER') !== (priority === PRIORITY_OWNER)) {
    say(c, 'state-owner-mismatch', 'error', inst.state.loc,
      'in strict mode state MASTER must go with priority 255 (address owner): keepalived changes the state', undefined);
    state = priority === PRIORITY_OWNER ? 'MASTER' : 'BACKUP';
  }
  if (!inst.priority && inst.state?.value === 'MASTER') {
    say(c, 'master-without-priority', 'info', inst.state.loc,
      'state MASTER without a priority makes this instance the address owner (priority 255)',
      'give an explicit priority below 255 unless this node owns the addresses');
  }
  return { state, priority };
}

function authentication(c: Ctx, strict: boolean, version: 2 | 3, family: string, state: 'MASTER' | 'BACKUP', priority: number): {
  auth: EffectiveInstance['auth']; state: 'MASTER' | 'BACKUP';
} {
  const a = c.inst.authentication;
  const type = a?.type?.value;
  if (!a || !type) return { auth: { type: 'none' }, state };
  const key = new TextDecoder().decode(new TextEncoder().encode(a.pass?.value ?? '').slice(0, 8));
  const none = { auth: { type: 'none' as const }, state };
  if (strict) {
    say(c, 'auth-ignored', 'error', a.loc, 'strict mode does not support authentication: keepalived ignores it');
    return none;
  }
  if (version === 3) {
    say(c, 'auth-ignored', 'error', a.loc, 'VRRP version 3 does not support authentication: keepalived ignores it');
    return none;
  }
  if (key === '') {
    say(c, 'auth-no-password', 'error', a.loc, 'authentication without auth_pass: keepalived ignores it');
    return none;
  }
  if (family === 'inet6' && type === 'AH') {
    say(c, 'auth-ignored', 'error', a.loc, 'AH authentication cannot be used with IPv6: keepalived ignores it');
    return none;
  }
  if (type === 'AH' && state === 'MASTER' && priority !== PRIORITY_OWNER) {
    say(c, 'auth-ah-master', 'error', c.inst.state?.loc ?? a.loc, 'initial state MASTER is incompatible with AH authentication: keepalived starts as BACKUP');
    return { auth: { type, key }, state: 'BACKUP' };
  }
  return { auth: { type, key }, state };
}

/** VRRPv2 adverts carry whole seconds, VRRPv3 centiseconds (vrrp_complete_instance; the arithmetic is rfc3768.ts's). */
function advertInterval(c: Ctx, version: 2 | 3): number {
  const v = c.inst.advertIntUs;
  const us = v?.value ?? US_PER_SECOND;
  const rounded = effectiveAdvertIntUs(us, version);
  if (rounded === us) return us;
  const secs = (n: number): string => (n / US_PER_SECOND).toFixed(6).replace(/\.?0+$/, '');
  const unit = version === 2 ? US_PER_SECOND : CENTI_US;
  if (us >= (version === 2 ? 256 : 4096) * unit) {
    say(c, 'advert-int-rounded', 'error', v?.loc, `VRRPv${version} advert_int ${secs(us)} s is out of range: keepalived uses ${secs(rounded)} s`);
  } else if (version === 2) {
    say(c, 'advert-int-rounded', 'error', v?.loc, `VRRPv2 advert_int ${secs(us)} s must be whole seconds: keepalived rounds it to ${secs(rounded)} s`,
      'use vrrp_version 3 for sub-second intervals');
  } else {
    say(c, 'advert-int-rounded', 'error', v?.loc, `VRRPv3 advert_int ${secs(us)} s must be in units of 10 ms: keepalived rounds it to ${secs(rounded)} s`);
  }
  return rounded;
}

function preemption(c: Ctx, strict: boolean, state: 'MASTER' | 'BACKUP', priority: number): { preempt: boolean; preemptDelayUs: number } {
  const { inst } = c;
  let nopreempt = inst.nopreempt?.value ?? false;
  let delay = inst.preemptDelayUs?.value ?? 0;
  if (priority === PRIORITY_OWNER && nopreempt) {
    say(c, 'nopreempt-owner', 'error', inst.nopreempt?.loc, 'nopreempt cannot be used with priority 255: keepalived clears nopreempt');
    nopreempt = false;
  }
  if (state === 'MASTER') {
    if (nopreempt) {
      say(c, 'nopreempt-master', 'error', inst.nopreempt?.loc, 'nopreempt does not work with state MASTER: keepalived clears nopreempt',
        'use state BACKUP on every node when nopreempt is wanted');
      nopreempt = false;
    }
    if (delay) {
      say(c, 'preempt-delay-master', 'error', inst.preemptDelayUs?.loc, 'preempt_delay does not work with state MASTER: keepalived clears it',
        'use state BACKUP with preempt_delay');
      delay = 0;
    }
  }
  if (delay && strict) {
    say(c, 'preempt-delay-strict', 'error', inst.preemptDelayUs?.loc, 'preempt_delay cannot be used in strict mode: keepalived resets it');
    delay = 0;
  }
  if (delay && nopreempt) {
    say(c, 'preempt-delay-nopreempt', 'error', inst.preemptDelayUs?.loc, 'preempt_delay cannot be used with nopreempt: keepalived resets it');
    delay = 0;
  }
  return { preempt: !nopreempt, preemptDelayUs: delay };
}

function strictModeFixups(c: Ctx, strict: boolean, priority: number, version: 2 | 3, unicast: boolean): void {
  const { inst } = c;
  if (!strict) return;
  if (inst.downTimerAdverts && inst.downTimerAdverts.value !== 3) {
    say(c, 'strict-mode-conflict', 'error', inst.downTimerAdverts.loc, 'down_timer_adverts cannot be changed in strict mode: keepalived resets it to 3');
  }
  if (inst.accept?.value && priority !== PRIORITY_OWNER && version === 2) {
    say(c, 'strict-mode-conflict', 'error', inst.accept.loc, 'accept mode with VRRP version 2 does not comply with RFC 3768: keepalived resets it');
  }
  if (inst.garpLowerPrioRepeat && inst.garpLowerPrioRepeat.value) {
    say(c, 'strict-mode-conflict', 'error', inst.garpLowerPrioRepeat.loc, 'strict mode requires no repeated GARPs: keepalived resets garp_lower_prio_repeat');
  }
  if (inst.garpLowerPrioDelayS && inst.garpLowerPrioDelayS.value) {
    say(c, 'strict-mode-conflict', 'error', inst.garpLowerPrioDelayS.loc, 'strict mode requires no GARP delay: keepalived resets garp_lower_prio_delay');
  }
  if (inst.lowerPrioNoAdvert && !inst.lowerPrioNoAdvert.value) {
    say(c, 'strict-mode-conflict', 'error', inst.lowerPrioNoAdvert.loc, 'strict mode requires lower_prio_no_advert: keepalived sets it');
  }
  if (inst.higherPrioSendAdvert?.value) {
    say(c, 'strict-mode-conflict', 'error', inst.higherPrioSendAdvert.loc, 'strict mode requires higher_prio_send_advert to be off: keepalived clears it');
  }
  if (unicast && inst.interface) {
    say(c, 'strict-mode-unicast', 'error', inst.unicastPeers[0]?.loc, 'unicast peers are not supported in strict mode on a multicast interface: keepalived refuses the configuration');
  }
}

function addresses(c: Ctx, version: 2 | 3, strict: boolean, family: 'inet' | 'inet6', unicast: boolean, authAh: boolean): number {
  const { inst } = c;
  const vips = inst.virtualIpaddresses;
  if (vips.length === 0) {
    if (version === 3 || strict) {
      say(c, 'no-vip', 'error', inst.loc, `has no virtual_ipaddress: with ${strict ? 'strict mode' : 'VRRP version 3'} at least one is required; keepalived refuses the configuration`);
    } else {
      say(c, 'no-vip', 'warning', inst.loc, 'has no virtual_ipaddress: keepalived runs it, but at least one is sensible');
    }
  }
  const first = vips[0];
  if (family === 'inet6' && !unicast && first) {
    const a = parseAddress(first.address);
    if (a && !isLinkLocal6(a)) {
      say(c, 'ipv6-first-vip', strict ? 'error' : 'info', first.loc, 'the first IPv6 virtual address should be link-local (fe80::/10)');
    }
  }
  const hdr = family === 'inet' ? 14 + 20 + 8 + (version === 2 ? 8 + (authAh ? 24 : 0) : 0) : 14 + 40 + 8;
  const maxAddr = Math.min(255, Math.floor((DEFAULT_MTU - hdr) / (family === 'inet' ? 4 : 16)));
  if (vips.length > maxAddr) {
    say(c, 'vip-count-exceeded', 'error', vips[maxAddr]?.loc, `has ${vips.length} virtual addresses but an advert holds at most ${maxAddr}: keepalived moves the rest to virtual_ipaddress_excluded`);
  }
  return Math.min(vips.length, maxAddr);
}

function unicastMode(c: Ctx): boolean {
  const { inst } = c;
  if (!inst.unicastConfigured) return false;
  if (inst.unicastPeers.length > 0) return true;
  if (inst.unicastFaultNoPeer?.value) {
    say(c, 'unicast-no-peers', 'info', inst.unicastFaultNoPeer.loc, 'unicast without peers and unicast_fault_no_peer: keepalived keeps the instance in FAULT');
  } else {
    say(c, 'unicast-without-peers', 'warning', inst.unicastSrcIp?.loc ?? inst.loc,
      'a unicast keyword was given without unicast peers: keepalived falls back to multicast (deprecated)',
      'add a unicast_peer block, or remove the unicast keywords');
  }
  return false;
}

/**
 * Owners and sync-group members do not use weighted trackers (unless the group
 * has sync_group_tracking_weight): keepalived drops weighted track_script and
 * track_bfd entries, unweights default-weight track_file entries and drops
 * explicitly weighted ones, and reports weighted track_interface entries. In
 * 2.2.7 a sync member's track_interface weight is still applied at run time,
 * so it is kept in `effective`.
 */
function tracking(c: Ctx, model: Draft<KeepalivedConfig>, priority: number): Pick<EffectiveInstance, 'trackScripts' | 'trackInterfaces'> {
  const { inst, syncGroup } = c;
  const owner = priority === PRIORITY_OWNER;
  const syncNoWeight = syncGroup !== undefined && !syncGroup.trackingWeight;
  const restricted = syncNoWeight || owner;
  const why = syncNoWeight ? 'it is in a sync group' : 'it is the address owner (priority 255)';
  const trackInterfaces: { name: string; weight: number; reverse: boolean }[] = [];
  for (const t of inst.trackInterfaces) {
    if (inst.interface && t.name === inst.interface.value) {
      say(c, 'track-own-interface', 'error', t.loc, `track_interface ${t.name} is the instance's own interface: keepalived ignores the entry`);
      continue;
    }
    const weight = t.weight?.value ?? 0;
    if (restricted && weight) {
      say(c, 'track-weight-ignored', 'error', t.loc, `keepalived ignores the weight of tracked interface ${t.name} because ${why}`,
        syncNoWeight ? 'put the tracking in the vrrp_sync_group block, or set sync_group_tracking_weight' : undefined);
      if (owner && !syncNoWeight) continue;
    }
    trackInterfaces.push({ name: t.name, weight, reverse: t.reverse?.value ?? false });
  }
  const trackScripts: { name: string; weight: number; reverse: boolean }[] = [];
  for (const t of inst.trackScripts) {
    const script = model.vrrpScripts.find((s) => s.name === t.name);
    const weight = t.weight?.value ?? script?.weight?.value ?? 0;
    if (restricted && weight) {
      say(c, 'track-script-weight-ignored', 'error', t.loc, `keepalived drops tracked script ${t.name} because it has a weight and ${why}`,
        syncNoWeight ? 'track the script in the vrrp_sync_group block, or set sync_group_tracking_weight' : 'use weight 0, or a priority below 255');
      continue;
    }
    trackScripts.push({ name: t.name, weight, reverse: t.reverse?.value ?? script?.reverse?.value ?? false });
  }
  for (const t of inst.trackFiles) {
    const file = model.trackFiles.find((f) => f.name === t.name);
    const weight = t.weight?.value ?? file?.weight?.value ?? 1;
    if (restricted && weight === 1) say(c, 'track-file-weight-ignored', 'error', t.loc, `keepalived ignores the default weight of tracked file ${t.name} because ${why}: specify weight 0`);
    else if (restricted && weight) say(c, 'track-file-weight-ignored', 'error', t.loc, `keepalived drops tracked file ${t.name} (weight ${weight}) because ${why}`);
  }
  for (const t of inst.trackBfds) {
    if (restricted && t.weight?.value) say(c, 'track-bfd-weight-ignored', 'error', t.loc, `keepalived drops tracked bfd ${t.name} (weight ${t.weight.value}) because ${why}`);
  }
  return { trackScripts, trackInterfaces };
}

/** keepalived's checks on one instance: the findings, and `effective` set to what keepalived runs. */
export function checkInstance(inst: I, model: Draft<KeepalivedConfig>, ctx: BuildContext, syncGroup?: Ctx['syncGroup']): void {
  inst.effective = resolve({ ctx, inst, globals: model.globalDefs, ...(syncGroup ? { syncGroup } : {}) }, model);
}

/**
 * What keepalived runs an instance with, after its defaults and its load-time
 * corrections: the one reading of those rules. The validator stores it in the
 * model (`effective`, with its findings); the keepalived → engine mapping calls
 * it for a model built without the checks.
 */
export function effectiveInstance(inst: VrrpInstance, model: KeepalivedConfig, syncGroup?: Ctx['syncGroup']): EffectiveInstance {
  return resolve({ ctx: undefined, inst: inst as I, globals: model.globalDefs, ...(syncGroup ? { syncGroup } : {}) }, model as Draft<KeepalivedConfig>);
}

function resolve(c: Ctx, model: Draft<KeepalivedConfig>): EffectiveInstance {
  const { inst } = c;
  const strict = inst.strictMode?.value ?? model.globalDefs.vrrpStrict?.value ?? false;
  const unicast = unicastMode(c);
  minimalConfig(c, unicast);
  const { version, family } = versionAndFamily(c, strict);
  const sp = stateAndPriority(c, strict);
  const auth = authentication(c, strict, version, family, sp.state, sp.priority);
  if (!inst.interface && inst.unicastConfigured && !inst.unicastSrcIp && !inst.mcastSrcIp && unicast) {
    say(c, 'unicast-no-source', 'error', inst.loc, 'a unicast instance without interface needs unicast_src_ip: keepalived refuses the configuration');
  }
  strictModeFixups(c, strict, sp.priority, version, unicast);
  if (inst.mcastDstIp && unicast) {
    say(c, 'mcast-dst-with-unicast', 'error', inst.mcastDstIp.loc, 'mcast_dst_ip has no meaning with unicast peers: keepalived ignores it');
  }
  if (inst.vrf && (inst.interface || !unicast)) {
    say(c, 'vrf-invalid', 'error', inst.vrf.loc, `vrf can only be given ${inst.interface ? 'without an interface' : 'with unicast peers'}: keepalived clears it`);
  }
  if (inst.vmacXmitBase && !inst.useVmac && !inst.useIpvlan) {
    say(c, 'vmac-xmit-base-without-vmac', 'error', inst.vmacXmitBase.loc, 'vmac_xmit_base only applies with use_vmac: keepalived ignores it');
  }
  const advertised = addresses(c, version, strict, family, unicast, auth.auth.type === 'AH');
  const pre = preemption(c, strict, auth.state, sp.priority);
  const advertIntUs = advertInterval(c, version);
  const tracked = tracking(c, model, sp.priority);
  const g = model.globalDefs;
  // keepalived raises a garp_master_repeat below 1 to 1 (vrrp_garp_rep_handler)
  const garpMasterRepeat = Math.max(1, inst.garpMasterRepeat?.value ?? g.vrrpGarpMasterRepeat?.value ?? 5);
  return {
    state: auth.state,
    priority: sp.priority,
    advertIntUs,
    version,
    ...pre,
    auth: auth.auth,
    unicast,
    downTimerAdverts: strict ? 3 : inst.downTimerAdverts?.value ?? g.vrrpDownTimerAdverts?.value ?? 3,
    garpMasterDelayS: inst.garpMasterDelayS?.value ?? g.vrrpGarpMasterDelayS?.value ?? 5,
    garpMasterRepeat,
    garpMasterRefreshS: inst.garpMasterRefreshS?.value ?? g.vrrpGarpMasterRefreshS?.value ?? 0,
    garpMasterRefreshRepeat: inst.garpMasterRefreshRepeat?.value ?? g.vrrpGarpMasterRefreshRepeat?.value ?? 1,
    garpLowerPrioDelayS: strict ? 0 : inst.garpLowerPrioDelayS?.value ?? g.vrrpGarpLowerPrioDelayS?.value ?? inst.garpMasterDelayS?.value ?? g.vrrpGarpMasterDelayS?.value ?? 5,
    garpLowerPrioRepeat: strict ? 0 : inst.garpLowerPrioRepeat?.value ?? g.vrrpGarpLowerPrioRepeat?.value ?? garpMasterRepeat,
    lowerPrioNoAdvert: strict ? true : inst.lowerPrioNoAdvert?.value ?? g.vrrpLowerPrioNoAdvert?.value ?? false,
    higherPrioSendAdvert: strict ? false : inst.higherPrioSendAdvert?.value ?? g.vrrpHigherPrioSendAdvert?.value ?? false,
    strict,
    advertisedAddressCount: advertised,
    ...(c.syncGroup ? { syncGroup: c.syncGroup.name } : {}),
    ...tracked,
  };
}

/** One tracker a sync group block gives each member: `ref` is its line in the group. */
export interface GroupTracker {
  readonly kind: 'script' | 'interface';
  readonly name: string;
  readonly weight: number;
  readonly reverse: boolean;
  readonly ref: TrackRef;
}

/**
 * The one reading of a vrrp_sync_group's own trackers (keepalived 2.2.7
 * sync_group_tracking_init, which runs after every member's own weighted
 * trackers were dropped): each track_script and track_interface of the group
 * applies to every member with its weight — sync_group_tracking_weight plays
 * no part here, it governs only the members' own trackers — except that every
 * weight is cleared when any member is an address owner (priority 255).
 * `instances` are those keepalived runs (a member naming none is ignored).
 */
export function syncGroupTrackers(group: SyncGroup, model: KeepalivedConfig, instances: readonly VrrpInstance[] = model.vrrpInstances): GroupTracker[] {
  const ownerMember = group.members.some((m) => {
    const i = instances.find((x) => x.name === m.value);
    return i !== undefined && (i.effective ?? effectiveInstance(i, model)).priority === PRIORITY_OWNER;
  });
  const weighed = (w: number): number => (ownerMember ? 0 : w);
  const scripts = group.trackScripts.map((ref): GroupTracker => {
    const s = model.vrrpScripts.find((x) => x.name === ref.name);
    return { kind: 'script', name: ref.name, weight: weighed(ref.weight?.value ?? s?.weight?.value ?? 0), reverse: ref.reverse?.value ?? s?.reverse?.value ?? false, ref };
  });
  const interfaces = group.trackInterfaces.map((ref): GroupTracker => ({ kind: 'interface', name: ref.name, weight: weighed(ref.weight?.value ?? 0), reverse: ref.reverse?.value ?? false, ref }));
  return [...scripts, ...interfaces];
}

/**
 * A member's trackers once its group's are added (add_vrrp_to_track_script,
 * add_vrrp_to_interface): a tracker the member already has keeps weight 0 if
 * its own is 0, and otherwise takes the group's weight; the rest are appended.
 */
export function withGroupTrackers<T extends { readonly kind: 'script' | 'interface'; readonly name: string; readonly weight: number; readonly reverse: boolean }>(
  own: readonly T[],
  group: readonly GroupTracker[],
  make: (g: GroupTracker) => T,
): T[] {
  const out = [...own];
  for (const g of group) {
    const at = out.findIndex((t) => t.kind === g.kind && t.name === g.name);
    const mine = out[at];
    if (mine === undefined) out.push(make(g));
    else if (mine.weight !== 0) out[at] = { ...mine, weight: g.weight, reverse: g.reverse };
  }
  return out;
}
