/**
 * The session driver for kind `cluster`: a corosync/RHCS/Pacemaker cluster in
 * the cluster simulator, live.
 *
 * Theory of operation: the cluster simulator runs a whole script in one go and
 * is deterministic, so the driver runs it by replay. The script is the lab
 * block's timed events plus the learner's actions at the virtual times they
 * were given; it runs to a horizon ahead of now and the panels show the prefix
 * up to now. Adding an action, or now passing the horizon, runs the script
 * again from time 0 (src/lab/cluster/replay.ts says why the prefix the learner
 * saw cannot change). The horizon grows with now (at least a minute ahead, half
 * of now for long sessions) so a long session costs a few re-runs, not one per
 * minute.
 *
 * Rules: no clock (the host moves `now`); the learner's words are the cluster
 * scenario's event words without the time, parsed by the scenario's own event
 * parser, and a bad one is an error in words, never a stack trace; the
 * workspace's files are read only at open and at `restart`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import { ScenarioError, UsageError } from '../core/errors.js';
import { formatSeconds, US_PER_SECOND, type Instant } from '../core/time.js';
import { checkClusterScript, clusterAgents, parseClusterEvent, readClusterInputs, replayCluster, withCib, type ClusterEvent, type ClusterInputs, type ClusterReplay } from '../lab/cluster/index.js';
import { formatLessonDiagnostic, LessonFileError } from './lesson-file.js';
import { bareMessage, readClusterSetup, type ClusterSetup } from './cluster-setup.js';
import { judgeClusterGoals, parseClusterGoal, type ClusterGoal, type GoalNames } from './cluster-goals.js';
import { clusterLog, clusterPanel, clusterStrip, eventsUpTo, type ClusterViewInputs } from './cluster-view.js';
import type { ActResult, DriverFactory, GoalStatus, LabView, LessonLine, RecordedAction, SessionDriver, SessionInputs } from './contract.js';

/** How far past now a replay runs: at least this, or half of now when that is more. */
export const MIN_LOOKAHEAD_US = 60 * US_PER_SECOND;
/** `step` looks this far ahead for the next thing that happens; with nothing there it moves this much. */
const STEP_LOOK_US = 600 * US_PER_SECOND;
const QUIET_STEP_US = 10 * US_PER_SECOND;

/** The simulator's own verbs; agents add theirs (fencefail, svcfail, relocate, …). */
const CORE_VERBS = ['kill', 'stop', 'start', 'pause', 'resume', 'partition', 'heal', 'linkdown', 'linkup', 'expected', 'setvotes', 'qnetd-down', 'qnetd-up'];

interface Loaded {
  readonly inputs: ClusterInputs;
  readonly findings: readonly string[];
  readonly names: GoalNames;
  readonly votes: readonly { readonly name: string; readonly votes: number }[];
}

const finding = (d: Diagnostic): string => formatLessonDiagnostic(d);

/** Read the workspace's cluster files; `inputs` absent when they cannot run (the findings say why). */
function loadWorkspace(setup: ClusterSetup, workspace: string): Loaded | { readonly findings: readonly string[]; readonly error?: ScenarioError } {
  const scn = setup.scenario;
  let text: string;
  try {
    text = readFileSync(join(workspace, scn.configPath), 'utf8');
  } catch (e) {
    return { findings: [finding({ code: 'lesson-file-unreadable', severity: 'error', message: `cannot read it: ${(e as Error).message}`, file: scn.configPath, line: 1, column: 1 })] };
  }
  const read = readClusterInputs(text, scn.configPath, scn.extras);
  const reported = read.diagnostics.filter((d) => d.severity !== 'info').map(finding);
  if (read.inputs === undefined) return { findings: reported };
  try {
    const inputs = withCib(read.inputs, scn, (p) => readFileSync(join(workspace, p), 'utf8'));
    const made = clusterAgents(inputs);
    checkClusterScript(inputs, setup.events);
    const verbs = [...CORE_VERBS, ...made.agents.flatMap((a) => a.verbs ?? [])];
    const votes = inputs.spec.nodes.map((n) => ({ name: n.name, votes: n.quorum?.nodelist.find((x) => x.nodeId === n.id)?.votes ?? n.quorum?.votes ?? 1 }));
    return { inputs, findings: [...reported, ...made.diagnostics.filter((d) => d.severity !== 'info').map(finding)], names: { nodes: votes.map((v) => v.name), verbs }, votes };
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    const l = e.location;
    return { findings: [...reported, finding({ code: e.code, severity: 'error', message: bareMessage(e), file: l?.file ?? scn.configPath, line: l?.line ?? 1, column: l?.column ?? 1 })], error: e };
  }
}

class ClusterDriver implements SessionDriver {
  private now = 0;
  private actions: { readonly line: string; readonly event: ClusterEvent }[] = [];
  private replay?: ClusterReplay;
  private horizon = 0;
  private readonly goalCache = new Map<string, ClusterGoal | string>();
  /** The last view, for a host that asks again at the same instant (a frame with nothing new). */
  private shown?: { readonly replay: ClusterReplay; readonly now: number; readonly view: Omit<LabView, 'task' | 'findings'> };

  constructor(private readonly setup: ClusterSetup, private readonly workspace: string, private readonly seed: number, private loaded: Loaded) {}

  view(): Omit<LabView, 'task' | 'findings'> {
    const replay = this.ensure();
    if (this.shown?.replay === replay && this.shown.now === this.now) return this.shown.view;
    const nowS = this.now / US_PER_SECOND;
    const v: ClusterViewInputs = { replay, nodes: this.loaded.votes, now: nowS, actionNotes: new Set(this.actions.map((a) => `event: ${a.event.text}`)) };
    const events = eventsUpTo(replay, nowS);
    const view = { now: this.now as Instant, seed: this.seed, backend: 'sim', kind: 'cluster', nodes: [], vips: [], cluster: clusterPanel(v, events), strip: clusterStrip(v, events), log: clusterLog(v, events) } as const;
    this.shown = { replay, now: this.now, view };
    return view;
  }

  act(line: string): Promise<ActResult> {
    return Promise.resolve(this.apply(line));
  }

  private apply(line: string): ActResult {
    const words = line.trim();
    if (words === '') return { ok: false, error: 'an empty action: write e.g. kill node01-p, partition node01-p node02-p,node03-p, heal' };
    if (/^\d/.test(words)) return { ok: false, error: `write the action without a time ('${words.replace(/^\S+\s*/, '')}'): it happens now` };
    let event: ClusterEvent;
    try {
      event = parseClusterEvent(`${formatSeconds(this.now)} ${words}`, { file: 'action', line: 1 });
      checkClusterScript(this.loaded.inputs, [event]);
    } catch (e) {
      if (e instanceof ScenarioError) return { ok: false, error: bareMessage(e).replace(/'\d+(\.\d+)? /, "'") };
      throw e;
    }
    this.actions.push({ line: words, event });
    delete this.replay;
    return { ok: true, text: `${words} at ${formatSeconds(this.now)} s` };
  }

  advance(us: number): Promise<void> {
    if (!(us >= 0) || !Number.isFinite(us)) return Promise.reject(new RangeError(`advance: ${us} is not a duration`));
    this.now += Math.round(us);
    return Promise.resolve();
  }

  step(): Promise<void> {
    const from = this.now / US_PER_SECOND + 1e-9;
    this.ensure(this.now + STEP_LOOK_US);
    const replay = this.replay as ClusterReplay;
    const next = Math.min(
      replay.events.find((e) => e.t > from && !(e.kind === 'disk' && (e.op ?? 'write') === 'write'))?.t ?? Infinity,
      replay.notes.find((n) => n.t > from)?.t ?? Infinity,
    );
    this.now = Number.isFinite(next) && next * US_PER_SECOND <= this.now + STEP_LOOK_US ? Math.round(next * US_PER_SECOND) : this.now + QUIET_STEP_US;
    return Promise.resolve();
  }

  restart(): Promise<readonly string[]> {
    const loaded = loadWorkspace(this.setup, this.workspace);
    if (!('inputs' in loaded)) return Promise.resolve(loaded.findings);
    this.loaded = loaded;
    this.now = 0;
    this.actions = [];
    this.goalCache.clear();
    delete this.replay;
    return Promise.resolve(loaded.findings);
  }

  judge(goals: readonly LessonLine[], from: Instant, actions: readonly RecordedAction[]): readonly GoalStatus[] {
    const parsed = goals.map((l) => this.goal(l));
    const bad = parsed.find((g): g is string => typeof g === 'string');
    if (bad !== undefined) return goals.map((l) => ({ text: l.text.trim(), met: false, detail: bad }));
    const replay = this.ensure();
    const nowS = this.now / US_PER_SECOND;
    return judgeClusterGoals(parsed as ClusterGoal[], eventsUpTo(replay, nowS), from / US_PER_SECOND, nowS, actions.filter((a) => a.at >= from));
  }

  close(): Promise<void> {
    delete this.replay;
    return Promise.resolve();
  }

  private goal(l: LessonLine): ClusterGoal | string {
    const key = `${l.file}:${l.line}:${l.column}:${l.text}`;
    let g = this.goalCache.get(key);
    if (g === undefined) {
      try {
        g = parseClusterGoal(l, this.loaded.names);
      } catch (e) {
        if (!(e instanceof ScenarioError)) throw e;
        g = e.message;
      }
      this.goalCache.set(key, g);
    }
    return g;
  }

  /** The replay covering `until` (default: now), run again when the script changed or time passed its horizon. */
  private ensure(until = this.now): ClusterReplay {
    if (this.replay !== undefined && until <= this.horizon) return this.replay;
    this.horizon = until + Math.max(MIN_LOOKAHEAD_US, Math.round(until / 2));
    const script = [...this.setup.events, ...this.actions.map((a) => a.event)];
    this.replay = replayCluster(this.loaded.inputs, script, { seed: this.seed, until: this.horizon as Instant });
    return this.replay;
  }
}

/** Open a cluster lab: the lab block and every goal line are checked now (located errors), the workspace's files read. */
export const clusterDriverFactory: DriverFactory = (inputs: SessionInputs, options) => {
  if (options.backend !== 'sim') return Promise.reject(new UsageError(`${inputs.lesson.id} is a cluster lesson: it runs on the cluster simulator only (drop --backend ${options.backend})`));
  try {
    const setup = readClusterSetup(inputs.setup, inputs.seed);
    const loaded = loadWorkspace(setup, inputs.workspace);
    if (!('inputs' in loaded)) {
      if (loaded.error !== undefined) throw loaded.error;
      const first = loaded.findings.find((f) => / error\[/.test(f)) ?? loaded.findings[0] ?? '';
      throw new ScenarioError('lesson-files', `the lesson's cluster files cannot run (reset the lesson to get them back): ${first}`, inputs.setup[0] ? { file: inputs.setup[0].file, line: inputs.setup[0].line, column: inputs.setup[0].column } : undefined);
    }
    for (const lines of inputs.goals) for (const l of lines) parseClusterGoal(l, loaded.names);
    return Promise.resolve(new ClusterDriver(setup, inputs.workspace, inputs.seed, loaded));
  } catch (e) {
    return Promise.reject(asLessonError(e));
  }
};

/** A located ScenarioError about a lab or goal line as the lesson reader reports its own: `file:line:col: error[code]: message`. */
function asLessonError(e: unknown): unknown {
  if (!(e instanceof ScenarioError) || e instanceof LessonFileError || e.location === undefined) return e;
  const l = e.location;
  return new LessonFileError([{ code: e.code, severity: 'error', message: bareMessage(e), file: l.file, line: l.line, column: l.column }]);
}
