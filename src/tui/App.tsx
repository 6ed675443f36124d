/**
 * The lab app: one screen over one `LabSession` (a lesson's live cluster).
 *
 * Theory of operation: the app holds the UI state (state.ts, a pure reducer)
 * and a copy of the session's `view()` and `tasks()`, refreshed after every
 * advance of virtual time and every effect a key asks for (act, step, reload,
 * reset, open a lesson, select a task). Keys go through `handleKey`; what they
 * ask of the session runs here, and failures come back as messages on the
 * prompt line, never as a crash. A timer moves virtual time (use-virtual-clock);
 * a watcher re-reads the workspace files when they are saved.
 *
 * Rules:
 * - The app only renders `LabView` and calls `LabHost`/`LabSession`
 *   (lesson/contract.ts); it never reaches the simulator or Docker itself.
 * - The whole screen is `rows − 1` lines (layout.ts); nothing uses <Static>.
 * - The app never moves to the next task by itself.
 */
import { Box, useApp, useInput, type Key } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LabHost, LabSession, LabView, TaskStatus } from '../lesson/contract.js';
import { candidates } from './complete.js';
import { ClusterPanel } from './components/ClusterPanel.js';
import { EventLog } from './components/EventLog.js';
import { Footer } from './components/Footer.js';
import { Header } from './components/Header.js';
import { HelpOverlay } from './components/HelpOverlay.js';
import { LessonPane } from './components/LessonPane.js';
import { ListOverlay } from './components/ListOverlay.js';
import { SummaryCard } from './components/SummaryCard.js';
import { TimelineStrip } from './components/TimelineStrip.js';
import { filterLog, namesIn, verbsFor } from './format.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { useVirtualClock } from './hooks/use-virtual-clock.js';
import { useWorkspaceWatch } from './hooks/use-workspace-watch.js';
import { layoutFor, type Layout } from './layout.js';
import { settle } from './settle.js';
import { commandDone, commandFailed, forLesson, handleKey, initialUi, maybeSummary, notify, speedOf, splitKeys, type Effect, type KeyContext, type KeyPress, type UiState } from './state.js';

export interface AppProps {
  readonly host: LabHost;
  /** The lesson to open; without one the lesson to resume (the list when every lesson is done). */
  readonly lesson?: string;
  /** Told of every session the app opens (the host closes the last one on exit). */
  readonly onSession?: (session: LabSession | undefined) => void;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Where the lesson list starts when no lesson is named: the first available one not finished. */
export function resumeIndex(host: LabHost): number {
  const list = host.lessons();
  const i = list.findIndex((l) => !l.unavailable && l.done < l.tasks);
  return Math.max(0, i);
}

export function App({ host, lesson, onSession }: AppProps) {
  const { exit } = useApp();
  const size = useTerminalSize();
  const [session, setSessionState] = useState<LabSession>();
  // Keys may come before a render shows the newest session: effects read it here.
  const sessionRef = useRef<LabSession>(undefined);
  const setSession = useCallback((s: LabSession | undefined) => {
    sessionRef.current = s;
    setSessionState(s);
  }, []);
  const [view, setView] = useState<LabView>();
  const [tasks, setTasks] = useState<readonly TaskStatus[]>([]);
  const [ui, setUiState] = useState<UiState>(initialUi);
  const [error, setError] = useState<string>();
  const uiRef = useRef(ui);
  const setUi = useCallback((next: (u: UiState) => UiState) => {
    uiRef.current = next(uiRef.current);
    setUiState(uiRef.current);
  }, []);

  const refresh = useCallback((s: LabSession) => {
    const list = s.tasks();
    setView(s.view());
    setTasks(list);
    setUi((u) => maybeSummary(u, list.length > 0 && list.every((t) => t.done)));
  }, [setUi]);

  const open = useCallback(async (id: string, previous?: LabSession) => {
    try {
      await previous?.close();
      const next = await host.open(id);
      await settle(next);
      setSession(next);
      onSession?.(next);
      setError(undefined);
      setUi((u) => notify(forLesson(u), `opened ${id}: press ? for the keys, : to act`));
      refresh(next);
    } catch (e) {
      setSession(undefined);
      onSession?.(undefined);
      setView(undefined);
      setError(`cannot open ${id}: ${message(e)}`);
      setUi((u) => ({ ...u, overlay: { kind: 'lessons', cursor: 0 } }));
    }
  }, [host, onSession, refresh, setSession, setUi]);

  useEffect(() => {
    // A named lesson opens at once; without one, the lesson to resume (the first
    // not finished: lesson 1 for a new learner), as rustlings does — a cluster on the
    // first screen, not a menu. `l` lists them all; with every lesson done, the list.
    const resume = host.lessons()[resumeIndex(host)];
    if (lesson) void open(lesson);
    else if (resume && !resume.unavailable && resume.done < resume.tasks) void open(resume.id);
    else setUi((u) => ({ ...u, overlay: { kind: 'lessons', cursor: resumeIndex(host) } }));
  }, []);

  const onClockError = useCallback((e: unknown) => setUi((u) => notify({ ...u, paused: true }, `time stopped: ${message(e)}`, true)), [setUi]);
  useVirtualClock(session, !ui.paused, speedOf(ui), () => session && refresh(session), onClockError);

  const reload = useCallback(async (s: LabSession, why: string) => {
    try {
      await s.reload();
      const findings = s.view().findings.length;
      setUi((u) => notify(u, findings > 0 ? `${why}: ${findings} finding(s), the old cluster keeps running` : `${why}: the cluster restarted with them`, findings > 0));
    } catch (e) {
      setUi((u) => notify(u, `re-reading failed: ${message(e)}`, true));
    }
    refresh(s);
  }, [refresh, setUi]);

  useWorkspaceWatch(session?.workspace, (file) => {
    // Only the lesson's own files: an editor's swap and backup files restart nothing.
    if (session && (file === '' || session.lesson.files.includes(file))) void reload(session, `${file || 'a file'} changed`);
  }, (m) => setUi((u) => notify(u, m, true)));

  const layout = layoutFor(size.columns, size.rows, view?.strip.length ?? 0);
  const entries = useMemo(() => filterLog(view?.log ?? [], ui.filter), [view, ui.filter]);

  const run = useCallback(async (effect: Effect) => {
    if (effect.kind === 'quit') return exit();
    if (effect.kind === 'open-lesson') {
      const entry = host.lessons()[effect.index];
      if (!entry) return;
      if (entry.unavailable) return setUi((u) => notify(u, `${entry.id}: ${entry.unavailable}`, true));
      return open(entry.id, sessionRef.current);
    }
    const current = sessionRef.current;
    if (!current) {
      if (effect.kind === 'act') setUi((u) => commandFailed(u, effect.line, 'no lesson is open yet (l lists the lessons)'));
      return;
    }
    try {
      await runOnSession(current, effect, setUi, reload);
    } catch (e) {
      setUi((u) => notify(u, message(e), true));
    }
    refresh(current);
  }, [exit, host, open, refresh, reload, setUi]);

  useInput((input: string, key: Key) => {
    const ctx = keyContext(session, view, tasks, host, entries.length, layout);
    const effects: Effect[] = [];
    for (const press of splitKeys(toKeyPress(input, key))) {
      const result = handleKey(uiRef.current, press, ctx);
      setUi(() => result.ui);
      if (result.effect) effects.push(result.effect);
    }
    void effects.reduce((p, e) => p.then(() => run(e)), Promise.resolve());
  });

  const suggestions = ui.overlay.kind === 'command' && view ? candidates(ui.overlay.text, verbsFor(view.kind), namesIn(view)) : [];
  return (
    <Box flexDirection="column" width={layout.width} height={layout.height} overflow="hidden">
      <Header lesson={session?.lesson} view={view} speed={speedOf(ui)} paused={ui.paused} width={layout.width} />
      <Body ui={ui} layout={layout} session={session} view={view} tasks={tasks} host={host} error={error} entries={entries} />
      <Footer ui={ui} width={layout.width} suggestions={suggestions} />
    </Box>
  );
}

/** The effects that only ask the session (act, step, reload, reset, select a task). */
async function runOnSession(session: LabSession, effect: Effect, setUi: (f: (u: UiState) => UiState) => void, reload: (s: LabSession, why: string) => Promise<void>): Promise<void> {
  switch (effect.kind) {
    case 'act': {
      const r = await session.act(effect.line).catch((e: unknown) => ({ ok: false as const, error: message(e) }));
      setUi((u) => (r.ok ? commandDone(u, r.text) : commandFailed(u, effect.line, r.error)));
      return;
    }
    case 'step': return session.step();
    case 'reload': return reload(session, 'files re-read');
    case 'reset':
      await session.reset();
      setUi((u) => notify(forLesson(u), 'the lesson was reset: its files are back and its progress is gone'));
      return;
    case 'select-task':
      session.selectTask(effect.number);
      setUi((u) => notify(u, `task ${effect.number}: its goals are checked from now on`));
      return;
    default: return;
  }
}

function keyContext(session: LabSession | undefined, view: LabView | undefined, tasks: readonly TaskStatus[], host: LabHost, logLines: number, layout: Layout): KeyContext {
  const n = view?.task?.number;
  const task = n === undefined ? undefined : session?.lesson.tasks.find((t) => t.number === n);
  return {
    ...(task ? { task: { number: task.number, hints: task.hints.length } } : {}),
    tasks: session?.lesson.tasks.length ?? 0,
    lessons: host.lessons().length,
    ...(session ? { lessonIndex: Math.max(0, host.lessons().findIndex((l) => l.id === session.lesson.id)) } : {}),
    verbs: verbsFor(view?.kind ?? 'vrrp'),
    names: view ? namesIn(view) : [],
    logLines,
    logHeight: layout.log,
    allDone: tasks.length > 0 && tasks.every((t) => t.done),
  };
}

export function toKeyPress(input: string, key: Key): KeyPress {
  return {
    input,
    upArrow: key.upArrow,
    downArrow: key.downArrow,
    leftArrow: key.leftArrow,
    rightArrow: key.rightArrow,
    pageUp: key.pageUp,
    pageDown: key.pageDown,
    return: key.return,
    escape: key.escape,
    tab: key.tab,
    backspace: key.backspace,
    delete: key.delete,
    ctrl: key.ctrl,
  };
}

interface BodyProps {
  readonly ui: UiState;
  readonly layout: Layout;
  readonly session?: LabSession;
  readonly view?: LabView;
  readonly tasks: readonly TaskStatus[];
  readonly host: LabHost;
  readonly error?: string;
  readonly entries: ReturnType<typeof filterLog>;
}

/** Everything between the header and the footer: the panels, or the overlay in front of them. */
function Body({ ui, layout, session, view, tasks, host, error, entries }: BodyProps) {
  const height = layout.height - 3;
  const o = ui.overlay;
  const lesson = session?.lesson;
  if (o.kind === 'help') return <HelpOverlay width={layout.width} height={height} />;
  if (o.kind === 'lessons') {
    const lessons = host.lessons();
    const w = Math.max(0, ...lessons.map((l) => l.id.length));
    const items = lessons.map((l) => ({ label: `${l.id.padEnd(w)}  ${`${l.done}/${l.tasks}`.padStart(5)}  ${l.title}`, done: l.tasks > 0 && l.done >= l.tasks, ...(l.unavailable ? { note: `(${l.unavailable})` } : {}) }));
    return <ListOverlay title={error ?? 'Lessons (enter: open, resumes where you left it)'} items={items} cursor={o.cursor} width={layout.width} height={height} />;
  }
  if (o.kind === 'tasks' && lesson) {
    const items = lesson.tasks.map((t) => ({ label: `${t.number}. ${t.title}`, done: tasks.find((s) => s.number === t.number)?.done ?? false }));
    const task = lesson.tasks[o.cursor];
    // The first task is read after the lesson's introduction.
    const text = [...(o.cursor === 0 ? lesson.intro : []), ...(task?.text ?? [])];
    return <ListOverlay title={`${lesson.id}: ${lesson.title}`} text={text} skip={o.skip ?? 0} items={items} cursor={o.cursor} width={layout.width} height={height} />;
  }
  if (o.kind === 'summary' && o.full && lesson) return <SummaryCard lesson={lesson} width={layout.width} height={height} />;
  const n = view?.task?.number ?? 0;
  return (
    <Box flexDirection="column">
      <Box>
        <ClusterPanel view={view} width={layout.clusterWidth} height={layout.top} />
        {o.kind === 'summary' && lesson
          // The card takes the lesson pane's place: the cluster that got there stays in view.
          ? <SummaryCard lesson={lesson} width={layout.lessonWidth} height={layout.top} />
          : <LessonPane lesson={lesson} view={view} tasks={tasks} hintsShown={ui.hints[n] ?? 0} solutionShown={ui.solutions.includes(n)} width={layout.lessonWidth} height={layout.top} {...(error ? { error } : {})} />}
      </Box>
      <TimelineStrip view={view} width={layout.width} lanes={layout.lanes} />
      <EventLog entries={entries} total={view?.log.length ?? 0} filter={ui.filter} scroll={ui.scroll} height={layout.log} width={layout.width} />
    </Box>
  );
}
