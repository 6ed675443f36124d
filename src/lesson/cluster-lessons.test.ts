/**
 * The two cluster lessons (labs/06-quorum-fencing, labs/07-two-node-fence-race)
 * graded as `vrrp-lab lab --check LESSON --solution` grades them: each task's
 * machine solution, run in order on one cluster as a learner would, meets every
 * goal; a lesson whose solutions do nothing fails every task, and the wrong
 * answers a learner is likely to try fail the goal that catches them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Instant } from '../core/time.js';
import { gradeLesson } from './grade.js';
import { readLesson, type LessonFile, type SolutionStep } from './lesson-file.js';
import { ProgressStore } from './progress.js';
import { openSession } from './session.js';

/** Solution lines as the reader makes them (`after S`, `edit FILE "OLD" "NEW"` as [file, old, new], actions). */
function steps(lines: readonly (string | readonly [string, string, string])[]): SolutionStep[] {
  return lines.map((l, i) => {
    const source = { text: typeof l === 'string' ? l : `edit ${l[0]}`, file: 'wrong answer', line: i + 1, column: 1 };
    if (typeof l !== 'string') return { kind: 'edit', file: l[0], old: l[1], new: l[2], source };
    if (l.startsWith('after ')) return { kind: 'after', us: (Number(l.slice(6)) * 1_000_000) as Instant, source };
    return { kind: 'action', source };
  });
}

/** The lesson with task `n`'s solution replaced (the other tasks keep theirs, so task n starts where a learner would). */
const trying = (file: LessonFile, n: number, lines: Parameters<typeof steps>[0]): LessonFile => ({ ...file, solutions: file.solutions.map((s, i) => (i === n - 1 ? steps(lines) : s)) });

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

/** [lesson, task, what a learner might try, a goal that must say no]. */
const WRONG: readonly [string, number, Parameters<typeof steps>[0], string][] = [
  ['06-quorum-fencing', 2, ['after 60', 'kill node01-p', 'after 40'], 'forbid kill'],
  ['06-quorum-fencing', 3, ['heal', 'after 90', 'kill node01-p', 'after 40'], 'hold frozen node02-p'],
  ['06-quorum-fencing', 4, [['cluster.conf', 'nodeid="1" votes="1"', 'nodeid="1" votes="2"'], 'after 5', 'partition node01-p node02-p,node03-p', 'after 40'], 'hold quorate node01-p'],
  ['07-two-node-fence-race', 2, ['after 90', 'kill an-node02.alteeve.ca', 'after 40'], 'forbid kill'],
  ['07-two-node-fence-race', 4, ['after 5', 'partition an-node01.alteeve.ca an-node02.alteeve.ca', 'after 40'], 'reach fenced an-node01.alteeve.ca'],
];

describe.each(WRONG)('%s task %i: a wrong answer', (id, n, lines, goal) => {
  it(`fails '${goal}'`, async () => {
    const grade = await gradeLesson(trying(readLesson(`labs/${id}`), n, lines), { backend: 'sim', solution: true });
    const task = grade.tasks[n - 1];
    expect(task?.passed).toBe(false);
    expect(task?.goals.find((g) => g.text === goal)).toMatchObject({ met: false });
  });
});

describe('a learner in a live session of 06-quorum-fencing', () => {
  it('completes task 1 by acting, the task is saved done, and --check replays it to the same verdict', async () => {
    const file = readLesson('labs/06-quorum-fencing');
    const store = new ProgressStore(mkdtempSync(join(tmpdir(), 'cluster-home-')));
    const session = await openSession(file, store, { backend: 'sim' });
    await session.advance(5_000_000);
    expect(session.tasks()[0]?.done).toBe(false);
    expect(await session.act('kill node01-p')).toMatchObject({ ok: true });
    for (let i = 0; i < 40 && session.tasks()[0]?.done !== true; i++) await session.advance(1_000_000);
    expect(session.tasks()[0]).toMatchObject({ done: true, goals: file.goals[0]?.map(() => expect.objectContaining({ met: true })) });
    expect(session.view().task?.number).toBe(1);
    await session.close();
    const grade = await gradeLesson(file, { backend: 'sim', solution: false, store });
    expect(grade.tasks.map((t) => t.passed)).toEqual([true, false, false, false]);
    expect(grade.tasks[0]?.actions).toEqual(['5 s: kill node01-p']);
  });
});
