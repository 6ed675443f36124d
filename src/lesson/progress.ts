/**
 * The learner's progress and workspace, kept in `.vrrp-lab/` under a home
 * folder (the current folder by default; `--home DIR` or VRRP_LAB_HOME):
 *
 *     .vrrp-lab/progress/<lesson>.json   where to resume, and each done task
 *                                        with what completed it
 *     .vrrp-lab/labs/<lesson>/           the learner's copies of the lesson's files
 *
 * Theory of operation: a done task keeps the actions (with their virtual times
 * since the cluster last started), the instant the task became current, and the
 * contents of the workspace files at that moment, so `vrrp-lab lab --check`
 * can replay it later on the same files and seed and judge it again.
 *
 * Rules:
 * - The workspace is created on the first open and never overwritten, except
 *   by `reset` (a file the lesson gained later is copied in when missing).
 * - Progress is written whole to a new file and renamed over the old one, so a
 *   crash leaves the old or the new record, never half of one.
 * - A progress file that cannot be read is an error naming it, not an empty record.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeErrno } from '../core/errno.js';
import { ScenarioError } from '../core/errors.js';
import type { Lesson, RecordedAction } from './contract.js';

/** What completed one task. */
export interface TaskRecord {
  /** When the task became current (virtual µs since the cluster last started). */
  readonly from: number;
  /** When it was judged done. */
  readonly at: number;
  /** Every action since the cluster last started, with its time. */
  readonly actions: readonly RecordedAction[];
  /** The workspace files' contents when it was done, by name. */
  readonly files: Readonly<Record<string, string>>;
}

export interface LessonProgress {
  /** The task to resume at (1-based). */
  readonly current: number;
  /** Done tasks by number. */
  readonly done: Readonly<Record<string, TaskRecord>>;
}

export const EMPTY_PROGRESS: LessonProgress = { current: 1, done: {} };

/** The folder under the home that holds everything the lab writes. */
export const STATE_DIR = '.vrrp-lab';

export class ProgressStore {
  readonly root: string;

  constructor(home: string) {
    this.root = join(home, STATE_DIR);
  }

  private progressFile(id: string): string {
    return join(this.root, 'progress', `${id}.json`);
  }

  load(id: string): LessonProgress {
    const file = this.progressFile(id);
    if (!existsSync(file)) return EMPTY_PROGRESS;
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(file, 'utf8'));
    } catch (cause) {
      throw new ScenarioError('lab-progress-unreadable', `cannot read the progress file '${file}': ${cause instanceof SyntaxError ? cause.message : describeErrno(cause)} (vrrp-lab lab --reset ${id} starts the lesson again)`, undefined, { cause });
    }
    if (!isProgress(value)) throw new ScenarioError('lab-progress-unreadable', `the progress file '${file}' is not one the lab wrote (vrrp-lab lab --reset ${id} starts the lesson again)`);
    return value;
  }

  save(id: string, progress: LessonProgress): void {
    const file = this.progressFile(id);
    mkdirSync(join(this.root, 'progress'), { recursive: true });
    writeFileSync(`${file}.new`, `${JSON.stringify(progress, null, 1)}\n`);
    renameSync(`${file}.new`, file);
  }

  forget(id: string): void {
    rmSync(this.progressFile(id), { force: true });
  }

  /** The learner's copy of the lesson's files, created (or completed) from the lesson folder. */
  workspace(lesson: Pick<Lesson, 'id' | 'dir' | 'files'>): string {
    const dir = join(this.root, 'labs', lesson.id);
    mkdirSync(dir, { recursive: true });
    for (const name of lesson.files) if (!existsSync(join(dir, name))) copyFileSync(join(lesson.dir, name), join(dir, name));
    return dir;
  }

  /** Put the lesson's own files back in the workspace. */
  resetWorkspace(lesson: Pick<Lesson, 'id' | 'dir' | 'files'>): string {
    const dir = join(this.root, 'labs', lesson.id);
    rmSync(dir, { recursive: true, force: true });
    return this.workspace(lesson);
  }

  /** The workspace files' contents, by name. */
  snapshot(lesson: Pick<Lesson, 'id' | 'files'>): Record<string, string> {
    const dir = join(this.root, 'labs', lesson.id);
    return Object.fromEntries(lesson.files.map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
  }
}

function isProgress(v: unknown): v is LessonProgress {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  return Number.isInteger(p.current) && typeof p.done === 'object' && p.done !== null;
}
