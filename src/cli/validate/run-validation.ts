/**
 * `validate` without the printing: find the configs, load each one (keepalived's
 * own checks run in the loader), then run the checks keepalived does not make —
 * across the files of one cluster, on the election table, on LVS — and collect
 * everything into a `ValidationReport`.
 *
 * Theory of operation: every file given (and every config found in a directory
 * given) is one node of one cluster, unless `separate` is set, in which case
 * each file is a cluster of its own. A file that cannot be read becomes a
 * report entry with a `file-unreadable` error and makes the exit status 2;
 * the other files are still checked.
 *
 * A node is named after its file (lb1.conf → lb1), or as given (`--node gw1=F`,
 * a `NodeTarget`): one file may then be several nodes, as when two routers run
 * the same keepalived.conf; it is read and reported once, and checked as each
 * node. The file `-` is standard input, shown as `<stdin>` and read once.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { readHead } from '../read-input.js';
import { basename, extname, join, relative, resolve } from 'node:path';
import { findConfigs, MAX_CONFIG_BYTES } from '../../config/index.js';
import { compareDiagnostics, type Diagnostic } from '../../core/diagnostic.js';
import { clusterNodeFromModel } from '../../config/rules/cluster-adapter.js';
import type { ClusterNode } from '../../config/rules/cluster-view.js';
import { crossNodeChecks } from '../../config/rules/cross-node.js';
import { fileKindOf, noReaderDiagnostic } from './kinds.js';
import { loadOne, type LoadedConfig, type LoadOptions } from './load.js';
import { countSeverities, exitCodeOf, MAX_DIAGNOSTICS_PER_FILE, NO_COUNTS, summarize, type ClusterReport, type FileReport, type NotCheckedEntry, type ValidationReport } from './report.js';

/** A node named on the command line (`--node NAME=FILE`). */
export interface NodeTarget {
  readonly node: string;
  readonly path: string;
}

/** How standard input is shown in reports, and the most of it that is read (as for a file). */
export const STDIN_NAME = '<stdin>';
export const MAX_STDIN_BYTES = MAX_CONFIG_BYTES;

export interface ValidateOptions extends LoadOptions {
  /** Reads standard input (the file `-`); without it, `-` is an unreadable file. */
  readonly readStdin?: ((maxBytes: number) => Promise<string>) | undefined;
  /** Validate each file on its own instead of as the nodes of one cluster. */
  readonly separate?: boolean;
  /** The running cluster.conf the named one replaces (read by the cluster.conf reader). */
  readonly previous?: { readonly text: string; readonly file: string };
}

interface Target {
  readonly display: string;
  /** The node's name, when given (`--node NAME=FILE`). */
  readonly node?: string;
  /** Standard input (`-`). */
  readonly stdin?: true;
  readonly problem?: Diagnostic;
  /** Found by searching a directory (not named by the user). */
  readonly found?: boolean;
}

export async function validatePaths(paths: ReadonlyArray<string | NodeTarget>, options: ValidateOptions = {}): Promise<ValidationReport> {
  const targets = expandTargets(paths, options.readStdin !== undefined);
  const all: Array<{ target: Target; result?: LoadedConfig }> = [];
  const otherKinds: FileReport[] = [];
  let stdin: Promise<string> | undefined;
  for (const target of targets) {
    const text = target.stdin && options.readStdin ? await (stdin ??= options.readStdin(MAX_STDIN_BYTES)) : undefined;
    const other = target.problem || otherKinds.some((o) => o.file === target.display) ? undefined : await otherKindReport(target.display, options, text);
    if (other) otherKinds.push(other);
    else all.push({ target, ...(target.problem ? {} : { result: await loadOne(target.display, options, text) }) });
  }
  const loaded = withoutFragments(all);
  const readable = loaded.filter((l): l is { target: Target; result: LoadedConfig } => l.result !== undefined && l.result.config !== undefined);
  const nodes = labelNodes(readable.map((l) => ({ file: l.target.display, node: l.target.node, config: l.result.config! })));
  const groups = options.separate ? nodes.map((n) => [n]) : nodes.length > 0 ? [nodes] : [];
  const found: Diagnostic[] = [];
  const clusters: ClusterReport[] = [];
  for (const group of groups) {
    const { findings, elections } = crossNodeChecks(group);
    found.push(...findings);
    clusters.push({ files: [...new Set(group.map((n) => n.file))], nodes: group.map((n) => n.node), elections });
  }
  const files: FileReport[] = onePerFile(loaded).map(({ target, result }) => {
    // The loader's list is sorted: keep its head, count its tail.
    const all = result?.diagnostics ?? [];
    return {
      file: target.display,
      diagnostics: [...(target.problem ? [target.problem] : []), ...all.slice(0, MAX_DIAGNOSTICS_PER_FILE)],
      unreadable: target.problem !== undefined || result?.unreadable === true,
      sources: result?.sources ?? [target.display],
      omitted: all.length > MAX_DIAGNOSTICS_PER_FILE ? countSeverities(all.slice(MAX_DIAGNOSTICS_PER_FILE)) : NO_COUNTS,
    };
  });
  const { placed, unlocated } = place([...files, ...otherKinds], found);
  const summary = summarize(placed, unlocated);
  const notChecked: NotCheckedEntry[] = onePerFile(loaded).flatMap((l) => l.result?.notChecked ?? []);
  return { files: placed, unlocated, clusters, notChecked, separate: options.separate === true, summary, exitCode: exitCodeOf(summary) };
}

/** Bytes of a file read to tell its kind, and the most a non-keepalived file may have. */
const KIND_HEAD_BYTES = 65536;
const MAX_OTHER_KIND_BYTES = 4 * 1024 * 1024;

/**
 * A file of another kind (corosync.conf, cluster.conf, cib.xml; see kinds.ts):
 * its own reader's diagnostics. Undefined for a keepalived.conf.
 */
async function otherKindReport(path: string, options: ValidateOptions, given?: string): Promise<FileReport | undefined> {
  let text: string;
  try {
    if (given !== undefined) text = given;
    else if (statSync(path).size > MAX_OTHER_KIND_BYTES) {
      const head = readHead(path, KIND_HEAD_BYTES);
      const kind = fileKindOf(path, head);
      if (!kind) return undefined;
      return otherReport(path, [{ code: 'file-too-large', severity: 'error', message: `a ${kind.kind} above ${MAX_OTHER_KIND_BYTES} bytes is not read`, file: path, line: 1, column: 1 }], true);
    } else text = readFileSync(path, 'utf8');
  } catch {
    return undefined; // the keepalived loader reports unreadable files
  }
  const kind = fileKindOf(path, text.slice(0, KIND_HEAD_BYTES));
  if (!kind) return undefined;
  const diagnostics = kind.validate ? [...(await kind.validate(path, text, options.previous ? { previous: options.previous } : {}))].sort(compareDiagnostics) : [noReaderDiagnostic(kind, path)];
  return otherReport(path, diagnostics, false);
}

function otherReport(path: string, diagnostics: readonly Diagnostic[], unreadable: boolean): FileReport {
  return {
    file: path,
    diagnostics: diagnostics.slice(0, MAX_DIAGNOSTICS_PER_FILE),
    unreadable,
    sources: [path],
    omitted: diagnostics.length > MAX_DIAGNOSTICS_PER_FILE ? countSeverities(diagnostics.slice(MAX_DIAGNOSTICS_PER_FILE)) : NO_COUNTS,
  };
}

/**
 * A file found in a directory that another config includes (conf.d/*.conf) is
 * part of that node, not a node of its own: its findings already appear under
 * the including file.
 */
function withoutFragments<T extends { target: Target; result?: LoadedConfig }>(entries: readonly T[]): T[] {
  const included = new Set(entries.flatMap((e) => (e.result?.sources ?? []).slice(1).map((s) => resolve(s))));
  return entries.filter((e) => !(e.target.found && included.has(resolve(e.target.display))));
}

/** A file named by several nodes is reported once, under the first. */
function onePerFile<T extends { target: Target }>(entries: readonly T[]): T[] {
  return entries.filter((e, i) => entries.findIndex((o) => o.target.display === e.target.display) === i);
}

/** Files as given; directories replaced by the configs found in them; `-` is standard input. */
function expandTargets(paths: ReadonlyArray<string | NodeTarget>, hasStdin: boolean): Target[] {
  const out: Target[] = [];
  const seen = new Set<string>();
  const add = (t: Target) => {
    const key = t.node !== undefined ? `node ${t.node}` : t.display;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(t);
  };
  for (const given of paths) {
    const { path: p, node } = typeof given === 'string' ? { path: given, node: undefined } : given;
    const named = node !== undefined ? { node } : {};
    if (p === '-') {
      add(hasStdin ? { display: STDIN_NAME, stdin: true, ...named } : { display: p, problem: unreadable(p, new Error('standard input is not available here')) });
      continue;
    }
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      add({ display: p, problem: unreadable(p, e) });
      continue;
    }
    if (!isDir || node !== undefined) {
      add({ display: p, ...named, ...(isDir ? { problem: { ...unreadable(p, new Error('')), message: `--node ${node}=${p}: ${p} is a directory; a node is one file` } } : {}) });
      continue;
    }
    const listed = listConfigs(p);
    if (listed instanceof Error) add({ display: p, problem: unreadable(p, listed) });
    else if (listed.length === 0) add({ display: p, problem: noConfigs(p) });
    else for (const rel of listed) add({ display: join(p, rel), found: true });
  }
  return out;
}

/** Configs below `dir`, as the directory argument joined with each relative path. */
function listConfigs(dir: string): readonly string[] | Error {
  try {
    accessSync(dir, constants.R_OK | constants.X_OK);
    const root = resolve(dir);
    return findConfigs(dir).map((abs) => relative(root, abs));
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

function unreadable(path: string, e: unknown): Diagnostic {
  const code = (e as { code?: string }).code;
  const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : e instanceof Error ? e.message : String(e);
  return { code: 'file-unreadable', severity: 'error', message: `cannot read ${path}: ${why}`, file: path, line: 0, column: 0 };
}

function noConfigs(dir: string): Diagnostic {
  return {
    code: 'no-configs-found',
    severity: 'error',
    message: `no keepalived configuration files found in ${dir}`,
    file: dir,
    line: 0,
    column: 0,
    hint: 'name the files directly, e.g. vrrp-lab validate lb1.conf lb2.conf',
  };
}

/**
 * Node labels: the name given (`--node NAME=FILE`), else the file's base name
 * without extension, or the whole path when that name is taken twice.
 */
function labelNodes(entries: ReadonlyArray<{ file: string; node: string | undefined; config: NonNullable<LoadedConfig['config']> }>): ClusterNode[] {
  const short = (e: { file: string; node: string | undefined }) => e.node ?? basename(e.file, extname(e.file));
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(short(e), (counts.get(short(e)) ?? 0) + 1);
  return entries.map((e) => clusterNodeFromModel(e.node ?? (counts.get(short(e))! > 1 ? e.file : short(e)), e.file, e.config));
}

/** Puts each finding in the report of the file it points into (or a file that includes it). */
function place(files: FileReport[], found: readonly Diagnostic[]): { placed: FileReport[]; unlocated: Diagnostic[] } {
  const extra = new Map<FileReport, Diagnostic[]>();
  const unlocated: Diagnostic[] = [];
  for (const d of found) {
    const owner = files.find((f) => f.file === d.file) ?? files.find((f) => d.file !== undefined && f.sources.includes(d.file));
    if (owner) extra.set(owner, [...(extra.get(owner) ?? []), d]);
    else unlocated.push(d);
  }
  const placed = files.map((f) => ({ ...f, diagnostics: dedupe([...f.diagnostics, ...(extra.get(f) ?? [])]).sort(compareDiagnostics) }));
  return { placed, unlocated: dedupe(unlocated) };
}

function dedupe(ds: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.code}\u0000${d.file}\u0000${d.line}\u0000${d.column}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
