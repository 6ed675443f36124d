import { describe, expect, it } from 'vitest';
import { commandFailed, handleKey, initialUi, maybeSummary, speedOf, splitKeys, type KeyContext, type KeyPress, type UiState } from './state.js';

const ctx: KeyContext = {
  task: { number: 1, hints: 2 },
  tasks: 3,
  lessons: 2,
  verbs: ['kill', 'start', 'stop', 'fail', 'ok', 'heal', 'speed'],
  names: ['chk_ctrl', 'eth0', 'lb1', 'lb2'],
  logLines: 40,
  logHeight: 5,
  allDone: false,
};

const k = (input: string, extra: Partial<KeyPress> = {}): KeyPress => ({ input, ...extra });

/** Press keys in order from `ui`; returns the last state and every effect asked for. */
function press(ui: UiState, keys: readonly KeyPress[], c: KeyContext = ctx) {
  const effects = [];
  for (const key of keys) {
    const r = handleKey(ui, key, c);
    ui = r.ui;
    if (r.effect) effects.push(r.effect);
  }
  return { ui, effects };
}

const typed = (text: string) => [...text].map((ch) => k(ch));

describe('the lab keys (pure reducer)', () => {
  it('space pauses and resumes; n steps and pauses', () => {
    expect(press(initialUi, [k(' ')]).ui.paused).toBe(true);
    expect(press(initialUi, [k(' '), k(' ')]).ui.paused).toBe(false);
    const step = press(initialUi, [k('n')]);
    expect(step.ui.paused).toBe(true);
    expect(step.effects).toEqual([{ kind: 'step' }]);
  });

  it('+ and - step the speed within ×0.5 … ×16', () => {
    expect(speedOf(initialUi)).toBe(1);
    expect(speedOf(press(initialUi, Array(9).fill(k('+'))).ui)).toBe(16);
    expect(speedOf(press(initialUi, Array(9).fill(k('-'))).ui)).toBe(0.5);
    expect(speedOf(press(initialUi, [k('+'), k('+'), k('-')]).ui)).toBe(2);
  });

  it('no single key is a fault: every letter outside : only moves the UI or asks first', () => {
    for (const ch of 'abcdefgijkmoprsuvwyz0123456789') {
      const { effects } = press(initialUi, [k(ch)]);
      for (const e of effects) expect(['step', 'reload']).toContain(e.kind);
    }
  });

  it(': runs its line as an action, keeps the history and recalls it with up/down', () => {
    const run = press(initialUi, [k(':'), ...typed('kill lb1'), k('', { return: true })]);
    expect(run.effects).toEqual([{ kind: 'act', line: 'kill lb1' }]);
    expect(run.ui.history).toEqual(['kill lb1']);
    const again = press(run.ui, [k(':'), k('', { upArrow: true })]);
    expect(again.ui.overlay).toMatchObject({ kind: 'command', text: 'kill lb1' });
    expect(press(again.ui, [k('', { downArrow: true })]).ui.overlay).toMatchObject({ kind: 'command', text: '' });
  });

  it(': refused lines stay open with the error; esc leaves', () => {
    const failed = commandFailed({ ...initialUi, overlay: { kind: 'command', text: 'kil lb1' } }, 'kil lb1', "unknown word 'kil'");
    expect(failed.overlay).toEqual({ kind: 'command', text: 'kil lb1', error: "unknown word 'kil'" });
    expect(press(failed, [k('', { escape: true })]).ui.overlay).toEqual({ kind: 'none' });
  });

  it(': tab completes the verb, then node names to their common prefix', () => {
    const { ui } = press(initialUi, [k(':'), ...typed('ki'), k('', { tab: true }), k('l'), k('', { tab: true })]);
    expect(ui.overlay).toMatchObject({ kind: 'command', text: 'kill lb' });
    const { ui: one } = press(initialUi, [k(':'), ...typed('fail lb1 c'), k('', { tab: true })]);
    expect(one.overlay).toMatchObject({ text: 'fail lb1 chk_ctrl ' });
  });

  it(':speed, :q and :help are the app\'s own words', () => {
    expect(speedOf(press(initialUi, [k(':'), ...typed('speed 8'), k('', { return: true })]).ui)).toBe(8);
    const bad = press(initialUi, [k(':'), ...typed('speed 3'), k('', { return: true })]);
    expect(bad.ui.overlay).toMatchObject({ kind: 'command', error: 'speed is one of 0.5, 1, 2, 4, 8, 16' });
    expect(press(initialUi, [k(':'), k('q'), k('', { return: true })]).effects).toEqual([{ kind: 'quit' }]);
    expect(press(initialUi, [k(':'), ...typed('help'), k('', { return: true })]).ui.overlay).toEqual({ kind: 'help' });
  });

  it('h shows hints one by one, then asks before the solution; only y shows it', () => {
    const two = press(initialUi, [k('h'), k('h')]).ui;
    expect(two.hints[1]).toBe(2);
    const asked = press(two, [k('h')]).ui;
    expect(asked.overlay).toEqual({ kind: 'confirm', question: 'solution' });
    expect(press(asked, [k('', { return: true })]).ui.solutions).toEqual([]);
    expect(press(asked, [k('n')]).ui.solutions).toEqual([]);
    expect(press(asked, [k('y')]).ui.solutions).toEqual([1]);
  });

  it('x resets only after y (enter, esc and n cancel)', () => {
    for (const no of [k('', { return: true }), k('', { escape: true }), k('n'), k('x')]) {
      expect(press(initialUi, [k('x'), no]).effects).toEqual([]);
    }
    const yes = press({ ...initialUi, hints: { 1: 2 }, solutions: [1] }, [k('x'), k('y')]);
    expect(yes.effects).toEqual([{ kind: 'reset' }]);
    expect(yes.ui.hints).toEqual({});
    expect(yes.ui.solutions).toEqual([]);
  });

  it('j/k and the arrows scroll the log within its length; esc follows the newest again', () => {
    const up = press(initialUi, [k('k'), k('k'), k('', { upArrow: true })]).ui;
    expect(up.scroll).toBe(3);
    expect(press(up, [k('j')]).ui.scroll).toBe(2);
    expect(press(initialUi, Array(100).fill(k('k'))).ui.scroll).toBe(35);
    expect(press(initialUi, [k('j')]).ui.scroll).toBe(0);
    expect(press(up, [k('', { escape: true })]).ui.scroll).toBe(0);
  });

  it('/ sets the log filter on enter; esc on the main screen clears it', () => {
    const f = press(initialUi, [k('/'), ...typed('lb2'), k('', { return: true })]).ui;
    expect(f.filter).toBe('lb2');
    expect(f.overlay).toEqual({ kind: 'none' });
    expect(press(f, [k('', { escape: true })]).ui.filter).toBe('');
  });

  it('t lists the tasks at the current one; enter selects, never by itself', () => {
    const list = press(initialUi, [k('t')]).ui;
    expect(list.overlay).toEqual({ kind: 'tasks', cursor: 0 });
    expect(press(list, [k('j'), k('j'), k('j'), k('', { return: true })]).effects).toEqual([{ kind: 'select-task', number: 3 }]);
    expect(press(list, [k('', { escape: true })]).effects).toEqual([]);
  });

  it('l lists the lessons; enter opens the one under the cursor', () => {
    expect(press(initialUi, [k('l'), k('j'), k('', { return: true })]).effects).toEqual([{ kind: 'open-lesson', index: 1 }]);
  });

  it('the summary card opens once when every task is done, and stays closed after esc', () => {
    const shown = maybeSummary(initialUi, true);
    expect(shown.overlay).toEqual({ kind: 'summary' });
    const closed = press(shown, [k('', { escape: true })]).ui;
    expect(closed.summaryClosed).toBe(true);
    expect(maybeSummary(closed, true).overlay).toEqual({ kind: 'none' });
    expect(maybeSummary(initialUi, false).overlay).toEqual({ kind: 'none' });
  });

  it('splits a chunk of typed text into keys (enter, tab, backspace included)', () => {
    expect(splitKeys(k(':ki\tl\u007fb\r'))).toEqual([k(':'), k('k'), k('i'), k('', { tab: true }), k('l'), k('', { backspace: true }), k('b'), k('', { return: true })]);
    expect(splitKeys(k('', { upArrow: true }))).toEqual([k('', { upArrow: true })]);
    expect(splitKeys(k('q'))).toEqual([k('q')]);
  });

  it('q quits from the main screen; in a list or the help it goes back', () => {
    expect(press(initialUi, [k('q')]).effects).toEqual([{ kind: 'quit' }]);
    expect(press(initialUi, [k('?'), k('q')]).effects).toEqual([]);
    expect(press(initialUi, [k('l'), k('q')]).ui.overlay).toEqual({ kind: 'none' });
  });
});
