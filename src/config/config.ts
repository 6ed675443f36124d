/**
 * The text-in entry point: parse a keepalived.conf (and whatever it includes,
 * through an injected file-system view) into the typed model, with every
 * diagnostic keepalived itself would give about the configuration.
 *
 * Never throws on any input text. Host-dependent checks (interfaces, script
 * files, users) run only when a host description is given; otherwise they are
 * listed in `notChecked`.
 */
import { compareDiagnostics, type Diagnostic } from '../core/diagnostic.js';
import { buildModel, emptyModel } from './build.js';
import type { BuildContext, HostDescription } from './build-context.js';
import type { FileSystemView } from './glob.js';
import { LineReader, type FileRecord } from './lexer.js';
import type { GlobalDefs, KeepalivedConfig } from './model.js';
import { KeepalivedParseHooks } from './parse-hooks.js';
import { Parser, type ActiveRoot } from './parser.js';
import { runChecks } from './rules/index.js';
import { DiagnosticSink, type NotChecked, type Reporter } from './source.js';

export type { HostDescription } from './build-context.js';
export type { FileSystemView, FileKind } from './glob.js';
export type { NotChecked } from './source.js';

export interface ParseOptions {
  /** Name of the file the text came from (used in positions; default `keepalived.conf`). */
  readonly file?: string;
  /** Reads an included file; undefined when it cannot be read. Enough for includes without wildcards. */
  readonly readFile?: (path: string) => string | undefined;
  /** Full file-system view (wildcard includes, directories, executables). Wins over readFile. */
  readonly fs?: FileSystemView;
  /** keepalived's config-id (`-i`), for `@id` lines. Without it `@id` lines are skipped, `@^id` lines kept. */
  readonly configId?: string;
  /** The host the configuration is for; enables host-dependent checks. */
  readonly host?: HostDescription;
}

export interface ParseResult {
  readonly model: KeepalivedConfig;
  /** Sorted by file, line, column. */
  readonly diagnostics: readonly Diagnostic[];
  readonly notChecked: readonly NotChecked[];
  /** Files read, the root first. */
  readonly files: readonly string[];
}

/** The top-level keywords each keepalived process parses (init_*_keywords with active = true). */
const GLOBAL_ROOT = new Set(['linkbeat_use_polling', 'net_namespace', 'net_namespace_ipvs', 'namespace_with_ipsets', 'use_pid_dir', 'instance', 'child_wait_time', 'global_defs']);
const VRRP_ROOT = new Set(['track_group', 'static_ipaddress', 'static_routes', 'static_rules', 'vrrp_sync_group', 'garp_group', 'linkbeat_interfaces', 'vrrp_instance', 'vrrp_script', 'vrrp_track_process', 'interface_up_down_delays']);
const CHECK_ROOT = new Set(['SSL', 'virtual_server_group', 'virtual_server']);
const BFD_ROOT = new Set(['bfd_instance']);
const TRACK_FILE_ROOT = new Set(['track_file', 'vrrp_track_file']);
const PROCESS_PASSES: readonly ActiveRoot[] = [
  (k) => GLOBAL_ROOT.has(k),
  (k) => VRRP_ROOT.has(k) || BFD_ROOT.has(k) || TRACK_FILE_ROOT.has(k),
  (k) => CHECK_ROOT.has(k) || BFD_ROOT.has(k) || TRACK_FILE_ROOT.has(k),
  (k) => BFD_ROOT.has(k),
];

/**
 * When braces and blocks disagree, so do keepalived's processes: the one that
 * owns a block reads it keyword by keyword; the others skip it by counting
 * braces (or, for a top-level block without `{`, read its lines as top-level
 * keywords) and so see other lines at the top level. Re-parse once per
 * process and keep what that process would report (the sink drops
 * duplicates).
 */
function reparsePerProcess(text: string, options: ParseOptions & { file: string }, globals: GlobalDefs, sink: DiagnosticSink): void {
  const diagnosticsOnly: Reporter = { report: (...a) => sink.report(...a), notChecked: () => {} };
  for (const isActive of PROCESS_PASSES) {
    const reader = new LineReader(options.file, text, {
      reporter: diagnosticsOnly,
      ...(options.fs ? { fs: options.fs } : {}),
      ...(options.configId !== undefined ? { configId: options.configId } : {}),
    });
    const root = new Parser(reader, diagnosticsOnly, new KeepalivedParseHooks(), isActive).parseRoot();
    // The handlers of that process see these blocks too: keep what they report.
    const ctx: BuildContext = { reporter: diagnosticsOnly, ...(options.host ? { host: options.host } : {}), missingParameterSeen: false };
    buildModel(root, ctx, globals);
  }
}

/**
 * keepalived counts a line when it reads its newline, so the first of its
 * passes reports problems on a last line without a newline one line too
 * early. Say so where that happens, at the line keepalived will name.
 */
function lastLineNotes(files: readonly FileRecord[], sink: DiagnosticSink): void {
  for (const f of files) {
    const last = f.lastLineWithoutNewline;
    if (last === undefined || last < 2) continue;
    if (!sink.diagnostics.some((d) => d.file === f.path && d.line === last && d.severity !== 'info')) continue;
    sink.report('last-line-without-newline', 'info', { file: f.path, line: last - 1, column: 1 },
      `the file's last line (${last}) has no newline: keepalived reports its problems there as line ${last - 1} on its first pass`,
      { hint: 'end the file with a newline' });
  }
}

/** A view over a caller's readFile; a reader that throws counts as "cannot read". */
function viewFromReadFile(readFile: (path: string) => string | undefined): FileSystemView {
  const safeRead = (path: string): string | undefined => {
    try {
      return readFile(path);
    } catch {
      return undefined;
    }
  };
  return { readFile: safeRead, kind: (path) => (safeRead(path) === undefined ? 'missing' : 'file') };
}

export function parseConfig(text: string, options: ParseOptions = {}): ParseResult {
  if (typeof text !== 'string') throw new TypeError('parseConfig: text must be a string');
  const file = options.file ?? 'keepalived.conf';
  const sink = new DiagnosticSink();
  const binary = binaryVerdict(text);
  if (binary !== undefined) {
    sink.report('binary-file', 'error', { file, line: 0, column: 0 }, `this looks like a binary file, not a keepalived configuration (${binary}); not read`, { hint: 'is this the right file?' });
    const model = { ...emptyModel(), files: [file] };
    return { model, diagnostics: sink.diagnostics, notChecked: [], files: model.files };
  }
  const fs = options.fs ?? (options.readFile ? viewFromReadFile(options.readFile) : undefined);
  const reader = new LineReader(file, text, {
    reporter: sink,
    ...(fs ? { fs } : {}),
    ...(options.configId !== undefined ? { configId: options.configId } : {}),
  });
  const parser = new Parser(reader, sink, new KeepalivedParseHooks());
  const root = parser.parseRoot();
  const ctx: BuildContext = { reporter: sink, ...(options.host ? { host: options.host } : {}), missingParameterSeen: false };
  const model = buildModel(root, ctx);
  if (parser.braceAnomaly) reparsePerProcess(text, { ...options, file, ...(fs ? { fs } : {}) }, model.globalDefs, sink);
  model.files = reader.files.map((f) => f.path);
  runChecks(model, ctx);
  lastLineNotes(reader.files, sink);
  const diagnostics = [...sink.diagnostics].sort(compareDiagnostics);
  return { model, diagnostics, notChecked: sink.notCheckedList, files: model.files };
}

/** Bytes looked at to tell text from binary, as file(1) and git look at a head. */
const BINARY_HEAD = 8192;
/** Share of the head that may be neither text nor whitespace before a file counts as binary. */
const MAX_NON_TEXT_RATIO = 0.1;

/**
 * Why the text is binary (mostly NUL bytes, control characters and invalid
 * UTF-8), or undefined for text. keepalived would read such a file line by
 * line and report noise; saying "binary file?" first is the answer. A stray
 * NUL in a text file is read as keepalived reads it (it ends the line).
 */
export function binaryVerdict(text: string): string | undefined {
  const head = text.slice(0, BINARY_HEAD);
  // eslint-disable-next-line no-control-regex
  const odd = head.match(/[\u0000-\u0008\u000e-\u001f\u007f\ufffd]/g)?.length ?? 0;
  if (head.length === 0 || odd / head.length <= MAX_NON_TEXT_RATIO) return undefined;
  const nul = head.indexOf('\u0000');
  return `${Math.round((100 * odd) / head.length)}% of its first ${head.length} characters are not text${nul === -1 ? '' : `, the first NUL byte at offset ${nul}`}`;
}
