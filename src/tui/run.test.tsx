import { EventEmitter } from 'node:events';
import { afterAll, describe, expect, it, vi } from 'vitest';

// ink draws only the last frame, at exit, when it believes it runs in CI (is-in-ci,
// read once when ink loads). This file is about the frames a real terminal gets, so
// it hides CI's variables until ink has loaded (vi.hoisted runs before the imports),
// and puts them back for the test files after it.
const hiddenCi = vi.hoisted(() => {
  const hidden = Object.entries(process.env).filter(([k]) => k === 'CI' || k === 'CONTINUOUS_INTEGRATION' || k.startsWith('CI_'));
  for (const [k] of hidden) delete process.env[k];
  return hidden;
});
afterAll(() => {
  for (const [k, v] of hiddenCi) process.env[k] = v;
});
import { mount } from './run.js';
import { ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN, SHOW_CURSOR } from './terminal.js';
import { fakeHost, fakeSession } from './fake-session.test-utils.js';

/** A terminal's two ends, as ink uses them: a TTY stdout 80×24 and a raw-mode stdin. */
class Screen extends EventEmitter {
  readonly isTTY = true;
  columns = 80;
  rows = 24;
  written = '';
  write(chunk: string): boolean {
    this.written += chunk;
    return true;
  }
}

class Keyboard extends EventEmitter {
  readonly isTTY = true;
  raw = false;
  private pending: string[] = [];
  setRawMode(on: boolean): void { this.raw = on; }
  setEncoding(): void {}
  ref(): void {}
  unref(): void {}
  resume(): void {}
  pause(): void {}
  read(): string | null { return this.pending.shift() ?? null; }
  type(s: string): void {
    this.pending.push(s);
    this.emit('readable');
  }
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the lab on a terminal', () => {
  it('enters the alternate screen, draws at rows − 1, and on q leaves it, shows the cursor and closes the session', async () => {
    const screen = new Screen();
    const keyboard = new Keyboard();
    const session = fakeSession();
    const done = mount({ host: fakeHost(session), lesson: '01-fake', stdout: screen as unknown as NodeJS.WriteStream, stdin: keyboard as unknown as NodeJS.ReadStream, patchConsole: false });
    await wait(400);
    expect(screen.written.startsWith(ENTER_ALT_SCREEN)).toBe(true);
    expect(keyboard.raw).toBe(true);
    expect(screen.written).toContain('MASTER');
    expect(screen.written).not.toContain(LEAVE_ALT_SCREEN);
    // ink 6.8 clears the whole terminal each frame (flicker) once a frame is as tall as the terminal: never here.
    expect(screen.written).not.toContain('\u001b[3J');
    keyboard.type('q');
    await done;
    const tail = screen.written.slice(screen.written.lastIndexOf(LEAVE_ALT_SCREEN) - SHOW_CURSOR.length);
    expect(tail.startsWith(SHOW_CURSOR + LEAVE_ALT_SCREEN)).toBe(true);
    expect(screen.written.split(LEAVE_ALT_SCREEN)).toHaveLength(2);
    expect(keyboard.raw).toBe(false);
    expect(session.calls.at(-1)).toBe('close');
  });

  it('follows a resize: the next frame is laid out for the new size', async () => {
    const screen = new Screen();
    const keyboard = new Keyboard();
    const done = mount({ host: fakeHost(fakeSession()), lesson: '01-fake', stdout: screen as unknown as NodeJS.WriteStream, stdin: keyboard as unknown as NodeJS.ReadStream, patchConsole: false });
    await wait(300);
    expect(screen.written).toContain('╮╭' + '─'.repeat(34) + '╮');
    screen.columns = 100;
    screen.rows = 30;
    screen.written = '';
    screen.emit('resize');
    await wait(300);
    expect(screen.written).toContain('╮╭' + '─'.repeat(43) + '╮');
    expect(screen.written).not.toContain('\u001b[3J');
    keyboard.type('q');
    await done;
  });
});
