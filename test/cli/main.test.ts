import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('vrrp-lab (command tree)', () => {
  it('explains itself and every command with an example in --help', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('vrrp-lab is a lab for high-availability clusters');
    expect(r.out).toMatch(/validate \[options\] \[paths\.\.\.\]/);
    expect(r.out).toContain('$ vrrp-lab validate lb1.conf lb2.conf');
    expect(r.out).toContain('Exit status: 0 ok, 1 problems found, 2 usage error');
  });

  it('prints the package version', async () => {
    const r = await run('--version');
    expect(r.code).toBe(0);
    expect(r.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('shows a command\'s own help with its examples', async () => {
    const r = await run('validate', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('--host-interfaces <names>');
    expect(r.out).toContain('treated as\nthe nodes of ONE cluster');
    expect(r.out).toContain('$ vrrp-lab validate --separate /etc/keepalived/');
  });

  it('answers `help CMD` with that help and exit 0', async () => {
    const r = await run('help', 'validate');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: vrrp-lab validate');
  });

  it('exits 2 with the help on stderr when no command is given', async () => {
    const r = await run();
    expect(r.code).toBe(2);
    expect(r.err).toContain('Usage: vrrp-lab');
    expect(r.out).toBe('');
  });

  it.each([
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['validate'], /give the files to check \(FILE, DIR, or - for standard input\) or --node NAME=FILE/],
    [['validate', '--bogus', 'x.conf'], /unknown option '--bogus'/],
    [['validate', '--host-interfaces', ',', 'x.conf'], /give at least one interface name/],
    [['validate', '--host-interfaces', 'eth0;rm', 'x.conf'], /is not an interface name/],
    [['run', '--slack', '-1', 'x.scenario'], /--slack expects seconds from 0 to 3600, got '-1'/],
    [['run', '--slack', 'soon', 'x.scenario'], /--slack expects seconds from 0 to 3600, got 'soon'/],
  ])('exits 2 on a usage error (%j) with a message, a hint and no stack', async (argv, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(/--help' for usage/);
    noStack(r.err);
  });

  it('also answers usage errors in JSON on stdout when --json is given', async () => {
    const r = await run('validate', '--json', '--bogus', 'x.conf');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toEqual({ error: { code: 'usage', message: "unknown option '--bogus'" } });
  });

  it('never colours output that is not a terminal, and honours NO_COLOR at one', async () => {
    const plain = captureIo({ tty: true, env: { NO_COLOR: '1' } });
    await main(['--help'], plain);
    expect(plain.out()).not.toContain('\u001b[');
  });
});

describe('the built binary', () => {
  const bin = join(import.meta.dirname, '..', '..', 'bin', 'vrrp-lab.js');
  const built = existsSync(join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js'));

  it.skipIf(!built)('stays quiet when its reader goes away (| head) and keeps its exit status', async () => {
    const child = spawn(process.execPath, [bin, 'validate', 'test/cli/fixtures/conflict/lb1.conf', 'test/cli/fixtures/conflict/lb2.conf']);
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(1);
  });
});
