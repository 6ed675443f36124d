/**
 * POSIX path helpers for include resolution, kept pure so the parser can run
 * on text alone (keepalived only runs on Linux, so only `/` separators matter).
 */

export const isAbsolute = (p: string): boolean => p.startsWith('/');

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  if (i < 0) return '.';
  if (i === 0) return '/';
  return p.slice(0, i);
}

export function basename(p: string): string {
  const trimmed = p.endsWith('/') && p.length > 1 ? p.slice(0, -1) : p;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** Collapses `.`, `..` and repeated slashes; keeps a relative path relative. */
export function normalize(p: string): string {
  const abs = isAbsolute(p);
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!abs) out.push('..');
      continue;
    }
    out.push(part);
  }
  const body = out.join('/');
  if (abs) return `/${body}`;
  return body === '' ? '.' : body;
}

/** Resolves `p` against directory `dir` (the including file's directory). */
export function resolveFrom(dir: string, p: string): string {
  return normalize(isAbsolute(p) ? p : `${dir}/${p}`);
}
