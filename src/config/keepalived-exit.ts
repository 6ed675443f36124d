/**
 * The exit status `keepalived -t` would give a configuration, from this
 * project's findings on it (`validate --keepalived-exit`).
 *
 * Theory of operation (keepalived 2.2.7, lib/parser.c vreport_config_error and
 * keepalived/core/main.c config_test_exit): every message keepalived reports about
 * the configuration carries a class, and -t exits with the status of the class
 * of highest enum value reported — which is the *least* severe one:
 * - nothing reported: 0;
 * - only "cannot run" classes (file not found, bad interface, fatal): 4;
 * - any other configuration error, warning or deprecation: 5;
 * - a script-security violation: 6.
 * A keyword missing its parameter stops keepalived at once with status 2, and a
 * few malformed lines make 2.2.7 crash (status 139).
 *
 * Rules: only findings keepalived itself reports count. This project's own
 * checks (cross-node, LVS advice, notes about the file) never do; neither does
 * script security, which keepalived reports only for scripts present on its host.
 * Interfaces and script users count when the host was described
 * (`--host-interfaces`, `--check-scripts`): only then are they reported.
 */
import type { Diagnostic } from '../core/diagnostic.js';

/** keepalived 2.2.7's -t exit statuses (lib/scheduler.h: chk_exit_code; exit(KEEPALIVED_EXIT_CONFIG)). */
export const KEEPALIVED_T_EXIT = { ok: 0, stopped: 2, cannotRun: 4, configErrors: 5, security: 6, crashed: 139 } as const;

/** Findings keepalived -t does not print: this project's own checks, and notes about the file. */
const OWN_CHECKS: ReadonlySet<string> = new Set([
  'config-id-skipped', 'last-line-without-newline', 'line-too-long',
  'lvs-check-slower-than-loop', 'lvs-dr-arp', 'lvs-sorry-is-real', 'lvs-granularity-makes-persistent',
  'lvs-forwarding-overridden', 'lvs-scheduler-flag-dropped',
  'track-weight-fragile', 'smtp-server-hostname',
]);

/** Findings that depend on the host keepalived runs on: it reports them only where they apply. */
const HOST_DEPENDENT: ReadonlySet<string> = new Set([
  'script-security-disabled',
]);

/** keepalived's "cannot run this configuration" classes (CONFIG_FILE_NOT_FOUND, CONFIG_BAD_IF, CONFIG_FATAL). */
const CANNOT_RUN: ReadonlySet<string> = new Set(['include-missing', 'file-unreadable', 'include-no-match']);

/** Whether keepalived -t reports this finding itself. */
export function keepalivedReports(d: Diagnostic): boolean {
  if (d.severity === 'info') return false;
  if (d.code.startsWith('cluster-')) return false;
  return !OWN_CHECKS.has(d.code) && !HOST_DEPENDENT.has(d.code);
}

/** The status `keepalived -t -f FILE` exits with, given this project's findings on FILE (and what it includes). */
export function keepalivedTestExit(diagnostics: readonly Diagnostic[]): number {
  const reported = diagnostics.filter(keepalivedReports);
  if (reported.some((d) => d.data?.['keepalivedCrashes'] === true)) return KEEPALIVED_T_EXIT.crashed;
  if (reported.some((d) => d.code === 'missing-parameter')) return KEEPALIVED_T_EXIT.stopped;
  if (reported.length === 0) return KEEPALIVED_T_EXIT.ok;
  return reported.every((d) => CANNOT_RUN.has(d.code)) ? KEEPALIVED_T_EXIT.cannotRun : KEEPALIVED_T_EXIT.configErrors;
}
