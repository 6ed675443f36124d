/**
 * The live lab session (LabSession) over a driver of any kind, and the host
 * (LabHost) the app and the CLI open lessons from.
 *
 * Theory of operation: the driver owns the cluster; the session owns what
 * every kind shares — the current task and the instant it became current, the
 * learner's actions since the cluster last started, the sticky done marks, the
 * saved progress and the workspace. After every action, advance, step or
 * reload the current task is judged; the first time all its goals are met it
 * is marked done and saved with what completed it (see progress.ts), so
 * `vrrp-lab lab --check` can replay it.
 *
 * Rules:
 * - Done is sticky: a task once done stays done (until reset); the session
 *   never moves to the next task by itself.
 * - DRIVERS is a plain map from a lesson's kind to its factory: a kind is
 *   added with one line.
 */
import { join, resolve } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { ScenarioError, UsageError } from '../core/errors.js';
import { ZERO, type Instant } from '../core/time.js';
import type { ActResult, DriverFactory, GoalStatus, LabHost, LabSession, LabView, Lesson, LessonEntry, RecordedAction, SessionDriver, TaskStatus } from './contract.js';
import { LESSON_FILE, listLessonDirs, readLesson, sessionInputs, type LessonFile } from './lesson-file.js';
import { ProgressStore, type LessonProgress } from './progress.js';
import { openVrrpDriver } from './vrrp-driver.js';
import { clusterDriverFactory } from './cluster-driver.js';

/** The drivers by lesson kind. */
export const DRIVERS: Partial<Record<Lesson['kind'], DriverFactory>> = {
  vrrp: openVrrpDriver,
  cluster: clusterDriverFactory,
};

export interface SessionOptions {
  readonly backend: 'sim' | 'docker';
  /** Overrides the lesson's seed. */
  readonly seed?: number;
}

/** Why a lesson cannot run here, or undefined. */
export function unavailable(lesson: Pick<Lesson, 'kind'>, backend: 'sim' | 'docker'): string | undefined {
  if (DRIVERS[lesson.kind] === undefined) return `${lesson.kind} lessons cannot run in this version yet`;
  if (lesson.kind === 'cluster' && backend !== 'sim') return 'cluster lessons run on the simulator only (--backend sim)';
  return undefined;
}

/** Open a driver for a lesson on the given workspace (what the session and the grader share). */
export async function openDriver(file: LessonFile, workspace: string, options: SessionOptions): Promise<SessionDriver> {
  const why = unavailable(file.lesson, options.backend);
  if (why !== undefined) throw new ScenarioError('lesson-unavailable', `${file.lesson.id}: ${why}`);
  const factory = DRIVERS[file.lesson.kind] as DriverFactory;
  const inputs = sessionInputs(file, workspace);
  return factory(options.seed === undefined ? inputs : { ...inputs, seed: options.seed }, { backend: options.backend });
}

/** Open a lesson as a live session, resuming at its saved task. */
export async function openSession(file: LessonFile, store: ProgressStore, options: SessionOptions): Promise<LabSession> {
  const progress = store.load(file.lesson.id);
  const workspace = store.workspace(file.lesson);
  const driver = await openDriver(file, workspace, options);
  return new Session(file, store, driver, workspace, progress);
}

class Session implements LabSession {
  readonly lesson: Lesson;
  private current: number;
  private from: Instant = ZERO;
  private recorded: RecordedAction[] = [];
  private findings: readonly string[] = [];
  private readonly judged = new Map<number, readonly GoalStatus[]>();

  constructor(
    private readonly file: LessonFile,
    private readonly store: ProgressStore,
    private readonly driver: SessionDriver,
    readonly workspace: string,
    private progress: LessonProgress,
  ) {
    this.lesson = file.lesson;
    this.current = Math.min(Math.max(1, progress.current), this.lesson.tasks.length);
    this.judge();
  }

  view(): LabView {
    const task = this.tasks()[this.current - 1];
    return { ...this.driver.view(), findings: this.findings, ...(task === undefined ? {} : { task }) };
  }

  async act(line: string): Promise<ActResult> {
    const at = this.driver.view().now;
    const r = await this.driver.act(line);
    if (r.ok) this.recorded.push({ at, line: line.trim() });
    this.judge();
    return r;
  }

  async advance(us: number): Promise<void> {
    await this.driver.advance(us);
    this.judge();
  }

  async step(): Promise<void> {
    await this.driver.step();
    this.judge();
  }

  async reload(): Promise<void> {
    const findings = await this.driver.restart();
    this.findings = findings;
    if (!findings.some((f) => /: error\[/.test(f))) {
      this.recorded = [];
      this.from = ZERO;
    }
    this.judge();
  }

  selectTask(number: number): void {
    if (!Number.isInteger(number) || number < 1 || number > this.lesson.tasks.length) throw new UsageError(`no task ${number}: this lesson has tasks 1 to ${this.lesson.tasks.length}`);
    this.current = number;
    this.from = this.driver.view().now;
    this.progress = { ...this.progress, current: number };
    this.store.save(this.lesson.id, this.progress);
    this.judge();
  }

  tasks(): readonly TaskStatus[] {
    return this.lesson.tasks.map((t) => {
      const done = this.progress.done[String(t.number)] !== undefined;
      const goals = this.judged.get(t.number) ?? t.goals.map((text) => ({ text, met: done }));
      return { number: t.number, title: t.title, done, goals };
    });
  }

  async reset(): Promise<void> {
    this.store.resetWorkspace(this.lesson);
    this.store.forget(this.lesson.id);
    this.progress = { current: 1, done: {} };
    this.current = 1;
    this.judged.clear();
    await this.reload();
  }

  actions(): readonly RecordedAction[] {
    return this.recorded;
  }

  async close(): Promise<void> {
    await this.driver.close();
  }

  /** Judge the current task; the first time every goal is met, mark it done and save what completed it. */
  private judge(): void {
    const goals = this.file.goals[this.current - 1];
    if (goals === undefined) return;
    const inWindow = this.recorded.filter((a) => a.at >= this.from);
    const status = this.driver.judge(goals, this.from, inWindow);
    this.judged.set(this.current, status);
    if (!status.every((g) => g.met) || this.progress.done[String(this.current)] !== undefined) return;
    const record = { from: this.from, at: this.driver.view().now, actions: [...this.recorded], files: this.store.snapshot(this.lesson) };
    this.progress = { ...this.progress, done: { ...this.progress.done, [String(this.current)]: record } };
    this.store.save(this.lesson.id, this.progress);
  }
}

// ---------------------------------------------------------------- the host

export interface HostOptions {
  /** The folder of lesson folders. */
  readonly labsDir: string;
  /** Where `.vrrp-lab/` (progress and workspaces) lives. */
  readonly home: string;
  readonly backend: 'sim' | 'docker';
  readonly seed?: number;
}

export interface Host extends LabHost {
  readonly store: ProgressStore;
  /** A lesson by id (`01-election`), number (`1`) or folder path; a UsageError naming the lessons otherwise. */
  find(arg: string): LessonFile;
}

export function createLabHost(options: HostOptions): Host {
  const store = new ProgressStore(options.home);
  const read = (id: string): LessonFile => readLesson(join(options.labsDir, id));
  const find = (arg: string): LessonFile => findLesson(options.labsDir, arg);
  return {
    store,
    find,
    lessons(): readonly LessonEntry[] {
      return listLessonDirs(options.labsDir).map(({ id }) => lessonEntry(id, () => read(id), store, options.backend));
    },
    open: async (id: string) => openSession(find(id), store, options),
  };
}

function lessonEntry(id: string, read: () => LessonFile, store: ProgressStore, backend: 'sim' | 'docker'): LessonEntry {
  let file: LessonFile;
  try {
    file = read();
  } catch (e) {
    if (e instanceof ScenarioError) return { id, title: id, tasks: 0, done: 0, unavailable: e.message.split('\n')[0] as string };
    throw e;
  }
  let done = 0;
  try {
    done = Object.keys(store.load(id).done).length;
  } catch {
    // an unreadable progress file shows as no progress here; opening the lesson names it
  }
  const why = unavailable(file.lesson, backend);
  return { id, title: file.lesson.title, tasks: file.lesson.tasks.length, done, ...(why === undefined ? {} : { unavailable: why }) };
}

/** A lesson by id, by number, or by folder path. */
export function findLesson(labsDir: string, arg: string): LessonFile {
  const lessons = listLessonDirs(labsDir);
  const byId = lessons.find((l) => l.id === arg) ?? (/^\d+$/.test(arg) ? lessons.find((l) => Number(l.id.slice(0, 2)) === Number(arg)) : undefined);
  if (byId !== undefined) return readLesson(byId.dir);
  const path = resolve(arg);
  if (existsSync(join(path, LESSON_FILE)) && statSync(path).isDirectory()) return readLesson(path);
  throw new UsageError(`no lesson '${arg}' (lessons: ${lessons.map((l) => l.id).join(', ') || 'none'}; or give a lesson folder)`);
}
