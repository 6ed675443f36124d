/**
 * The two cluster lessons (labs/06-quorum-fencing, labs/07-two-node-fence-race)
 * graded through the cluster driver: each task's machine solution, run in order
 * on one cluster as a learner would, meets every goal; doing nothing meets none
 * of the tasks.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZERO, type Instant } from '../core/time.js';
import { clusterDriverFactory } from './cluster-driver.js';
import type { GoalStatus, RecordedAction, SessionDriver } from './contract.js';
import { readLesson, sessionInputs, type LessonFile, type SolutionStep } from './lesson-file.js';

const S = 1_000_000;

async function open(dir: string): Promise<{ file: LessonFile; driver: SessionDriver; workspace: string }> {
  const file = readLesson(dir);
  const workspace = mkdtempSync(join(tmpdir(), 'cluster-lesson-'));
  for (const f of file.lesson.files) copyFileSync(join(dir, f), join(workspace, f));
  return { file, driver: await clusterDriverFactory(sessionInputs(file, workspace), { backend: 'sim' }), workspace };
}

/** Run one task's steps (an edit restarts the cluster and the task's window, as the session does), then 10 s more, and judge. */
async function runTask(driver: SessionDriver, workspace: string, goals: LessonFile['goals'][number], steps: readonly SolutionStep[]): Promise<readonly GoalStatus[]> {
  let from: Instant = driver.view().now;
  let actions: RecordedAction[] = [];
  for (const step of steps) {
    if (step.kind === 'edit') {
      const path = join(workspace, step.file);
      const text = readFileSync(path, 'utf8');
      expect(text.split(step.old).length, `${step.source.file}:${step.source.line}: '${step.old}' once in ${step.file}`).toBe(2);
      writeFileSync(path, text.replace(step.old, step.new));
      expect((await driver.restart()).filter((f) => f.includes('error['))).toEqual([]);
      from = ZERO;
      actions = [];
    } else if (step.kind === 'after') {
      await driver.advance(step.us);
    } else {
      const at = driver.view().now;
      const r = await driver.act(step.source.text);
      expect(r, `${step.source.file}:${step.source.line}`).toMatchObject({ ok: true });
      actions.push({ at, line: step.source.text.trim() });
    }
  }
  await driver.advance(10 * S);
  return driver.judge(goals, from, actions);
}

describe.each(['labs/06-quorum-fencing', 'labs/07-two-node-fence-race'])('%s', (dir) => {
  it('every task is met by its solution, in order on one cluster', async () => {
    const { file, driver, workspace } = await open(dir);
    expect(file.lesson.kind).toBe('cluster');
    for (const [i, task] of file.lesson.tasks.entries()) {
      const status = await runTask(driver, workspace, file.goals[i] ?? [], file.solutions[i] ?? []);
      expect(status.filter((g) => !g.met), `task ${task.number} (${task.title})`).toEqual([]);
    }
  });

  it('no task is met by doing nothing', async () => {
    const { file, driver, workspace } = await open(dir);
    for (const [i, task] of file.lesson.tasks.entries()) {
      const status = await runTask(driver, workspace, file.goals[i] ?? [], [{ kind: 'after', us: (120 * S) as Instant, source: { text: 'after 120', file: '', line: 0, column: 1 } }]);
      expect(status.every((g) => g.met), `task ${task.number} (${task.title})`).toBe(false);
    }
  });
});
