/**
 * `vrrp-lab lab` as a user runs it without a terminal: the lesson list with
 * progress (and never the app), `--check` grading progress or `--solution`
 * with its exit status, `--json` and `--junit`, `--reset`, and located errors
 * with exit 2 for a broken lesson file.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { captureIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { parseXml, xmlChildren } from '../../src/config/xml.js';

const started = vi.hoisted(() => ({ app: 0 }));
vi.mock('../../src/tui/index.js', () => ({ runLabApp: async () => void started.app++ }));

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'lessons');
const scratch = mkdtempSync(join(tmpdir(), 'vrrp-lab-lab-cmd-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let n = 0;
function fresh(): { labs: string; home: string } {
  n++;
  const labs = join(scratch, `labs${n}`);
  cpSync(FIXTURES, labs, { recursive: true });
  return { labs, home: join(scratch, `home${n}`) };
}

async function lab(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo({ cwd: scratch, env });
  const code = await main(['lab', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('vrrp-lab lab', { timeout: 60_000 }, () => {
  it('without a terminal prints the lesson list and how to grade, and never starts the app', async () => {
    const { labs, home } = fresh();
    const r = await lab(['--labs', labs, '--home', home]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('01-pair  A pair of load balancers  0/2 tasks done');
    expect(r.out).toContain('vrrp-lab lab --check LESSON');
    const listed = await lab(['--list', '--labs', labs], { VRRP_LAB_HOME: home });
    expect(listed.out).toBe('01-pair  A pair of load balancers  0/2 tasks done\n');
    expect(started.app).toBe(0);
  });

  it('--check --solution runs the solutions: exit 0, a line per task, JSON and JUnit agree', async () => {
    const { labs, home } = fresh();
    const junit = join(scratch, 'lab.xml');
    const r = await lab(['--check', '--solution', '--labs', labs, '--home', home, '--junit', junit]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('PASS 01-pair  (seed 1)\n  ok   task 1: Make lb2 master without stopping lb1\n  ok   task 2: Take the address away from both\n\n2 of 2 tasks passed in 1 lesson\n');
    const doc = parseXml(readFileSync(junit, 'utf8'), { file: junit });
    const suites = xmlChildren(doc.root, 'testsuite');
    expect(suites.length).toBe(1);
    expect(xmlChildren(suites[0]!, 'testcase').length).toBe(2);
    const json = await lab(['--check', '1', '--solution', '--json', '--labs', labs, '--home', home, '--seed', '3']);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.out);
    expect(parsed).toMatchObject({ passed: true, lessons: [{ lesson: '01-pair', seed: 3, passed: true }] });
  });

  it('--check of progress not made fails with exit 1 and says which tasks are not done', async () => {
    const { labs, home } = fresh();
    const r = await lab(['--check', '01-pair', '--labs', labs, '--home', home]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('FAIL 01-pair');
    expect(r.out).toContain('       reach master VI_1 lb2: task not done yet');
    expect(r.out).toContain('0 of 2 tasks passed in 1 lesson');
  });

  it('a broken solution fails its task with the line that broke', async () => {
    const { labs, home } = fresh();
    const md = join(labs, '01-pair', 'lesson.md');
    writeFileSync(md, readFileSync(md, 'utf8').replace('after 5\n', 'after 5\nkill lb7\n'));
    const r = await lab(['--check', '--solution', '--labs', labs, '--home', home]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/kill lb7: .*lesson\.md:32:1: the solution's action failed: unknown node 'lb7' \(nodes: lb1, lb2\)/);
  });

  it('a mistake in a lesson file is a located error with exit 2, not a stack', async () => {
    const { labs, home } = fresh();
    const md = join(labs, '01-pair', 'lesson.md');
    writeFileSync(md, readFileSync(md, 'utf8').replace('reach master VI_1 lb2', 'reach master VI_1 lb9').replace('## Summary', '## Summery'));
    const r = await lab(['--check', '--solution', '01-pair', '--labs', labs, '--home', home]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/01-pair\/lesson\.md:\d+:1: error\[lesson-unknown-heading\]: unexpected heading '## Summery'/);
    expect(r.err).toMatch(/lesson\.md:\d+:1: error\[lesson-no-summary\]/);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/);
    const fixed = readFileSync(md, 'utf8').replace('## Summery', '## Summary');
    writeFileSync(md, fixed);
    const goal = await lab(['--check', '--solution', '01-pair', '--labs', labs, '--home', home]);
    expect(goal.code).toBe(2);
    expect(goal.err).toMatch(/lesson\.md:17:19: error\[lesson-goal-unknown-node\]: unknown node 'lb9' \(nodes: lb1, lb2\)/);
  });

  it('--check of every lesson goes on past a broken one, names its mistake and exits 2', async () => {
    const { labs, home } = fresh();
    cpSync(join(labs, '01-pair'), join(labs, '02-broken'), { recursive: true });
    const md = join(labs, '02-broken', 'lesson.md');
    writeFileSync(md, readFileSync(md, 'utf8').replace('## Summary', '## Summery'));
    const r = await lab(['--check', '--solution', '--labs', labs, '--home', home]);
    expect(r.code).toBe(2);
    expect(r.out).toContain('PASS 01-pair');
    expect(r.out).toContain('2 of 2 tasks passed in 1 lesson (1 with errors)');
    expect(r.err).toMatch(/02-broken\/lesson\.md:\d+:1: error\[lesson-unknown-heading\]/);
  });

  it('usage mistakes exit 2 and name what is wrong', async () => {
    const { labs, home } = fresh();
    expect((await lab(['99', '--labs', labs, '--home', home])).err).toContain("no lesson '99' (lessons: 01-pair; or give a lesson folder)");
    expect((await lab(['--solution', '--labs', labs])).code).toBe(2);
    expect((await lab(['--labs', join(scratch, 'nope')])).err).toContain('no lessons folder');
    const md = join(labs, '01-pair', 'lesson.md');
    writeFileSync(md, readFileSync(md, 'utf8').replace('node lb1 lb1.conf\nnode lb2 lb2.conf', 'config lb1.conf'));
    const cluster = await lab(['--check', '1', '--solution', '--backend', 'docker', '--labs', labs, '--home', home]);
    expect(cluster.code).toBe(2);
    expect(cluster.err).toContain('01-pair: cluster lessons run on the simulator only (--backend sim)');
    const reset = await lab(['--reset', '01-pair', '--labs', labs, '--home', home]);
    expect(reset.code).toBe(2);
    expect(reset.err).toContain('add --yes');
  });

  it('a progress file that cannot be read is named, with how to start again, not taken for no progress', async () => {
    const { labs, home } = fresh();
    const progress = join(home, '.vrrp-lab', 'progress');
    mkdirSync(progress, { recursive: true });
    writeFileSync(join(progress, '01-pair.json'), '{"current": 1, "done": ');
    const r = await lab(['--check', '01-pair', '--labs', labs, '--home', home]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot read the progress file '.*01-pair\.json': .*\(vrrp-lab lab --reset 01-pair starts the lesson again\)/);
  });

  it('--reset --yes puts the files back and forgets the progress', async () => {
    const { labs, home } = fresh();
    const ws = join(home, '.vrrp-lab', 'labs', '01-pair', 'lb2.conf');
    const { createLabHost } = await import('../../src/lesson/session.js');
    const s = await createLabHost({ labsDir: labs, home, backend: 'sim' }).open('01-pair');
    writeFileSync(ws, readFileSync(ws, 'utf8').replace('priority 100', 'priority 222'));
    await s.close();
    const r = await lab(['--reset', '01-pair', '--yes', '--labs', labs, '--home', home]);
    expect(r.code).toBe(0);
    expect(readFileSync(ws, 'utf8')).toContain('priority 100');
    expect(existsSync(join(home, '.vrrp-lab', 'progress', '01-pair.json'))).toBe(false);
  });
});
