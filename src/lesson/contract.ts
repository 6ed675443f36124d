/**
 * The lab's contract: what a lesson is, what a live lab session shows and
 * accepts, and what grading reports. The session side (src/lesson) implements
 * it; the terminal app (src/tui) only renders `LabView` and calls `LabSession`,
 * so the app's tests can drive a session built by hand and the session's tests
 * need no terminal.
 *
 * Theory of operation: a session owns one cluster — VRRP/LVS through the
 * Backend port (the simulator by default, Docker with `--backend docker`), or a
 * corosync/RHCS cluster through the cluster simulator — and a clock the host
 * moves (`advance`). The learner's actions are scenario event words
 * (`kill lb1`, `partition lb1 | lb2`, `fail lb1 chk_nginx`); every action is
 * recorded with its virtual time, so a finished task can be replayed and
 * graded later (`vrrp-lab lab --check`) without a terminal. Goals are
 * `expect`-style lines checked against the session's timeline from the instant
 * the task became current.
 *
 * Rules:
 * - Nothing here reads a clock: times are virtual microseconds (core/time.ts);
 *   the host decides how fast virtual time runs.
 * - State is always given as text (MASTER, BACKUP, FAULT, STOP, OFF), never by
 *   colour alone: a view carries words, the app may add colour.
 */
import type { Instant } from '../core/time.js';

// ---------------------------------------------------------------- lessons

/** One lesson folder under labs/ (`labs/NN-slug/lesson.md` plus its files). */
export interface Lesson {
  /** The folder's name, e.g. `01-election`: what `vrrp-lab lab 01-election` and progress use. */
  readonly id: string;
  readonly title: string;
  /** The lesson folder (the shipped copy; the learner edits a copy in the workspace). */
  readonly dir: string;
  /** `vrrp` (keepalived nodes, maybe LVS) or `cluster` (corosync / RHCS / Pacemaker). */
  readonly kind: 'vrrp' | 'cluster';
  /** Files of the lesson the learner may edit (copied to the workspace), by name. */
  readonly files: readonly string[];
  readonly seed: number;
  /** Paragraphs shown before the first task. */
  readonly intro: readonly string[];
  readonly tasks: readonly Task[];
  /** The summary card shown when every task is done. */
  readonly summary: readonly string[];
}

export interface Task {
  /** 1-based, in lesson order. */
  readonly number: number;
  readonly title: string;
  readonly text: readonly string[];
  /** The goal lines as written (`reach master VI_1 lb2`, `forbid kill lb1`, …). */
  readonly goals: readonly string[];
  /** Hints in order, each stronger than the one before. */
  readonly hints: readonly string[];
  /** The solution in words, shown only after a confirmation. */
  readonly solution: readonly string[];
}

// ---------------------------------------------------------------- what the app shows

export type InstanceState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP' | 'OFF';

/** One term of an effective priority: a tracked script or interface and its weight. */
export interface PriorityTerm {
  /** `chk_nginx` (script) or `eth0` (interface). */
  readonly label: string;
  readonly kind: 'script' | 'interface';
  readonly weight: number;
  /** Whether the term counts now (a script with weight > 0 counts when it succeeds; < 0 when it fails). */
  readonly applied: boolean;
  /** `ok` / `failing` for scripts, `up` / `down` for interfaces. */
  readonly status: string;
}

export interface InstanceView {
  readonly name: string;
  readonly vrid: number;
  readonly state: InstanceState;
  /** The effective priority and how it is made: base + applied terms, clamped to 1..254 (255: address owner). */
  readonly priority: number;
  readonly base: number;
  readonly terms: readonly PriorityTerm[];
  /** The VIPs this node holds for this instance now. */
  readonly vips: readonly string[];
}

export interface NodeView {
  readonly name: string;
  readonly address: string;
  /** `up`, `stopped` (SIGTERM), `killed`, `paused`, `not started`. */
  readonly status: string;
  readonly links: readonly { readonly name: string; readonly up: boolean }[];
  readonly instances: readonly InstanceView[];
}

export interface RealServerView {
  readonly name: string;
  readonly address: string;
  /** The director's health check: `up` / `down` / `unknown`. */
  readonly check: string;
  readonly active: number;
  readonly inactive: number;
}

export interface LvsView {
  readonly services: readonly { readonly service: string; readonly director?: string; readonly realServers: readonly RealServerView[] }[];
  /** Client connections so far by outcome (`completed`, `broken`, `refused`, …). */
  readonly clients: Readonly<Record<string, number>>;
}

export interface ClusterNodeView {
  readonly name: string;
  /** `running`, `down`, `paused`. */
  readonly status: string;
  readonly members: readonly string[];
  readonly votes?: number;
  readonly quorate?: boolean;
  /** e.g. `expected 3, total 2, quorum 2`. */
  readonly quorum?: string;
}

export interface ClusterPanelView {
  readonly nodes: readonly ClusterNodeView[];
  /** Fencing operations in progress or done: `node01-p fenced by node02-p (fence_ipmilan): ok`. */
  readonly fencing: readonly string[];
  readonly services: readonly { readonly name: string; readonly node?: string; readonly state: string }[];
  /** Data-safety findings (DRBD split brain, corruption), in words. */
  readonly data: readonly string[];
}

/** One lane of the timeline strip: a node's instance (or a cluster node) over time. */
export interface StripLane {
  readonly label: string;
  /** Consecutive segments; `state` is a word (MASTER, BACKUP, FAULT, OFF, running, down, …). */
  readonly segments: readonly { readonly from: Instant; readonly to: Instant; readonly state: string }[];
}

/** One line of the append-only event log. `why`: the engine's reason for a change. */
export interface LogEntry {
  readonly seq: number;
  readonly at: Instant;
  readonly node?: string;
  readonly text: string;
  readonly why?: string;
  /** `action` (the learner did it), `change` (state/VIP/priority), `info` (lab messages), `error`. */
  readonly kind: 'action' | 'change' | 'info' | 'error';
}

export interface GoalStatus {
  readonly text: string;
  readonly met: boolean;
  /** When not met: what is observed instead, or which forbidden action broke it. */
  readonly detail?: string;
}

export interface TaskStatus {
  readonly number: number;
  readonly title: string;
  readonly done: boolean;
  readonly goals: readonly GoalStatus[];
}

export interface LabView {
  readonly now: Instant;
  readonly seed: number;
  readonly backend: 'sim' | 'docker';
  readonly kind: 'vrrp' | 'cluster';
  readonly nodes: readonly NodeView[];
  readonly vips: readonly { readonly address: string; readonly instance: string; readonly holders: readonly string[] }[];
  readonly lvs?: LvsView;
  readonly cluster?: ClusterPanelView;
  readonly strip: readonly StripLane[];
  /** The whole log; the app windows it. */
  readonly log: readonly LogEntry[];
  /** Validation findings of the workspace files (`lb2.conf:12:5: error: …`), when the last re-read found some. */
  readonly findings: readonly string[];
  readonly task?: TaskStatus;
}

// ---------------------------------------------------------------- the session

export type ActResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly error: string };

/** An action as the learner gave it, at the virtual time it was applied (since the cluster last (re)started). */
export interface RecordedAction {
  readonly at: Instant;
  readonly line: string;
}

export interface LabSession {
  readonly lesson: Lesson;
  view(): LabView;
  /** Apply one action in the scenario's words (`kill lb1`, `partition lb1 lb2`, `heal`); a bad line is `{ok:false}` with why. */
  act(line: string): Promise<ActResult>;
  /** Let virtual time pass (the simulator runs it at once; Docker waits). */
  advance(us: number): Promise<void>;
  /** Run to the next thing that happens (the simulator only; elsewhere a short advance). */
  step(): Promise<void>;
  /** Re-read the workspace files; valid files restart the cluster with them, findings otherwise. */
  reload(): Promise<void>;
  /** Make `number` the current task (its goals are checked from now on; saved as where to resume). */
  selectTask(number: number): void;
  /** Every task with its goals as last judged; `done` is sticky and saved in the learner's progress. */
  tasks(): readonly TaskStatus[];
  /** The folder with the learner's copies of the lesson's files (the app watches it and calls `reload`). */
  readonly workspace: string;
  /** Put the lesson's own files back in the workspace, forget its progress, restart at task 1. */
  reset(): Promise<void>;
  /** The learner's actions since the cluster last (re)started: what grading replays. */
  actions(): readonly RecordedAction[];
  close(): Promise<void>;
}

/** A lesson in the list: `vrrp-lab lab` with no argument, and the app's `l` key. */
export interface LessonEntry {
  readonly id: string;
  readonly title: string;
  readonly tasks: number;
  readonly done: number;
  /** The lesson cannot run here (e.g. a cluster lesson on Docker): why. */
  readonly unavailable?: string;
}

/** What the app is given: the lessons and a way to open one (resuming at its saved task). */
export interface LabHost {
  lessons(): readonly LessonEntry[];
  open(id: string): Promise<LabSession>;
}

/** A line of a lesson file and where it was written (for located errors). */
export interface LessonLine {
  readonly text: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * What a session of either kind is opened from: the lesson, its `lab` block,
 * each task's `goal` block and the folder with the learner's copies of the
 * lesson's files. The reader (lesson-file.ts) makes it; `vrrp` and `cluster`
 * sessions each parse the setup and goal lines in their own words.
 */
export interface SessionInputs {
  readonly lesson: Lesson;
  /** The `lab` block: scenario header words (node/config/seed/…) and optional timed events that set the scene. */
  readonly setup: readonly LessonLine[];
  /** Index = task number − 1: that task's goal lines. */
  readonly goals: readonly (readonly LessonLine[])[];
  /** Holds the learner's copies of `lesson.files`; the setup's file names resolve here. */
  readonly workspace: string;
  readonly seed: number;
}

// ---------------------------------------------------------------- grading

export interface TaskGrade {
  readonly number: number;
  readonly title: string;
  readonly passed: boolean;
  readonly goals: readonly GoalStatus[];
  /** How to see it again: the actions replayed, with their times. */
  readonly actions: readonly string[];
}

export interface LessonGrade {
  readonly lesson: string;
  readonly seed: number;
  readonly tasks: readonly TaskGrade[];
  readonly passed: boolean;
}

// ---------------------------------------------------------------- drivers

/**
 * One kind of cluster under a session (`vrrp`: keepalived/LVS through the
 * Backend port; `cluster`: corosync/RHCS/Pacemaker in the cluster simulator).
 * The session (session.ts) keeps what every kind shares — tasks, done marks,
 * progress, the recorded actions, reset — and asks the driver for the rest.
 */
export interface SessionDriver {
  /** What the panels show now (the session adds `task` and `findings`). */
  view(): Omit<LabView, 'task' | 'findings'>;
  /** Parse and apply one action at the current time. */
  act(line: string): Promise<ActResult>;
  advance(us: number): Promise<void>;
  step(): Promise<void>;
  /**
   * Re-read the workspace files and start the cluster again at time 0 with them
   * (the setup's timed events replayed). Returns validation findings as
   * `file:line:col: severity: message`; with an error among them the old cluster keeps running.
   */
  restart(): Promise<readonly string[]>;
  /** Judge goal lines over [from, now] given the actions applied in that window. */
  judge(goals: readonly LessonLine[], from: Instant, actions: readonly RecordedAction[]): readonly GoalStatus[];
  close(): Promise<void>;
}

/** Opens a driver of one kind; a bad setup or goal line is a located error (LessonFileError). */
export type DriverFactory = (inputs: SessionInputs, options: { readonly backend: 'sim' | 'docker' }) => Promise<SessionDriver>;
