/**
 * RFC 3768 §6.1 timer values, in integer microseconds exactly as keepalived
 * 2.2.7 computes them (include/vrrp.h VRRP_TIMER_SKEW_CALC, VRRP_MS_DOWN_TIMER).
 *
 * Theory of operation
 * - Skew_Time = (256 − Priority) / 256 s. keepalived evaluates it in unsigned
 *   integer µs, so the division floors: priority 100 → 609 375 µs.
 * - In VRRPv2 the skew does not scale with the advertisement interval (it does
 *   in v3, RFC 5798 §6.1); keepalived follows both RFCs here.
 * - Master_Down_Interval = down_timer_adverts × Master_Adver_Interval + Skew_Time.
 *   RFC 3768 fixes the multiplier at 3; keepalived makes it configurable
 *   (`down_timer_adverts`, default 3).
 * - The skew always uses the *effective* priority (after trackers).
 */
import type { DurationUs } from '../core/time.js';

export const US_PER_SECOND = 1_000_000;
export const DEFAULT_DOWN_TIMER_ADVERTS = 3;

/** RFC 3768 §6.1 Skew_Time (v2) or RFC 5798 §6.1 (v3, scaled by the master's interval). */
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
  return skewTimeUs(255, version, masterAdverIntUs);
}

/** RFC 3768 §6.1 Master_Down_Interval: priority 100, 1 s, 3 adverts → 3 609 375 µs. */
export function masterDownIntervalUs(
  priority: number,
  adverIntUs: DurationUs,
  downTimerAdverts: number = DEFAULT_DOWN_TIMER_ADVERTS,
  version: 2 | 3 = 2,
): DurationUs {
  return downTimerAdverts * adverIntUs + skewTimeUs(priority, version, adverIntUs);
}
