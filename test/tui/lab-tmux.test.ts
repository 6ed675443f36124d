/**
 * The terminal lab as a new user meets it: `vrrp-lab lab 01-election` in a real
 * terminal (tmux, 80×24), driven by keystrokes alone and read off the screen.
 *
 * Theory of operation: each test starts a detached tmux server on its own
 * socket with a plain shell whose prompt we know, types the command, and polls
 * `tmux capture-pane -p` for what a person would look for: MASTER and BACKUP on
 * the first screen, the first task done after `:kill lb1`, a layout that follows
 * a resize, and — after `q`, Ctrl-C or SIGTERM — the alternate screen left and
 * the shell answering again. It runs the built command (dist/), so it skips with
 * a reason when tmux is missing or the build is not there.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BUILT = join(ROOT, 'dist', 'src', 'tui', 'index.js');
const TMUX = ['/usr/bin/tmux', '/usr/local/bin/tmux'].find((p) => existsSync(p));
const missing = !TMUX ? 'tmux is not installed' : !existsSync(BUILT) ? 'the command is not built (npm run build)' : undefined;
const PROMPT = 'lab-test$ ';

const home = mkdtempSync(join(tmpdir(), 'vrrp-lab-tmux-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

// Each test has its own tmux server (a fresh socket): a server being killed cannot take the next one's session.
let socket = '';
const tmux = (...args: string[]): string => execFileSync(TMUX!, ['-L', socket, ...args], { encoding: 'utf8' });
const screen = (): string => tmux('capture-pane', '-p', '-t', 'lab');
const keys = (...k: string[]) => tmux('send-keys', '-t', 'lab', ...k);
const alternate = (): boolean => tmux('display', '-p', '-t', 'lab', '#{alternate_on}').trim() === '1';

async function waitFor(what: string, ok: (s: string) => boolean, ms = 30_000): Promise<string> {
  const end = Date.now() + ms;
  let last = '';
  while (Date.now() < end) {
    last = screen();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`waited ${ms / 1000} s for ${what}; the screen:\n${last}`);
}

/** A shell in an 80×24 terminal, at a known prompt, in the project folder, outside CI. */
let terminals = 0;
async function openTerminal(): Promise<void> {
  socket = `vrrp-lab-test-${process.pid}-${++terminals}`;
  tmux('new-session', '-d', '-s', 'lab', '-x', '80', '-y', '24', '-c', ROOT, 'env', '-u', 'CI', `PS1=${PROMPT}`, 'TERM=xterm-256color', 'bash', '--norc', '--noprofile');
  await waitFor('the prompt', (s) => s.includes(PROMPT.trimEnd()));
}

async function startLab(): Promise<string> {
  keys(`node bin/vrrp-lab.js lab 01-election --home ${home}`, 'Enter');
  return waitFor('MASTER and BACKUP on the first screen', (s) => /MASTER\*/.test(s) && /BACKUP/.test(s));
}

/** The shell is back and answers: the alternate screen is left and a command runs. */
async function expectShellIntact(): Promise<void> {
  await waitFor('the prompt after the lab', (s) => !s.includes('vrrp-lab lab ·') && s.trimEnd().endsWith(PROMPT.trimEnd()));
  expect(alternate()).toBe(false);
  keys('echo shell-ok-$((40+2))', 'Enter');
  await waitFor('the shell to answer', (s) => s.includes('shell-ok-42'));
}

afterEach(() => {
  try { tmux('kill-server'); } catch { /* already gone */ }
});

describe.skipIf(missing !== undefined)(`vrrp-lab lab in tmux at 80×24${missing ? ` (skipped: ${missing})` : ''}`, { timeout: 120_000 }, () => {
  it('shows MASTER and BACKUP, completes task 1 by keystrokes, follows a resize, and q leaves the shell intact', async () => {
    await openTerminal();
    const first = await startLab();
    expect(alternate()).toBe(true);
    const lines = first.split('\n');
    expect(lines[0]).toMatch(/^vrrp-lab lab · 01-election/);
    expect(first).toMatch(/Task 1\/\d+ · 0\/\d+ done/);
    expect(first).toContain('✗ reach master VI_1 lb2');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);

    keys(':kill lb1', 'Enter');
    const done = await waitFor('task 1 done', (s) => /1\/\d+ done ✓ DONE/.test(s));
    expect(done).toContain('VIP 192.0.2.100 (VI_1) → lb2');
    expect(done).toMatch(/lb1\s+killed/);
    expect(done).toMatch(/kill lb1 — your action/);

    tmux('resize-window', '-t', 'lab', '-x', '100', '-y', '30');
    const wide = await waitFor('the layout at 100×30', (s) => s.split('\n').some((l) => l.length === 100 && l.startsWith('╭') && l.endsWith('╮')));
    expect(wide).toContain('VIP 192.0.2.100 (VI_1) → lb2');
    tmux('resize-window', '-t', 'lab', '-x', '80', '-y', '24');
    const back = await waitFor('the layout at 80×24 again', (s) => s.split('\n').some((l) => l.length === 80 && l.startsWith('╭') && l.endsWith('╮')));
    expect(back.split('\n').filter((l) => l.length > 80)).toEqual([]);
    expect(back).toMatch(/1\/\d+ done ✓ DONE/);

    keys('q');
    await expectShellIntact();
    keys(`node bin/vrrp-lab.js lab --list --home ${home}`, 'Enter');
    await waitFor('the saved progress in the list', (s) => /01-election\s.*\s1\/\d+ tasks done/.test(s));
  });

  it('Ctrl-C quits from anywhere, even the : line, and leaves the shell intact', async () => {
    await openTerminal();
    await startLab();
    keys(':kil');
    await waitFor('the : line', (s) => s.includes(':kil'));
    keys('C-c');
    await expectShellIntact();
  });

  it('SIGTERM leaves the alternate screen and the shell intact', async () => {
    await openTerminal();
    await startLab();
    const shell = tmux('display', '-p', '-t', 'lab', '#{pane_pid}').trim();
    const node = execFileSync('ps', ['-o', 'pid=', '--ppid', shell], { encoding: 'utf8' }).trim().split(/\s+/)[0];
    process.kill(Number(node), 'SIGTERM');
    await expectShellIntact();
  });
});
