/**
 * The result of one `vrrp-lab validate` run, as data: what the text and JSON
 * renderers print, and what other commands (simulate, lab) may reuse.
 */
import type { Diagnostic } from '../../core/diagnostic.js';
import type { ElectionTable } from '../../config/rules/election-table.js';
import { keepalivedTestExit } from '../../config/keepalived-exit.js';

export interface FileReport {
  /** The file as the user named it (a directory argument joined with the relative path). */
  readonly file: string;
  /** Every diagnostic located in this file or in a file it includes. */
  readonly diagnostics: readonly Diagnostic[];
  /** The file (or directory) could not be read: exit status 2. */
  readonly unreadable: boolean;
  /** The files that make up this config: the root, then its includes. */
  readonly sources: readonly string[];
  /** Diagnostics beyond the per-file cap, counted but not listed. */
  readonly omitted: SeverityCounts;
}

export interface SeverityCounts {
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
}

export const NO_COUNTS: SeverityCounts = { errors: 0, warnings: 0, infos: 0 };

/** A file of binary noise can make a million diagnostics; nobody reads past the first few hundred. */
export const MAX_DIAGNOSTICS_PER_FILE = 500;

export function countSeverities(ds: readonly Diagnostic[]): SeverityCounts {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const d of ds) {
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
    else infos++;
  }
  return { errors, warnings, infos };
}

export interface NotCheckedEntry {
  readonly check: string;
  readonly what: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly why: string;
}

export interface ClusterReport {
  /** Display names of the files that form this cluster. */
  readonly files: readonly string[];
  /** The nodes' names, in order (one file may be several nodes: `--node NAME=FILE`). */
  readonly nodes: readonly string[];
  readonly elections: readonly ElectionTable[];
}

export interface Summary {
  readonly files: number;
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  readonly unreadable: number;
}

export interface ValidationReport {
  readonly files: readonly FileReport[];
  /** Findings that belong to no single file. */
  readonly unlocated: readonly Diagnostic[];
  /** One cluster of every file, or one per file with `--separate`. */
  readonly clusters: readonly ClusterReport[];
  readonly notChecked: readonly NotCheckedEntry[];
  readonly separate: boolean;
  readonly summary: Summary;
  readonly exitCode: 0 | 1 | 2;
}

export function summarize(files: readonly FileReport[], unlocated: readonly Diagnostic[]): Summary {
  const listed = countSeverities([...files.flatMap((f) => f.diagnostics), ...unlocated]);
  const sum = (k: keyof SeverityCounts) => listed[k] + files.reduce((n, f) => n + f.omitted[k], 0);
  return {
    files: files.filter((f) => !f.unreadable).length,
    errors: sum('errors'),
    warnings: sum('warnings'),
    infos: sum('infos'),
    unreadable: files.filter((f) => f.unreadable).length,
  };
}

/**
 * `--keepalived-exit`: the status keepalived -t would exit with, file by file
 * (the highest of them); an unreadable file is still a usage error (2).
 */
export function keepalivedExitOf(report: ValidationReport): number {
  if (report.summary.unreadable > 0) return 2;
  return Math.max(0, ...report.files.map((f) => keepalivedTestExit(f.diagnostics)));
}

export function exitCodeOf(summary: Summary): 0 | 1 | 2 {
  if (summary.unreadable > 0) return 2;
  return summary.errors > 0 ? 1 : 0;
}
