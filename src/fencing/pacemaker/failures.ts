/**
 * Failures as Pacemaker counts them: OCF exit-code classes, fail counts from
 * the transient node attributes, and failure-timeout expiry.
 *
 * Rules:
 * - Fail counts live in `fail-count-RSC#OP_INTERVAL` attributes (the older
 *   `fail-count-RSC` too) and are summed per resource and node; `INFINITY`
 *   reads as 1,000,000.
 * - With a failure-timeout, every failure of the resource on a node expires at
 *   once when the newest `last-failure-RSC#…` is that old.
 * - rc 2, 4, 5 (and 3 from a one-shot operation) are hard errors (the node is banned), rc 6 is fatal (banned
 *   everywhere); any other failure is soft (fail count, then recovery).
 */
import { INFINITY, type PcmkResource } from './types.js';

export type FailureClass = 'soft' | 'hard' | 'fatal';

/** PCMK_OCF_INVALID_PARAM 2, UNIMPLEMENT_FEATURE 3, INSUFFICIENT_PRIV 4, NOT_INSTALLED 5 → hard; NOT_CONFIGURED 6 → fatal. */
export function failureClass(rc: number, _task: string, intervalMs: number): FailureClass {
  if (rc === 6) return 'fatal';
  // UNIMPLEMENT_FEATURE from a recurring monitor is an ordinary failure (measured: recovered in place).
  if (rc === 3 && intervalMs > 0) return 'soft';
  if (rc >= 2 && rc <= 5) return 'hard';
  return 'soft';
}

function attrNumber(v: string): number {
  const t = v.trim().toUpperCase();
  if (t === 'INFINITY' || t === '+INFINITY') return INFINITY;
  if (t === '-INFINITY') return -INFINITY;
  const n = Number.parseInt(t, 10);
  return Number.isFinite(n) ? Math.max(-INFINITY, Math.min(INFINITY, n)) : 0;
}

function matches(name: string, prefix: string, id: string): boolean {
  return name === `${prefix}-${id}` || name.startsWith(`${prefix}-${id}#`);
}

/** The newest last-failure time of the resource on this node (seconds), if any. */
export function lastFailureS(rsc: PcmkResource, attrs: Readonly<Record<string, string>>): number | undefined {
  let last: number | undefined;
  for (const [name, value] of Object.entries(attrs)) {
    if (!matches(name, 'last-failure', rsc.id)) continue;
    // A time (Unix seconds), not a score: no clamping.
    const t = Number.parseInt(value, 10);
    if (!Number.isFinite(t)) continue;
    last = last === undefined ? t : Math.max(last, t);
  }
  return last;
}

export function failureExpired(rsc: PcmkResource, attrs: Readonly<Record<string, string>>, nowS: number): boolean {
  if (rsc.failureTimeoutS <= 0) return false;
  const last = lastFailureS(rsc, attrs);
  // Measured: still counted exactly at last-failure + failure-timeout, expired one second later.
  return last !== undefined && nowS > last + rsc.failureTimeoutS;
}

/** The resource's fail count on one node (0 when its failures have expired). */
export function failCountOf(rsc: PcmkResource, attrs: Readonly<Record<string, string>>, nowS: number): number {
  if (failureExpired(rsc, attrs, nowS)) return 0;
  let sum = 0;
  for (const [name, value] of Object.entries(attrs)) {
    if (matches(name, 'fail-count', rsc.id)) sum = Math.min(INFINITY, sum + Math.max(0, attrNumber(value)));
  }
  return sum;
}
