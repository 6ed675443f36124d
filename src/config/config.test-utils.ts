/** Helpers for the config tests: parse text and look diagnostics up by line. */
import type { Diagnostic } from '../core/diagnostic.js';
import { parseConfig, type ParseOptions, type ParseResult } from './config.js';
import type { FileKind, FileSystemView } from './glob.js';

export function parse(text: string, options: ParseOptions = {}): ParseResult {
  return parseConfig(text, { file: 'keepalived.conf', ...options });
}

/** Codes of the diagnostics on `line` (of `file`, default the root). */
export function codesAt(r: ParseResult, line: number, file = 'keepalived.conf'): string[] {
  return r.diagnostics.filter((d) => d.line === line && (d.file ?? '') === file).map((d) => d.code);
}

export function errors(r: ParseResult): Diagnostic[] {
  return r.diagnostics.filter((d) => d.severity === 'error');
}

/** An in-memory file system: path → content; directories are implied by the paths. */
export function memoryFs(files: Readonly<Record<string, string>>, executable: readonly string[] = []): FileSystemView {
  const dirs = new Set<string>();
  for (const p of Object.keys(files)) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/') || '/');
  }
  return {
    readFile: (path) => files[path],
    kind: (path): FileKind => (path in files ? (executable.includes(path) ? 'executable' : 'file') : dirs.has(path) ? 'directory' : 'missing'),
    listDir: (path) => {
      if (!dirs.has(path)) return undefined;
      const prefix = path === '/' ? '/' : `${path}/`;
      const names = new Set<string>();
      for (const p of [...Object.keys(files), ...dirs]) {
        if (p.startsWith(prefix) && p !== path) names.add(p.slice(prefix.length).split('/')[0] ?? '');
      }
      return [...names].filter(Boolean);
    },
  };
}

/** A minimal valid instance, for tests that vary one thing. */
export function instance(body: string, name = 'VI_1'): string {
  return `vrrp_instance ${name} {\n${body}\n}\n`;
}
