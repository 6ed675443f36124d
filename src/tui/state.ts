/**
 * The lab app's UI state and what each key does to it: a pure function, tested
 * without ink.
 *
 * Theory of operation: `handleKey(state, key, ctx)` returns the next UI state and
 * at most one `Effect` — what the app must ask of the session or the host (apply
 * an action, step, re-read files, reset, open a lesson, select a task, quit).
 * The app runs the effect and reports back (`commandFailed`, `commandDone`,
 * `notify`). The session's own state (the cluster, the tasks) is never copied
 * here: `ctx` carries the few facts a key needs (names to complete, how many
 * hints the task has, how many lessons there are).
 *
 * Rules:
 * - No destructive single key: faults come only through the `:` line; reset and
 *   the solution ask first, and every answer but `y` cancels.
 * - Esc always goes back one level; `q` quits from the main screen; the app
 *   never advances to the next task by itself.
 */
import { complete } from './complete.js';

/** Virtual-time speeds the `+`/`-` keys step through. */
export const SPEEDS = [0.5, 1, 2, 4, 8, 16] as const;
export const DEFAULT_SPEED_INDEX = 1;

export type Question = 'solution' | 'reset';

export type Overlay =
  | { readonly kind: 'none' }
  | { readonly kind: 'help' }
  | { readonly kind: 'command'; readonly text: string; readonly error?: string; readonly history?: number }
  | { readonly kind: 'filter'; readonly text: string }
  | { readonly kind: 'confirm'; readonly question: Question }
  | { readonly kind: 'lessons'; readonly cursor: number }
  /** The lesson to read: its tasks, and the text of the one under the cursor from paragraph `skip` on. */
  | { readonly kind: 'tasks'; readonly cursor: number; readonly skip?: number }
  /** The lesson's summary card: in the lesson pane's place, or `full` screen (`s`). */
  | { readonly kind: 'summary'; readonly full?: boolean };

export interface UiState {
  readonly paused: boolean;
  readonly speedIndex: number;
  readonly overlay: Overlay;
  /** The event log's filter (case-insensitive substring); '' shows everything. */
  readonly filter: string;
  /** How many log lines up from the newest the window ends; 0 follows the log. */
  readonly scroll: number;
  /** Task number → how many hints are shown. */
  readonly hints: Readonly<Record<number, number>>;
  /** Tasks whose solution the learner asked for (and confirmed). */
  readonly solutions: readonly number[];
  /** The `:` lines run so far, oldest first (up-arrow recalls them). */
  readonly history: readonly string[];
  readonly message?: { readonly text: string; readonly error: boolean };
  /** The summary card was closed for this lesson (it does not come back until a reset). */
  readonly summaryClosed: boolean;
}

export const initialUi: UiState = {
  paused: false,
  speedIndex: DEFAULT_SPEED_INDEX,
  overlay: { kind: 'none' },
  filter: '',
  scroll: 0,
  hints: {},
  solutions: [],
  history: [],
  summaryClosed: false,
};

/** A key as the app sees it (ink's Key, reduced to what the lab uses). */
export interface KeyPress {
  readonly input: string;
  readonly upArrow?: boolean;
  readonly downArrow?: boolean;
  readonly leftArrow?: boolean;
  readonly rightArrow?: boolean;
  readonly pageUp?: boolean;
  readonly pageDown?: boolean;
  readonly return?: boolean;
  readonly escape?: boolean;
  readonly tab?: boolean;
  readonly backspace?: boolean;
  readonly delete?: boolean;
  readonly ctrl?: boolean;
}

/**
 * A chunk of plain input as single keys: a terminal delivers pasted text, or
 * text and Enter typed faster than a frame (tmux send-keys), as one chunk.
 * Escape sequences (arrows, esc) come already parsed by ink and pass as they are.
 */
export function splitKeys(key: KeyPress): readonly KeyPress[] {
  const flags = key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown || key.escape || key.ctrl;
  if (flags || [...key.input].length <= 1) return [key];
  return [...key.input].map((c): KeyPress => {
    if (c === '\r' || c === '\n') return { input: '', return: true };
    if (c === '\t') return { input: '', tab: true };
    if (c === '\u007f' || c === '\b') return { input: '', backspace: true };
    return { input: c };
  });
}

export type Effect =
  | { readonly kind: 'act'; readonly line: string }
  | { readonly kind: 'step' }
  | { readonly kind: 'reload' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'open-lesson'; readonly index: number }
  | { readonly kind: 'select-task'; readonly number: number }
  | { readonly kind: 'quit' };

/** What a key needs to know about the session and the screen. */
export interface KeyContext {
  /** The current task's number and hint count (none while no lesson is open). */
  readonly task?: { readonly number: number; readonly hints: number };
  readonly tasks: number;
  readonly lessons: number;
  /** The open lesson's place in the list (where `l` puts the cursor). */
  readonly lessonIndex?: number;
  /** Words the `:` line completes: the verbs, then names (nodes, scripts, interfaces, servers). */
  readonly verbs: readonly string[];
  readonly names: readonly string[];
  /** How many log lines pass the filter, and how many the window shows. */
  readonly logLines: number;
  readonly logHeight: number;
  /** Every task is done: the summary card may show. */
  readonly allDone: boolean;
}

export interface KeyResult {
  readonly ui: UiState;
  readonly effect?: Effect;
}

export const speedOf = (ui: UiState): number => SPEEDS[ui.speedIndex] ?? 1;

const same = (ui: UiState): KeyResult => ({ ui });
const to = (ui: UiState, overlay: Overlay): KeyResult => ({ ui: { ...ui, overlay } });

export function handleKey(ui: UiState, key: KeyPress, ctx: KeyContext): KeyResult {
  const o = ui.overlay;
  switch (o.kind) {
    case 'command': return commandKey(ui, o, key, ctx);
    case 'filter': return filterKey(ui, o.text, key);
    case 'confirm': return confirmKey(ui, o.question, key, ctx);
    case 'lessons': return listKey(ui, o.cursor, ctx.lessons, key, (cursor) => ({ kind: 'lessons', cursor }), (index) => ({ kind: 'open-lesson', index }));
    case 'tasks': return readKey(ui, o, key) ?? listKey(ui, o.cursor, ctx.tasks, key, (cursor) => ({ kind: 'tasks', cursor }), (index) => ({ kind: 'select-task', number: index + 1 }));
    case 'summary':
      if (key.input === 'l') return to({ ...ui, summaryClosed: true }, { kind: 'lessons', cursor: ctx.lessonIndex ?? 0 });
      if (key.input === 'x') return to({ ...ui, summaryClosed: true }, { kind: 'confirm', question: 'reset' });
      if (key.input === 's') return to(ui, { kind: 'summary', full: !o.full });
      return closeKey(ui, key, true);
    case 'help': return closeKey(ui, key, false);
    case 'none': return mainKey(ui, key, ctx);
  }
}

/** Esc, enter, `q` or `?` close the help or the summary card. */
function closeKey(ui: UiState, key: KeyPress, summary: boolean): KeyResult {
  if (!(key.escape || key.return || key.input === 'q' || key.input === '?')) return same(ui);
  return to({ ...ui, summaryClosed: ui.summaryClosed || summary }, { kind: 'none' });
}

function mainKey(ui: UiState, key: KeyPress, ctx: KeyContext): KeyResult {
  const page = Math.max(1, ctx.logHeight - 1);
  if (key.upArrow || key.input === 'k') return scrollBy(ui, 1, ctx);
  if (key.downArrow || key.input === 'j') return scrollBy(ui, -1, ctx);
  if (key.pageUp) return scrollBy(ui, page, ctx);
  if (key.pageDown) return scrollBy(ui, -page, ctx);
  if (key.escape) return same({ ...ui, message: undefined, filter: ui.scroll === 0 ? '' : ui.filter, scroll: 0 });
  if (key.tab) return to(ui, { kind: 'tasks', cursor: (ctx.task?.number ?? 1) - 1 });
  switch (key.input) {
    case 'q': return { ui, effect: { kind: 'quit' } };
    case ' ': return same({ ...ui, paused: !ui.paused });
    case '+': case '=': return same({ ...ui, speedIndex: Math.min(SPEEDS.length - 1, ui.speedIndex + 1) });
    case '-': case '_': return same({ ...ui, speedIndex: Math.max(0, ui.speedIndex - 1) });
    case 'n': return { ui: { ...ui, paused: true }, effect: { kind: 'step' } };
    case ':': return to(ui, { kind: 'command', text: '' });
    case '/': return to(ui, { kind: 'filter', text: ui.filter });
    case '?': return to(ui, { kind: 'help' });
    case 'h': return hintKey(ui, ctx);
    case 'l': return to(ui, { kind: 'lessons', cursor: ctx.lessonIndex ?? 0 });
    case 't': return to(ui, { kind: 'tasks', cursor: (ctx.task?.number ?? 1) - 1 });
    case 'x': return ctx.task ? to(ui, { kind: 'confirm', question: 'reset' }) : same(ui);
    case 'r': return { ui: { ...ui, message: { text: 're-reading the files…', error: false } }, effect: { kind: 'reload' } };
    case 's': return ctx.allDone ? to(ui, { kind: 'summary', full: true }) : same(ui);
    default: return same(ui);
  }
}

function scrollBy(ui: UiState, delta: number, ctx: KeyContext): KeyResult {
  const most = Math.max(0, ctx.logLines - ctx.logHeight);
  return same({ ...ui, scroll: Math.max(0, Math.min(most, ui.scroll + delta)) });
}

/** `h`: the next hint; after the last one, offer the solution (behind a question). */
function hintKey(ui: UiState, ctx: KeyContext): KeyResult {
  const task = ctx.task;
  if (!task) return same(ui);
  const shown = ui.hints[task.number] ?? 0;
  if (shown < task.hints) return same({ ...ui, hints: { ...ui.hints, [task.number]: shown + 1 } });
  if (ui.solutions.includes(task.number)) return same({ ...ui, message: { text: 'the solution is shown in the task pane', error: false } });
  return to(ui, { kind: 'confirm', question: 'solution' });
}

function confirmKey(ui: UiState, question: Question, key: KeyPress, ctx: KeyContext): KeyResult {
  const back: UiState = { ...ui, overlay: { kind: 'none' } };
  if (key.input !== 'y' && key.input !== 'Y') return same({ ...back, message: { text: 'cancelled', error: false } });
  if (question === 'reset') return { ui: { ...back, hints: {}, solutions: [], summaryClosed: false, message: { text: 'resetting the lesson…', error: false } }, effect: { kind: 'reset' } };
  const n = ctx.task?.number;
  return same(n === undefined ? back : { ...back, solutions: [...ui.solutions, n] });
}

/** In the lesson reader, space / PgDn and b / PgUp page through the text by paragraphs. */
function readKey(ui: UiState, o: Extract<Overlay, { kind: 'tasks' }>, key: KeyPress): KeyResult | undefined {
  const skip = o.skip ?? 0;
  if (key.input === ' ' || key.pageDown) return to(ui, { ...o, skip: skip + 1 });
  if (key.input === 'b' || key.pageUp) return to(ui, { ...o, skip: Math.max(0, skip - 1) });
  return undefined;
}

function listKey(ui: UiState, cursor: number, count: number, key: KeyPress, at: (cursor: number) => Overlay, choose: (index: number) => Effect): KeyResult {
  if (key.escape || key.input === 'q' || (key.tab && at(0).kind === 'tasks')) return to(ui, { kind: 'none' });
  if (key.upArrow || key.input === 'k') return to(ui, at(Math.max(0, cursor - 1)));
  if (key.downArrow || key.input === 'j') return to(ui, at(Math.min(Math.max(0, count - 1), cursor + 1)));
  if (key.return && count > 0) return { ui: { ...ui, overlay: { kind: 'none' } }, effect: choose(cursor) };
  return same(ui);
}

function filterKey(ui: UiState, text: string, key: KeyPress): KeyResult {
  if (key.escape) return to(ui, { kind: 'none' });
  if (key.return) return same({ ...ui, filter: text.trim(), scroll: 0, overlay: { kind: 'none' } });
  return to(ui, { kind: 'filter', text: edit(text, key) });
}

function commandKey(ui: UiState, o: Extract<Overlay, { kind: 'command' }>, key: KeyPress, ctx: KeyContext): KeyResult {
  if (key.escape) return to(ui, { kind: 'none' });
  if (key.return) return runCommand(ui, o.text.trim());
  if (key.tab) return to(ui, { kind: 'command', text: complete(o.text, ctx.verbs, ctx.names) });
  if (key.upArrow || key.downArrow) return to(ui, recall(ui.history, o.history, key.upArrow ? -1 : 1, o.text));
  return to(ui, { kind: 'command', text: edit(o.text, key) });
}

/** Up/down through the history; past the newest line is an empty line again. */
function recall(history: readonly string[], at: number | undefined, delta: number, text: string): Overlay {
  if (history.length === 0) return { kind: 'command', text };
  const next = Math.max(0, Math.min(history.length, (at ?? history.length) + delta));
  return { kind: 'command', text: history[next] ?? '', history: next };
}

/** The app's own words on the `:` line; everything else is the session's action. */
function runCommand(ui: UiState, line: string): KeyResult {
  if (line === '') return to(ui, { kind: 'none' });
  const history = ui.history[ui.history.length - 1] === line ? ui.history : [...ui.history, line];
  const [word, arg] = line.split(/\s+/);
  if (word === 'q' || word === 'quit') return { ui: { ...ui, history }, effect: { kind: 'quit' } };
  if (word === 'help') return to({ ...ui, history }, { kind: 'help' });
  if (word === 'speed') {
    const index = SPEEDS.findIndex((s) => String(s) === arg || `x${s}` === arg || `×${s}` === arg);
    if (index < 0) return to({ ...ui, history }, { kind: 'command', text: line, error: `speed is one of ${SPEEDS.join(', ')}` });
    return same({ ...ui, history, speedIndex: index, overlay: { kind: 'none' } });
  }
  return { ui: { ...ui, history, overlay: { kind: 'command', text: line } }, effect: { kind: 'act', line } };
}

/** The session applied the `:` line: close it and say what happened. */
export function commandDone(ui: UiState, text: string): UiState {
  return { ...ui, overlay: { kind: 'none' }, message: { text, error: false } };
}

/** The session refused the `:` line: keep it open, with why, for the learner to fix. */
export function commandFailed(ui: UiState, line: string, error: string): UiState {
  return { ...ui, overlay: { kind: 'command', text: line, error } };
}

export function notify(ui: UiState, text: string, error = false): UiState {
  return { ...ui, message: { text, error } };
}

/** A new lesson (or a reset one): forget hints, solutions and the summary card. */
export function forLesson(ui: UiState): UiState {
  return { ...ui, hints: {}, solutions: [], summaryClosed: false, scroll: 0, filter: '' };
}

/** Open the summary card once every task is done (unless the learner closed it). */
export function maybeSummary(ui: UiState, allDone: boolean): UiState {
  if (!allDone || ui.summaryClosed || ui.overlay.kind !== 'none') return ui;
  return { ...ui, overlay: { kind: 'summary' } };
}

/** Typing into a one-line field: printable characters append, backspace/delete remove the last. */
function edit(text: string, key: KeyPress): string {
  if (key.backspace || key.delete) return text.slice(0, -1);
  if (key.ctrl || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.tab) return text;
  if (key.ctrl === undefined && key.input.length === 0) return text;
  return text + [...key.input].filter((c) => c >= ' ' && c !== '\u007f').join('');
}
