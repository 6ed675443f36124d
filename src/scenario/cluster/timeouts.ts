/**
 * Timeouts that must fit together across the membership layer and the fencing
 * layer: a fence that must complete within less time than totem needs to
 * notice a failure (effective token + consensus) is declared failed before the
 * membership has settled, and the fence is retried or recovery stalls.
 *
 * The CIB's `stonith-timeout` (Pacemaker's default 60 s) is the fence timeout
 * known here; cluster.conf readers can call `fenceTimeoutFindings` the same way.
 */
import { fenceTimeoutFindings, type CorosyncConf } from '../../config/corosync/index.js';
import { parseDurationMs, type Cib } from '../../config/cib/index.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import type { TotemTiming } from '../../fencing/membership.js';

export const PACEMAKER_STONITH_TIMEOUT_DEFAULT_MS = 60_000;

export function cibFenceTimeoutFindings(conf: CorosyncConf, timing: TotemTiming, cib: Cib): Diagnostic[] {
  const opt = cib.options['stonith-timeout'];
  const parsed = opt ? parseDurationMs(opt.value) : undefined;
  const timeoutMs = typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : PACEMAKER_STONITH_TIMEOUT_DEFAULT_MS;
  const at: Diagnostic | undefined = opt ? { code: '', severity: 'warning', message: '', file: cib.file, line: opt.line, column: opt.column } : undefined;
  return fenceTimeoutFindings(conf, timing.tokenMs + timing.consensusMs, { timeoutMs, what: `the CIB's stonith-timeout`, ...(at ? { at } : {}) });
}
