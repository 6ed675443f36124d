/**
 * Prints a `ValidationReport`: compiler-style diagnostics per file, a summary
 * line, then the election tables (text); or one JSON document.
 */
import { readFileSync } from 'node:fs';
import type { Diagnostic } from '../../core/diagnostic.js';
import type { ElectionTable } from '../../config/rules/election-table.js';
import { formatDiagnostic, type SourceLines } from '../render/diagnostic-text.js';
import { formatElectionTable } from '../render/election-text.js';
import type { Style } from '../style.js';
import type { SeverityCounts, ValidationReport } from './report.js';

export interface RenderOptions {
  /** Errors only; no summary, no tables. */
  readonly quiet: boolean;
  readonly table: boolean;
}

const keep = (quiet: boolean) => (d: Diagnostic) => !quiet || d.severity === 'error';

/** Reads source lines lazily and once per file, for the excerpts under each diagnostic. */
export function fileLines(): SourceLines {
  const cache = new Map<string, readonly string[] | undefined>();
  return (file) => {
    if (!cache.has(file)) {
      try {
        cache.set(file, readFileSync(file, 'latin1').split('\n'));
      } catch {
        cache.set(file, undefined);
      }
    }
    return cache.get(file);
  };
}

export function renderText(report: ValidationReport, style: Style, options: RenderOptions, lines: SourceLines = fileLines()): string {
  const blocks: string[] = [];
  for (const f of report.files) {
    for (const d of f.diagnostics.filter(keep(options.quiet))) {
      // A finding inside an included file is shown under that file's own name.
      blocks.push(formatDiagnostic(d, d.file && d.file !== f.file ? d.file : f.file, lines, style));
    }
    const more = omittedText(f.omitted, options.quiet);
    if (more) blocks.push(`${style.bold(`${f.file}:`)} ${style.dim(more)}`);
  }
  for (const d of report.unlocated.filter(keep(options.quiet))) blocks.push(formatDiagnostic(d, d.file ?? 'cluster', lines, style));
  if (options.quiet) return blocks.length ? `${blocks.join('\n\n')}\n` : '';
  const out = blocks.length ? [`${blocks.join('\n\n')}\n\n`] : [];
  out.push(`${summaryLine(report, style)}\n`);
  if (report.notChecked.length > 0) {
    const checks = [...new Set(report.notChecked.map((n) => n.check))].join(', ');
    out.push(style.dim(`not checked (${report.notChecked.length}): ${checks} — see --json for the list; --host-interfaces and --check-scripts enable host checks\n`));
  }
  if (options.table) out.push(...tables(report, style));
  return out.join('');
}

function omittedText(o: SeverityCounts, quiet: boolean): string | undefined {
  const n = quiet ? o.errors : o.errors + o.warnings + o.infos;
  if (n === 0) return undefined;
  return `… and ${plural(n, 'more diagnostic')} (${plural(o.errors, 'error')}, ${plural(o.warnings, 'warning')}, ${plural(o.infos, 'note')}) not shown`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function summaryLine(report: ValidationReport, style: Style): string {
  const s = report.summary;
  const nodes = report.clusters.length === 1 ? report.clusters[0]!.nodes : [];
  const scope = report.separate ? 'checked separately' : nodes.length > s.files ? `checked as one cluster of ${nodes.length} nodes` : s.files > 1 ? 'checked as one cluster' : 'checked';
  const counts = [
    s.errors ? style.severity('error', plural(s.errors, 'error')) : '0 errors',
    s.warnings ? style.severity('warning', plural(s.warnings, 'warning')) : '0 warnings',
    plural(s.infos, 'note'),
  ].join(', ');
  const unreadable = s.unreadable ? `, ${style.bad(`${s.unreadable} unreadable`)}` : '';
  const verdict = report.exitCode === 0 ? style.good('ok') : style.bad('failed');
  return `${style.bold(`${plural(s.files, 'file')} ${scope}:`)} ${counts}${unreadable} — ${verdict}`;
}

function tables(report: ValidationReport, style: Style): string[] {
  const all = report.clusters.flatMap((c) => c.elections);
  if (all.length === 0) return [];
  return [`\n${style.bold('Election table')} ${style.dim('(effective priority per node when the listed trackers are down)')}\n`, ...all.map((t) => `\n${formatElectionTable(t, style)}\n`)];
}

// ------------------------------------------------------------------ JSON

function jsonDiagnostic(d: Diagnostic, file: string, withFile = false): Record<string, unknown> {
  return {
    ...(withFile ? { file: file || d.file } : {}),
    line: d.line ?? 0,
    column: d.column ?? 0,
    severity: d.severity,
    code: d.code,
    message: d.message,
    ...(d.hint !== undefined ? { hint: d.hint } : {}),
    ...(d.file !== undefined && d.file !== file ? { source: d.file } : {}),
    ...(d.rfc !== undefined ? { rfc: d.rfc } : {}),
    ...(d.data !== undefined ? { data: d.data } : {}),
  };
}

function jsonElection(t: ElectionTable): Record<string, unknown> {
  return {
    interface: t.interface,
    vrid: t.vrid,
    complete: t.complete,
    ...(t.note ? { note: t.note } : {}),
    nodes: t.nodes.map((n) => ({
      node: n.node,
      file: n.file,
      instance: n.instance,
      basePriority: n.basePriority,
      ...(n.address ? { address: n.address } : {}),
      stateMaster: n.stateMaster,
      nopreempt: n.nopreempt,
    })),
    trackers: t.trackers.map((tr) => ({
      id: tr.id,
      node: tr.node,
      kind: tr.kind,
      name: tr.name,
      weight: tr.weight,
      reverse: tr.reverse,
      ...(tr.source ? { file: tr.source.file, line: tr.source.line, column: tr.source.column } : {}),
    })),
    rows: t.rows,
  };
}

/**
 * Findings between files (codes `cluster-*`: two nodes disagree) are about a pair
 * of files, not about either file alone, so JSON lists them under
 * `cluster.diagnostics`, each with the file and line it points at and
 * `data.related` for the other side; `files[].diagnostics` holds what is wrong in
 * each file by itself. The text output shows both under the file they point at.
 */
const isBetweenFiles = (d: Diagnostic): boolean => d.code.startsWith('cluster-');

export function renderJson(report: ValidationReport, options: RenderOptions): string {
  const k = keep(options.quiet);
  const between = report.files.flatMap((f) => f.diagnostics.filter((d) => k(d) && isBetweenFiles(d)).map((d) => jsonDiagnostic(d, f.file, true)));
  const doc = {
    files: report.files.map((f) => ({
      file: f.file,
      ...(f.unreadable ? { unreadable: true } : {}),
      ...(f.omitted.errors + f.omitted.warnings + f.omitted.infos > 0 ? { omitted: f.omitted } : {}),
      diagnostics: f.diagnostics.filter((d) => k(d) && !isBetweenFiles(d)).map((d) => jsonDiagnostic(d, f.file)),
    })),
    cluster: { diagnostics: [...between, ...report.unlocated.filter(k).map((d) => jsonDiagnostic(d, '', true))], separate: report.separate },
    elections: options.table ? report.clusters.flatMap((c) => c.elections.map(jsonElection)) : [],
    notChecked: report.notChecked,
    summary: { ...report.summary, exitCode: report.exitCode },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
