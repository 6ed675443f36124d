import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { gradeLesson } from './grade.js';
import { createLabHost } from './session.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/lessons', import.meta.url));

function setup(): { labs: string; home: string } {
  const labs = mkdtempSync(join(tmpdir(), 'labs-'));
  cpSync(FIXTURES, labs, { recursive: true });
  return { labs, home: mkdtempSync(join(tmpdir(), 'home-')) };
}

describe('a VRRP lab session on the simulator', () => {
  it('shows the election with the priority arithmetic, judges live, and keeps done tasks', async () => {
    const { labs, home } = setup();
    const host = createLabHost({ labsDir: labs, home, backend: 'sim' });
    expect(host.lessons()).toEqual([{ id: '01-pair', title: 'A pair of load balancers', tasks: 2, done: 0 }]);
    const s = await host.open('1');
    await s.advance(5_000_000);
    let v = s.view();
    expect(v.now).toBe(5_000_000);
    expect(v.nodes.map((n) => [n.name, n.status, n.instances[0]?.state, n.instances[0]?.priority, n.instances[0]?.base])).toEqual([['lb1', 'up', 'MASTER', 150, 150], ['lb2', 'up', 'BACKUP', 100, 100]]);
    expect(v.vips).toEqual([{ address: '192.0.2.100', instance: 'VI_1', holders: ['lb1'] }]);
    expect(v.strip.map((l) => l.label)).toEqual(['lb1 VI_1', 'lb2 VI_1']);
    expect(v.log.some((e) => e.node === 'lb1' && /BACKUP → MASTER/.test(e.text) && e.why !== undefined)).toBe(true);
    expect(v.task).toMatchObject({ number: 1, done: false, goals: [{ text: 'reach master VI_1 lb2', met: false, detail: 'not yet: the master of VI_1 is lb1' }, { met: true }, { met: true }, { met: true }] });

    // a bad action is refused in words
    expect(await s.act('kill lb9')).toEqual({ ok: false, error: "unknown node 'lb9' (nodes: lb1, lb2)" });

    // the learner edits the workspace copy and the lab re-reads it
    const conf = join(s.workspace, 'lb2.conf');
    writeFileSync(conf, readFileSync(conf, 'utf8').replace('priority 100', 'priority 200'));
    await s.reload();
    expect(s.view().findings).toEqual([]);
    expect(s.view().now).toBe(0);
    await s.advance(8_000_000);
    v = s.view();
    expect(v.nodes[1]?.instances[0]).toMatchObject({ state: 'MASTER', priority: 200 });
    expect(v.task?.done).toBe(true);
    expect(v.log.some((e) => e.text.startsWith('files re-read'))).toBe(true);
    const progress = JSON.parse(readFileSync(join(home, '.vrrp-lab', 'progress', '01-pair.json'), 'utf8'));
    expect(progress.done['1'].files['lb2.conf']).toContain('priority 200');
    // what validate finds across the nodes is in the log at each start
    writeFileSync(conf, readFileSync(conf, 'utf8').replace('priority 200', 'priority 150'));
    await s.reload();
    expect(s.view().log.filter((e) => e.text.startsWith('validate: ')).map((e) => e.text)).toEqual([expect.stringMatching(/lb2\.conf:\d+:\d+: warning\[cluster-equal-priority\]: lb2 and lb1 .* have the same priority 150/)]);
    await s.advance(8_000_000);
    // a broken file is a finding and the cluster keeps running
    writeFileSync(conf, 'vrrp_instance VI_1 {\n  priority 300\n');
    await s.reload();
    expect(s.view().findings.some((f) => f.includes('lb2.conf:'))).toBe(true);
    expect(s.view().now).toBe(8_000_000);
    await s.close();
    // done is remembered across sessions; reset forgets it and restores the files
    const again = await host.open('01-pair');
    expect(again.tasks().map((t) => t.done)).toEqual([true, false]);
    // the learner left a broken file: the lab runs the lesson's own files and says why
    expect(again.view().log.filter((e) => e.kind === 'error').map((e) => e.text)).toEqual([expect.stringMatching(/lb2\.conf:1:1: error\[/), expect.stringMatching(/lb2\.conf:1:1: error\[/)]);
    expect(host.lessons()[0]?.done).toBe(1);
    await again.reset();
    expect(again.tasks().map((t) => t.done)).toEqual([false, false]);
    expect(readFileSync(conf, 'utf8')).toContain('priority 100');
    await again.close();
  });

  it('breaks a forbid goal with the forbidden action and records actions with their times', async () => {
    const { labs, home } = setup();
    const s = await createLabHost({ labsDir: labs, home, backend: 'sim' }).open('01-pair');
    await s.advance(5_000_000);
    expect(await s.act('kill lb1')).toEqual({ ok: true, text: 'kill lb1' });
    await s.advance(5_000_000);
    const task = s.view().task;
    expect(task?.goals[0]).toMatchObject({ met: true });
    expect(task?.goals[2]).toEqual({ text: 'forbid kill lb1', met: false, detail: "'kill lb1' was used at 5 s" });
    expect(task?.done).toBe(false);
    expect(s.actions()).toEqual([{ at: 5_000_000, line: 'kill lb1' }]);
    expect(s.view().log.find((e) => e.kind === 'action')).toMatchObject({ at: 5_000_000, text: 'kill lb1' });
    // step: to the next thing the nodes do, and it is in the log
    await s.step();
    const stepped = s.view().now;
    expect(stepped).toBeGreaterThan(10_000_000);
    const last = s.view().log.at(-1)?.at ?? 0;
    expect(stepped - last).toBeGreaterThanOrEqual(0);
    expect(stepped - last).toBeLessThan(10_000); // a step ends in the 10 ms slice the change happened in
    s.selectTask(2);
    await s.act('kill lb2');
    await s.advance(1_000_000);
    expect(s.tasks()[1]?.done).toBe(true);
    await s.close();
  });

  it('takes milestones in order: a later one met before an earlier one does not count', async () => {
    const { labs, home } = setup();
    const md = join(labs, '01-pair', 'lesson.md');
    writeFileSync(md, readFileSync(md, 'utf8').replace('reach master VI_1 lb2\n', 'reach master VI_1 lb2\nreach master VI_1 lb1\n'));
    const s = await createLabHost({ labsDir: labs, home, backend: 'sim' }).open('01-pair');
    const goals = (): string[] => (s.view().task?.goals ?? []).slice(0, 2).map((g) => `${g.met} ${g.detail}`);
    for (let i = 0; i < 5; i++) await s.advance(1_000_000);
    expect(goals()).toEqual(['false not yet: the master of VI_1 is lb1', 'false not yet: the milestone before it comes first']);
    await s.act('stop lb1');
    for (let i = 0; i < 5; i++) await s.advance(1_000_000);
    expect(goals()).toEqual([expect.stringMatching(/^true reached at 5\.\d+ s$/), 'false not yet: the master of VI_1 is lb2']);
    await s.act('start lb1');
    for (let i = 0; i < 6; i++) await s.advance(1_000_000);
    expect(goals()).toEqual([expect.stringMatching(/^true reached at 5\.\d+ s$/), expect.stringMatching(/^true reached at 1[34]\.\d+ s$/)]);
    await s.close();
  });

  it('refuses a goal line naming what the lesson does not have, at its line', async () => {
    const { labs, home } = setup();
    const md = join(labs, '01-pair', 'lesson.md');
    writeFileSync(md, readFileSync(md, 'utf8').replace('reach master VI_1 lb2', 'reach master VI_9 lb3'));
    await expect(createLabHost({ labsDir: labs, home, backend: 'sim' }).open('01-pair')).rejects.toThrow(/lesson\.md:17:\d+: error\[lesson-goal-unknown-node\]: unknown node 'lb3'/);
  });
});

describe('grading', () => {
  it("runs the lesson's solutions and passes; the same seed gives the same grade", async () => {
    const { labs, home } = setup();
    const host = createLabHost({ labsDir: labs, home, backend: 'sim' });
    const file = host.find('01-pair');
    const a = await gradeLesson(file, { backend: 'sim', solution: true });
    expect(a.passed).toBe(true);
    expect(a.tasks.map((t) => [t.number, t.passed, t.actions])).toEqual([[1, true, ['edit lb2.conf "priority 100" "priority 200"', 'after 5']], [2, true, ['kill lb1', 'kill lb2']]]);
    expect(a.tasks[0]?.goals[0]).toEqual({ text: 'reach master VI_1 lb2', met: true, detail: expect.stringMatching(/^reached at \d/) });
    expect(await gradeLesson(file, { backend: 'sim', solution: true })).toEqual(a);
  });

  it('fails a solution whose edit does not apply, saying where and why', async () => {
    const { labs, home } = setup();
    const md = join(labs, '01-pair', 'lesson.md');
    writeFileSync(md, readFileSync(md, 'utf8').replace('"priority 100" "priority 200"', '"priority 99" "priority 200"'));
    const file = createLabHost({ labsDir: labs, home, backend: 'sim' }).find('01-pair');
    const g = await gradeLesson(file, { backend: 'sim', solution: true });
    expect(g.passed).toBe(false);
    expect(g.tasks[0]?.goals).toEqual([{ text: 'edit lb2.conf "priority 99" "priority 200"', met: false, detail: expect.stringMatching(/lesson\.md:30:1: "priority 99" occurs nowhere in lb2\.conf/) }]);
  });

  it("replays the learner's recorded progress: done tasks pass again, the others fail", async () => {
    const { labs, home } = setup();
    const host = createLabHost({ labsDir: labs, home, backend: 'sim' });
    const s = await host.open('01-pair');
    s.selectTask(2);
    await s.advance(3_000_000);
    await s.act('kill lb1');
    await s.advance(2_000_000);
    await s.act('kill lb2');
    await s.advance(1_000_000);
    expect(s.tasks()[1]?.done).toBe(true);
    await s.close();
    const g = await gradeLesson(host.find('01-pair'), { backend: 'sim', solution: false, store: host.store });
    expect(g.tasks.map((t) => [t.passed, t.actions])).toEqual([[false, []], [true, ['3 s: kill lb1', '5 s: kill lb2']]]);
    expect(g.tasks[0]?.goals[0]).toMatchObject({ met: false, detail: 'task not done yet' });
  });
});
