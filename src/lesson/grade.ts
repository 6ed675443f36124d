/**
 * Grading a lesson without a terminal (`vrrp-lab lab --check`).
 *
 * Theory of operation — two ways:
 * - the learner's progress: each done task is replayed from what completed it
 *   (progress.ts): its workspace files in a scratch folder, the same seed, its
 *   actions at their times, up to the instant it was judged done, then judged
 *   again over the same window. A task not done yet fails.
 * - the lesson's solutions (`--solution`): one session over a scratch copy of
 *   the lesson's files runs every task's solution lines in order — `edit FILE
 *   "OLD" "NEW"` (then the files are re-read and the cluster restarts, as when
 *   the learner saves), `after S`, action lines — lets 10 s more pass and
 *   judges the task from the instant it became current.
 *
 * Rules:
 * - Deterministic: the same lesson, files and seed give the same grade.
 * - Scratch folders are removed afterwards; the learner's workspace is never touched.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSeconds, ZERO, type Instant } from '../core/time.js';
import type { GoalStatus, LessonGrade, RecordedAction, SessionDriver, TaskGrade } from './contract.js';
import type { LessonFile, SolutionStep } from './lesson-file.js';
import type { ProgressStore, TaskRecord } from './progress.js';
import { openDriver, type SessionOptions } from './session.js';

/** Virtual time the grader lets pass after a solution's last line. */
export const SOLUTION_TAIL_US = 10_000_000;

export interface GradeOptions extends SessionOptions {
  /** Run the lesson's solutions instead of replaying the learner's progress. */
  readonly solution: boolean;
  /** Where the learner's progress is (not needed with `solution`). */
  readonly store?: ProgressStore;
}

export async function gradeLesson(file: LessonFile, options: GradeOptions): Promise<LessonGrade> {
  const seed = options.seed ?? file.seed;
  const tasks = options.solution ? await gradeSolutions(file, options) : await gradeProgress(file, options);
  return { lesson: file.lesson.id, seed, tasks, passed: tasks.every((t) => t.passed) };
}

/** A scratch folder holding these files (name → text). */
function scratch(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'vrrp-lab-grade-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** The lesson's own files, by name. */
const lessonFiles = (file: LessonFile): Record<string, string> => Object.fromEntries(file.lesson.files.map((name) => [name, readFileSync(join(file.lesson.dir, name), 'utf8')]));

const taskGrade = (file: LessonFile, n: number, goals: readonly GoalStatus[], actions: readonly string[]): TaskGrade => {
  const task = file.lesson.tasks[n - 1];
  return { number: n, title: task?.title ?? '', passed: goals.length > 0 && goals.every((g) => g.met), goals, actions };
};

const describeAction = (a: RecordedAction): string => `${formatSeconds(a.at)} s: ${a.line}`;

// ---------------------------------------------------------------- the learner's progress

async function gradeProgress(file: LessonFile, options: GradeOptions): Promise<TaskGrade[]> {
  const progress = options.store?.load(file.lesson.id);
  const out: TaskGrade[] = [];
  for (const task of file.lesson.tasks) {
    const record = progress?.done[String(task.number)];
    if (record === undefined) {
      out.push(taskGrade(file, task.number, task.goals.map((text) => ({ text, met: false, detail: 'task not done yet' })), []));
      continue;
    }
    out.push(await replay(file, task.number, record, options));
  }
  return out;
}

async function replay(file: LessonFile, n: number, record: TaskRecord, options: GradeOptions): Promise<TaskGrade> {
  const dir = scratch(record.files);
  let driver: SessionDriver | undefined;
  try {
    driver = await openDriver(file, dir, options);
    for (const a of [...record.actions].sort((x, y) => x.at - y.at)) {
      await advanceTo(driver, a.at);
      const r = await driver.act(a.line);
      if (!r.ok) return taskGrade(file, n, [{ text: a.line, met: false, detail: `the recorded action failed: ${r.error}` }], record.actions.map(describeAction));
    }
    await advanceTo(driver, record.at);
    const window = record.actions.filter((a) => a.at >= record.from);
    return taskGrade(file, n, driver.judge(file.goals[n - 1] ?? [], record.from as Instant, window), record.actions.map(describeAction));
  } finally {
    await driver?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function advanceTo(driver: SessionDriver, at: number): Promise<void> {
  const now = driver.view().now;
  if (at > now) await driver.advance(at - now);
}

// ---------------------------------------------------------------- the lesson's solutions

interface Run {
  readonly driver: SessionDriver;
  readonly dir: string;
  from: Instant;
  actions: RecordedAction[];
}

async function gradeSolutions(file: LessonFile, options: GradeOptions): Promise<TaskGrade[]> {
  const dir = scratch(lessonFiles(file));
  const driver = await openDriver(file, dir, options).catch((e: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  const run: Run = { driver, dir, from: ZERO, actions: [] };
  const out: TaskGrade[] = [];
  try {
    for (const task of file.lesson.tasks) {
      run.from = driver.view().now;
      run.actions = [];
      const steps = file.solutions[task.number - 1] ?? [];
      const failed = await runSteps(run, steps);
      const shown = steps.map((s) => s.source.text);
      if (failed !== undefined) {
        out.push(taskGrade(file, task.number, [failed], shown));
        continue;
      }
      await driver.advance(SOLUTION_TAIL_US);
      out.push(taskGrade(file, task.number, driver.judge(file.goals[task.number - 1] ?? [], run.from, run.actions.filter((a) => a.at >= run.from)), shown));
    }
  } finally {
    await driver.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** Run solution lines; a failed line is the task's failing goal status. */
async function runSteps(run: Run, steps: readonly SolutionStep[]): Promise<GoalStatus | undefined> {
  for (const step of steps) {
    const where = `${step.source.file}:${step.source.line}:${step.source.column}`;
    if (step.kind === 'after') await run.driver.advance(step.us);
    else if (step.kind === 'action') {
      const at = run.driver.view().now;
      const r = await run.driver.act(step.source.text);
      if (!r.ok) return { text: step.source.text, met: false, detail: `${where}: the solution's action failed: ${r.error}` };
      run.actions.push({ at, line: step.source.text });
    } else {
      const problem = edit(run.dir, step);
      if (problem !== undefined) return { text: step.source.text, met: false, detail: `${where}: ${problem}` };
      const findings = await run.driver.restart();
      const errors = findings.filter((f) => /: error\[/.test(f));
      if (errors.length > 0) return { text: step.source.text, met: false, detail: `${where}: the edited files have errors: ${errors.join('; ')}` };
      run.from = ZERO;
      run.actions = [];
    }
  }
  return undefined;
}

/** Replace the one occurrence of OLD in FILE; why not, otherwise. */
function edit(dir: string, step: Extract<SolutionStep, { kind: 'edit' }>): string | undefined {
  const path = join(dir, step.file);
  const text = readFileSync(path, 'utf8');
  const count = text.split(step.old).length - 1;
  if (count !== 1) return `"${step.old}" occurs ${count === 0 ? 'nowhere' : `${count} times`} in ${step.file}: an edit replaces exactly one occurrence`;
  writeFileSync(path, text.replace(step.old, () => step.new));
  return undefined;
}
