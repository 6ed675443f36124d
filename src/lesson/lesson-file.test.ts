import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LessonFileError, listLessonDirs, parseLesson, readLesson, type LessonSource } from './lesson-file.js';

const source: LessonSource = { file: 'labs/01-x/lesson.md', dir: '/labs/01-x', id: '01-x', files: ['lb1.conf', 'lb2.conf'] };

const GOOD = `# VRRP election

\`\`\`lab
node lb1 lb1.conf   # the master
node lb2 lb2.conf
seed 7
1 start lb2
\`\`\`

Two nodes share an address.
The higher priority wins.

Another paragraph.

## Task: Make lb2 master

Explain the task.

\`\`\`goal
reach master VI_1 lb2   # a milestone
forbid kill lb1
\`\`\`

Hint: look at priority.

Hint: raise it above 150.

Solution: set priority 200.
It preempts.

\`\`\`solution
edit lb2.conf "priority 100" "priority \\"200\\""
after 5
kill lb1
\`\`\`

## Task: Second

\`\`\`goal
never-two-masters
\`\`\`

\`\`\`solution
after 1
\`\`\`

## Summary

Done.
`;

function errorsOf(text: string): string[] {
  try {
    parseLesson(text, source);
  } catch (e) {
    if (e instanceof LessonFileError) return e.message.split('\n');
    throw e;
  }
  throw new Error('expected a LessonFileError');
}

describe('parseLesson', () => {
  it('reads the title, lab block, intro, tasks, hints, solutions and summary', () => {
    const f = parseLesson(GOOD, source);
    expect(f.lesson.title).toBe('VRRP election');
    expect(f.lesson.kind).toBe('vrrp');
    expect(f.seed).toBe(7);
    expect(f.setup.map((l) => [l.text, l.line])).toEqual([['node lb1 lb1.conf', 4], ['node lb2 lb2.conf', 5], ['seed 7', 6], ['1 start lb2', 7]]);
    expect(f.lesson.intro).toEqual(['Two nodes share an address. The higher priority wins.', 'Another paragraph.']);
    const [t1, t2] = f.lesson.tasks;
    expect(t1).toMatchObject({ number: 1, title: 'Make lb2 master', text: ['Explain the task.'], goals: ['reach master VI_1 lb2', 'forbid kill lb1'], hints: ['look at priority.', 'raise it above 150.'], solution: ['set priority 200. It preempts.'] });
    expect(t2).toMatchObject({ number: 2, title: 'Second', goals: ['never-two-masters'], hints: [] });
    expect(f.goals[0]?.map((g) => [g.line, g.column])).toEqual([[20, 1], [21, 1]]);
    expect(f.solutions[0]?.map((s) => s.kind)).toEqual(['edit', 'after', 'action']);
    expect(f.solutions[0]?.[0]).toMatchObject({ file: 'lb2.conf', old: 'priority 100', new: 'priority "200"' });
    expect(f.solutions[0]?.[1]).toMatchObject({ us: 5_000_000 });
    expect(f.lesson.summary).toEqual(['Done.']);
  });

  it('reads \\n in an edit as a new line, so an edit can add a line; \\\\ stays a backslash', () => {
    const f = parseLesson(GOOD.replace('edit lb2.conf "priority 100" "priority \\"200\\""', 'edit lb2.conf "state BACKUP" "state BACKUP\\n    nopreempt \\\\n"'), source);
    expect(f.solutions[0]?.[0]).toMatchObject({ old: 'state BACKUP', new: 'state BACKUP\n    nopreempt \\n' });
  });

  it('calls a lesson whose lab block names a cluster configuration a cluster lesson', () => {
    const f = parseLesson(GOOD.replace('node lb1 lb1.conf   # the master\nnode lb2 lb2.conf', 'config lb1.conf'), source);
    expect(f.lesson.kind).toBe('cluster');
  });

  it('reports several structural mistakes at once, each located', () => {
    const bad = `Not a title

## Task:

\`\`\`goal
reach master VI_1 lb2
frobnicate x
reach
\`\`\`

\`\`\`lab
node lb1 lb1.conf
\`\`\`

\`\`\`solution
edit nosuch.conf "a" "b"
after soon
edit lb1.conf "unterminated
\`\`\`

## Wrong heading
`;
    expect(errorsOf(bad)).toEqual([
      'labs/01-x/lesson.md:1:1: error[lesson-no-lab]: the lesson has no ```lab block (put one before the first task: node NAME FILE lines (or config FILE for a cluster), then optional timed events)',
      'labs/01-x/lesson.md:1:1: error[lesson-no-summary]: the lesson has no ## Summary (end the lesson with ## Summary and a paragraph or two)',
      'labs/01-x/lesson.md:1:1: error[lesson-no-title]: a lesson starts with its title: # TITLE',
      'labs/01-x/lesson.md:3:1: error[lesson-task-no-title]: a task needs a title: ## Task: TITLE',
      "labs/01-x/lesson.md:7:1: error[lesson-unknown-goal]: unknown goal 'frobnicate' (goal lines start with reach, hold, never, never-two-masters, forbid)",
      "labs/01-x/lesson.md:8:6: error[lesson-goal-missing-argument]: 'reach' needs a fact",
      'labs/01-x/lesson.md:11:1: error[lesson-lab-after-task]: the ```lab block must come before the first task',
      "labs/01-x/lesson.md:16:6: error[lesson-unknown-file]: 'nosuch.conf' is not one of the lesson's files (files: lb1.conf, lb2.conf)",
      "labs/01-x/lesson.md:17:7: error[lesson-bad-after]: bad time 'soon' (after SECONDS, e.g. after 5)",
      'labs/01-x/lesson.md:18:1: error[lesson-bad-edit]: bad edit line (edit FILE "OLD" "NEW" (\\" for a quote inside, \\n for a new line))',
      "labs/01-x/lesson.md:21:1: error[lesson-unknown-heading]: unexpected heading '## Wrong heading' (a lesson has one # title, then ## Task: TITLE sections and a last ## Summary)",
    ]);
  });

  it('refuses an unclosed block, a task without goal or solution, and blocks after the summary', () => {
    expect(errorsOf(GOOD.replace('```goal\nnever-two-masters\n```\n', ''))).toEqual(['labs/01-x/lesson.md:37:1: error[lesson-no-goal]: task 2 has no ```goal block']);
    expect(errorsOf(`${GOOD}\n\`\`\`goal\nreach master VI_1 lb1\n\`\`\`\n`)).toEqual(['labs/01-x/lesson.md:51:1: error[lesson-block-after-summary]: a ```goal block after the summary (the summary is the last part of a lesson)']);
    const unclosed = errorsOf(GOOD.replace('```solution\nafter 1\n```', '```solution\nafter 1'));
    expect(unclosed).toContain('labs/01-x/lesson.md:43:1: error[lesson-unclosed-block]: the ```solution block starting here is never closed (close it with a line ```)');
  });

  it('refuses a paragraph between hints that is not a hint', () => {
    expect(errorsOf(GOOD.replace('Hint: raise it above 150.', 'raise it above 150.'))).toEqual([
      "labs/01-x/lesson.md:26:1: error[lesson-stray-paragraph]: a paragraph after a hint (a hint is one paragraph: start the next with 'Hint:' or 'Solution:')",
    ]);
  });

  it('keeps other fenced blocks as written in the text', () => {
    const f = parseLesson(GOOD.replace('Explain the task.', 'Explain:\n\n```\nip -4 addr show eth0\n```'), source);
    expect(f.lesson.tasks[0]?.text).toEqual(['Explain:', 'ip -4 addr show eth0']);
  });
});

describe('readLesson and listLessonDirs', () => {
  it('reads a folder and lists NN-slug folders with a lesson.md, in order', () => {
    const labs = mkdtempSync(join(tmpdir(), 'labs-'));
    for (const id of ['02-two', '01-one', 'notes', '03-empty']) mkdirSync(join(labs, id));
    writeFileSync(join(labs, '01-one', 'lesson.md'), GOOD);
    writeFileSync(join(labs, '01-one', 'lb1.conf'), '');
    writeFileSync(join(labs, '01-one', 'lb2.conf'), '');
    writeFileSync(join(labs, '02-two', 'lesson.md'), GOOD);
    writeFileSync(join(labs, 'notes', 'lesson.md'), GOOD);
    expect(listLessonDirs(labs).map((l) => l.id)).toEqual(['01-one', '02-two']);
    const f = readLesson(join(labs, '01-one'), 'shown/lesson.md');
    expect(f.lesson).toMatchObject({ id: '01-one', files: ['lb1.conf', 'lb2.conf'] });
    expect(() => readLesson(join(labs, '03-empty'), 'x/lesson.md')).toThrow(/^x\/lesson.md:1:1: error\[lesson-unreadable\]: cannot read lesson 'x\/lesson.md': /);
    expect(() => readLesson(join(labs, '02-two'), 'two/lesson.md')).toThrow("two/lesson.md:32:6: error[lesson-unknown-file]: 'lb2.conf' is not one of the lesson's files (files: (none))");
  });
});
