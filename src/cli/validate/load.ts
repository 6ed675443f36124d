/**
 * Loading one node's config for `validate`: the config layer's `loadConfig`
 * (keepalived's own checks included), plus `--check-scripts` on this machine.
 */
import { readFileSync } from 'node:fs';
import type { Diagnostic } from '../../core/diagnostic.js';
import { loadConfig, nodeFileSystem, parseConfig, type HostDescription, type KeepalivedConfig } from '../../config/index.js';
import { checkScriptFiles } from '../host/script-files.js';
import { scriptRefs } from '../host/script-refs.js';
import type { NotCheckedEntry } from './report.js';

export interface LoadOptions {
  /** keepalived's config-id (`-i`) for `@ID` lines. */
  readonly configId?: string;
  /** Interfaces of the target host: enables interface-existence checks. */
  readonly hostInterfaces?: readonly string[];
  /** Check script and notify programs on this machine. */
  readonly checkScripts?: boolean;
  /** PATH used to find programs named without a slash. */
  readonly pathEnv?: string | undefined;
}

export interface LoadedConfig {
  /** Absent when the file could not be read. */
  readonly config?: KeepalivedConfig;
  readonly diagnostics: readonly Diagnostic[];
  readonly notChecked: readonly NotCheckedEntry[];
  /** Files read, the root first. */
  readonly sources: readonly string[];
  readonly unreadable: boolean;
}

/** Loads `path`, or, when `text` is given (standard input), parses that text under the name `path`. */
export async function loadOne(path: string, options: LoadOptions, text?: string): Promise<LoadedConfig> {
  const users = options.checkScripts ? localUsers() : undefined;
  const host: HostDescription | undefined =
    options.hostInterfaces || options.checkScripts
      ? {
          ...(options.hostInterfaces ? { interfaces: options.hostInterfaces } : {}),
          ...(options.checkScripts ? { checkScriptFiles: true } : {}),
          ...(users ? { users } : {}),
        }
      : undefined;
  const parse = { ...(options.configId !== undefined ? { configId: options.configId } : {}), ...(host ? { host } : {}) };
  const result = text !== undefined ? parseConfig(text, { ...parse, file: path, fs: nodeFileSystem() }) : loadConfig(path, parse);
  const unreadable = result.diagnostics.some((d) => (d.code === 'file-unreadable' || d.code === 'input-too-large') && d.file === path && !d.line);
  const scripts = options.checkScripts && !unreadable ? checkScriptFiles(scriptRefs(result.model), options.pathEnv) : [];
  return {
    ...(unreadable ? {} : { config: result.model }),
    diagnostics: [...result.diagnostics, ...scripts],
    // The config layer lists every script file as not checked; --check-scripts checks them here.
    notChecked: options.checkScripts ? result.notChecked.filter((n) => n.check !== 'script-file') : result.notChecked,
    sources: result.files,
    unreadable,
  };
}

/** The users of this machine, for the script_user checks that --check-scripts enables. */
function localUsers(): string[] | undefined {
  try {
    return readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .map((l) => l.split(':')[0] ?? '')
      .filter((u) => u !== '' && !u.startsWith('#'));
  } catch {
    return undefined;
  }
}
