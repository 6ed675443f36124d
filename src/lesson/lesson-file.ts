/**
 * The lesson reader: `labs/NN-slug/lesson.md` (Markdown that reads well on
 * GitHub) into a `Lesson`, the `lab` block's setup lines, each task's goal
 * lines and each task's machine-checkable solution lines.
 *
 * Theory of operation: the file is read line by line into blocks — the title,
 * paragraphs, fenced blocks (```lab, ```goal, ```solution; other fences are
 * shown as written), `## Task: …` and `## Summary` headings — and then checked
 * as a whole, so every structural mistake is reported together, each at its
 * `file:line:column`. The words inside the `lab` and `goal` blocks belong to
 * the kind of cluster (`vrrp`, `cluster`) and are checked by its driver when a
 * session opens; this reader checks only the shape and the first word of each
 * goal and solution line.
 *
 * Rules:
 * - The kind is `cluster` when the lab block says `config`, `cib` or `storage`
 *   (the cluster scenario header words), `vrrp` otherwise.
 * - The lesson's files are every regular file of the folder but lesson.md.
 * - `#` starts a comment in lab and goal lines (as in .scenario files), and in a
 *   solution block only at the start of a line (edit strings may hold `#`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { compareDiagnostics, type Diagnostic } from '../core/diagnostic.js';
import { describeErrno } from '../core/errno.js';
import { ScenarioError } from '../core/errors.js';
import type { Instant } from '../core/time.js';
import { parseSeconds } from '../scenario/events.js';
import type { Lesson, LessonLine, SessionInputs, Task } from './contract.js';

/** One line of a `solution` block, parsed. */
export type SolutionStep =
  | { readonly kind: 'edit'; readonly file: string; readonly old: string; readonly new: string; readonly source: LessonLine }
  | { readonly kind: 'after'; readonly us: Instant; readonly source: LessonLine }
  | { readonly kind: 'action'; readonly source: LessonLine };

/** A lesson as read: what a session opens from (less the workspace) and each task's solution. */
export interface LessonFile {
  readonly lesson: Lesson;
  readonly setup: readonly LessonLine[];
  readonly goals: readonly (readonly LessonLine[])[];
  /** Index = task number − 1. */
  readonly solutions: readonly (readonly SolutionStep[])[];
  readonly seed: number;
  /** The lesson.md path as shown in errors. */
  readonly file: string;
}

/** A lesson file (or lab/goal line) with mistakes: every diagnostic, each located. */
export class LessonFileError extends ScenarioError {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics[0]?.code ?? 'lesson-invalid', diagnostics.map(formatLessonDiagnostic).join('\n'));
  }
}

/** `file:line:col: error[code]: message (hint)`. */
export function formatLessonDiagnostic(d: Diagnostic): string {
  const where = d.file ? `${d.file}:${d.line ?? 1}:${d.column ?? 1}: ` : '';
  return `${where}${d.severity}[${d.code}]: ${d.message}${d.hint ? ` (${d.hint})` : ''}`;
}

export const LESSON_FILE = 'lesson.md';
/** A lesson is a page or two of text; anything larger is not a lesson. */
export const MAX_LESSON_BYTES = 256 * 1024;
/** Seed when the lab block gives none. */
export const DEFAULT_LESSON_SEED = 1;
/** The folder names the lesson list takes: two digits, a dash, a slug. */
export const LESSON_ID_RE = /^\d\d-[a-z0-9][a-z0-9-]*$/;

const GOAL_WORDS = ['reach', 'hold', 'never', 'never-two-masters', 'forbid'] as const;
const CLUSTER_WORDS = new Set(['config', 'cib', 'storage']);

/** A path as the learner should see it: relative to the current folder when inside it. */
export function shownPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, resolve(cwd, path));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** Read `dir/lesson.md`; throws LessonFileError listing every mistake. */
export function readLesson(dir: string, shown = shownPath(join(dir, LESSON_FILE))): LessonFile {
  const path = join(dir, LESSON_FILE);
  let text: string;
  try {
    const st = statSync(path);
    if (st.size > MAX_LESSON_BYTES) throw located(shown, 1, 1, 'lesson-file-too-large', `lesson file is ${st.size} bytes; lessons above ${MAX_LESSON_BYTES} bytes are not read`);
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    if (cause instanceof LessonFileError) throw cause;
    throw new LessonFileError([{ code: 'lesson-unreadable', severity: 'error', message: `cannot read lesson '${shown}': ${describeErrno(cause)}`, file: shown, line: 1, column: 1 }]);
  }
  return parseLesson(text, { file: shown, dir: resolve(dir), id: basename(resolve(dir)), files: lessonFiles(dir) });
}

function located(file: string, line: number, column: number, code: string, message: string): LessonFileError {
  return new LessonFileError([{ code, severity: 'error', message, file, line, column }]);
}

/** The files a lesson runs: every regular file of its folder but lesson.md, sorted. */
export function lessonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name !== LESSON_FILE && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

/** The lesson folders under `labsDir` (`NN-slug` with a lesson.md), in order. */
export function listLessonDirs(labsDir: string): { readonly id: string; readonly dir: string }[] {
  let entries;
  try {
    entries = readdirSync(labsDir, { withFileTypes: true });
  } catch (cause) {
    throw new ScenarioError('lesson-labs-unreadable', `cannot read the lessons folder '${labsDir}': ${describeErrno(cause)}`, undefined, { cause });
  }
  return entries
    .filter((e) => e.isDirectory() && LESSON_ID_RE.test(e.name) && isFile(join(labsDir, e.name, LESSON_FILE)))
    .map((e) => ({ id: e.name, dir: join(labsDir, e.name) }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** What the reader needs besides the text. */
export interface LessonSource {
  /** The lesson.md path as shown in errors. */
  readonly file: string;
  readonly dir: string;
  readonly id: string;
  /** The lesson's files (solution `edit` lines must name one). */
  readonly files: readonly string[];
}

// ---------------------------------------------------------------- blocks

type Block =
  | { readonly kind: 'title'; readonly text: string; readonly line: number }
  | { readonly kind: 'heading'; readonly text: string; readonly line: number }
  | { readonly kind: 'paragraph'; readonly text: string; readonly line: number }
  | { readonly kind: 'fence'; readonly info: string; readonly lines: readonly LessonLine[]; readonly raw: string; readonly line: number };

interface Reader {
  readonly file: string;
  readonly diagnostics: Diagnostic[];
}

function report(r: Reader, line: number, column: number, code: string, message: string, hint?: string): void {
  r.diagnostics.push({ code, severity: 'error', message, file: r.file, line, column, ...(hint ? { hint } : {}) });
}

/** Split the text into blocks: headings, paragraphs (lines joined by a space) and fences. */
function blocks(r: Reader, text: string): Block[] {
  const lines = text.split(/\r?\n/);
  const out: Block[] = [];
  let para: { lines: string[]; line: number } | undefined;
  const flush = (): void => {
    if (para) out.push({ kind: 'paragraph', text: para.lines.join(' '), line: para.line });
    para = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const trimmed = raw.trim();
    if (trimmed === '') {
      flush();
      continue;
    }
    const fence = /^(`{3,})\s*(\S*)\s*$/.exec(trimmed);
    if (fence) {
      flush();
      i = fenceBlock(r, lines, i, fence[1] as string, fence[2] as string, out);
      continue;
    }
    if (/^#{1,6}\s/.test(trimmed) || /^#{1,6}$/.test(trimmed)) {
      flush();
      const level = (/^#+/.exec(trimmed) as RegExpExecArray)[0].length;
      const heading = trimmed.slice(level).trim();
      out.push(level === 1 && out.length === 0 ? { kind: 'title', text: heading, line: i + 1 } : { kind: 'heading', text: trimmed, line: i + 1 });
      continue;
    }
    if (para) para.lines.push(trimmed);
    else para = { lines: [trimmed], line: i + 1 };
  }
  flush();
  return out;
}

/** Read a fenced block starting at `start`; returns the index of its closing line. */
function fenceBlock(r: Reader, lines: readonly string[], start: number, ticks: string, info: string, out: Block[]): number {
  const body: LessonLine[] = [];
  for (let j = start + 1; j < lines.length; j++) {
    const raw = lines[j] as string;
    if (raw.trim() === ticks) {
      out.push({ kind: 'fence', info, lines: body, raw: lines.slice(start + 1, j).join('\n'), line: start + 1 });
      return j;
    }
    const column = raw.length - raw.trimStart().length + 1;
    body.push({ text: raw.trim(), file: r.file, line: j + 1, column });
  }
  report(r, start + 1, 1, 'lesson-unclosed-block', `the \`\`\`${info} block starting here is never closed`, `close it with a line ${ticks}`);
  return lines.length;
}

// ---------------------------------------------------------------- the lesson

interface TaskDraft {
  number: number;
  title: string;
  line: number;
  text: string[];
  goals?: LessonLine[];
  hints: string[];
  solutionWords: string[];
  inSolution: boolean;
  solution?: SolutionStep[];
}

interface Draft {
  title?: string;
  setup?: LessonLine[];
  setupLine?: number;
  intro: string[];
  tasks: TaskDraft[];
  summary?: string[];
}

/** Parse lesson.md's text; throws LessonFileError listing every mistake. */
export function parseLesson(text: string, source: LessonSource): LessonFile {
  const r: Reader = { file: source.file, diagnostics: [] };
  const all = blocks(r, text);
  const draft: Draft = { intro: [], tasks: [] };
  const first = all[0];
  if (first?.kind !== 'title' || first.text === '') report(r, first?.line ?? 1, 1, 'lesson-no-title', 'a lesson starts with its title: # TITLE');
  else draft.title = first.text;
  for (const b of first?.kind === 'title' ? all.slice(1) : all) place(r, draft, b, source);
  finish(r, draft);
  if (r.diagnostics.length > 0) throw new LessonFileError([...r.diagnostics].sort(compareDiagnostics));
  return assemble(draft, source);
}

/** Put one block where it belongs: intro, a task, or the summary. */
function place(r: Reader, draft: Draft, b: Block, source: LessonSource): void {
  const task = draft.tasks[draft.tasks.length - 1];
  if (b.kind === 'heading' || b.kind === 'title') return heading(r, draft, b.kind === 'title' ? `# ${b.text}` : b.text, b.line);
  if (draft.summary !== undefined) {
    if (b.kind === 'fence' && isLessonFence(b.info)) return report(r, b.line, 1, 'lesson-block-after-summary', `a \`\`\`${b.info} block after the summary`, 'the summary is the last part of a lesson');
    draft.summary.push(b.kind === 'fence' ? b.raw : b.text);
    return;
  }
  if (b.kind === 'fence') return fence(r, draft, b, task, source);
  if (task === undefined) {
    draft.intro.push(b.text);
    return;
  }
  taskParagraph(r, task, b.text, b.line);
}

const isLessonFence = (info: string): boolean => info === 'lab' || info === 'goal' || info === 'solution';

function heading(r: Reader, draft: Draft, text: string, line: number): void {
  const task = /^##\s+Task:\s*(.*)$/.exec(text);
  if (draft.summary !== undefined) return report(r, line, 1, 'lesson-heading-after-summary', `'${text}' after the summary`, 'the summary is the last part of a lesson');
  if (task) {
    const title = (task[1] as string).trim();
    if (title === '') report(r, line, 1, 'lesson-task-no-title', 'a task needs a title: ## Task: TITLE');
    draft.tasks.push({ number: draft.tasks.length + 1, title, line, text: [], hints: [], solutionWords: [], inSolution: false });
    return;
  }
  if (/^##\s+Summary\s*$/.test(text)) {
    draft.summary = [];
    return;
  }
  report(r, line, 1, 'lesson-unknown-heading', `unexpected heading '${text}'`, 'a lesson has one # title, then ## Task: TITLE sections and a last ## Summary');
}

function fence(r: Reader, draft: Draft, b: Extract<Block, { kind: 'fence' }>, task: TaskDraft | undefined, source: LessonSource): void {
  if (!isLessonFence(b.info)) {
    if (task === undefined) draft.intro.push(b.raw);
    else if (task.inSolution) task.solutionWords.push(b.raw);
    else task.text.push(b.raw);
    return;
  }
  if (b.info === 'lab') {
    if (task !== undefined) return report(r, b.line, 1, 'lesson-lab-after-task', 'the ```lab block must come before the first task');
    if (draft.setup !== undefined) return report(r, b.line, 1, 'lesson-two-labs', `a second \`\`\`lab block (the first is at line ${draft.setupLine})`, 'a lesson has exactly one');
    draft.setup = b.lines.map(stripComment).filter((l) => l.text !== '');
    draft.setupLine = b.line;
    return;
  }
  if (task === undefined) return report(r, b.line, 1, `lesson-${b.info}-outside-task`, `a \`\`\`${b.info} block outside a task`, 'put it under a ## Task: heading');
  if (b.info === 'goal') return goalBlock(r, task, b);
  if (task.solution !== undefined) return report(r, b.line, 1, 'lesson-two-solutions', `task ${task.number} has a second \`\`\`solution block`);
  task.solution = b.lines.filter((l) => l.text !== '' && !l.text.startsWith('#')).flatMap((l) => solutionStep(r, l, source.files));
}

function goalBlock(r: Reader, task: TaskDraft, b: Extract<Block, { kind: 'fence' }>): void {
  if (task.goals !== undefined) return report(r, b.line, 1, 'lesson-two-goals', `task ${task.number} has a second \`\`\`goal block`, 'put every goal line in one block');
  task.goals = b.lines.map(stripComment).filter((l) => l.text !== '');
  if (task.goals.length === 0) report(r, b.line, 1, 'lesson-empty-goal', `task ${task.number}'s goal block is empty`, `goal lines: ${GOAL_WORDS.join(', ')}`);
  for (const g of task.goals) {
    const word = g.text.split(/\s+/)[0] as string;
    if (!(GOAL_WORDS as readonly string[]).includes(word)) report(r, g.line, g.column, 'lesson-unknown-goal', `unknown goal '${word}'`, `goal lines start with ${GOAL_WORDS.join(', ')}`);
    else if (word !== 'never-two-masters' && g.text === word) report(r, g.line, g.column + word.length, 'lesson-goal-missing-argument', `'${word}' needs ${word === 'forbid' ? 'an action word' : 'a fact'}`);
  }
}

function taskParagraph(r: Reader, task: TaskDraft, text: string, line: number): void {
  const hint = /^Hint:\s*(.*)$/.exec(text);
  const solution = /^Solution:\s*(.*)$/.exec(text);
  if (hint) {
    if (task.inSolution) return report(r, line, 1, 'lesson-hint-after-solution', 'a hint after the solution', 'hints come first, weakest first; the solution last');
    if ((hint[1] as string) === '') return report(r, line, 1, 'lesson-empty-hint', 'an empty hint');
    task.hints.push(hint[1] as string);
    return;
  }
  if (solution) {
    if (task.inSolution) return report(r, line, 1, 'lesson-two-solutions', `task ${task.number} has a second Solution: paragraph`);
    task.inSolution = true;
    if ((solution[1] as string) !== '') task.solutionWords.push(solution[1] as string);
    return;
  }
  if (task.inSolution) task.solutionWords.push(text);
  else if (task.hints.length > 0) report(r, line, 1, 'lesson-stray-paragraph', 'a paragraph after a hint', "a hint is one paragraph: start the next with 'Hint:' or 'Solution:'");
  else task.text.push(text);
}

/** Strip a `#` comment (from a `#` at the start of the line or after a blank). */
function stripComment(l: LessonLine): LessonLine {
  const m = /(^|\s)#/.exec(l.text);
  return m === null ? l : { ...l, text: l.text.slice(0, m.index).trimEnd() };
}

/** `edit FILE "OLD" "NEW"`, `after S`, or an action line (checked by the driver). */
function solutionStep(r: Reader, l: LessonLine, files: readonly string[]): SolutionStep[] {
  const word = l.text.split(/\s+/)[0] as string;
  if (word === 'after') {
    const arg = l.text.slice(word.length).trim();
    const us = parseSeconds(arg);
    if (us === undefined || arg.includes(' ')) {
      report(r, l.line, l.column + word.length + 1, 'lesson-bad-after', `bad time '${arg}'`, 'after SECONDS, e.g. after 5');
      return [];
    }
    return [{ kind: 'after', us, source: l }];
  }
  if (word !== 'edit') return [{ kind: 'action', source: l }];
  const m = /^edit\s+(\S+)\s+"((?:[^"\\]|\\.)*)"\s+"((?:[^"\\]|\\.)*)"\s*$/.exec(l.text);
  if (m === null) {
    report(r, l.line, l.column, 'lesson-bad-edit', 'bad edit line', 'edit FILE "OLD" "NEW" (\\" for a quote inside, \\n for a new line)');
    return [];
  }
  const file = m[1] as string;
  if (!files.includes(file)) {
    report(r, l.line, l.column + 5, 'lesson-unknown-file', `'${file}' is not one of the lesson's files`, `files: ${files.join(', ') || '(none)'}`);
    return [];
  }
  // \n starts a new line (an edit that adds a line: "state BACKUP" "state BACKUP\n    nopreempt"), \t a tab; \X is X.
  const unquote = (s: string): string => s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
  if ((m[2] as string) === '') report(r, l.line, l.column, 'lesson-bad-edit', 'edit needs a non-empty OLD text');
  return [{ kind: 'edit', file, old: unquote(m[2] as string), new: unquote(m[3] as string), source: l }];
}

/** Checks on the whole: the lab block, at least one task, each task's goals and solution, the summary. */
function finish(r: Reader, draft: Draft): void {
  if (draft.setup === undefined) report(r, 1, 1, 'lesson-no-lab', 'the lesson has no ```lab block', 'put one before the first task: node NAME FILE lines (or config FILE for a cluster), then optional timed events');
  else if (draft.setup.length === 0) report(r, draft.setupLine ?? 1, 1, 'lesson-empty-lab', 'the ```lab block is empty');
  if (draft.tasks.length === 0) report(r, 1, 1, 'lesson-no-task', 'the lesson has no task', '## Task: TITLE, a paragraph, a ```goal block');
  for (const t of draft.tasks) {
    if (t.goals === undefined) report(r, t.line, 1, 'lesson-no-goal', `task ${t.number} has no \`\`\`goal block`);
    if (t.solution === undefined) report(r, t.line, 1, 'lesson-no-solution', `task ${t.number} has no \`\`\`solution block`, 'the lines `vrrp-lab lab --check --solution` runs: edit FILE "OLD" "NEW", after S, action lines');
  }
  if (draft.summary === undefined) report(r, 1, 1, 'lesson-no-summary', 'the lesson has no ## Summary', 'end the lesson with ## Summary and a paragraph or two');
}

function assemble(draft: Draft, source: LessonSource): LessonFile {
  const setup = draft.setup ?? [];
  const seedLine = setup.find((l) => /^seed\s/.test(l.text));
  const seed = seedLine ? Number(seedLine.text.split(/\s+/)[1]) : DEFAULT_LESSON_SEED;
  const kind = setup.some((l) => CLUSTER_WORDS.has(l.text.split(/\s+/)[0] as string)) ? 'cluster' : 'vrrp';
  const tasks: Task[] = draft.tasks.map((t) => ({
    number: t.number,
    title: t.title,
    text: t.text,
    goals: (t.goals ?? []).map((g) => g.text),
    hints: t.hints,
    solution: t.solutionWords,
  }));
  const lesson: Lesson = {
    id: source.id,
    title: draft.title ?? source.id,
    dir: source.dir,
    kind,
    files: source.files,
    seed: Number.isSafeInteger(seed) && seed >= 0 ? seed : DEFAULT_LESSON_SEED,
    intro: draft.intro,
    tasks,
    summary: draft.summary ?? [],
  };
  return { lesson, setup, goals: draft.tasks.map((t) => t.goals ?? []), solutions: draft.tasks.map((t) => t.solution ?? []), seed: lesson.seed, file: source.file };
}

/** The inputs a driver opens from, given the workspace that holds the learner's copies. */
export function sessionInputs(file: LessonFile, workspace: string): SessionInputs {
  return { lesson: file.lesson, setup: file.setup, goals: file.goals, workspace, seed: file.seed };
}
