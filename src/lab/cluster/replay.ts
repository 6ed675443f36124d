/**
 * A cluster run replayed from a script: what a live lab session over the
 * cluster simulator needs (src/lesson/cluster-driver.ts reaches the simulator
 * only through here).
 *
 * Theory of operation: the simulator is batch and deterministic — one seed, a
 * script of timed events, a horizon — so a "live" cluster is the same script
 * run again with the learner's actions appended. Nothing before an added
 * event's time can change (the totem RNG is drawn in event order), so the
 * prefix the learner already saw stays what it was. Besides the run's events
 * and notes, a replay records each node's life (running, down, paused) with
 * the cause, which the event list does not carry.
 *
 * Rules: fresh agents for every replay (agents hold state); a bad event or
 * configuration is a located ScenarioError, never a failure mid-run.
 */
import type { Diagnostic } from '../../core/diagnostic.js';
import { ScenarioError } from '../../core/errors.js';
import type { Instant } from '../../core/time.js';
import type { ClusterScenario } from '../../scenario/cluster/index.js';
import { checkClusterEvents, ClusterSimulation, type ClusterAgent, type ClusterAgentContext, type ClusterEvent, type ClusterInputs, type ClusterNote, type ClusterOutEvent, type NodeStatus } from '../../sim/cluster/index.js';
import { withDataSafety } from '../../sim/cluster/data-safety.js';
import { allClusterAgentFactories } from './agents.js';

export { parseClusterEvent, ClusterRunTooLarge, type ClusterEvent, type ClusterInputs, type ClusterNote, type ClusterOutEvent, type NodeStatus } from '../../sim/cluster/index.js';

/** One change of a node's life: `running` (boot, start, resume), `down` (killed, stopped, fenced), `paused`. */
export interface NodeLife {
  readonly t: number;
  readonly node: string;
  readonly status: NodeStatus;
  readonly cause: string;
}

export interface ClusterReplay {
  /** Every event of the run in time order, the data-safety checker's findings among them. */
  readonly events: readonly ClusterOutEvent[];
  readonly notes: readonly ClusterNote[];
  readonly lives: readonly NodeLife[];
}

/** The agents one run gets (fresh each time) and what their factories found in the configuration. */
export function clusterAgents(inputs: ClusterInputs): { agents: ClusterAgent[]; diagnostics: Diagnostic[] } {
  const made = allClusterAgentFactories.map((f) => f(inputs));
  return { agents: made.flatMap((m) => [...m.agents]), diagnostics: made.flatMap((m) => [...(m.diagnostics ?? [])]) };
}

/** Check a script against the cluster (nodes, verbs, services): throws the first located ScenarioError. */
export function checkClusterScript(inputs: ClusterInputs, script: readonly ClusterEvent[]): void {
  checkClusterEvents(inputs.spec, script, clusterAgents(inputs).agents);
}

/** Records running/down with the cause; pauses come from the simulator's notes. */
class LifeRecorder implements ClusterAgent {
  readonly name = 'life-recorder';
  readonly lives: NodeLife[] = [];
  onNodeStatus(node: string, status: NodeStatus, ctx: ClusterAgentContext, cause?: string): void {
    this.lives.push({ t: ctx.now / 1_000_000, node, status, cause: cause ?? status });
  }
}

const PAUSE_NOTES: Readonly<Record<string, NodeStatus>> = { 'paused (SIGSTOP): corosync hangs': 'paused', 'resumed (SIGCONT)': 'running' };

/** Run `script` (any order) from time 0 to `until`; the events are those a `.scenario` run gives. */
export function replayCluster(inputs: ClusterInputs, script: readonly ClusterEvent[], options: { readonly seed: number; readonly until: Instant }): ClusterReplay {
  const recorder = new LifeRecorder();
  const { agents } = clusterAgents(inputs);
  const sorted = [...script].sort((a, b) => a.at - b.at);
  const run = new ClusterSimulation(inputs.spec, sorted, { seed: options.seed, until: options.until, agents: [...agents, recorder] }).run();
  const paused = run.notes.flatMap((n) => {
    const status = PAUSE_NOTES[n.text];
    return status !== undefined && n.node !== undefined ? [{ t: n.t, node: n.node, status, cause: n.text }] : [];
  });
  const events = withDataSafety(run.events);
  return { events, notes: run.notes, lives: fencedWhileDown([...recorder.lives, ...paused].sort((a, b) => a.t - b.t), events) };
}

/** A node fenced while already down (killed, hung then lost) gets no new status from the simulator: record the fence as its life's cause. */
function fencedWhileDown(lives: readonly NodeLife[], events: readonly ClusterOutEvent[]): NodeLife[] {
  const out = [...lives];
  for (const e of events) {
    if (e.kind !== 'fence' || e.result !== 'success') continue;
    const before = out.filter((l) => l.node === e.target && l.t <= e.t).at(-1);
    if (before?.status === 'down' && !before.cause.startsWith('fenced')) out.push({ t: e.t, node: e.target, status: 'down', cause: `fenced by ${e.by} through ${e.device}` });
  }
  return out.sort((a, b) => a.t - b.t);
}

/** The inputs with a scenario's CIB read beside them (Pacemaker runs it). */
export function withCib(inputs: ClusterInputs, scn: Pick<ClusterScenario, 'cibPath'>, readText: (path: string) => string): ClusterInputs {
  if (scn.cibPath === undefined) return inputs;
  try {
    return { ...inputs, cibPath: scn.cibPath, cibText: readText(scn.cibPath) };
  } catch (e) {
    throw new ScenarioError('bad-config', `cannot read the CIB '${scn.cibPath}': ${(e as Error).message}`, { file: scn.cibPath, line: 1, column: 1 });
  }
}
