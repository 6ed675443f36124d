/**
 * A cluster lesson's `lab` block: the cluster `.scenario` header words
 * (`config FILE`, `cib FILE`, `storage …`, `device …`, `service …`, `boot`,
 * `seed`, …) and timed events that set the scene, written at their lines of
 * lesson.md.
 *
 * Theory of operation: the block is read by the cluster scenario reader itself
 * (one block line = one scenario line), so a lesson and a `.scenario` file can
 * never mean different things by the same words; its located errors are moved
 * back to the lesson's file, line and column. File names stay as written: the
 * driver resolves them in the learner's workspace.
 *
 * Rules: `until` and `expect` belong to scenario files, not lessons (the
 * learner sets the pace; tasks have goals); both are refused where written.
 */
import { ScenarioError } from '../core/errors.js';
import { parseClusterEvent, type ClusterEvent } from '../lab/cluster/index.js';
import { parseClusterScenario, type ClusterScenario } from '../scenario/cluster/index.js';
import type { LessonLine } from './contract.js';

export interface ClusterSetup {
  /** The header words as a scenario reads them (configPath and cibPath: names in the workspace). */
  readonly scenario: ClusterScenario;
  /** The scene's timed events, located at their lesson lines. */
  readonly events: readonly ClusterEvent[];
}

/** A ScenarioError's message without its `file:line:col: ` prefix. */
export function bareMessage(e: ScenarioError): string {
  const l = e.location;
  const prefix = l === undefined ? '' : `${l.file}:${l.line}:${l.column}: `;
  return e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
}

/** Re-throw a ScenarioError about `(line, column)` of text written at `at` as one located at the lesson line. */
function relocate(e: unknown, at: (line: number) => LessonLine | undefined, code: string, offset = 0): never {
  if (!(e instanceof ScenarioError) || e.location === undefined) throw e;
  const where = at(e.location.line);
  if (where === undefined) throw e;
  throw new ScenarioError(code, bareMessage(e), { file: where.file, line: where.line, column: where.column + offset + e.location.column - 1 });
}

/** Read the `lab` block of a cluster lesson; a mistake is a ScenarioError located in lesson.md. */
export function readClusterSetup(setup: readonly LessonLine[], seed: number): ClusterSetup {
  const first = setup[0];
  for (const l of setup) {
    const word = l.text.trim().split(/\s+/)[0];
    if (word === 'until' || word === 'expect') {
      throw new ScenarioError('lesson-lab', `'${word}' belongs in a .scenario file: a lesson's lab block sets the scene (config, storage, devices, timed events); goals go in a task's goal block`, { file: l.file, line: l.line, column: l.column + l.text.indexOf(word) });
    }
  }
  let scenario: ClusterScenario;
  try {
    scenario = parseClusterScenario(setup.map((l) => l.text).join('\n'), first?.file ?? 'lesson.md', (p) => p);
  } catch (e) {
    relocate(e, (n) => setup[n - 1] ?? first, 'lesson-lab');
  }
  const events = scenario.events.map((ev) => {
    const at = setup[ev.line - 1] as LessonLine;
    try {
      return parseClusterEvent(ev.text, { file: at.file, line: at.line });
    } catch (e) {
      relocate(e, () => at, 'lesson-lab', Math.max(0, at.text.indexOf(ev.text)));
    }
  });
  return { scenario: { ...scenario, seed, extras: { ...scenario.extras, seed } }, events };
}
