/**
 * The two cluster lessons (labs/06-quorum-fencing, labs/07-two-node-fence-race)
 * graded as `vrrp-lab lab --check LESSON --solution` grades them: each task's
 * machine solution, run in order on one cluster as a learner would, meets every
 * goal; a lesson whose solutions do nothing fails every task.
 */
import { describe, expect, it } from 'vitest';
import { gradeLesson } from './grade.js';
import { readLesson } from './lesson-file.js';

describe.each(['labs/06-quorum-fencing', 'labs/07-two-node-fence-race'])('%s', (dir) => {
  it('every task is met by its solution, in order on one cluster', async () => {
    const file = readLesson(dir);
    expect(file.lesson.kind).toBe('cluster');
    const grade = await gradeLesson(file, { backend: 'sim', solution: true });
    expect(grade.tasks.flatMap((t) => t.goals.filter((g) => !g.met).map((g) => `task ${t.number}: ${g.text}: ${g.detail ?? ''}`))).toEqual([]);
    expect(grade.tasks.length).toBeGreaterThanOrEqual(2);
    expect(grade.passed).toBe(true);
  });

  it('fails every task when the solutions only wait', async () => {
    const file = readLesson(dir);
    const waiting = file.solutions.map((steps) => steps.filter((s) => s.kind === 'after'));
    const grade = await gradeLesson({ ...file, solutions: waiting }, { backend: 'sim', solution: true });
    expect(grade.tasks.map((t) => t.passed)).toEqual(file.lesson.tasks.map(() => false));
    expect(grade.passed).toBe(false);
  });
});
