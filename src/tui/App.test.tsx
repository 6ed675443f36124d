import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { App } from './App.js';
import { fakeHost, fakeSession } from './fake-session.test-utils.js';

/** Let React 19's scheduler flush effects (and ink register useInput) before the next input. */
const settle = () => new Promise<void>((r) => setImmediate(() => setTimeout(r, 15)));

async function until(frame: () => string | undefined, text: string, ms = 2000): Promise<string> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const f = frame() ?? '';
    if (f.includes(text)) return f;
    await settle();
  }
  throw new Error(`"${text}" never appeared; last frame:\n${frame() ?? ''}`);
}

async function start(options: { readonly findings?: readonly string[] } = {}) {
  const session = fakeSession(options);
  const host = fakeHost(session);
  const app = render(<App host={host} lesson="01-fake" />);
  await until(app.lastFrame, 'MASTER');
  await settle();
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      app.stdin.write(k);
      await settle();
    }
  };
  return { app, session, host, press };
}

describe('the lab app', () => {
  it('without a lesson opens the one to resume (the first not finished); l lists them all', async () => {
    const session = fakeSession();
    const host = fakeHost(session, [{ id: '00-done', title: 'Finished', tasks: 1, done: 1 }, { id: '01-fake', title: 'A fake election', tasks: 2, done: 0 }]);
    const app = render(<App host={host} />);
    await until(app.lastFrame, 'MASTER');
    expect(host.opened).toEqual(['01-fake']);
    await settle();
    app.stdin.write('l');
    const list = await until(app.lastFrame, 'Lessons');
    expect(list).toMatch(/> {3}01-fake {4}0\/2 {2}A fake election/);
    expect(list).toMatch(/✓ 00-done/);
    app.unmount();
  });

  it('without a lesson and every lesson done starts at the list', async () => {
    const session = fakeSession();
    const host = fakeHost(session, [{ id: '00-done', title: 'Finished', tasks: 1, done: 1 }]);
    const app = render(<App host={host} />);
    await until(app.lastFrame, 'Lessons');
    expect(host.opened).toEqual([]);
    app.unmount();
  });

  it('opens the named lesson and shows MASTER, BACKUP, the arithmetic, the VIP holder and the task', async () => {
    const { app, host } = await start();
    const f = app.lastFrame() ?? '';
    expect(host.opened).toEqual(['01-fake']);
    expect(f).toMatch(/lb1\s+up/);
    expect(f).toMatch(/VI_1\s+MASTER\*/);
    expect(f).toMatch(/VI_1\s+BACKUP\s+100 \+2 chk_ctrl = 102/);
    expect(f).toContain('VIP 192.0.2.100 (VI_1) → lb1');
    expect(f).toContain('Task 1/2 · 0/2 done');
    expect(f).toContain('✗ reach master VI_1 lb2');
    expect(f).toContain('observed: master VI_1 lb1');
    app.unmount();
  });

  it('runs a : command, shows the failover in the log and marks the goal ✓', async () => {
    const { app, session, press } = await start();
    await press(':', 'kill lb1', '\r');
    const f = await until(app.lastFrame, '✓ reach master VI_1 lb2');
    expect(session.calls).toContain('act kill lb1');
    expect(f).toMatch(/VI_1\s+MASTER\*/);
    expect(f).toContain('VI_1 BACKUP → MASTER — highest priority among the live routers');
    expect(f).toContain('✓ DONE');
    expect(f).toContain('Done. t: pick the next task');
    app.unmount();
  });

  it('takes a whole typed line in one chunk, as a terminal delivers fast typing (tmux send-keys)', async () => {
    const { app, session, press } = await start();
    await press(':kill lb1\r');
    await until(app.lastFrame, '✓ reach master VI_1 lb2');
    expect(session.calls).toContain('act kill lb1');
    app.unmount();
  });

  it('keeps a refused : line open with the error, and never crashes', async () => {
    const { app, press } = await start();
    await press(':', 'explode lb1', '\r');
    const f = await until(app.lastFrame, "unknown action 'explode'");
    expect(f).toContain(':explode lb1');
    await press('\u001b');
    await settle();
    expect(app.lastFrame()).not.toContain("unknown action 'explode'");
    app.unmount();
  });

  it('completes verbs and node names with tab', async () => {
    const { app, press } = await start();
    await press(':', 'ki', '\t', 'l', '\t');
    expect(await until(app.lastFrame, ':kill lb')).toContain(':kill lb');
    await press('1', '\r');
    await until(app.lastFrame, 'kill lb1 at');
    app.unmount();
  });

  it('pauses virtual time with space and steps one event with n', async () => {
    const { app, session, press } = await start();
    await press(' ');
    await until(app.lastFrame, 'PAUSED');
    const before = session.calls.filter((c) => c.startsWith('advance')).length;
    await new Promise((r) => setTimeout(r, 350));
    expect(session.calls.filter((c) => c.startsWith('advance')).length).toBe(before);
    await press('n');
    expect(session.calls).toContain('step');
    app.unmount();
  });

  it('speeds virtual time up and down between ×0.5 and ×16', async () => {
    const { app, press } = await start();
    await press('+', '+');
    await until(app.lastFrame, '×4');
    await press('+', '+', '+', '+');
    await until(app.lastFrame, '×16');
    await press('-', '-', '-', '-', '-', '-', '-');
    await until(app.lastFrame, '×0.5');
    app.unmount();
  });

  it('gives hints one by one, then the solution only after y', async () => {
    const { app, press } = await start();
    await press('h');
    await until(app.lastFrame, 'Hint 1/2: Look at the priorities.');
    await press('h');
    await until(app.lastFrame, 'Hint 2/2: Kill lb1.');
    await press('h');
    await until(app.lastFrame, 'Show the solution?');
    await press('n');
    let f = await until(app.lastFrame, 'cancelled');
    expect(f).not.toContain('Solution:');
    await press('h', 'y');
    f = await until(app.lastFrame, 'Solution: kill lb1, then wait.');
    app.unmount();
  });

  it('resets only after y; any other answer cancels', async () => {
    const { app, session, press } = await start();
    await press('x');
    await until(app.lastFrame, 'Reset this lesson');
    await press('\r');
    await until(app.lastFrame, 'cancelled');
    expect(session.calls).not.toContain('reset');
    await press('x', 'y');
    await until(app.lastFrame, 'the lesson was reset');
    expect(session.calls).toContain('reset');
    app.unmount();
  });

  it('shows every key in the ? overlay and goes back with esc', async () => {
    const { app, press } = await start();
    await press('?');
    const f = await until(app.lastFrame, 'Keys');
    for (const k of ['space', '+ / -', 'reset this lesson', 'filter the event log', 'ctrl-c always quits']) expect(f).toContain(k);
    await press('\u001b');
    await until(app.lastFrame, 'VIP 192.0.2.100');
    app.unmount();
  });

  it('lists the tasks with the intro and selects one with enter; never advances by itself', async () => {
    const { app, session, press } = await start();
    await press(':', 'kill lb1', '\r');
    await until(app.lastFrame, '✓ DONE');
    await new Promise((r) => setTimeout(r, 250));
    expect(app.lastFrame()).toContain('Task 1/2');
    await press('t');
    let f = await until(app.lastFrame, 'Two routers share one address.');
    expect(f).toMatch(/✓ 1\. Make lb2 master/);
    expect(f).toContain('paragraph 1 of 2');
    await press(' ');
    f = await until(app.lastFrame, 'paragraph 2 of 2');
    expect(f).not.toContain('Two routers share one address.');
    expect(f).toContain('Make lb2 the master.');
    await press('j');
    f = await until(app.lastFrame, 'Start lb1 again.');
    expect(f).toContain('paragraph 1 of 1');
    await press('\r');
    f = await until(app.lastFrame, 'Task 2/2');
    expect(session.calls).toContain('select 2');
    expect(f).toContain('1/2 done');
    app.unmount();
  });

  it('filters the event log with /', async () => {
    const { app, press } = await start();
    await press(':', 'kill lb1', '\r');
    await until(app.lastFrame, 'BACKUP → MASTER');
    await press('/', 'OFF', '\r');
    const f = await until(app.lastFrame, 'filter "OFF"');
    expect(f).toContain('VI_1 MASTER → OFF');
    expect(f).not.toContain('BACKUP → MASTER');
    app.unmount();
  });

  it('shows file findings in the lesson pane and re-reads with r', async () => {
    const { app, session, press } = await start({ findings: ['lb2.conf:12:5: error: priority 300 is out of 1..255'] });
    expect(app.lastFrame()).toContain('lb2.conf:12:5: error');
    await press('r');
    await until(app.lastFrame, 'finding(s)');
    expect(session.calls).toContain('reload');
    app.unmount();
  });

  it('shows the summary card when every task is done', async () => {
    const { app, press } = await start();
    await press(':', 'kill lb1', '\r');
    await until(app.lastFrame, '✓ DONE');
    await press('t', 'j', '\r');
    await until(app.lastFrame, 'Task 2/2');
    await press(':', 'start lb1', '\r');
    let f = await until(app.lastFrame, '✓ Lesson done: 2/2 tasks');
    expect(f).toContain('The highest priority wins.');
    expect(f).toMatch(/VI_1\s+MASTER\*/);
    await press('s');
    f = await until(app.lastFrame, 's smaller');
    expect(f).not.toContain('VIP 192.0.2.100');
    await press('\u001b');
    await until(app.lastFrame, 'VIP 192.0.2.100');
    app.unmount();
  });

  it('quits with q', async () => {
    const { app, press } = await start();
    await press('q');
    const last = app.lastFrame();
    await press('?');
    expect(app.lastFrame()).toBe(last);
    expect(app.lastFrame()).not.toContain('Keys');
    app.unmount();
  });
});
