/**
 * The `vrrp` driver: a lesson's keepalived nodes (and LVS directors) on the
 * Backend port — the simulator by default, Docker with `--backend docker`.
 *
 * Theory of operation: the lab block's lines are a `.scenario` file's header
 * and timed events, so they are handed to the scenario parser as the text of
 * lesson.md with every other line blanked (its errors then point at lesson.md's
 * own lines); node files resolve in the learner's workspace. The scenario is
 * prepared (configs parsed and checked), a cluster started, and the setup's
 * timed events applied as time passes. An action is a scenario event line at
 * the current time. The view and the judging read a timeline built from the
 * observations over [0, now].
 *
 * Rules:
 * - A restart re-reads the workspace files; with an error among the findings
 *   the running cluster is kept.
 * - `step` runs to the next thing the nodes do (an advert sent counts), at most
 *   STEP_LIMIT_US of virtual time; on Docker it is a one-second advance.
 * - The log is append-only: a restart keeps the earlier run's lines.
 * - What `vrrp-lab validate` finds across the nodes is in the log at each
 *   start (`validate: lb2.conf:12:5: warning[…]`); it never stops a start: a
 *   lesson may set up a mistake on purpose.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LVS_EVENT_KINDS, type Observation, type StartedCluster } from '../core/backend.js';
import { compareDiagnostics, type Diagnostic } from '../core/diagnostic.js';
import { clusterNodeFromModel } from '../config/rules/cluster-adapter.js';
import { crossNodeChecks } from '../config/rules/cross-node.js';
import { isVrrpLabError } from '../core/errors.js';
import { formatSeconds, instant, ZERO, type Instant } from '../core/time.js';
import { openBackend } from '../lab/backends.js';
import { formatEvent, parseEventTokens, tokenize, type ScenarioEvent } from '../scenario/events.js';
import { keepalivedParser } from '../scenario/keepalived-parser.js';
import { lvsRequirement } from '../scenario/run.js';
import { parseScenarioFile } from '../scenario/scenario-file.js';
import { ScenarioFileError, type Scenario } from '../scenario/scenario.js';
import { buildTimeline, type AppliedEvent, type Timeline } from '../scenario/timeline.js';
import { eventProblem, prepareScenario, type PreparedScenario } from '../scenario/topology.js';
import { MAX_RUN_US } from '../scenario/bounds.js';
import { nodeSpecOf, type NodeBackend } from '../spec/node-spec.js';
import type { ActResult, GoalStatus, LabView, LessonLine, LogEntry, RecordedAction, SessionDriver, SessionInputs } from './contract.js';
import { formatLessonDiagnostic, LessonFileError, shownPath } from './lesson-file.js';
import { judgeGoals, parseGoals, type Goal, type JudgeMemo } from './vrrp-goals.js';
import { lvsView, nodeViews, runLog, stripLanes, vipViews } from './vrrp-view.js';

/** How far `step` looks for the next thing that happens. */
export const STEP_LIMIT_US = 60_000_000;
const STEP_SLICE_US = 10_000;
/** Words of a .scenario file the lab block may not use: the lab runs as long as the learner likes, and goals are the tasks'. */
const NOT_IN_LAB = new Set(['until', 'expect', 'name', 'event']);

interface Run {
  readonly prepared: PreparedScenario;
  readonly cluster: StartedCluster;
  readonly pending: ScenarioEvent[];
  readonly applied: AppliedEvent[];
  /** Positions in `applied` the learner gave. */
  readonly actions: Set<number>;
}

/** Open a `vrrp` driver: the setup and every goal line are checked first (LessonFileError lists every mistake). */
export async function openVrrpDriver(inputs: SessionInputs, options: { readonly backend: 'sim' | 'docker' }): Promise<SessionDriver> {
  const { scenario, prepared, findings } = prepareFirst(inputs);
  const goals = checkGoals(inputs, prepared);
  if (options.backend === 'docker' && prepared.lvs !== undefined) {
    const why = lvsRequirement(scenario) ?? 'its nodes have virtual_server blocks';
    throw new LessonFileError([{ code: 'lesson-needs-sim', severity: 'error', message: `this lesson load-balances (${why}): run it on the simulator`, file: inputs.setup[0]?.file ?? inputs.lesson.id, line: inputs.setup[0]?.line ?? 1, column: 1 }]);
  }
  const backend = await openBackend({ name: options.backend });
  const driver = new VrrpDriver(inputs, backend, goals, options.backend);
  for (const f of findings) driver.note(f, 'error');
  if (findings.length > 0) driver.note("the lab runs the lesson's own files until yours are fixed", 'info');
  await driver.begin(prepared);
  return driver;
}

/**
 * The first run: the workspace files, or — when the learner left them with
 * errors — the lesson's own files, with the findings for the log.
 */
function prepareFirst(inputs: SessionInputs): { scenario: Scenario; prepared: PreparedScenario; findings: readonly string[] } {
  const scenario = setupScenario(inputs, inputs.workspace);
  try {
    return { scenario, prepared: prepareOrThrow(scenario), findings: [] };
  } catch (e) {
    const workspaceOnly = e instanceof LessonFileError && e.diagnostics.every((d) => d.file !== undefined && inputs.lesson.files.some((f) => d.file?.endsWith(f)));
    if (!workspaceOnly) throw e;
    const own = setupScenario(inputs, inputs.lesson.dir);
    return { scenario: own, prepared: prepareOrThrow(own), findings: e.diagnostics.map(formatLessonDiagnostic) };
  }
}

/** The lab block as a scenario: lesson.md's text with every other line blank, so errors point at lesson.md. */
export function setupScenario(inputs: SessionInputs, workspace: string): Scenario {
  const file = inputs.setup[0]?.file ?? `${inputs.lesson.id}/lesson.md`;
  const diagnostics: Diagnostic[] = [];
  const lines: string[] = [];
  for (const l of inputs.setup) {
    const word = l.text.split(/\s+/)[0] as string;
    if (NOT_IN_LAB.has(word)) diagnostics.push({ code: 'lesson-lab-word', severity: 'error', message: `'${word}' is not used in a lab block`, hint: 'the lab block holds node, realserver and seed lines and timed events; goals go in a task\'s ```goal block', file: l.file, line: l.line, column: l.column });
    while (lines.length < l.line - 1) lines.push('');
    lines[l.line - 1] = `${' '.repeat(l.column - 1)}${l.text}`;
  }
  if (diagnostics.length > 0) throw new LessonFileError(diagnostics);
  const io = { resolve: (_from: string, path: string) => join(workspace, path), exists: (path: string) => existsSync(path) };
  try {
    const scenario = parseScenarioFile(lines.join('\n'), file, io);
    return { ...scenario, until: instant(MAX_RUN_US), seed: inputs.seed };
  } catch (e) {
    if (e instanceof ScenarioFileError) throw new LessonFileError(e.diagnostics);
    throw e;
  }
}

function prepareOrThrow(scenario: Scenario): PreparedScenario {
  try {
    return prepareScenario(scenario, { parse: keepalivedParser });
  } catch (e) {
    if (e instanceof ScenarioFileError) throw new LessonFileError(e.diagnostics.map(shownDiagnostic));
    throw e;
  }
}

/** What `vrrp-lab validate` says of the nodes together (peers that disagree, weights that cannot matter, …), warnings and errors. */
function validatorFindings(prepared: PreparedScenario): string[] {
  const nodes = prepared.nodes.map((n) => clusterNodeFromModel(n.id, n.keepalived.file, n.model));
  return crossNodeChecks(nodes).findings.filter((d) => d.severity !== 'info').sort(compareDiagnostics).map((d) => formatLessonDiagnostic(shownDiagnostic(d)));
}

const shownDiagnostic = (d: Diagnostic): Diagnostic => (d.file === undefined ? d : { ...d, file: shownPath(d.file) });

function checkGoals(inputs: SessionInputs, prepared: PreparedScenario): Goal[][] {
  const world = { nodes: prepared.nodes.map((n) => n.id), instances: prepared.instances, realServers: prepared.lvs?.timeline.realServers.map((r) => r.id) ?? [] };
  const parsed = inputs.goals.map((lines) => parseGoals(lines, world));
  const diagnostics = parsed.flatMap((p) => p.diagnostics);
  if (diagnostics.length > 0) throw new LessonFileError(diagnostics);
  return parsed.map((p) => p.goals);
}

class VrrpDriver implements SessionDriver {
  private run!: Run;
  private started = false;
  /** Log lines of earlier runs and the lab's own messages, kept across restarts. */
  private readonly history: LogEntry[] = [];
  private cache: { key: string; timeline: Timeline } | undefined;
  /** Judging's memo for one task's window in one run (see JudgeMemo). */
  private memo: { key: string; memo: JudgeMemo } | undefined;
  /** How many times the cluster has started: a restart begins a new past. */
  private runs = 0;

  constructor(
    private readonly inputs: SessionInputs,
    private readonly backend: NodeBackend,
    private readonly goals: readonly (readonly Goal[])[],
    private readonly backendName: 'sim' | 'docker',
  ) {}

  async begin(prepared: PreparedScenario): Promise<void> {
    const spec = {
      seed: this.inputs.seed,
      nodes: prepared.nodes.map((n) => ({ id: n.id, config: nodeSpecOf(n), address: n.address })),
      ...(prepared.lvs === undefined ? {} : { lvs: prepared.lvs.cluster }),
    };
    const cluster = await this.backend.create(spec).start({ deferred: prepared.nodes.filter((n) => n.deferred).map((n) => n.id) });
    this.run = { prepared, cluster, pending: [...prepared.scenario.events], applied: [], actions: new Set() };
    this.started = true;
    this.runs++;
    for (const finding of validatorFindings(prepared)) this.note(`validate: ${finding}`, 'info');
    this.cache = undefined;
    await this.advance(0);
  }

  private now(): Instant {
    return this.run.cluster.now();
  }

  timeline(): Timeline {
    const { cluster, prepared, applied } = this.run;
    const observations: readonly Observation[] = cluster.observations();
    const key = `${this.now()}/${observations.length}/${applied.length}`;
    if (this.cache?.key === key) return this.cache.timeline;
    const timeline = buildTimeline({
      seed: this.inputs.seed,
      until: this.now(),
      nodes: prepared.timelineNodes,
      instances: prepared.instances,
      observations,
      events: applied,
      ...(prepared.lvs === undefined ? {} : { lvs: prepared.lvs.timeline }),
    });
    this.cache = { key, timeline };
    return timeline;
  }

  view(): Omit<LabView, 'task' | 'findings'> {
    const tl = this.timeline();
    const now = this.now();
    const { prepared } = this.run;
    const current = runLog(tl, this.run.actions).map((e, i) => ({ ...e, seq: this.history.length + i }));
    const lvs = lvsView(prepared, tl, now);
    return {
      now,
      seed: this.inputs.seed,
      backend: this.backendName,
      kind: 'vrrp',
      nodes: nodeViews(prepared, tl, now),
      vips: vipViews(prepared, tl, now),
      ...(lvs === undefined ? {} : { lvs }),
      strip: stripLanes(tl, now),
      log: [...this.history, ...current],
    };
  }

  async act(line: string): Promise<ActResult> {
    const tokens = tokenize(line);
    if (tokens.length === 0) return { ok: false, error: 'an action, e.g. kill lb1, fail lb1 chk_nginx, partition lb1 lb2, heal' };
    if (/^\d/.test((tokens[0] as { text: string }).text)) return { ok: false, error: 'give the action without a time: it happens now (kill lb1)' };
    const { prepared } = this.run;
    const ctx = { file: 'action', line: 1, nodes: prepared.nodes.map((n) => n.id) };
    const parsed = parseEventTokens([{ text: formatSeconds(this.now()), column: 0 }, ...tokens], ctx, line.length + 1);
    if (!parsed.ok) return { ok: false, error: parsed.diagnostics.map((d) => `${d.message}${d.hint ? ` (${d.hint})` : ''}`).join('; ') };
    const event = parsed.value.event;
    const problem = eventProblem(event, prepared.nodes);
    if (problem !== undefined) return { ok: false, error: problem.message };
    if (LVS_EVENT_KINDS.has(event.kind) && prepared.lvs === undefined) return { ok: false, error: `'${event.kind}' needs load balancing: no node of this lesson has a virtual_server` };
    try {
      this.run.actions.add(this.run.applied.length);
      this.run.applied.push({ at: this.now(), event, observationIndex: this.run.cluster.observations().length });
      await this.run.cluster.apply(event);
      await this.run.cluster.advance(0);
    } catch (e) {
      if (!isVrrpLabError(e)) throw e;
      this.run.applied.pop();
      this.run.actions.delete(this.run.applied.length);
      return { ok: false, error: e.message };
    }
    return { ok: true, text: formatEvent(event) };
  }

  async advance(us: number): Promise<void> {
    const target = this.now() + Math.max(0, us);
    const { pending, cluster, applied } = this.run;
    while (pending.length > 0 && (pending[0] as ScenarioEvent).at <= target) {
      const e = pending.shift() as ScenarioEvent;
      if (e.at > cluster.now()) await cluster.advance(e.at - cluster.now());
      applied.push({ at: cluster.now(), event: e.event, observationIndex: cluster.observations().length });
      await cluster.apply(e.event);
    }
    if (target > cluster.now()) await cluster.advance(target - cluster.now());
    else await cluster.advance(0);
  }

  async step(): Promise<void> {
    if (this.backendName !== 'sim') return this.advance(1_000_000);
    const { cluster } = this.run;
    const seen = cluster.observations().length;
    const limit = this.now() + STEP_LIMIT_US;
    while (this.now() < limit) {
      const next = this.run.pending[0];
      await this.advance(next !== undefined && next.at - this.now() < STEP_SLICE_US ? next.at - this.now() : STEP_SLICE_US);
      if (cluster.observations().length > seen || (next !== undefined && next.at <= this.now())) return;
    }
  }

  async restart(): Promise<readonly string[]> {
    let prepared: PreparedScenario;
    try {
      prepared = prepareOrThrow(setupScenario(this.inputs, this.inputs.workspace));
    } catch (e) {
      if (!(e instanceof LessonFileError)) throw e;
      const findings = e.diagnostics.map(formatLessonDiagnostic);
      this.note(`the files have errors: the cluster keeps running as it was (${findings.length} finding${findings.length === 1 ? '' : 's'})`, 'error');
      return findings;
    }
    const old = this.view().log.slice(this.history.length);
    this.history.push(...old);
    await this.run.cluster.stop();
    this.note('files re-read: the cluster starts again at 0 s', 'info');
    await this.begin(prepared);
    return prepared.diagnostics.filter((d) => d.severity === 'warning').map((d) => formatLessonDiagnostic(shownDiagnostic(d)));
  }

  /** A line of the lab's own in the log. */
  note(text: string, kind: LogEntry['kind']): void {
    this.history.push({ seq: this.history.length, at: this.started ? this.now() : ZERO, text, kind });
  }

  judge(goals: readonly LessonLine[], from: Instant, actions: readonly RecordedAction[]): readonly GoalStatus[] {
    const task = this.inputs.goals.findIndex((g) => g === goals || (g.length === goals.length && g.every((l, i) => l.line === goals[i]?.line && l.text === goals[i]?.text)));
    const parsed = task === -1 ? this.parseLoose(goals) : (this.goals[task] as readonly Goal[]);
    const key = `${this.runs}/${task}/${from}`;
    if (this.memo?.key !== key) this.memo = { key, memo: new Map() };
    return judgeGoals(parsed, this.timeline(), from, this.now(), actions, task === -1 ? new Map() : this.memo.memo);
  }

  private parseLoose(lines: readonly LessonLine[]): Goal[] {
    const { prepared } = this.run;
    const r = parseGoals(lines, { nodes: prepared.nodes.map((n) => n.id), instances: prepared.instances, realServers: [] });
    if (r.diagnostics.length > 0) throw new LessonFileError(r.diagnostics);
    return r.goals;
  }

  async close(): Promise<void> {
    await this.run.cluster.stop();
  }
}
