/**
 * RFC 3768's constants and arithmetic, and keepalived 2.2.7's arithmetic on
 * top of them: the one leaf module every layer that reasons about VRRP reads —
 * the engine (src/vrrp), the validator's cluster rules and election table
 * (src/config), the mapping from keepalived.conf, the simulator's wire, the
 * checkers' bounds. It lives in core, which every layer may import, and
 * imports nothing but core/time: the validator and the engine cannot compute
 * an effective priority or a Master_Down_Interval two ways.
 *
 * Theory of operation
 * - Time is integer µs, as keepalived keeps it (TIMER_HZ = 1 000 000).
 * - §6.1 Skew_Time = (256 − Priority) / 256 s. keepalived evaluates it in
 *   unsigned integer µs, so the division floors: priority 100 → 609 375 µs. In
 *   VRRPv2 the skew does not scale with the advertisement interval (it does in
 *   v3, RFC 5798 §6.1); keepalived follows both RFCs here.
 * - §6.1 Master_Down_Interval = down_timer_adverts × Master_Adver_Interval +
 *   Skew_Time. RFC 3768 fixes the multiplier at 3; keepalived makes it
 *   configurable (`down_timer_adverts`, default 3). The skew uses the
 *   *effective* priority (after trackers).
 * - Effective priority (keepalived vrrp_track.c): total_priority = configured
 *   priority + the weighted trackers' contributions, clamped to 1..254; an
 *   address owner (255) is pinned at 255 whatever its trackers say.
 * - A weighted tracker (w ≠ 0, multiplier m = −1 with `reverse`) contributes
 *   w·m while UP when w > 0, and w·m while DOWN when w < 0; a change moves the
 *   total by ±|w|·m. A weight-0 tracker moves nothing: its DOWN (UP with
 *   reverse) puts the instance in FAULT.
 * - VRID conflicts (keepalived check_vrid_conflicts, which refuses the
 *   configuration): two instances of one family with one VRID conflict when
 *   both are multicast on one interface and one multicast group, or both are
 *   unicast from one source address with a peer in common (interfaces, when
 *   both are named, must match). A multicast and a unicast one never do.
 * - preempt_delay (keepalived): preempt_time = the first lower advert's time
 *   + delay, plus a short stand-in lag when the delay spans at most two 1 s
 *   intervals, so the advert landing as the delay ends is still accepted —
 *   a race on real keepalived, measured; see preemptTimeUs.
 * - advert_int: VRRPv2 carries whole seconds (keepalived rounds to the nearest,
 *   at least 1, at most 255), VRRPv3 centiseconds (at most 40.95 s).
 */
import { later, US_PER_SECOND, type DurationUs, type Instant } from './time.js';

// ---------------------------------------------------------------- wire (§5)

export const IPPROTO_VRRP = 112;
export const VRRP_VERSION = 2;
export const VRRP_TYPE_ADVERTISEMENT = 1;
/** §5.2.2: 224.0.0.18, as an unsigned 32-bit integer. */
export const VRRP_MULTICAST_GROUP = 0xe0000012;
/** §5.2.2, dotted: 224.0.0.18. */
export const VRRP_MULTICAST_GROUP_TEXT = '224.0.0.18';
/** §5.2.3: the TTL MUST be 255. */
export const VRRP_TTL = 255;

// ---------------------------------------------------------------- priority (§5.3.4)

/** The master is leaving: backups take over after Skew_Time. */
export const PRIORITY_STOP = 0;
export const PRIORITY_MIN = 1;
/** §5.3.4: "The default priority value for VRRP routers backing up a virtual router is 100". */
export const PRIORITY_DEFAULT = 100;
export const PRIORITY_MAX_BACKUP = 254;
/** §5.3.4: the router that owns the virtual router's IP addresses. */
export const PRIORITY_OWNER = 255;

/** keepalived vrrp_set_effective_priority: base 255 is pinned, anything else is clamped to 1..254. */
export function effectivePriority(basePriority: number, totalPriority: number): number {
  if (basePriority === PRIORITY_OWNER) return PRIORITY_OWNER;
  if (totalPriority < PRIORITY_MIN) return PRIORITY_MIN;
  if (totalPriority > PRIORITY_MAX_BACKUP) return PRIORITY_MAX_BACKUP;
  return totalPriority;
}

export const weightMultiplier = (reverse: boolean): 1 | -1 => (reverse ? -1 : 1);

/** A weighted tracker's contribution to total_priority in a known state (initialise_*_tracking_priorities). */
export function trackerContribution(weight: number, reverse: boolean, up: boolean): number {
  if (up) return weight > 0 ? weight * weightMultiplier(reverse) : 0;
  return weight < 0 ? weight * weightMultiplier(reverse) : 0;
}

/** How total_priority moves when a weighted tracker changes state (process_if_status_change). */
export function trackerDelta(weight: number, reverse: boolean, nowUp: boolean): number {
  const step = Math.abs(weight) * weightMultiplier(reverse);
  return nowUp ? step : -step;
}

/** Does a weight-0 tracker in this state put its instance in FAULT? (`reverse` faults on UP.) */
export const faultsInstance = (reverse: boolean, up: boolean): boolean => up !== !reverse;

// ---------------------------------------------------------------- timers (§6.1)

export const DEFAULT_DOWN_TIMER_ADVERTS = 3;

/** §6.1 Skew_Time (v2) or RFC 5798 §6.1 (v3, scaled by the master's interval). */
export function skewTimeUs(priority: number, version: 2 | 3 = 2, masterAdverIntUs: DurationUs = US_PER_SECOND): DurationUs {
  const factor = 256 - priority;
  if (version === 3) {
    // keepalived: factor × centiseconds × 625 / 16, i.e. factor × interval / 256, floored
    return Math.floor((factor * Math.floor(masterAdverIntUs / 10_000) * 625) / 16);
  }
  return Math.floor((factor * US_PER_SECOND) / 256);
}

/** keepalived's VRRP_TIMER_SKEW_MIN: the skew of a priority-255 router (3 906 µs in v2). */
export function skewMinUs(version: 2 | 3 = 2, masterAdverIntUs: DurationUs = US_PER_SECOND): DurationUs {
  return skewTimeUs(PRIORITY_OWNER, version, masterAdverIntUs);
}

/** §6.1 Master_Down_Interval: priority 100, 1 s, 3 adverts → 3 609 375 µs. */
export function masterDownIntervalUs(priority: number, adverIntUs: DurationUs, downTimerAdverts: number = DEFAULT_DOWN_TIMER_ADVERTS, version: 2 | 3 = 2): DurationUs {
  return downTimerAdverts * adverIntUs + skewTimeUs(priority, version, adverIntUs);
}

// ---------------------------------------------------------------- preempt_delay (keepalived)

/**
 * keepalived's preempt_time, and the advert that arrives just as the delay
 * ends. keepalived (vrrp.c vrrp_state_backup) sets preempt_time = timer_now()
 * + delay while it handles the first lower advert — a fresh clock reading,
 * later than the wake-up that delivered that advert by however late the
 * process was — and compares it, for each later advert, with time_now, the
 * reading it cached when it woke for that advert. A master's adverts slip a
 * little every interval (it re-arms from a fresh reading after sending), and
 * a lot once when its delayed GARP burst (garp_master_delay, 5 s after it
 * became master) comes due with an advert: that burst's timer did not slip,
 * so it goes first and the advert waits for it. So when the delay is a whole
 * number of intervals, the advert that lands as it ends is accepted (down
 * timer reset: the takeover one interval later) when the first one was
 * handled later than the master has slipped since.
 *
 * Recorded on keepalived 2.2.7 (fixtures 05, 31, 36–47 and 17 runs more), at
 * advert_int 1 with no GARP burst between the two adverts: accepted in 9 of
 * 17 runs with a delay of one or two intervals — a toss-up — and in 1 of 6
 * with three; with the burst delaying the last advert or one before it (43,
 * 05, 31, four or five intervals) in 0 of 12; at advert_int 2 in 0 of 4. The
 * simulator's adverts do not slip and it handles them in no time, so it must
 * take a side: with at most two 1 s intervals it accepts that advert (this
 * lag, shorter than any interval, is a stand-in), otherwise it discards it.
 * It does not move a master's advert behind its GARP burst, which would
 * shift every later advert of every run.
 */
export const PREEMPT_TIME_LAG_US = 1_000;
/** The lag applies when the delay spans at most this many advert intervals… */
export const PREEMPT_TIME_LAG_MAX_ADVERTS = 2;
/** …of at most this length. */
export const PREEMPT_TIME_LAG_MAX_ADVERT_INT_US = US_PER_SECOND;

/** keepalived's preempt_time for a delay that starts `now` (at the first lower advert). */
export function preemptTimeUs(now: Instant, delayUs: DurationUs, adverIntUs: DurationUs): Instant {
  const lagged = adverIntUs <= PREEMPT_TIME_LAG_MAX_ADVERT_INT_US && delayUs <= PREEMPT_TIME_LAG_MAX_ADVERTS * adverIntUs;
  return later(now, delayUs + (lagged ? PREEMPT_TIME_LAG_US : 0));
}

const CENTI_US = 10_000;

/** The Advertisement_Interval keepalived runs: VRRPv2 whole seconds (nearest, 1..255), v3 centiseconds (10 ms..40.95 s). */
export function effectiveAdvertIntUs(configuredUs: number | undefined, version: 2 | 3): DurationUs {
  let us = configuredUs === undefined || configuredUs === 0 ? US_PER_SECOND : configuredUs;
  const unit = version === 2 ? US_PER_SECOND : CENTI_US;
  const max = version === 2 ? 255 * US_PER_SECOND : 4095 * CENTI_US;
  if (us >= max + unit) return max;
  if (us % unit !== 0) us = Math.max(unit, Math.floor((us + unit / 2) / unit) * unit);
  return us;
}

/** What keepalived's check_vrid_conflicts compares of an instance. */
export interface VridEndpoint {
  readonly family: 'inet' | 'inet6';
  readonly vrid: number;
  readonly interface: string | undefined;
  readonly unicast: boolean;
  /** The multicast group adverts go to (multicast only). */
  readonly group: string;
  /** The unicast source address, when written or known. */
  readonly source: string | undefined;
  readonly peers: readonly string[];
}

/** keepalived refuses a configuration with two instances for which this holds. */
export function vridConflict(a: VridEndpoint, b: VridEndpoint): boolean {
  if (a.family !== b.family || a.vrid !== b.vrid || a.unicast !== b.unicast) return false;
  if (!a.unicast) return a.interface !== undefined && a.interface === b.interface && a.group === b.group;
  if (a.interface !== undefined && b.interface !== undefined && a.interface !== b.interface) return false;
  if (a.source === undefined || a.source !== b.source) return false;
  return a.peers.some((p) => b.peers.includes(p));
}
