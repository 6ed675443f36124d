/**
 * The shipped lessons (labs/) graded as `vrrp-lab lab --check --solution`
 * grades them: every lesson's own solutions pass, no task is done by doing
 * nothing, and the wrong answers a learner is likely to try (the forbidden
 * shortcut, a fix that only looks right) fail the task they were tried on.
 *
 * A wrong answer is written as solution lines and put in place of one task's
 * ```solution block in the lesson's text, so it goes through the same reader
 * and the same grader as the lesson's own solution; the other tasks keep their
 * solutions, so the wrong one starts from the state a learner would be in.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradeLesson } from '../../src/lesson/grade.js';
import { lessonFiles, listLessonDirs, parseLesson, readLesson, type LessonFile } from '../../src/lesson/lesson-file.js';

const LABS = resolve(import.meta.dirname, '..', '..', 'labs');
const lessons = listLessonDirs(LABS);

const grade = (file: LessonFile) => gradeLesson(file, { solution: true, backend: 'sim' });

/** The lesson with task `n`'s solution block replaced by `lines`. */
function withSolution(id: string, n: number, lines: readonly string[]): LessonFile {
  const dir = join(LABS, id);
  const text = readFileSync(join(dir, 'lesson.md'), 'utf8');
  let seen = 0;
  const replaced = text.replace(/```solution\n[\s\S]*?```/g, (block) => (++seen === n ? `\`\`\`solution\n${lines.join('\n')}\n\`\`\`` : block));
  expect(seen, `${id} has a solution block for task ${n}`).toBeGreaterThanOrEqual(n);
  return parseLesson(replaced, { file: `labs/${id}/lesson.md`, dir, id, files: lessonFiles(dir) });
}

describe('the shipped lessons', () => {
  it('are five VRRP/LVS lessons at least, each readable', () => {
    expect(lessons.map((l) => l.id)).toEqual(expect.arrayContaining(['01-election', '02-track-script', '03-gateway', '04-lvs-dr', '05-auth-spoofing']));
    for (const l of lessons) expect(() => readLesson(l.dir, `labs/${l.id}/lesson.md`)).not.toThrow();
  });

  for (const { id, dir } of lessons) {
    describe(id, () => {
      const file = readLesson(dir, `labs/${id}/lesson.md`);

      it('passes every task with its own solutions', async () => {
        const g = await grade(file);
        const failed = g.tasks.filter((t) => !t.passed).map((t) => `task ${t.number}: ${t.goals.filter((x) => !x.met).map((x) => `${x.text} (${x.detail ?? ''})`).join('; ')}`);
        expect(failed).toEqual([]);
        expect(g.passed).toBe(true);
        expect(g.tasks).toHaveLength(file.lesson.tasks.length);
      });

      it('fails every task when the learner does nothing', async () => {
        const g = await grade({ ...file, solutions: file.solutions.map(() => []) });
        expect(g.tasks.filter((t) => t.passed).map((t) => t.number)).toEqual([]);
        expect(g.passed).toBe(false);
      });
    });
  }
});

/** [lesson, task, what the learner tries, a goal that must say no]. */
const WRONG: ReadonlyArray<readonly [string, number, readonly string[], RegExp]> = [
  ['01-election', 3, ['kill lb1', 'after 5'], /^forbid kill lb1$/],
  ['01-election', 3, ['pause lb1', 'after 5'], /^hold state lb1 VI_1 BACKUP$/],
  // lb2 back at 100 but no nopreempt: the returning lb1 preempts
  ['01-election', 4, ['edit lb2.conf "priority 200" "priority 100"', 'after 5', 'kill lb1', 'after 5', 'start lb1', 'after 5'], /^hold master VI_1 lb2$/],
  // weight 2 over 150/100: the DISABLED cc1 keeps the VIP
  ['02-track-script', 3, ['after 5', 'fail cc1 chk_cc', 'ok cc2 chk_cc', 'after 10'], /^hold master VI_gw cc2$/],
  // equal priorities again: it works, but cc1 was to stay at 150
  ['02-track-script', 3, ['edit cc1.conf "priority 150" "priority 100"', 'after 5', 'fail cc1 chk_cc', 'ok cc2 chk_cc', 'after 10'], /^reach priority cc1 VI_gw 150$/],
  ['03-gateway', 1, ['after 5', 'kill gw2', 'after 5'], /^reach state gw2 VI_1 FAULT$/],
  // a split that is never healed: two masters stay
  ['03-gateway', 3, ['partition gw1 gw2', 'after 6'], /^reach master VI_1 gw2$/],
  // a failover without lvs_sync_daemon (the files re-read, so rs1 serves again): the open transfers break
  ['04-lvs-dr', 3, ['edit lb1.conf "smtp_connect_timeout 60" "smtp_connect_timeout 30"', 'after 10', 'kill lb1', 'after 8'], /^hold broken <= 8$/],
  // killed at once, before many transfers are open: few break even without sync, but lb1 never carried 10 on rs1
  ['04-lvs-dr', 3, ['edit lb1.conf "smtp_connect_timeout 60" "smtp_connect_timeout 30"', 'after 3', 'kill lb1', 'after 20'], /^reach conns rs1 on lb1 >= 10$/],
  ['04-lvs-dr', 4, ['start lb1', 'after 5', 'kill lb1', 'after 6', 'start lb1', 'after 6'], /^forbid kill lb1$/],
  // without the password read off the wire the attacker is only a second master
  ['05-auth-spoofing', 2, ['start attacker', 'after 6'], /^hold master VI_1 attacker$/],
  ['05-auth-spoofing', 3, ['stop attacker', 'after 6'], /^forbid stop attacker$/],
];

describe('wrong answers fail the task they are tried on', () => {
  for (const [id, n, lines, goal] of WRONG) {
    it(`${id} task ${n}: ${lines.filter((l) => !l.startsWith('after')).join(', ')}`, async () => {
      const g = await grade(withSolution(id, n, lines));
      const task = g.tasks[n - 1];
      expect(task?.passed).toBe(false);
      expect(task?.goals.filter((x) => !x.met).map((x) => x.text)).toContainEqual(expect.stringMatching(goal));
    });
  }
});
