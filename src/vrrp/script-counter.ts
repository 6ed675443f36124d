/**
 * vrrp_script results through keepalived 2.2.7's rise/fall counter
 * (vrrp_track.c; research §2.11). The priority arithmetic trackers feed
 * (effective priority, contributions) is in rfc3768.ts.
 *
 * Theory of operation
 * - A vrrp_script result goes through a rise/fall counter r ∈ [0, rise+fall−1]
 *   (OK ⇔ r ≥ rise). It starts at rise−1 so the first result decides; while a
 *   script has not reported, its weighted contribution is 0 and a weight-0
 *   script holds the instance in INIT.
 */

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
