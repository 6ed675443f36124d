/**
 * Agreement between this project's keepalived.conf checks and real keepalived
 * 2.2.7 `-t` verdicts over a corpus laid out as `files/NNNN.conf` and
 * `verdicts/NNNN.txt` (first line `exit=N`, then keepalived's output).
 *
 * Metric:
 *  - recall: of the (file, line) pairs keepalived flags with a `Line N` prefix
 *    for reasons in the configuration itself (host-dependent messages such as
 *    missing interfaces, script files, script users and SECURITY VIOLATION are
 *    left out), the share that get at least one diagnostic on the same line;
 *  - clean files: no `error` diagnostic on files keepalived accepts with exit 0.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadConfig, type LoadOptions } from '../../src/config/index.js';
import type { Diagnostic } from '../../src/core/diagnostic.js';

/** keepalived messages that depend on the machine keepalived -t ran on, not on the file. */
export const HOST_DEPENDENT: readonly RegExp[] = [
  /interface .* doesn't exist/,
  /Non-existent interface/,
  /not found\/accessible/,
  /insecure/i,
  /SECURITY VIOLATION/,
  /Unsafe permissions/,
  /uid\/gid/,
  /default user/,
  /script user/i,
];

/**
 * The machine the corpus verdicts were recorded on: its interfaces (per the
 * corpus README) and the users of a Debian base system (no keepalived or
 * keepalived_script user).
 */
export const CORPUS_HOST = {
  interfaces: ['lo', 'eth0', 'docker0', 'ifb0', 'ifb1'],
  users: ['root', 'daemon', 'bin', 'sys', 'sync', 'games', 'man', 'lp', 'mail', 'news', 'uucp', 'proxy', 'www-data', 'backup', 'list', 'irc', '_apt', 'nobody'],
} as const;

export interface ExpectedLine {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface Verdict {
  readonly exit: number;
  readonly lines: readonly ExpectedLine[];
  readonly raw: string;
}

const LINE_PREFIX = /^\((?:(.*): )?Line (\d+)\) (.*)$/;

/** Reads a verdict; `rootFile` names the file for `(Line N)` messages without a file. */
export function parseVerdict(text: string, rootFile: string): Verdict {
  const [first = '', ...rest] = text.split('\n');
  const exit = Number(/^exit=(\d+)/.exec(first)?.[1] ?? NaN);
  const seen = new Set<string>();
  const lines: ExpectedLine[] = [];
  for (const l of rest) {
    const m = LINE_PREFIX.exec(l);
    if (!m) continue;
    const message = m[3] ?? '';
    if (HOST_DEPENDENT.some((re) => re.test(message))) continue;
    const file = basename(m[1] ?? rootFile);
    const line = Number(m[2]);
    const key = `${file}:${line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    lines.push({ file, line, message });
  }
  return { exit, lines, raw: text };
}

export interface Miss extends ExpectedLine {
  readonly corpusFile: string;
  /** Our diagnostics in that file, for context. */
  readonly near: readonly string[];
}

export interface AgreementResult {
  readonly files: number;
  readonly expected: number;
  readonly matched: number;
  /** matched / expected (1 when nothing is expected). */
  readonly recall: number;
  readonly misses: readonly Miss[];
  /** error diagnostics on files keepalived accepts with exit 0. */
  readonly errorsOnCleanFiles: readonly { readonly corpusFile: string; readonly diagnostic: Diagnostic }[];
  readonly elapsedMs: number;
}

/** The corpus's configs: in `files/`, or (the templated set) beside `verdicts/`. */
function filesDirOf(dir: string): string {
  return existsSync(join(dir, 'files')) ? join(dir, 'files') : dir;
}

export function corpusAgreement(dir: string, options: LoadOptions = { host: CORPUS_HOST }): AgreementResult {
  const filesDir = filesDirOf(dir);
  const names = readdirSync(filesDir).filter((n) => n.endsWith('.conf')).sort();
  let expected = 0;
  let matched = 0;
  let elapsedMs = 0;
  const misses: Miss[] = [];
  const errorsOnCleanFiles: { corpusFile: string; diagnostic: Diagnostic }[] = [];
  for (const name of names) {
    const path = join(filesDir, name);
    const verdict = parseVerdict(readFileSync(join(dir, 'verdicts', name.replace(/\.conf$/, '.txt')), 'utf8'), name);
    const started = performance.now();
    const result = loadConfig(path, options);
    elapsedMs += performance.now() - started;
    const flagged = new Set(result.diagnostics.map((d) => `${basename(d.file ?? '')}:${d.line ?? 0}`));
    for (const e of verdict.lines) {
      expected++;
      if (flagged.has(`${e.file}:${e.line}`)) matched++;
      else {
        const near = result.diagnostics.filter((d) => Math.abs((d.line ?? 0) - e.line) <= 3).map((d) => `${d.line}: ${d.code} ${d.message}`);
        misses.push({ ...e, corpusFile: name, near });
      }
    }
    if (verdict.exit === 0) {
      for (const d of result.diagnostics) if (d.severity === 'error') errorsOnCleanFiles.push({ corpusFile: name, diagnostic: d });
    }
  }
  return { files: names.length, expected, matched, recall: expected === 0 ? 1 : matched / expected, misses, errorsOnCleanFiles, elapsedMs };
}

export function formatMisses(r: AgreementResult): string {
  const out: string[] = [];
  for (const m of r.misses) {
    out.push(`${m.corpusFile} ${m.file}:${m.line}  keepalived: ${m.message}`);
    for (const n of m.near) out.push(`      ours ${n}`);
  }
  for (const e of r.errorsOnCleanFiles) {
    out.push(`${e.corpusFile} (exit 0) error ${e.diagnostic.line}: ${e.diagnostic.code} ${e.diagnostic.message}`);
  }
  return out.join('\n');
}
