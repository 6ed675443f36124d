/**
 * Differential testing against a real `keepalived -t`: mutate corpus configs
 * (delete, duplicate or swap lines, break braces and quotes, replace words
 * with odd numbers or keywords from other blocks), run keepalived and this
 * project's checks on each mutant, and compare the flagged lines with the
 * same metric as agreement.ts. One seed drives the whole run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEYWORDS } from '../../src/config/index.js';
import { loadConfig, type HostDescription } from '../../src/config/index.js';
import { parseVerdict, type ExpectedLine } from './agreement.js';

/** mulberry32: a small seeded PRNG so a failing run can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_WORDS = ['0', '-1', '256', '300', '1.5', '0.5', '0x10', 'abc', '100abc', '3.0000001', '""', '4294967296', 'MASTER', 'EQUAL', '{', '}', '"x y"', "'q", '1001', '255', '65536'];
const ALL_KEYWORDS = [...new Set(Object.values(KEYWORDS).flatMap((t) => Object.keys(t)))];

export function mutate(text: string, random: () => number): string {
  const lines = text.split('\n');
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const i = Math.floor(random() * Math.max(1, lines.length));
  const line = lines[i] ?? '';
  switch (Math.floor(random() * 12)) {
    case 0: lines.splice(i, 1); break;
    case 1: lines.splice(i, 0, line); break;
    case 2: if (i + 1 < lines.length) [lines[i], lines[i + 1]] = [lines[i + 1] ?? '', line]; break;
    case 3: {
      const words = line.trim().split(/\s+/);
      if (words.length > 1) words[1 + Math.floor(random() * (words.length - 1))] = pick(ODD_WORDS);
      lines[i] = `  ${words.join(' ')}`;
      break;
    }
    case 4: lines[i] = line.replace(/[{}]/, ''); break;
    case 5: lines.splice(i, 0, `  ${pick(ALL_KEYWORDS)} ${pick(ODD_WORDS)}`); break;
    case 6: lines.splice(i, 0, `  ${pick(ALL_KEYWORDS)}`); break;
    case 7: lines[i] = `${line} ${pick(['{', '}', '"', '#', '!', '\\'])}`; break;
    case 9: {
      // move a run of lines elsewhere (blocks end up inside other blocks)
      const n = 1 + Math.floor(random() * 6);
      const run = lines.splice(i, n);
      lines.splice(Math.floor(random() * Math.max(1, lines.length)), 0, ...run);
      break;
    }
    case 10: {
      // a word from another line of the file
      const other = (lines[Math.floor(random() * lines.length)] ?? '').trim().split(/\s+/);
      const words = line.trim().split(/\s+/);
      if (words.length > 1) words[1 + Math.floor(random() * (words.length - 1))] = pick(other);
      lines[i] = `  ${words.join(' ')}`;
      break;
    }
    case 11: lines.splice(i, 0, pick(['$V=5', '$IF = eth0', '@a priority 1', '@^a state BACKUP', '~SEQ(i,1,2) x', 'include /nonexistent/x.conf', '"unterminated', "script 'x"])); break;
    default: {
      const words = line.trim().split(/\s+/);
      if (words.length > 0) words[0] = pick(ALL_KEYWORDS);
      lines[i] = `  ${words.join(' ')}`;
    }
  }
  return lines.join('\n');
}

/** The mutant a seed produces (to replay a miss). */
export function mutantFor(corpusDir: string, seed: number): { name: string; text: string } {
  const files = readdirSync(join(corpusDir, 'files')).filter((n) => n.endsWith('.conf')).sort();
  const random = rng(seed);
  const name = files[Math.floor(random() * files.length)] ?? '';
  let text = readFileSync(join(corpusDir, 'files', name), 'utf8');
  const rounds = 1 + Math.floor(random() * 3);
  for (let r = 0; r < rounds; r++) text = mutate(text, random);
  return { name, text };
}

export function localHost(): HostDescription {
  const ip = spawnSync('ip', ['-o', 'link'], { encoding: 'utf8' });
  const interfaces = [...ip.stdout.matchAll(/^\d+: ([^:@]+)[:@]/gm)].map((m) => m[1] ?? '');
  const users = readFileSync('/etc/passwd', 'utf8').split('\n').map((l) => l.split(':')[0] ?? '').filter(Boolean);
  return { interfaces, users };
}

export interface DifferentialMiss extends ExpectedLine {
  readonly seed: number;
  readonly mutant: string;
  readonly ours: readonly string[];
}

export interface DifferentialResult {
  readonly mutants: number;
  readonly expected: number;
  readonly matched: number;
  readonly misses: readonly DifferentialMiss[];
  readonly errorsOnClean: readonly { seed: number; mutant: string; diagnostic: string }[];
}

export function differential(corpusDir: string, options: { seed: number; count: number; keepalived?: string }): DifferentialResult {
  const host = localHost();
  const work = mkdtempSync(join(tmpdir(), 'kadiff-'));
  const misses: DifferentialMiss[] = [];
  const errorsOnClean: { seed: number; mutant: string; diagnostic: string }[] = [];
  let expected = 0;
  let matched = 0;
  let mutants = 0;
  try {
    for (let n = 0; n < options.count; n++) {
      const seed = options.seed + n;
      const { name, text } = mutantFor(corpusDir, seed);
      writeFileSync(join(work, 'm.conf'), text);
      const run = spawnSync(options.keepalived ?? 'keepalived', ['-t', '-f', 'm.conf', '-l', '-D'], { cwd: work, encoding: 'utf8', timeout: 10_000 });
      if (run.status === null || run.status === 139) continue;
      mutants++;
      const verdict = parseVerdict(`exit=${run.status}\n${run.stdout}${run.stderr}`, 'm.conf');
      const result = loadConfig(join(work, 'm.conf'), { host });
      const flagged = new Set(result.diagnostics.map((d) => d.line));
      for (const e of verdict.lines) {
        if (e.file !== 'm.conf') continue;
        expected++;
        if (flagged.has(e.line)) matched++;
        else {
          misses.push({ ...e, seed, mutant: `${name}`, ours: result.diagnostics.filter((d) => Math.abs((d.line ?? 0) - e.line) <= 2).map((d) => `${d.line}: ${d.code}`) });
        }
      }
      if (verdict.exit === 0 && `${run.stdout}${run.stderr}`.trim() === '') {
        for (const d of result.diagnostics) if (d.severity === 'error') errorsOnClean.push({ seed, mutant: name, diagnostic: `${d.line}: ${d.code} ${d.message}` });
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { mutants, expected, matched, misses, errorsOnClean };
}
