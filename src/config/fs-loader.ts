/**
 * The real file system behind the parser: loadConfig() reads a keepalived.conf
 * and its includes from disk, findConfigs() searches a directory for
 * keepalived configurations. The only module of src/config that touches
 * node:fs; everything else parses text.
 */
import { accessSync, constants, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseConfig, type FileSystemView, type FileKind, type ParseOptions, type ParseResult } from './config.js';
import { emptyModel } from './build.js';
import { ConfigError } from '../core/errors.js';
import { describeBytes } from '../core/errno.js';

/**
 * The largest configuration file read (root or included). The largest real
 * keepalived configurations are a few hundred KB; a bigger file is the wrong
 * file or a generated one gone wrong, and reading it would take seconds and
 * hundreds of MB before saying so. The size is checked before reading.
 */
export const MAX_CONFIG_BYTES = 2 * 1024 * 1024;

/** Why a file of `size` bytes is not read, or undefined when it is small enough. */
export function configTooLarge(size: number): string | undefined {
  if (size <= MAX_CONFIG_BYTES) return undefined;
  return `is ${describeBytes(size)}; configuration files above ${describeBytes(MAX_CONFIG_BYTES)} are not read (the largest real keepalived configurations are a few hundred KB)`;
}

/** Read a configuration file whose size is checked first; a too-large file is a ConfigError saying its size and the limit. */
export function readConfigFile(path: string): string {
  const size = statSync(path).size;
  const tooLarge = configTooLarge(size);
  if (tooLarge !== undefined) throw new ConfigError('input-too-large', `the configuration ${tooLarge}`);
  return readFileSync(path, 'utf8');
}

/** A FileSystemView over node:fs (paths relative to the process cwd); files above MAX_CONFIG_BYTES read as unreadable. */
export function nodeFileSystem(): FileSystemView {
  return {
    readFile(path: string): string | undefined {
      try {
        return configTooLarge(statSync(path).size) === undefined ? readFileSync(path, 'utf8') : undefined;
      } catch {
        return undefined;
      }
    },
    kind(path: string): FileKind {
      try {
        const st = statSync(path);
        if (st.isDirectory()) return 'directory';
        if (!st.isFile()) return 'other';
        return (st.mode & 0o111) !== 0 ? 'executable' : 'file';
      } catch {
        return 'missing';
      }
    },
    listDir(path: string): readonly string[] | undefined {
      try {
        return readdirSync(path);
      } catch {
        return undefined;
      }
    },
  };
}

export type LoadOptions = Omit<ParseOptions, 'file' | 'readFile' | 'fs'>;

/**
 * Reads `path` and parses it. An unreadable root file is a `file-unreadable`
 * diagnostic (with an empty model), never an exception.
 */
export function loadConfig(path: string, options: LoadOptions = {}): ParseResult {
  const fs = nodeFileSystem();
  const kind = fs.kind(path);
  const tooLarge = kind === 'file' || kind === 'executable' ? configTooLarge(statSync(path).size) : undefined;
  if (tooLarge !== undefined) {
    return {
      model: { ...emptyModel(), files: [path] },
      diagnostics: [{ code: 'input-too-large', severity: 'error', message: `configuration file '${path}' ${tooLarge}`, file: path, line: 0, column: 0, hint: 'is this the right file?' }],
      notChecked: [],
      files: [path],
    };
  }
  const text = kind === 'directory' ? undefined : fs.readFile(path);
  if (text === undefined) {
    const why = kind === 'missing' ? 'does not exist' : kind === 'directory' ? 'is a directory' : 'cannot be read';
    return {
      model: { ...emptyModel(), files: [path] },
      diagnostics: [{ code: 'file-unreadable', severity: 'error', message: `configuration file '${path}' ${why}`, file: path, line: 0, column: 0 }],
      notChecked: [],
      files: [path],
    };
  }
  const result = parseConfig(text, { ...options, file: path, fs });
  if (kind === 'executable') {
    const d = { code: 'config-executable', severity: 'error' as const, message: `configuration file '${path}' is executable: keepalived refuses to read it`, file: path, line: 0, column: 0, hint: `chmod a-x ${path}` };
    return { ...result, diagnostics: [d, ...result.diagnostics] };
  }
  return result;
}

/** Words that only a keepalived configuration uses at the start of a line. */
const KEEPALIVED_MARKERS = /^\s*(global_defs|vrrp_instance|vrrp_script|vrrp_sync_group|virtual_server|virtual_server_group|static_ipaddress|track_file|vrrp_track_process|bfd_instance)\b/m;

/** Does this text look like a keepalived configuration (or a fragment meant for include)? */
export function looksLikeKeepalived(text: string): boolean {
  return KEEPALIVED_MARKERS.test(text);
}

/**
 * Searches `dir` (recursively, skipping node_modules and dot-directories) for
 * files named `*.conf` or `keepalived.conf*` whose content looks like
 * keepalived's. Returns sorted absolute paths.
 */
export function findConfigs(dir: string, options: { maxDepth?: number } = {}): string[] {
  const out: string[] = [];
  const maxDepth = options.maxDepth ?? 8;
  const walk = (d: string, depth: number): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (depth < maxDepth && !e.name.startsWith('.') && e.name !== 'node_modules') walk(p, depth + 1);
        continue;
      }
      if (!e.isFile() || !(e.name.endsWith('.conf') || e.name.startsWith('keepalived.conf'))) continue;
      try {
        accessSync(p, constants.R_OK);
        if (statSync(p).size > 4 * 1024 * 1024) continue;
        if (looksLikeKeepalived(readFileSync(p, 'utf8'))) out.push(resolve(p));
      } catch {
        continue;
      }
    }
  };
  walk(dir, 0);
  return out.sort();
}
