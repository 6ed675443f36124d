/**
 * `--check-scripts`: looks at the programs a config would run on this machine
 * (vrrp_script `script`, MISC_CHECK `misc_path`, notify scripts) the way
 * keepalived's script security does (research P12): the file must exist, be
 * executable, and neither it nor any directory above it may be writable by
 * group or others (a sticky directory such as /tmp is allowed).
 *
 * This is the one place the validator reads the host's file system for checks;
 * everything else is a function of the config text.
 */
import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { Diagnostic } from '../../core/diagnostic.js';

export interface ScriptRef {
  /** The command line as written (first word is the program). */
  readonly command: string;
  /** What refers to it, e.g. `vrrp_script chk_nginx`, `notify_master`. */
  readonly role: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** First word of a command line, honouring simple single or double quotes. */
export function programOf(command: string): string {
  const m = /^\s*(?:"([^"]*)"|'([^']*)'|(\S+))/.exec(command);
  return m?.[1] ?? m?.[2] ?? m?.[3] ?? '';
}

export function checkScriptFiles(refs: readonly ScriptRef[], pathEnv: string | undefined): Diagnostic[] {
  return refs.flatMap((ref) => checkOne(ref, pathEnv));
}

function checkOne(ref: ScriptRef, pathEnv: string | undefined): Diagnostic[] {
  const program = programOf(ref.command);
  if (program === '') return [];
  const at = { file: ref.file, line: ref.line, column: ref.column };
  const resolved = isAbsolute(program) ? program : searchPath(program, pathEnv);
  if (resolved === undefined) {
    return [{ ...at, code: 'script-not-found', severity: 'error', message: `${ref.role}: ${program} is not found in PATH on this machine`, hint: 'give an absolute path; keepalived runs scripts without a shell' }];
  }
  const stats = statOrUndefined(resolved);
  if (!stats) {
    return [{ ...at, code: 'script-not-found', severity: 'error', message: `${ref.role}: ${resolved} does not exist on this machine`, hint: 'keepalived disables a script it cannot find ("since not found/accessible")' }];
  }
  if (!stats.isFile()) return [{ ...at, code: 'script-not-a-file', severity: 'error', message: `${ref.role}: ${resolved} is not a regular file` }];
  const out: Diagnostic[] = [];
  if (!isExecutable(resolved)) {
    out.push({ ...at, code: 'script-not-executable', severity: 'error', message: `${ref.role}: ${resolved} is not executable`, hint: `chmod 755 ${resolved}` });
  }
  const unsafe = writableByOthers(resolved, stats);
  if (unsafe) {
    out.push({
      ...at,
      code: 'script-insecure',
      severity: 'warning',
      message: `${ref.role}: ${unsafe} is writable by group or others, so keepalived's script security disables the script`,
      hint: `chmod go-w ${unsafe}`,
    });
  }
  return out;
}

function searchPath(program: string, pathEnv: string | undefined): string | undefined {
  if (program.includes('/')) return program;
  for (const dir of (pathEnv ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    if (dir === '') continue;
    const candidate = join(dir, program);
    if (statOrUndefined(candidate)?.isFile()) return candidate;
  }
  return undefined;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The file, or the first directory above it, that group or others may write. */
function writableByOthers(path: string, stats: Stats): string | undefined {
  if ((stats.mode & 0o022) !== 0) return path;
  let dir = dirname(path);
  for (;;) {
    const s = statOrUndefined(dir);
    const sticky = s !== undefined && (s.mode & 0o1000) !== 0;
    if (s && (s.mode & 0o022) !== 0 && !sticky) return `${dir}/`;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
