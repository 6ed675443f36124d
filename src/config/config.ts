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
import { buildModel } from './build.js';
import type { BuildContext, HostDescription } from './build-context.js';
import type { FileSystemView } from './glob.js';
import { LineReader } from './lexer.js';
import type { KeepalivedConfig } from './model.js';
import { KeepalivedParseHooks } from './parse-hooks.js';
import { Parser } from './parser.js';
import { runChecks } from './rules/index.js';
import { DiagnosticSink, type NotChecked } from './source.js';

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

function viewFromReadFile(readFile: (path: string) => string | undefined): FileSystemView {
  return {
    readFile,
    kind: (path) => (readFile(path) === undefined ? 'missing' : 'file'),
  };
}

export function parseConfig(text: string, options: ParseOptions = {}): ParseResult {
  if (typeof text !== 'string') throw new TypeError('parseConfig: text must be a string');
  const file = options.file ?? 'keepalived.conf';
  const sink = new DiagnosticSink();
  const fs = options.fs ?? (options.readFile ? viewFromReadFile(options.readFile) : undefined);
  const reader = new LineReader(file, text, {
    reporter: sink,
    ...(fs ? { fs } : {}),
    ...(options.configId !== undefined ? { configId: options.configId } : {}),
  });
  const root = new Parser(reader, sink, new KeepalivedParseHooks()).parseRoot();
  const ctx: BuildContext = { reporter: sink, ...(options.host ? { host: options.host } : {}), missingParameterSeen: false };
  const model = buildModel(root, ctx);
  model.files = reader.files.map((f) => f.path);
  runChecks(model, ctx);
  const diagnostics = [...sink.diagnostics].sort(compareDiagnostics);
  return { model, diagnostics, notChecked: sink.notCheckedList, files: model.files };
}
