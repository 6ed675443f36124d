/**
 * Time is integer microseconds since the run began. keepalived keeps its timers
 * in microseconds (TIMER_HZ = 1 000 000) and follows RFC 3768 to the microsecond,
 * so an integer count lets the simulator match it exactly, with no float drift.
 */
export type Instant = number & { readonly __brand: 'Instant' };
export type DurationUs = number;

export const US_PER_MS = 1_000;
export const US_PER_SECOND = 1_000_000;

export const ZERO = 0 as Instant;

export function instant(us: number): Instant {
  if (!Number.isSafeInteger(us)) throw new RangeError(`instant must be an integer count of microseconds, got ${us}`);
  return us as Instant;
}

export const later = (t: Instant, d: DurationUs): Instant => (t + d) as Instant;

export const secondsToUs = (s: number): DurationUs => Math.round(s * US_PER_SECOND);
export const msToUs = (ms: number): DurationUs => Math.round(ms * US_PER_MS);
export const usToSeconds = (us: number): number => us / US_PER_SECOND;

/** Seconds with microsecond precision and no trailing zeros: 3.609375, 12, 0.000001. */
export function formatSeconds(us: number): string {
  const sign = us < 0 ? '-' : '';
  const a = Math.abs(us);
  const whole = Math.floor(a / US_PER_SECOND);
  const frac = a % US_PER_SECOND;
  if (frac === 0) return `${sign}${whole}`;
  return `${sign}${whole}.${String(frac).padStart(6, '0').replace(/0+$/, '')}`;
}

export const minInstant = (a: Instant | undefined, b: Instant | undefined): Instant | undefined =>
  a === undefined ? b : b === undefined ? a : a <= b ? a : b;
