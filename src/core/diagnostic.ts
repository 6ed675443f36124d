/** The one shape every diagnostic takes, from the validator and from the engines. */
export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  /** Stable identifier, kebab-case, e.g. `unknown-keyword`, `vrid-out-of-range`. */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly file?: string;
  /** 1-based; 0 when the finding has no line (e.g. a cluster-wide check). */
  readonly line?: number;
  /** 1-based. */
  readonly column?: number;
  readonly hint?: string;
  /** RFC clause or keepalived behaviour this rests on, e.g. `3768§7.1`. */
  readonly rfc?: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export const severityRank: Record<Severity, number> = { error: 2, warning: 1, info: 0 };

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    (a.file ?? '').localeCompare(b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    severityRank[b.severity] - severityRank[a.severity] ||
    a.code.localeCompare(b.code)
  );
}
