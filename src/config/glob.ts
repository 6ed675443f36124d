/**
 * glob(3) as keepalived calls it for `include`: GLOB_BRACE | GLOB_MARK, with
 * counters for missing files and directories (keepalived's gl_lstat/gl_opendir
 * hooks), over an injected file-system view so this stays pure.
 *
 * Theory of operation: braces are expanded first (`a{b,c}` → `ab`, `ac`); each
 * alternative is matched segment by segment. A segment without wildcards is
 * checked with `kind` (a miss counts as a missing file); a segment with
 * wildcards lists its directory (an unlistable directory counts as missing).
 * Matches of one alternative are sorted, alternatives keep their order, as
 * glibc does with GLOB_APPEND.
 */
import { normalize, resolveFrom } from './paths.js';

export type FileKind = 'file' | 'executable' | 'directory' | 'missing' | 'other';

/** What the parser may ask of a file system. All paths are absolute or relative to the process cwd. */
export interface FileSystemView {
  readFile(path: string): string | undefined;
  kind(path: string): FileKind;
  /** Entry names of a directory, or undefined when it cannot be listed. */
  listDir?(path: string): readonly string[] | undefined;
}

export interface GlobResult {
  /** Matched paths (as resolved, normalized). Directories end with `/` (GLOB_MARK). */
  readonly paths: readonly string[];
  readonly missing: number;
  readonly hadWildcards: boolean;
  /** Wildcards were present but the view cannot list directories. */
  readonly unlistable: boolean;
}

const WILDCARD = /[*?[]/;

/** Expands the first top-level `{a,b}` group recursively (bash/glibc style). */
export function expandBraces(pattern: string): string[] {
  let depth = 0;
  let start = -1;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' && depth > 0) {
      depth--;
      if (depth === 0 && start >= 0) {
        const inner = pattern.slice(start + 1, i);
        const alternatives = splitTopLevelCommas(inner);
        const head = pattern.slice(0, start);
        const tail = pattern.slice(i + 1);
        return alternatives.flatMap((alt) => expandBraces(head + alt + tail));
      }
    }
  }
  return [pattern];
}

function splitTopLevelCommas(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (c === '\\' && i + 1 < s.length) {
      cur += c + (s[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '{') depth++;
    if (c === '}') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

/** fnmatch for one path segment: `*`, `?`, `[...]`, `\x`; a leading dot must match literally. */
export function matchSegment(pattern: string, name: string): boolean {
  if (name.startsWith('.') && !pattern.startsWith('.')) return false;
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, close);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else if (c === '\\' && i + 1 < pattern.length) {
      re += escapeRe(pattern[i + 1] ?? '');
      i++;
    } else re += escapeRe(c);
  }
  try {
    return new RegExp(`${re}$`, 's').test(name);
  } catch {
    return false;
  }
}

const escapeRe = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export function glob(pattern: string, cwd: string, fs: FileSystemView): GlobResult {
  let missing = 0;
  let hadWildcards = false;
  let unlistable = false;
  const paths: string[] = [];
  for (const alternative of expandBraces(pattern)) {
    const resolved = resolveFrom(cwd, alternative);
    const r = globOne(resolved, fs);
    missing += r.missing;
    hadWildcards ||= r.hadWildcards;
    unlistable ||= r.unlistable;
    paths.push(...[...r.paths].sort());
  }
  return { paths, missing, hadWildcards, unlistable };
}

function globOne(path: string, fs: FileSystemView): GlobResult {
  const segments = path.split('/');
  const absolute = path.startsWith('/');
  let candidates: string[] = [absolute ? '/' : '.'];
  let missing = 0;
  let hadWildcards = false;
  let unlistable = false;
  const parts = segments.filter((s, i) => s !== '' || i === segments.length - 1).filter((s) => s !== '');
  for (const seg of parts) {
    const next: string[] = [];
    for (const base of candidates) {
      if (!WILDCARD.test(seg)) {
        next.push(join(base, seg.replace(/\\(.)/g, '$1')));
        continue;
      }
      hadWildcards = true;
      if (!fs.listDir) {
        unlistable = true;
        continue;
      }
      const entries = fs.listDir(base);
      if (entries === undefined) {
        missing++;
        continue;
      }
      for (const e of entries) if (matchSegment(seg, e)) next.push(join(base, e));
    }
    candidates = next;
  }
  const paths: string[] = [];
  for (const c of candidates) {
    const k = fs.kind(c);
    if (k === 'missing') {
      missing++;
      continue;
    }
    paths.push(k === 'directory' ? `${c}/` : c);
  }
  return { paths, missing, hadWildcards, unlistable };
}

const join = (base: string, name: string): string =>
  base === '/' ? `/${name}` : base === '.' ? normalize(name) : `${base}/${name}`;
