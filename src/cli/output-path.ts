/**
 * Files a command will write (`--pcap`, `--svg`, `--save-state`), checked
 * before the run: a missing folder, a folder given as the file, or a place
 * that cannot be written is a usage error naming the path as the user wrote
 * it — never a run whose result is lost to "internal error" at the end.
 *
 * Rules: nothing is created or truncated here; the check is what the write
 * will need (the file, if it exists, writable and not a folder; else its
 * folder existing, a folder, and writable). A write that still fails later
 * (a full disk) is reported by `writeOutput` the same way.
 */
import { accessSync, constants, statSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describeErrno } from '../core/errno.js';
import { UsageError } from '../core/errors.js';

/** Why `shown` (as the user wrote it, relative to `cwd`) cannot be written, or undefined when it can. */
export function outputPathProblem(flag: string, shown: string, cwd: string): string | undefined {
  if (shown === '') return `${flag} needs a file name`;
  const path = resolve(cwd, shown);
  const st = statOrUndefined(path);
  if (typeof st === 'string') return `cannot write ${flag} ${shown}: ${st}`;
  if (st?.isDirectory()) return `cannot write ${flag} ${shown}: it is a folder; give a file name inside it`;
  if (st !== undefined) return writable(path) ? undefined : `cannot write ${flag} ${shown}: permission denied`;
  const dir = dirname(path);
  const shownDir = dirname(shown);
  const parent = statOrUndefined(dir);
  if (parent === undefined) return `cannot write ${flag} ${shown}: no such folder '${shownDir}'`;
  if (typeof parent === 'string') return `cannot write ${flag} ${shown}: ${parent}`;
  if (!parent.isDirectory()) return `cannot write ${flag} ${shown}: '${shownDir}' is not a folder`;
  return writable(dir) ? undefined : `cannot write ${flag} ${shown}: folder '${shownDir}' is not writable`;
}

/** The first problem among the output flags given (`options` by commander's names, e.g. `pcap` for --pcap). */
export function outputFlagsProblem(options: Readonly<Record<string, unknown>>, flags: Readonly<Record<string, string>>, cwd: string): string | undefined {
  for (const [key, flag] of Object.entries(flags)) {
    const value = options[key];
    if (typeof value !== 'string') continue;
    const problem = outputPathProblem(flag, value, cwd);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** Write a checked output; a failure now (a full disk) is a UsageError whose message names the path as given. */
export function writeOutput(flag: string, shown: string, cwd: string, data: string | Uint8Array): void {
  try {
    writeFileSync(resolve(cwd, shown), data);
  } catch (e) {
    throw new UsageError(`cannot write ${flag} ${shown}: ${describeErrno(e)}`);
  }
}

/** The entry at `path`; undefined when there is none, the reason in words when it cannot be looked at. */
function statOrUndefined(path: string): Stats | undefined | string {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (e) {
    return describeErrno(e);
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
