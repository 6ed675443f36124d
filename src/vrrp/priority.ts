/**
 * Effective priority and tracker arithmetic, as keepalived 2.2.7 does it
 * (vrrp_track.c; research §2.10, §2.11).
 *
 * Theory of operation
 * - keepalived keeps `total_priority` = configured priority + the sum of the
 *   weighted trackers' contributions, updated incrementally when a tracker
 *   changes, and derives `effective_priority` = total clamped to 1..254. An
 *   address owner (base 255) stays at 255 whatever its trackers say.
 * - A weighted tracker (w ≠ 0, multiplier m = −1 with `reverse`) contributes
 *   w·m while UP when w > 0, and w·m while DOWN when w < 0; so a change moves
 *   the total by ±|w|·m. A weight-0 tracker does not move the priority: its
 *   DOWN (UP with reverse) puts the instance in FAULT.
 * - A vrrp_script result goes through a rise/fall counter r ∈ [0, rise+fall−1]
 *   (OK ⇔ r ≥ rise). It starts at rise−1 so the first result decides; while a
 *   script has not reported, its weighted contribution is 0 and a weight-0
 *   script holds the instance in INIT.
 */

export const PRIORITY_MIN = 1;
export const PRIORITY_MAX_BACKUP = 254;
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

// ---------------------------------------------------------------- vrrp_script rise/fall

export type ScriptStatus = 'init' | 'ok' | 'ko';

export interface ScriptCounter {
  /** keepalived's vscript->result. */
  readonly counter: number;
  readonly status: ScriptStatus;
}

export const initialScriptCounter = (rise: number): ScriptCounter => ({ counter: rise - 1, status: 'init' });

/**
 * One script result through keepalived's counter (vrrp_script_child_thread).
 * From steady OK it takes exactly `fall` failures to turn KO; from KO exactly
 * `rise` successes to turn OK. Returns the same object when nothing changes.
 */
export function scriptResult(c: ScriptCounter, success: boolean, rise: number, fall: number): ScriptCounter {
  const top = rise + fall - 1;
  if (success) {
    if (c.counter < rise - 1) return { counter: c.counter + 1, status: c.status };
    if (c.counter === top && c.status === 'ok') return c;
    // r == rise−1 means "one more success turns OK"; in OK it re-saturates
    return { counter: top, status: c.counter < rise ? 'ok' : c.status };
  }
  if (c.counter > rise) return { counter: c.counter - 1, status: c.status };
  // the first result decides: a failure in init turns KO even from r = rise−1
  const turnsKo = c.counter === rise || c.status === 'init';
  return { counter: 0, status: turnsKo ? 'ko' : c.status };
}
