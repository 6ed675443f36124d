/**
 * The docs' examples, generated from real output.
 *
 * Theory of operation: every fenced block in README.md and docs/*.md that shows a
 * command and its output is preceded by a marker comment that names the command:
 *
 *     <!-- example cwd=docs/examples show=1-22,$
 *     $ vrrp-lab simulate --node lb1=lb1.conf --node lb2=lb2.conf --until 20 --seed 7
 *     -->
 *
 * `updateMarkdown` runs the marker's commands and rewrites the block under it with
 * `$ COMMAND` lines and what each printed, stdout and stderr as a terminal shows
 * them. `vrrp-lab` (or `npx vrrp-lab`) runs in-process from this checkout's
 * source, so the block shows what the code in this tree prints; any other command
 * (`cat -n broken.conf`, `tshark -r run.pcap | head -12`) and the pipeline after
 * `vrrp-lab … |` runs in bash. `npm run docs:update` writes the result; the test
 * (test/cli/docs-examples.test.ts) reruns every block and fails when one drifts.
 *
 * Options on the marker's first line:
 * - `cwd=DIR` — the directory, relative to the checkout, the commands run in
 *   (default: the checkout). They run in a scratch copy of it: a fresh directory
 *   holding a symlink to each of its entries, so files the commands write
 *   (`--svg lvs.svg`, `--pcap run.pcap`) land in the scratch directory.
 * - `show=RANGES` — the lines of the last command's output that are shown, e.g.
 *   `1-20` or `5-16,$` (`$` is the last line, `$-2` the one two before it); a gap
 *   is shown as `...`.
 * - `needs=TOOL[,TOOL]` — programs the commands need besides vrrp-lab (tshark, jq):
 *   where one is missing the test skips the block and says why.
 * - `keep=FILE:DEST` — after the run, copy FILE (written in the scratch directory)
 *   to DEST in the checkout (the SVG pictures the docs embed); the test compares it.
 * `<!-- example file=PATH -->` instead shows a file of the checkout as it is (the
 * configurations the examples run; a file holding ``` fences goes in a ```` block). `<!-- example not-run: REASON -->` marks output
 * that cannot be regenerated here (Docker runs, measured on real containers).
 *
 * Rules: no normalisation but the scratch directory's path (shown as `.`);
 * commands get an empty environment (no SEED from the caller's shell), so a run
 * is the same on every machine.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CliIo } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';

/** The command that rewrites every generated block; named in every drift message. */
export const REGENERATE = 'npm run docs:update';

export interface ExampleBlock {
  /** 1-based line of the marker comment. */
  readonly line: number;
  readonly kind: 'run' | 'file' | 'not-run';
  readonly commands: readonly string[];
  readonly cwd: string;
  readonly show: string | undefined;
  readonly needs: readonly string[];
  readonly keep: ReadonlyArray<{ from: string; to: string }>;
  readonly file: string | undefined;
  /** Index range, in the document's lines, of the fenced block's body (start inclusive, end exclusive). */
  readonly body: { start: number; end: number };
}

/** What running a block gives: its new body and the files it keeps. */
export interface ExampleResult {
  readonly body: string;
  readonly kept: ReadonlyArray<{ to: string; bytes: Buffer }>;
}

const MARKER = /^<!-- example(?:\s|$)/;

/** Every marked block of a document; a marker with no fenced block under it is an error. */
export function findExamples(markdown: string, docName: string): ExampleBlock[] {
  const lines = markdown.split('\n');
  const blocks: ExampleBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!MARKER.test(lines[i]!)) continue;
    const markerLine = i + 1;
    const header: string[] = [lines[i]!.replace(/^<!-- example/, '')];
    while (!header[header.length - 1]!.includes('-->')) {
      i++;
      if (i >= lines.length) throw new Error(`${docName}:${markerLine}: example marker is never closed with '-->'`);
      header.push(lines[i]!);
    }
    header[header.length - 1] = header[header.length - 1]!.replace(/-->.*$/, '');
    const open = i + 1;
    if (lines[open] === undefined || !/^```/.test(lines[open]!)) {
      throw new Error(`${docName}:${markerLine}: an example marker must be followed by a fenced block (\`\`\`) on the next line`);
    }
    // The block closes with a fence as long as its opening one: ```` around a file that holds ``` fences itself.
    const fence = /^`+/.exec(lines[open]!)![0];
    let close = open + 1;
    while (close < lines.length && lines[close] !== fence) close++;
    if (close >= lines.length) throw new Error(`${docName}:${open + 1}: fenced block never closed`);
    blocks.push(parseMarker(header, markerLine, docName, { start: open + 1, end: close }));
    i = close;
  }
  return blocks;
}

function parseMarker(header: string[], line: number, docName: string, body: ExampleBlock['body']): ExampleBlock {
  const first = header[0]!.trim();
  const commands = header.slice(1).map((l) => l.trim()).filter((l) => l !== '');
  const base = { line, commands: [] as string[], cwd: '.', show: undefined, needs: [] as string[], keep: [] as Array<{ from: string; to: string }>, file: undefined, body };
  if (first.startsWith('not-run:')) return { ...base, kind: 'not-run' };
  const options = new Map<string, string>();
  for (const word of first.split(/\s+/).filter((w) => w !== '')) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new Error(`${docName}:${line}: example option '${word}' is not NAME=VALUE`);
    options.set(word.slice(0, eq), word.slice(eq + 1));
  }
  const known = new Set(['cwd', 'show', 'needs', 'keep', 'file']);
  for (const name of options.keys()) if (!known.has(name)) throw new Error(`${docName}:${line}: unknown example option '${name}' (known: ${[...known].join(', ')})`);
  const file = options.get('file');
  if (file !== undefined) return { ...base, kind: 'file', file };
  if (commands.length === 0 || commands.some((c) => !c.startsWith('$ '))) {
    throw new Error(`${docName}:${line}: an example marker lists its commands one per line, each starting with '$ '`);
  }
  return {
    ...base,
    kind: 'run',
    commands: commands.map((c) => c.slice(2)),
    cwd: options.get('cwd') ?? '.',
    show: options.get('show'),
    needs: (options.get('needs') ?? '').split(',').filter((t) => t !== ''),
    keep: (options.get('keep') ?? '').split(',').filter((t) => t !== '').map((pair) => {
      const [from, to] = pair.split(':');
      if (!from || !to) throw new Error(`${docName}:${line}: keep=${pair} is not FILE:DEST`);
      return { from, to };
    }),
  };
}

/** The tools of `needs=` that this machine lacks. */
export function missingTools(block: ExampleBlock): string[] {
  return block.needs.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0);
}

/** Runs one block's commands and returns its new body. */
export async function runExample(block: ExampleBlock, root: string): Promise<ExampleResult> {
  if (block.kind === 'file') return { body: readFileSync(join(root, block.file!), 'utf8').replace(/\n$/, ''), kept: [] };
  if (block.kind === 'not-run') throw new Error('a not-run example has nothing to run; this is a bug');
  const scratch = scratchCopy(resolve(root, block.cwd));
  try {
    const out: string[] = [];
    for (const [i, command] of block.commands.entries()) {
      let text = normalise(await runCommand(command, scratch), scratch);
      if (i === block.commands.length - 1 && block.show !== undefined) text = selectLines(text, block.show);
      out.push(`$ ${command}`, ...(text === '' ? [] : [text.replace(/\n$/, '')]));
    }
    const kept = block.keep.map(({ from, to }) => ({ to, bytes: readFileSync(join(scratch, from)) }));
    return { body: out.join('\n'), kept };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A fresh directory holding a symlink to every entry of `dir`: reads see the checkout, writes stay out of it. */
function scratchCopy(dir: string): string {
  const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'vrrp-lab-docs-')));
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === '.git') continue;
    symlinkSync(join(dir, entry), join(scratch, entry));
  }
  return scratch;
}

function normalise(text: string, scratch: string): string {
  return text.split(`${scratch}/`).join('').split(scratch).join('.');
}

/**
 * Keeps the lines RANGES names, writing `...` for each gap. A range is `A-B` or one
 * line `A`; a line is a number (1-based), `$` (the last), `$-N`, or `/REGEX/`: the
 * first line at or after the previous range (for B: at or after A) that matches —
 * an excerpt that follows the text, not its line numbers, when output grows.
 */
export function selectLines(text: string, ranges: string): string {
  const lines = text.replace(/\n$/, '').split('\n');
  const n = lines.length;
  const at = (s: string, from: number): number => {
    if (s.startsWith('/')) {
      const re = new RegExp(s.slice(1, -1));
      const i = lines.findIndex((l, k) => k >= from - 1 && re.test(l));
      if (i < 0) throw new Error(`show=${ranges}: no line at or after ${from} matches ${s}`);
      return i + 1;
    }
    return s.startsWith('$') ? n - Number(s.slice(2) || 0) : Number(s);
  };
  const out: string[] = [];
  let next = 1;
  for (const r of ranges.split(',')) {
    const m = /^(\d+|\$(?:-\d+)?|\/[^/]+\/)(?:-(\d+|\$(?:-\d+)?|\/[^/]+\/))?$/.exec(r);
    if (!m) throw new Error(`show=${ranges}: '${r}' is not a line (N, $, $-N or /REGEX/) or a range A-B of them`);
    const a = Math.max(1, at(m[1]!, next));
    const b = Math.min(n, m[2] === undefined ? a : at(m[2], a));
    if (a > next) out.push('...');
    out.push(...lines.slice(a - 1, b));
    next = Math.max(next, b + 1);
  }
  if (next <= n) out.push('...');
  return out.join('\n');
}

/** Splits a command line into words as sh does for the quoting examples use ('…', "…", \x), keeping `|` and `>` as words. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unclosed ${c} in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '\\') {
      word = (word ?? '') + (line[i + 1] ?? '');
      i++;
    } else if ((c === '|' || c === '>') && word === undefined) {
      const op = line.startsWith('>/dev/null', i) ? '>/dev/null' : c;
      words.push(op);
      i += op.length - 1;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Runs one command line in `cwd`: vrrp-lab in-process, the rest (and any pipeline after it) in bash. */
async function runCommand(command: string, cwd: string): Promise<string> {
  const words = shellWords(command);
  const start = words[0] === 'npx' && words[1] === 'vrrp-lab' ? 2 : words[0] === 'vrrp-lab' ? 1 : -1;
  if (start < 0) return bash(command, cwd, undefined);
  const pipe = words.indexOf('|');
  const own = pipe < 0 ? words.slice(start) : words.slice(start, pipe);
  const quiet = own[own.length - 1] === '>/dev/null';
  const argv = quiet ? own.slice(0, -1) : own;
  if (argv.includes('>') || argv.includes('>/dev/null')) throw new Error(`only a final '>/dev/null' is supported after vrrp-lab in: ${command}`);
  const { terminal, stdout } = await runVrrpLab(argv, cwd, quiet || pipe >= 0);
  if (pipe < 0) return terminal;
  const rest = command.slice(command.indexOf('|') + 1).trim();
  return terminal + bash(rest, cwd, stdout);
}

/**
 * vrrp-lab in-process. `terminal` is what a terminal shows, stdout and stderr in
 * the order they were written; with `stdoutAway` (piped or discarded) only stderr.
 */
async function runVrrpLab(argv: string[], cwd: string, stdoutAway: boolean): Promise<{ terminal: string; stdout: string }> {
  const terminal: string[] = [];
  const stdout: string[] = [];
  const io: CliIo = {
    stdout: { write: (t) => void (stdoutAway ? stdout.push(t) : terminal.push(t)), isTTY: false },
    stderr: { write: (t) => void terminal.push(t), isTTY: false },
    env: {},
    cwd,
  };
  await main(argv, io);
  return { terminal: terminal.join(''), stdout: stdout.join('') };
}

function bash(command: string, cwd: string, input: string | undefined): string {
  const r = spawnSync('bash', ['-c', command], { cwd, input: input ?? '', encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LC_ALL: 'C.UTF-8' }, timeout: 60_000 });
  if (r.error) throw new Error(`${command}: ${r.error.message}`);
  return r.stdout;
}

/** The documents whose examples are generated: the README and every docs/*.md. */
export function docFiles(root: string): string[] {
  return ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
}

/** A document with every `run` and `file` block regenerated, and the files they keep. */
export async function updateMarkdown(markdown: string, docName: string, root: string): Promise<{ text: string; kept: ExampleResult['kept'] }> {
  const lines = markdown.split('\n');
  const kept: Array<{ to: string; bytes: Buffer }> = [];
  const blocks = findExamples(markdown, docName).filter((b) => b.kind !== 'not-run');
  for (const block of [...blocks].reverse()) {
    const result = await runExample(block, root);
    lines.splice(block.body.start, block.body.end - block.body.start, ...result.body.split('\n'));
    kept.push(...result.kept);
  }
  return { text: lines.join('\n'), kept };
}
