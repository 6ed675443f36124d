import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { LessonPane } from './LessonPane.js';
import { LESSON, fakeSession } from '../fake-session.test-utils.js';

describe('the lesson pane', () => {
  it('puts the newest help first: the solution, then the strongest hint', () => {
    const session = fakeSession();
    const { lastFrame } = render(<LessonPane lesson={LESSON} view={session.view()} tasks={session.tasks()} hintsShown={2} solutionShown width={60} height={12} />);
    const lines = (lastFrame() ?? '').split('\n');
    expect(lines[3]).toContain('Solution: kill lb1, then wait.');
    expect(lines[4]).toContain('Hint 2/2: Kill lb1.');
    expect(lines[5]).toContain('Hint 1/2: Look at the priorities.');
    expect(lines[6]).toContain('✗ reach master VI_1 lb2');
  });

  it('clips a long task text at its height instead of drawing lines over each other', () => {
    const long = { ...LESSON, tasks: LESSON.tasks.map((t) => ({ ...t, text: ['Wait until lb1 is MASTER (about 3.4 s after the start), then crash it the hard way. A kill is like pulling the power cord. '.repeat(3), 'A second paragraph.'] })) };
    const session = fakeSession();
    const { lastFrame } = render(<LessonPane lesson={long} view={session.view()} tasks={session.tasks()} hintsShown={1} solutionShown={false} width={34} height={9} />);
    const lines = (lastFrame() ?? '').split('\n');
    expect(lines).toHaveLength(9);
    expect(lines[1]).toContain('Task 1/2 · 0/2 done');
    expect(lines[2]).toContain('Make lb2 master');
    expect(lines[3]).toContain('Hint 1/2: Look at the');
    expect(lines[4]).toContain('priorities.');
    expect(lines[5]).toContain('✗ reach master VI_1 lb2');
    expect(lines[6]).toContain('observed: master VI_1 lb1');
    expect(lines[7]).toMatch(/^│ \S/);
    expect(lines[8]).toMatch(/^╰/);
  });
});
